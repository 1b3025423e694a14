import { systemClock, type Clock } from "./clock";

/**
 * Client-side pacing so a connection never earns a 429 in steady state.
 *
 * Limits are Mirakl's published "Maximum usage" per operation (docs/mirakl-api.md §2.9).
 * Only the first page of a paged listing is paced: Mirakl counts a listing, and its
 * continuation pages ("+ one call per page") are part of the same listing [inferred].
 * Operations absent from the table are event-driven (OR21…OR30, ST01, ST23, ST24), daily
 * discovery calls (A01, PC01, SH21, RE01, OF61, IV01) that callers cache, or look-ups Mirakl
 * allows "on each page view" (OF21, ST11); they are not paced here.
 */
export interface RateRule {
  /** Minimum spacing between two calls of the bucket. */
  minIntervalMs?: number;
  /** Sliding one-hour cap. */
  maxPerHour?: number;
}

const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const MIRAKL_RATE_RULES: Readonly<Record<string, RateRule>> = {
  /** OR11 polling (asynchronous use): once per minute. */
  OR11: { minIntervalMs: MINUTE },
  /** OR11 `order_ids=` look-ups are Mirakl's "synchronous" use (at each order page display): not paced. */
  "OR11:lookup": {},
  OF24: { minIntervalMs: MINUTE },
  /** OF24's import status and error report. */
  OF02: { minIntervalMs: MINUTE },
  OF03: { minIntervalMs: MINUTE },
  STO01: { minIntervalMs: MINUTE },
  STO02: { minIntervalMs: 15_000 },
  STO03: { minIntervalMs: MINUTE },
  PRI01: { minIntervalMs: MINUTE },
  PRI02: { minIntervalMs: MINUTE },
  PRI03: { minIntervalMs: MINUTE },
  OF52: { minIntervalMs: MINUTE },
  OF53: { minIntervalMs: 10_000 },
  /** 20 per minute and 60 per hour. */
  TL02: { minIntervalMs: 3_000, maxPerHour: 60 },
};

/**
 * The rules for a connection allowed `percent` of Mirakl's allowance: every interval stretched and every
 * hourly cap cut in proportion (another tool on the same key keeps the rest).
 */
export function rulesForBudget(percent: number, rules: Readonly<Record<string, RateRule>> = MIRAKL_RATE_RULES) {
  const share = Math.min(100, Math.max(1, percent)) / 100;
  return Object.fromEntries(
    Object.entries(rules).map(([bucket, rule]) => [
      bucket,
      {
        ...(rule.minIntervalMs !== undefined ? { minIntervalMs: Math.ceil(rule.minIntervalMs / share) } : {}),
        ...(rule.maxPerHour !== undefined ? { maxPerHour: Math.max(1, Math.floor(rule.maxPerHour * share)) } : {}),
      },
    ]),
  ) as Record<string, RateRule>;
}

export interface RateLimitKey {
  connectionId: string;
  /** Usually the operation id ("OR11"); see MIRAKL_RATE_RULES for the other buckets. */
  bucket: string;
}

/**
 * Where bookings live. The in-memory store serves one process; a database-backed
 * store (row per connection+bucket, updated under a row lock) can share pacing
 * between workers without touching the limiter.
 */
export interface RateLimitStore {
  /** Atomically books the earliest slot ≥ now allowed by `rule` and returns it (epoch ms). */
  reserve(key: RateLimitKey, rule: RateRule, now: number): Promise<number>;
  /** After a 429: no slot before `until`. */
  blockUntil(key: RateLimitKey, until: number): Promise<void>;
}

export interface MiraklRateLimiter {
  /** Resolves when a call in this bucket may be sent, having booked it. */
  acquire(key: RateLimitKey, signal?: AbortSignal): Promise<void>;
  /** Mirakl answered 429 with Retry-After: hold the bucket back. */
  backOff(key: RateLimitKey, retryAfterMs: number): Promise<void>;
}

/** One bucket's bookings: no slot before `next`; `booked` holds the last hour's slots when the rule caps an hour. */
export interface BucketState {
  next: number;
  booked: number[];
}

/**
 * Books the earliest slot ≥ now that `rule` allows in a bucket: the slot, and the bucket's state after it.
 * Pure, so every store (in memory, in the database) books the same way.
 */
export function bookSlot(state: BucketState, rule: RateRule, now: number): { slot: number; state: BucketState } {
  let slot = Math.max(now, state.next);
  let booked = state.booked;
  if (rule.maxPerHour !== undefined) {
    booked = booked.filter((at) => at > now - HOUR);
    if (booked.length >= rule.maxPerHour) slot = Math.max(slot, booked[booked.length - rule.maxPerHour]! + HOUR);
    booked = [...booked, slot];
  } else {
    booked = [];
  }
  return { slot, state: { next: slot + (rule.minIntervalMs ?? 0), booked } };
}

export function createInMemoryRateLimitStore(): RateLimitStore {
  const buckets = new Map<string, BucketState>();
  const id = (key: RateLimitKey) => `${key.connectionId}\u0000${key.bucket}`;
  return {
    async reserve(key, rule, now) {
      const booking = bookSlot(buckets.get(id(key)) ?? { next: 0, booked: [] }, rule, now);
      buckets.set(id(key), booking.state);
      return booking.slot;
    },
    async blockUntil(key, until) {
      const state = buckets.get(id(key)) ?? { next: 0, booked: [] };
      buckets.set(id(key), { ...state, next: Math.max(state.next, until) });
    },
  };
}

export interface RateLimiterOptions {
  clock?: Clock;
  rules?: Readonly<Record<string, RateRule>>;
  store?: RateLimitStore;
}

export function createRateLimiter(options: RateLimiterOptions = {}): MiraklRateLimiter {
  const clock = options.clock ?? systemClock;
  const rules = options.rules ?? MIRAKL_RATE_RULES;
  const store = options.store ?? createInMemoryRateLimitStore();
  return {
    async acquire(key, signal) {
      const rule = rules[key.bucket] ?? {};
      const slot = await store.reserve(key, rule, clock.now());
      const wait = slot - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
    },
    async backOff(key, retryAfterMs) {
      // The call is sent again once Retry-After has passed, outside acquire: that retry is the bucket's last
      // send, so the next call waits a full interval after it (else every poll after a 429 earns another).
      const rule = rules[key.bucket] ?? {};
      await store.blockUntil(key, clock.now() + retryAfterMs + (rule.minIntervalMs ?? 0));
    },
  };
}

/** For callers that pace elsewhere (or tests that want to provoke 429s). */
export const unlimitedRateLimiter: MiraklRateLimiter = {
  async acquire() {},
  async backOff() {},
};
