import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { priceRuleSchema, type PriceRule } from "~/domain/price-rule";
import { sellableQuantity, stockRulesSchema, type SellableResult } from "~/domain/sellable-quantity";
import type { SkuOverride } from "~/domain/sku-mapping";
import {
  feedersBySku,
  feedingVariants,
  offerSkusFedBy,
  planOfferRows,
  type ExistingOfferRow,
  type FeedingVariant,
  type PlannedOfferRow,
} from "~/domain/stock/offer-rows";

type RulesInput = z.input<typeof stockRulesSchema>;

interface Variant extends FeedingVariant {
  tracked: boolean;
  /** available per location */
  levels: Record<string, number>;
}

const variant = (variantId: string, sku: string, over: Partial<Variant> = {}): Variant => ({
  variantId,
  sku,
  productStatus: "ACTIVE",
  tracked: true,
  price: "20.00",
  compareAtPrice: null,
  levels: {},
  ...over,
});
const existingRow = (offerSku: string, over: Partial<ExistingOfferRow> = {}): ExistingOfferRow => ({
  offerSku,
  warehouseCode: "",
  shopifySku: offerSku,
  desiredQuantity: 5,
  desiredPrice: null,
  desiredDiscountPrice: null,
  ...over,
});
const map = (shopifySku: string, offerSku: string): SkuOverride => ({ shopifySku, offerSku });

/** One row as a line: `offer[@warehouse]=quantity ← shopifySku/variantId why`. */
function line(row: PlannedOfferRow): string {
  const where = row.warehouseCode ? `${row.offerSku}@${row.warehouseCode}` : row.offerSku;
  const e = row.explanation;
  const why =
    "zeroReason" in e
      ? `${e.zeroReason}${"variantIds" in e ? ` ${e.variantIds.join(",")}` : ""}`
      : e.result.kind === "excluded"
        ? "excluded"
        : `push${e.result.zeroReason ? ` ${e.result.zeroReason}` : ""}`;
  return `${where}=${row.quantity} ← ${row.shopifySku ?? "?"}/${row.variantId ?? "-"} ${why}`;
}

interface Case {
  name: string;
  skus: string[];
  live?: Variant[];
  overrides?: SkuOverride[];
  /** Stock rules; locations L1 and L2 are chosen unless said otherwise. */
  rules?: RulesInput;
  prices?: Partial<PriceRule>;
  existing?: ExistingOfferRow[];
  claims?: SkuOverride[];
  claimersWithVariants?: string[];
  rows: string[];
  reclaimed?: string[];
  duplicates?: string[];
  priceMayHaveChanged?: boolean;
  /** SKUs the sellable decision was asked about, in order. */
  decided?: string[];
}

const warehouses: RulesInput = {
  locationIds: ["L1", "L2"],
  warehouses: [
    { code: "W1", locationIds: ["L1"] },
    { code: "W2", locationIds: ["L2"] },
  ],
};

