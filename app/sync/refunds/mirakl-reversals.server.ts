import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { paymentGateway } from "~/domain/orders/shopify-order";
import {
  orderTaxModeOf,
  planShopifyRefund,
  reversalKey,
  reversalsToMirror,
  shopifyRefundGroups,
} from "~/domain/orders/refunds";
import type { MiraklOrder } from "~/integrations/mirakl";
import {
  chooseShopifyMirror,
  fulfilledUnitsOf,
  miraklOrderWhollyCancelled,
  orderCancelMirrorKey,
  orderCancelStaffNote,
  type ShopifyCancellationFacts,
} from "~/domain/orders/whole-order-cancel";
import type { ReversalToMirror } from "~/domain/orders/refunds";
import { resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import { orderCancel, orderCancellationFacts, refundCreate } from "~/integrations/shopify/operations";
import { appendTimeline } from "~/sync/orders/mirror.server";
import { recordShopifyCancelledAt } from "~/sync/refunds/recording.server";
import {
  appEntry,
  sentIntents,
  settle,
  MIRROR_NOTE_PREFIX,
  REFUND_ENTITY,
  CANCEL_CONFIRM_WITHIN_MS,
  RESEND_AFTER_MS,
  type Context,
  type Outcome,
  type OrderRow,
  type RefundRow,
} from "~/sync/refunds/context.server";

/**
 * Mirakl refunds and cancelations → Shopify: each Mirakl action not yet in Shopify and not the app's own becomes
 * one `refundCreate` whose idempotency key comes from the Mirakl ids. When Mirakl cancelled the whole order and
 * nothing of it was fulfilled in Shopify, the Shopify order is cancelled instead (`orderCancel`, see
 * `mirrorWholeCancel`): its cancelations are then never refunded as well.
 */

export async function mirrorToShopify(context: Context, order: OrderRow): Promise<Outcome> {
  const done = () => prisma.marketplaceOrder.update({ where: { id: order.id }, data: { refundsDirty: false } });
  if (!context.settings.mirrorToShopify || order.shopifyOrderStatus !== "CREATED" || !order.shopifyOrderId) {
    await done();
    return { kind: "done" };
  }
  // A send to Mirakl whose answer is not in: what it made is not known as the app's own until it settles.
  const unsettled = await prisma.marketplaceRefund.findFirst({
    where: { shop: context.shop, orderId: order.id, direction: "TO_MIRAKL", status: "SENDING" },
    select: { id: true },
  });
  if (unsettled) return { kind: "wait", until: new Date(context.now.getTime() + RESEND_AFTER_MS) };
  const unconfirmed = await confirmCancel(context, order);
  if (unconfirmed?.kind === "wait") return unconfirmed;
  if (unconfirmed) {
    await done();
    return unconfirmed;
  }
  const payload = order.payload as unknown as MiraklOrder;
  const rows = await prisma.marketplaceRefund.findMany({
    where: { orderId: order.id, direction: "TO_SHOPIFY" },
    select: { reversalKeys: true, status: true },
  });
  const mirroredKeys = new Set(rows.filter((r) => r.status === "SENT").flatMap((r) => r.reversalKeys as string[]));
  // The Shopify order was made without the units and money Mirakl had cancelled by then: the ids stored with its
  // intent; for an order made before they were stored, those dated before its creation.
  const builtWithout = order.shopifyOrderCancelationIds as string[] | null;
  const createdAt = order.shopifyOrderCreatedAt?.getTime() ?? 0;
  for (const line of payload.order_lines)
    for (const c of line.cancelations ?? [])
      if (
        builtWithout
          ? builtWithout.includes(c.id)
          : c.created_date !== null && c.created_date !== undefined && Date.parse(c.created_date) <= createdAt
      )
        mirroredKeys.add(reversalKey("cancelation", c.id));
  const pending = reversalsToMirror(payload, { mirroredKeys, sentIntents: await sentIntents(context.shop, order.id) });
  if (pending.length > 0) {
    const cancelled = await mirrorWholeCancel(context, order, payload, pending);
    if (cancelled?.kind === "wait") return cancelled;
    if (cancelled) {
      // A cancel just sent keeps the order in the pass until Shopify shows it (confirmCancel).
      if (!(cancelled.kind === "mirrored" && cancelled.recheckAt)) await done();
      return cancelled;
    }
  }
  let count = 0;
  const lineItems = new Map(order.lines.flatMap((l) => (l.shopifyLineItemId ? [[l.lineId, l.shopifyLineItemId]] : [])));
  for (const group of shopifyRefundGroups(pending)) {
    const plan = planShopifyRefund({
      shopifyOrderId: order.shopifyOrderId,
      miraklOrderId: order.miraklOrderId,
      orderTaxMode: orderTaxModeOf(payload.order_tax_mode),
      reversals: group,
      lineItems,
      restock: context.settings.restockReturns,
      saleTransaction: { gateway: paymentGateway(context.marketplace) },
    });
    const input = { ...plan.input, note: `${MIRROR_NOTE_PREFIX}: ${plan.input.note}` };
    await prisma.marketplaceRefund.upsert({
      where: {
        shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
      },
      create: {
        shop: context.shop,
        connectionId: context.id,
        orderId: order.id,
        direction: "TO_SHOPIFY",
        sourceKey: plan.idempotencyKey,
        reversalKeys: plan.reversalKeys,
        status: "SENDING",
        request: input as unknown as Prisma.InputJsonValue,
        sentAt: context.now,
        attempts: 1,
        amount: input.transactions[0]?.amount ?? "0",
        currency: payload.currency_iso_code,
      },
      update: { status: "SENDING", sentAt: context.now, attempts: { increment: 1 } },
    });
    const admin = await context.shopify();
    let created;
    try {
      // Idempotent by key: a repeat after a lost answer returns the refund made the first time.
      created = await admin.request(refundCreate, { input, idempotencyKey: plan.idempotencyKey });
    } catch (error) {
      if (!(error instanceof ShopifyUserErrorsError)) throw error;
      const row = await prisma.marketplaceRefund.findUniqueOrThrow({
        where: {
          shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
        },
      });
      await settle(
        context,
        row,
        order,
        "FAILED",
        `Shopify refused the refund: ${error.message}`,
        "Read Shopify's message (often: more than is left to refund on the order). Adjust the Shopify order by hand if needed, then press Retry or dismiss this.",
      );
      continue;
    }
    const refundId = created.refundCreate?.refund?.id;
    const what = group.map((g) => `${g.kind} ${g.reversal.id} on line ${g.lineId}`).join(", ");
    await prisma.$transaction(async (tx) => {
      await tx.marketplaceRefund.update({
        where: {
          shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
        },
        data: { status: "SENT", statusReason: null, resultIds: refundId ? [refundId] : [] },
      });
      await appendTimeline(
        context.shop,
        order.id,
        [
          appEntry(
            "refund-mirrored",
            `Marketplace ${what} shown in Shopify as a refund of ${input.transactions[0]?.amount ?? "0"} ${payload.currency_iso_code}`,
            { refundId },
          ),
        ],
        context.now,
        tx,
      );
    });
    count++;
  }
  await done();
  return { kind: "mirrored", count };
}

// ---- Mirakl cancelled the whole order → orderCancel ---------------------------------------------------------

/** Whether the Shopify order is cancelled already and how much of it was fulfilled. */
async function readCancellationFacts(context: Context, shopifyOrderId: string): Promise<ShopifyCancellationFacts> {
  const admin = await context.shopify();
  const { order } = await admin.request(orderCancellationFacts, { id: shopifyOrderId });
  if (!order) throw new Error(`Shopify order ${shopifyOrderId} not found`);
  return {
    cancelledAt: order.cancelledAt ?? null,
    displayFulfillmentStatus: order.displayFulfillmentStatus,
    fulfilledUnits: fulfilledUnitsOf(order.fulfillments),
  };
}

/**
 * Cancels the Shopify order when Mirakl cancelled the whole order before anything of it was fulfilled in Shopify
 * (`chooseShopifyMirror`). Returns null when the pending reversals stay refunds.
 *
 * orderCancel is not idempotent and runs as a job, so the intent (the ORDER_CANCEL row, SENDING) is stored before
 * the call; the refunds/create and orders/cancelled webhooks Shopify sends back are recognised by that row as the
 * app's own. A row left SENDING (answer lost, process killed) is settled by reading the order: cancelled → adopted,
 * never sent twice; not cancelled → sent again once RESEND_AFTER_MS has passed (the job may still be running).
 */
async function mirrorWholeCancel(
  context: Context,
  order: OrderRow,
  payload: MiraklOrder,
  pending: ReversalToMirror[],
): Promise<Outcome | null> {
  const shopifyOrderId = order.shopifyOrderId!;
  const sourceKey = orderCancelMirrorKey(order.miraklOrderId);
  const where = { shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey } };
  const earlier = await prisma.marketplaceRefund.findUnique({ where });
  // Most reversals touch part of an order: Shopify is read only when a whole-order cancel is possible or under way.
  if (!earlier && !miraklOrderWhollyCancelled(payload)) return null;
  const facts = await readCancellationFacts(context, shopifyOrderId);

  // Sent with no answer, or refused and then cancelled by hand as the exception asks: Shopify's word settles it.
  if ((earlier?.status === "SENDING" || earlier?.status === "FAILED") && facts.cancelledAt)
    return adoptCancel(context, order, earlier, facts.cancelledAt);
  if (earlier?.status === "SENDING") {
    const resendAt = (earlier.sentAt?.getTime() ?? 0) + RESEND_AFTER_MS;
    if (resendAt > context.now.getTime()) return { kind: "wait", until: new Date(resendAt) };
  }

  const choice = chooseShopifyMirror({ order: payload, pending, shopify: facts });
  if (choice.kind === "refunds") {
    // An earlier cancel that never went through gives way to refunds (e.g. the order was fulfilled meanwhile).
    if (earlier && earlier.status !== "SENT" && earlier.status !== "IGNORED") {
      await settle(
        context,
        earlier,
        order,
        "IGNORED",
        `Shopify order not cancelled (${choice.because.toLowerCase().replaceAll("_", " ")}): the marketplace cancelations are refunded instead`,
      );
      await resolveExceptionsFor(context.shop, REFUND_ENTITY, earlier.id, context.now);
    }
    return null;
  }

  const reversalKeys = choice.cancelations.map((item) => reversalKey(item.kind, item.reversal.id));
  const variables = {
    orderId: shopifyOrderId,
    reason: "OTHER" as const,
    restock: true,
    refundMethod: { originalPaymentMethodsRefund: true },
    notifyCustomer: false,
    staffNote: orderCancelStaffNote({
      marketplace: context.marketplace,
      miraklOrderId: order.miraklOrderId,
      reasonCodes: choice.reasonCodes,
    }),
  };
  // What the cancelations give back, as a refund of them would (for the exchange's amount only: Shopify refunds
  // whatever was paid and not refunded yet).
  const paidBack = planShopifyRefund({
    shopifyOrderId,
    miraklOrderId: order.miraklOrderId,
    orderTaxMode: orderTaxModeOf(payload.order_tax_mode),
    reversals: choice.cancelations,
    lineItems: new Map(),
    restock: true,
    saleTransaction: { gateway: paymentGateway(context.marketplace) },
  }).input.transactions[0]?.amount;
  const row = await prisma.marketplaceRefund.upsert({
    where,
    create: {
      shop: context.shop,
      connectionId: context.id,
      orderId: order.id,
      direction: "TO_SHOPIFY",
      kind: "ORDER_CANCEL",
      sourceKey,
      reversalKeys,
      status: "SENDING",
      request: variables as unknown as Prisma.InputJsonValue,
      sentAt: context.now,
      attempts: 1,
      amount: paidBack ?? "0",
      currency: payload.currency_iso_code,
    },
    update: {
      reversalKeys,
      status: "SENDING",
      statusReason: null,
      request: variables as unknown as Prisma.InputJsonValue,
      sentAt: context.now,
      attempts: { increment: 1 },
      amount: paidBack ?? "0",
    },
  });

  const admin = await context.shopify();
  let jobId: string | null;
  try {
    // Not resent inside the call when the answer is unclear: the next pass reads the order first.
    const answer = await admin.request(orderCancel, variables, { resendWhenUnsure: false });
    jobId = answer.orderCancel?.job?.id ?? null;
  } catch (error) {
    if (!(error instanceof ShopifyUserErrorsError)) throw error;
    // "Already cancelled" after an answer that got lost: the order shows it, the cancel is the app's own.
    const now = await readCancellationFacts(context, shopifyOrderId);
    if (now.cancelledAt) return adoptCancel(context, order, row, now.cancelledAt);
    return settle(
      context,
      row,
      order,
      "FAILED",
      `Shopify refused to cancel the order: ${error.message}`,
      "The marketplace cancelled the whole order. If the Shopify order has fulfilments now, press Retry: the cancelled units are refunded instead. Otherwise cancel the order in Shopify by hand (with a refund, restocking) and press Retry, or dismiss this.",
    );
  }
  // Sent, not done: Shopify's job cancels the order; confirmCancel reads it back (orders/cancelled marks it sooner).
  const what = choice.cancelations.map((item) => `${item.reversal.id} on line ${item.lineId}`).join(", ");
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceRefund.update({
      where: { id: row.id },
      data: { status: "SENT", statusReason: null, resultIds: jobId ? [jobId] : [] },
    });
    await appendTimeline(
      context.shop,
      order.id,
      [
        appEntry(
          "order-cancel-mirrored",
          `Marketplace cancelled the whole order (cancelation ${what}): Shopify order cancel sent (units restocked, ${paidBack ?? "0"} ${payload.currency_iso_code} refunded to the original payment)`,
          { jobId, reversalKeys },
        ),
      ],
      context.now,
      tx,
    );
  });
  await resolveExceptionsFor(context.shop, REFUND_ENTITY, row.id, context.now);
  return { kind: "mirrored", count: 1, recheckAt: new Date(context.now.getTime() + RESEND_AFTER_MS) };
}

