import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { ShopifyGraphqlError, ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import type { AdminOperation } from "~/integrations/shopify/operation";
import type { MiraklOrder } from "~/integrations/mirakl";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { storeOrders } from "~/sync/orders/mirror.server";
import { runShopifyOrders, SEARCH_SETTLE_MS } from "~/sync/orders/shopify-order.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { refreshProduct } from "~/sync/catalog/mirror.server";
import { registerFlows } from "~/sync/index.server";
import { retryFor } from "~/exceptions/retries.server";
import { ShopifyFake } from "../../shopify-fake";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";
import { refuseTimelineLines } from "../../helpers/timeline-faults";

/**
 * The Shopify order at debit (issue 11), end to end: the Mirakl simulator debits orders, the intake mirrors
 * them, the shopify-orders unit creates them on the Shopify fake (which lags its search behind new orders and
 * refuses a development store's 6th order of a minute), and the holds hand the stock over. Every case that could
 * duplicate an order (duplicate and stale reads, THROTTLED, 5xx, a lost answer, a process killed between "sent"
 * and "recorded") ends with exactly one Shopify order per Mirakl order.
 */

type Admin = Pick<ShopifyAdminClient, "request">;
let sim: RunningMiraklSimulator;
let fake: ShopifyFake;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof simulatorClient>;
let admin: ShopifyAdminClient;
let warehouse: string;
let shopFront: string;
let tentItem: string;
let tentProduct: string;
const now = () => new Date(sim.control.now());

function shopifyOrdersFor(miraklOrderId: string) {
  return [...fake.store.orders.values()].filter((o) => o.sourceIdentifier === miraklOrderId);
}
const mirror = (miraklOrderId: string) =>
  prisma.marketplaceOrder.findUniqueOrThrow({
    where: { connectionId_miraklOrderId: { connectionId: connection.id, miraklOrderId } },
    include: { lines: true, events: { orderBy: { seq: "asc" } } },
  });
const reservationsOf = (miraklOrderId: string) =>
  prisma.marketplaceReservation.findMany({ where: { connectionId: connection.id, miraklOrderId } });
const tent = () => {
  const level = fake.store.levelOf(tentItem, warehouse)!;
  return { ...level.quantities, on_hand: fake.store.quantity(level, "on_hand") };
};
const exceptions = () =>
  prisma.syncException.findMany({ where: { shop, kind: "SHOPIFY_ORDER_FAILED", status: "OPEN" } });

/** A minute later on both clocks: one intake poll, then the Shopify order unit and the holds. */
async function step(minutes = 1, client: Admin = admin) {
  sim.control.advanceClock(minutes * ORDER_POLL_INTERVAL_MS);
  await readMarketplaceOrders(connection, mirakl, now());
  await reconcileShopifyHolds(shop, now(), admin);
  const result = await runShopifyOrders(connection, now(), client);
  await reconcileShopifyHolds(shop, now(), admin);
  return result;
}

/** A paid order (SHIPPING), placed a minute after the connection exists. */
function placePaidOrder(quantity = 2, extra: Record<string, unknown> = {}) {
  return sim.control.createOrder({
    lines: [{ offer_sku: "TENT", quantity, price_unit: 40, tax_rate: 20 }],
    state: "SHIPPING",
    ...extra,
  }).id;
}

/** An Admin client that runs `before` ahead of each request of one operation (to fail it, or to crash after). */
function intercepting(operation: string, around: (send: () => Promise<unknown>) => Promise<unknown>): Admin {
  return {
    request: (<D, V>(op: AdminOperation<D, V>, variables: V, options?: Parameters<ShopifyAdminClient["request"]>[2]) =>
      op.name === operation
        ? (around(() => admin.request(op, variables, options)) as Promise<D>)
        : admin.request(op, variables, options)) as Admin["request"],
  };
}

beforeAll(async () => {
  await ensureDatabaseReady();
  registerFlows();
});

beforeEach(async () => {
  shop = `shopify-orders-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 50, price: 40 });
  fake = new ShopifyFake({ shop, now: () => sim.control.now(), currency: "USD" });
  // GIDs are global keys in the mirror: keep each test's ids apart.
  for (let i = 0; i < 1000 * testCount; i++) fake.store.nextNumericId();
  admin = new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {} });
  warehouse = fake.store.addLocation({ name: "Warehouse" }).id;
  shopFront = fake.store.addLocation({ name: "Shop front" }).id;
  const added = fake.store.addProduct({
    title: "Tent",
    variants: [{ sku: "TENT", price: "40", stock: { [warehouse]: { available: 10 }, [shopFront]: { available: 3 } } }],
  });
  tentProduct = added.product.id;
  tentItem = added.variants[0]!.inventoryItemId;
  await refreshProduct(shop, admin, tentProduct, now());

  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  await mergeConnectionSettings(shop, connection.id, {
    currencyIsoCode: "USD",
    stock: { locationIds: [warehouse] } as never,
  });
  mirakl = simulatorClient(sim, connection.id);
  // The connection's first poll, then orders are placed after it exists (one placed before is not made by itself).
  sim.control.advanceClock(60_000);
  await readMarketplaceOrders(connection, mirakl, now());
});
afterEach(async () => sim?.close());

describe("a paid Mirakl order becomes one Shopify order", () => {
  it("with Mirakl's money, no receipt, no customer, and the units moved once", async () => {
    const id = placePaidOrder(2);
    await step();

    const [order, ...more] = shopifyOrdersFor(id);
    expect(more).toHaveLength(0);
    expect(order!.sourceName).toBe("mirakl-decathlon");
    expect(order!.sendReceipt).toBe(false);
    expect(order!.sendFulfillmentReceipt).toBe(false);
    expect(order!.customerId ?? null).toBeNull();
    expect(order!.buyerAcceptsMarketing).toBe(false);
    expect(order!.lineItems.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([["TENT", 2, "40.00"]]);
    // 2 × 40 + 4.99 shipping, taxes (TAX_EXCLUDED, 20 %) on top: 16 + 1.00 → 101.99.
    expect(order!.transactions.map((t) => [t.kind, t.status, t.gateway, t.amount.shop])).toEqual([
      ["SALE", "SUCCESS", "Decathlon (Mirakl)", "101.99"],
    ]);
    expect(order!.totalPrice.shop).toBe("101.99");

    const stored = await mirror(id);
    expect(stored.shopifyOrderStatus).toBe("CREATED");
    expect(stored.shopifyOrderId).toBe(order!.id);
    expect(stored.shopifyOrderName).toBe(order!.name);
    expect(stored.lines[0]!.shopifyLineItemId).toBe(order!.lineItems[0]!.id);
    expect(stored.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["shopify-order-due", "shopify-order-created"]),
    );

    // Committed by the order, the hold given back: on hand never moved, available is 10 − 2 once.
    expect(tent()).toMatchObject({ available: 8, committed: 2, reserved: 0 });
    expect((await reservationsOf(id)).map((r) => r.releaseReason)).toEqual(["SHOPIFY_ORDER"]);
    expect(await exceptions()).toEqual([]);
  });

  it("the units are never sellable twice while the stock is handed over", async () => {
    const id = placePaidOrder(2);
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    await reconcileShopifyHolds(shop, now(), admin);
    expect(tent()).toMatchObject({ available: 8, reserved: 2, committed: 0 });
    await runShopifyOrders(connection, now(), admin);
    // The order committed the units before the hold went back: counted twice as unavailable, never as sellable.
    expect(tent()).toMatchObject({ available: 6, reserved: 2, committed: 2 });
    await reconcileShopifyHolds(shop, now(), admin);
    expect(tent()).toMatchObject({ available: 8, reserved: 0, committed: 2 });
    expect(shopifyOrdersFor(id)).toHaveLength(1);
  });

  it("routed elsewhere by Shopify, its fulfillment order is moved to the location that held the units", async () => {
    // The warehouse has too few units left for Shopify's routing once the hold took them: it routes to the shop front.
    fake.store.setQuantity(fake.store.levelOf(tentItem, warehouse)!, "available", 3);
    fake.store.setQuantity(fake.store.levelOf(tentItem, shopFront)!, "available", 9);
    await refreshProduct(shop, admin, tentProduct, now());
    const id = placePaidOrder(3);
    await step();
    const [order] = shopifyOrdersFor(id);
    expect(order!.fulfillmentOrders.filter((fo) => fo.status === "OPEN").map((fo) => fo.locationId)).toEqual([
      warehouse,
    ]);
    expect(fake.store.levelOf(tentItem, shopFront)!.quantities).toMatchObject({ available: 9, committed: 0 });
    expect(tent()).toMatchObject({ available: 0, committed: 3, reserved: 0 });
  });
});

describe("exactly once", () => {
  it("duplicate and out-of-order OR11 reads make no second order", async () => {
    const id = placePaidOrder(1);
    await step();
    const paid = (await mirror(id)).payload as unknown as MiraklOrder;
    // The same order read again, and a stale read from before the debit arriving late.
    await storeOrders(connection, [paid, paid], now(), { create: true, placedBefore: new Date(0) });
    const stale = {
      ...paid,
      order_state: "WAITING_DEBIT_PAYMENT",
      last_updated_date: new Date(Date.parse(paid.last_updated_date) - 60_000).toISOString(),
    };
    await storeOrders(connection, [stale as MiraklOrder], now(), { create: true, placedBefore: new Date(0) });
    expect((await mirror(id)).state).toBe("SHIPPING");
    await step();
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
  });

  it("THROTTLED answers are waited out in the call; still throttled, the order waits for the next pass", async () => {
    const id = placePaidOrder(1);
    fake.throttleNext(2);
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);

    const second = placePaidOrder(1);
    // Throttled on every attempt the client makes in one call, from the unit's first request on.
    const throttled = intercepting("OrdersBySourceIdentifier", (send) => {
      fake.throttleNext(8);
      return send();
    });
    const result = await step(1, throttled);
    expect(shopifyOrdersFor(second)).toHaveLength(0);
    expect((await mirror(second)).shopifyOrderStatus).toBe("DUE");
    expect(result.nextDueAt!.getTime()).toBeGreaterThan(now().getTime());
    await step(2);
    expect(shopifyOrdersFor(second)).toHaveLength(1);
  });

  it("a 5xx before it ran: looked up once the search has settled, then sent again, one order", async () => {
    const id = placePaidOrder(1);
    // Shopify answers the orderCreate itself with a 503 (the look-up before it goes through).
    const failing = intercepting("OrderCreate", (send) => {
      fake.failNext(503);
      return send();
    });
    const sends = () => fake.requests.filter((r) => r.query.includes("mutation OrderCreate")).length;
    await step(1, failing);
    expect((await mirror(id)).shopifyOrderStatus).toBe("SENDING");
    expect(sends()).toBe(1); // not resent in the call
    await step(); // within the search lag window: looked up, not sent
    expect(sends()).toBe(1);
    sim.control.advanceClock(SEARCH_SETTLE_MS);
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect((await mirror(id)).shopifyOrderAttempts).toBe(2);
  });

  for (const lost of [{ status: 502 }, { networkError: true }])
    it(`an answer lost after it ran (${JSON.stringify(lost)}): found by its source identifier, never made again`, async () => {
      const id = placePaidOrder(1);
      fake.loseNextAnswer("OrderCreate", lost);
      await step();
      expect(shopifyOrdersFor(id)).toHaveLength(1); // it ran
      expect((await mirror(id)).shopifyOrderStatus).toBe("SENDING");
      // The search does not see it yet: the unit waits instead of sending again.
      await runShopifyOrders(connection, now(), admin);
      expect(shopifyOrdersFor(id)).toHaveLength(1);
      sim.control.advanceClock(SEARCH_SETTLE_MS);
      await step();
      expect(shopifyOrdersFor(id)).toHaveLength(1);
      const stored = await mirror(id);
      expect(stored.shopifyOrderStatus).toBe("CREATED");
      expect(stored.shopifyOrderId).toBe(shopifyOrdersFor(id)[0]!.id);
      expect(stored.lines[0]!.shopifyLineItemId).toBe(shopifyOrdersFor(id)[0]!.lineItems[0]!.id);
      expect(stored.events.map((e) => e.kind)).toContain("shopify-order-adopted");
      // Committed once, held units returned: the handover runs for an adopted order too.
      expect(tent()).toMatchObject({ available: 9, committed: 1, reserved: 0 });
    });

  it("a line shipping while its order's creation is in doubt keeps its hold until the outcome is known", async () => {
    const id = placePaidOrder(1);
    fake.loseNextAnswer("OrderCreate");
    await step();
    expect((await mirror(id)).shopifyOrderStatus).toBe("SENDING");
    const state = sim.simulator.state;
    state.ship(state.shop(sim.shops.main).orders.get(id)!, sim.control.now());
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    // Not taken out of stock as "shipped with no Shopify order": the order that ran may commit the units.
    expect((await reservationsOf(id)).map((r) => r.releasedAt)).toEqual([null]);
    sim.control.advanceClock(SEARCH_SETTLE_MS);
    await step();
    // The order ran and commits the unit: the hold goes back, on hand never drops twice.
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect((await reservationsOf(id)).map((r) => r.releaseReason)).toEqual(["SHOPIFY_ORDER"]);
    expect(tent()).toMatchObject({ available: 9, committed: 1, reserved: 0, on_hand: 10 });
  });

  it("a process killed between sent and recorded: the next worker adopts the order", async () => {
    const id = placePaidOrder(1);
    const crashing = intercepting("OrderCreate", async (send) => {
      await send();
      throw new Error("SIGKILL: the worker died before recording");
    });
    await expect(step(1, crashing)).rejects.toThrow(/SIGKILL/);
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    sim.control.advanceClock(SEARCH_SETTLE_MS);
    await step();
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect((await mirror(id)).shopifyOrderStatus).toBe("CREATED");
  });

  it("recorded whole or not at all: a failure while recording leaves no Shopify order link without its timeline line", async () => {
    const id = placePaidOrder(1);
    const allowLines = await refuseTimelineLines(shop, "shopify-order-created");
    try {
      await expect(step()).rejects.toThrow(/connection lost/);
    } finally {
      await allowLines();
    }
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    const inDoubt = await mirror(id);
    expect(inDoubt.shopifyOrderStatus).toBe("SENDING");
    expect(inDoubt.shopifyOrderName).toBeNull();
    expect(inDoubt.lines.every((line) => line.shopifyLineItemId === null)).toBe(true);

    sim.control.advanceClock(SEARCH_SETTLE_MS);
    await step();
    const settled = await mirror(id);
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect(settled.shopifyOrderStatus).toBe("CREATED");
    expect(settled.events.map((e) => e.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^Found Shopify order ${settled.shopifyOrderName} already made`)),
    );
  });

  it("a development store's 5 orders a minute: the rest wait a minute, none is lost or doubled, no exception", async () => {
    const ids = Array.from({ length: 7 }, () => placePaidOrder(1));
    const first = await step();
    expect(ids.filter((id) => shopifyOrdersFor(id).length === 1)).toHaveLength(5);
    expect(first.nextDueAt!.getTime() - now().getTime()).toBe(60_000);
    // Woken early (the intake marks the unit): no order is sent to be refused again, none searched for.
    const calls = fake.requests.length;
    sim.control.advanceClock(10_000);
    await runShopifyOrders(connection, now(), admin);
    expect(fake.requests.slice(calls).filter((r) => /OrderCreate|OrdersBySourceIdentifier/.test(r.query))).toEqual([]);
    await step();
    for (const id of ids) expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect(await exceptions()).toEqual([]);
  });
});

