import { sharedCostBuckets, type CostBuckets, type QueryCost } from "./cost-buckets";
import {
  ShopifyAccessLostError,
  ShopifyGraphqlError,
  ShopifyOutcomeUnknownError,
  ShopifyRateLimitedError,
  ShopifyRetriesExhaustedError,
  ShopifyUserErrorsError,
  type GraphqlErrorEntry,
} from "./errors";
import type { AdminOperation, UserError } from "./operation";

/**
 * What we need from Shopify: the `admin` object of `authenticate.admin` / `unauthenticated.admin`, or any
 * function with the same shape (tests, scripts). The library's client resolves to a Response.
 */
export interface AdminGraphqlTransport {
  graphql(query: string, options?: { variables?: Record<string, unknown>; tries?: number }): Promise<Response>;
}

export interface ShopifyAdminClientOptions {
  /** The shop domain; the cost bucket is per shop. */
  shop: string;
  buckets?: CostBuckets;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ random() < 1, for backoff jitter. */
  random?: () => number;
  /** Total attempts for one request, counting the first. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told when Shopify refuses the shop's access (before the error is thrown), and once when a request goes through. */
  accessWatch?: { lost(error: ShopifyAccessLostError): Promise<void>; confirmed(): Promise<void> };
}

/** What background work does when the shop's Shopify access is lost or found working (app/shops/shopify-access.server.ts). */
export interface ShopifyAccessWatch {
  /** `refusedToken`: the access token Shopify refused, when one was sent. */
  lost(error: ShopifyAccessLostError, refusedToken: string | null): Promise<void>;
  confirmed(): Promise<void>;
}

/** How one request may be retried inside the call. */
export interface RequestOptions {
  /**
   * False for a mutation that is not idempotent (orderCreate): an answer that does not say whether it ran (5xx,
   * network, unreadable body) throws ShopifyOutcomeUnknownError instead of sending it again. THROTTLED and 429
   * are refusals before execution, still retried.
   */
  resendWhenUnsure?: boolean;
  /** A 429 asking for a longer wait throws ShopifyRateLimitedError instead of sleeping (default: no limit). */
  maxRetryAfterMs?: number;
}

/** A wait a request may hold its worker for; longer ones go back to the caller's schedule. */
export const LONGEST_IN_CALL_WAIT_MS = 10_000;

export interface AdminResult<TData> {
  data: TData;
  cost: QueryCost | null;
}

