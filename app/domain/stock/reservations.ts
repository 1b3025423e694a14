/**
 * Marketplace reservations not yet in Shopify: units on Mirakl order lines, on ANY connection of
 * the shop, whose Shopify order does not exist yet. Shopify's `available` does not reflect them
 * (until they are held there, see app/sync/reservations/holds.server.ts), so they are subtracted
 * from the sellable quantity of every connection. Pure: the intake (app/sync/orders/intake.server.ts)
 * reads OR11 and asks `decideReservation` what each line means for its reservation.
 */

/**
 * States in which the units are no longer owed to the customer. Every other state counts, including
 * WAITING_ACCEPTANCE (the issue says "accepted"; a line awaiting our acceptance will take the units
 * the moment it is accepted, so advertising them meanwhile invites a second sale of the same unit)
 * and unknown future states (Mirakl adds states: counting one is the safe error).
 */
export const RELEASED_LINE_STATES: ReadonlySet<string> = new Set(["REFUSED", "CANCELED"]);

/**
 * States a line reaches only once it has shipped (or ended). A line first seen in one of them opens no
 * reservation: its units left before we watched it (an intake started after a long outage, or the
 * first poll of a connection), and whoever shipped them accounted for them.
 */
export const SHIPPED_OR_ENDED_LINE_STATES: ReadonlySet<string> = new Set([
  ...RELEASED_LINE_STATES,
  "SHIPPED",
  "TO_COLLECT",
  "RECEIVED",
  "CLOSED",
  "INCIDENT_OPEN",
  "INCIDENT_CLOSED",
  "WAITING_REFUND",
  "WAITING_REFUND_PAYMENT",
  "REFUNDED",
]);

/**
 * Why a reservation ends when its line ships before any Shopify order was made for it (the order flow
 * makes one at debit, earlier): the units left the warehouse, so their Shopify hold is taken out of
 * stock (reserved and on hand go down) instead of going back to available.
 */
export const SHIPPED_RELEASE_REASON = "SHIPPED";

/** Why a reservation ends when the order flow has created its Shopify order (the order now commits the units). */
export const SHOPIFY_ORDER_RELEASE_REASON = "SHOPIFY_ORDER";

/**
 * Orders in these states are not debited yet, so surely not in Shopify yet. An order placed before the
 * connection existed is reserved only in one of them (the first poll asks for nothing else): once
 * debited, it may have been entered in Shopify by hand or by the tool used before this app.
 */
export const NOT_DEBITED_ORDER_STATES = [
  "STAGING",
  "WAITING_ACCEPTANCE",
  "WAITING_DEBIT",
  "WAITING_DEBIT_PAYMENT",
] as const;

/**
 * What a connection's first poll reads: every order whose units are still on the shelf, paid ones
 * (SHIPPING) included. An order paid before the app was connected and not shipped yet takes its units the
 * day it ships; leaving it out would advertise those units again (the onboarding oversell).
 */
export const UNSHIPPED_ORDER_STATES = [...NOT_DEBITED_ORDER_STATES, "SHIPPING"] as const;
const UNSHIPPED: ReadonlySet<string> = new Set(UNSHIPPED_ORDER_STATES);

/**
 * End states a line may reach without ever shipping (refunded or closed before shipping, e.g. the customer
 * was refunded because the seller could not ship): its units never left, so they are given back.
 */
const ENDED_WITHOUT_SHIPPING_STATES: ReadonlySet<string> = new Set([
  "REFUNDED",
  "CLOSED",
  "WAITING_REFUND",
  "WAITING_REFUND_PAYMENT",
]);

export interface ObservedOrderLine {
  state: string;
  quantity: number;
  /** Units of the line cancelled so far (Mirakl keeps `quantity` and lists cancelations). */
  canceledQuantity: number;
  /** The order was placed before the connection existed (see UNSHIPPED_ORDER_STATES). */
  placedBeforeConnection?: boolean;
  /** Mirakl gave the line a `shipped_date`: its units left the warehouse. Unknown (undefined) reads as shipped. */
  shipped?: boolean;
}

export interface KnownReservation {
  quantity: number;
  lineState: string;
  released: boolean;
}

export type ReservationDecision =
  | { kind: "ignore" }
  | { kind: "unchanged" }
  | { kind: "open"; units: number }
  | { kind: "update"; units: number }
  | { kind: "release"; reason: string };

/** Units a line still owes: its quantity less its cancelled units; not a positive number → 0; fractions round up. */
export function owedUnits(line: ObservedOrderLine): number {
  const quantity = Number.isFinite(line.quantity) && line.quantity > 0 ? Math.ceil(line.quantity) : 0;
  const canceled =
    Number.isFinite(line.canceledQuantity) && line.canceledQuantity > 0 ? Math.floor(line.canceledQuantity) : 0;
  return Math.max(0, quantity - canceled);
}

/**
 * What one observed line means for its reservation. A released reservation never reopens (a line does
 * not come back from REFUSED or CANCELED, one released for its Shopify order is in Shopify, a shipped one
 * is gone). A line that ships releases with SHIPPED_RELEASE_REASON; one that ends refunded or closed
 * without a shipped date releases with its state, so its units go back to available.
 * A line fully cancelled releases with reason CANCELED; a partial cancellation shrinks the reservation.
 */
export function decideReservation(line: ObservedOrderLine, known: KnownReservation | null): ReservationDecision {
  const units = owedUnits(line);
  if (!known) {
    const ours =
      !SHIPPED_OR_ENDED_LINE_STATES.has(line.state) && (!line.placedBeforeConnection || UNSHIPPED.has(line.state));
    return ours && units > 0 ? { kind: "open", units } : { kind: "ignore" };
  }
  if (known.released) return { kind: "unchanged" };
  if (RELEASED_LINE_STATES.has(line.state)) return { kind: "release", reason: line.state };
  if (SHIPPED_OR_ENDED_LINE_STATES.has(line.state))
    return line.shipped === false && ENDED_WITHOUT_SHIPPING_STATES.has(line.state)
      ? { kind: "release", reason: line.state }
      : { kind: "release", reason: SHIPPED_RELEASE_REASON };
  if (units === 0) return { kind: "release", reason: "CANCELED" };
  return units !== known.quantity || line.state !== known.lineState ? { kind: "update", units } : { kind: "unchanged" };
}
