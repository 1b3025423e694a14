import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { toMoney } from "~/domain/money";
import {
  isOwnReversal,
  planMiraklRefunds,
  type MiraklLineReversal,
  type MiraklRefundPlan,
  type SentReversalIntent,
  type ShopifyRefundRequest,
} from "~/domain/orders/refunds";
import { resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { MiraklError, type MiraklOrder } from "~/integrations/mirakl";
import { refundById } from "~/integrations/shopify/operations";
import { appendTimeline } from "~/sync/orders/mirror.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import {
  appEntry,
  readOrder,
  report,
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
): Promise<{ request: ShopifyRefundRequest; total: string; currency: string } | null> {
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
    const landed = landedRefunds(current, stored.intents);
    if (landed.length > 0) {
      await prisma.marketplaceRefund.update({
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
      );
      await resolveExceptionsFor(context.shop, REFUND_ENTITY, refund.id, context.now);
      return { kind: "adopted" };
    }
    const settleAt = (refund.sentAt?.getTime() ?? 0) + RESEND_AFTER_MS;
    if (context.now.getTime() < settleAt) return { kind: "wait", until: new Date(settleAt) };
    // Not there a minute after the send: it did not land; planned again below from what Mirakl shows now.
  }

  const reasonCode = refund.reasonCode ?? context.settings.reasonCode;
  if (!reasonCode) {
    return settle(
      context,
      refund,
      order,
      "BLOCKED",
      "No refund reason: the marketplace needs one with every refund",
      "Choose the refund reason on the order's page (it is sent at once), or set a default refund reason in the connection's order settings.",
    );
  }
  const facts = await shopifyRefundRequest(context, refund, order);
  if (!facts) return settle(context, refund, order, "IGNORED", "Shopify no longer shows this refund");
  const plan = planMiraklRefunds({
    order: current,
    request: facts.request,
    reasonCode,
    cancelationReasonCode: context.settings.cancelationReasonCode,
  });
  if (plan.lines.length === 0) {
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

  const intent: StoredIntent = {
    orderTaxMode: plan.orderTaxMode,
    refunds: plan.lines.map((l) => l.refund) as unknown as Prisma.JsonArray,
    intents: plan.lines.map((l) => ({
      kind: "refund",
      lineId: l.refund.order_line_id,
      amount: l.refund.amount,
      shippingAmount: l.refund.shipping_amount,
      reasonCode,
      createdAt: context.now.toISOString(),
      recordedIds: [],
    })),
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
  let answer;
  try {
    answer = await context.mirakl.refundOrderLines(
      plan.lines.map((l) => l.refund),
      { orderTaxMode: plan.orderTaxMode },
    );
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    // Refused before anything was made (4xx other than 429): say so; anything else may have landed: look next pass.
    if (error.kind === "validation" || error.kind === "not_found" || error.kind === "permanent") {
      return settle(
        context,
        refund,
        order,
        "FAILED",
        `Mirakl refused the refund (OR28): ${error.miraklMessage ?? error.message}`,
        "Read Mirakl's message: usually the line is no longer refundable (closed) or the reason is not allowed. Fix it on the marketplace or in the connection's settings, then press Retry.",
      );
    }
    const until = await reportMiraklFailure(context, error, `OR28 for order ${order.miraklOrderId}`, context.now);
    return {
      kind: error.kind === "auth" || error.kind === "rate_limited" ? "stop" : "wait",
      until: new Date(Math.max(until.getTime(), context.now.getTime() + RESEND_AFTER_MS)),
    };
  }
  const ids = answer.refunds.map((r) => r.refund_id);
  await prisma.marketplaceRefund.update({
    where: { id: refund.id },
    data: { status: "SENT", statusReason: capsNote(plan), resultIds: ids },
  });
  await appendTimeline(
    context.shop,
    order.id,
    [
      appEntry(
        "refund-sent",
        `Refund sent to Mirakl (OR28): ${describePlan(plan, current.currency_iso_code)}, reason ${reasonCode}`,
        { refundIds: ids },
      ),
    ],
    context.now,
  );
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

/** The refund ids Mirakl shows for an intent whose answer was lost. */
function landedRefunds(order: MiraklOrder, intents: readonly SentReversalIntent[]): string[] {
  const ids: string[] = [];
  for (const line of order.order_lines)
    for (const refund of line.refunds ?? []) {
      const candidate: MiraklLineReversal = { kind: "refund", lineId: line.order_line_id, reversal: refund as never };
      if (isOwnReversal(candidate, intents)) ids.push(refund.id);
    }
  return ids;
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

function describePlan(plan: MiraklRefundPlan, currency: string): string {
  return plan.lines
    .map((l) => {
      const shipping = Number(l.refund.shipping_amount) > 0 ? ` + shipping ${l.refund.shipping_amount}` : "";
      return `${l.refund.amount}${shipping} ${currency} on line ${l.refund.order_line_id}`;
    })
    .join(", ");
}
