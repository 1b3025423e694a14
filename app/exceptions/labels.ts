/** Human labels for exception kinds and severities, shared by server and browser code. */
import type { SyncExceptionKind } from "~/generated/prisma/client";
/** Every kind has a label (the type checks it): the queue's kind filter offers exactly these. */
export const exceptionKindLabels: Record<SyncExceptionKind, string> = {
  WEBHOOK_PAYLOAD_INVALID: "Webhook payload rejected",
  WEBHOOK_PROCESSING_FAILED: "Webhook processing failed",
  MIRAKL_AUTH_FAILED: "Mirakl rejected the API key",
  MIRAKL_UNREACHABLE: "Mirakl unreachable",
  MIRAKL_RATE_LIMITED: "Mirakl rate limit",
  MIRAKL_REQUEST_REJECTED: "Mirakl rejected a request",
  CONNECTION_MISCONFIGURED: "Connection misconfigured",
  SHOPIFY_ACCESS_LOST: "Shopify access lost",
  WORKER_TASK_FAILED: "Background task failed",
  SKU_NOT_ON_MARKETPLACE: "Shopify SKU with no offer",
  OFFER_WITHOUT_VARIANT: "Offer with no Shopify variant",
  DUPLICATE_SHOPIFY_SKU: "Duplicate Shopify SKU",
  STOCK_IMPORT_LINE_REJECTED: "Stock line rejected by Mirakl",
  STOCK_IMPORT_FAILED: "Import failed",
  PRICE_IMPORT_LINE_REJECTED: "Price line rejected by Mirakl",
  RECONCILE_FAILED: "Reconciliation failed",
  RESERVATION_HOLD_FAILED: "Marketplace order not held in Shopify",
  ORDER_UNREADABLE: "Marketplace order unreadable",
  ORDER_LINE_REFUSED: "Order line refused",
  ORDER_REVIEW_DUE: "Order waits for review",
  ORDER_ACCEPTANCE_FAILED: "Order acceptance failed",
  OFFER_CREATION_REJECTED: "Offer creation refused by Mirakl",
  SHOPIFY_ORDER_FAILED: "Shopify order problem",
  SHIPPING_DEADLINE_DUE: "Shipping deadline near or passed",
  ORDER_INCIDENT_OPEN: "Incident opened on an order",
  SHIPMENT_BLOCKED: "Shipment not sent to Mirakl",
  REFUND_NOT_SENT: "Refund or cancellation not carried over",
};

export const exceptionStatusLabels: Record<string, string> = {
  OPEN: "Open",
  RESOLVED: "Resolved",
  DISMISSED: "Dismissed",
  ALL: "All",
};

export const severityTone: Record<string, "info" | "warning" | "critical" | "attention" | undefined> = {
  INFO: "info",
  WARNING: "warning",
  ERROR: "critical",
  CRITICAL: "critical",
};
