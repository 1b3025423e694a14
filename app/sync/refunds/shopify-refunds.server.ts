import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { toMoney } from "~/domain/money";
import type { TimelineEntry } from "~/domain/orders/timeline";
import {
  planMiraklRefunds,
  type MiraklRefundPlan,
  type PlannedLineRefund,
  type ShopifyRefundRequest,
} from "~/domain/orders/refunds";
import { resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { MiraklError } from "~/integrations/mirakl";
import { refundById } from "~/integrations/shopify/operations";
import { appendTimeline } from "~/sync/orders/mirror.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import { recordShopifyCancellation } from "~/sync/refunds/recording.server";
import {
  appEntry,
  landedReversals,
  readOrder,
  refundInsteadOfLineCancel,
  report,
  reversalIntent,
  settle,
  RESEND_AFTER_MS,
  REFUND_ENTITY,
  type Context,
  type Outcome,
  type OrderRow,
  type RefundRow,
  type StoredIntent,
} from "~/sync/refunds/context.server";

/**
 * Shopify refund → Mirakl OR28: read both sides, plan with the pure `planMiraklRefunds`, store the intent, send,
 * and after a lost answer read Mirakl back before anything is sent again.
 */

/** Shopify's refund as Mirakl lines, amounts and taxes. */
async function shopifyRefundRequest(
  context: Context,
  refund: RefundRow,
  order: OrderRow,
): Promise<{
  request: ShopifyRefundRequest;
  total: string;
  currency: string;
  orderCancelledAt: string | null;
} | null> {
  const admin = await context.shopify();
  const data = await admin.request(refundById, { id: refund.sourceKey });
  const found = data.refund;
  if (!found) return null;
  const lineOf = new Map(order.lines.flatMap((l) => (l.shopifyLineItemId ? [[l.shopifyLineItemId, l.lineId]] : [])));
  const lines = found.refundLineItems.nodes.flatMap((n) => {
    const lineId = lineOf.get(n.lineItem.id);
    return lineId
      ? [
          {
            lineId,
            quantity: n.quantity,
            amount: toMoney(n.subtotalSet.shopMoney.amount as string),
            taxAmount: toMoney((n.totalTaxSet?.shopMoney.amount as string | undefined) ?? "0"),
          },
        ]
      : [];
  });
  const sum = (values: readonly string[]) => values.reduce((s, v) => s + Number(v), 0);
  const shippingAmount = sum(
    found.refundShippingLines.nodes.map((n) => n.subtotalAmountSet.shopMoney.amount as string),
  );
  const shippingTax = sum(found.refundShippingLines.nodes.map((n) => n.taxAmountSet.shopMoney.amount as string));
  return {
    request: {
      lines,
      shipping: { amount: toMoney(shippingAmount.toFixed(2)), taxAmount: toMoney(shippingTax.toFixed(2)) },
      amountsIncludeTax: found.order.taxesIncluded,
    },
    total: found.totalRefundedSet.shopMoney.amount as string,
    currency: found.totalRefundedSet.shopMoney.currencyCode,
    orderCancelledAt: (found.order.cancelledAt as string | null | undefined) ?? null,
  };
}

export async function sendToMirakl(context: Context, refund: RefundRow): Promise<Outcome> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: refund.orderId, shop: context.shop },
    include: { lines: true },
  });
  if (!order) return { kind: "ignored" };
  const current = await readOrder(context, order.miraklOrderId);
  if (!current) return settle(context, refund, order, "FAILED", `Mirakl no longer shows order ${order.miraklOrderId}`);

  // A send whose outcome is unknown: Mirakl's refunds say whether it landed.
  if (refund.status === "SENDING") {
    const stored = refund.request as unknown as StoredIntent;
    const landed = landedReversals(current, stored.intents);
    if (landed.length > 0) {
      await prisma.$transaction(async (tx) => {
        await tx.marketplaceRefund.update({
          where: { id: refund.id },
          data: {
            status: "SENT",
            statusReason: "Mirakl shows the refund (the answer to the OR28 was lost)",
            resultIds: landed,
          },
        });
        await appendTimeline(
          context.shop,
          order.id,
          [appEntry("refund-sent", `Refund found on Mirakl after a lost answer (${landed.join(", ")})`)],
          context.now,
          tx,
        );
      });
      await resolveExceptionsFor(context.shop, REFUND_ENTITY, refund.id, context.now);
      return { kind: "adopted" };
    }
    const settleAt = (refund.sentAt?.getTime() ?? 0) + RESEND_AFTER_MS;
    if (context.now.getTime() < settleAt) return { kind: "wait", until: new Date(settleAt) };
    // Not there a minute after the send: it did not land; planned again below from what Mirakl shows now.
  }

  const facts = await shopifyRefundRequest(context, refund, order);
  if (!facts) return settle(context, refund, order, "IGNORED", "Shopify no longer shows this refund");
  // The money Shopify gave back, on the Order page from now on: also while the refund is held or waits for a reason.
  if (refund.amount !== facts.total || refund.currency !== facts.currency)
    await prisma.marketplaceRefund.update({
      where: { id: refund.id },
      data: { amount: facts.total, currency: facts.currency },
    });

  // A refund of a cancelled Shopify order: the cancellation goes to Mirakl first (it may take every line), then
  // the refund is planned against what is left, so the same money is never given back twice.
  const cancellation = facts.orderCancelledAt ? await cancellationOf(context, order, facts.orderCancelledAt) : null;
  if (cancellation && !["SENT", "IGNORED"].includes(cancellation.status)) {
    const reason = "Waits for the order's cancellation to reach Mirakl";
    if (refund.statusReason !== reason)
      await prisma.marketplaceRefund.update({ where: { id: refund.id }, data: { statusReason: reason } });
    return { kind: "held" };
  }

  const stored = (refund.request ?? {}) as Partial<StoredIntent>;
  const plan = planMiraklRefunds({
    order: current,
    request: facts.request,
    reasonCode: refund.reasonCode ?? context.settings.reasonCode ?? "",
    // A line refunded whole before it shipped is cancelled (OR30) while Mirakl still allows cancelling.
    cancelationReasonCode:
      current.can_cancel && !stored.lineCancelRefused ? context.settings.cancelationReasonCode : null,
  });
  if (plan.lines.length === 0) {
    // The cancellation took it all, or found Mirakl had already cancelled everything.
    if (cancellation?.status === "SENT" || cancellation?.status === "IGNORED")
      return settle(context, refund, order, "IGNORED", "Covered by the order's cancellation on Mirakl");
    const why = plan.skipped.map((s) => s.message).join("; ") || "nothing in it is refundable on Mirakl";
    return settle(
      context,
      refund,
      order,
      "IGNORED",
      `Nothing sent to Mirakl: ${why}`,
      "Mirakl has refunded (or cancelled) everything this refund asks for, or the lines cannot be refunded there. Refund the customer through the marketplace operator if money is still owed, then dismiss this.",
      "WARNING",
    );
  }

  const cancels = plan.lines.filter((l) => l.cancelation !== null);
  const refunds = plan.lines.filter((l) => l.cancelation === null);
  const reasonCode = refund.reasonCode ?? context.settings.reasonCode;
  // Lines cancelled whole need a CANCELATION reason only (the connection's, checked by the plan).
  if (!reasonCode && refunds.length > 0) {
    return settle(
      context,
      refund,
      order,
      "BLOCKED",
      "No refund reason: the marketplace needs one with every refund",
      "Choose the refund reason on the order's page (it is sent at once), or set a default refund reason in the connection's order settings.",
    );
  }
  const intent: StoredIntent = {
    orderTaxMode: plan.orderTaxMode,
    refunds: refunds.map((l) => l.refund) as unknown as Prisma.JsonArray,
    cancelations: cancels.map((l) => l.cancelation) as unknown as Prisma.JsonArray,
    intents: [
      ...cancels.map((l) => reversalIntent("cancelation", l.cancelation!, context.now)),
      ...refunds.map((l) => reversalIntent("refund", l.refund, context.now)),
    ],
  };
  await prisma.marketplaceRefund.update({
    where: { id: refund.id },
    data: {
      status: "SENDING",
      sentAt: context.now,
      attempts: { increment: 1 },
      reasonCode,
      request: intent as unknown as Prisma.InputJsonValue,
      amount: facts.total,
      currency: facts.currency,
    },
  });
  const ids: string[] = [];
  let step: "OR30" | "OR28" = "OR30";
  try {
    if (cancels.length) {
      const answer = await context.mirakl.cancelOrderLines(
        cancels.map((l) => l.cancelation!),
        { orderTaxMode: plan.orderTaxMode },
      );
      ids.push(...answer.cancelations.map((c) => c.cancelation_id));
    }
    step = "OR28";
    if (refunds.length) {
      const answer = await context.mirakl.refundOrderLines(
        refunds.map((l) => l.refund),
        { orderTaxMode: plan.orderTaxMode },
      );
      ids.push(...answer.refunds.map((r) => r.refund_id));
    }
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    const message = error.miraklMessage ?? error.message;
    // Refused before anything was made (4xx other than 429): say so; anything else may have landed: look next pass.
    if (error.kind === "validation" || error.kind === "not_found" || error.kind === "permanent") {
      if (step === "OR30") {
        // The shop may not cancel lines here (partial cancelation off): the same refund goes as OR28 next.
        return refundInsteadOfLineCancel(context, refund, order, "refund-not-sent", message);
      }
      await prisma.marketplaceRefund.update({ where: { id: refund.id }, data: { resultIds: ids } });
      return settle(
        context,
        refund,
        order,
        "FAILED",
        `Mirakl refused the refund (OR28): ${message}`,
        "Read Mirakl's message: usually the line is no longer refundable (closed) or the reason is not allowed. Fix it on the marketplace or in the connection's settings, then press Retry.",
      );
    }
    if (ids.length) await prisma.marketplaceRefund.update({ where: { id: refund.id }, data: { resultIds: ids } });
    const until = await reportMiraklFailure(context, error, `${step} for order ${order.miraklOrderId}`, context.now);
    return {
      kind: error.kind === "auth" || error.kind === "rate_limited" ? "stop" : "wait",
      until: new Date(Math.max(until.getTime(), context.now.getTime() + RESEND_AFTER_MS)),
    };
  }
  const entries: TimelineEntry[] = [];
  if (cancels.length)
    entries.push(
      appEntry(
        "cancel-sent",
        `Refunded whole before shipping: cancelled on Mirakl (OR30): ${describeLines(cancels, current.currency_iso_code)}, reason ${cancels[0]!.cancelation!.reason_code}`,
        { cancelationIds: ids.slice(0, cancels.length) },
      ),
    );
  if (refunds.length) {
    const wholeLines = refunds.filter((l) => l.cancelsLine).map((l) => l.refund.order_line_id);
    const whyNotCancelled = wholeLines.length
      ? `. Line ${wholeLines.join(", ")} was refunded whole before shipping, but Mirakl no longer allows cancelling it (the customer was debited), so it is refunded`
      : "";
    entries.push(
      appEntry(
        "refund-sent",
        `Refund sent to Mirakl (OR28): ${describeLines(refunds, current.currency_iso_code)}, reason ${reasonCode}${whyNotCancelled}`,
        { refundIds: ids.slice(cancels.length) },
      ),
    );
  }
  // The refund's state and the timeline lines that tell of it, together.
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceRefund.update({
      where: { id: refund.id },
      data: { status: "SENT", statusReason: capsNote(plan), resultIds: ids },
    });
    await appendTimeline(context.shop, order.id, entries, context.now, tx);
  });
  await resolveExceptionsFor(context.shop, REFUND_ENTITY, refund.id, context.now);
  if (plan.lines.some((l) => l.caps.length > 0)) {
    await report(
      context,
      refund,
      order,
      capsNote(plan)!,
      "Shopify refunded more than Mirakl had left on these lines; the customer was refunded only what Mirakl allows. Check the difference with the marketplace operator, then dismiss this.",
      "WARNING",
    );
  }
  return { kind: "sent" };
}

