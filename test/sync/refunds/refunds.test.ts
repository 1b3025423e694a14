import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { mergeConnectionSettings } from "~/connections/connections.server";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import { MiraklRateLimitedError, MiraklTransientError, type MiraklClient } from "~/integrations/mirakl";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { registerFlows } from "~/sync/index.server";
import { chooseRefundReason, RESEND_AFTER_MS, runRefunds } from "~/sync/refunds/refunds.server";
import type { RunningMiraklSimulator } from "../../simulators/mirakl";
import { refuseTimelineLines } from "../../helpers/timeline-faults";
import * as harness from "./harness";

/**
 * Refunds between Shopify and Mirakl (issue 13), end to end on the Mirakl simulator and the Shopify fake: a refund
 * made in Shopify reaches Mirakl as one OR28 with the right money, whatever happens to the call (duplicate
 * webhooks, a 5xx or a 429 after or before Mirakl made it, the process killed between "sent" and "recorded");
 * a refund made on Mirakl appears in Shopify once, and the app's own refunds are never mirrored back.
 */

let env: harness.RefundsEnv;
let sim: RunningMiraklSimulator;
let shop: string;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let admin: ShopifyAdminClient;
const now = () => env.now();

const simOrder = (id: string) => sim.control.order(id)!;
const miraklRefunds = (id: string) => simOrder(id).order_lines.flatMap((l) => l.refunds ?? []);
const shopifyOrderOf = (miraklOrderId: string) => harness.shopifyOrderOf(env, miraklOrderId);
const rows = () => harness.refundRows(env);
const openExceptions = () =>
  prisma.syncException.findMany({ where: { shop, kind: "REFUND_NOT_SENT", status: "OPEN" } });
const run = (client: MiraklClient = mirakl) => runRefunds(connection, client, now(), admin);
const paidOrderInShopify = (quantity = 2, paymentWorkflow?: "PAY_ON_DELIVERY") =>
  harness.paidOrderInShopify(env, [{ offer_sku: "TENT", quantity }], paymentWorkflow);
const refundInShopify = (miraklOrderId: string, units: number, shipping = false) =>
  harness.refundInShopify(env, miraklOrderId, units, { shipping });
const deliver = (refundId: string) => harness.deliverRefund(env, refundId);
const cancelInShopify = (miraklOrderId: string, refund = true) => harness.cancelInShopify(env, miraklOrderId, refund);
const deliverCancelled = (miraklOrderId: string) => harness.deliverCancelled(env, miraklOrderId);

