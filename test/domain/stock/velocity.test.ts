import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sellableQuantity, type SaleEvent, type SkuStockSnapshot } from "~/domain/sellable-quantity";
import { explainOfferStock } from "~/domain/stock/explain";
import { stockRulesSchema } from "~/domain/stock/rules";
import {
  DEFAULT_EXPOSURE_WINDOW_MS,
  exposureWindowMs,
  LARGEST_DROP_COUNTED_AS_SALE,
  MIRAKL_STOCK_IMPORT_INTERVAL_MS,
  poissonQuantile,
  saleUnitsOfDrop,
  VELOCITY_CONFIDENCE,
  VELOCITY_LONG_LOOKBACK_MS,
  velocityHold,
} from "~/domain/stock/velocity";

const W = DEFAULT_EXPOSURE_WINDOW_MS; // 80 s
const SHORT = 2 * W; // 160 s
const NOW = 10_000_000;
const sale = (secondsAgo: number, units = 1, locationId: string | null = "A"): SaleEvent => ({
  at: NOW - secondsAgo * 1000,
  units,
  locationId,
});

describe("exposure window", () => {
  it("is derived from the import cadence, with a per-connection override", () => {
    expect(DEFAULT_EXPOSURE_WINDOW_MS).toBeGreaterThan(MIRAKL_STOCK_IMPORT_INTERVAL_MS);
    expect(exposureWindowMs(null)).toBe(80_000);
    expect(exposureWindowMs(120)).toBe(120_000);
  });
});

describe("saleUnitsOfDrop", () => {
  it.each([
    [10, 7, 3],
    [1, -1, 2],
    [5, 5, 0],
    [5, 9, 0],
    [50, 50 - LARGEST_DROP_COUNTED_AS_SALE, LARGEST_DROP_COUNTED_AS_SALE],
    [50, 49 - LARGEST_DROP_COUNTED_AS_SALE, 0],
    [1.5, 0, 0],
  ])("%s → %s is %s sold", (before, after, units) => expect(saleUnitsOfDrop(before, after)).toBe(units));
});