type Outcome =
  | { kind: "ok"; data: unknown; cost: QueryCost | null }
  | { kind: "graphql-errors"; errors: GraphqlErrorEntry[]; cost: QueryCost | null }
  | { kind: "http"; status: number; retryAfterMs: number | null; body: string }
  | { kind: "network"; error: unknown };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ShopifyAdminClient {
  readonly shop: string;
  readonly #transport: AdminGraphqlTransport;
  readonly #buckets: CostBuckets;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #accessWatch: ShopifyAdminClientOptions["accessWatch"];
  #accessConfirmed = false;

  constructor(transport: AdminGraphqlTransport, options: ShopifyAdminClientOptions) {
    this.shop = options.shop;
    this.#transport = transport;
    this.#buckets = options.buckets ?? sharedCostBuckets;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseBackoffMs = options.baseBackoffMs ?? 500;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#accessWatch = options.accessWatch;
  }

  /** Runs an operation and returns its data; mutation `userErrors` throw `ShopifyUserErrorsError`. */
  async request<TData, TVariables>(
    operation: AdminOperation<TData, TVariables>,
    variables: TVariables,
    options?: RequestOptions,
  ): Promise<TData> {
    return (await this.requestWithCost(operation, variables, options)).data;
  }

  async requestWithCost<TData, TVariables>(
    operation: AdminOperation<TData, TVariables>,
    variables: TVariables,
    { resendWhenUnsure = true, maxRetryAfterMs = Number.POSITIVE_INFINITY }: RequestOptions = {},
  ): Promise<AdminResult<TData>> {
    let lastFailure = "";
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const reservation = this.#buckets.reserve(this.shop, this.#buckets.expectedCost(operation.name), this.#now());
      if (reservation.waitMs > 0) await this.#sleep(reservation.waitMs);

      const outcome = await this.#send(operation.document, variables as Record<string, unknown>);
      const cost = "cost" in outcome ? outcome.cost : null;
      reservation.settle(cost?.throttleStatus ?? null, this.#now());
      if (cost?.requestedQueryCost != null) this.#buckets.learnCost(operation.name, cost.requestedQueryCost);

      let waitMs: number;
      switch (outcome.kind) {
        case "ok": {
          const data = outcome.data as TData;
          if (!this.#accessConfirmed) {
            this.#accessConfirmed = true;
            await this.#accessWatch?.confirmed();
          }
          if (operation.kind === "mutation") {
            const userErrors = collectUserErrors(data);
            if (userErrors.length > 0) throw new ShopifyUserErrorsError(operation.name, userErrors);
          }
          return { data, cost: outcome.cost };
        }
        case "graphql-errors": {
          if (!outcome.errors.some((e) => e.extensions?.code === "THROTTLED"))
            throw new ShopifyGraphqlError(operation.name, outcome.errors);
          lastFailure = "THROTTLED";
          waitMs = Math.max(this.#refillWait(outcome.cost), this.#backoff(1));
          break;
        }
        case "http": {
          if (outcome.status === 401) {
            const lost = new ShopifyAccessLostError(
              operation.name,
              "token-refused",
              `HTTP 401: ${outcome.body.slice(0, 500)}`,
            );
            await this.#accessWatch?.lost(lost);
            throw lost;
          }
          if (outcome.status !== 429 && outcome.status < 500) {
            throw new ShopifyGraphqlError(operation.name, [
              { message: `HTTP ${outcome.status}: ${outcome.body.slice(0, 500)}` },
            ]);
          }
          lastFailure = `HTTP ${outcome.status}`;
          if (outcome.status !== 429 && !resendWhenUnsure)
            throw new ShopifyOutcomeUnknownError(operation.name, `${lastFailure}: ${outcome.body.slice(0, 200)}`);
          if (outcome.status === 429 && (outcome.retryAfterMs ?? 0) > maxRetryAfterMs)
            throw new ShopifyRateLimitedError(operation.name, outcome.retryAfterMs!, outcome.body.slice(0, 300));
          waitMs = outcome.retryAfterMs ?? this.#backoff(attempt);
          break;
        }
        case "network": {
          lastFailure = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
          lastError = outcome.error;
          if (!resendWhenUnsure)
            throw new ShopifyOutcomeUnknownError(operation.name, lastFailure, { cause: outcome.error });
          waitMs = this.#backoff(attempt);
          break;
        }
      }
      if (attempt < this.#maxAttempts) await this.#sleep(waitMs);
    }
    throw new ShopifyRetriesExhaustedError(operation.name, this.#maxAttempts, lastFailure, { cause: lastError });
  }

  /** How long until the bucket holds the cost of the query that was just throttled. */
  #refillWait(cost: QueryCost | null): number {
    if (!cost?.requestedQueryCost) return 0;
    const { currentlyAvailable, restoreRate } = cost.throttleStatus;
    return Math.max(0, Math.ceil(((cost.requestedQueryCost - currentlyAvailable) / restoreRate) * 1000));
  }

  /** Exponential backoff with full jitter. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#maxBackoffMs, this.#baseBackoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  async #send(document: string, variables: Record<string, unknown>): Promise<Outcome> {
    let response: Response;
    try {
      // tries: 1 keeps the library from sleeping on its own; pacing and retries happen here, with our clock.
      response = await this.#transport.graphql(document, { variables, tries: 1 });
    } catch (error) {
      return outcomeFromThrown(error);
    }
    const text = await response.text();
    if (!response.ok)
      return {
        kind: "http",
        status: response.status,
        retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
        body: text,
      };
    let body: { data?: unknown; errors?: unknown; extensions?: { cost?: QueryCost } };
    try {
      body = JSON.parse(text);
    } catch (error) {
      return { kind: "network", error };
    }
    const errors = graphqlErrorsOf(body.errors);
    const cost = body.extensions?.cost ?? null;
    if (errors.length > 0) return { kind: "graphql-errors", errors, cost };
    return { kind: "ok", data: body.data, cost };
  }
}

/**
 * `admin.graphql` throws instead of returning: GraphqlQueryError (HTTP 200 with `errors`, THROTTLED included)
 * carries the parsed body; HttpResponseError subclasses carry `response.code`; HttpRequestError is the network.
 * Duck-typed so this module does not depend on the library's classes.
 */
function outcomeFromThrown(error: unknown): Outcome {
  // authenticate.admin's client throws Responses (re-auth redirects, 401): those are for the framework.
  if (error instanceof Response) throw error;
  if (typeof error !== "object" || error === null) return { kind: "network", error };
  const candidate = error as {
    name?: string;
    body?: { errors?: unknown; extensions?: { cost?: QueryCost } };
    response?: { code?: number; retryAfter?: number; body?: unknown };
  };
  if (candidate.body && typeof candidate.body === "object") {
    const errors = graphqlErrorsOf(candidate.body.errors);
    if (errors.length > 0) return { kind: "graphql-errors", errors, cost: candidate.body.extensions?.cost ?? null };
  }
  if (typeof candidate.response?.code === "number") {
    const retryAfter = candidate.response.retryAfter;
    return {
      kind: "http",
      status: candidate.response.code,
      retryAfterMs: typeof retryAfter === "number" && retryAfter >= 0 ? retryAfter * 1000 : null,
      body: JSON.stringify(candidate.response.body ?? ""),
    };
  }
  if (candidate.name === "HttpMaxRetriesError") return { kind: "http", status: 429, retryAfterMs: null, body: "" };
  if (candidate.name === "HttpRequestError" || candidate.name === "TypeError" || candidate.name === "AbortError")
    return { kind: "network", error };
  throw error;
}

/** Plain GraphQL answers carry an array; the library's client wraps it as `{ graphQLErrors: [...] }`. */
function graphqlErrorsOf(errors: unknown): GraphqlErrorEntry[] {
  if (Array.isArray(errors)) return errors as GraphqlErrorEntry[];
  if (errors && typeof errors === "object") {
    const wrapped = errors as { graphQLErrors?: unknown; message?: string };
    if (Array.isArray(wrapped.graphQLErrors) && wrapped.graphQLErrors.length > 0)
      return wrapped.graphQLErrors as GraphqlErrorEntry[];
    if (wrapped.message) return [{ message: wrapped.message }];
  }
  return [];
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/** Every mutation payload names its errors `userErrors`, some also `<thing>UserErrors` (orderCancel). */
function collectUserErrors(data: unknown): UserError[] {
  if (!data || typeof data !== "object") return [];
  const found: UserError[] = [];
  for (const payload of Object.values(data)) {
    if (!payload || typeof payload !== "object") continue;
    for (const [key, value] of Object.entries(payload)) {
      if ((key === "userErrors" || key.endsWith("UserErrors")) && Array.isArray(value)) {
        for (const error of value as UserError[]) {
          if (!found.some((seen) => seen.message === error.message && String(seen.field) === String(error.field))) {
            found.push({ field: error.field ?? null, message: error.message, code: error.code ?? null });
          }
        }
      }
    }
  }
  return found;
}

/**
 * Background work (worker, Mirakl poller) talks to Shopify with the shop's offline token. Pass
 * `unauthenticated.admin` from ~/shopify.server; taking it as a parameter keeps this testable without the app.
 */
export async function shopifyAdminForShop(
  shop: string,
  unauthenticatedAdmin: (
    shop: string,
  ) => Promise<{ admin: AdminGraphqlTransport; session?: { accessToken?: string | undefined } }>,
  {
    accessWatch,
    ...options
  }: Omit<ShopifyAdminClientOptions, "shop" | "accessWatch"> & {
    accessWatch?: ShopifyAccessWatch;
  } = {},
): Promise<ShopifyAdminClient> {
  let context: Awaited<ReturnType<typeof unauthenticatedAdmin>>;
  try {
    context = await unauthenticatedAdmin(shop);
  } catch (error) {
    const lost = accessLostBeforeAnyRequest(error);
    if (!lost) throw error;
    await accessWatch?.lost(lost, null);
    throw lost;
  }
  const refusedToken = context.session?.accessToken || null;
  return new ShopifyAdminClient(context.admin, {
    ...options,
    shop,
    accessWatch: accessWatch && {
      lost: (error) => accessWatch.lost(error, refusedToken),
      confirmed: () => accessWatch.confirmed(),
    },
  });
}

/**
 * The library's offline context fails before any request when no session is stored (SessionNotFoundError) or when
 * an expiring token can no longer be renewed (an HttpResponseError 400/401 from the token endpoint). Duck-typed, as
 * above; the library's errors do not set `name`, so the class is read from the constructor (and the message).
 */
function accessLostBeforeAnyRequest(error: unknown): ShopifyAccessLostError | null {
  if (typeof error !== "object" || error === null) return null;
  const candidate = error as { message?: string; response?: { code?: number } };
  const message = candidate.message ?? "";
  if (error.constructor?.name === "SessionNotFoundError" || /could not find a session/i.test(message))
    return new ShopifyAccessLostError("offline session", "no-session", message || "no offline session");
  const code = candidate.response?.code;
  if (code === 400 || code === 401)
    return new ShopifyAccessLostError("offline token renewal", "renewal-refused", `HTTP ${code}: ${message}`);
  return null;
}
