import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { mergeConnectionSettings } from "~/connections/connections.server";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import { ShopifyOutcomeUnknownError, ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import type { AdminOperation } from "~/integrations/shopify/operation";
import type { MiraklClient } from "~/integrations/mirakl";
import { registerFlows } from "~/sync/index.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { retryRefund, runRefunds } from "~/sync/refunds/refunds.server";
import { CANCEL_CONFIRM_WITHIN_MS, RESEND_AFTER_MS, type Admin } from "~/sync/refunds/context.server";
import type { ShopifyFake } from "../../shopify-fake";
import { cancelOrder, createFulfillment } from "../../shopify-fake/actions";
import type { RunningMiraklSimulator } from "../../simulators/mirakl";
import * as harness from "./harness";

/**
 * Mirakl cancels a whole order the merchant has not fulfilled yet (issue 13, point 4): the Shopify order is
 * cancelled (orderCancel: restocked, paid money back, a staff note), once, even when the answer is lost; its
 * cancelations are not refunded as well, and the webhooks Shopify sends back are the app's own, so nothing goes
 * back to Mirakl. Anything less than a whole, unfulfilled order keeps today's refunds.
 */

let env: harness.RefundsEnv;
let sim: RunningMiraklSimulator;
let fake: ShopifyFake;
let shop: string;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let admin: ShopifyAdminClient;
let warehouse: string;
/** Names of the Admin operations the refund pass sent. */
let sent: string[];
/** What the app's webhook handlers answered to each delivery the fake made by itself. */
let webhookOutcomes: Array<{ topic: string; status: string; reason?: string }>;
const now = () => env.now();

const shopifyOrderOf = (miraklOrderId: string) => harness.shopifyOrderOf(env, miraklOrderId);
const rows = () => harness.refundRows(env);
const appOrder = (miraklOrderId: string) =>
  prisma.marketplaceOrder.findFirstOrThrow({ where: { shop, miraklOrderId } });
const openExceptions = () =>
  prisma.syncException.findMany({ where: { shop, kind: "REFUND_NOT_SENT", status: "OPEN" } });
const tentLevel = () => {
  const variant = [...fake.store.variants.values()].find((v) => v.sku === "TENT")!;
  return fake.store.levelOf(variant.inventoryItemId, warehouse)!.quantities;
};

/** The pass, with every Admin operation it sends noted (through `through`, the real client by default). */
function run(through: Admin = admin) {
  const noting: Admin = {
    request: (operation, variables, options) => {
      sent.push((operation as AdminOperation<unknown, unknown>).name);
      return through.request(operation, variables, options);
    },
  };
  return runRefunds(connection, mirakl, now(), noting);
}
const count = (name: string) => sent.filter((n) => n === name).length;

/** The real client, but OrderCancel is answered by `answer` (which may `send` it to the fake first, or throw). */
function answeringOrderCancel(answer: (send: () => Promise<unknown>) => Promise<unknown>): Admin {
  return {
    request: (operation, variables, options) =>
      (operation as AdminOperation<unknown, unknown>).name === "OrderCancel"
        ? (answer(() => admin.request(operation, variables, options)) as never) // OrderCancel's own answer type
        : admin.request(operation, variables, options),
  };
}

async function paidOrderInShopify(
  lines: Array<{ offer_sku: string; quantity: number }> = [{ offer_sku: "TENT", quantity: 2 }],
) {
  const id = await harness.paidOrderInShopify(env, lines);
  expect(shopifyOrderOf(id)).toBeDefined();
  // Mirakl dates are to the second; the operator acts a minute later, as a person would.
  sim.control.advanceClock(60_000);
  return id;
}

const poll = () => harness.poll(env);

beforeAll(async () => {
  await ensureDatabaseReady();
  registerFlows();
});

beforeEach(async () => {
  sent = [];
  webhookOutcomes = [];
  env = await harness.startRefundsEnv("mirakl-cancel", ["TENT", "LAMP"]);
  ({ sim, fake, shop, connection, mirakl, admin, warehouse } = env);
  const receive = async (request: Request) => {
    webhookOutcomes.push(await harness.receiveDelivery(env, request));
    return new Response(null, { status: 200 });
  };
  fake.webhooks.subscribe("refunds/create", receive);
  fake.webhooks.subscribe("orders/cancelled", receive);
});
afterEach(async () => sim?.close());

describe("Mirakl cancels the whole order before it is fulfilled: the Shopify order is cancelled", () => {
  it("one orderCancel: cancelled, restocked, paid back; no refundCreate; Shopify's webhooks are the app's own", async () => {
    const id = await paidOrderInShopify();
    const order = shopifyOrderOf(id);
    const paid = order.totalPrice;
    const before = { ...tentLevel() };
    expect(before.committed).toBe(2);
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    expect((await appOrder(id)).refundsDirty).toBe(true);

    const result = await run();
    await fake.webhooks.settle();
    await run();
    await fake.webhooks.settle();

    expect(count("OrderCancel")).toBe(1);
    expect(count("RefundCreate")).toBe(0);
    // Cancelled with the reason and a note saying where it came from; the buyer is not told by Shopify.
    expect(order.cancelledAt).not.toBeNull();
    expect(order.cancelReason).toBe("OTHER");
    expect(order.cancelStaffNote).toBe(`Cancelled on the marketplace Decathlon (Mirakl order ${id}). Reason code: 34.`);
    expect(order.cancelNotifiedCustomer).toBe(false);
    // Restocked: the order's units left `committed` for `available` (the reservations' holds are another flow's).
    expect(tentLevel()).toMatchObject({ committed: 0, available: before.available + 2, reserved: before.reserved });
    // Paid back to the original payment, by the cancel's own refund (no "Marketplace refund" mirror).
    expect(order.refunds).toHaveLength(1);
    expect(order.refunds[0]!.note ?? "").not.toContain("Marketplace refund");
    const refunded = order.refunds[0]!.transactions.reduce((sum, t) => sum + Number(t.amount), 0);
    expect(refunded).toBeCloseTo(Number(paid.shop), 2);

    const cancelations = sim.control.order(id)!.order_lines.flatMap((l) => l.cancelations ?? []);
    const [row, ...more] = await rows();
    expect(more).toHaveLength(0); // nothing recorded for Mirakl
    expect(row).toMatchObject({
      direction: "TO_SHOPIFY",
      kind: "ORDER_CANCEL",
      sourceKey: `order-cancel:${id}`,
      status: "SENT",
      reversalKeys: cancelations.map((c) => `cancelation:${c.id}`),
      resultIds: [expect.stringMatching(/^gid:\/\/shopify\/Job\/\d+$/)],
    });
    expect(result.mirrored).toBe(1);
    const mirrored = await appOrder(id);
    expect(mirrored.shopifyCancelledAt).not.toBeNull();
    expect(mirrored.refundsDirty).toBe(false);
    const events = await prisma.marketplaceOrderEvent.findMany({
      where: { orderId: mirrored.id, kind: "order-cancel-mirrored" },
    });
    expect(events).toMatchObject([{ actor: "APP" }]);
    expect(events[0]!.message).toContain("Shopify order cancel sent");
    // Shopify's orders/cancelled told the job ran: the timeline says the cancel is done, once.
    const confirmed = await prisma.marketplaceOrderEvent.findMany({
      where: { orderId: mirrored.id, kind: "order-cancel-confirmed" },
    });
    expect(confirmed).toMatchObject([
      { actor: "APP", message: expect.stringContaining("Shopify shows the order cancelled") },
    ]);

    // Shopify's refunds/create and orders/cancelled came back: recognised as the app's own, nothing for Mirakl.
    expect(webhookOutcomes.map((w) => [w.topic, w.status])).toEqual([
      ["refunds/create", "IGNORED"],
      ["orders/cancelled", "IGNORED"],
    ]);
    expect(sim.control.calls("OR28")).toHaveLength(0);
    expect(sim.control.calls("OR29")).toHaveLength(0);
    expect(sim.control.calls("OR30")).toHaveLength(0);
    expect(await openExceptions()).toHaveLength(0);

    // The reservations flow's next pass releases the order's hold (its Shopify order exists): every unit of the
    // cancelled order is sellable again, none left reserved.
    await reconcileShopifyHolds(shop, now(), admin);
    expect(tentLevel()).toMatchObject({ committed: 0, reserved: 0, available: before.available + 2 + before.reserved });
    expect(await prisma.marketplaceReservation.findMany({ where: { shop } })).toMatchObject([
      { miraklOrderId: id, releaseReason: "SHOPIFY_ORDER", holdReleasedAt: expect.any(Date) },
    ]);
  });

  it("the answer to orderCancel is lost after Shopify ran it: the next pass reads the order and adopts it, no second cancel", async () => {
    const id = await paidOrderInShopify();
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    const losing = answeringOrderCancel(async (send) => {
      await send();
      throw new ShopifyOutcomeUnknownError("OrderCancel", "connection reset after the request was sent");
    });
    const first = await run(losing);
    expect(first.nextDueAt).not.toBeNull();
    expect((await rows())[0]).toMatchObject({ kind: "ORDER_CANCEL", status: "SENDING" });
    expect((await appOrder(id)).refundsDirty).toBe(true);
    await fake.webhooks.settle();
    // The intent was stored first: Shopify's webhooks are already known as the app's own.
    expect(webhookOutcomes.map((w) => w.status)).toEqual(["IGNORED", "IGNORED"]);

    const second = await run();
    await run();
    expect(second.mirrored).toBe(1);
    expect(count("OrderCancel")).toBe(1);
    expect(count("RefundCreate")).toBe(0);
    expect(shopifyOrderOf(id).refunds).toHaveLength(1);
    const [row, ...more] = await rows();
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({ status: "SENT", attempts: 1 });
    expect((await appOrder(id)).shopifyCancelledAt).not.toBeNull();
    const events = await prisma.marketplaceOrderEvent.findMany({ where: { shop, kind: "order-cancel-mirrored" } });
    expect(events.map((e) => e.message)).toEqual([expect.stringContaining("answer was lost")]);
  });

  it("an answer lost before Shopify ran it: not sent again before RESEND_AFTER_MS, then sent once", async () => {
    const id = await paidOrderInShopify();
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    const dropping = answeringOrderCancel(async () => {
      throw new ShopifyOutcomeUnknownError("OrderCancel", "502 Bad Gateway");
    });
    await run(dropping);
    expect(shopifyOrderOf(id).cancelledAt).toBeNull();
    // The job may still be running at Shopify: the pass waits rather than cancel twice.
    const waiting = await run();
    expect(count("OrderCancel")).toBe(1);
    expect(waiting.nextDueAt!.getTime()).toBeGreaterThan(now().getTime());
    sim.control.advanceClock(RESEND_AFTER_MS);
    await run();
    expect(count("OrderCancel")).toBe(2);
    expect(shopifyOrderOf(id).cancelledAt).not.toBeNull();
    expect((await rows())[0]).toMatchObject({ status: "SENT", attempts: 2 });
    expect(count("RefundCreate")).toBe(0);
  });

  it("Shopify takes the cancel but its job never cancels the order: an exception after CANCEL_CONFIRM_WITHIN_MS, Retry asks again", async () => {
    const id = await paidOrderInShopify();
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    // Shopify answers with a job that then fails: the order is never cancelled.
    const failingJob = answeringOrderCancel(async () => ({
      orderCancel: { job: { id: "gid://shopify/Job/424242", done: false }, orderCancelUserErrors: [] },
    }));
    const first = await run(failingJob);
    expect(first.mirrored).toBe(1);
    expect((await rows())[0]).toMatchObject({ kind: "ORDER_CANCEL", status: "SENT" });
    // Sent is not done: the order stays in the pass, read again soon, not recorded as cancelled.
    const order = await appOrder(id);
    expect(order).toMatchObject({ refundsDirty: true, shopifyCancelledAt: null });
    expect(first.nextDueAt!.getTime()).toBe(now().getTime() + RESEND_AFTER_MS);

    sim.control.advanceClock(CANCEL_CONFIRM_WITHIN_MS - 60_000);
    const waiting = await run(failingJob);
    expect(waiting.failed).toBe(0);
    expect(await openExceptions()).toHaveLength(0);
    expect(count("OrderCancel")).toBe(1); // never sent twice on its own

    sim.control.advanceClock(60_000);
    const late = await run(failingJob);
    expect(late.failed).toBe(1);
    expect(shopifyOrderOf(id).cancelledAt).toBeNull();
    expect((await rows())[0]).toMatchObject({ status: "FAILED" });
    const [exception] = await openExceptions();
    expect(exception!.message).toContain("gid://shopify/Job/424242");
    expect(exception!.message).toContain("still not cancelled");
    expect(exception!.fixHint).toContain("do not ship it");
    expect((await appOrder(id)).refundsDirty).toBe(false);
    expect(count("RefundCreate")).toBe(0);

    // Retry: the app asks Shopify again (this time the job runs), and the exception is resolved.
    expect(await retryRefund(shop, (await rows())[0]!.id)).toBe(true);
    await run();
    expect(count("OrderCancel")).toBe(2);
    expect(shopifyOrderOf(id).cancelledAt).not.toBeNull();
    await run();
    expect((await rows())[0]).toMatchObject({ status: "SENT", attempts: 2 });
    expect(await appOrder(id)).toMatchObject({ refundsDirty: false, shopifyCancelledAt: expect.any(Date) });
    // Confirmed once, by whichever saw it first (orders/cancelled, or the pass reading the order back).
    expect(await prisma.marketplaceOrderEvent.count({ where: { shop, kind: "order-cancel-confirmed" } })).toBe(1);
    expect(await openExceptions()).toHaveLength(0);
    expect(count("RefundCreate")).toBe(0);
  });

  it("Shopify refuses the cancel: FAILED with an exception saying what to do, never refunded behind its back", async () => {
    const id = await paidOrderInShopify();
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    // Shopify refuses the cancel (a refusal the fake has no state for: a payment it cannot refund).
    const refusing = answeringOrderCancel(async () => {
      throw new ShopifyUserErrorsError("OrderCancel", [
        { field: ["orderId"], message: "Cannot refund the original payment method", code: "INVALID" },
      ]);
    });
    const result = await run(refusing);
    expect(result.failed).toBe(1);
    expect(shopifyOrderOf(id).cancelledAt).toBeNull();
    expect((await rows())[0]).toMatchObject({ kind: "ORDER_CANCEL", status: "FAILED" });
    expect(count("RefundCreate")).toBe(0);
    const [exception] = await openExceptions();
    expect(exception!.message).toContain(id);
    expect(exception!.message).toContain("Cannot refund the original payment method");
    expect(exception!.fixHint).toContain("cancel the order in Shopify by hand");

    // The merchant cancels it by hand and presses Retry: the cancel is adopted, not made again, not refunded.
    cancelOrder(fake.store, shopifyOrderOf(id).id, "OTHER", true, { refund: true });
    await fake.webhooks.settle();
    expect(await retryRefund(shop, (await rows())[0]!.id)).toBe(true);
    await run();
    expect(count("OrderCancel")).toBe(1);
    expect(count("RefundCreate")).toBe(0);
    expect((await rows())[0]).toMatchObject({ status: "SENT" });
    expect(await openExceptions()).toHaveLength(0);
    // Its webhooks, too, are known as coming from the marketplace's cancel: nothing for Mirakl.
    expect(webhookOutcomes.map((w) => w.status)).toEqual(["IGNORED", "IGNORED"]);
  });
});

describe("anything less keeps today's refunds", () => {
  it("an order partly fulfilled in Shopify: the cancelation is refunded, the order not cancelled", async () => {
    const id = await paidOrderInShopify();
    const order = shopifyOrderOf(id);
    const fo = order.fulfillmentOrders[0]!;
    createFulfillment(fake.store, {
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems[0]!.id, quantity: 1 }] },
      ],
    });
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    await run();
    await run();
    expect(count("OrderCancel")).toBe(0);
    expect(count("RefundCreate")).toBe(1);
    expect(order.cancelledAt).toBeNull();
    expect(order.refunds).toHaveLength(1);
    expect(order.refunds[0]!.note).toContain("Marketplace refund");
    expect(await rows()).toMatchObject([{ direction: "TO_SHOPIFY", kind: "REFUND", status: "SENT" }]);
  });

  it("one line of two cancelled: refunded as before", async () => {
    const id = await paidOrderInShopify([
      { offer_sku: "TENT", quantity: 2 },
      { offer_sku: "LAMP", quantity: 1 },
    ]);
    const lampLine = sim.control.order(id)!.order_lines.find((l) => l.offer_sku === "LAMP")!;
    sim.control.cancelLines([{ order_line_id: lampLine.order_line_id, quantity: 1, reason_code: "34" }]);
    await poll();
    await run();
    await run();
    expect(count("OrderCancel")).toBe(0);
    expect(count("OrderCancellationFacts")).toBe(0); // a partial cancel does not even read the order
    expect(count("RefundCreate")).toBe(1);
    expect(shopifyOrderOf(id).cancelledAt).toBeNull();
    expect(await rows()).toMatchObject([{ kind: "REFUND", status: "SENT" }]);
  });

  it("mirroring to Shopify switched off: nothing is sent", async () => {
    await mergeConnectionSettings(shop, connection.id, {
      refunds: { reasonCode: "15", cancelationReasonCode: null, mirrorToShopify: false, restockReturns: false },
    });
    const id = await paidOrderInShopify();
    sim.control.cancelOrder(id, sim.shops.main, "34");
    await poll();
    await run();
    expect(sent).toEqual([]);
    expect(shopifyOrderOf(id).cancelledAt).toBeNull();
    expect(shopifyOrderOf(id).refunds).toHaveLength(0);
    expect(await rows()).toHaveLength(0);
    expect((await appOrder(id)).refundsDirty).toBe(false);
  });
});