/** The order's cancellation exchange, recorded here if its orders/cancelled has not arrived (or was lost). */
async function cancellationOf(context: Context, order: OrderRow, cancelledAt: string) {
  await recordShopifyCancellation(
    context.shop,
    { orderId: order.shopifyOrderId!, cancelledAt: new Date(cancelledAt) },
    context.now,
  );
  return prisma.marketplaceRefund.findFirst({
    where: { shop: context.shop, orderId: order.id, direction: "TO_MIRAKL", kind: "ORDER_CANCEL" },
    select: { id: true, status: true },
  });
}

function capsNote(plan: MiraklRefundPlan): string | null {
  const capped = plan.lines.filter((l) => l.caps.length > 0);
  if (!capped.length) return null;
  return `Capped at what Mirakl had left: ${capped
    .map(
      (l) => `${l.refund.order_line_id} ${l.caps.map((c) => `${c.component} ${c.requested} → ${c.sent}`).join(", ")}`,
    )
    .join("; ")}`;
}

function describeLines(lines: readonly PlannedLineRefund[], currency: string): string {
  return lines
    .map((l) => {
      const shipping = Number(l.refund.shipping_amount) > 0 ? ` + shipping ${l.refund.shipping_amount}` : "";
      return `${l.refund.amount}${shipping} ${currency} on line ${l.refund.order_line_id}`;
    })
    .join(", ");
}
