import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { planShopifyCancellation, type CancellationPlan } from "~/domain/orders/cancellation";
import { orderTaxModeOf, type SentReversalIntent } from "~/domain/orders/refunds";
import { resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { MiraklError, type MiraklOrder } from "~/integrations/mirakl";
import { appendTimeline, storeOrders } from "~/sync/orders/mirror.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import {
  appEntry,
  landedReversals,
  report,
  refundInsteadOfLineCancel,
  reversalIntent,
  settle,
  REFUND_ENTITY,
  RESEND_AFTER_MS,
  type Context,
  type Outcome,
  type OrderRow,
  type RefundRow,
} from "~/sync/refunds/context.server";

/**
 * A Shopify order cancelled by the merchant → Mirakl (ORDER_CANCEL exchange, TO_MIRAKL): OR29 for the whole order,
 * OR30 for the lines not shipped, or OR28 when Mirakl no longer allows cancelling (decided by the pure
 * `planShopifyCancellation` on the order read from Mirakl now). None of the three is safe to repeat blindly, so the
 * intent is stored first and, after a lost answer, Mirakl's order says whether it landed: the order or its lines
 * cancelled (OR29), or cancelations/refunds matching the intent (OR30/OR28).
 */

type SentAction = "OR29" | "OR30" | "OR28";

/** What a cancellation exchange stores in `request`: the intent being sent, or the reason type it waits for. */
interface CancelIntent {
  action?: SentAction;
  /** OR29: the lines it cancels (they must all read CANCELED afterwards). */
  lineIds?: string[];
  /** OR29: the order's cancelation ids before the call; any other on its lines afterwards is the app's. */
  cancelationsBefore?: string[];
  entries?: unknown[];
  intents?: SentReversalIntent[];
  orderTaxMode?: string;
  /** Mirakl refused OR30 for this order: refund the lines instead. */
  lineCancelRefused?: boolean;
  /** BLOCKED for want of a reason of this RE01 type (the Order page offers the matching list). */
  reasonType?: "REFUND" | "CANCELATION";
}

const ACTION_TEXT: Record<SentAction, string> = {
  OR29: "Order cancelled on Mirakl (OR29)",
  OR30: "Lines cancelled on Mirakl (OR30)",
  OR28: "Order refunded on Mirakl instead of cancelled (OR28)",
};

const cancelationIds = (order: MiraklOrder, lineIds?: readonly string[]) =>
  order.order_lines
    .filter((line) => !lineIds || lineIds.includes(line.order_line_id))
    .flatMap((line) => line.cancelations ?? [])
    .map((c) => c.id);

/** The reversals an OR29 made: its lines' cancelations that were not there before it (no clock compared). */
function cancelationsMadeBy(order: MiraklOrder, intent: CancelIntent): string[] {
  const before = new Set(intent.cancelationsBefore ?? []);
  return cancelationIds(order, intent.lineIds).filter((id) => !before.has(id));
}

function or29Landed(order: MiraklOrder, lineIds: readonly string[]): boolean {
  if (order.order_state === "CANCELED") return true;
  const lines = order.order_lines.filter((line) => lineIds.includes(line.order_line_id));
  return lines.length > 0 && lines.every((line) => line.order_line_state === "CANCELED");
}

async function markSent(
  context: Context,
  row: RefundRow,
  order: OrderRow,
  action: SentAction,
  ids: string[],
  message: string,
  statusReason: string,
): Promise<Outcome> {
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceRefund.update({
      where: { id: row.id },
      data: { status: "SENT", statusReason, resultIds: ids },
    });
    await appendTimeline(context.shop, order.id, [appEntry("cancel-sent", message, { action, ids })], context.now, tx);
  });
  await resolveExceptionsFor(context.shop, REFUND_ENTITY, row.id, context.now);
  return { kind: "sent" };
}

export async function cancelOnMirakl(context: Context, row: RefundRow): Promise<Outcome> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: row.orderId, shop: context.shop },
    include: { lines: true },
  });
  if (!order) return { kind: "ignored" };
  // Read without storing first: the mirror must learn what the app made here before it sees it (timeline, mirror).
  const [current] = await context.mirakl.getOrdersByIds([order.miraklOrderId]);
  if (!current) return settle(context, row, order, "FAILED", `Mirakl no longer shows order ${order.miraklOrderId}`);
  const stored = (row.request ?? {}) as CancelIntent;
  const storeRead = () => storeOrders(context, [current], context.now);

  // A send whose outcome is unknown: the order on Mirakl says whether it landed.
  if (row.status === "SENDING" && stored.action) {
    const or29 = stored.action === "OR29" && or29Landed(current, stored.lineIds ?? []);
    const ids = or29
      ? cancelationsMadeBy(current, stored)
      : stored.action === "OR29"
        ? []
        : landedReversals(current, stored.intents ?? []);
    if (ids.length > 0 || or29) {
      const outcome = await markSent(
        context,
        row,
        order,
        stored.action,
        ids,
        `${ACTION_TEXT[stored.action]}: found on Mirakl after a lost answer`,
        "Mirakl shows it (the answer was lost)",
      );
      await storeRead();
      return outcome;
    }
    await storeRead();
    const settleAt = (row.sentAt ?? context.now).getTime() + RESEND_AFTER_MS;
    if (context.now.getTime() < settleAt) return { kind: "wait", until: new Date(settleAt) };
    // Not there a minute after the send: it did not land; planned again from what Mirakl shows now.
  }

  if (row.status !== "SENDING") await storeRead();
  const chosen = row.reasonCode;
  const plan = planShopifyCancellation({
    order: current,
    refundReasonCode: (stored.reasonType === "REFUND" ? chosen : null) ?? context.settings.reasonCode,
    cancelationReasonCode:
      (stored.reasonType === "CANCELATION" ? chosen : null) ?? context.settings.cancelationReasonCode,
    lineCancelRefused: stored.lineCancelRefused,
  });
  return carryOut(context, row, order, current, stored, plan);
}

