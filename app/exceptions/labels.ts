/** Human labels for exception kinds and severities, shared by server and browser code. */
export const exceptionKindLabels: Record<string, string> = {
  WEBHOOK_PAYLOAD_INVALID: "Webhook payload rejected",
  WEBHOOK_PROCESSING_FAILED: "Webhook processing failed",
  MIRAKL_AUTH_FAILED: "Mirakl rejected the API key",
  MIRAKL_UNREACHABLE: "Mirakl unreachable",
  MIRAKL_RATE_LIMITED: "Mirakl rate limit",
  MIRAKL_REQUEST_REJECTED: "Mirakl rejected a request",
  CONNECTION_MISCONFIGURED: "Connection misconfigured",
  SHOPIFY_ACCESS_LOST: "Shopify access lost",
  WORKER_TASK_FAILED: "Background task failed",
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
