import { SHIPPED_RELEASE_REASON } from "~/domain/stock/reservations";

/**
 * The Shopify hold of a marketplace reservation (app/sync/reservations/holds.server.ts sends the moves):
 * which step it needs next, and where a new hold goes. Pure: the holds read the reservation and the
 * mirror, ask this, and send what it says.
 *
 * The lifecycle: units owed → "hold" (available → reserved) → while owed, a cancelled part goes back
 * ("shrink") → once released, "return" (reserved → available), or "consume" when the line shipped with no
 * Shopify order (reserved and on hand go down). A reservation released before any move was sent needs no
 * move: it is only "closed". A stored intent (heldLocationId with heldAt still null) means a move may
 * have reached Shopify: it is held (replayed under the same key) before anything else, even once released.
 */

export interface ReservationHoldState {
  /** Units the line still owes. */
  quantity: number;
  /** Set once the reservation ended (its Shopify order exists, the line was refused, cancelled or shipped). */
  releasedAt: Date | null;
  releaseReason: string | null;
  /** The intent of a hold: the location its move was (or is about to be) sent for. */
  heldLocationId: string | null;
  heldQuantity: number;
  /** Shopify confirmed the hold's move. */
  heldAt: Date | null;
  /** The hold is over: its units went back or left stock, or it was never needed. */
  holdReleasedAt: Date | null;
}

export type HoldStep =
  /** Owed and not held yet, or a move in doubt (replayed as it was): available → reserved. */
  | "hold"
  /** Held, and part of the line was cancelled since: the surplus (heldQuantity − quantity) goes back. */
  | "shrink"
  /** Held and released: the held units go back (reserved → available). */
  | "return"
  /** Held, and the line shipped before any Shopify order was made for it: the held units leave stock. */
  | "consume"
  /** Released before any move was sent: nothing to give back, the hold is only marked over. */
  | "close"
  /** Held as owed, or the hold is over. */
  | "none";

export function holdStepFor(r: ReservationHoldState): HoldStep {
  if (r.holdReleasedAt !== null) return "none";
  if (r.heldAt === null) {
    if (r.releasedAt === null || r.heldLocationId !== null) return "hold";
    return "close";
  }
  if (r.releasedAt !== null) return r.releaseReason === SHIPPED_RELEASE_REASON ? "consume" : "return";
  return r.heldQuantity > r.quantity ? "shrink" : "none";
}

export type HoldPlacement =
  /** The connection sells from no Shopify location. */
  | { kind: "no-location" }
  /** The variant has no inventory level at any of the connection's locations. */
  | { kind: "not-stocked" }
  /** Nothing available to hold: the recompute keeps subtracting the units, and the hold is tried again later. */
  | { kind: "wait" }
  | { kind: "move"; locationId: string; quantity: number };

/**
 * Where a new hold goes: the connection's location with the most available in the mirror (ties keep the
 * merchant's order of locations), for as many of the owed units as it has.
 */
export function holdPlacementFor(
  owed: number,
  locationIds: readonly string[],
  levels: readonly { locationId: string; available: number }[],
): HoldPlacement {
  if (locationIds.length === 0) return { kind: "no-location" };
  const candidates = levels.filter((l) => locationIds.includes(l.locationId));
  if (candidates.length === 0) return { kind: "not-stocked" };
  const best = [...candidates].sort(
    (a, b) => b.available - a.available || locationIds.indexOf(a.locationId) - locationIds.indexOf(b.locationId),
  )[0]!;
  const quantity = Math.min(owed, Math.max(0, best.available));
  return quantity === 0 ? { kind: "wait" } : { kind: "move", locationId: best.locationId, quantity };
}