const cases: Case[] = [
  // One variant per SKU
  {
    name: "a SKU's one active variant feeds the offer of the same name",
    skus: ["A"],
    live: [variant("v1", "A", { levels: { L1: 3, L2: 4 } })],
    rows: ["A=7 ← A/v1 push"],
    decided: ["A"],
  },
  {
    name: "an archived copy next to the active product is a leftover: the active one feeds",
    skus: ["A"],
    live: [
      variant("v1", "A", { productStatus: "ARCHIVED", levels: { L1: 9 } }),
      variant("v2", "A", { levels: { L1: 2 } }),
    ],
    rows: ["A=2 ← A/v2 push"],
  },
  {
    name: "duplicate SKU: two active variants, the offer advertises 0 and names both, nothing is decided",
    skus: ["A"],
    live: [variant("v1", "A", { levels: { L1: 3 } }), variant("v2", "A", { levels: { L1: 4 } })],
    rows: ["A=0 ← A/- duplicate-shopify-sku v1,v2"],
    duplicates: ["A"],
    decided: [],
  },
  {
    name: "duplicate SKU: two archived copies and no active one are a duplicate too",
    skus: ["A"],
    live: [variant("v1", "A", { productStatus: "ARCHIVED" }), variant("v2", "A", { productStatus: "DRAFT" })],
    rows: ["A=0 ← A/- duplicate-shopify-sku v1,v2"],
    duplicates: ["A"],
  },
  {
    name: "duplicate SKU in warehouse mode: every warehouse row is 0",
    skus: ["A"],
    rules: warehouses,
    live: [variant("v1", "A"), variant("v2", "A")],
    rows: ["A@W1=0 ← A/- duplicate-shopify-sku v1,v2", "A@W2=0 ← A/- duplicate-shopify-sku v1,v2"],
    duplicates: ["A"],
  },
  {
    name: "draft variant alone: it feeds, and advertises 0 because the product is not active",
    skus: ["A"],
    live: [variant("v1", "A", { productStatus: "DRAFT", levels: { L1: 5 } })],
    rows: ["A=0 ← A/v1 push product-inactive"],
  },
  {
    name: "deleted product (status null): 0",
    skus: ["A"],
    live: [variant("v1", "A", { productStatus: null, levels: { L1: 5 } })],
    rows: ["A=0 ← A/v1 push product-inactive"],
  },
  {
    name: "no live variant (deleted, or the SKU was renamed away): 0, variant missing",
    skus: ["A"],
    live: [],
    rows: ["A=0 ← A/- push variant-missing"],
    decided: ["A"],
  },
  {
    name: "untracked variant with the rule exclude: the row is written with no quantity",
    skus: ["A"],
    rules: { locationIds: ["L1"], untracked: { mode: "exclude" } },
    live: [variant("v1", "A", { tracked: false })],
    rows: ["A=null ← A/v1 excluded"],
  },
  {
    name: "untracked and excluded in warehouse mode: every warehouse row, no quantity",
    skus: ["A"],
    rules: { ...warehouses, untracked: { mode: "exclude" } },
    live: [variant("v1", "A", { tracked: false })],
    rows: ["A@W1=null ← A/v1 excluded", "A@W2=null ← A/v1 excluded"],
  },

  // SKU mapping
  {
    name: "override: the SKU feeds the offer it is mapped onto",
    skus: ["A"],
    overrides: [map("A", "X")],
    live: [variant("v1", "A", { levels: { L1: 4 } })],
    rows: ["X=4 ← A/v1 push"],
  },
  {
    name: "shadowed: a SKU named like an offer another SKU is mapped onto feeds nothing",
    skus: ["X"],
    overrides: [map("A", "X")],
    live: [variant("v9", "X", { levels: { L1: 4 } })],
    rows: [],
    decided: [],
  },
  {
    name: "claimer and shadowed SKU in one batch: the offer is fed once, by the claimer",
    skus: ["A", "X"],
    overrides: [map("A", "X")],
    live: [variant("v1", "A", { levels: { L1: 1 } }), variant("v9", "X", { levels: { L1: 8 } })],
    rows: ["X=1 ← A/v1 push"],
    decided: ["A"],
  },

  // Warehouse fan-out
  {
    name: "warehouse fan-out: one row per Mirakl warehouse, each what its locations hold",
    skus: ["A"],
    rules: warehouses,
    live: [variant("v1", "A", { levels: { L1: 3, L2: 4 } })],
    rows: ["A@W1=3 ← A/v1 push", "A@W2=4 ← A/v1 push"],
  },
  {
    name: "warehouse fan-out with unallocated units: a chosen location in no warehouse adds nothing to a row",
    skus: ["A"],
    rules: { ...warehouses, locationIds: ["L1", "L2", "L3"] },
    live: [variant("v1", "A", { levels: { L1: 3, L2: 4, L3: 10 } })],
    rows: ["A@W1=3 ← A/v1 push", "A@W2=4 ← A/v1 push"],
  },
  {
    name: "warehouse fan-out after a buffer: the pool goes to the largest warehouse first",
    skus: ["A"],
    rules: { ...warehouses, buffer: 5 },
    live: [variant("v1", "A", { levels: { L1: 3, L2: 4 } })],
    rows: ["A@W1=0 ← A/v1 push", "A@W2=2 ← A/v1 push"],
  },
  {
    name: "warehouse mode: the offer's old global row is left alone (Mirakl reads the warehouse lines)",
    skus: ["A"],
    rules: warehouses,
    live: [variant("v1", "A", { levels: { L1: 1, L2: 1 } })],
    existing: [existingRow("A", { desiredQuantity: 7 })],
    rows: ["A@W1=1 ← A/v1 push", "A@W2=1 ← A/v1 push"],
  },

  // Rows fed before and no longer
  {
    name: "orphan: a warehouse no longer mapped has its row zeroed",
    skus: ["A"],
    rules: warehouses,
    live: [variant("v1", "A", { levels: { L1: 1, L2: 1 } })],
    existing: [existingRow("A", { warehouseCode: "W3", desiredQuantity: 2 })],
    rows: ["A@W1=1 ← A/v1 push", "A@W2=1 ← A/v1 push", "A@W3=0 ← A/- no-longer-fed"],
  },
  {
    name: "orphan: leaving warehouse mode zeroes the warehouse rows and writes the global one",
    skus: ["A"],
    live: [variant("v1", "A", { levels: { L1: 6 } })],
    existing: [existingRow("A", { warehouseCode: "W1", desiredQuantity: 2 })],
    rows: ["A=6 ← A/v1 push", "A@W1=0 ← A/- no-longer-fed"],
  },
  {
    name: "orphan already at 0 is not written again",
    skus: ["A"],
    rules: warehouses,
    live: [variant("v1", "A", { levels: { L1: 1, L2: 1 } })],
    existing: [existingRow("A", { warehouseCode: "W3", desiredQuantity: 0 })],
    rows: ["A@W1=1 ← A/v1 push", "A@W2=1 ← A/v1 push"],
  },
  {
    name: "orphan: an excluded row (no quantity) fed no more is zeroed",
    skus: ["A"],
    overrides: [map("A", "X")],
    live: [variant("v1", "A", { levels: { L1: 2 } })],
    existing: [existingRow("A", { desiredQuantity: null })],
    rows: ["X=2 ← A/v1 push", "A=0 ← A/- no-longer-fed"],
  },
  {
    name: "orphan offer: the SKU now feeds another offer and nobody claims its old one, which is zeroed",
    skus: ["A"],
    overrides: [map("A", "X")],
    live: [variant("v1", "A", { levels: { L1: 4 } })],
    existing: [existingRow("A")],
    rows: ["X=4 ← A/v1 push", "A=0 ← A/- no-longer-fed"],
  },
  {
    name: "claimer: another SKU with a variant is mapped onto the old offer, so that SKU is recomputed instead",
    skus: ["A"],
    overrides: [map("A", "X")],
    live: [variant("v1", "A", { levels: { L1: 4 } })],
    existing: [existingRow("A")],
    claims: [map("B", "A")],
    claimersWithVariants: ["B"],
    rows: ["X=4 ← A/v1 push"],
    reclaimed: ["B"],
  },
  {
    name: "claimer with no variant at all: it would never be recomputed, so the offer is zeroed",
    skus: ["A"],
    overrides: [map("A", "X")],
    live: [variant("v1", "A", { levels: { L1: 4 } })],
    existing: [existingRow("A")],
    claims: [map("B", "A")],
    claimersWithVariants: [],
    rows: ["X=4 ← A/v1 push", "A=0 ← A/- no-longer-fed"],
  },
  {
    name: "claimer: a shadowed SKU's old offer, claimed by a SKU outside the batch, is recomputed from that SKU",
    skus: ["X"],
    overrides: [map("A", "X")],
    live: [variant("v9", "X")],
    existing: [existingRow("X", { desiredQuantity: 4 })],
    claims: [map("A", "X")],
    claimersWithVariants: ["A"],
    rows: [],
    reclaimed: ["A"],
  },
  {
    name: "claimer in the batch itself is not reclaimed: it is being computed",
    skus: ["A", "B"],
    live: [variant("v1", "A", { levels: { L1: 1 } }), variant("v2", "B", { levels: { L1: 2 } })],
    existing: [existingRow("Z", { shopifySku: "A" })],
    claims: [map("B", "Z")],
    claimersWithVariants: ["B"],
    rows: ["A=1 ← A/v1 push", "B=2 ← B/v2 push", "Z=0 ← A/- no-longer-fed"],
  },

  // Price hint
  {
    name: "prices on: a fed offer whose price differs from the one written asks for a price push",
    skus: ["A"],
    prices: { enabled: true },
    live: [variant("v1", "A", { price: "21.00", levels: { L1: 1 } })],
    existing: [existingRow("A", { desiredPrice: "20.00" })],
    rows: ["A=1 ← A/v1 push"],
    priceMayHaveChanged: true,
  },
  {
    name: "prices on: the same price asks for nothing",
    skus: ["A"],
    prices: { enabled: true },
    live: [variant("v1", "A", { price: "20.00", levels: { L1: 1 } })],
    existing: [existingRow("A", { desiredPrice: "20" })], // stored canonical, as the price rule writes it
    rows: ["A=1 ← A/v1 push"],
    priceMayHaveChanged: false,
  },
  {
    name: "prices on: a new offer (no row yet) asks for a price push",
    skus: ["A"],
    prices: { enabled: true, markupPercent: 10 },
    live: [variant("v1", "A", { levels: { L1: 1 } })],
    rows: ["A=1 ← A/v1 push"],
    priceMayHaveChanged: true,
  },
  {
    name: "prices on: a duplicate SKU has no variant to price",
    skus: ["A"],
    prices: { enabled: true },
    live: [variant("v1", "A"), variant("v2", "A")],
    rows: ["A=0 ← A/- duplicate-shopify-sku v1,v2"],
    duplicates: ["A"],
    priceMayHaveChanged: false,
  },
  {
    name: "prices off: never a price push",
    skus: ["A"],
    live: [variant("v1", "A", { price: "21.00", levels: { L1: 1 } })],
    existing: [existingRow("A", { desiredPrice: "20.00" })],
    rows: ["A=1 ← A/v1 push"],
    priceMayHaveChanged: false,
  },
];