beforeAll(async () => {
  await ensureDatabaseReady();
  registerFlows();
});
beforeEach(async () => {
  env = await harness.startRefundsEnv("refunds");
  ({ sim, shop, connection, mirakl, admin } = env);
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

  it("recorded with its timeline line or not at all: a failure between them loses nothing, the redelivery records it", async () => {
    const id = await paidOrderInShopify(2);
    const refund = refundInShopify(id, 1);
    const allowLines = await refuseTimelineLines(shop, "refund-shopify");
    try {
      await expect(deliver(refund.id)).rejects.toThrow(/connection lost/);
    } finally {
      await allowLines();
    }
    // No exchange without its line: Shopify's retry of the delivery (the inbox's) finds nothing recorded.
    expect(await rows()).toHaveLength(0);
    expect(await deliver(refund.id)).toEqual({ status: "PROCESSED" });
    expect(await rows()).toHaveLength(1);
    const lines = await prisma.marketplaceOrderEvent.findMany({
      where: { shop, kind: "refund-shopify", order: { miraklOrderId: id } },
    });
    expect(lines).toHaveLength(1);
  });

  it("sent: the refund reads SENT only with its timeline line; a failure between them is settled by reading Mirakl", async () => {
    const id = await paidOrderInShopify(2);
    await deliver(refundInShopify(id, 1).id);
    const allowLines = await refuseTimelineLines(shop, "refund-sent");
    try {
      await expect(run()).rejects.toThrow(/connection lost/);
    } finally {
      await allowLines();
    }
    expect(sim.control.calls("OR28")).toHaveLength(1);
    expect((await rows())[0]!.status).toBe("SENDING");
    await run();
    expect((await rows())[0]).toMatchObject({ status: "SENT" });
    expect(sim.control.calls("OR28")).toHaveLength(1);
    const lines = await prisma.marketplaceOrderEvent.findMany({
      where: { shop, kind: "refund-sent", order: { miraklOrderId: id } },
    });
    expect(lines.map((l) => l.message)).toEqual([expect.stringMatching(/^Refund found on Mirakl after a lost answer/)]);
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

describe("cancelations the Shopify order was made without", () => {
  it("only those in the payload it was built from are left out; one made in the same second is mirrored", async () => {
    const id = await paidOrderInShopify(2);
    // Customer service cancels a unit within the same second the Shopify order was made: not in it, so mirrored.
    sim.control.cancelLines([{ order_line_id: `${id}-1`, quantity: 1, reason_code: "34" }]);
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    await run();
    const order = shopifyOrderOf(id);
    expect(order.refunds).toHaveLength(1);
    expect(order.refunds[0]!.lineItems.map((l) => [l.quantity, l.restockType])).toEqual([[1, "CANCEL"]]);
    const stored = await prisma.marketplaceOrder.findFirstOrThrow({ where: { shop, miraklOrderId: id } });
    expect(stored.shopifyOrderCancelationIds).toEqual([]);
  });
});

describe("an order cancelled in Shopify is cancelled on Mirakl, or refunded there when Mirakl no longer allows it", () => {
  const miraklCancelations = (id: string) => simOrder(id).order_lines.flatMap((l) => l.cancelations ?? []);
  const appEntries = async (id: string) =>
    (
      await prisma.marketplaceOrderEvent.findMany({
        where: { shop, order: { miraklOrderId: id }, actor: "APP" },
        orderBy: { seq: "asc" },
      })
    ).map((e) => e.message);

  it("paid on acceptance: one OR28 gives back everything (price, shipping, taxes) and says why; the cancel's refund adds nothing", async () => {
    const id = await paidOrderInShopify(2);
    const order = cancelInShopify(id);
    await deliver(order.refunds[0]!.id);
    expect(await deliverCancelled(id)).toEqual({ status: "PROCESSED" });
    expect(await deliverCancelled(id)).toEqual({ status: "PROCESSED" }); // a duplicate stays one exchange
    await run();
    await run();

    expect(sim.control.calls("OR29")).toHaveLength(0);
    expect(sim.control.calls("OR28")).toHaveLength(1);
    const line = simOrder(id).order_lines[0]!;
    const [refund, ...more] = miraklRefunds(id);
    expect(more).toHaveLength(0);
    expect(refund).toMatchObject({ amount: 80, quantity: 2, reason_code: "15" });
    expect(Number(refund!.shipping_amount)).toBe(Number(line.shipping_price));
    expect(refund!.taxes?.reduce((s, t) => s + Number(t.amount), 0)).toBeCloseTo(16, 2);

    const exchanges = await rows();
    expect(exchanges.map((r) => [r.kind, r.status])).toEqual([
      ["REFUND", "IGNORED"],
      ["ORDER_CANCEL", "SENT"],
    ]);
    expect(exchanges[0]!.statusReason).toBe("Covered by the order's cancellation on Mirakl");
    expect(exchanges[1]!.resultIds).toEqual([refund!.id]);
    // The exchange states the customer's money back: what the OR28 gave, taxes added (the order excludes them).
    const taxesOf = (list?: { amount: unknown }[] | null) => (list ?? []).reduce((s, t) => s + Number(t.amount), 0);
    const given =
      Number(refund!.amount) +
      Number(refund!.shipping_amount) +
      taxesOf(refund!.taxes) +
      taxesOf(refund!.shipping_taxes);
    expect(Number(exchanges[1]!.amount)).toBeCloseTo(given, 2);
    expect(exchanges[1]!.currency).toBe(simOrder(id).currency_iso_code);
    expect(await openExceptions()).toHaveLength(0);
    expect((await appEntries(id)).join("\n")).toContain("debited on acceptance (PAY_ON_ACCEPTANCE)");
    // The cancellation's refund on Mirakl is the app's own: never mirrored back into Shopify.
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    await run();
    expect(shopifyOrderOf(id).refunds).toHaveLength(1);
  });

  it("not debited yet (pay on delivery): OR29 cancels the whole order, and its cancelations are not mirrored back", async () => {
    const id = await paidOrderInShopify(2, "PAY_ON_DELIVERY");
    expect(simOrder(id).can_cancel).toBe(true);
    // Later than the Shopify order's creation (a cancelation in the same second counts as already in it).
    sim.control.advanceClock(60_000);
    cancelInShopify(id, false);
    await deliverCancelled(id);
    // The app's clock an hour behind Mirakl's: which cancelations are its own never depends on comparing clocks.
    await runRefunds(connection, mirakl, new Date(now().getTime() - 3_600_000), admin);

    expect(sim.control.calls("OR29")).toHaveLength(1);
    expect(simOrder(id).order_state).toBe("CANCELED");
    const [row] = await rows();
    expect(row).toMatchObject({ kind: "ORDER_CANCEL", status: "SENT" });
    expect(row!.resultIds).toEqual(miraklCancelations(id).map((c) => c.id));
    // Its money: what Mirakl's cancelations gave back, taxes added (the order excludes them).
    const given = miraklCancelations(id).reduce(
      (sum, c) =>
        sum +
        Number(c.amount) +
        Number(c.shipping_amount) +
        [...(c.taxes ?? []), ...(c.shipping_taxes ?? [])].reduce((s, t) => s + Number(t.amount), 0),
      0,
    );
    expect(given).toBeGreaterThan(0);
    expect(Number(row!.amount)).toBeCloseTo(given, 2);
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    await run();
    expect(shopifyOrderOf(id).refunds).toHaveLength(0);
    expect((await rows()).filter((r) => r.direction === "TO_SHOPIFY")).toHaveLength(0);
    const told = (await appEntries(id)).concat(
      (
        await prisma.marketplaceOrderEvent.findMany({ where: { shop, kind: "cancelled" }, select: { message: true } })
      ).map((e) => e.message),
    );
    expect(told.join("\n")).toContain("sent by this app");
    expect(told.join("\n")).not.toContain("made on the marketplace");
  });

  it("OR29's answer lost: Mirakl shows the order cancelled, so it is adopted and never sent again", async () => {
    const id = await paidOrderInShopify(2, "PAY_ON_DELIVERY");
    cancelInShopify(id, false);
    await deliverCancelled(id);
    const losing: MiraklClient = {
      ...mirakl,
      cancelOrder: async (orderId) => {
        await mirakl.cancelOrder(orderId);
        throw new MiraklTransientError({
          operation: "OR29",
          method: "PUT",
          path: `/api/orders/${orderId}/cancel`,
          status: 504,
        });
      },
    };
    await run(losing);
    expect((await rows())[0]!.status).toBe("SENDING");
    const result = await run();
    expect(result.sent).toBe(1);
    expect(sim.control.calls("OR29")).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: "SENT", statusReason: "Mirakl shows it (the answer was lost)" });
  });

  it("orders/cancelled lost: the cancel's refund finds the order cancelled and the cancellation goes first", async () => {
    const id = await paidOrderInShopify(2);
    const order = cancelInShopify(id);
    await deliver(order.refunds[0]!.id);
    await run();
    await run();
    expect(sim.control.calls("OR28")).toHaveLength(1);
    expect(miraklRefunds(id)).toMatchObject([{ amount: 80, quantity: 2 }]);
    expect((await rows()).map((r) => [r.kind, r.status]).sort()).toEqual([
      ["ORDER_CANCEL", "SENT"],
      ["REFUND", "IGNORED"],
    ]);
    expect(await deliverCancelled(id)).toEqual({ status: "PROCESSED" });
    await run();
    expect(sim.control.calls("OR28")).toHaveLength(1);
  });

  it("without a refund reason the cancellation waits for a person, and its refund waits with it", async () => {
    await mergeConnectionSettings(shop, connection.id, {
      refunds: { reasonCode: null, cancelationReasonCode: null, mirrorToShopify: true, restockReturns: false },
    });
    const id = await paidOrderInShopify(2);
    const order = cancelInShopify(id);
    await deliver(order.refunds[0]!.id);
    await deliverCancelled(id);
    await run();
    const cancel = (await rows()).find((r) => r.kind === "ORDER_CANCEL")!;
    expect(cancel).toMatchObject({ status: "BLOCKED", request: { reasonType: "REFUND" } });
    const held = (await rows()).find((r) => r.kind === "REFUND")!;
    expect(held).toMatchObject({ status: "PENDING" });
    // Held, its money is shown all the same: what Shopify gave back.
    const paidBack = order.refunds[0]!.transactions.reduce((sum, t) => sum + Number(t.amount), 0);
    expect(paidBack).toBeGreaterThan(0);
    expect(Number(held.amount)).toBeCloseTo(paidBack, 2);
    const [exception] = await openExceptions();
    expect(exception!.message).toContain("Shopify's cancellation of the order");
    expect(sim.control.calls("OR28")).toHaveLength(0);

    // While it waits, the money it will give back is known (it stays what is sent).
    expect(Number(cancel.amount)).toBeGreaterThan(80);
    expect(cancel.currency).toBe(simOrder(id).currency_iso_code);

    expect(await chooseRefundReason(shop, cancel.id, "15")).toBe(true);
    await run();
    await run();
    expect(miraklRefunds(id)).toMatchObject([{ amount: 80, reason_code: "15" }]);
    expect((await rows()).map((r) => r.status).sort()).toEqual(["IGNORED", "SENT"]);
    expect((await rows()).find((r) => r.kind === "ORDER_CANCEL")!.amount).toBe(cancel.amount);
    expect(await openExceptions()).toHaveLength(0);
  });

  it("a line refunded whole before shipping is cancelled on Mirakl (OR30) while Mirakl allows cancelling", async () => {
    sim.control.setPartialCancelation(sim.shops.main, true);
    await mergeConnectionSettings(shop, connection.id, {
      refunds: { reasonCode: "15", cancelationReasonCode: "34", mirrorToShopify: true, restockReturns: false },
    });
    const id = await paidOrderInShopify(2, "PAY_ON_DELIVERY");
    await deliver(refundInShopify(id, 2).id);
    await run();
    expect(sim.control.calls("OR30")).toHaveLength(1);
    expect(sim.control.calls("OR28")).toHaveLength(0);
    expect(miraklCancelations(id)).toMatchObject([{ quantity: 2, amount: 80, reason_code: "34" }]);
    expect((await rows())[0]).toMatchObject({ status: "SENT", resultIds: miraklCancelations(id).map((c) => c.id) });
    // The app's own cancelation is not mirrored back.
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, now());
    await run();
    expect(shopifyOrderOf(id).refunds).toHaveLength(1);
  });

  it("partial cancelation off: Mirakl refuses the OR30, nothing was made, so the line is refunded (OR28) and the timeline says so", async () => {
    await mergeConnectionSettings(shop, connection.id, {
      refunds: { reasonCode: "15", cancelationReasonCode: "34", mirrorToShopify: true, restockReturns: false },
    });
    const id = await paidOrderInShopify(2, "PAY_ON_DELIVERY");
    await deliver(refundInShopify(id, 2).id);
    await run();
    await run();
    expect(sim.control.calls("OR30")).toHaveLength(1);
    expect(sim.control.calls("OR28")).toHaveLength(1);
    expect(miraklCancelations(id)).toHaveLength(0);
    expect(miraklRefunds(id)).toMatchObject([{ amount: 80, reason_code: "15" }]);
    expect((await appEntries(id)).join("\n")).toContain("Mirakl refused cancelling the lines (OR30)");
  });
});
