import type { UserError } from "./operation";

export interface GraphqlErrorEntry {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
  path?: ReadonlyArray<string | number>;
}

/** A mutation ran but Shopify refused the input; `errors` carry the field path, message and code. */
export class ShopifyUserErrorsError extends Error {
  override readonly name = "ShopifyUserErrorsError";
  constructor(
    readonly operationName: string,
    readonly errors: readonly UserError[],
  ) {
    super(
      `${operationName}: ${errors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ")}`,
    );
  }

  hasCode(code: string): boolean {
    return this.errors.some((error) => error.code === code);
  }
}

/** Top-level GraphQL errors that retrying will not fix (invalid query, access denied, max cost exceeded, ...). */
export class ShopifyGraphqlError extends Error {
  override readonly name: string = "ShopifyGraphqlError";
  constructor(
    readonly operationName: string,
    readonly errors: readonly GraphqlErrorEntry[],
  ) {
    super(`${operationName}: ${errors.map((e) => e.message).join("; ") || "GraphQL request failed"}`);
  }

  get codes(): string[] {
    return this.errors.flatMap((e) => (e.extensions?.code ? [e.extensions.code] : []));
  }
}

/** Still throttled, failing with 429/5xx or unreachable after every attempt. */
export class ShopifyRetriesExhaustedError extends Error {
  override readonly name = "ShopifyRetriesExhaustedError";
  constructor(
    readonly operationName: string,
    readonly attempts: number,
    readonly lastFailure: string,
    options?: { cause?: unknown },
  ) {
    super(`${operationName}: gave up after ${attempts} attempts (${lastFailure})`, options);
  }
}

/**
 * Shopify refuses the shop's offline access: no session is stored, the token is refused (HTTP 401: revoked, app
 * uninstalled), or it can no longer be renewed. Retrying changes nothing until the merchant opens the app again,
 * which signs in anew. A ShopifyGraphqlError, so a flow that stops on a request refused whatever its content stops.
 */
export class ShopifyAccessLostError extends ShopifyGraphqlError {
  override readonly name = "ShopifyAccessLostError";
  constructor(
    operationName: string,
    readonly reason: "no-session" | "token-refused" | "renewal-refused",
    detail: string,
  ) {
    super(operationName, [{ message: detail }]);
  }
}

/**
 * A request that is not idempotent (orderCreate) got no answer that says whether it ran (a 5xx, a lost
 * connection, an unreadable body): it is not resent blindly. The caller finds out whether it ran (looks the
 * result up) before sending it again.
 */
export class ShopifyOutcomeUnknownError extends Error {
  override readonly name = "ShopifyOutcomeUnknownError";
  constructor(
    readonly operationName: string,
    readonly failure: string,
    options?: { cause?: unknown },
  ) {
    super(`${operationName}: no answer says whether it ran (${failure})`, options);
  }
}

/**
 * Shopify refused the request before running it and asked for a wait longer than a request should hold its
 * worker (a development store's orders-per-minute limit answers `Retry-After: 60`): the caller comes back later.
 */
export class ShopifyRateLimitedError extends Error {
  override readonly name = "ShopifyRateLimitedError";
  constructor(
    readonly operationName: string,
    readonly retryAfterMs: number,
    readonly detail: string,
  ) {
    super(`${operationName}: rate limited for ${Math.round(retryAfterMs / 1000)} s (${detail})`);
  }
}
