/**
 * Retry policy per operation:
 *  - "read": GETs; retried on transient errors and 429.
 *  - "idempotent-write": a repeat has no extra effect, so retried like reads:
 *      OR21/OR23/OR24/OR29 are state-guarded by Mirakl (a repeat after a lost success
 *      fails with ORDER_INVALID_STATE instead of acting twice — callers re-read on that);
 *      STO01/PRI01/OF24 carry absolute values (and OF24/OF52 are de-duplicated by Mirakl);
 *      ST23 replaces a shipment's tracking; ST24 is state-guarded (a repeat after a lost success
 *      comes back in `shipment_errors` for that id: callers re-read the shipment, ST11, on an error).
 *  - "never": OR28 refunds, OR30 line cancelations and ST01 shipments create a new record on every call.
 *      Never retried automatically; the caller re-reads first (OR11 order_ids=, or ST11 order_id=).
 */
export type MiraklRetryPolicy = "read" | "idempotent-write" | "never";

export interface MiraklOperationSpec {
  method: "GET" | "POST" | "PUT";
  retry: MiraklRetryPolicy;
  summary: string;
}

export const MIRAKL_OPERATIONS = {
  A01: { method: "GET", retry: "read", summary: "shop account" },
  PC01: { method: "GET", retry: "read", summary: "platform configuration" },
  V01: { method: "GET", retry: "read", summary: "platform version / health" },
  SH21: { method: "GET", retry: "read", summary: "carriers" },
  RE01: { method: "GET", retry: "read", summary: "reasons" },
  OF61: { method: "GET", retry: "read", summary: "offer conditions" },
  OR11: { method: "GET", retry: "read", summary: "list orders" },
  OR21: { method: "PUT", retry: "idempotent-write", summary: "accept / refuse order lines" },
  OR23: { method: "PUT", retry: "idempotent-write", summary: "set tracking" },
  OR24: { method: "PUT", retry: "idempotent-write", summary: "confirm shipment" },
  OR28: { method: "PUT", retry: "never", summary: "refund order lines" },
  OR29: { method: "PUT", retry: "idempotent-write", summary: "cancel whole order" },
  OR30: { method: "PUT", retry: "never", summary: "cancel order lines" },
  STO01: { method: "POST", retry: "idempotent-write", summary: "stock import" },
  STO02: { method: "GET", retry: "read", summary: "stock import status" },
  STO03: { method: "GET", retry: "read", summary: "stock import error report" },
  PRI01: { method: "POST", retry: "idempotent-write", summary: "price import" },
  PRI02: { method: "GET", retry: "read", summary: "price import status" },
  PRI03: { method: "GET", retry: "read", summary: "price import error report" },
  OF21: { method: "GET", retry: "read", summary: "list offers" },
  OF24: { method: "POST", retry: "idempotent-write", summary: "offer upsert (full replace)" },
  OF02: { method: "GET", retry: "read", summary: "offer import status" },
  OF03: { method: "GET", retry: "read", summary: "offer import error report" },
  OF52: { method: "POST", retry: "idempotent-write", summary: "start async offer export" },
  OF53: { method: "GET", retry: "read", summary: "async offer export status" },
  OF54: { method: "GET", retry: "read", summary: "download offer export chunk" },
  ST01: { method: "POST", retry: "never", summary: "create shipments" },
  ST11: { method: "GET", retry: "read", summary: "list shipments" },
  ST23: { method: "POST", retry: "idempotent-write", summary: "set shipments' tracking" },
  ST24: { method: "PUT", retry: "idempotent-write", summary: "ship shipments" },
  TL02: { method: "GET", retry: "read", summary: "transaction logs" },
  IV01: { method: "GET", retry: "read", summary: "invoices" },
} as const satisfies Record<string, MiraklOperationSpec>;

export type MiraklOperationId = keyof typeof MIRAKL_OPERATIONS;
