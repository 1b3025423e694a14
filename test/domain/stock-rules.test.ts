import { describe, expect, it } from "vitest";
import { connectionSettingsSchema, parseConnectionSettings } from "~/domain/connection-settings";
import { defaultStockRules, pendingReservationsBySku, stockRulesSchema, type MarketplaceOrderLine } from "~/domain/sellable-quantity";

describe("stock rules schema", () => {
  it("defaults to nothing sellable: no location, no buffer, no holdback, no cap, untracked fixed 0, no warehouses; velocity protection on", () => {
    expect(defaultStockRules()).toEqual({
      locationIds: [],
      buffer: 0,
      bufferOverrides: {},
      lowStockHoldback: 0,
      cap: null,
      untracked: { mode: "fixed", quantity: 0 },
      warehouses: [],
      velocityProtection: { enabled: true, windowSeconds: null },
    });
  });

  it("accepts a full configuration", () => {
    const input = {
      locationIds: ["gid://shopify/Location/1", "gid://shopify/Location/2"],
      buffer: 2,
      bufferOverrides: { "SKU-1": 0 },
      lowStockHoldback: 3,
      cap: 50,
      untracked: { mode: "exclude" },
      warehouses: [{ code: "PARIS", locationIds: ["gid://shopify/Location/1"] }],
      velocityProtection: { enabled: false, windowSeconds: 120 },
    };
    expect(stockRulesSchema.parse(input)).toEqual(input);
  });

  it("reads rules saved before velocity protection with it on, and refuses a window out of bounds", () => {
    expect(stockRulesSchema.parse({ buffer: 1 }).velocityProtection).toEqual({ enabled: true, windowSeconds: null });
    expect(stockRulesSchema.parse({ velocityProtection: { enabled: false } }).velocityProtection).toEqual({ enabled: false, windowSeconds: null });
    for (const windowSeconds of [0, 14, 601, 30.5]) expect(stockRulesSchema.safeParse({ velocityProtection: { windowSeconds } }).success).toBe(false);
  });

  it.each([
    ["a negative buffer", { buffer: -1 }],
    ["a fractional buffer", { buffer: 1.5 }],
    ["a negative override", { bufferOverrides: { A: -1 } }],
    ["a negative holdback", { lowStockHoldback: -1 }],
    ["a negative cap", { cap: -1 }],
    ["a cap above Mirakl's maximum", { cap: 1_000_000_001 }],
    ["an unknown untracked mode", { untracked: { mode: "guess" } }],
    ["a fixed untracked quantity missing", { untracked: { mode: "fixed" } }],
    ["a negative untracked quantity", { untracked: { mode: "fixed", quantity: -2 } }],
    ["an empty location id", { locationIds: [""] }],
    ["a location chosen twice", { locationIds: ["A", "A"] }],
    ["an empty warehouse code (it means the global quantity in STO01)", { warehouses: [{ code: "", locationIds: ["A"] }] }],
    ["a warehouse code with a CSV separator", { warehouses: [{ code: "W;1", locationIds: ["A"] }] }],
    ["a warehouse with no location", { warehouses: [{ code: "W1", locationIds: [] }] }],
    ["the same warehouse twice", { warehouses: [{ code: "W1", locationIds: ["A"] }, { code: "W1", locationIds: ["B"] }] }],
    ["a location feeding two warehouses (its stock would count twice)", { warehouses: [{ code: "W1", locationIds: ["A"] }, { code: "W2", locationIds: ["A"] }] }],
  ])("rejects %s", (_, input) => {
    expect(stockRulesSchema.safeParse({ locationIds: ["A", "B"], ...input }).success).toBe(false);
  });

  it("names the location that feeds two warehouses", () => {
    const result = stockRulesSchema.safeParse({ warehouses: [{ code: "W1", locationIds: ["A"] }, { code: "W2", locationIds: ["A"] }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ["warehouses", 1, "locationIds", 0], message: "location A already feeds warehouse W1" });
  });
});

describe("connection settings embed the stock rules", () => {
  it("{} still parses, existing defaults unchanged, stock defaults added", () => {
    const settings = parseConnectionSettings({});
    expect(settings.csvDelimiter).toBe(";");
    expect(settings.currencyIsoCode).toBeNull();
    expect(settings.prices.enabled).toBe(false);
    expect(settings.offers.enabled).toBe(false);
    expect(settings.stock).toEqual(defaultStockRules());
    expect(parseConnectionSettings(null).stock).toEqual(defaultStockRules());
  });

  it("settings written before the stock section keep their values", () => {
    const settings = parseConnectionSettings({ csvDelimiter: ",", currencyIsoCode: "EUR", prices: { enabled: true, markupPercent: 10 } });
    expect(settings).toMatchObject({ csvDelimiter: ",", currencyIsoCode: "EUR", prices: { enabled: true, markupPercent: 10 } });
    expect(settings.stock.locationIds).toEqual([]);
  });

  it("a partial stock section is completed with defaults", () => {
    expect(parseConnectionSettings({ stock: { locationIds: ["L1"], buffer: 1 } }).stock).toEqual({ ...defaultStockRules(), locationIds: ["L1"], buffer: 1 });
  });

  it("an invalid stock section is rejected at the boundary", () => {
    expect(connectionSettingsSchema.safeParse({ stock: { cap: -5 } }).success).toBe(false);
  });

  it("defaults are not shared between parses", () => {
    const a = parseConnectionSettings({});
    a.stock.locationIds.push("L1");
    expect(parseConnectionSettings({}).stock.locationIds).toEqual([]);
  });
});

describe("pendingReservationsBySku", () => {
  const line = (over: Partial<MarketplaceOrderLine>): MarketplaceOrderLine => ({
    connectionId: "c1",
    orderLineId: "L-1",
    sku: "SKU-1",
    quantity: 1,
    state: "SHIPPING",
    shopifyOrderCreated: false,
    ...over,
  });

  it("sums lines of every connection per SKU", () => {
    const result = pendingReservationsBySku([
      line({ orderLineId: "1", quantity: 2 }),
      line({ connectionId: "c2", orderLineId: "1", quantity: 3 }),
      line({ orderLineId: "2", sku: "SKU-2", quantity: 4 }),
    ]);
    expect(Object.fromEntries(result)).toEqual({ "SKU-1": 5, "SKU-2": 4 });
  });

  it("skips lines whose Shopify order exists (Shopify already counts them)", () => {
    expect(pendingReservationsBySku([line({ shopifyOrderCreated: true, quantity: 9 })]).size).toBe(0);
  });

  it.each(["REFUSED", "CANCELED"])("skips %s lines", (state) => {
    expect(pendingReservationsBySku([line({ state, quantity: 9 })]).size).toBe(0);
  });

  it.each(["WAITING_ACCEPTANCE", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT", "SHIPPING", "SHIPPED", "TO_COLLECT", "SOME_FUTURE_STATE"])("counts %s lines", (state) => {
    expect(pendingReservationsBySku([line({ state, quantity: 2 })]).get("SKU-1")).toBe(2);
  });

  it("counts a line seen twice once, with its largest quantity", () => {
    expect(pendingReservationsBySku([line({ quantity: 2 }), line({ quantity: 3 }), line({ quantity: 1 })]).get("SKU-1")).toBe(3);
  });

  it("does not confuse the same line id on two connections", () => {
    expect(pendingReservationsBySku([line({ connectionId: "a" }), line({ connectionId: "b" })]).get("SKU-1")).toBe(2);
  });

  it("ignores non-positive or non-finite quantities and rounds fractions up", () => {
    const result = pendingReservationsBySku([
      line({ orderLineId: "1", quantity: -4 }),
      line({ orderLineId: "2", quantity: Number.NaN }),
      line({ orderLineId: "3", quantity: 0 }),
      line({ orderLineId: "4", quantity: 1.2, sku: "SKU-2" }),
    ]);
    expect(Object.fromEntries(result)).toEqual({ "SKU-2": 2 });
  });
});