/**
 * A cancel sent to Shopify (row SENT) whose order is not known cancelled yet: Shopify is read. Cancelled → recorded,
 * the pass goes on (null). Not yet → the order waits, until CANCEL_CONFIRM_WITHIN_MS after the send; past it the
 * job did not cancel the order: FAILED, with an exception saying what to do. Null when there is nothing to confirm.
 */
async function confirmCancel(context: Context, order: OrderRow): Promise<Outcome | null> {
  if (order.shopifyCancelledAt) return null;
  const sent = await prisma.marketplaceRefund.findFirst({
    where: { shop: context.shop, orderId: order.id, direction: "TO_SHOPIFY", kind: "ORDER_CANCEL", status: "SENT" },
  });
  if (!sent) return null;
  const facts = await readCancellationFacts(context, order.shopifyOrderId!);
  if (facts.cancelledAt) {
    await recordShopifyCancelledAt(context.shop, order.id, new Date(facts.cancelledAt), context.now, true);
    return null;
  }
  const giveUpAt = (sent.sentAt?.getTime() ?? 0) + CANCEL_CONFIRM_WITHIN_MS;
  if (context.now.getTime() < giveUpAt)
    return { kind: "wait", until: new Date(Math.min(giveUpAt, context.now.getTime() + RESEND_AFTER_MS)) };
  const job = (sent.resultIds as string[])[0];
  return settle(
    context,
    sent,
    order,
    "FAILED",
    `Shopify accepted the order cancel${job ? ` (job ${job})` : ""} but the order is still not cancelled ${Math.round(CANCEL_CONFIRM_WITHIN_MS / 60_000)} minutes later: its job failed`,
    "The marketplace cancelled the whole order: do not ship it. Cancel the order in Shopify by hand (with a refund, restocking) and press Retry, or press Retry to have the app ask Shopify again.",
  );
}

/** The Shopify order shows the cancel whose answer was lost: recorded as sent, not sent again. */
async function adoptCancel(context: Context, order: OrderRow, row: RefundRow, cancelledAt: string): Promise<Outcome> {
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceRefund.update({ where: { id: row.id }, data: { status: "SENT", statusReason: null } });
    await tx.marketplaceOrder.update({
      where: { id: order.id },
      data: { shopifyCancelledAt: order.shopifyCancelledAt ?? new Date(cancelledAt) },
    });
    await appendTimeline(
      context.shop,
      order.id,
      [
        appEntry(
          "order-cancel-mirrored",
          row.status === "FAILED"
            ? "Marketplace cancelled the whole order: Shopify shows the order cancelled (by hand, after Shopify refused the app's request)"
            : "Marketplace cancelled the whole order: Shopify shows the order cancelled by the app's earlier request (its answer was lost); not sent again",
          { reversalKeys: row.reversalKeys },
        ),
      ],
      context.now,
      tx,
    );
  });
  await resolveExceptionsFor(context.shop, REFUND_ENTITY, row.id, context.now);
  return { kind: "mirrored", count: 1 };
}
