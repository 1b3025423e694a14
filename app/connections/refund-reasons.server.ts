import { isMiraklError, type MiraklClient, type MiraklReason } from "~/integrations/mirakl";
import { loadConnectionCredentials } from "~/connections/connections.server";
import { buildMiraklClient } from "~/connections/mirakl-client.server";
import { logger } from "~/lib/logger.server";

/**
 * The marketplace's refund and cancelation reasons (RE01), for the pages that choose one or label one.
 *
 * Kept in memory per connection for a day: operators rarely change them, RE01 is a discovery call Mirakl expects
 * callers to cache, and no schema change is needed. Each process reads them once a day; a connection whose key,
 * URL or shop changes has its reasons read again. Pages read them with one quick try (a page must not wait on
 * retries); a failed read is remembered for a minute so a page reloaded while Mirakl is down does not wait on it
 * each time, and concurrent pages share one read.
 */

export const REASONS_KEPT_MS = 24 * 3_600_000;
export const FAILURE_KEPT_MS = 60_000;
const READ_TIMEOUT_MS = 10_000;

export interface Reason {
  code: string;
  label: string;
}

export interface RefundReasons {
  /** REFUND reasons the shop may use (`is_shop_right`): what an OR28 may send. */
  refund: Reason[];
  /** CANCELATION reasons the shop may use: what an OR30 may send. */
  cancelation: Reason[];
  /** Every REFUND and CANCELATION reason's label, the operator's own too: to name what Mirakl made. */
  labels: { REFUND: Record<string, string>; CANCELATION: Record<string, string> };
  readAt: string;
}

export type RefundReasonsRead = { ok: true; reasons: RefundReasons } | { ok: false; problem: string };

interface Entry {
  /** The credentials the reasons were read with: other ones read them again. */
  version: string;
  at: number;
  read: Promise<RefundReasonsRead>;
  settled: RefundReasonsRead | null;
}

const entries = new Map<string, Entry>();

/** Only for tests: every connection's reasons are read again. */
export function forgetRefundReasons() {
  entries.clear();
}

/** RE01's list, as the pages use it. */
export function refundReasonsFrom(reasons: readonly MiraklReason[], readAt: Date): RefundReasons {
  const ofType = (type: "REFUND" | "CANCELATION") => reasons.filter((r) => r.type === type);
  const usable = (type: "REFUND" | "CANCELATION") =>
    ofType(type)
      .filter((r) => r.is_shop_right)
      .map((r) => ({ code: r.code, label: r.label }));
  const labels = (type: "REFUND" | "CANCELATION") => Object.fromEntries(ofType(type).map((r) => [r.code, r.label]));
  return {
    refund: usable("REFUND"),
    cancelation: usable("CANCELATION"),
    labels: { REFUND: labels("REFUND"), CANCELATION: labels("CANCELATION") },
    readAt: readAt.toISOString(),
  };
}

/** Why the reasons could not be read, in words a merchant can act on; never the raw error. */
function problemOf(error: unknown): string {
  if (isMiraklError(error)) {
    switch (error.kind) {
      case "auth":
        return "Mirakl refused the API key when asked for its reasons: test the connection.";
      case "transient":
      case "rate_limited":
        return "Mirakl could not be reached for its reasons: try again in a minute.";
      default:
        return "Mirakl did not give its reasons: try again later, or test the connection.";
    }
  }
  return "The marketplace's reasons could not be read: try again in a minute.";
}

async function readFromMirakl(client: MiraklClient, connectionId: string, now: Date): Promise<RefundReasonsRead> {
  try {
    const reasons = await client.listReasons();
    return { ok: true, reasons: refundReasonsFrom(reasons, now) };
  } catch (error) {
    logger.warn("refund reasons not read", { connectionId, error: error instanceof Error ? error.message : "unknown" });
    return { ok: false, problem: problemOf(error) };
  }
}

/**
 * The connection's reasons, read from Mirakl when none are kept. `waitMs`: a page that must not wait on Mirakl
 * gives up after this long (the read goes on and fills the memory for the next load).
 */
export async function refundReasonsFor(
  shop: string,
  connectionId: string,
  options: { now?: Date; waitMs?: number } = {},
): Promise<RefundReasonsRead> {
  const now = options.now ?? new Date();
  const credentials = await loadConnectionCredentials(shop, connectionId);
  if (!credentials) return { ok: false, problem: "No such connection." };
  if (!credentials.enabled)
    return { ok: false, problem: "The connection is disabled: the marketplace's reasons cannot be read." };
  if (!credentials.hasApiKey)
    return { ok: false, problem: "The connection has no API key yet: the marketplace's reasons cannot be read." };
  const version = `${credentials.apiKeyUpdatedAt}|${credentials.baseUrl}|${credentials.miraklShopId ?? ""}`;
  const key = `${shop}|${connectionId}`;
  let entry = entries.get(key);
  const keptFor = entry?.settled && !entry.settled.ok ? FAILURE_KEPT_MS : REASONS_KEPT_MS;
  if (!entry || entry.version !== version || (entry.settled && now.getTime() - entry.at >= keptFor)) {
    const client = buildMiraklClient(shop, credentials, { timeoutMs: READ_TIMEOUT_MS, retry: { retries: 0 } });
    const read = readFromMirakl(client, connectionId, now);
    const fresh: Entry = { version, at: now.getTime(), read, settled: null };
    void read.then((result) => {
      fresh.settled = result;
    });
    entries.set(key, fresh);
    entry = fresh;
  }
  if (entry.settled) return entry.settled;
  if (options.waitMs === undefined) return entry.read;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<RefundReasonsRead>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({ ok: false, problem: "Mirakl has not answered yet with its reasons: reload the page in a moment." }),
      options.waitMs,
    );
  });
  try {
    return await Promise.race([entry.read, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The labels already read for the connection, or null: never asks Mirakl (for the order mirror, which reads orders
 * and must not add a call per order). Kept labels from before a credentials change may still show: labels only.
 */
export function keptReasonLabels(shop: string, connectionId: string): RefundReasons["labels"] | null {
  const settled = entries.get(`${shop}|${connectionId}`)?.settled;
  return settled?.ok ? settled.reasons.labels : null;
}

/** A reason's words for a code, when the reasons are known: "Out of stock (15)"; else the code alone. */
export function reasonText(code: string | null | undefined, labels: Record<string, string> | null): string | null {
  if (!code) return null;
  const label = labels?.[code];
  return label ? `${label} (${code})` : code;
}
