import type { IngestResult } from "~/sync/catalog/mirror.server";
import { ShopifyFake } from "../test/shopify-fake";
import type { FakeInventoryLevel } from "../test/shopify-fake/store";
import {
  miraklCallCounts,
  startBenchSimulator,
  nextImportCompletion,
  seededRandom,
  startEngine,
  VirtualClock,
} from "./harness";
import { measureReconcileRun, type FakesControl, type MiraklFigures, type ReconcileConfig } from "./reconcile-run";

export { RECONCILE_FULL, RECONCILE_QUICK, type ReconcileConfig, type RunFigures } from "./reconcile-run";

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

const sku = (i: number) => `SKU-${String(i).padStart(6, "0")}`;

export const RECONCILE_SHOP = "reconcile-bench.myshopify.com";

/** The two fakes seeded with the scenario's catalogue, on one virtual clock; the same seed gives the same data. */
export async function startReconcileWorld(config: ReconcileConfig) {
  const random = seededRandom(config.seed);
  const shop = RECONCILE_SHOP;
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
  return { config, shop, random, sim, clock, fake, location, levels, main, seedMs: Date.now() - seedStarted };
}

export type ReconcileWorld = Awaited<ReturnType<typeof startReconcileWorld>>;

/** Drift, a day later, on both sides (see the header). */
export function injectDrift(world: ReconcileWorld) {
  const { config, random, sim, clock, fake, location, levels, main } = world;
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
}

/** Mirakl calls since the last clearCalls, the 429s, and the stock lines the STO01 files carried. */
export function miraklFigures(sim: ReconcileWorld["sim"]): MiraklFigures {
  const calls = miraklCallCounts(sim);
  return {
    miraklCalls: calls.byOperation,
    rateLimited: calls.rateLimited,
    // CSV data rows only ("sku;quantity;…"), not the header nor the multipart headers.
    offersPushed: sim.control
      .calls("STO01")
      .reduce((sum, call) => sum + call.body!.split("\n").filter((l) => /^[^;:\s]+;\d+;/.test(l)).length, 0),
  };
}

/** Offers whose quantity on Mirakl differs from the one wanted (offers Mirakl does not have are not counted). */
export function countMismatches(
  world: ReconcileWorld,
  wanted: Iterable<{ offerSku: string; desiredQuantity: number | null }>,
) {
  let wrong = 0;
  for (const row of wanted) {
    const offer = world.main.offers.get(row.offerSku);
    if (offer && offer.quantity !== row.desiredQuantity) wrong++;
  }
  return wrong;
}

export async function runReconcileBench(config: ReconcileConfig) {
  const world = await startReconcileWorld(config);
  const { shop, sim, clock, fake, location, seedMs } = world;

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
  const fakes: FakesControl = {
    clearCalls: () => sim.control.clearCalls(),
    nextImportCompletion: () => nextImportCompletion(sim),
    miraklFigures: () => miraklFigures(sim),
    mismatches: async (page) => countMismatches(world, page),
  };
  const takeIngested = () => {
    const taken = ingested as IngestResult | null;
    ingested = null;
    return taken;
  };
  try {
    const cold = await measureReconcileRun({ engine, clock, fakes, label: "cold", takeIngested });
    injectDrift(world);
    const warm = await measureReconcileRun({ engine, clock, fakes, label: "warm", takeIngested });
    return { config, seedMs, cold, warm };
  } finally {
    engine.close();
    await sim.close();
  }
}