describe("failures are typed exceptions with Retry, and nothing is half-created", () => {
  it("a variant deleted since acceptance: no order; restored, Retry creates it", async () => {
    const id = placePaidOrder(1);
    const variantId = [...fake.store.variants.values()].find((v) => v.sku === "TENT")!.id;
    await prisma.shopifyVariant.updateMany({ where: { shop, variantId }, data: { deletedAt: now() } });
    await step();
    expect(fake.store.orders.size).toBe(0);
    const [exception] = await exceptions();
    expect(exception!.message).toContain('No Shopify variant has the SKU "TENT"');
    expect((await mirror(id)).shopifyOrderStatus).toBe("FAILED");

    await prisma.shopifyVariant.updateMany({ where: { shop, variantId }, data: { deletedAt: null } });
    expect(await retryFor(exception!.entityType)!(shop, exception!.entityId, exception!)).toBe(true);
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect(await exceptions()).toEqual([]);
  });

  it("a currency the shop cannot sell in: refused by Shopify, nothing created; enabled, Retry creates it", async () => {
    fake.store.currency = "EUR";
    const id = placePaidOrder(1);
    await step();
    expect(fake.store.orders.size).toBe(0);
    const [exception] = await exceptions();
    expect(exception!.fixHint).toMatch(/currency/i);
    expect((await mirror(id)).shopifyOrderError).toMatch(/^CURRENCY_NOT_ENABLED/);

    fake.store.presentmentCurrencies.push("USD");
    await retryFor(exception!.entityType)!(shop, exception!.entityId, exception!);
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
  });

  it("an address Shopify refuses: no order; Retry sends it with the address in the note", async () => {
    const id = placePaidOrder(1);
    const sent: Record<string, unknown>[] = [];
    const picky: Admin = {
      request: (async (op: AdminOperation<unknown, unknown>, variables: unknown, options?: unknown) => {
        if (op.name === "OrderCreate") {
          const input = (variables as { order: Record<string, unknown> }).order;
          sent.push(input);
          if (input.shippingAddress)
            throw new ShopifyUserErrorsError("OrderCreate", [
              { field: ["order", "shippingAddress", "zip"], message: "Enter a valid postal code", code: "INVALID" },
            ]);
        }
        return admin.request(op, variables, options as never);
      }) as Admin["request"],
    };
    await step(1, picky);
    expect(fake.store.orders.size).toBe(0);
    const [exception] = await exceptions();
    expect(exception!.message).toContain("Enter a valid postal code");
    expect(exception!.fixHint).toMatch(/note/);

    await retryFor(exception!.entityType)!(shop, exception!.entityId, exception!);
    await step(1, picky);
    const [order] = shopifyOrdersFor(id);
    expect(order!.shippingAddress).toBeNull();
    expect(order!.note).toContain("113 MacDougal Street");
    expect(sent).toHaveLength(2);
    expect(await exceptions()).toEqual([]);
  });

  it("the orders scope missing: a clear exception, and the pass stops", async () => {
    const id = placePaidOrder(1);
    const denied = intercepting("OrderCreate", async () => {
      throw new ShopifyGraphqlError("OrderCreate", [
        {
          message: "Access denied for orderCreate field. Required access: `write_orders`",
          extensions: { code: "ACCESS_DENIED" },
        },
      ]);
    });
    const result = await step(1, denied);
    expect(fake.store.orders.size).toBe(0);
    const [exception] = await exceptions();
    expect(exception!.fixHint).toMatch(/write_orders/);
    expect((await mirror(id)).shopifyOrderError).toMatch(/^SCOPE_MISSING/);
    expect(result.nextDueAt!.getTime() - now().getTime()).toBeGreaterThanOrEqual(15 * 60_000);
  });
});

