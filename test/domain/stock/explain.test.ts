import { describe, expect, it } from "vitest";
import { explainOfferStock, locationLabel } from "~/domain/stock/explain";
import { sellableQuantity, stockRulesSchema, type SkuStockSnapshot } from "~/domain/sellable-quantity";

const WAREHOUSE = "gid://shopify/Location/7001";
const SHOP = "gid://shopify/Location/7003";
const names = { [WAREHOUSE]: "Warehouse" };

const snapshot = (overrides: Partial<SkuStockSnapshot> = {}): SkuStockSnapshot => ({
  sku: "TENT",
  variantExists: true,
  productStatus: "ACTIVE",
  tracked: true,
  levels: [
    { locationId: WAREHOUSE, available: 12 },
    { locationId: SHOP, available: 40 },
  ],
  reservedNotInShopify: 0,
  ...overrides,
});
/** As the recompute stores it on OfferStock.explanation. */
const stored = (snap: SkuStockSnapshot, rules: unknown) => ({
  shopifySku: snap.sku,
  variantId: "v",
  result: sellableQuantity(snap, stockRulesSchema.parse(rules)),
});

describe("explaining a sellable quantity", () => {
  it("shows the arithmetic with location names: available − reserved − buffer = sellable", () => {
    const explained = explainOfferStock(
      stored(snapshot({ reservedNotInShopify: 1 }), { locationIds: [WAREHOUSE], buffer: 2 }),
      names,
    );
    expect(explained?.summary).toBe("12 at Warehouse − 1 reserved − buffer 2 = 9");
    expect(explained?.details).toEqual([
      "12 available at the chosen locations; 12 at Warehouse; not counted (not chosen): 40 at location 7003",
      "− 1 reserved by marketplace orders not yet in Shopify → 11",
      "− buffer 2 → 9",
      "Advertised: 9",
    ]);
  });

  it("names why a quantity is 0", () => {
    expect(explainOfferStock(stored(snapshot(), {}), names)?.summary).toBe(
      "0: no Shopify location is chosen for this marketplace",
    );
    expect(
      explainOfferStock(stored(snapshot({ productStatus: "ARCHIVED" }), { locationIds: [WAREHOUSE] }), names)?.summary,
    ).toBe("0: the Shopify product is not active");
    expect(
      explainOfferStock(stored(snapshot(), { locationIds: [WAREHOUSE], lowStockHoldback: 15 }), names)?.summary,
    ).toBe("12 at Warehouse, held back (≤ 15) = 0 (the stock is at or below the low-stock holdback)");
    expect(explainOfferStock(stored(snapshot(), { locationIds: [WAREHOUSE], buffer: 20 }), names)?.summary).toBe(
      "12 at Warehouse − buffer 20 = 0 (the buffer keeps it all back)",
    );
  });

  it("covers caps, untracked variants, excluded ones and warehouses", () => {
    expect(explainOfferStock(stored(snapshot(), { locationIds: [WAREHOUSE, SHOP], cap: 10 }), names)?.summary).toBe(
      "12 at Warehouse + 40 at location 7003, capped at 10 = 10",
    );
    expect(
      explainOfferStock(stored(snapshot({ tracked: false }), { untracked: { mode: "fixed", quantity: 5 } }), names)
        ?.summary,
    ).toBe("untracked: fixed 5 = 5");
    expect(
      explainOfferStock(stored(snapshot({ tracked: false }), { untracked: { mode: "exclude" } }), names)?.summary,
    ).toMatch(/^Not pushed/);
    const split = explainOfferStock(
      stored(snapshot(), {
        locationIds: [WAREHOUSE, SHOP],
        warehouses: [
          { code: "WH-A", locationIds: [WAREHOUSE] },
          { code: "WH-B", locationIds: [SHOP] },
        ],
      }),
      names,
    );
    expect(split?.details).toContain("Split across warehouses: WH-A 12, WH-B 40");
  });

  it("explains the recompute's own zeros and tolerates rows it cannot read", () => {
    expect(
      explainOfferStock({ shopifySku: "TENT", zeroReason: "duplicate-shopify-sku", variantIds: ["a", "b"] })?.summary,
    ).toBe("0: 2 Shopify variants share the SKU TENT; make it unique");
    expect(explainOfferStock({ shopifySku: null, zeroReason: "no-longer-fed" })?.summary).toBe(
      "0: no Shopify SKU feeds this offer any more",
    );
    expect(explainOfferStock({})).toBeNull();
    expect(explainOfferStock(null)).toBeNull();
    expect(explainOfferStock({ result: { kind: "push", steps: "nope" } })).toBeNull();
  });

  it("labels a location by name, else by its short id, never by a raw GID", () => {
    expect(locationLabel(WAREHOUSE, names)).toBe("Warehouse");
    expect(locationLabel(SHOP, names)).toBe("location 7003");
    expect(locationLabel("12345", {})).toBe("location 12345");
  });
});
