/**
 * Shipping deadlines and incidents of Mirakl orders (issue 12). Mirakl gives each order a `shipping_deadline`;
 * the merchant chooses how many hours before it the app warns (per connection, default 24). Pure: the caller
 * gives the time.
 *
 * Levels, for an order still to ship: "none" before the warning, "due-soon" from `warningHours` before the
 * deadline, "overdue" once the deadline is reached (at the deadline itself no time is left). An order not to
 * ship (shipped, cancelled, not accepted yet, or with no deadline) has no level: it raises nothing.
 */

export type ShippingLevel = "none" | "due-soon" | "overdue";

/** Mirakl's state of an order (and of a line) the seller still has to ship. */
export const SHIPPING = "SHIPPING";
/** A line state Mirakl uses while a customer's incident is open on it. */
export const INCIDENT_OPEN = "INCIDENT_OPEN";

/** Order states after which nothing ships any more and no incident is followed. */
export const ENDED_STATES: readonly string[] = ["CANCELED", "REFUSED", "CLOSED"];

export const DEFAULT_SHIPPING_WARNING_HOURS = 24;
export const MAX_SHIPPING_WARNING_HOURS = 30 * 24;

const HOUR_MS = 3_600_000;

export interface ShippingFacts {
  /** Mirakl's order_state. */
  state: string;
  /** Mirakl's order_line_state of every line. */
  lineStates: readonly string[];
}

/**
 * Is the order still to ship? Its state is SHIPPING, or one of its lines is (an order whose lines ship one by
 * one keeps lines to ship while another state shows). A cancelled, refused or closed order is never to ship.
 */
export function isToShip(order: ShippingFacts): boolean {
  if (ENDED_STATES.includes(order.state)) return false;
  return order.state === SHIPPING || order.lineStates.includes(SHIPPING);
}

/** Is an incident open on the order (Mirakl's `has_incident`, or a line in INCIDENT_OPEN)? */
export function hasOpenIncident(order: { hasIncident: boolean; lineStates: readonly string[] }): boolean {
  return order.hasIncident || order.lineStates.includes(INCIDENT_OPEN);
}

export interface ShippingClock {
  deadline: Date;
  /** Milliseconds left, never negative. */
  remainingMs: number;
  level: ShippingLevel;
  /** When the level changes next by itself (null once overdue: it stays so until the order ships). */
  nextChangeAt: Date | null;
}

export function shippingLevel(remainingMs: number, warningMs: number): ShippingLevel {
  if (remainingMs <= 0) return "overdue";
  if (remainingMs <= warningMs) return "due-soon";
  return "none";
}

/**
 * The countdown of an order to ship; null when it is not to ship or has no (readable) deadline, since then
 * nothing is late.
 */
export function shippingClock(
  order: ShippingFacts & { shippingDeadline: Date | null },
  warningHours: number,
  now: Date,
): ShippingClock | null {
  if (!isToShip(order) || !order.shippingDeadline) return null;
  const deadlineMs = order.shippingDeadline.getTime();
  if (!Number.isFinite(deadlineMs)) return null;
  const warningMs = Math.max(0, Math.round(warningHours * HOUR_MS));
  const remaining = deadlineMs - now.getTime();
  const level = shippingLevel(remaining, warningMs);
  const nextChangeAt =
    level === "none" ? new Date(deadlineMs - warningMs) : level === "due-soon" ? new Date(deadlineMs) : null;
  return { deadline: new Date(deadlineMs), remainingMs: Math.max(0, remaining), level, nextChangeAt };
}

/** "ship within 3 h 20 min", "ship within 2 d 4 h", "overdue": the countdown on an order to ship. */
export function shippingText(clock: Pick<ShippingClock, "remainingMs">): string {
  if (clock.remainingMs <= 0) return "overdue";
  const minutes = Math.ceil(clock.remainingMs / 60_000);
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours === 0 ? `ship within ${days} d` : `ship within ${days} d ${hours} h`;
  if (hours === 0) return `ship within ${rest} min`;
  return rest === 0 ? `ship within ${hours} h` : `ship within ${hours} h ${rest} min`;
}