describe("when no Shopify order is made by itself", () => {
  it("creation turned off: skipped, the reservation takes shipped units out of stock; Create in Shopify still works", async () => {
    await mergeConnectionSettings(shop, connection.id, { shopifyOrders: { create: false, customer: "none" } });
    const id = placePaidOrder(1);
    await step();
    expect(fake.store.orders.size).toBe(0);
    expect((await mirror(id)).shopifyOrderStatus).toBe("SKIPPED");

    const { requestShopifyOrder } = await import("~/sync/orders/shopify-order.server");
    expect(await requestShopifyOrder(shop, (await mirror(id)).id, "staff", now())).toBe(true);
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
  });

  it("an order shipped before its Shopify order: created fulfilled, leaving stock to the reservation (on hand drops once)", async () => {
    await mergeConnectionSettings(shop, connection.id, { shopifyOrders: { create: false, customer: "none" } });
    const id = placePaidOrder(2);
    await step();
    expect(tent()).toMatchObject({ available: 8, reserved: 2 });
    const state = sim.simulator.state;
    state.ship(state.shop(sim.shops.main).orders.get(id)!, sim.control.now());
    await step();
    // The shipped line's hold left stock: on hand 10 → 8, once.
    expect(tent()).toMatchObject({ available: 8, reserved: 0, committed: 0, on_hand: 8 });
    const { requestShopifyOrder } = await import("~/sync/orders/shopify-order.server");
    await requestShopifyOrder(shop, (await mirror(id)).id, "staff", now());
    await step();
    expect(shopifyOrdersFor(id)).toHaveLength(1);
    expect(shopifyOrdersFor(id)[0]!.fulfillments).toHaveLength(1);
    expect(shopifyOrdersFor(id)[0]!.inventoryBehaviour).toBe("BYPASS");
    expect(tent()).toMatchObject({ available: 8, reserved: 0, committed: 0, on_hand: 8 });
  });
});
