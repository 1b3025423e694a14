import prisma from "~/db.server";
import {
  csvDelimiterFromPlatform,
  isMiraklError,
  MiraklRateLimitedError,
  MiraklUrlRefusedError,
  type MiraklError,
} from "~/integrations/mirakl";
import { loadConnectionCredentials, mergeConnectionSettings } from "~/connections/connections.server";
import { buildMiraklClient, type ClientOverrides } from "~/connections/mirakl-client.server";
import type { ConnectionCheck } from "~/domain/connection-settings";
import { reportException } from "~/exceptions/exceptions.server";
import type { SyncExceptionKind } from "~/generated/prisma/client";
import { logger } from "~/lib/logger.server";

/**
 * "Test connection": A01 (who is this key) and PC01 (how does this operator work), through the same
 * client and activity log as every flow. What it learns goes into the connection's settings; a
 * failure becomes a message on the field at fault and, for an existing connection, an exception in the
 * queue that the next successful test resolves.
 */

const TEST_TIMEOUT_MS = 10_000;
/** The kinds a test can tell about; a successful test closes exactly these. */
const CONNECTION_KINDS = [
  "MIRAKL_AUTH_FAILED",
  "MIRAKL_UNREACHABLE",
  "CONNECTION_MISCONFIGURED",
] as const satisfies readonly SyncExceptionKind[];

