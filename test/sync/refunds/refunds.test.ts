import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { parseShopifyJson, parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { MiraklRateLimitedError, MiraklTransientError, type MiraklClient } from "~/integrations/mirakl";
import type { WebhookDelivery } from "~/generated/prisma/client";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runShopifyOrders } from "~/sync/orders/shopify-order.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { refreshProduct } from "~/sync/catalog/mirror.server";
import { registerFlows } from "~/sync/index.server";
import { chooseRefundReason, refundWebhook, RESEND_AFTER_MS, runRefunds } from "~/sync/refunds/refunds.server";
import { ShopifyFake, shopifyJson } from "../../shopify-fake";
import { createRefund } from "../../shopify-fake/actions";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * Refunds between Shopify and Mirakl (issue 13), end to end on the Mirakl simulator and the Shopify fake: a refund
 * made in Shopify reaches Mirakl as one OR28 with the right money, whatever happens to the call (duplicate
 * webhooks, a 5xx or a 429 after or before Mirakl made it, the process killed between "sent" and "recorded");
 * a refund made on Mirakl appears in Shopify once, and the app's own refunds are never mirrored back.
 */

let sim: RunningMiraklSimulator;
let fake: ShopifyFake;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let admin: ShopifyAdminClient;
const now = () => new Date(sim.control.now());

const simOrder = (id: string) => sim.control.order(id)!;
const miraklRefunds = (id: string) => simOrder(id).order_lines.flatMap((l) => l.refunds ?? []);
const shopifyOrderOf = (miraklOrderId: string) =>
  [...fake.store.orders.values()].find((o) => o.sourceIdentifier === miraklOrderId)!;
const rows = () => prisma.marketplaceRefund.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
const openExceptions = () =>
  prisma.syncException.findMany({ where: { shop, kind: "REFUND_NOT_SENT", status: "OPEN" } });
const run = (client: MiraklClient = mirakl) => runRefunds(connection, client, now(), admin);

async function paidOrderInShopify(quantity = 2) {
  const id = sim.control.createOrder({
    lines: [{ offer_sku: "TENT", quantity, price_unit: 40, tax_rate: 20 }],
    state: "SHIPPING",
  }).id;
  sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
  await readMarketplaceOrders(connection, mirakl, now());
  await reconcileShopifyHolds(shop, now(), admin);
  await runShopifyOrders(connection, now(), admin);
  return id;
}

/** The merchant refunds `units` of the order's first line in Shopify (and optionally the shipping). */
function refundInShopify(miraklOrderId: string, units: number, shipping = false) {
  const order = shopifyOrderOf(miraklOrderId);
  const result = createRefund(fake.store, {
    orderId: order.id,
    note: "Customer changed their mind",
    refundLineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: units, restockType: "NO_RESTOCK" }],
    ...(shipping ? { shipping: { fullRefund: true } } : {}),
  });
  if (!("ok" in result) || !result.ok) throw new Error(`refund refused: ${JSON.stringify(result)}`);
  return result.ok;
}

async function deliver(refundId: string) {
  const refund = [...fake.store.orders.values()].flatMap((o) => o.refunds).find((r) => r.id === refundId)!;
  const parsed = parseWebhookPayload(
    "refunds/create",
    parseShopifyJson(shopifyJson(fake.webhooks.payloads(shop).refundCreate(refund))),
  );
  if (!parsed.success) throw new Error(parsed.error.message);
  return refundWebhook(
    { shop, topic: "refunds/create", triggeredAt: now(), receivedAt: now() } as WebhookDelivery,
    parsed.data,
  );
}

beforeAll(async () => {
  await ensureDatabaseReady();
  registerFlows();
});

