import prisma from "~/db.server";
import type { IngestResult } from "~/sync/catalog/mirror.server";
import { requestReconcile } from "~/sync/stock/reconcile.server";
import { ShopifyFake } from "../test/shopify-fake";
import type { FakeInventoryLevel } from "../test/shopify-fake/store";
import {
  miraklCallCounts,
  startBenchSimulator,
  nextImportCompletion,
  seededRandom,
  startEngine,
  type Engine,
  VirtualClock,
} from "./harness";

/**
 * Full reconcile of a large catalogue through the real code: the catalogue refresh task streams
 * Shopify's bulk export (the fake's JSONL file) into the mirror, the recompute works through every
 * variant, the reconcile reads Mirakl's offer export (OF52 → OF53 → OF54) and compares, and the push
 * sends what differs (STO01 files of at most 10,000 lines, one a minute).
 *
 * Two runs on the same data: a cold one (first install: nothing in the mirror, every offer pushed),
 * then a warm nightly one after drift was injected on both sides:
 *  - Mirakl: offer quantities edited behind our back (back-office edits, other tools);
 *  - Shopify: stock changes whose webhooks were lost (only the bulk export can see them);
 *  - Shopify variants with no offer, and offers with no variant (both reported, not pushed).
 */

export interface ReconcileConfig {
  skus: number;
  seed: number;
  /** Share of offers whose Mirakl quantity is changed behind our back before the warm run. */
  miraklDriftShare: number;
  /** Share of variants whose Shopify stock changes with the webhook lost. */
  lostWebhookShare: number;
  /** Variants with no offer, and offers with no variant. */
  unmatchedEachWay: number;
}

export const RECONCILE_FULL: ReconcileConfig = {
  skus: 100_000,
  seed: 7,
  miraklDriftShare: 0.01,
  lostWebhookShare: 0.005,
  unmatchedEachWay: 100,
};
export const RECONCILE_QUICK: ReconcileConfig = { ...RECONCILE_FULL, skus: 2_000 };

export interface RunFigures {
  wallMs: number;
  /** Wall ms per kind of engine unit (catalogue refresh, recompute, reconcile, push). */
  unitMs: Record<string, number>;
  virtualMs: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  rssBeforeMb: number;
  heapUsedBeforeMb: number;
  miraklCalls: Record<string, number>;
  rateLimited: number;
  skusCompared: number;
  driftsFound: number;
  offersPushed: number;
  catalogue: { variants: number; levels: number; variantsChanged: number; levelsChanged: number } | null;
  exceptions: Record<string, number>;
  /** Offers whose Mirakl quantity differs from what we want once the run and its pushes are done. */
  mismatchesAfter: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const sku = (i: number) => `SKU-${String(i).padStart(6, "0")}`;

function memorySampler() {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return {
        rssBeforeMb: mb(before.rss),
        heapUsedBeforeMb: mb(before.heapUsed),
        peakRssMb: mb(peakRss),
        peakHeapUsedMb: mb(peakHeap),
      };
    },
  };
}

