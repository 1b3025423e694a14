/**
 * The demo Shopify page's refund and cancel forms, shared by the page (browser) and its action (server). Reasons are
 * Shopify's OrderCancelReason (2026-07), with the words its admin shows.
 */
export const ORDER_CANCEL_REASONS = [
  { value: "CUSTOMER", label: "Customer changed or cancelled order" },
  { value: "INVENTORY", label: "Items unavailable" },
  { value: "DECLINED", label: "Payment declined" },
  { value: "FRAUD", label: "Fraudulent order" },
  { value: "STAFF", label: "Staff error" },
  { value: "OTHER", label: "Other" },
] as const;

export type OrderCancelReason = (typeof ORDER_CANCEL_REASONS)[number]["value"];

/** Each line's refund quantity field is `REFUND_LINE_FIELD_PREFIX + lineItemId`. */
export const REFUND_LINE_FIELD_PREFIX = "refund:";
