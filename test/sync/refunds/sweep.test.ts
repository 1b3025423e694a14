import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as harness from "./harness";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import type { MiraklClient } from "~/integrations/mirakl";
import { registerFlows } from "~/sync/index.server";
import { SHOPIFY_RETRY_MS } from "~/sync/refunds/context.server";
import { MIRROR_NOTE_PREFIX, orderCancelSourceKey, runRefunds } from "~/sync/refunds/refunds.server";
import {
  ORDERS_PER_PASS,
  SWEEP_EVERY_MS,
  SWEEP_SLICE_SPACING_MS,
  sweepShopifyRefunds,
} from "~/sync/refunds/sweep.server";
import type { ShopifyFake } from "../../shopify-fake";
import { cancelOrder, createOrder, createRefund } from "../../shopify-fake/actions";
import type { RunningMiraklSimulator } from "../../simulators/mirakl";

/**
 * The refund sweep (issue 13): a Shopify refund or cancellation whose webhook was lost is found by reading the
 * orders from Shopify in `nodes(ids:)` batches, recorded once (whatever the webhook did), and reaches Mirakl; the
 * app's own mirror refunds are left alone and orders checked lately are not read again.
 */

let env: harness.RefundsEnv;
let sim: RunningMiraklSimulator;
let fake: ShopifyFake;
let shop: string;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let admin: ShopifyAdminClient;
let tentVariantId: string;
const now = () => env.now();

const simOrder = (id: string) => sim.control.order(id)!;
const miraklRefunds = (id: string) => simOrder(id).order_lines.flatMap((l) => l.refunds ?? []);
const shopifyOrderOf = (miraklOrderId: string) => harness.shopifyOrderOf(env, miraklOrderId);
const rows = () => harness.refundRows(env);
const run = () => runRefunds(connection, mirakl, now(), admin);
const sweep = () => sweepShopifyRefunds(connection, async () => admin, now());
const sweepRequests = () => fake.requests.filter((r) => r.operationName === "OrdersRefundsByIds");
const idsRead = () => sweepRequests().map((r) => r.variables.ids as string[]);
const paidOrderInShopify = (quantity = 2) => harness.paidOrderInShopify(env, [{ offer_sku: "TENT", quantity }]);
/** The merchant (or the app, with its mirror note) refunds `units` of the order's first line in Shopify. */
const refundInShopify = (miraklOrderId: string, units: number, note?: string) =>
  harness.refundInShopify(env, miraklOrderId, units, { note });
const deliver = (refundId: string) => harness.deliverRefund(env, refundId);

