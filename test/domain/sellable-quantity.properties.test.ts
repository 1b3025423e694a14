import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  sellableQuantity,
  type ConnectionStockRules,
  type SellableResult,
  type SkuStockSnapshot,
} from "~/domain/sellable-quantity";
import { allocatePool } from "~/domain/stock/warehouses";

/** Fixed seed: reproducible in CI; bump numRuns locally to search harder. */
const params = { numRuns: 400, seed: 20_240_505 };

const LOCATIONS = ["L1", "L2", "L3", "L4", "L5"] as const;

const levelsArb = fc.uniqueArray(
  fc.record({ locationId: fc.constantFrom(...LOCATIONS), available: fc.integer({ min: -60, max: 120 }) }),
  { selector: (l) => l.locationId, maxLength: LOCATIONS.length },
);

const snapshotArb: fc.Arbitrary<SkuStockSnapshot> = fc.record({
  sku: fc.constantFrom("S1", "S2"),
  variantExists: fc.constant(true),
  productStatus: fc.constant("ACTIVE"),
  tracked: fc.constant(true),
  levels: levelsArb,
  reservedNotInShopify: fc.integer({ min: 0, max: 80 }),
  velocity: fc.option(
    fc.record({
      sales: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 400_000 }),
          units: fc.integer({ min: 1, max: 5 }),
          locationId: fc.option(fc.constantFrom(...LOCATIONS), { nil: null }),
        }),
        { maxLength: 8 },
      ),
      now: fc.constant(300_000),
    }),
    { nil: undefined },
  ),
});

/** Warehouses: a random partition of a random subset of the locations (a location feeds at most one). */
const warehousesArb = fc
  .array(fc.integer({ min: -1, max: 2 }), { minLength: LOCATIONS.length, maxLength: LOCATIONS.length })
  .map((owner) =>
    [0, 1, 2]
      .map((w) => ({ code: `W${w}`, locationIds: LOCATIONS.filter((_, i) => owner[i] === w) }))
      .filter((w) => w.locationIds.length > 0),
  );

const rulesArb = (withWarehouses: boolean): fc.Arbitrary<ConnectionStockRules> =>
  fc.record({
    locationIds: fc.subarray([...LOCATIONS]),
    buffer: fc.integer({ min: 0, max: 40 }),
    bufferOverrides: fc.oneof(fc.constant({}), fc.record({ S1: fc.integer({ min: 0, max: 40 }) })),
    lowStockHoldback: fc.integer({ min: 0, max: 30 }),
    cap: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
    untracked: fc.constant({ mode: "fixed" as const, quantity: 0 }),
    warehouses: withWarehouses ? warehousesArb : fc.constant([]),
    velocityProtection: fc.record({
      enabled: fc.boolean(),
      windowSeconds: fc.option(fc.integer({ min: 15, max: 600 }), { nil: null }),
    }),
  });

function quantityOf(result: SellableResult): number {
  if (result.kind !== "push") throw new Error("tracked variants are always pushed");
  return result.quantity;
}

const positiveChosen = (s: SkuStockSnapshot, r: ConnectionStockRules) =>
  s.levels.filter((l) => r.locationIds.includes(l.locationId)).reduce((sum, l) => sum + Math.max(0, l.available), 0);

