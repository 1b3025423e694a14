// `npm run demo`: the whole product on its embedded default, offline, on http://127.0.0.1:3456.
// A seeded demo shop, no Shopify account: the demo-only sign-in path opens because this server
// binds to 127.0.0.1 and NODE_ENV is not production (see app/auth.server.ts). Shopify is the
// in-process fake (test/shopify-fake, seeded by scripts/demo-shopify.ts), Mirakl the simulator.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.resolve(process.env.DEMO_DATA_DIR ?? path.join(root, "data/demo"));
mkdirSync(dataDir, { recursive: true });

// The demo's own encryption key, made once and kept beside its database.
const keyFile = path.join(dataDir, "encryption.key");
if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString("base64"), { mode: 0o600 });

Object.assign(process.env, {
  NODE_ENV: "development",
  MIRAKL_BRIDGE_DEMO: "1",
  PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
  SHOPIFY_API_KEY: "mirakl-bridge-demo",
  SHOPIFY_API_SECRET: "mirakl-bridge-demo-secret",
  ENCRYPTION_KEY: readFileSync(keyFile, "utf8").trim(),
  // The worker starts below, once Shopify and the demo shop exist: it must never call a Shopify that is not there yet.
  WORKER_MODE: "off",
});
delete process.env.DATABASE_URL;
const port = Number(process.env.DEMO_PORT ?? 3456);
process.env.SHOPIFY_APP_URL = `http://127.0.0.1:${port}`;

const { createDemoShopify, demoMiraklOffers, loadDemoAdminSchema } = await import("./demo-shopify.ts");
const { autoOrdersFromEnv, createDemoMarketplace } = await import("./demo-marketplace.ts");
try {
  loadDemoAdminSchema();
} catch (error) {
  console.error(`\n${(error as Error).message}\n`);
  process.exit(1);
}

const { startServer } = await import("../server.ts");
const server = await startServer({ host: "127.0.0.1", port, onLoopbackOnly: true });
const { DEMO_SHOP } = await server.loadAppModule<typeof import("../app/auth.server")>("/app/auth.server.ts");
const shopify = createDemoShopify({
  shop: DEMO_SHOP,
  apiKey: process.env.SHOPIFY_API_KEY!,
  apiSecret: process.env.SHOPIFY_API_SECRET!,
});
// After the app's modules: the Shopify library's adapter sets its fetch when it is first imported.
shopify.fake.install();
shopify.fake.installBulkStorage(); // the catalogue export's result file is downloaded with plain fetch
const seed = await server.loadAppModule<typeof import("../app/demo/seed.server")>("/app/demo/seed.server.ts");
const summary = await seed.seedDemo({ appUrl: server.url, ...(await shopify.issueOfflineToken()) });

// The app's own Admin client, through its offline session, must land in this process's fake; if Vite had
// loaded a second copy of @shopify/shopify-api, install() above would not reach it and this read would fail.
const before = shopify.fake.requests.length;
const shopLocations = await seed.readDemoShopLocations().catch((error: unknown) => {
  console.error(
    `The app could not read the demo shop from the Shopify fake: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
if (!shopify.fake.requests.slice(before).some((r) => r.operationName === "Locations" && r.status === 200)) {
  console.error(
    "The app's Shopify requests did not reach the demo's Shopify fake: the app loaded another @shopify/shopify-api runtime.",
  );
  process.exit(1);
}
const warehouse = shopLocations.find((l) => l.id === shopify.warehouse.id)!;

const mirakl = await startDemoMirakl(port + 1, seed, warehouse);
const { registerDemoShopify } = await server.loadAppModule<typeof import("../app/demo/demo-shopify.server")>(
  "/app/demo/demo-shopify.server.ts",
);
registerDemoShopify(shopify.store(server.url));
const autoOrders = autoOrdersFromEnv(process.env);
const marketplace = createDemoMarketplace({
  simulator: mirakl.simulator,
  shopId: mirakl.shopId,
  connectionName: mirakl.connectionName,
  autoOrders,
});
const { registerDemoMarketplace } = await server.loadAppModule<typeof import("../app/demo/demo-marketplace.server")>(
  "/app/demo/demo-marketplace.server.ts",
);
registerDemoMarketplace(marketplace);

process.env.WORKER_MODE = "embedded";
const { startEmbeddedWorkerIfConfigured } =
  await server.loadAppModule<typeof import("../app/sync/index.server")>("/app/sync/index.server.ts");
startEmbeddedWorkerIfConfigured();

console.log(`
Mirakl Bridge demo is running: ${server.url}/app
  shop:      ${summary.shop} (Shopify fake: ${shopify.fake.store.variants.size} variants at ${shopLocations.map((l) => l.name).join(" and ")})
  data:      ${dataDir} (delete it to start over)
  seeded:    ${summary.notes.join("; ")}
  mirakl:    ${mirakl.url} (simulator shop ${mirakl.shopId}, key ${mirakl.apiKey}) → connection "${mirakl.connectionName}", selling ${warehouse.name} stock
  stock:     change it in Shopify at ${server.url}/app/demo/shopify, then watch ${server.url}/app/stock
  orders:    buy on the marketplace at ${server.url}/app/demo/marketplace, then watch ${server.url}/app/orders
             ${autoOrders.enabled ? `the demo also orders by itself every ${autoOrders.everyMs.min / 60_000}–${autoOrders.everyMs.max / 60_000} minutes, first in about ${autoOrders.firstAfterMs / 60_000} minute (DEMO_AUTO_ORDERS=0 or the marketplace page turns it off)` : "the demo places no orders by itself (DEMO_AUTO_ORDERS=0; the marketplace page turns them on)"}
Press Ctrl+C to stop.`);

/**
 * The Mirakl simulator next to the app (DEMO_PORT + 1, loopback only) with the demo marketplace shop and
 * its offers, and the demo connection pointing at it. The shop is its own (not the simulator's default
 * shop 2001), so connections added by hand in the demo do not overwrite its stock. The simulator starts
 * afresh on every run while the demo keeps its database, so the connection is re-pointed and re-keyed on
 * each start rather than created once.
 */
async function startDemoMirakl(
  miraklPort: number,
  seed: typeof import("../app/demo/seed.server"),
  warehouseLocation: { id: string; name: string },
) {
  const { startMiraklSimulator, MARKETPLACE_CARRIERS, MARKETPLACE_REASONS } =
    await import("../test/simulators/mirakl/index.ts");
  const simulator = await startMiraklSimulator({
    port: miraklPort,
    host: "127.0.0.1",
    clock: "realtime",
    carriers: MARKETPLACE_CARRIERS,
    reasons: MARKETPLACE_REASONS,
    // Like most marketplaces: only the carriers it registered (SH21) may ship, so an unmapped one blocks.
    platform: { disableSellerAlternativeCarrier: true },
  });
  const shopId = 3001;
  const apiKey = "sim-key-decathlon-demo";
  simulator.simulator.state.addShop({ id: shopId, name: "Outdoor Gear Lyon", currency: "EUR", seedOffers: false });
  simulator.control.addKey(apiKey, [shopId]);
  for (const offer of demoMiraklOffers()) simulator.control.addOffer(shopId, offer);
  const connection = await seed.seedDemoMiraklConnection({
    baseUrl: simulator.url,
    apiKey,
    stockRules: seed.demoStockRules(warehouseLocation.id),
    locationNames: { [warehouseLocation.id]: warehouseLocation.name },
  });
  const stop = () => void simulator.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return { url: simulator.url, apiKey, shopId, connectionName: connection.name, simulator };
}
