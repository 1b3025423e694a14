import pRetry from "p-retry";
import type { z } from "zod";
import { ambientMiraklSignal } from "./abort-scope";
import { systemClock, type Clock } from "./clock";
import {
  MiraklAuthError,
  MiraklError,
  MiraklInvalidResponseError,
  MiraklNotFoundError,
  MiraklPermanentError,
  MiraklRateLimitedError,
  MiraklTransientError,
  MiraklUrlRefusedError,
  MiraklValidationError,
  type MiraklErrorDetails,
} from "./errors";
import { unlimitedRateLimiter, type MiraklRateLimiter } from "./limiter";
import { MIRAKL_OPERATIONS, type MiraklOperationId } from "./operations";
import { miraklErrorBodySchema } from "./schemas";
import { findUrlRefusal } from "./url-guard";

/** One HTTP exchange, for the per-connection activity log. Never carries the API key. */
export interface MiraklCallRecord {
  connectionId: string;
  operation: MiraklOperationId;
  method: string;
  /** Path + query string (the key is only ever in a header). */
  path: string;
  /** HTTP status, or null when no response arrived (timeout, connection reset). */
  status: number | null;
  durationMs: number;
  miraklErrorCode?: string;
  miraklMessage?: string;
  /** Start of the exchange, from the injected clock. */
  at: Date;
  /** 1 for the first try, 2+ for automatic retries. */
  attempt: number;
}

export type MiraklRecorder = (record: MiraklCallRecord) => void | Promise<void>;

export interface RetryOptions {
  /** Extra attempts after the first, for retryable operations. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Used when a 429 carries no usable Retry-After. */
  defaultRetryAfterMs: number;
  /**
   * A 429 asking to wait longer than this is not waited out inside the call: the error goes to the flow,
   * which reschedules its work unit for then and frees the worker for other connections meanwhile.
   */
  maxInPlaceRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  defaultRetryAfterMs: 60_000,
  maxInPlaceRetryAfterMs: 10_000,
};

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  shopId?: number | string;
  connectionId: string;
  fetch?: typeof fetch;
  limiter?: MiraklRateLimiter;
  recorder?: MiraklRecorder;
  clock?: Clock;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

/**
 * A list sent as the parameter repeated (`order_id=A&order_id=B`), for parameters Mirakl documents as "supplied
 * multiple times" only (ST11); a plain array is sent as one comma-separated value.
 */
export interface RepeatedParam {
  repeat: readonly (string | number)[];
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[] | RepeatedParam;

export interface RequestSpec<S extends z.ZodType | undefined> {
  operation: MiraklOperationId;
  /** Path under the instance root (e.g. "/api/orders"), or an absolute URL (OF54 downloads). */
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: FormData;
  /**
   * "json" parses and validates with `schema`; "text" returns the body; "none" expects 204/empty; "stream" (through
   * `stream()` only) hands the body over as it arrives.
   */
  expect: "json" | "text" | "none" | "stream";
  schema?: S;
  /** Pacing bucket; null for calls that are not paced (e.g. continuation pages). */
  bucket: string | null;
  signal?: AbortSignal;
}

export type RequestResult<S> = S extends z.ZodType ? z.output<S> : string;

/** A request whose body is read as it arrives (see MiraklTransport.stream). */
export type StreamRequestSpec = Omit<RequestSpec<undefined>, "expect" | "schema" | "json" | "form">;

/** A successful answer's body, chunk by chunk, and the call's details (for the errors its reader raises). */
export interface MiraklBodyStream {
  chunks: AsyncIterable<Uint8Array>;
  details: MiraklErrorDetails & { status: number };
}

interface Exchanged {
  details: MiraklErrorDetails & { status: number };
  /** The body, read whole (every call but a stream's). */
  text: string;
  /** The body to read, for a stream. */
  body: MiraklBodyStream | null;
}

export function normaliseBaseUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  // Mirakl's SDKs take ".../api"; we take the instance root and add "/api/..." ourselves.
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  url.search = "";
  url.hash = "";
  return url;
}

