import { sumMoney, toMoney, type MiraklMoney } from "~/domain/money";
import {
  orderTaxModeOf,
  refundableLeft,
  type MiraklCancelationEntry,
  type MiraklRefundEntry,
  type OrderTaxMode,
  type RefundOrderInput,
} from "~/domain/orders/refunds";
import { lineShipped, type MiraklOrderLineLike } from "~/domain/orders/shopify-order";

/**
 * A Shopify order cancelled by the merchant, carried to Mirakl (issue 13, point 3). Pure: the refund flow reads the
 * order from Mirakl and asks this what to send.
 *
 * - Nothing shipped and Mirakl allows it (`can_cancel`): OR29 cancels the whole order.
 * - Some lines shipped, Mirakl allows cancelling: OR30 cancels what is left of the others (a CANCELATION reason; only
 *   where "Shop partial cancelation" is on — when Mirakl refuses it, the flow asks again with `lineCancelRefused`).
 * - Mirakl no longer allows cancelling (PAY_ON_ACCEPTANCE after the debit — every order the app made in Shopify
 *   that is paid on acceptance): OR28 refunds what is left of every line not shipped (a REFUND reason), and says so.
 * Shipped lines are never touched: what comes back of them is a refund the merchant makes in Shopify.
 */

export type CancellationPlan =
  | { action: "NONE"; why: string; shippedLines: string[]; attention: boolean }
  | { action: "CANCEL_ORDER"; why: string; lineIds: string[]; customerTotal: MiraklMoney }
  | {
      action: "CANCEL_LINES";
      why: string;
      entries: MiraklCancelationEntry[];
      shippedLines: string[];
      customerTotal: MiraklMoney;
    }
  | {
      action: "REFUND_LINES";
      why: string;
      entries: MiraklRefundEntry[];
      shippedLines: string[];
      customerTotal: MiraklMoney;
    }
  | { action: "NEEDS_REASON"; why: string; reasonType: "REFUND" | "CANCELATION"; customerTotal: MiraklMoney };

export interface CancellableOrder extends RefundOrderInput {
  order_id: string;
  order_state: string;
  can_cancel: boolean;
  payment_workflow?: string | null;
  order_lines: readonly MiraklOrderLineLike[];
}

const ENDED = new Set(["CANCELED", "REFUSED", "CLOSED"]);

/** What is left of a line that has not shipped, as one entry giving all of it back (amount, shipping, taxes, units). */
function wholeLeft(line: MiraklOrderLineLike, taxMode: OrderTaxMode, currency: string, reasonCode: string) {
  const left = refundableLeft(line, taxMode);
  return {
    order_line_id: line.order_line_id,
    amount: left.amount,
    shipping_amount: left.shippingAmount,
    quantity: left.quantity,
    reason_code: reasonCode,
    currency_iso_code: currency,
    taxes: left.taxes.filter((t) => toMoney(t.amount) !== toMoney("0")),
    shipping_taxes: left.shippingTaxes.filter((t) => toMoney(t.amount) !== toMoney("0")),
  };
}

const hasSomethingLeft = (entry: { quantity: number; amount: string; shipping_amount: string }) =>
  entry.quantity > 0 || toMoney(entry.amount) !== toMoney("0") || toMoney(entry.shipping_amount) !== toMoney("0");

export function planShopifyCancellation(input: {
  order: CancellableOrder;
  /** RE01 REFUND code (the row's chosen one, else the connection's default). */
  refundReasonCode: string | null;
  /** RE01 CANCELATION code (the row's chosen one, else the connection's default). */
  cancelationReasonCode: string | null;
  /** Mirakl refused OR30 for this order already (partial cancelation off): refund the lines instead. */
  lineCancelRefused?: boolean;
}): CancellationPlan {
  const { order } = input;
  const taxMode = orderTaxModeOf(order.order_tax_mode);
  const shipped = order.order_lines.filter((line) => lineShipped(line));
  const shippedLines = shipped.map((line) => line.order_line_id);
  const open = order.order_lines.filter(
    (line) =>
      !lineShipped(line) &&
      !ENDED.has(line.order_line_state) &&
      hasSomethingLeft(wholeLeft(line, taxMode, order.currency_iso_code, "")),
  );

  if (ENDED.has(order.order_state) || open.length === 0) {
    if (shipped.length > 0 && !ENDED.has(order.order_state))
      return {
        action: "NONE",
        why: `Every line left had shipped (${shippedLines.join(", ")}): Mirakl cannot cancel shipped lines. Refund in Shopify what comes back; the refund reaches Mirakl.`,
        shippedLines,
        attention: true,
      };
    return {
      action: "NONE",
      why: `Nothing left to cancel: Mirakl shows the order ${order.order_state === "CANCELED" ? "cancelled" : `${order.order_state}, every line cancelled or refunded`}.`,
      shippedLines,
      attention: false,
    };
  }

  // What the customer gets back, whichever way it is sent: all that is left of the lines not shipped.
  const customerTotal = sumMoney(open.map((line) => refundableLeft(line, taxMode).total));
  if (order.can_cancel && shipped.length === 0)
    return {
      action: "CANCEL_ORDER",
      why: "Nothing shipped and Mirakl allows cancelling: the whole order is cancelled (OR29).",
      lineIds: open.map((line) => line.order_line_id),
      customerTotal,
    };

  const shippedNote = shipped.length
    ? ` Shipped lines stay as they are (${shippedLines.join(", ")}): refund them in Shopify if they come back.`
    : "";
  if (order.can_cancel && !input.lineCancelRefused) {
    if (!input.cancelationReasonCode)
      return {
        action: "NEEDS_REASON",
        reasonType: "CANCELATION",
        why: "No cancellation reason: the marketplace needs one to cancel lines",
        customerTotal,
      };
    return {
      action: "CANCEL_LINES",
      why: `Some lines shipped: the lines not shipped are cancelled (OR30).${shippedNote}`,
      entries: open.map((line) => wholeLeft(line, taxMode, order.currency_iso_code, input.cancelationReasonCode!)),
      shippedLines,
      customerTotal,
    };
  }

  if (!input.refundReasonCode)
    return {
      action: "NEEDS_REASON",
      reasonType: "REFUND",
      why: "No refund reason: Mirakl no longer lets the order be cancelled, so it is refunded, and the marketplace needs a reason with every refund",
      customerTotal,
    };
  const debited =
    order.payment_workflow === "PAY_ON_ACCEPTANCE" || !order.payment_workflow
      ? "the customer was debited on acceptance (PAY_ON_ACCEPTANCE)"
      : `Mirakl no longer allows it (${order.payment_workflow})`;
  return {
    action: "REFUND_LINES",
    why: input.lineCancelRefused
      ? `Mirakl refused cancelling single lines (partial cancelation is off for the shop): the lines not shipped are refunded instead (OR28).${shippedNote}`
      : `Mirakl does not allow cancelling this order any more — ${debited}: the lines not shipped are refunded in full instead (OR28).${shippedNote}`,
    entries: open.map((line) => wholeLeft(line, taxMode, order.currency_iso_code, input.refundReasonCode!)),
    shippedLines,
    customerTotal,
  };
}
