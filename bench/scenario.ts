// One scenario in its own process (memory figures stay its own), started by bench/run.ts:
// `node --expose-gc --import tsx bench/scenario.ts flash-sale|reconcile|acceptance|fulfilments|webhooks|engine-memory [--quick] [--variant=N] [--without-velocity] [--velocity-window=S] [--skus=N]`.
import "./env";

const [name] = process.argv.slice(2);
const quick = process.argv.includes("--quick");
const { ensureDatabaseReady } = await import("~/db.server");
// engine-memory measures this process with the engine on PostgreSQL: no in-memory PGlite may be opened in it.
if (name !== "engine-memory") await ensureDatabaseReady();
let result: unknown;
if (name === "flash-sale") {
  const { runFlashSale, flashSaleVariants } = await import("./flash-sale");
  // One variant per process: the fakes of two runs hand out the same Shopify ids, which one mirror cannot hold twice.
  const variant = Number(process.argv.find((a) => a.startsWith("--variant="))?.slice(10) ?? 0);
  const withoutVelocity = process.argv.includes("--without-velocity");
  // --velocity-window=S: the engine's connection sets its own exposure window (a merchant's setting, not the scenario).
  const window = process.argv.find((a) => a.startsWith("--velocity-window="))?.slice(18);
  const config = flashSaleVariants(quick)[variant]!;
  const configured = window
    ? { ...config, stock: { ...config.stock, velocityProtection: { enabled: true, windowSeconds: Number(window) } } }
    : config;
  result = await runFlashSale(configured, withoutVelocity ? "engine-without-velocity" : "engine-and-baseline");
} else if (name === "reconcile") {
  const { runReconcileBench, RECONCILE_FULL, RECONCILE_QUICK } = await import("./reconcile-100k");
  const skus = process.argv.find((a) => a.startsWith("--skus="));
  const config = quick ? RECONCILE_QUICK : RECONCILE_FULL;
  result = await runReconcileBench(skus ? { ...config, skus: Number(skus.slice(7)) } : config);
} else if (name === "acceptance") {
  const { runAcceptanceBench, acceptanceConfig } = await import("./acceptance");
  result = await runAcceptanceBench(acceptanceConfig(quick));
} else if (name === "fulfilments") {
  // One variant per process, as the flash sale's (each run's fake hands out the same Shopify ids).
  const { runFulfilmentsVariant, fulfilmentsConfig, fulfilmentsVariants } = await import("./fulfilments");
  const variant = Number(process.argv.find((a) => a.startsWith("--variant="))?.slice(10) ?? 0);
  result = await runFulfilmentsVariant(fulfilmentsConfig(quick), fulfilmentsVariants[variant]!);
} else if (name === "webhooks") {
  // Bursts against the built production server, started as a child process (the load is generated here).
  const { runWebhooksBench } = await import("./webhooks");
  result = await runWebhooksBench(quick);
} else if (name === "engine-memory") {
  // The 100k reconcile with the engine alone in this process (PostgreSQL), the fakes in a child process.
  const { runEngineMemoryBench } = await import("./engine-memory");
  const { RECONCILE_FULL, RECONCILE_QUICK } = await import("./reconcile-run");
  const skus = process.argv.find((a) => a.startsWith("--skus="));
  const config = quick ? RECONCILE_QUICK : RECONCILE_FULL;
  result = await runEngineMemoryBench(skus ? { ...config, skus: Number(skus.slice(7)) } : config);
} else {
  throw new Error(`unknown scenario ${name}`);
}
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