describe("poissonQuantile", () => {
  it.each([
    [0, 0],
    [-1, 0],
    [Number.NaN, 0],
    [1, 4],
    [2.5, 7],
    [10, 18],
  ])("Poisson(%s) stays at or below %s 99 times in 100", (mean, k) => expect(poissonQuantile(mean)).toBe(k));

  it("property: the smallest k whose cumulative probability reaches the confidence, monotone in the mean", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 900, noNaN: true }),
        fc.double({ min: 0.01, max: 900, noNaN: true }),
        (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(poissonQuantile(low)).toBeLessThanOrEqual(poissonQuantile(high));
          if (high <= 700) {
            const k = poissonQuantile(high);
            let term = Math.exp(-high);
            let cumulative = term;
            for (let i = 1; i <= k; i++) {
              term *= high / i;
              cumulative += term;
            }
            expect(cumulative).toBeGreaterThanOrEqual(VELOCITY_CONFIDENCE);
            expect(cumulative - term).toBeLessThan(VELOCITY_CONFIDENCE);
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe("velocityHold", () => {
  it("holds nothing without sales", () => {
    expect(velocityHold([], NOW, W)).toMatchObject({ units: 0, sales: 0, changesAt: null });
  });

  it("a single isolated sale holds nothing (the ramp), however large", () => {
    expect(velocityHold([sale(10, 3)], NOW, W)).toMatchObject({ units: 0, sales: 1, soldUnits: 3, changesAt: null });
  });

  it("holds what one exposure window sells at the short look-back's rate, 99 times in 100", () => {
    // 5 units in the last 160 s → 2.5 expected in 80 s; P(Poisson(2.5) ≤ 7) ≥ 0.99 > P(≤ 6).
    const hold = velocityHold([sale(10, 2), sale(60), sale(100), sale(150)], NOW, W);
    expect(hold).toMatchObject({ units: 7, soldUnits: 5, sales: 4, lookbackMs: SHORT });
    expect(hold.changesAt).toBe(NOW - 150_000 + SHORT);
  });

  it("remembers a flash sale through a lull with the long look-back", () => {
    // Nothing in the last 160 s, 10 units in the last 10 minutes → 1.33 expected in 80 s → 5.
    const sales = [200, 250, 300, 350, 400, 450, 500, 520, 540, 560].map((s) => sale(s));
    const hold = velocityHold(sales, NOW, W);
    expect(hold).toMatchObject({ units: 5, soldUnits: 10, lookbackMs: VELOCITY_LONG_LOOKBACK_MS });
    expect(hold.changesAt).toBe(NOW - 560_000 + VELOCITY_LONG_LOOKBACK_MS);
  });

  it("ignores sales older than the long look-back, at its exact edge included", () => {
    expect(velocityHold([sale(600), sale(700)], NOW, W).units).toBe(0);
    expect(velocityHold([sale(599), sale(598)], NOW, W).units).toBe(2);
  });

  it("counts marketplace orders at any location, Shopify sales only at chosen locations", () => {
    const chosen = new Set(["A"]);
    expect(velocityHold([sale(10, 1, "B"), sale(20, 1, "B")], NOW, W, chosen).units).toBe(0);
    expect(velocityHold([sale(10, 1, null), sale(20, 1, "A")], NOW, W, chosen).units).toBe(4);
  });

  it("counts a future sale as now and skips unusable ones", () => {
    expect(velocityHold([{ at: NOW + 60_000, units: 2, locationId: null }, sale(5, 2)], NOW, W).units).toBe(6);
    expect(
      velocityHold(
        [sale(5, 0), sale(6, -3), { at: Number.NaN, units: 2, locationId: null }, sale(7, Number.POSITIVE_INFINITY)],
        NOW,
        W,
      ).sales,
    ).toBe(0);
  });

  const salesArb = fc.array(
    fc.record({
      at: fc.integer({ min: NOW - 900_000, max: NOW + 10_000 }),
      units: fc.integer({ min: 1, max: 6 }),
      locationId: fc.constantFrom<string | null>("A", "B", null),
    }),
    { maxLength: 12 },
  );
  const windowArb = fc.integer({ min: 15, max: 600 }).map((s) => s * 1000);
  const params = { numRuns: 400, seed: 20_261_201 };

  it("property: one more sale never holds less", () => {
    fc.assert(
      fc.property(salesArb, salesArb, windowArb, (sales, more, w) => {
        expect(velocityHold([...sales, ...more], NOW, w).units).toBeGreaterThanOrEqual(
          velocityHold(sales, NOW, w).units,
        );
      }),
      params,
    );
  });

  it("property: at least the units expected in a window at the short look-back's rate, and 0 with fewer than two sales", () => {
    fc.assert(
      fc.property(salesArb, windowArb, (sales, w) => {
        const hold = velocityHold(sales, NOW, w);
        const recent = sales.filter((s) => Math.min(s.at, NOW) > NOW - Math.max(2 * w, VELOCITY_LONG_LOOKBACK_MS));
        const short = sales.filter((s) => Math.min(s.at, NOW) > NOW - 2 * w);
        if (short.length >= 2)
          expect(hold.units).toBeGreaterThanOrEqual(Math.ceil(short.reduce((sum, s) => sum + s.units, 0) / 2));
        if (recent.length < 2) expect(hold.units).toBe(0);
      }),
      params,
    );
  });

  it("property: without new sales the hold never grows, changes no earlier than changesAt, and ends", () => {
    fc.assert(
      fc.property(salesArb, windowArb, fc.integer({ min: 0, max: 900_000 }), (sales, w, later) => {
        const past = sales.filter((s) => s.at <= NOW);
        const hold = velocityHold(past, NOW, w);
        const next = velocityHold(past, NOW + later, w);
        expect(next.units).toBeLessThanOrEqual(hold.units);
        if (hold.changesAt === null) expect(next.units).toBe(0);
        else if (NOW + later < hold.changesAt) expect(next.units).toBe(hold.units);
        expect(velocityHold(past, NOW + Math.max(2 * w, VELOCITY_LONG_LOOKBACK_MS), w).units).toBe(0);
      }),
      params,
    );
  });
});

describe("sellableQuantity with sales-velocity protection", () => {
  const rules = (extra: object = {}) => stockRulesSchema.parse({ locationIds: ["A"], ...extra });
  const snapshot = (
    available: number,
    sales: SaleEvent[],
    extra: Partial<SkuStockSnapshot> = {},
  ): SkuStockSnapshot => ({
    sku: "HOT",
    variantExists: true,
    productStatus: "ACTIVE",
    tracked: true,
    levels: [{ locationId: "A", available }],
    reservedNotInShopify: 0,
    velocity: { sales, now: NOW },
    ...extra,
  });
  const busy = [sale(10, 2), sale(60), sale(100), sale(150)]; // holds 7

  it("is on by default and subtracts the hold after reservations, before the buffer", () => {
    const result = sellableQuantity(snapshot(20, busy, { reservedNotInShopify: 1 }), rules({ buffer: 2 }));
    expect(result).toMatchObject({ kind: "push", quantity: 10, velocityReviewAt: NOW - 150_000 + SHORT });
    if (result.kind !== "push") return;
    expect(result.steps.map((s) => s.step)).toEqual(["locations", "reservations", "velocity", "buffer", "holdback"]);
  });

  it("names the velocity hold as the reason for 0", () => {
    expect(sellableQuantity(snapshot(3, busy), rules())).toMatchObject({ quantity: 0, zeroReason: "velocity" });
  });

  it("is off when the connection turns it off, and uses the connection's window", () => {
    expect(sellableQuantity(snapshot(10, busy), rules({ velocityProtection: { enabled: false } }))).toMatchObject({
      quantity: 10,
      velocityReviewAt: null,
    });
    // 240 s window: 5 units in 480 s → 2.5 expected → 7 (the 10-minute look-back: 2 expected → 6).
    expect(sellableQuantity(snapshot(10, busy), rules({ velocityProtection: { windowSeconds: 240 } }))).toMatchObject({
      quantity: 3,
    });
  });

  it("composes with holdback and cap: the holdback judges what is left after the hold", () => {
    expect(sellableQuantity(snapshot(8, busy), rules({ lowStockHoldback: 5 }))).toMatchObject({
      quantity: 0,
      zeroReason: "holdback",
    });
    expect(sellableQuantity(snapshot(20, busy), rules({ cap: 5 }))).toMatchObject({ quantity: 5 });
  });

  it("property: with nothing else in play, advertises max(0, available − hold)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 40 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: NOW - 700_000, max: NOW }),
            units: fc.integer({ min: 1, max: 4 }),
            locationId: fc.constant<string | null>("A"),
          }),
          { maxLength: 10 },
        ),
        (available, sales) => {
          const hold = velocityHold(sales, NOW, W).units;
          expect(sellableQuantity(snapshot(available, sales), rules())).toMatchObject({
            quantity: Math.max(0, available - hold),
          });
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it("explains the hold on the Stock page", () => {
    const result = sellableQuantity(snapshot(10, busy), rules());
    const explained = explainOfferStock({ shopifySku: "HOT", variantId: "v", result }, { A: "Warehouse" });
    expect(explained?.summary).toBe("10 at Warehouse − 7 held for sales velocity (5 sold in the last 2 min 40 s) = 3");
    expect(explained?.details).toContain("− 7 held for sales velocity (5 sold in the last 2 min 40 s) → 3");
    const single = sellableQuantity(snapshot(10, [sale(10)]), rules());
    expect(explainOfferStock({ shopifySku: "HOT", variantId: "v", result: single }, {})?.details).toContain(
      "Sales velocity: 1 sold in the last 2 min 40 s, a single sale is no rate yet",
    );
  });
});
