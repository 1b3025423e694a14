/**
 * Sales-velocity protection. Mirakl takes one STO01 stock import per minute per connection, so after
 * Shopify (or another marketplace) sells an SKU's last units, this marketplace keeps advertising them
 * until the next import lands: up to a minute for the slot, plus Mirakl's processing, plus Shopify's
 * webhook lag. No pushing policy can close that window; holding back, in advance, the units expected
 * to sell during it can. Pure: the caller gathers the recent sales and the time.
 */

/** Mirakl allows one STO01 stock import per minute per connection: the push cadence. */
export const MIRAKL_STOCK_IMPORT_INTERVAL_MS = 60_000;
/** An allowance, not a measurement, for Mirakl applying an import once sent (the simulator takes 10 s). */
export const MIRAKL_IMPORT_PROCESSING_ALLOWANCE_MS = 15_000;
/** Time until Shopify's inventory_levels/update reaches the app (1–5 s is usual). */
export const SHOPIFY_WEBHOOK_LAG_ALLOWANCE_MS = 5_000;
/** How long a Shopify sale can stay invisible to Mirakl: the default exposure window (80 s). */
export const DEFAULT_EXPOSURE_WINDOW_MS =
  MIRAKL_STOCK_IMPORT_INTERVAL_MS + MIRAKL_IMPORT_PROCESSING_ALLOWANCE_MS + SHOPIFY_WEBHOOK_LAG_ALLOWANCE_MS;
/** Bounds of a connection's own exposure window (seconds), as the settings accept it. */
export const MIN_EXPOSURE_WINDOW_SECONDS = 15;
export const MAX_EXPOSURE_WINDOW_SECONDS = 600;
/**
 * The rate is estimated over this many exposure windows: long enough that a burst of two orders is
 * not read as a permanent rate, short enough that a hold is released a few minutes after sales stop.
 */
export const VELOCITY_LOOKBACK_WINDOWS = 2;
/** The long look-back (see velocityHold). */
export const VELOCITY_LONG_LOOKBACK_MS = 10 * 60_000;
/** Sales kept for the estimate: the longest look-back any connection can have. */
export const VELOCITY_RETENTION_MS = Math.max(
  VELOCITY_LOOKBACK_WINDOWS * MAX_EXPOSURE_WINDOW_SECONDS * 1000,
  VELOCITY_LONG_LOOKBACK_MS,
);
/**
 * The ramp: fewer sales than this in the look-back hold nothing, so one isolated sale of a slow SKU
 * (its last unit but one, say) does not take the SKU off the marketplace.
 */
export const VELOCITY_MIN_SALES = 2;
/**
 * A single drop of Shopify's `available` larger than this is taken for a stock adjustment or a
 * transfer (the webhook says neither why nor by which order), not for a checkout.
 */
export const LARGEST_DROP_COUNTED_AS_SALE = 10;

export interface SaleEvent {
  /** When the units were sold (epoch ms). */
  at: number;
  units: number;
  /** The Shopify location whose stock it took; null for a marketplace order (counted at any location). */
  locationId: string | null;
}

export interface VelocityHold {
  /** Units held back from this marketplace. */
  units: number;
  /** Units and sales counted in the look-back. */
  soldUnits: number;
  sales: number;
  lookbackMs: number;
  exposureMs: number;
  /** When the hold may change by itself (its oldest sale leaves the look-back); null when nothing is held. */
  changesAt: number | null;
}

/** The connection's exposure window: its own override, else the default derived from the push cadence. */
export function exposureWindowMs(windowSeconds: number | null | undefined): number {
  return windowSeconds ? windowSeconds * 1000 : DEFAULT_EXPOSURE_WINDOW_MS;
}

/** Units of a drop of Shopify's `available` that count as sales (see LARGEST_DROP_COUNTED_AS_SALE). */
export function saleUnitsOfDrop(before: number, after: number): number {
  if (!Number.isInteger(before) || !Number.isInteger(after)) return 0;
  const drop = before - after;
  return drop > 0 && drop <= LARGEST_DROP_COUNTED_AS_SALE ? drop : 0;
}

/**
 * How sure the hold is to cover the window's sales. Holding the units EXPECTED to sell (the mean) loses
 * about every other window: sales come in bursts, and the flash-sale benchmark oversold at the mean.
 * The hold is the 99th percentile of a Poisson count of units at the recent rate: a window outsells it
 * about once in a hundred, and only where stock is about to run out does that matter.
 */
export const VELOCITY_CONFIDENCE = 0.99;

/**
 * The smallest k with P(X ≤ k) ≥ confidence for X ~ Poisson(mean). Exact summation up to a mean of
 * 700 (e^-mean stays a normal double); above that (over 500 units a minute for one SKU) mean + 3·√mean,
 * which is above the 99.8th percentile there.
 */
export function poissonQuantile(mean: number, confidence: number = VELOCITY_CONFIDENCE): number {
  if (!(mean > 0)) return 0;
  if (mean > 700) return Math.ceil(mean + 3 * Math.sqrt(mean));
  let k = 0;
  let term = Math.exp(-mean);
  let cumulative = term;
  while (cumulative < confidence) {
    k++;
    term *= mean / k;
    cumulative += term;
  }
  return k;
}

/**
 * Units to hold back: what one exposure window may sell (the VELOCITY_CONFIDENCE quantile of a
 * Poisson count of units), at the higher of two rates: the short look-back's (VELOCITY_LOOKBACK_WINDOWS
 * exposure windows: follows a burst at once) and the long look-back's (VELOCITY_LONG_LOOKBACK_MS: a
 * lull of a minute or two in a flash sale does not release the last units, which is when a single
 * checkout oversells). A look-back counts only with at least VELOCITY_MIN_SALES sales in it (the
 * ramp). Sales at locations this connection does not sell from are ignored; a sale time in the future
 * (clock skew) counts as now; unusable units count as nothing.
 */
export function velocityHold(
  sales: readonly SaleEvent[],
  now: number,
  exposureMs: number,
  chosenLocationIds: ReadonlySet<string> | null = null,
): VelocityHold {
  const usable = sales
    .filter((s) => Number.isFinite(s.at) && Number.isFinite(s.units) && s.units > 0)
    .filter((s) => s.locationId === null || !chosenLocationIds || chosenLocationIds.has(s.locationId))
    .map((s) => ({ at: Math.min(s.at, now), units: Math.ceil(s.units) }));
  const shortMs = VELOCITY_LOOKBACK_WINDOWS * exposureMs;
  const lookbacks = [shortMs, Math.max(shortMs, VELOCITY_LONG_LOOKBACK_MS)];
  let best: VelocityHold = { units: 0, soldUnits: 0, sales: 0, lookbackMs: shortMs, exposureMs, changesAt: null };
  let changesAt = Infinity;
  for (const lookbackMs of lookbacks) {
    const inside = usable.filter((s) => s.at > now - lookbackMs);
    const soldUnits = inside.reduce((sum, s) => sum + s.units, 0);
    const units = inside.length >= VELOCITY_MIN_SALES ? poissonQuantile((soldUnits * exposureMs) / lookbackMs) : 0;
    if (units > 0) changesAt = Math.min(changesAt, Math.min(...inside.map((s) => s.at)) + lookbackMs);
    // The short look-back explains the hold unless the long one holds more (or only the long one saw sales).
    if (units > best.units || (best.sales === 0 && inside.length > 0))
      best = { units, soldUnits, sales: inside.length, lookbackMs, exposureMs, changesAt: null };
  }
  return { ...best, changesAt: best.units > 0 ? changesAt : null };
}