interface Failure {
  field: NonNullable<ConnectionCheck["field"]>;
  message: string;
  exception?: { kind: (typeof CONNECTION_KINDS)[number]; fixHint: string };
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** Turns a failed call into what the merchant can do about it. Never the error's stack or raw text. */
export function describeFailure(error: unknown, connection: { baseUrl: string; miraklShopId: string | null }): Failure {
  const host = hostOf(connection.baseUrl);
  if (!isMiraklError(error)) {
    return {
      field: "form",
      message: "The test could not run. Try again; if it keeps failing, paste the API key again.",
    };
  }
  const e: MiraklError = error;
  switch (e.kind) {
    case "auth":
      if (e.status === 403 && connection.miraklShopId) {
        return {
          field: "miraklShopId",
          message: `Mirakl refused access to shop ${connection.miraklShopId} with this API key`,
          exception: {
            kind: "MIRAKL_AUTH_FAILED",
            fixHint: "Check the Mirakl shop id, or leave it empty to use the key's own shop.",
          },
        };
      }
      return {
        field: "apiKey",
        message: "Mirakl rejected this API key",
        exception: {
          kind: "MIRAKL_AUTH_FAILED",
          fixHint:
            "Generate a new API key in the Mirakl back office (user menu → API key) and paste it into the connection's settings.",
        },
      };
    case "transient":
      if (e.status === undefined) {
        return {
          field: "baseUrl",
          message: `Could not reach ${host}`,
          exception: {
            kind: "MIRAKL_UNREACHABLE",
            fixHint: `Check the base URL (the marketplace's Mirakl address). If it is right, ${host} may be down: test again later.`,
          },
        };
      }
      return {
        field: "form",
        message: `Mirakl at ${host} is not answering properly right now (HTTP ${e.status}). Try again in a few minutes.`,
        exception: { kind: "MIRAKL_UNREACHABLE", fixHint: "Usually a marketplace outage; test again later." },
      };
    case "not_found":
    case "invalid_response":
      return {
        field: "baseUrl",
        message: `${host} answered, but not like a Mirakl seller API. Check the base URL.`,
        exception: {
          kind: "CONNECTION_MISCONFIGURED",
          fixHint: "Use the marketplace's Mirakl address, such as https://<marketplace>-prod.mirakl.net.",
        },
      };
    case "url_refused":
      return {
        field: "baseUrl",
        message: e instanceof MiraklUrlRefusedError ? e.reason : `${host} is refused`,
        exception: {
          kind: "CONNECTION_MISCONFIGURED",
          fixHint:
            "Use the marketplace's public Mirakl address over https, such as https://<marketplace>-prod.mirakl.net. Private, loopback and metadata addresses are refused.",
        },
      };
    case "rate_limited": {
      const seconds = Math.ceil((e instanceof MiraklRateLimitedError ? e.retryAfterMs : 60_000) / 1000);
      return { field: "form", message: `Mirakl asked us to slow down. Test again in ${seconds} s.` };
    }
    default:
      return {
        field: "form",
        message: `Mirakl refused the test (HTTP ${e.status ?? "?"})${e.miraklMessage ? `: ${e.miraklMessage}` : ""}`,
        exception: {
          kind: "CONNECTION_MISCONFIGURED",
          fixHint: "Read Mirakl's message; it usually names the setting to change.",
        },
      };
  }
}

export type TestOutcome =
  { ok: true; check: ConnectionCheck } | { ok: false; check: ConnectionCheck } | { ok: false; notFound: true };

export interface TestOptions {
  overrides?: ClientOverrides;
  /** False right after creating a connection: the merchant is looking at the inline error already. */
  reportFailure?: boolean;
  now?: Date;
}

export async function testConnection(
  shop: string,
  connectionId: string,
  options: TestOptions = {},
): Promise<TestOutcome> {
  const { overrides = {}, reportFailure = true, now = new Date() } = options;
  const credentials = await loadConnectionCredentials(shop, connectionId).catch((error: unknown) => {
    // The stored key cannot be decrypted (e.g. ENCRYPTION_KEY changed): the merchant must paste it again.
    logger.warn("connection key could not be decrypted", { shop, connectionId, error: (error as Error).message });
    return "undecryptable" as const;
  });
  if (credentials === null) return { ok: false, notFound: true };
  const empty = {
    at: now.toISOString(),
    shopId: null,
    shopName: null,
    shopState: null,
    platformName: null,
    orderAcceptance: null,
    multiShipment: null,
    sellerAlternativeCarriers: null,
    orderTaxMode: null,
  };

  let failure: Failure | null = null;
  let check: ConnectionCheck;
  const learnt: { currencyIsoCode?: string; csvDelimiter?: ";" | "," } = {};
  if (credentials === "undecryptable") {
    failure = {
      field: "apiKey",
      message: "The stored API key can no longer be read on this server. Paste the key again.",
    };
  } else if (!credentials.hasApiKey) {
    failure = { field: "apiKey", message: "Enter this connection's API key first" };
  }

  if (failure || credentials === "undecryptable" || !credentials.hasApiKey) {
    check = { ...empty, ok: false, field: failure!.field, message: failure!.message };
  } else {
    const client = buildMiraklClient(shop, credentials, {
      timeoutMs: TEST_TIMEOUT_MS,
      retry: { retries: 0 },
      ...overrides,
    });
    try {
      const account = await client.getAccount();
      const platform = await client.getPlatformConfiguration();
      const { features } = platform;
      check = {
        ...empty,
        ok: true,
        field: null,
        message: null,
        shopId: String(account.shop_id),
        shopName: account.shop_name,
        shopState: account.shop_state ?? null,
        platformName: platform.platform_name ?? platform.tenant_name ?? null,
        orderAcceptance: features.order_workflows?.order_acceptance ?? null,
        multiShipment: features.shipment?.multi_shipment ?? null,
        sellerAlternativeCarriers:
          features.disable_seller_alternative_carrier == null ? null : !features.disable_seller_alternative_carrier,
        orderTaxMode: features.order_tax_mode ?? null,
      };
      if (/^[A-Z]{3}$/.test(account.currency_iso_code)) learnt.currencyIsoCode = account.currency_iso_code;
      learnt.csvDelimiter = csvDelimiterFromPlatform(features.operator_csv_delimiter);
    } catch (error) {
      failure = describeFailure(error, credentials);
      if (!isMiraklError(error))
        logger.error("connection test failed unexpectedly", { shop, connectionId, error: (error as Error).message });
      check = { ...empty, ok: false, field: failure.field, message: failure.message };
    }
  }

  // Only what the test learnt is written: a concurrent save of other settings stays as it is.
  if (!(await mergeConnectionSettings(shop, connectionId, { ...learnt, lastCheck: check })))
    return { ok: false, notFound: true };

  const entity = { shop, entityType: "MarketplaceConnection", entityId: connectionId };
  if (check.ok) {
    await prisma.syncException.updateMany({
      where: { ...entity, kind: { in: [...CONNECTION_KINDS] }, status: "OPEN" },
      data: { status: "RESOLVED", resolvedAt: now },
    });
    return { ok: true, check };
  }
  if (failure?.exception && reportFailure) {
    await reportException(
      {
        ...entity,
        connectionId,
        kind: failure.exception.kind,
        severity: failure.exception.kind === "MIRAKL_AUTH_FAILED" ? "CRITICAL" : "ERROR",
        message: `Test connection failed: ${failure.message}.`,
        fixHint: failure.exception.fixHint,
        detail: { attempted: "Test connection (A01, PC01)" },
      },
      now,
    );
  }
  return { ok: false, check };
}
