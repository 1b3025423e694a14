import type { MiraklOperationId } from "./operations";

export type MiraklErrorKind =
  "auth" | "not_found" | "validation" | "rate_limited" | "transient" | "permanent" | "invalid_response" | "url_refused";

export interface MiraklErrorDetails {
  operation: MiraklOperationId;
  method: string;
  /** Path and query only; the API key travels in a header and never appears here. */
  path: string;
  status?: number;
  miraklCode?: string;
  miraklMessage?: string;
  cause?: unknown;
}

/** Base class; switch on `kind` rather than on `instanceof` across module boundaries. */
export abstract class MiraklError extends Error {
  abstract readonly kind: MiraklErrorKind;
  readonly operation: MiraklOperationId;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly miraklCode?: string;
  readonly miraklMessage?: string;

  constructor(details: MiraklErrorDetails, summary?: string) {
    const head = `Mirakl ${details.operation} ${details.method} ${details.path}`;
    const status = details.status !== undefined ? ` → ${details.status}` : "";
    const code = details.miraklCode ? ` ${details.miraklCode}` : "";
    const text = summary ?? details.miraklMessage;
    super(`${head}${status}${code}${text ? `: ${text}` : ""}`, { cause: details.cause });
    this.name = new.target.name;
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.miraklCode = details.miraklCode;
    this.miraklMessage = details.miraklMessage;
  }
}

/** 401 (missing/invalid key) or 403 (key lacks the role or the shop). Fix the connection, do not retry. */
export class MiraklAuthError extends MiraklError {
  readonly kind = "auth" as const;
}

/** 404: the resource is unknown to this key/shop. */
export class MiraklNotFoundError extends MiraklError {
  readonly kind = "not_found" as const;
}

/** 400/409/411/415/422…: Mirakl refused the request (invalid state, validation); `miraklCode` when sent. */
export class MiraklValidationError extends MiraklError {
  readonly kind = "validation" as const;
}

/** 429. `retryAfterMs` comes from the Retry-After header (seconds or HTTP date). */
export class MiraklRateLimitedError extends MiraklError {
  readonly kind = "rate_limited" as const;
  readonly retryAfterMs: number;
  constructor(details: MiraklErrorDetails & { retryAfterMs: number }) {
    super(details, details.miraklMessage ?? `rate limited, retry after ${details.retryAfterMs} ms`);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 5xx, timeouts, connection resets: worth retrying later (reads are retried automatically). */
export class MiraklTransientError extends MiraklError {
  readonly kind = "transient" as const;
}

/** Any other failure that retrying will not fix (405, 406, 410, unexpected 2xx/3xx…). */
export class MiraklPermanentError extends MiraklError {
  readonly kind = "permanent" as const;
}

/** 2xx whose body does not match what we can safely use (missing ids, non-numeric money, non-JSON). */
export class MiraklInvalidResponseError extends MiraklError {
  readonly kind = "invalid_response" as const;
  readonly issues: string[];
  constructor(details: MiraklErrorDetails & { issues: string[] }) {
    super(details, `unusable response: ${details.issues.slice(0, 5).join("; ")}`);
    this.issues = details.issues;
  }
}

export function isMiraklError(error: unknown): error is MiraklError {
  return error instanceof MiraklError;
}

/** The URL policy refused the call before any byte left (https only, public addresses, no redirects). */
export class MiraklUrlRefusedError extends MiraklError {
  readonly kind = "url_refused" as const;
  /** The sentence for the merchant, without the operation and path. */
  readonly reason: string;
  constructor(details: MiraklErrorDetails, reason: string) {
    super(details, reason);
    this.reason = reason;
  }
}