function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRetryable(error: unknown): boolean {
  return error instanceof MiraklError && (error.kind === "transient" || error.kind === "rate_limited");
}

export class MiraklTransport {
  readonly connectionId: string;
  private readonly base: URL;
  private readonly apiKey: string;
  private readonly shopId?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly limiter: MiraklRateLimiter;
  private readonly recorder?: MiraklRecorder;
  readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly random: () => number;

  constructor(options: TransportOptions) {
    if (!options.apiKey) throw new Error("Mirakl API key is required");
    this.base = normaliseBaseUrl(options.baseUrl);
    this.apiKey = options.apiKey;
    this.shopId = options.shopId === undefined || options.shopId === null ? undefined : String(options.shopId);
    this.connectionId = options.connectionId;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.limiter = options.limiter ?? unlimitedRateLimiter;
    this.recorder = options.recorder;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  async request<S extends z.ZodType | undefined>(given: RequestSpec<S>): Promise<RequestResult<S>> {
    if (given.expect === "stream") throw new Error("a streamed body is read through stream()");
    return this.attempts(given, async (spec, attempt) => {
      const answer = await this.exchange(spec, attempt);
      return this.parseSuccess(spec, answer.text, answer.details);
    });
  }

  /**
   * A call whose answer may be too large to hold at once (OF54's export chunks): its status is handled as any call's
   * (errors, 429, retries while no byte of the body was read), then the body is handed over as it arrives, and only
   * what the caller keeps stays in memory. Reading it fails with a MiraklTransientError when the connection drops or
   * no byte comes for `timeoutMs`; the caller's (or the enclosing work's) signal stops it too.
   */
  async stream(given: StreamRequestSpec): Promise<MiraklBodyStream> {
    return this.attempts({ ...given, expect: "stream" }, async (spec, attempt) => {
      const answer = await this.exchange(spec, attempt);
      return answer.body!;
    });
  }

  /** Pacing, then the attempts the operation's retry policy allows. */
  private async attempts<S extends z.ZodType | undefined, T>(
    given: RequestSpec<S>,
    send: (spec: RequestSpec<S>, attempt: number) => Promise<T>,
  ): Promise<T> {
    // The caller's signal and the enclosing work's (a lost lease): either one stops the request.
    const ambient = ambientMiraklSignal();
    const signal = given.signal && ambient ? AbortSignal.any([given.signal, ambient]) : (given.signal ?? ambient);
    const spec: RequestSpec<S> = { ...given, signal };
    spec.signal?.throwIfAborted();
    if (spec.bucket !== null) {
      await this.limiter.acquire({ connectionId: this.connectionId, bucket: spec.bucket }, spec.signal);
    }
    const policy = MIRAKL_OPERATIONS[spec.operation].retry;
    let attempt = 0;
    const run = () => send(spec, ++attempt);
    if (policy === "never") return run();
    return pRetry(run, {
      retries: this.retry.retries,
      // p-retry only drives the attempts; waiting goes through the injected clock
      // so that Retry-After can replace the backoff and tests never sleep for real.
      minTimeout: 0,
      maxTimeout: 0,
      signal: spec.signal,
      shouldRetry: ({ error }) => this.retriesInPlace(error),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft <= 0 || !this.retriesInPlace(error)) return;
        await this.clock.sleep(this.delayBeforeRetry(error, attemptNumber), spec.signal);
      },
    });
  }

  private retriesInPlace(error: unknown): boolean {
    if (error instanceof MiraklRateLimitedError) return error.retryAfterMs <= this.retry.maxInPlaceRetryAfterMs;
    return isRetryable(error);
  }

  private delayBeforeRetry(error: Error, attemptNumber: number): number {
    if (error instanceof MiraklRateLimitedError) return error.retryAfterMs;
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attemptNumber - 1));
    // "Equal jitter": at least half the exponential step, so retries stay spread but never bunch at 0.
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  /** URL for the request, and the form of it that may be logged. */
  private buildUrl(spec: RequestSpec<z.ZodType | undefined>): { url: URL; logged: string; sameOrigin: boolean } {
    const absolute = /^https?:\/\//i.test(spec.path);
    const url = absolute ? new URL(spec.path) : new URL(this.base.pathname.replace(/\/$/, "") + spec.path, this.base);
    const sameOrigin = url.origin === this.base.origin;
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) {
        if (value.length) url.searchParams.set(name, value.join(","));
      } else if (typeof value === "object") {
        for (const item of (value as RepeatedParam).repeat) url.searchParams.append(name, String(item));
      } else {
        url.searchParams.set(name, String(value));
      }
    }
    if (this.shopId !== undefined && sameOrigin) url.searchParams.set("shop_id", this.shopId);
    // Foreign download URLs (pre-signed storage links) carry their credentials in the query.
    const logged = sameOrigin ? url.pathname + url.search : `${url.origin}${url.pathname}`;
    return { url, logged, sameOrigin };
  }

  private redact(text: string | undefined): string | undefined {
    return text?.split(this.apiKey).join("[redacted]");
  }

  private async exchange<S extends z.ZodType | undefined>(spec: RequestSpec<S>, attempt: number): Promise<Exchanged> {
    const { method } = MIRAKL_OPERATIONS[spec.operation];
    const { url, logged, sameOrigin } = this.buildUrl(spec);
    const headers: Record<string, string> = {
      Accept: spec.expect === "text" ? "text/csv, application/json;q=0.5" : "application/json",
    };
    // Never hand the key to a host other than the configured instance.
    if (sameOrigin) headers.Authorization = this.apiKey;
    let body: BodyInit | undefined;
    if (spec.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(spec.json);
    } else if (spec.form) {
      body = spec.form;
    } else if (method !== "GET") {
      // Mirakl answers 411 to a bodiless PUT without Content-Length (OR24/OR29).
      headers["Content-Length"] = "0";
    }

    const details: MiraklErrorDetails = { operation: spec.operation, method, path: logged };
    const at = new Date(this.clock.now());
    const started = performance.now();
    // A deadline for the whole exchange; a stream's restarts with every chunk of its body (a large chunk takes long).
    const idle = spec.expect === "stream" ? new IdleTimeout(this.timeoutMs) : null;
    const signals = [idle?.signal ?? AbortSignal.timeout(this.timeoutMs)];
    if (spec.signal) signals.push(spec.signal);
    const signal = AbortSignal.any(signals);

    let response: Response;
    let text = "";
    try {
      response = await this.fetchImpl(url, { method, headers, body, signal });
      if (spec.expect !== "stream" || !response.ok || !response.body) {
        text = await response.text();
        idle?.clear();
      }
    } catch (cause) {
      idle?.clear();
      await this.record({ operation: spec.operation, method, path: logged, status: null, started, at, attempt });
      if (spec.signal?.aborted) throw spec.signal.reason;
      const refusal = findUrlRefusal(cause);
      if (refusal) throw new MiraklUrlRefusedError({ ...details, cause }, refusal.reason);
      const reason = signal.aborted
        ? `timed out after ${this.timeoutMs} ms`
        : `network error: ${this.redact((cause as Error)?.message)}`;
      throw new MiraklTransientError({ ...details, cause }, reason);
    }

    const status = response.status;
    if (status >= 200 && status < 300) {
      await this.record({ operation: spec.operation, method, path: logged, status, started, at, attempt });
      const answered = { ...details, status };
      return {
        details: answered,
        text,
        body: idle
          ? {
              chunks: response.body ? this.readBody(response.body, idle, spec.signal, answered) : noChunks(),
              details: answered,
            }
          : null,
      };
    }

    const errorBody = parseErrorBody(text);
    const miraklMessage = this.redact(errorBody.message ?? (text && text.length <= 500 ? text : undefined));
    const miraklCode = errorBody.code;
    await this.record({
      operation: spec.operation,
      method,
      path: logged,
      status,
      started,
      at,
      attempt,
      miraklCode,
      miraklMessage,
    });
    const failed: MiraklErrorDetails = { ...details, status, miraklCode, miraklMessage };
    if (status === 401 || status === 403) throw new MiraklAuthError(failed);
    if (status === 404) throw new MiraklNotFoundError(failed);
    if (status === 429) {
      const retryAfterMs =
        parseRetryAfter(response.headers.get("retry-after"), this.clock.now()) ?? this.retry.defaultRetryAfterMs;
      if (spec.bucket !== null) {
        await this.limiter.backOff({ connectionId: this.connectionId, bucket: spec.bucket }, retryAfterMs);
      }
      throw new MiraklRateLimitedError({ ...failed, retryAfterMs });
    }
    if (status >= 500) throw new MiraklTransientError(failed);
    if ([400, 409, 411, 413, 415, 422].includes(status)) throw new MiraklValidationError(failed);
    throw new MiraklPermanentError(failed);
  }

  /** A streamed body's chunks; a failed read becomes a MiraklTransientError (the abort reason for the caller's abort). */
  private async *readBody(
    body: ReadableStream<Uint8Array>,
    idle: IdleTimeout,
    callerSignal: AbortSignal | undefined,
    details: MiraklErrorDetails,
  ): AsyncGenerator<Uint8Array> {
    const reader = body.getReader();
    let done = false;
    try {
      for (;;) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (cause) {
          if (callerSignal?.aborted) throw callerSignal.reason;
          const reason = idle.expired
            ? `no data for ${this.timeoutMs} ms while reading the answer`
            : `network error while reading the answer: ${this.redact((cause as Error)?.message)}`;
          throw new MiraklTransientError({ ...details, cause }, reason);
        }
        if (read.done) {
          done = true;
          return;
        }
        idle.restart();
        yield read.value;
      }
    } finally {
      idle.clear();
      // A reader that stopped early (an error in the caller, a break) closes the connection instead of leaving it open.
      if (!done) await reader.cancel().catch(() => {});
    }
  }

  private parseSuccess<S extends z.ZodType | undefined>(
    spec: RequestSpec<S>,
    text: string,
    details: MiraklErrorDetails,
  ): RequestResult<S> {
    if (spec.expect === "none" || spec.expect === "text") return text as RequestResult<S>;
    let raw: unknown;
    try {
      raw = text === "" ? null : JSON.parse(text);
    } catch {
      throw new MiraklInvalidResponseError({ ...details, issues: ["body is not JSON"] });
    }
    if (!spec.schema) return raw as RequestResult<S>;
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
      throw new MiraklInvalidResponseError({ ...details, issues });
    }
    return parsed.data as RequestResult<S>;
  }

  private async record(entry: {
    operation: MiraklOperationId;
    method: string;
    path: string;
    status: number | null;
    started: number;
    at: Date;
    attempt: number;
    miraklCode?: string;
    miraklMessage?: string;
  }): Promise<void> {
    if (!this.recorder) return;
    const record: MiraklCallRecord = {
      connectionId: this.connectionId,
      operation: entry.operation,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      durationMs: Math.round(performance.now() - entry.started),
      at: entry.at,
      attempt: entry.attempt,
    };
    if (entry.miraklCode) record.miraklErrorCode = entry.miraklCode;
    if (entry.miraklMessage) record.miraklMessage = entry.miraklMessage;
    try {
      await this.recorder(record);
    } catch {
      // The activity log must never break a Mirakl call.
    }
  }
}

async function* noChunks(): AsyncGenerator<Uint8Array> {}

/** An abort signal that fires after `ms` without a restart: a stream's deadline, restarted by each chunk read. */
class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  expired = false;

  constructor(private readonly ms: number) {
    this.restart();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  restart() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new DOMException(`timed out after ${this.ms} ms`, "TimeoutError"));
    }, this.ms);
    // As AbortSignal.timeout's: a pending deadline never keeps the process alive by itself.
    (this.timer as { unref?: () => void }).unref?.();
  }

  clear() {
    clearTimeout(this.timer);
  }
}

function parseErrorBody(text: string): { message?: string; code?: string } {
  if (!text) return {};
  try {
    const parsed = miraklErrorBodySchema.safeParse(JSON.parse(text));
    if (!parsed.success) return {};
    return { message: parsed.data.message ?? undefined, code: parsed.data.code ?? undefined };
  } catch {
    return {};
  }
}
