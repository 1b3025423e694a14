export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

interface BucketState extends ThrottleStatus {
  observedAt: number;
  /** Points reserved by requests whose answer has not come back; Shopify's figures do not include them yet. */
  inFlight: number;
}

export interface CostReservation {
  /** Milliseconds to wait before sending. */
  readonly waitMs: number;
  /** Call once with the answer's throttle status (or null when there was none). */
  settle(status: ThrottleStatus | null, now: number): void;
}

/**
 * Our view of Shopify's leaky bucket, one per shop (Shopify limits per app and store). It is refreshed from
 * every response's `extensions.cost.throttleStatus` and drained locally when a request is sent, so concurrent
 * callers on one shop pace each other instead of all discovering the limit through THROTTLED responses.
 */
export class CostBuckets {
  readonly #buckets = new Map<string, BucketState>();
  readonly #expectedCost = new Map<string, number>();

  constructor(private readonly defaultExpectedCost = 10) {}

  /** Reserves `cost` points, returning how long to wait until they are there. */
  reserve(shop: string, cost: number, now: number): CostReservation {
    const bucket = this.#buckets.get(shop);
    let waitMs = 0;
    let reserved = 0;
    if (bucket) {
      const available = this.#available(bucket, now);
      // A query above the maximum can never fit; Shopify rejects it with MAX_COST_EXCEEDED, so don't wait forever for it.
      reserved = Math.min(cost, bucket.maximumAvailable);
      waitMs = reserved > available ? Math.ceil(((reserved - available) / bucket.restoreRate) * 1000) : 0;
      bucket.currentlyAvailable = available + (bucket.restoreRate * waitMs) / 1000 - reserved;
      bucket.observedAt = now + waitMs;
      bucket.inFlight += reserved;
    }
    // Nothing known yet: no wait, Shopify's first answer tells us the bucket.
    let settled = false;
    return {
      waitMs,
      settle: (status, settledAt) => {
        if (settled) return;
        settled = true;
        const current = this.#buckets.get(shop);
        if (current) current.inFlight = Math.max(0, current.inFlight - reserved);
        if (status) this.observe(shop, status, settledAt);
      },
    };
  }

  /** Takes Shopify's figures, less what our other requests have reserved but Shopify has not yet counted. */
  observe(shop: string, status: ThrottleStatus, now: number): void {
    const inFlight = this.#buckets.get(shop)?.inFlight ?? 0;
    this.#buckets.set(shop, {
      maximumAvailable: status.maximumAvailable,
      restoreRate: status.restoreRate,
      currentlyAvailable: status.currentlyAvailable - inFlight,
      observedAt: now,
      inFlight,
    });
  }

  #available(bucket: BucketState, now: number): number {
    return Math.min(
      bucket.maximumAvailable,
      bucket.currentlyAvailable + (bucket.restoreRate * (now - bucket.observedAt)) / 1000,
    );
  }

  status(shop: string): Readonly<BucketState> | undefined {
    return this.#buckets.get(shop);
  }

  /** The cost of an operation varies little between calls: remember the last requested cost per operation. */
  expectedCost(operationName: string): number {
    return this.#expectedCost.get(operationName) ?? this.defaultExpectedCost;
  }

  learnCost(operationName: string, requestedQueryCost: number): void {
    this.#expectedCost.set(operationName, requestedQueryCost);
  }
}

/** Process-wide buckets: every client for a shop shares one, as Shopify's limit is shared. */
export const sharedCostBuckets = new CostBuckets();
