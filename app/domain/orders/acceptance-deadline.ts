/**
 * The acceptance deadline clock (issue 10). Mirakl does not publish when it will refuse a waiting order
 * by itself: the merchant sets the window per connection (default 24 h, see ./acceptance-settings.ts) and
 * this counts down from the moment the order appeared. Pure: the caller gives the time.
 *
 * Levels, for a line in review: "none" below half the window, "warning" from 50 %, "error" from 90 %,
 * "expired" once the deadline is reached (at the deadline itself no time is left, so it counts as expired:
 * the marketplace may refuse at that very instant). Compared in integer milliseconds, no rounding.
 */

export type DeadlineLevel = "none" | "warning" | "error" | "expired";

export interface AcceptanceClock {
  /** When the marketplace is expected to refuse the order by itself. */
  deadline: Date;
  /** Milliseconds left, never negative. */
  remainingMs: number;
  /** Milliseconds since the order appeared, never negative (a clock behind the order's time reads 0). */
  elapsedMs: number;
  level: DeadlineLevel;
}

const HOUR_MS = 3_600_000;

export const WARNING_AT_PERCENT = 50;
export const ERROR_AT_PERCENT = 90;

export function deadlineLevel(elapsedMs: number, windowMs: number): DeadlineLevel {
  if (elapsedMs >= windowMs) return "expired";
  if (elapsedMs * 100 >= windowMs * ERROR_AT_PERCENT) return "error";
  if (elapsedMs * 100 >= windowMs * WARNING_AT_PERCENT) return "warning";
  return "none";
}

/**
 * `appearedAt`: when the order was first seen waiting (its `created_date` on Mirakl when known, since the
 * operator's delay runs from there, else the first read). `windowHours`: the connection's setting.
 */
export function acceptanceClock(appearedAt: Date, windowHours: number, now: Date): AcceptanceClock {
  const windowMs = Math.round(windowHours * HOUR_MS);
  const start = appearedAt.getTime();
  const deadline = new Date(start + windowMs);
  // An unreadable time must not hide a line from the alerts: it reads as expired, to be looked at now.
  const elapsedMs =
    Number.isFinite(start) && Number.isFinite(now.getTime()) ? Math.max(0, now.getTime() - start) : windowMs;
  return {
    deadline,
    remainingMs: Math.max(0, windowMs - elapsedMs),
    elapsedMs,
    level: deadlineLevel(elapsedMs, windowMs),
  };
}

/** "3 h 20 min left", "12 min left", "expired": for the countdown on a waiting order. */
export function remainingText(clock: Pick<AcceptanceClock, "remainingMs">): string {
  if (clock.remainingMs <= 0) return "expired";
  const minutes = Math.ceil(clock.remainingMs / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min left`;
  return rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`;
}
