import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { parseShopifyJson, parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { MiraklTransientError, type MiraklClient } from "~/integrations/mirakl";
import type { WebhookDelivery } from "~/generated/prisma/client";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runShopifyOrders } from "~/sync/orders/shopify-order.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { refreshProduct } from "~/sync/catalog/mirror.server";
import { registerFlows } from "~/sync/index.server";
import { mapCarrier, refreshCarriers } from "~/sync/fulfilments/carriers.server";
import { fulfilmentWebhook, runFulfilments, SWEEP_INTERVAL_MS } from "~/sync/fulfilments/shipments.server";
import { retryFor } from "~/exceptions/retries.server";
import { ShopifyFake, shopifyJson } from "../../shopify-fake";
import { createFulfillment, updateTracking, type TrackingInput } from "../../shopify-fake/actions";
import { MARKETPLACE_CARRIERS, startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";
import { refuseTimelineLines } from "../../helpers/timeline-faults";

/**
 * Fulfilments to Mirakl (issue 12), end to end: a paid Mirakl order becomes a Shopify order on the fake, the
 * merchant fulfils it there, the fulfillments/* webhook (or the sweep, when the webhook is lost) records it, and
 * the fulfilments unit sends Mirakl (the simulator) the tracking and the shipment through the carrier map.
 */

let sim: RunningMiraklSimulator;
let fake: ShopifyFake;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let admin: ShopifyAdminClient;
let tentProduct: string;
let stoveProduct: string;
const now = () => new Date(sim.control.now());

const mirror = (miraklOrderId: string) =>
  prisma.marketplaceOrder.findUniqueOrThrow({
    where: { connectionId_miraklOrderId: { connectionId: connection.id, miraklOrderId } },
    include: { lines: true, shipments: { orderBy: { fulfilledAt: "asc" } }, events: { orderBy: { seq: "asc" } } },
  });
const blockedExceptions = () =>
  prisma.syncException.findMany({ where: { shop, kind: "SHIPMENT_BLOCKED", status: "OPEN" } });
const simOrder = (miraklOrderId: string) => sim.control.order(miraklOrderId)!;
const shopifyOrderOf = (miraklOrderId: string) =>
  [...fake.store.orders.values()].find((o) => o.sourceIdentifier === miraklOrderId)!;

/** A paid order (SHIPPING) made into a Shopify order. */
async function paidOrderInShopify(lines: { offer_sku: string; quantity: number }[]) {
  const id = sim.control.createOrder({
    lines: lines.map((l) => ({ ...l, price_unit: 40, tax_rate: 20 })),
    state: "SHIPPING",
  }).id;
  sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
  await readMarketplaceOrders(connection, mirakl, now());
  await reconcileShopifyHolds(shop, now(), admin);
  await runShopifyOrders(connection, now(), admin);
  expect((await mirror(id)).shopifyOrderStatus).toBe("CREATED");
  return id;
}

/** The merchant fulfils (some of) the order in Shopify: `units` per SKU, all remaining when omitted. */
function fulfil(miraklOrderId: string, tracking: TrackingInput | null, units?: Record<string, number>) {
  const order = shopifyOrderOf(miraklOrderId);
  const result = createFulfillment(fake.store, {
    lineItemsByFulfillmentOrder: order.fulfillmentOrders
      .filter((fo) => fo.status !== "CLOSED")
      .map((fo) => ({
        fulfillmentOrderId: fo.id,
        fulfillmentOrderLineItems: units
          ? fo.lineItems
              .map((l) => ({ id: l.id, sku: order.lineItems.find((li) => li.id === l.lineItemId)!.sku }))
              .filter((l) => units[l.sku ?? ""])
              .map((l) => ({ id: l.id, quantity: units[l.sku ?? ""]! }))
          : null,
      })),
    trackingInfo: tracking,
  });
  if (!("ok" in result) || !result.ok) throw new Error(`fulfilment refused: ${JSON.stringify(result)}`);
  return result.ok;
}

/** Shopify delivers the webhook: its payload is parsed like the inbox does and handed to the flow. */
async function deliver(topic: "fulfillments/create" | "fulfillments/update", fulfillmentId: string) {
  const f = fake.store.findFulfillment(fulfillmentId)!;
  const parsed = parseWebhookPayload(topic, parseShopifyJson(shopifyJson(fake.webhooks.payloads(shop).fulfillment(f))));
  if (!parsed.success) throw new Error(parsed.error.message);
  const delivery = { shop, topic, triggeredAt: now(), receivedAt: now() } as WebhookDelivery;
  return fulfilmentWebhook(delivery, parsed.data);
}

const run = (client: MiraklClient = mirakl) => runFulfilments(connection, client, now(), admin);

beforeAll(async () => {
  await ensureDatabaseReady();
  registerFlows();
});

async function setUp(platform: { multiShipment?: boolean; disableSellerAlternativeCarrier?: boolean } = {}) {
  shop = `fulfilments-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0, carriers: MARKETPLACE_CARRIERS, platform });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 50, price: 40 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "STOVE", quantity: 50, price: 40 });
  fake = new ShopifyFake({ shop, now: () => sim.control.now(), currency: "USD" });
  for (let i = 0; i < 1000 * testCount; i++) fake.store.nextNumericId();
  admin = new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {} });
  const warehouse = fake.store.addLocation({ name: "Warehouse" }).id;
  tentProduct = fake.store.addProduct({
    title: "Tent",
    variants: [{ sku: "TENT", price: "40", stock: { [warehouse]: { available: 10 } } }],
  }).product.id;
  stoveProduct = fake.store.addProduct({
    title: "Stove",
    variants: [{ sku: "STOVE", price: "40", stock: { [warehouse]: { available: 10 } } }],
  }).product.id;
  await refreshProduct(shop, admin, tentProduct, now());
  await refreshProduct(shop, admin, stoveProduct, now());
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  await mergeConnectionSettings(shop, connection.id, {
    currencyIsoCode: "USD",
    stock: { locationIds: [warehouse] } as never,
  });
  mirakl = simulatorClient(sim, connection.id);
  sim.control.advanceClock(60_000);
  await readMarketplaceOrders(connection, mirakl, now());
  // The map the merchant confirmed on the Carriers page, over the carriers SH21 lists.
  await refreshCarriers(connection, mirakl, now());
  for (const [company, code] of [
    ["UPS", "UPS"],
    ["DHL Express", "DHL"],
  ])
    expect(await mapCarrier(shop, connection.id, company, code, now())).toEqual({ ok: true });
}
afterEach(async () => sim?.close());

describe("without multi-shipment: one tracking per order (OR23), shipped when all is fulfilled (OR24)", () => {
  beforeEach(() => setUp({ multiShipment: false, disableSellerAlternativeCarrier: true }));

  it("a full fulfilment sends the mapped carrier and tracking, then ships the order", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 2 }]);
    const f = fulfil(id, { company: "UPS", number: "1Z999AA10123456784" });
    expect(await deliver("fulfillments/create", f.id)).toEqual({ status: "PROCESSED" });
    await run();

    const order = simOrder(id);
    expect(order.order_state).toBe("SHIPPED");
    expect(order.shipping_carrier_code).toBe("UPS");
    expect(order.shipping_tracking).toBe("1Z999AA10123456784");
    expect(order.shipping_tracking_url).toContain("1Z999AA10123456784");
    const stored = await mirror(id);
    expect(stored.state).toBe("SHIPPED"); // re-read after OR24
    expect(stored.fulfilmentStatus).toBe("SHIPPED");
    expect(stored.shipments.map((s) => s.status)).toEqual(["SHIPPED"]);
    expect(stored.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["fulfilled", "tracking-sent", "shipped-sent"]),
    );
    expect(sim.control.calls("OR24")).toHaveLength(1);

    // The same webhook again, and another pass: nothing more is sent.
    await deliver("fulfillments/create", f.id);
    await run();
    expect(sim.control.calls("OR23")).toHaveLength(1);
    expect(sim.control.calls("OR24")).toHaveLength(1);
  });

  it("a partial fulfilment updates tracking and holds the shipment until the last unit", async () => {
    const id = await paidOrderInShopify([
      { offer_sku: "TENT", quantity: 1 },
      { offer_sku: "STOVE", quantity: 1 },
    ]);
    const first = fulfil(id, { company: "UPS", number: "1ZFIRST" }, { TENT: 1 });
    await deliver("fulfillments/create", first.id);
    await run();
    expect(simOrder(id).order_state).toBe("SHIPPING");
    expect(simOrder(id).shipping_tracking).toBe("1ZFIRST");
    let stored = await mirror(id);
    expect(stored.fulfilmentStatus).toBe("PARTIAL");
    expect(stored.fulfilmentNote).toContain("1 of 2 units");

    const second = fulfil(id, { company: "DHL Express", number: "DHL2" }, { STOVE: 1 });
    await deliver("fulfillments/create", second.id);
    await run();
    expect(simOrder(id)).toMatchObject({
      order_state: "SHIPPED",
      shipping_carrier_code: "DHL",
      shipping_tracking: "DHL2",
    });
    stored = await mirror(id);
    expect(stored.fulfilmentStatus).toBe("SHIPPED");
    expect(stored.shipments.map((s) => s.status)).toEqual(["SHIPPED", "SHIPPED"]);
  });

  it("a tracking number changed in Shopify is sent again", async () => {
    const id = await paidOrderInShopify([
      { offer_sku: "TENT", quantity: 1 },
      { offer_sku: "STOVE", quantity: 1 },
    ]);
    const f = fulfil(id, { company: "UPS", number: "1ZTYPO" }, { TENT: 1 });
    await deliver("fulfillments/create", f.id);
    await run();
    sim.control.advanceClock(1000);
    updateTracking(fake.store, f.id, { company: "UPS", number: "1ZRIGHT" });
    await deliver("fulfillments/update", f.id);
    await run();
    expect(simOrder(id).shipping_tracking).toBe("1ZRIGHT");
    expect(sim.control.calls("OR23")).toHaveLength(2);
  });

  it("an unmapped carrier blocks with an exception naming it; mapping it sends the shipment by itself", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 1 }]);
    const f = fulfil(id, { company: "Mondial Relay", number: "MR123" });
    await deliver("fulfillments/create", f.id);
    await run();
    expect(sim.control.calls("OR23")).toHaveLength(0);
    expect((await mirror(id)).fulfilmentStatus).toBe("BLOCKED");
    const [exception, ...more] = await blockedExceptions();
    expect(more).toHaveLength(0);
    expect(exception!.message).toContain("Mondial Relay");
    expect(exception!.message).toContain(id);
    expect(exception!.fixHint).toContain('Map "Mondial Relay" on the Carriers page');

    expect(await mapCarrier(shop, connection.id, "Mondial Relay", "COLISSIMO", now())).toEqual({ ok: true });
    await run();
    expect(simOrder(id)).toMatchObject({
      order_state: "SHIPPED",
      shipping_carrier_code: "COLISSIMO",
      shipping_tracking: "MR123",
    });
    expect(await blockedExceptions()).toHaveLength(0);
  });

  it("a fulfilment is recorded with its timeline line or not at all: the redelivery records both, once", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 2 }]);
    const f = fulfil(id, { company: "UPS", number: "1ZATOMIC" });
    const allowLines = await refuseTimelineLines(shop, "fulfilled");
    try {
      await expect(deliver("fulfillments/create", f.id)).rejects.toThrow(/connection lost/);
    } finally {
      await allowLines();
    }
    expect((await mirror(id)).shipments).toHaveLength(0);
    expect(await deliver("fulfillments/create", f.id)).toEqual({ status: "PROCESSED" });
    const stored = await mirror(id);
    expect(stored.shipments).toHaveLength(1);
    expect(stored.events.filter((e) => e.kind === "fulfilled")).toHaveLength(1);
    await run();
    expect(simOrder(id).order_state).toBe("SHIPPED");
  });

  it("a lost webhook is healed by the sweep", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 1 }]);
    await run(); // the sweep's first look: nothing fulfilled yet
    fulfil(id, { company: "UPS", number: "1ZLOST" }); // no webhook arrives
    await run();
    expect(simOrder(id).order_state).toBe("SHIPPING");
    sim.control.advanceClock(SWEEP_INTERVAL_MS);
    const result = await run();
    expect(result.shipped).toBe(1);
    expect(simOrder(id)).toMatchObject({ order_state: "SHIPPED", shipping_tracking: "1ZLOST" });
  });

  it("an OR24 whose answer was lost is not an error: the order is read again and shows it shipped", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 1 }]);
    const f = fulfil(id, { company: "UPS", number: "1ZLOSTANSWER" });
    await deliver("fulfillments/create", f.id);
    const losing: MiraklClient = {
      ...mirakl,
      shipOrder: async (orderId, call) => {
        await mirakl.shipOrder(orderId, call);
        throw new MiraklTransientError({ operation: "OR24", method: "PUT", path: `/api/orders/${orderId}/ship` });
      },
    };
    await run(losing);
    expect((await mirror(id)).fulfilmentStatus).toBe("SYNCING");
    await run(); // OR24 again → ORDER_INVALID_STATE → re-read → shipped
    const stored = await mirror(id);
    expect(stored.fulfilmentStatus).toBe("SHIPPED");
    expect(await blockedExceptions()).toHaveLength(0);
  });

  it("Mirakl refusing to ship (order cancelled there) is an exception with Retry, and a fulfilment of another order is ignored", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 1 }]);
    const f = fulfil(id, { company: "UPS", number: "1ZCANCEL" });
    sim.control.cancelOrder(id);
    await deliver("fulfillments/create", f.id);
    await run();
    const [exception] = await blockedExceptions();
    expect(exception).toBeDefined();
    expect(exception!.message).toContain(id);
    expect(exception!.detail).toMatchObject({ cause: "ORDER_CANCELLED", company: "UPS" });
    expect(exception!.fixHint).toContain("will not pay");
    expect(simOrder(id).shipping_tracking ?? null).toBeNull();
    expect(retryFor(exception!.entityType)).toBeTypeOf("function");

    const payload = {
      ...(parseShopifyJson(shopifyJson(fake.webhooks.payloads(shop).fulfillment(f))) as Record<string, unknown>),
      order_id: 999999999,
    };
    const parsed = parseWebhookPayload("fulfillments/create", payload);
    if (!parsed.success) throw new Error(parsed.error.message);
    const delivery = { shop, topic: "fulfillments/create", triggeredAt: now(), receivedAt: now() } as WebhookDelivery;
    const other = await fulfilmentWebhook(delivery, parsed.data);
    expect(other).toMatchObject({ status: "IGNORED" });
  });
});

describe("with multi-shipment: one Mirakl shipment per Shopify fulfilment (ST01/ST23)", () => {
  beforeEach(() => setUp({ multiShipment: true, disableSellerAlternativeCarrier: true }));

  it("partial fulfilments become shipped shipments; the order ships with the last", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 3 }]);
    const first = fulfil(id, { company: "UPS", number: "1ZA" }, { TENT: 1 });
    await deliver("fulfillments/create", first.id);
    await run();
    let shipments = sim.control.shipments(id);
    expect(shipments).toHaveLength(1);
    expect(shipments[0]).toMatchObject({
      status: "SHIPPED",
      tracking: { carrier_code: "UPS", tracking_number: "1ZA" },
    });
    expect(shipments[0]!.shipment_lines[0]).toMatchObject({ quantity: 1, package_reference: first.name });
    expect(simOrder(id).order_state).toBe("SHIPPING");
    expect((await mirror(id)).fulfilmentStatus).toBe("PARTIAL");

    const second = fulfil(id, { company: "DHL Express", number: "DHLB" });
    await deliver("fulfillments/create", second.id);
    await run();
    shipments = sim.control.shipments(id);
    expect(shipments.map((s) => [s.status, s.shipment_lines[0]!.quantity])).toEqual([
      ["SHIPPED", 1],
      ["SHIPPED", 2],
    ]);
    expect(simOrder(id).order_state).toBe("SHIPPED");
    expect((await mirror(id)).fulfilmentStatus).toBe("SHIPPED");
  });

  it("a changed tracking number updates the shipment (ST23)", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 1 }]);
    const f = fulfil(id, { company: "UPS", number: "1ZOLD" });
    await deliver("fulfillments/create", f.id);
    await run();
    sim.control.advanceClock(1000);
    updateTracking(fake.store, f.id, { company: "UPS", number: "1ZNEW" });
    await deliver("fulfillments/update", f.id);
    await run();
    const [shipment, ...more] = sim.control.shipments(id);
    expect(more).toHaveLength(0);
    expect(shipment!.tracking).toMatchObject({ tracking_number: "1ZNEW" });
  });

  it("an ST01 whose answer was lost is found by its package reference, never made twice", async () => {
    const id = await paidOrderInShopify([{ offer_sku: "TENT", quantity: 1 }]);
    const f = fulfil(id, { company: "UPS", number: "1ZONCE" });
    await deliver("fulfillments/create", f.id);
    const losing: MiraklClient = {
      ...mirakl,
      createShipments: async (items, call) => {
        await mirakl.createShipments(items, call);
        throw new MiraklTransientError({ operation: "ST01", method: "POST", path: "/api/shipments" });
      },
    };
    await run(losing);
    expect((await mirror(id)).shipments[0]!.status).toBe("SENDING");
    await run();
    expect(sim.control.shipments(id)).toHaveLength(1);
    const stored = await mirror(id);
    expect(stored.shipments[0]!.status).toBe("SHIPPED");
    expect(stored.shipments[0]!.miraklShipmentId).toBe(sim.control.shipments(id)[0]!.id);
    expect(stored.fulfilmentStatus).toBe("SHIPPED");
  });
});
