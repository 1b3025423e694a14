import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  defaultStockRules,
  sellableQuantity,
  stockRulesSchema,
  type ConnectionStockRules,
  type SellableResult,
  type SkuStockSnapshot,
  type ZeroReason,
} from "~/domain/sellable-quantity";

type RulesInput = z.input<typeof stockRulesSchema>;

const rules = (over: RulesInput = {}): ConnectionStockRules =>
  stockRulesSchema.parse({ locationIds: ["A", "B"], ...over });
const levels = (byLocation: Record<string, number>) =>
  Object.entries(byLocation).map(([locationId, available]) => ({ locationId, available }));
const snap = (over: Partial<SkuStockSnapshot> = {}): SkuStockSnapshot => ({
  sku: "SKU-1",
  variantExists: true,
  productStatus: "ACTIVE",
  tracked: true,
  levels: [],
  reservedNotInShopify: 0,
  ...over,
});

function pushed(result: SellableResult) {
  if (result.kind !== "push") throw new Error(`expected a pushed result, got ${result.kind}`);
  return result;
}

interface Case {
  name: string;
  snapshot?: Partial<SkuStockSnapshot>;
  rules?: RulesInput;
  quantity: number;
  zeroReason?: ZeroReason;
}

const cases: Case[] = [
  // Σ available over the chosen locations
  { name: "sums available over the chosen locations", snapshot: { levels: levels({ A: 3, B: 4 }) }, quantity: 7 },
  { name: "a location not chosen contributes nothing", snapshot: { levels: levels({ A: 3, C: 100 }) }, quantity: 3 },
  {
    name: "a chosen location without an inventory level contributes 0",
    snapshot: { levels: levels({ A: 4 }) },
    quantity: 4,
  },
  { name: "no levels at all: 0", snapshot: { levels: [] }, quantity: 0, zeroReason: "no-stock" },
  {
    name: "levels only at unchosen locations: 0",
    snapshot: { levels: levels({ C: 9 }) },
    quantity: 0,
    zeroReason: "no-stock",
  },
  {
    name: "no location chosen: nothing sellable",
    snapshot: { levels: levels({ A: 5 }) },
    rules: { locationIds: [] },
    quantity: 0,
    zeroReason: "no-locations-chosen",
  },
  {
    name: "a negative available subtracts from the other chosen locations",
    snapshot: { levels: levels({ A: -3, B: 5 }) },
    quantity: 2,
  },
  {
    name: "a negative available at an unchosen location is ignored",
    snapshot: { levels: levels({ A: 5, C: -10 }) },
    quantity: 5,
  },
  { name: "all negative: 0", snapshot: { levels: levels({ A: -3, B: -1 }) }, quantity: 0, zeroReason: "no-stock" },
  {
    name: "negative outweighing the rest: 0",
    snapshot: { levels: levels({ A: -8, B: 5 }) },
    quantity: 0,
    zeroReason: "no-stock",
  },
  { name: "zero stock: 0", snapshot: { levels: levels({ A: 0, B: 0 }) }, quantity: 0, zeroReason: "no-stock" },

  // reservations not yet in Shopify
  {
    name: "reservations are subtracted",
    snapshot: { levels: levels({ A: 10 }), reservedNotInShopify: 3 },
    quantity: 7,
  },
  {
    name: "reservations equal to stock: 0",
    snapshot: { levels: levels({ A: 3 }), reservedNotInShopify: 3 },
    quantity: 0,
    zeroReason: "reservations",
  },
  {
    name: "reservations exceeding stock: 0, never negative",
    snapshot: { levels: levels({ A: 2 }), reservedNotInShopify: 5 },
    quantity: 0,
    zeroReason: "reservations",
  },
  {
    name: "reservations with no stock keep the no-stock reason",
    snapshot: { levels: [], reservedNotInShopify: 5 },
    quantity: 0,
    zeroReason: "no-stock",
  },

  // buffer
  { name: "default buffer", snapshot: { levels: levels({ A: 10 }) }, rules: { buffer: 2 }, quantity: 8 },
  {
    name: "buffer equal to stock: 0",
    snapshot: { levels: levels({ A: 2 }) },
    rules: { buffer: 2 },
    quantity: 0,
    zeroReason: "buffer",
  },
  {
    name: "buffer larger than stock: 0",
    snapshot: { levels: levels({ A: 2 }) },
    rules: { buffer: 9 },
    quantity: 0,
    zeroReason: "buffer",
  },
  {
    name: "per-SKU override wins even when smaller",
    snapshot: { levels: levels({ A: 10 }) },
    rules: { buffer: 5, bufferOverrides: { "SKU-1": 1 } },
    quantity: 9,
  },
  {
    name: "per-SKU override 0 removes the buffer",
    snapshot: { levels: levels({ A: 10 }) },
    rules: { buffer: 5, bufferOverrides: { "SKU-1": 0 } },
    quantity: 10,
  },
  {
    name: "per-SKU override larger than the default",
    snapshot: { levels: levels({ A: 10 }) },
    rules: { buffer: 1, bufferOverrides: { "SKU-1": 4 } },
    quantity: 6,
  },
  {
    name: "another SKU's override does not apply",
    snapshot: { levels: levels({ A: 10 }) },
    rules: { buffer: 5, bufferOverrides: { "SKU-2": 0 } },
    quantity: 5,
  },
  {
    name: "override lookup ignores Object prototype keys",
    snapshot: { sku: "constructor", levels: levels({ A: 10 }) },
    rules: { buffer: 2 },
    quantity: 8,
  },
  {
    name: "reservations and buffer add up",
    snapshot: { levels: levels({ A: 10 }), reservedNotInShopify: 4 },
    rules: { buffer: 3 },
    quantity: 3,
  },
  {
    name: "reservations then buffer reach 0: reason buffer",
    snapshot: { levels: levels({ A: 10 }), reservedNotInShopify: 7 },
    rules: { buffer: 3 },
    quantity: 0,
    zeroReason: "buffer",
  },

  // low-stock holdback
  {
    name: "holdback: at the threshold → 0",
    snapshot: { levels: levels({ A: 3 }) },
    rules: { lowStockHoldback: 3 },
    quantity: 0,
    zeroReason: "holdback",
  },
  {
    name: "holdback: below the threshold → 0",
    snapshot: { levels: levels({ A: 1 }) },
    rules: { lowStockHoldback: 3 },
    quantity: 0,
    zeroReason: "holdback",
  },
  {
    name: "holdback: above the threshold → unchanged",
    snapshot: { levels: levels({ A: 4 }) },
    rules: { lowStockHoldback: 3 },
    quantity: 4,
  },
  { name: "holdback 0 is off", snapshot: { levels: levels({ A: 1 }) }, rules: { lowStockHoldback: 0 }, quantity: 1 },
  {
    name: "holdback is applied after reservations and buffer",
    snapshot: { levels: levels({ A: 10 }), reservedNotInShopify: 2 },
    rules: { buffer: 3, lowStockHoldback: 5 },
    quantity: 0,
    zeroReason: "holdback",
  },
  {
    name: "holdback just below the net quantity",
    snapshot: { levels: levels({ A: 10 }), reservedNotInShopify: 2 },
    rules: { buffer: 3, lowStockHoldback: 4 },
    quantity: 5,
  },

  // cap
  { name: "cap limits what is advertised", snapshot: { levels: levels({ A: 100 }) }, rules: { cap: 10 }, quantity: 10 },
  {
    name: "cap above the stock changes nothing",
    snapshot: { levels: levels({ A: 5 }) },
    rules: { cap: 10 },
    quantity: 5,
  },
  { name: "cap equal to the stock", snapshot: { levels: levels({ A: 10 }) }, rules: { cap: 10 }, quantity: 10 },
  {
    name: "cap 0 advertises nothing",
    snapshot: { levels: levels({ A: 5 }) },
    rules: { cap: 0 },
    quantity: 0,
    zeroReason: "cap",
  },
  {
    name: "cap applies after the buffer",
    snapshot: { levels: levels({ A: 12 }) },
    rules: { buffer: 4, cap: 10 },
    quantity: 8,
  },
  {
    name: "cap below holdback: stock at the holdback → 0",
    snapshot: { levels: levels({ A: 5 }) },
    rules: { lowStockHoldback: 5, cap: 3 },
    quantity: 0,
    zeroReason: "holdback",
  },
  {
    name: "cap below holdback: stock above the holdback → the cap",
    snapshot: { levels: levels({ A: 6 }) },
    rules: { lowStockHoldback: 5, cap: 3 },
    quantity: 3,
  },
  {
    name: "Mirakl's maximum quantity bounds the result",
    snapshot: { levels: levels({ A: 900_000_000, B: 900_000_000 }) },
    quantity: 1_000_000_000,
  },

  // product and variant status
  {
    name: "archived product → 0",
    snapshot: { productStatus: "ARCHIVED", levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "draft product → 0",
    snapshot: { productStatus: "DRAFT", levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "unlisted product → 0",
    snapshot: { productStatus: "UNLISTED", levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "unknown product status → 0",
    snapshot: { productStatus: "SOMETHING_NEW", levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "lower-case status is not ACTIVE → 0",
    snapshot: { productStatus: "active", levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "deleted product (no status) → 0",
    snapshot: { productStatus: null, levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "deleted variant → 0",
    snapshot: { variantExists: false, levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "variant-missing",
  },
  {
    name: "deleted variant wins over the untracked rule",
    snapshot: { variantExists: false, tracked: false },
    rules: { untracked: { mode: "fixed", quantity: 5 } },
    quantity: 0,
    zeroReason: "variant-missing",
  },
  {
    name: "archived untracked variant → 0",
    snapshot: { productStatus: "ARCHIVED", tracked: false },
    rules: { untracked: { mode: "fixed", quantity: 5 } },
    quantity: 0,
    zeroReason: "product-inactive",
  },
  {
    name: "archived untracked variant with exclude → 0, still pushed",
    snapshot: { productStatus: "ARCHIVED", tracked: false },
    rules: { untracked: { mode: "exclude" } },
    quantity: 0,
    zeroReason: "product-inactive",
  },

  // untracked inventory
  {
    name: "untracked: the fixed quantity, whatever the levels",
    snapshot: { tracked: false, levels: levels({ A: -4 }) },
    rules: { untracked: { mode: "fixed", quantity: 7 } },
    quantity: 7,
  },
  {
    name: "untracked: reservations, buffer and holdback do not apply",
    snapshot: { tracked: false, reservedNotInShopify: 5 },
    rules: { untracked: { mode: "fixed", quantity: 7 }, buffer: 3, lowStockHoldback: 10 },
    quantity: 7,
  },
  {
    name: "untracked: the cap applies",
    snapshot: { tracked: false },
    rules: { untracked: { mode: "fixed", quantity: 7 }, cap: 5 },
    quantity: 5,
  },
  {
    name: "untracked: cap 0 → 0",
    snapshot: { tracked: false },
    rules: { untracked: { mode: "fixed", quantity: 7 }, cap: 0 },
    quantity: 0,
    zeroReason: "cap",
  },
  {
    name: "untracked: fixed 0",
    snapshot: { tracked: false },
    rules: { untracked: { mode: "fixed", quantity: 0 } },
    quantity: 0,
    zeroReason: "untracked-fixed-zero",
  },
  {
    name: "untracked by default → fixed 0",
    snapshot: { tracked: false, levels: levels({ A: 10 }) },
    quantity: 0,
    zeroReason: "untracked-fixed-zero",
  },
  {
    name: "untracked: works with no location chosen",
    snapshot: { tracked: false },
    rules: { locationIds: [], untracked: { mode: "fixed", quantity: 2 } },
    quantity: 2,
  },

  // corrupt data
  {
    name: "fractional available at a chosen location → 0",
    snapshot: { levels: levels({ A: 1.5, B: 4 }) },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
  {
    name: "NaN available → 0",
    snapshot: { levels: levels({ A: Number.NaN, B: 4 }) },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
  {
    name: "infinite available → 0",
    snapshot: { levels: levels({ A: Number.POSITIVE_INFINITY }) },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
  {
    name: "the same chosen location twice → 0",
    snapshot: {
      levels: [
        { locationId: "A", available: 5 },
        { locationId: "A", available: 5 },
      ],
    },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
  {
    name: "corrupt level at an unchosen location is ignored",
    snapshot: {
      levels: [...levels({ A: 5 }), { locationId: "C", available: Number.NaN }, { locationId: "C", available: 1 }],
    },
    quantity: 5,
  },
  {
    name: "negative reservation count → 0",
    snapshot: { levels: levels({ A: 5 }), reservedNotInShopify: -2 },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
  {
    name: "fractional reservation count → 0",
    snapshot: { levels: levels({ A: 5 }), reservedNotInShopify: 0.5 },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
  {
    name: "NaN reservation count → 0",
    snapshot: { levels: levels({ A: 5 }), reservedNotInShopify: Number.NaN },
    quantity: 0,
    zeroReason: "invalid-inventory-data",
  },
];

describe("sellableQuantity: rules and combinations", () => {
  it.each(cases)("$name", ({ snapshot, rules: over, quantity, zeroReason }) => {
    const result = pushed(sellableQuantity(snap(snapshot), rules(over)));
    expect(result.quantity).toBe(quantity);
    expect(result.zeroReason).toBe(quantity === 0 ? zeroReason : null);
    expect(result.warehouses).toBeNull();
  });
});

describe("sellableQuantity: untracked variants excluded", () => {
  it("is 'excluded', distinct from 0, and says why", () => {
    const result = sellableQuantity(
      snap({ tracked: false, levels: levels({ A: 10 }) }),
      rules({ untracked: { mode: "exclude" } }),
    );
    expect(result).toEqual({
      kind: "excluded",
      reason: "untracked-excluded",
      steps: [{ step: "untracked", rule: { mode: "exclude" } }],
    });
  });
  it("is excluded with warehouses too", () => {
    const result = sellableQuantity(
      snap({ tracked: false }),
      rules({ untracked: { mode: "exclude" }, warehouses: [{ code: "W1", locationIds: ["A"] }] }),
    );
    expect(result.kind).toBe("excluded");
  });
  it("a tracked variant is never excluded", () => {
    expect(sellableQuantity(snap({ levels: levels({ A: 1 }) }), rules({ untracked: { mode: "exclude" } })).kind).toBe(
      "push",
    );
  });
});

describe("sellableQuantity: default rules never push stock blindly", () => {
  it("advertises 0 for a stocked variant until locations are chosen", () => {
    const result = pushed(sellableQuantity(snap({ levels: levels({ A: 50 }) }), defaultStockRules()));
    expect(result.quantity).toBe(0);
    expect(result.zeroReason).toBe("no-locations-chosen");
  });
  it("advertises 0 for an untracked variant", () => {
    expect(pushed(sellableQuantity(snap({ tracked: false }), defaultStockRules())).quantity).toBe(0);
  });
});

describe("sellableQuantity: explanation", () => {
  it("lists every step with the running quantity", () => {
    const result = pushed(
      sellableQuantity(
        snap({ levels: levels({ A: 12, C: 40, B: -2 }), reservedNotInShopify: 3 }),
        rules({
          locationIds: ["A", "B", "D"],
          buffer: 1,
          bufferOverrides: { "SKU-1": 2 },
          lowStockHoldback: 2,
          cap: 4,
        }),
      ),
    );
    expect(result).toEqual({
      kind: "push",
      quantity: 4,
      warehouses: null,
      zeroReason: null,
      steps: [
        {
          step: "locations",
          total: 10,
          locations: [
            { locationId: "A", available: 12, note: "counted" },
            { locationId: "B", available: -2, note: "counted" },
            { locationId: "D", available: null, note: "not-stocked" },
            { locationId: "C", available: 40, note: "not-chosen" },
          ],
        },
        { step: "reservations", units: 3, after: 7 },
        { step: "buffer", units: 2, source: "override", after: 5 },
        { step: "holdback", threshold: 2, applied: false, after: 5 },
        { step: "cap", cap: 4, applied: true, after: 4 },
      ],
    });
  });

  it("records the floor at 0 and the holdback that did not change anything", () => {
    const result = pushed(
      sellableQuantity(snap({ levels: levels({ A: 2 }), reservedNotInShopify: 5 }), rules({ buffer: 1 })),
    );
    expect(result.steps.slice(1)).toEqual([
      { step: "reservations", units: 5, after: -3 },
      { step: "buffer", units: 1, source: "default", after: -4 },
      { step: "floor", before: -4, after: 0 },
      { step: "holdback", threshold: 0, applied: false, after: 0 },
    ]);
    expect(result.zeroReason).toBe("reservations");
  });

  it("names the zero reason for an archived product with a single step", () => {
    expect(sellableQuantity(snap({ productStatus: "ARCHIVED" }), rules())).toEqual({
      kind: "push",
      quantity: 0,
      warehouses: null,
      zeroReason: "product-inactive",
      steps: [{ step: "product-inactive", status: "ARCHIVED" }],
    });
  });

  it("names the corrupt datum", () => {
    const result = pushed(
      sellableQuantity(
        snap({
          levels: [
            { locationId: "A", available: 1 },
            { locationId: "A", available: 2 },
          ],
        }),
        rules(),
      ),
    );
    expect(result.steps).toEqual([
      { step: "invalid-inventory-data", problem: "location A appears twice in the inventory levels" },
    ]);
  });

  it("shows the untracked rule and the cap", () => {
    const result = pushed(
      sellableQuantity(snap({ tracked: false }), rules({ untracked: { mode: "fixed", quantity: 9 }, cap: 4 })),
    );
    expect(result.steps).toEqual([
      { step: "untracked", rule: { mode: "fixed", quantity: 9 } },
      { step: "cap", cap: 4, applied: true, after: 4 },
    ]);
  });

  it("the last step's running quantity is the advertised quantity", () => {
    const result = pushed(
      sellableQuantity(
        snap({ levels: levels({ A: 30, B: 7 }), reservedNotInShopify: 1 }),
        rules({ buffer: 2, cap: 50 }),
      ),
    );
    const last = result.steps.at(-1)!;
    expect("after" in last && last.after).toBe(result.quantity);
    expect(result.quantity).toBe(34);
  });
});

describe("sellableQuantity: per-warehouse stock", () => {
  const two = [
    { code: "W1", locationIds: ["A"] },
    { code: "W2", locationIds: ["B"] },
  ];
  const run = (snapshot: Partial<SkuStockSnapshot>, over: RulesInput = {}) =>
    pushed(sellableQuantity(snap(snapshot), rules({ warehouses: two, ...over })));

  it("gives each warehouse the stock of its locations", () => {
    const result = run({ levels: levels({ A: 3, B: 4 }) });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 3 },
      { code: "W2", quantity: 4 },
    ]);
    expect(result.quantity).toBe(7);
  });

  it("takes reservations and the buffer off the pool, largest warehouse served first", () => {
    const result = run({ levels: levels({ A: 3, B: 4 }), reservedNotInShopify: 2 }, { buffer: 1 });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 0 },
      { code: "W2", quantity: 4 },
    ]);
    expect(result.quantity).toBe(4);
  });

  it("breaks capacity ties in mapping order", () => {
    const result = run({ levels: levels({ A: 5, B: 5 }), reservedNotInShopify: 7 });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 3 },
      { code: "W2", quantity: 0 },
    ]);
  });

  it("a negative location lowers its warehouse and the pool, and no warehouse gets more than it holds", () => {
    const result = run({ levels: levels({ A: -3, B: 5 }) });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 0 },
      { code: "W2", quantity: 2 },
    ]);
  });

  it("sums the locations of a warehouse, negative included", () => {
    const result = pushed(
      sellableQuantity(
        snap({ levels: levels({ A: 5, B: 4, C: -2 }) }),
        rules({
          locationIds: ["A", "B", "C"],
          warehouses: [
            { code: "W1", locationIds: ["A", "C"] },
            { code: "W2", locationIds: ["B"] },
          ],
        }),
      ),
    );
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 3 },
      { code: "W2", quantity: 4 },
    ]);
  });

  it("ignores mapped locations that are not chosen (unknown or unchosen ids), and says so", () => {
    const result = pushed(
      sellableQuantity(
        snap({ levels: levels({ A: 2, Z: 100 }) }),
        rules({
          locationIds: ["A"],
          warehouses: [
            { code: "W1", locationIds: ["A", "Z"] },
            { code: "W2", locationIds: ["GHOST"] },
          ],
        }),
      ),
    );
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 2 },
      { code: "W2", quantity: 0 },
    ]);
    expect(result.steps.at(-1)).toEqual({
      step: "warehouses",
      pool: 2,
      unallocated: 0,
      allocations: [
        { code: "W1", capacity: 2, quantity: 2, locationIds: ["A"], ignoredLocationIds: ["Z"] },
        { code: "W2", capacity: 0, quantity: 0, locationIds: [], ignoredLocationIds: ["GHOST"] },
      ],
    });
  });

  it("stock at a chosen location that feeds no warehouse is not advertised", () => {
    const result = pushed(
      sellableQuantity(
        snap({ levels: levels({ A: 1, C: 10 }) }),
        rules({ locationIds: ["A", "C"], warehouses: [{ code: "W1", locationIds: ["A"] }] }),
      ),
    );
    expect(result.quantity).toBe(1);
    expect(result.steps.at(-1)).toMatchObject({ step: "warehouses", pool: 11, unallocated: 10 });
  });

  it("reason no-warehouse-stock when the pool is positive but no warehouse holds any of it", () => {
    const result = pushed(
      sellableQuantity(
        snap({ levels: levels({ C: 10 }) }),
        rules({ locationIds: ["A", "C"], warehouses: [{ code: "W1", locationIds: ["A"] }] }),
      ),
    );
    expect(result.quantity).toBe(0);
    expect(result.zeroReason).toBe("no-warehouse-stock");
  });

  it("applies the holdback to the pool", () => {
    const result = run({ levels: levels({ A: 1, B: 2 }) }, { lowStockHoldback: 3 });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 0 },
      { code: "W2", quantity: 0 },
    ]);
    expect(result.zeroReason).toBe("holdback");
  });

  it("applies the cap to the total", () => {
    const result = run({ levels: levels({ A: 3, B: 4 }) }, { cap: 5 });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 1 },
      { code: "W2", quantity: 4 },
    ]);
    expect(result.quantity).toBe(5);
  });

  it("an untracked variant's fixed quantity goes to the first warehouse only", () => {
    const result = run({ tracked: false }, { untracked: { mode: "fixed", quantity: 6 } });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 6 },
      { code: "W2", quantity: 0 },
    ]);
    expect(result.quantity).toBe(6);
  });

  it("an archived product zeroes every warehouse", () => {
    const result = run({ productStatus: "ARCHIVED", levels: levels({ A: 3, B: 4 }) });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 0 },
      { code: "W2", quantity: 0 },
    ]);
    expect(result.zeroReason).toBe("product-inactive");
  });

  it("corrupt data zeroes every warehouse", () => {
    const result = run({ levels: levels({ A: 0.5, B: 4 }) });
    expect(result.warehouses).toEqual([
      { code: "W1", quantity: 0 },
      { code: "W2", quantity: 0 },
    ]);
  });
});
