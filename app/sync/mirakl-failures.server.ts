import { MiraklRateLimitedError, type MiraklError } from "~/integrations/mirakl";
import { reportException } from "~/exceptions/exceptions.server";

/**
 * A Mirakl call failed in a background flow: record it once per connection and kind, and say when
 * to try again. The flow keeps its persisted state as it was, so the next pass simply resumes.
 */
export async function reportMiraklFailure(
  connection: { id: string; shop: string },
  error: MiraklError,
  attempted: string,
  now: Date,
): Promise<Date> {
  const base = {
    shop: connection.shop,
    connectionId: connection.id,
    entityType: "MarketplaceConnection",
    entityId: connection.id,
  };
  const detail = {
    attempted,
    status: error.status ?? null,
    miraklCode: error.miraklCode ?? null,
    operation: error.operation,
  };
  switch (error.kind) {
    case "auth":
      await reportException({
        ...base,
        kind: "MIRAKL_AUTH_FAILED",
        severity: "CRITICAL",
        message: `Mirakl rejected the API key (${attempted}, HTTP ${error.status}). Nothing is synced with this marketplace until it is fixed.`,
        fixHint:
          "Generate a new API key in the Mirakl back office (user menu → API key) and paste it into the connection's settings.",
        detail,
      });
      return new Date(now.getTime() + 15 * 60_000);
    case "rate_limited": {
      const retryAfterMs = error instanceof MiraklRateLimitedError ? error.retryAfterMs : 60_000;
      await reportException({
        ...base,
        kind: "MIRAKL_RATE_LIMITED",
        severity: "WARNING",
        message: `Mirakl asked us to slow down (${attempted}); waiting as told.`,
        fixHint:
          "Nothing to do unless it repeats: another tool using the same API key may be spending the marketplace's call allowance.",
        detail: { ...detail, retryAfterMs },
      });
      return new Date(now.getTime() + Math.max(1000, retryAfterMs));
    }
    case "transient":
      await reportException({
        ...base,
        kind: "MIRAKL_UNREACHABLE",
        severity: "ERROR",
        message: `Mirakl did not answer (${attempted}): ${error.message}`,
        fixHint:
          "Usually a marketplace outage; the sync retries by itself. If it lasts, check the connection's base URL.",
        detail,
      });
      return new Date(now.getTime() + 60_000);
    default:
      await reportException({
        ...base,
        kind: "MIRAKL_REQUEST_REJECTED",
        severity: "ERROR",
        message: `Mirakl refused ${attempted}: ${error.miraklMessage ?? error.message}`,
        fixHint: "Read Mirakl's message in the detail; it usually names the setting or value to change.",
        detail,
      });
      return new Date(now.getTime() + 5 * 60_000);
  }
}
