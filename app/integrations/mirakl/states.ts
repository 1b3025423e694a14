/**
 * Mirakl's order and order line states, as plain constants (no zod): browser code (the Orders pages) names
 * them too. Mirakl may add states; the schemas accept any string beside these.
 */
export const ORDER_STATES = [
  "STAGING",
  "WAITING_ACCEPTANCE",
  "WAITING_DEBIT",
  "WAITING_DEBIT_PAYMENT",
  "SHIPPING",
  "SHIPPED",
  "TO_COLLECT",
  "RECEIVED",
  "CLOSED",
  "REFUSED",
  "CANCELED",
] as const;
export const ORDER_LINE_STATES = [
  ...ORDER_STATES,
  "INCIDENT_OPEN",
  "REFUNDED",
  "WAITING_REFUND",
  "WAITING_REFUND_PAYMENT",
] as const;