describe("sellableQuantity: properties", () => {
  it("is a non-negative integer, never above the positive available at chosen locations", () => {
    fc.assert(
      fc.property(snapshotArb, fc.boolean().chain(rulesArb), (s, r) => {
        const q = quantityOf(sellableQuantity(s, r));
        expect(Number.isInteger(q)).toBe(true);
        expect(q).toBeGreaterThanOrEqual(0);
        expect(q).toBeLessThanOrEqual(positiveChosen(s, r));
        if (r.cap !== null) expect(q).toBeLessThanOrEqual(r.cap);
      }),
      params,
    );
  });

  it("never exceeds Σ available − reservations − buffer (the rules only ever take away)", () => {
    fc.assert(
      fc.property(snapshotArb, rulesArb(false), (s, r) => {
        const buffer = Object.hasOwn(r.bufferOverrides, s.sku) ? r.bufferOverrides[s.sku] : r.buffer;
        const net =
          s.levels.filter((l) => r.locationIds.includes(l.locationId)).reduce((sum, l) => sum + l.available, 0) -
          s.reservedNotInShopify -
          buffer;
        const q = quantityOf(sellableQuantity(s, r));
        expect(q).toBeLessThanOrEqual(Math.max(0, net));
        // Something is advertised only when the stock left is above the holdback (the cap may then
        // advertise less than the holdback: the holdback judges the stock, the cap the advertisement).
        if (q > 0) expect(net).toBeGreaterThan(r.lowStockHoldback);
      }),
      params,
    );
  });

  it("is monotonic in available: more stock at a location never advertises less", () => {
    fc.assert(
      fc.property(
        snapshotArb,
        fc.boolean().chain(rulesArb),
        fc.constantFrom(...LOCATIONS),
        fc.integer({ min: 0, max: 50 }),
        (s, r, location, more) => {
          const existing = s.levels.find((l) => l.locationId === location);
          const richer: SkuStockSnapshot = {
            ...s,
            levels: existing
              ? s.levels.map((l) => (l.locationId === location ? { ...l, available: l.available + more } : l))
              : [...s.levels, { locationId: location, available: more }],
          };
          expect(quantityOf(sellableQuantity(richer, r))).toBeGreaterThanOrEqual(quantityOf(sellableQuantity(s, r)));
        },
      ),
      params,
    );
  });

  it("is anti-monotonic in reservations", () => {
    fc.assert(
      fc.property(snapshotArb, fc.boolean().chain(rulesArb), fc.integer({ min: 0, max: 50 }), (s, r, more) => {
        const busier = { ...s, reservedNotInShopify: s.reservedNotInShopify + more };
        expect(quantityOf(sellableQuantity(busier, r))).toBeLessThanOrEqual(quantityOf(sellableQuantity(s, r)));
      }),
      params,
    );
  });

  it("is anti-monotonic in the buffer (default and per-SKU override)", () => {
    fc.assert(
      fc.property(snapshotArb, fc.boolean().chain(rulesArb), fc.integer({ min: 0, max: 50 }), (s, r, more) => {
        const base = quantityOf(sellableQuantity(s, r));
        const biggerDefault = { ...r, buffer: r.buffer + more };
        expect(quantityOf(sellableQuantity(s, biggerDefault))).toBeLessThanOrEqual(base);
        const current = Object.hasOwn(r.bufferOverrides, s.sku) ? r.bufferOverrides[s.sku] : r.buffer;
        const biggerOverride = { ...r, bufferOverrides: { ...r.bufferOverrides, [s.sku]: current + more } };
        expect(quantityOf(sellableQuantity(s, biggerOverride))).toBeLessThanOrEqual(base);
      }),
      params,
    );
  });

  it("choosing one more location never advertises more than its positive stock adds", () => {
    fc.assert(
      fc.property(snapshotArb, rulesArb(false), fc.constantFrom(...LOCATIONS), (s, r, location) => {
        fc.pre(!r.locationIds.includes(location));
        const wider = { ...r, locationIds: [...r.locationIds, location] };
        const added = Math.max(0, s.levels.find((l) => l.locationId === location)?.available ?? 0);
        expect(quantityOf(sellableQuantity(s, wider))).toBeLessThanOrEqual(
          quantityOf(sellableQuantity(s, r)) + added + Math.max(r.lowStockHoldback, 0),
        );
      }),
      params,
    );
  });

  it("per warehouse: the total never exceeds the single-pool result, and no warehouse exceeds what it holds", () => {
    fc.assert(
      fc.property(snapshotArb, rulesArb(true), (s, r) => {
        const split = sellableQuantity(s, r);
        const single = quantityOf(sellableQuantity(s, { ...r, warehouses: [] }));
        if (split.kind !== "push" || !r.warehouses.length) return;
        const warehouses = split.warehouses!;
        expect(warehouses.map((w) => w.code)).toEqual(r.warehouses.map((w) => w.code));
        const total = warehouses.reduce((sum, w) => sum + w.quantity, 0);
        expect(total).toBe(split.quantity);
        expect(total).toBeLessThanOrEqual(single);
        warehouses.forEach((w, i) => {
          const held = s.levels
            .filter((l) => r.warehouses[i].locationIds.includes(l.locationId) && r.locationIds.includes(l.locationId))
            .reduce((sum, l) => sum + l.available, 0);
          expect(w.quantity).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(w.quantity)).toBe(true);
          expect(w.quantity).toBeLessThanOrEqual(Math.max(0, held));
        });
      }),
      params,
    );
  });

  it("per warehouse: when every chosen location feeds a warehouse, the whole pool is advertised", () => {
    fc.assert(
      fc.property(snapshotArb, rulesArb(true), (s, r) => {
        const mapped = new Set(r.warehouses.flatMap((w) => w.locationIds));
        fc.pre(r.warehouses.length > 0 && r.locationIds.every((id) => mapped.has(id)));
        // Only when no warehouse is in deficit (a negative warehouse lowers the pool but cannot give back).
        fc.pre(
          r.warehouses.every((w) =>
            s.levels
              .filter((l) => w.locationIds.includes(l.locationId) && r.locationIds.includes(l.locationId))
              .every((l) => l.available >= 0),
          ),
        );
        expect(quantityOf(sellableQuantity(s, r))).toBe(quantityOf(sellableQuantity(s, { ...r, warehouses: [] })));
      }),
      params,
    );
  });

  it("anything but an ACTIVE existing product advertises 0", () => {
    fc.assert(
      fc.property(
        snapshotArb,
        fc.boolean().chain(rulesArb),
        fc.oneof(fc.constantFrom("ARCHIVED", "DRAFT", "UNLISTED", null), fc.string()).filter((s) => s !== "ACTIVE"),
        fc.boolean(),
        (s, r, productStatus, tracked) => {
          const result = sellableQuantity({ ...s, productStatus, tracked }, r);
          expect(quantityOf(result)).toBe(0);
          if (result.kind === "push" && result.warehouses)
            expect(result.warehouses.every((w) => w.quantity === 0)).toBe(true);
          expect(quantityOf(sellableQuantity({ ...s, variantExists: false, tracked }, r))).toBe(0);
        },
      ),
      params,
    );
  });
});

describe("allocatePool: properties", () => {
  it("allocates min(pool, Σ capacity), each warehouse within its capacity", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 6 }),
        (pool, capacities) => {
          const warehouses = capacities.map((capacity, i) => ({ code: `W${i}`, capacity }));
          const allocations = allocatePool(pool, warehouses);
          const total = allocations.reduce((sum, a) => sum + a.quantity, 0);
          expect(total).toBe(
            Math.min(
              Math.max(0, pool),
              capacities.reduce((a, b) => a + b, 0),
            ),
          );
          allocations.forEach((a, i) => {
            expect(a.code).toBe(`W${i}`);
            expect(a.quantity).toBeGreaterThanOrEqual(0);
            expect(a.quantity).toBeLessThanOrEqual(capacities[i]);
          });
        },
      ),
      params,
    );
  });
});
