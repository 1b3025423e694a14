import { describe, expect, it } from "vitest";
import { holdPlacementFor, holdStepFor, type HoldStep, type ReservationHoldState } from "~/domain/stock/hold-steps";
import { SHIPPED_RELEASE_REASON } from "~/domain/stock/reservations";

const at = new Date("2026-06-01T00:00:00Z");
/** Owed, never sent: the state a new reservation starts in. */
const fresh: ReservationHoldState = {
  quantity: 3,
  releasedAt: null,
  releaseReason: null,
  heldLocationId: null,
  heldQuantity: 0,
  heldAt: null,
  holdReleasedAt: null,
};
const held = { heldLocationId: "L1", heldQuantity: 3, heldAt: at };
const released = (reason: string) => ({ releasedAt: at, releaseReason: reason });

const steps: { name: string; state: Partial<ReservationHoldState>; step: HoldStep }[] = [
  { name: "new reservation, never held: hold", state: {}, step: "hold" },
  {
    name: "failed before and the attempt ended (intent given up): hold again, afresh",
    state: { heldLocationId: null, heldQuantity: 0 },
    step: "hold",
  },
  {
    name: "a move in doubt (intent stored, no confirmation): hold, replayed as it was",
    state: { heldLocationId: "L1", heldQuantity: 2 },
    step: "hold",
  },
  {
    name: "a move in doubt and released since: hold first (it may be applied), returned afterwards",
    state: { heldLocationId: "L1", heldQuantity: 2, ...released("CANCELED") },
    step: "hold",
  },
  {
    name: "released before any move was sent: close, nothing to give back",
    state: released("SHOPIFY_ORDER"),
    step: "close",
  },
  {
    name: "shipped before any move was sent: close",
    state: released(SHIPPED_RELEASE_REASON),
    step: "close",
  },
  { name: "held as owed: nothing to do", state: held, step: "none" },
  {
    name: "held, and more owed since (the line grew): nothing to do",
    state: { ...held, quantity: 5 },
    step: "none",
  },
  { name: "held and partly cancelled since: shrink", state: { ...held, quantity: 1 }, step: "shrink" },
  {
    name: "held and released for its Shopify order: return",
    state: { ...held, ...released("SHOPIFY_ORDER") },
    step: "return",
  },
  { name: "held and refused: return", state: { ...held, ...released("REFUSED") }, step: "return" },
  {
    name: "held, partly cancelled and then released: return (all held units), not shrink",
    state: { ...held, quantity: 1, ...released("CANCELED") },
    step: "return",
  },
  {
    name: "held and shipped without a Shopify order: consume (the units leave stock)",
    state: { ...held, ...released(SHIPPED_RELEASE_REASON) },
    step: "consume",
  },
  {
    name: "a return that failed before: return again",
    state: { ...held, ...released("CANCELED") },
    step: "return",
  },
  {
    name: "already returned: nothing to do",
    state: { ...held, ...released("CANCELED"), holdReleasedAt: at },
    step: "none",
  },
  {
    name: "already consumed: nothing to do",
    state: { ...held, ...released(SHIPPED_RELEASE_REASON), holdReleasedAt: at },
    step: "none",
  },
  {
    name: "already closed without a move: nothing to do",
    state: { ...released("REFUSED"), holdReleasedAt: at },
    step: "none",
  },
];

describe("holdStepFor", () => {
  it.each(steps)("$name", ({ state, step }) => {
    expect(holdStepFor({ ...fresh, ...state })).toBe(step);
  });
});

const level = (locationId: string, available: number) => ({ locationId, available });

describe("holdPlacementFor", () => {
  it.each([
    { name: "no location chosen", owed: 3, chosen: [], levels: [level("L1", 9)], placement: { kind: "no-location" } },
    {
      name: "not stocked at any chosen location",
      owed: 3,
      chosen: ["L1"],
      levels: [level("L9", 9)],
      placement: { kind: "not-stocked" },
    },
    {
      name: "the chosen location with the most available",
      owed: 3,
      chosen: ["L1", "L2"],
      levels: [level("L1", 4), level("L2", 7)],
      placement: { kind: "move", locationId: "L2", quantity: 3 },
    },
    {
      name: "a tie keeps the merchant's order of locations",
      owed: 3,
      chosen: ["L2", "L1"],
      levels: [level("L1", 5), level("L2", 5)],
      placement: { kind: "move", locationId: "L2", quantity: 3 },
    },
    {
      name: "only what the location has",
      owed: 5,
      chosen: ["L1"],
      levels: [level("L1", 2)],
      placement: { kind: "move", locationId: "L1", quantity: 2 },
    },
    {
      name: "nothing available: wait",
      owed: 3,
      chosen: ["L1", "L2"],
      levels: [level("L1", 0), level("L2", -2)],
      placement: { kind: "wait" },
    },
  ])("$name", ({ owed, chosen, levels, placement }) => {
    expect(holdPlacementFor(owed, chosen, levels)).toEqual(placement);
  });
});
