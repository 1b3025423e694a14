import type { ReversalToMirror } from "~/domain/orders/refunds";
import { remainingQuantity, type MiraklOrderLineLike } from "~/domain/orders/shopify-order";

/**
 * Mirakl cancelled a whole order (issue 13, point 4): the Shopify order is cancelled with `orderCancel` rather than
 * refunded line by line, as long as nothing of it left in Shopify. Pure: the Mirakl → Shopify mirror
 * (app/sync/refunds/mirakl-reversals.server.ts) reads both sides and asks this which way to show the reversals.
 */

/** What Shopify says about the order, as `orderCancellationFacts` reads it. */
export interface ShopifyCancellationFacts {
  cancelledAt: string | null;
  /** Order.displayFulfillmentStatus. */
  displayFulfillmentStatus: string;
  /** Units in the order's fulfilments that were not cancelled or failed. */
  fulfilledUnits: number;
}

/** Fulfilments whose units never left: they do not count as fulfilled. */
const VOID_FULFILLMENT_STATUSES = new Set(["CANCELLED", "ERROR", "FAILURE"]);

/** Units fulfilled (or being fulfilled) in Shopify, from Order.fulfillments. */
export function fulfilledUnitsOf(fulfillments: readonly { status: string; totalQuantity: number }[]): number {
  return fulfillments
    .filter((f) => !VOID_FULFILLMENT_STATUSES.has(f.status))
    .reduce((units, f) => units + Math.max(0, f.totalQuantity), 0);
}

/**
 * Display statuses of an order nobody has started fulfilling. Anything else (FULFILLED, PARTIALLY_FULFILLED, a
 * warehouse at work: IN_PROGRESS, PENDING_FULFILLMENT, or a status added later) keeps today's refunds, which
 * touch only the cancelled units.
 */
const UNTOUCHED_FULFILLMENT_STATUSES = new Set(["UNFULFILLED", "OPEN", "SCHEDULED", "ON_HOLD", "REQUEST_DECLINED"]);

export interface MiraklOrderForCancel {
  order_state?: string | null;
  order_lines: readonly MiraklOrderLineLike[];
}

/** Every line of the Mirakl order is cancelled: the order is CANCELED, or each line is, for its whole quantity. */
export function miraklOrderWhollyCancelled(order: MiraklOrderForCancel): boolean {
  if (order.order_state === "CANCELED") return true;
  return (
    order.order_lines.length > 0 &&
    order.order_lines.every((line) => line.order_line_state === "CANCELED" && remainingQuantity(line) === 0)
  );
}

/** Why the pending reversals stay refunds. */
export type RefundsBecause =
  | "NOTHING_PENDING"
  | "NOT_WHOLE_ORDER"
  /** A Mirakl refund waits too: refunds keep each reversal's money its own. */
  | "REFUND_PENDING"
  | "SHOPIFY_FULFILLED"
  | "SHOPIFY_FULFILMENT_UNDER_WAY"
  | "SHOPIFY_ALREADY_CANCELLED";

export type ShopifyMirrorChoice =
  | {
      kind: "order-cancel";
      /** The pending cancelations the Shopify cancellation shows (none of them is refunded as well). */
      cancelations: ReversalToMirror[];
      /** Their reason codes, each once, in order. */
      reasonCodes: string[];
    }
  | { kind: "refunds"; because: RefundsBecause };

/**
 * How the pending Mirakl reversals (`reversalsToMirror`) appear in Shopify: one `orderCancel` when Mirakl
 * cancelled every line, only cancelations wait, nothing was fulfilled in Shopify and the order is not cancelled
 * there yet; otherwise refunds, as before.
 */
export function chooseShopifyMirror(input: {
  order: MiraklOrderForCancel;
  pending: readonly ReversalToMirror[];
  shopify: ShopifyCancellationFacts;
}): ShopifyMirrorChoice {
  const { order, pending, shopify } = input;
  const refunds = (because: RefundsBecause): ShopifyMirrorChoice => ({ kind: "refunds", because });
  if (pending.length === 0) return refunds("NOTHING_PENDING");
  if (!miraklOrderWhollyCancelled(order)) return refunds("NOT_WHOLE_ORDER");
  if (pending.some((item) => item.kind !== "cancelation")) return refunds("REFUND_PENDING");
  if (shopify.cancelledAt) return refunds("SHOPIFY_ALREADY_CANCELLED");
  if (shopify.fulfilledUnits > 0 || ["FULFILLED", "PARTIALLY_FULFILLED"].includes(shopify.displayFulfillmentStatus))
    return refunds("SHOPIFY_FULFILLED");
  if (!UNTOUCHED_FULFILLMENT_STATUSES.has(shopify.displayFulfillmentStatus))
    return refunds("SHOPIFY_FULFILMENT_UNDER_WAY");
  const reasonCodes = [
    ...new Set(pending.flatMap((item) => (item.reversal.reason_code ? [item.reversal.reason_code] : []))),
  ];
  return { kind: "order-cancel", cancelations: [...pending], reasonCodes };
}

/** The TO_SHOPIFY exchange of a whole-order cancellation: one per Mirakl order. */
export function orderCancelMirrorKey(miraklOrderId: string): string {
  return `order-cancel:${miraklOrderId}`;
}

/** Shopify's limit on orderCancel's staffNote. */
export const STAFF_NOTE_MAX = 255;

/** The staff note on the cancelled Shopify order: where and why it was cancelled (never shown to the buyer). */
export function orderCancelStaffNote(input: {
  marketplace: string;
  miraklOrderId: string;
  reasonCodes: readonly string[];
}): string {
  const reasons = input.reasonCodes.length
    ? ` Reason code${input.reasonCodes.length > 1 ? "s" : ""}: ${input.reasonCodes.join(", ")}.`
    : "";
  const note = `Cancelled on the marketplace ${input.marketplace} (Mirakl order ${input.miraklOrderId}).${reasons}`;
  return note.length <= STAFF_NOTE_MAX ? note : `${note.slice(0, STAFF_NOTE_MAX - 1)}…`;
}