beforeEach(async () => {
  shop = `refunds-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 50, price: 40 });
  fake = new ShopifyFake({ shop, now: () => sim.control.now(), currency: "USD" });
  for (let i = 0; i < 1000 * testCount; i++) fake.store.nextNumericId();
  admin = new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {} });
  const warehouse = fake.store.addLocation({ name: "Warehouse" }).id;
  const tent = fake.store.addProduct({
    title: "Tent",
    variants: [{ sku: "TENT", price: "40", stock: { [warehouse]: { available: 10 } } }],
  }).product.id;
  await refreshProduct(shop, admin, tent, now());
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  await mergeConnectionSettings(shop, connection.id, {
    currencyIsoCode: "USD",
    stock: { locationIds: [warehouse] } as never,
    refunds: { reasonCode: "15", cancelationReasonCode: null, mirrorToShopify: true, restockReturns: false },
  });
  mirakl = simulatorClient(sim, connection.id);
  sim.control.advanceClock(60_000);
  await readMarketplaceOrders(connection, mirakl, now());
});
afterEach(async () => sim?.close());

describe("a Shopify refund reaches Mirakl once (OR28)", () => {
  it("with the unit's price and taxes by Mirakl's tax codes and the reason; a duplicate webhook changes nothing", async () => {
    const id = await paidOrderInShopify(2);
    const refund = refundInShopify(id, 1);
    expect(await deliver(refund.id)).toEqual({ status: "PROCESSED" });
    expect(await deliver(refund.id)).toEqual({ status: "PROCESSED" });
    await run();
    await run();

    const [onMirakl, ...more] = miraklRefunds(id);
    expect(more).toHaveLength(0);
    expect(onMirakl).toMatchObject({ amount: 40, reason_code: "15" });
    expect(onMirakl!.taxes?.reduce((s, t) => s + Number(t.amount), 0)).toBeCloseTo(8, 2);
    const [row] = await rows();
    expect(row).toMatchObject({ direction: "TO_MIRAKL", status: "SENT", reasonCode: "15" });
    expect(row!.resultIds).toEqual([onMirakl!.id]);
    expect(sim.control.calls("OR28")).toHaveLength(1);
  });

  it("a 5xx after Mirakl made the refund: the order is read back, the refund adopted, none made twice", async () => {
    const id = await paidOrderInShopify(2);
    await deliver(refundInShopify(id, 1).id);
    const losing: MiraklClient = {
      ...mirakl,
      refundOrderLines: async (refunds, options) => {
        await mirakl.refundOrderLines(refunds, options);
        throw new MiraklTransientError({ operation: "OR28", method: "PUT", path: "/api/orders/refund", status: 502 });
      },
    };
    await run(losing);
    expect((await rows())[0]!.status).toBe("SENDING");
    // Read back at once: Mirakl shows the refund, so it is adopted without waiting.
    const result = await run();
    expect(result.adopted).toBe(1);
    sim.control.advanceClock(RESEND_AFTER_MS);
    await run();
    expect(miraklRefunds(id)).toHaveLength(1);
    expect(sim.control.calls("OR28")).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: "SENT" });
  });

  it("a 429 (nothing made): after the wait the order shows no refund, so it is sent, once", async () => {
    const id = await paidOrderInShopify(2);
    await deliver(refundInShopify(id, 1).id);
    const limited: MiraklClient = {
      ...mirakl,
      refundOrderLines: async () => {
        throw new MiraklRateLimitedError({
          operation: "OR28",
          method: "PUT",
          path: "/api/orders/refund",
          status: 429,
          retryAfterMs: 5_000,
        });
      },
    };
    await run(limited);
    expect(miraklRefunds(id)).toHaveLength(0);
    sim.control.advanceClock(RESEND_AFTER_MS);
    await run();
    expect(miraklRefunds(id)).toHaveLength(1);
    await run();
    expect(miraklRefunds(id)).toHaveLength(1);
  });

  it("the process killed between sent and recorded: the next pass finds the refund instead of sending it again", async () => {
    const id = await paidOrderInShopify(2);
    await deliver(refundInShopify(id, 1).id);
    const killed: MiraklClient = {
      ...mirakl,
      refundOrderLines: async (refunds, options) => {
        await mirakl.refundOrderLines(refunds, options);
        throw new Error("worker process killed");
      },
    };
    await expect(run(killed)).rejects.toThrow("worker process killed");
    sim.control.advanceClock(RESEND_AFTER_MS);
    await run();
    expect(miraklRefunds(id)).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: "SENT" });
  });

  it("without a refund reason it waits for a person, with an exception; the reason chosen sends it", async () => {
    await mergeConnectionSettings(shop, connection.id, {
      refunds: { reasonCode: null, cancelationReasonCode: null, mirrorToShopify: true, restockReturns: false },
    });
    const id = await paidOrderInShopify(2);
    await deliver(refundInShopify(id, 1).id);
    await run();
    const [row] = await rows();
    expect(row!.status).toBe("BLOCKED");
    const [exception] = await openExceptions();
    expect(exception!.message).toContain(id);
    expect(exception!.fixHint).toContain("refund reason");
    expect(sim.control.calls("OR28")).toHaveLength(0);

    expect(await chooseRefundReason(shop, row!.id, "15")).toBe(true);
    await run();
    expect(miraklRefunds(id)).toMatchObject([{ reason_code: "15" }]);
    expect(await openExceptions()).toHaveLength(0);
  });
});

describe("a Mirakl refund appears in Shopify once (refundCreate)", () => {
  it("an operator refund is mirrored with its money; the app's own OR28 refund is not mirrored back", async () => {
    const id = await paidOrderInShopify(2);
    // The app's own refund first.
    await deliver(refundInShopify(id, 1).id);
    await run();
    // Then customer service refunds 10.00 on Mirakl.
    sim.control.refundLine({ order_line_id: `${id}-1`, amount: 10, reason_code: "15", taxes: [] });
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    await run();
    await run();

    const refunds = shopifyOrderOf(id).refunds;
    expect(refunds).toHaveLength(2); // the merchant's own, and the mirror of the operator's
    const mirror = refunds[1]!;
    expect(mirror.note).toContain("Marketplace refund");
    // TAX_EXCLUDED: the customer got the 10.00 and its tax back.
    const operator = miraklRefunds(id).find((r) => r.amount === 10)!;
    const paidBack = 10 + (operator.taxes ?? []).reduce((sum, t) => sum + Number(t.amount), 0);
    expect(mirror.transactions.map((t) => Number(t.amount))).toEqual([paidBack]);
    const toShopify = (await rows()).filter((r) => r.direction === "TO_SHOPIFY");
    expect(toShopify).toHaveLength(1);
    expect(toShopify[0]).toMatchObject({ status: "SENT", resultIds: [mirror.id] });
    // Its refunds/create comes back to the app: recognised, not sent to Mirakl.
    expect(await deliver(mirror.id)).toMatchObject({ status: "IGNORED" });
    expect(miraklRefunds(id)).toHaveLength(2);
  });
});
