import { createDatabaseRateLimitStore } from "~/connections/rate-limit-store.server";
import {
  createMiraklClient,
  createRateLimiter,
  rulesForBudget,
  type MiraklRateLimiter,
  guardedFetch,
  type CsvDelimiter,
  type MiraklClient,
  type MiraklClientOptions,
  type MiraklUrlPolicy,
} from "~/integrations/mirakl";
import { loadConnectionCredentials } from "~/connections/connections.server";
import { activityRecorder } from "~/connections/activity-log.server";
import { appEnv } from "~/config.server";

/**
 * The one way to get a Mirakl client for a stored connection: credentials decrypted here and handed
 * to the client only, every request and response written to the connection's activity log, and the
 * operator's CSV delimiter taken from the last successful "Test connection" (else read from PC01 once).
 *
 * Clients are kept per connection and rebuilt when the key, URL, shop or delimiter changes; the limiter
 * paces every connection's calls to Mirakl's published limits, shared by all processes through the database.
 */
// One booking store for every process (a row per connection and bucket): each connection's calls are paced
// in it by its own call budget, whichever worker makes them.
const rateLimitStore = createDatabaseRateLimitStore();
const limiters = new Map<number, MiraklRateLimiter>();
function limiterFor(budgetPercent: number): MiraklRateLimiter {
  let limiter = limiters.get(budgetPercent);
  if (!limiter) {
    limiter = createRateLimiter({ store: rateLimitStore, rules: rulesForBudget(budgetPercent) });
    limiters.set(budgetPercent, limiter);
  }
  return limiter;
}
const clients = new Map<string, { version: string; client: MiraklClient }>();

/** Only the demo and the tests talk to a Mirakl simulator on http://127.0.0.1; everywhere else, https and public addresses. */
export function miraklUrlPolicy(env = appEnv()): MiraklUrlPolicy {
  return { allowLoopback: env.MIRAKL_BRIDGE_DEMO === "1" || env.NODE_ENV === "test" };
}

/** One guarded fetch (and connection pool) per policy for the whole process. */
const fetchByPolicy = new Map<boolean, typeof fetch>();
function networkFetch(policy = miraklUrlPolicy()): typeof fetch {
  let fetchImpl = fetchByPolicy.get(policy.allowLoopback);
  if (!fetchImpl) fetchByPolicy.set(policy.allowLoopback, (fetchImpl = guardedFetch(policy)));
  return fetchImpl;
}

export class ConnectionUnavailableError extends Error {
  name = "ConnectionUnavailableError";
}

type Credentials = NonNullable<Awaited<ReturnType<typeof loadConnectionCredentials>>>;

export type ClientOverrides = Pick<MiraklClientOptions, "fetch" | "timeoutMs" | "retry" | "clock">;

/** The delimiter a successful test learnt from PC01; otherwise let the client read PC01 itself. */
function knownDelimiter(credentials: Credentials): CsvDelimiter | "auto" {
  const { csvDelimiter, lastCheck } = credentials.settings;
  return lastCheck?.ok && (csvDelimiter === ";" || csvDelimiter === ",") ? csvDelimiter : "auto";
}

/** A fresh client for loaded credentials (not cached): "Test connection" uses it with short retries. */
export function buildMiraklClient(
  shop: string,
  credentials: Credentials,
  overrides: ClientOverrides = {},
): MiraklClient {
  return createMiraklClient({
    baseUrl: credentials.baseUrl,
    apiKey: credentials.apiKey,
    shopId: credentials.miraklShopId ?? undefined,
    connectionId: credentials.id,
    limiter: limiterFor(credentials.settings.miraklBudgetPercent),
    recorder: activityRecorder(shop, credentials.apiKey),
    csvDelimiter: knownDelimiter(credentials),
    fetch: networkFetch(),
    ...overrides,
  });
}

/** For background flows: throws ConnectionUnavailableError when the connection is gone or disabled. */
export async function miraklClientFor(shop: string, connectionId: string): Promise<MiraklClient> {
  const credentials = await loadConnectionCredentials(shop, connectionId);
  if (!credentials) throw new ConnectionUnavailableError(`connection ${connectionId} does not exist for ${shop}`);
  if (!credentials.enabled) throw new ConnectionUnavailableError(`connection ${credentials.name} is disabled`);
  if (!credentials.hasApiKey) throw new ConnectionUnavailableError(`connection ${credentials.name} has no API key yet`);
  const version = `${credentials.apiKeyUpdatedAt}|${credentials.baseUrl}|${credentials.miraklShopId ?? ""}|${knownDelimiter(credentials)}|${credentials.settings.miraklBudgetPercent}`;
  const cached = clients.get(connectionId);
  if (cached?.version === version) return cached.client;
  const client = buildMiraklClient(shop, credentials);
  clients.set(connectionId, { version, client });
  return client;
}