/** Orders the app created in Shopify, seeded straight into the mirror (no Mirakl calls): only the sweep reads them. */
async function seedCreatedOrders(count: number, extra: Record<string, unknown> = {}, connectionId = connection.id) {
  const seeded: { id: string; shopifyOrderId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const created = createOrder(fake.store, { lineItems: [{ variantId: tentVariantId, quantity: 1 }] });
    if (!("ok" in created) || !created.ok) throw new Error(`order refused: ${JSON.stringify(created)}`);
    const miraklOrderId = `SEED-${seeded.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
    const row = await prisma.marketplaceOrder.create({
      data: {
        shop,
        connectionId,
        miraklOrderId,
        state: "SHIPPING",
        currency: "USD",
        price: "40",
        shippingPrice: "0",
        totalPrice: "40",
        createdOnMiraklAt: now(),
        updatedOnMiraklAt: now(),
        payload: {},
        payloadHash: miraklOrderId,
        shopifyOrderStatus: "CREATED",
        shopifyOrderId: created.ok.id,
        ...extra,
      },
    });
    seeded.push({ id: row.id, shopifyOrderId: created.ok.id });
  }
  return seeded;
}

beforeAll(async () => {
  await ensureDatabaseReady();
  registerFlows();
});

beforeEach(async () => {
  env = await harness.startRefundsEnv("refund-sweep");
  ({ sim, fake, shop, connection, mirakl, admin } = env);
  tentVariantId = env.variants.TENT!;
});
afterEach(async () => sim?.close());

describe("the sweep heals lost webhooks", () => {
  it("a refund whose refunds/create was lost is recorded by the pass and reaches Mirakl as exactly one OR28", async () => {
    const id = await paidOrderInShopify(2);
    const refund = refundInShopify(id, 1); // no webhook
    const first = await run();
    await run();
    sim.control.advanceClock(SWEEP_EVERY_MS);
    await run(); // swept again: the refund is known, nothing new

    expect(miraklRefunds(id)).toHaveLength(1);
    expect(miraklRefunds(id)[0]).toMatchObject({ amount: 40, reason_code: "15" });
    expect(sim.control.calls("OR28")).toHaveLength(1);
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ direction: "TO_MIRAKL", kind: "REFUND", sourceKey: refund.id, status: "SENT" });
    expect(first.sent).toBe(1); // recorded before the sends of the same pass
    const order = await prisma.marketplaceOrder.findFirstOrThrow({ where: { shop, miraklOrderId: id } });
    expect(order.refundsCheckedAt).toEqual(now());
  });

  it("a cancellation whose orders/cancelled was lost is recorded as the ORDER_CANCEL exchange, once", async () => {
    const id = await paidOrderInShopify(2);
    const shopifyOrder = shopifyOrderOf(id);
    const cancelled = cancelOrder(fake.store, shopifyOrder.id, "CUSTOMER", false); // no webhook, no refund
    if (!("ok" in cancelled)) throw new Error(JSON.stringify(cancelled));
    await sweep();
    sim.control.advanceClock(SWEEP_EVERY_MS);
    await sweep();

    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      direction: "TO_MIRAKL",
      kind: "ORDER_CANCEL",
      sourceKey: orderCancelSourceKey(shopifyOrder.id),
      status: "PENDING",
    });
    const order = await prisma.marketplaceOrder.findFirstOrThrow({ where: { shop, miraklOrderId: id } });
    expect(order.shopifyCancelledAt).toEqual(new Date(shopifyOrder.cancelledAt!));
    expect(idsRead()).toEqual([[shopifyOrder.id], [shopifyOrder.id]]);
  });

  it("the app's own mirror refunds are not recorded; the merchant's refund beside them is", async () => {
    const id = await paidOrderInShopify(2);
    refundInShopify(id, 1, `${MIRROR_NOTE_PREFIX}: Made on Mirakl (refund 1234)`);
    const merchants = refundInShopify(id, 1);
    await sweep();

    const all = await rows();
    expect(all.map((r) => [r.direction, r.sourceKey])).toEqual([["TO_MIRAKL", merchants.id]]);
  });

  it("webhook then sweep, or sweep then webhook: one row each", async () => {
    const id = await paidOrderInShopify(2);
    const viaWebhookFirst = refundInShopify(id, 1);
    expect(await deliver(viaWebhookFirst.id)).toEqual({ status: "PROCESSED" });
    await sweep();
    const viaSweepFirst = refundInShopify(id, 1);
    sim.control.advanceClock(SWEEP_EVERY_MS);
    await sweep();
    await deliver(viaSweepFirst.id);

    const all = await rows();
    expect(all.map((r) => r.sourceKey).sort()).toEqual([viaWebhookFirst.id, viaSweepFirst.id].sort());
    const timeline = await prisma.marketplaceOrderEvent.count({ where: { shop, kind: "refund-shopify" } });
    expect(timeline).toBe(2);
  });
});

describe("what the sweep reads, and how often", () => {
  it("orders checked within SWEEP_EVERY are not read again; the pass is due when the oldest check expires", async () => {
    const id = await paidOrderInShopify(2);
    const checkedAt = now();
    const first = await run();
    expect(sweepRequests()).toHaveLength(1);
    expect(first.nextDueAt).toEqual(new Date(checkedAt.getTime() + SWEEP_EVERY_MS));

    refundInShopify(id, 1); // its webhook lost: found only once the check is due again
    sim.control.advanceClock(SWEEP_EVERY_MS - 1000);
    await run();
    expect(sweepRequests()).toHaveLength(1);
    expect(await rows()).toHaveLength(0);

    sim.control.advanceClock(1000);
    await run();
    expect(sweepRequests()).toHaveLength(2);
    expect(await rows()).toHaveLength(1);
  });

  it("120 orders are read in 3 requests of at most 50; ended, uncreated and other connections' orders are not", async () => {
    const swept = await seedCreatedOrders(120);
    const other = await createConnection(shop, { name: "Other", baseUrl: sim.url, apiKey: sim.keys.single });
    const notSwept = [
      ...(await seedCreatedOrders(1, { state: "CLOSED" })),
      ...(await seedCreatedOrders(1, { state: "REFUSED" })),
      ...(await seedCreatedOrders(1, { state: "CANCELED" })),
      ...(await seedCreatedOrders(1, { shopifyOrderStatus: "SENDING" })),
      ...(await seedCreatedOrders(1, { refundsCheckedAt: new Date(now().getTime() - SWEEP_EVERY_MS + 60_000) })),
      ...(await seedCreatedOrders(1, {}, other.id)),
    ];
    // The last order read (third request) has a refund whose webhook was lost.
    const last = swept[119]!;
    const lineItemId = fake.store.orders.get(last.shopifyOrderId)!.lineItems[0]!.id;
    createRefund(fake.store, {
      orderId: last.shopifyOrderId,
      note: null,
      refundLineItems: [{ lineItemId, quantity: 1, restockType: "NO_RESTOCK" }],
    });

    const outcome = await sweep();

    expect(idsRead().map((ids) => ids.length)).toEqual([50, 50, 20]);
    expect(idsRead().flat().sort()).toEqual(swept.map((o) => o.shopifyOrderId).sort());
    expect((await rows()).map((r) => r.orderId)).toEqual([last.id]);
    const stamped = await prisma.marketplaceOrder.count({ where: { shop, refundsCheckedAt: now() } });
    expect(stamped).toBe(120);
    for (const order of notSwept) expect(idsRead().flat()).not.toContain(order.shopifyOrderId);
    // Next due when the order checked a minute short of SWEEP_EVERY ago expires.
    expect(outcome).toEqual({ kind: "wait", until: new Date(now().getTime() + 60_000) });

    await sweep();
    expect(sweepRequests()).toHaveLength(3);
  });

  it("a pass reads a bounded number of orders, oldest check first; the rest follow after a short spacing", async () => {
    const older = await seedCreatedOrders(10, { refundsCheckedAt: new Date(now().getTime() - 2 * SWEEP_EVERY_MS) });
    const never = await seedCreatedOrders(ORDERS_PER_PASS);
    const first = await sweep();
    expect(first).toEqual({ kind: "wait", until: new Date(now().getTime() + SWEEP_SLICE_SPACING_MS) });
    expect(idsRead().flat()).toHaveLength(ORDERS_PER_PASS);
    // Never checked goes first: the orders checked an hour ago wait for the next slice.
    const read = new Set(idsRead().flat());
    expect(never.every((o) => read.has(o.shopifyOrderId))).toBe(true);
    expect(older.filter((o) => read.has(o.shopifyOrderId))).toHaveLength(0);

    sim.control.advanceClock(SWEEP_SLICE_SPACING_MS);
    await sweep();
    expect(idsRead().at(-1)!.sort()).toEqual(older.map((o) => o.shopifyOrderId).sort());
  });

  it("Shopify throttling the sweep does not crash the pass: it resumes later and finds the refund", async () => {
    const id = await paidOrderInShopify(2);
    refundInShopify(id, 1);
    fake.throttleNext(8); // every attempt of the client's one request
    const stopped = await run();
    expect(stopped.nextDueAt).toEqual(new Date(now().getTime() + SHOPIFY_RETRY_MS));
    expect(await rows()).toHaveLength(0);
    const order = await prisma.marketplaceOrder.findFirstOrThrow({ where: { shop, miraklOrderId: id } });
    expect(order.refundsCheckedAt).toBeNull();

    sim.control.advanceClock(SHOPIFY_RETRY_MS);
    await run();
    expect(sim.control.calls("OR28")).toHaveLength(1);
  });
});