export async function runReconcileBench(config: ReconcileConfig) {
  const random = seededRandom(config.seed);
  const shop = "reconcile-bench.myshopify.com";
  const sim = await startBenchSimulator({ port: 0, seed: config.seed, startTime: Date.now(), defaults: true });
  const clock = new VirtualClock(sim.control.now(), sim);
  const fake = new ShopifyFake({ shop, now: clock.now, bulkPollsUntilComplete: 2 });
  const location = fake.store.addLocation({ name: "Warehouse" });

  // Shopify: products of 10 variants; Mirakl: one offer per SKU at the quantity Shopify has (in line).
  const seedStarted = Date.now();
  const levels: FakeInventoryLevel[] = [];
  const main = sim.simulator.state.shop(sim.shops.main);
  for (let p = 0; p < config.skus / 10; p++) {
    const stock = Array.from({ length: 10 }, () => Math.floor(random() * 50));
    const { variants } = fake.store.addProduct({
      title: `Product ${p}`,
      variants: stock.map((available, v) => ({
        sku: sku(p * 10 + v),
        price: "19.90",
        stock: { [location.id]: { available } },
      })),
    });
    variants.forEach((variant, v) => {
      levels.push(fake.store.levelOf(variant.inventoryItemId, location.id)!);
      sim.simulator.state.upsertOffer(main, { shop_sku: variant.sku!, quantity: stock[v]!, price: 1990 });
    });
  }
  const seedMs = Date.now() - seedStarted;

  let ingested: IngestResult | null = null;
  // No orders in this scenario: the periodic order intake is left out; the push still reads orders (OR11) before each file.
  const engine = await startEngine({
    shop,
    fake,
    sim,
    clock,
    stock: { locationIds: [location.id] },
    readOrders: false,
    onCatalogueIngested: (result) => (ingested = result),
  });
  try {
    const cold = await measuredRun(engine, sim, clock, "cold");

    // Drift, a day later.
    clock.advanceTo(clock.ms + 24 * 60 * 60_000);
    const pick = (share: number) => {
      const chosen = new Set<number>();
      while (chosen.size < Math.round(config.skus * share)) chosen.add(Math.floor(random() * config.skus));
      return [...chosen];
    };
    for (const i of pick(config.miraklDriftShare)) {
      const offer = main.offers.get(sku(i))!;
      sim.simulator.state.upsertOffer(main, {
        shop_sku: offer.shop_sku,
        quantity: offer.quantity + 1 + Math.floor(random() * 5),
      });
    }
    for (const i of pick(config.lostWebhookShare))
      fake.store.setQuantity(levels[i]!, "available", levels[i]!.quantities.available + 3);
    for (let i = 0; i < config.unmatchedEachWay; i++) {
      sim.simulator.state.upsertOffer(main, { shop_sku: `MIRAKL-ONLY-${i}`, quantity: 5, price: 990 });
      fake.store.addProduct({
        title: `New ${i}`,
        variants: [{ sku: `SHOPIFY-ONLY-${i}`, price: "9.90", stock: { [location.id]: { available: 4 } } }],
      });
    }
    const warm = await measuredRun(engine, sim, clock, "warm");
    return { config, seedMs, cold, warm };
  } finally {
    engine.close();
    await sim.close();
  }

  async function measuredRun(
    engine: Engine,
    simulator: typeof sim,
    clk: VirtualClock,
    label: string,
  ): Promise<RunFigures> {
    simulator.control.clearCalls();
    for (const kind of Object.keys(engine.unitMs)) delete engine.unitMs[kind];
    const memory = memorySampler();
    const started = Date.now();
    const virtualStart = clk.ms;
    const run = await requestReconcile(engine.connection, "FULL", clk.date());
    for (let steps = 0; ; steps++) {
      if (steps > 100_000) throw new Error(`bench: ${label} reconcile did not settle`);
      await engine.drain();
      memory.sample();
      const finished = await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } });
      const dirty = await prisma.offerStock.count({
        where: {
          connectionId: engine.connection.id,
          desiredQuantity: { not: null },
          desiredVersion: { gt: prisma.offerStock.fields.pushedVersion },
        },
      });
      const due = [await engine.nextDueAt(), nextImportCompletion(simulator)].filter((t): t is number => t !== null);
      if (finished.finishedAt && dirty === 0 && nextImportCompletion(simulator) === null) break;
      if (due.length === 0)
        throw new Error(`bench: ${label} reconcile is idle but not settled (phase ${finished.phase}, ${dirty} dirty)`);
      clk.advanceTo(Math.max(clk.ms + 1, Math.min(...due)));
    }
    const wallMs = Date.now() - started;
    const figures = memory.stop();
    const finished = await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } });
    if (finished.error) throw new Error(`bench: ${label} reconcile failed: ${finished.error}`);
    const calls = miraklCallCounts(simulator);
    if (process.env.BENCH_TRACE)
      console.error(
        await prisma.syncException.findMany({ where: { shop, status: "OPEN" }, select: { kind: true, message: true } }),
      );
    const exceptions = await prisma.syncException.groupBy({
      by: ["kind"],
      where: { shop, status: "OPEN" },
      _count: { _all: true },
    });
    const ingest = ingested as IngestResult | null;
    ingested = null;
    return {
      wallMs,
      unitMs: Object.fromEntries(Object.entries(engine.unitMs).map(([kind, ms]) => [kind, Math.round(ms)])),
      virtualMs: clk.ms - virtualStart,
      ...figures,
      miraklCalls: calls.byOperation,
      rateLimited: calls.rateLimited,
      skusCompared: finished.skusCompared,
      driftsFound: finished.drifts,
      // CSV data rows only ("sku;quantity;…"), not the header nor the multipart headers.
      offersPushed: simulator.control
        .calls("STO01")
        .reduce((sum, call) => sum + call.body!.split("\n").filter((l) => /^[^;:\s]+;\d+;/.test(l)).length, 0),
      catalogue: ingest && {
        variants: ingest.variants,
        levels: ingest.levels,
        variantsChanged: ingest.variantsChanged,
        levelsChanged: ingest.levelsChanged,
      },
      exceptions: Object.fromEntries(exceptions.map((e) => [e.kind, e._count._all])),
      mismatchesAfter: await mismatches(engine, simulator),
    };
  }

  /** Every offer we feed, compared with what Mirakl now advertises. */
  async function mismatches(engine: Engine, simulator: typeof sim) {
    const rows = await prisma.offerStock.findMany({
      where: { connectionId: engine.connection.id, warehouseCode: "", desiredQuantity: { not: null } },
      select: { offerSku: true, desiredQuantity: true },
    });
    const offers = simulator.simulator.state.shop(simulator.shops.main).offers;
    let wrong = 0;
    for (const row of rows) {
      const offer = offers.get(row.offerSku);
      if (offer && offer.quantity !== row.desiredQuantity) wrong++;
    }
    return wrong;
  }
}