async function carryOut(
  context: Context,
  row: RefundRow,
  order: OrderRow,
  current: MiraklOrder,
  stored: CancelIntent,
  plan: CancellationPlan,
): Promise<Outcome> {
  if (plan.action === "NONE") {
    if (!plan.attention) return settle(context, row, order, "IGNORED", plan.why);
    return settle(
      context,
      row,
      order,
      "IGNORED",
      plan.why,
      "Mirakl does not cancel shipped lines. If the customer sends them back, refund them in Shopify: the refund reaches the marketplace. Then dismiss this.",
      "WARNING",
    );
  }
  if (plan.action === "NEEDS_REASON") {
    await prisma.marketplaceRefund.update({
      where: { id: row.id },
      data: {
        request: { ...stored, reasonType: plan.reasonType } as unknown as Prisma.InputJsonValue,
        // The money it will give back, shown next to the reason to choose.
        amount: plan.customerTotal,
        currency: current.currency_iso_code,
      },
    });
    return settle(
      context,
      { ...row, request: { ...stored, reasonType: plan.reasonType } as unknown as Prisma.JsonValue },
      order,
      "BLOCKED",
      plan.why,
      `Choose the ${plan.reasonType === "REFUND" ? "refund" : "cancellation"} reason on the order's page (it is sent at once), or set a default one in the connection's order settings.`,
    );
  }

  const action: SentAction = plan.action === "CANCEL_ORDER" ? "OR29" : plan.action === "CANCEL_LINES" ? "OR30" : "OR28";
  const entries = plan.action === "CANCEL_ORDER" ? [] : plan.entries;
  const taxMode = orderTaxModeOf(current.order_tax_mode);
  const intent: CancelIntent = {
    ...stored,
    action,
    lineIds: plan.action === "CANCEL_ORDER" ? plan.lineIds : entries.map((e) => e.order_line_id),
    cancelationsBefore: cancelationIds(current),
    entries,
    orderTaxMode: taxMode,
    intents: entries.map((e) => reversalIntent(action === "OR30" ? "cancelation" : "refund", e, context.now)),
  };
  await prisma.marketplaceRefund.update({
    where: { id: row.id },
    data: {
      status: "SENDING",
      sentAt: context.now,
      attempts: { increment: 1 },
      reasonCode: entries[0]?.reason_code ?? row.reasonCode,
      request: intent as unknown as Prisma.InputJsonValue,
      amount: plan.customerTotal,
      currency: current.currency_iso_code,
    },
  });

  let ids: string[];
  let after: MiraklOrder | undefined;
  try {
    if (action === "OR29") {
      await context.mirakl.cancelOrder(current.order_id);
      // OR29 answers nothing: the order says which cancelations it made (stored once they are known as the app's).
      [after] = await context.mirakl.getOrdersByIds([current.order_id]);
      ids = after ? cancelationsMadeBy(after, intent) : [];
    } else if (action === "OR30") {
      const answer = await context.mirakl.cancelOrderLines(plan.action === "CANCEL_LINES" ? plan.entries : [], {
        orderTaxMode: taxMode,
      });
      ids = answer.cancelations.map((c) => c.cancelation_id);
    } else {
      const answer = await context.mirakl.refundOrderLines(plan.action === "REFUND_LINES" ? plan.entries : [], {
        orderTaxMode: taxMode,
      });
      ids = answer.refunds.map((r) => r.refund_id);
    }
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    const refused = error.kind === "validation" || error.kind === "not_found" || error.kind === "permanent";
    const message = error.miraklMessage ?? error.message;
    if (refused && action === "OR30") {
      // Nothing was made: the shop cannot cancel single lines here; the lines are refunded instead next.
      return refundInsteadOfLineCancel(context, row, order, "cancel-not-sent", message);
    }
    if (refused)
      return settle(
        context,
        row,
        order,
        "FAILED",
        `Mirakl refused the cancellation (${action}): ${message}`,
        "Read Mirakl's message: the order may have moved on (shipped, closed) or the reason is not allowed. Cancel or refund it on the marketplace's back office, or fix the settings and press Retry.",
      );
    const until = await reportMiraklFailure(context, error, `${action} for order ${order.miraklOrderId}`, context.now);
    return {
      kind: error.kind === "auth" || error.kind === "rate_limited" ? "stop" : "wait",
      until: new Date(Math.max(until.getTime(), context.now.getTime() + RESEND_AFTER_MS)),
    };
  }
  const reason = entries[0]?.reason_code ? `, reason ${entries[0].reason_code}` : "";
  const amounts = entries.length
    ? `: ${entries.map((e) => `${e.amount}${Number(e.shipping_amount) > 0 ? ` + shipping ${e.shipping_amount}` : ""} ${current.currency_iso_code} on line ${e.order_line_id}`).join(", ")}`
    : `: ${plan.customerTotal} ${current.currency_iso_code} back to the customer`;
  await markSent(context, row, order, action, ids, `${ACTION_TEXT[action]}${amounts}${reason}. ${plan.why}`, plan.why);
  if (after) await storeOrders(context, [after], context.now);
  if (plan.action !== "CANCEL_ORDER" && plan.shippedLines.length > 0)
    await report(
      context,
      row,
      order,
      `Shopify cancelled the order, but lines ${plan.shippedLines.join(", ")} had shipped: Mirakl keeps them`,
      "Mirakl does not cancel shipped lines. If the customer sends them back, refund them in Shopify: the refund reaches the marketplace. Then dismiss this.",
      "WARNING",
    );
  return { kind: "sent" };
}
