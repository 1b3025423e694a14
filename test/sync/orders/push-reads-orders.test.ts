import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection } from "~/connections/connections.server";
import { applyLevels, upsertVariants, type VariantFacts } from "~/sync/catalog/mirror.server";
import { runStockRecompute } from "~/sync/stock/recompute.server";
import { pushStock, STOCK_IMPORT_INTERVAL_MS, STOCK_STATUS_POLL_MS } from "~/sync/stock/push.server";
import { stockFlowDeps } from "~/sync/index.server";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * Mirakl lowers an offer when an order is placed; a stock file computed without that order would
 * restore the units and the marketplace would sell them twice. The push reads new orders first.
 */

// Each test has its own simulator, shop, connection and tent (variant ids are global keys): no order, file or read
// of one test is seen by another.
let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
const WAREHOUSE = "gid://shopify/Location/8101";
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
let tent: VariantFacts;
const simNow = () => new Date(sim.control.now());
const tentOfTest = (n: number): VariantFacts => ({
  variantId: `gid://shopify/ProductVariant/8101${n}`,
  productId: `gid://shopify/Product/8101${n}`,
  sku: "TENT",
  barcode: null,
  title: "Tent",
  productStatus: "ACTIVE",
  tracked: true,
  inventoryItemId: `gid://shopify/InventoryItem/8101${n}`,
  price: "99.00",
  compareAtPrice: null,
});
const setAvailable = (available: number) =>
  applyLevels(shop, [
    { inventoryItemId: tent.inventoryItemId, locationId: WAREHOUSE, available, observedAt: simNow() },
  ]);
const recompute = () => runStockRecompute(shop, { shopify: null, now: simNow });
const lastFileQuantity = () => {
  const body = sim.control.calls("STO01").at(-1)!.body;
  return Number(/TENT;(\d+)/.exec(body)?.[1]);
};

/**
 * A stock file has gone out (Mirakl is still importing it) after marketplace orders for `ordered` units were
 * placed and `available` were in Shopify: the push read the orders itself, so the file said available − ordered.
 */
async function aFileWentOut({ available, ordered }: { available: number; ordered: number[] }) {
  await setAvailable(available);
  for (const quantity of ordered)
    sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity }], state: "WAITING_ACCEPTANCE" });
  await recompute();
  await pushStock(connection, mirakl, simNow(), stockFlowDeps);
  expect(sim.control.calls("STO01")).toHaveLength(1);
  expect(lastFileQuantity()).toBe(available - ordered.reduce((sum, quantity) => sum + quantity, 0));
}

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `push-reads-orders-${++testCount}.myshopify.com`;
  tent = tentOfTest(testCount);
  sim = await startMiraklSimulator({ port: 0 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 0, price: 99 });
  connection = await createConnection(shop, {
    name: "Decathlon",
    baseUrl: sim.url,
    apiKey: sim.keys.single,
    // Velocity protection off: these tests follow the reservations alone.
    settings: {
      stock: { locationIds: [WAREHOUSE], velocityProtection: { enabled: false } },
      stockConfiguredAt: "2026-01-01T00:00:00.000Z",
    },
  }).then((c) => ({ id: c.id, shop }));
  mirakl = simulatorClient(sim, connection.id, sim.keys.single, { csvDelimiter: ";" });
  await upsertVariants(shop, [tent], simNow());
  await setAvailable(10);
});
afterEach(async () => sim?.close());

describe("stock push reads new marketplace orders first", () => {
  it("an order placed since the last read is taken out of the very next file", async () => {
    await recompute();
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(lastFileQuantity()).toBe(10);
    sim.control.advanceClock(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps); // import complete

    // A marketplace customer orders 3, then a Shopify checkout sells 1: the next file must say 6, not 9.
    sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 3 }], state: "WAITING_ACCEPTANCE" });
    await setAvailable(9);
    await recompute();
    expect(
      (await prisma.offerStock.findFirstOrThrow({ where: { connectionId: connection.id, offerSku: "TENT" } }))
        .desiredQuantity,
    ).toBe(9);

    sim.control.advanceClock(STOCK_IMPORT_INTERVAL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO01")).toHaveLength(2);
    expect(lastFileQuantity()).toBe(6);
    expect(await prisma.marketplaceReservation.count({ where: { shop, releasedAt: null } })).toBe(1);
  });

  it("a file never goes out on orders read long ago: it waits for the next read (at most a minute), which it makes itself", async () => {
    await aFileWentOut({ available: 9, ordered: [3] });
    sim.control.advanceClock(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps); // the previous import completes
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, simNow()); // the intake unit's read: nothing new
    const readAt = simNow().getTime();

    sim.control.advanceClock(45_000);
    sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 2 }], state: "WAITING_ACCEPTANCE" });
    await setAvailable(8); // a Shopify sale: 8 − 3 − 2 = 3 is the truth now
    await recompute();
    const held = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO01")).toHaveLength(1); // nothing sent on a 45-second-old read
    expect(held.nextDueAt!.getTime()).toBe(readAt + ORDER_POLL_INTERVAL_MS);

    sim.control.advanceClock(held.nextDueAt!.getTime() - simNow().getTime());
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO01")).toHaveLength(2);
    expect(lastFileQuantity()).toBe(3);
  });

  it("what the intake unit read but the recompute has not run yet goes in the next file", async () => {
    await aFileWentOut({ available: 8, ordered: [3, 2] });
    sim.control.advanceClock(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }], state: "WAITING_ACCEPTANCE" });
    await readMarketplaceOrders(connection, mirakl, simNow()); // only marks the SKU for recompute
    await setAvailable(7); // and the recompute unit has not run: OfferStock still says 3
    await prisma.offerStock.updateMany({
      where: { connectionId: connection.id },
      data: { desiredVersion: { increment: 1 } },
    }); // dirty, so a file is due
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO01")).toHaveLength(2);
    expect(lastFileQuantity()).toBe(1); // 7 − 3 − 2 − 1
  });

  it("a read under half a minute old is fresh enough: the file goes at once", async () => {
    await aFileWentOut({ available: 10, ordered: [] });
    sim.control.advanceClock(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, simNow());
    sim.control.advanceClock(20_000);
    await setAvailable(9);
    await recompute();
    const files = sim.control.calls("STO01").length;
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO01")).toHaveLength(files + 1);
  });
});