describe("planOfferRows", () => {
  it.each(cases)("$name", (c) => {
    const rules = stockRulesSchema.parse({ locationIds: ["L1", "L2"], ...c.rules });
    const { feeders, duplicates } = feedersBySku(c.skus, c.live ?? []);
    const decided: string[] = [];
    const plan = planOfferRows({
      skus: c.skus,
      feeders,
      overrides: c.overrides ?? [],
      warehouseCodes: rules.warehouses.map((w) => w.code),
      prices: priceRuleSchema.parse(c.prices ?? {}),
      decide: (sku, v) => {
        decided.push(sku);
        return sellableQuantity(
          {
            sku,
            variantExists: v !== null,
            productStatus: v?.productStatus ?? null,
            tracked: v?.tracked ?? true,
            levels: Object.entries(v?.levels ?? {}).map(([locationId, available]) => ({ locationId, available })),
            reservedNotInShopify: 0,
          },
          rules,
        );
      },
      existing: c.existing ?? [],
      claims: c.claims ?? [],
      claimersWithVariants: new Set(c.claimersWithVariants ?? []),
    });
    expect(plan.rows.map(line)).toEqual(c.rows);
    expect(plan.reclaimedSkus).toEqual(c.reclaimed ?? []);
    expect(duplicates).toEqual(c.duplicates ?? []);
    expect(plan.priceMayHaveChanged).toBe(c.priceMayHaveChanged ?? false);
    if (c.decided) expect(decided).toEqual(c.decided);
  });

  it("keeps the domain's whole result as the row's explanation", () => {
    const live = [variant("v1", "A", { levels: { L1: 3 } })];
    const result: SellableResult = { kind: "push", quantity: 3, warehouses: null, zeroReason: null, steps: [] };
    const plan = planOfferRows({
      skus: ["A"],
      feeders: feedersBySku(["A"], live).feeders,
      overrides: [],
      warehouseCodes: [],
      prices: priceRuleSchema.parse({}),
      decide: () => result,
      existing: [],
      claims: [],
      claimersWithVariants: new Set(),
    });
    expect(plan.rows).toEqual([
      {
        offerSku: "A",
        warehouseCode: "",
        quantity: 3,
        shopifySku: "A",
        variantId: "v1",
        explanation: { shopifySku: "A", variantId: "v1", result },
      },
    ]);
  });
});

describe("feedingVariants and feedersBySku", () => {
  it("active ones first, else every live one; SKUs without variants get none", () => {
    const active = variant("v2", "A");
    const archived = variant("v1", "A", { productStatus: "ARCHIVED" });
    expect(feedingVariants([archived, active])).toEqual([active]);
    expect(feedingVariants([archived])).toEqual([archived]);
    expect(feedingVariants([])).toEqual([]);
    const { feeders, duplicates } = feedersBySku(
      ["A", "B", "C"],
      [archived, active, variant("v3", "C"), variant("v4", "C")],
    );
    expect([...feeders].map(([sku, vs]) => [sku, vs.map((v) => v.variantId)])).toEqual([
      ["A", ["v2"]],
      ["B", []],
      ["C", ["v3", "v4"]],
    ]);
    expect(duplicates).toEqual(["C"]);
  });
});

describe("offerSkusFedBy", () => {
  it.each([
    { name: "identity", skus: ["A"], overrides: [], fed: ["A"] },
    { name: "override", skus: ["A"], overrides: [map("A", "X")], fed: ["X"] },
    { name: "shadowed feeds nothing", skus: ["X"], overrides: [map("A", "X")], fed: [] },
    { name: "claimer and shadowed", skus: ["A", "X"], overrides: [map("A", "X")], fed: ["X"] },
  ])("$name", ({ skus, overrides, fed }) => {
    expect([...offerSkusFedBy(skus, overrides)]).toEqual(fed);
  });
});
