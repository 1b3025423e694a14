import { describe, expect, it } from "vitest";
import {
  checkCurrency,
  checkLineInput,
  checkOffer,
  checkPrice,
  checkProductActive,
  checkQuantityLimit,
  checkSkuMapping,
  checkStock,
  type VariantFacts,
} from "~/domain/orders/acceptance-rules";
import { currencyFractionDigits, formatAmount } from "~/domain/orders/currency";

const variant = (overrides: Partial<VariantFacts> = {}): VariantFacts => ({
  variantId: "gid://shopify/ProductVariant/42",
  title: "Blue / 42",
  productStatus: "ACTIVE",
  deleted: false,
  ...overrides,
});

describe("invalidLine: the line can be read", () => {
  it.each([
    [{ quantity: 3, unitPrice: "19.9", offerSku: "BLUE-42" }, []],
    [{ quantity: 0, unitPrice: "19.9", offerSku: "BLUE-42" }, ["invalid-quantity"]],
    [{ quantity: -2, unitPrice: "19.9", offerSku: "BLUE-42" }, ["invalid-quantity"]],
    [{ quantity: 1.5, unitPrice: "19.9", offerSku: "BLUE-42" }, ["invalid-quantity"]],
    [{ quantity: Number.NaN, unitPrice: "19.9", offerSku: "BLUE-42" }, ["invalid-quantity"]],
    [{ quantity: "3", unitPrice: "19.9", offerSku: "BLUE-42" }, ["invalid-quantity"]],
    [{ quantity: 3, unitPrice: "-1", offerSku: "BLUE-42" }, ["invalid-unit-price"]],
    [{ quantity: 3, unitPrice: "abc", offerSku: "BLUE-42" }, ["invalid-unit-price"]],
    [{ quantity: 3, unitPrice: null, offerSku: "BLUE-42" }, ["invalid-unit-price"]],
    [{ quantity: 3, unitPrice: 19.9, offerSku: "BLUE-42" }, []],
    [{ quantity: 3, unitPrice: "0", offerSku: "BLUE-42" }, []],
    [{ quantity: 3, unitPrice: "19.9", offerSku: "" }, ["missing-offer-sku"]],
    [{ quantity: 3, unitPrice: "19.9", offerSku: "  " }, ["missing-offer-sku"]],
    [{ quantity: 3, unitPrice: "19.9", offerSku: undefined }, ["missing-offer-sku"]],
    [{ quantity: 0, unitPrice: "x", offerSku: "" }, ["invalid-quantity", "invalid-unit-price", "missing-offer-sku"]],
  ] as [Record<string, unknown>, string[]][])("%j → %j", (line, codes) => {
    const { checks, readable } = checkLineInput(line as Parameters<typeof checkLineInput>[0]);
    expect(checks.map((c) => c.code)).toEqual(codes);
    expect(checks.every((c) => c.rule === "invalidLine" && c.outcome === "fail")).toBe(true);
    expect(readable.quantity === null).toBe(codes.includes("invalid-quantity"));
    expect(readable.unitPrice === null).toBe(codes.includes("invalid-unit-price"));
    expect(readable.offerSku === null).toBe(codes.includes("missing-offer-sku"));
  });

  it("says what was wrong", () => {
    expect(checkLineInput({ quantity: -2, unitPrice: "1", offerSku: "A" }).checks[0]!.message).toBe(
      "The quantity ordered (-2) is not a positive whole number of units",
    );
  });

  it("canonicalises the unit price it read", () => {
    expect(checkLineInput({ quantity: 1, unitPrice: "019.90", offerSku: "A" }).readable.unitPrice).toBe("19.9");
  });
});

describe("currencyMismatch: the order is in the connection's currency", () => {
  it.each([
    ["EUR", "EUR", "pass", "currency-matches"],
    ["eur", "EUR", "pass", "currency-matches"],
    ["USD", "EUR", "fail", "currency-mismatch"],
    ["", "EUR", "fail", "currency-mismatch"],
    ["EUR", null, "not-checked", "currency-not-checked"],
  ] as const)("order %s, connection %s → %s", (order, connection, outcome, code) => {
    const check = checkCurrency(order, connection);
    expect([check.outcome, check.code, check.rule]).toEqual([outcome, code, "currencyMismatch"]);
  });

  it("names both currencies", () => {
    expect(checkCurrency("USD", "EUR").message).toBe("The order is in USD, but this connection sells in EUR");
  });
});

describe("unknownOffer: the offer is one of the connection's", () => {
  it.each([
    [{ status: "listed", advertisedUnitPrice: "10" }, "pass", "offer-listed"],
    [{ status: "deleted", advertisedUnitPrice: null }, "fail", "offer-deleted"],
    [undefined, "fail", "offer-unknown"],
  ] as const)("%j → %s %s", (offer, outcome, code) => {
    const check = checkOffer("BLUE-42", offer);
    expect([check.outcome, check.code]).toEqual([outcome, code]);
    expect(check.message).toContain("BLUE-42");
  });
});

describe("skuNotFound: a Shopify variant through the SKU mapping", () => {
  const live = variant();
  const deleted = variant({ variantId: "gid://shopify/ProductVariant/7", deleted: true });
  const other = variant({ variantId: "gid://shopify/ProductVariant/8", title: "Blue / 43" });
  it.each([
    ["identity mapping, one variant", "BLUE-42", "BLUE-42", [live], "pass", "sku-mapped", live],
    ["override", "MK-BLUE-42", "BLUE-42", [live], "pass", "sku-mapped", live],
    ["mapping gives the offer to no SKU", "BLUE-42", null, [], "fail", "sku-unmapped", null],
    ["no variant", "BLUE-42", "BLUE-42", [], "fail", "variant-not-found", null],
    ["two live variants", "BLUE-42", "BLUE-42", [live, other], "fail", "variant-ambiguous", null],
    ["one live, one deleted: the live one", "BLUE-42", "BLUE-42", [deleted, live], "pass", "sku-mapped", live],
    ["only a deleted one (productInactive says so)", "BLUE-42", "BLUE-42", [deleted], "pass", "sku-mapped", deleted],
  ] as const)("%s", (_, offerSku, shopifySku, variants, outcome, code, chosen) => {
    const { check, variant: found } = checkSkuMapping(offerSku, shopifySku, variants);
    expect([check.outcome, check.code, check.rule]).toEqual([outcome, code, "skuNotFound"]);
    expect(found).toEqual(chosen);
  });

  it("says which variant the SKU maps to", () => {
    expect(checkSkuMapping("BLUE-42", "BLUE-42", [live]).check.message).toBe(
      "SKU BLUE-42 maps to Shopify variant “Blue / 42” (gid://shopify/ProductVariant/42)",
    );
    expect(checkSkuMapping("MK-1", "BLUE-42", [variant({ title: null })]).check.message).toBe(
      "Offer SKU MK-1 (Shopify SKU BLUE-42) maps to Shopify variant gid://shopify/ProductVariant/42",
    );
    expect(checkSkuMapping("BLUE-42", "BLUE-42", []).check.message).toBe("No Shopify variant has SKU BLUE-42");
  });
});

describe("productInactive: the Shopify product is active", () => {
  it.each([
    [{}, "pass", "product-active"],
    [{ productStatus: "DRAFT" }, "fail", "product-inactive"],
    [{ productStatus: "ARCHIVED" }, "fail", "product-inactive"],
    [{ productStatus: "UNLISTED" }, "fail", "product-inactive"],
    [{ productStatus: "SOMETHING_NEW" }, "fail", "product-inactive"],
    [{ productStatus: null }, "fail", "product-deleted"],
    [{ deleted: true }, "fail", "variant-deleted"],
  ] as const)("%j → %s %s", (overrides, outcome, code) => {
    const check = checkProductActive(variant(overrides));
    expect([check.outcome, check.code]).toEqual([outcome, code]);
  });

  it("says the status", () => {
    expect(checkProductActive(variant({ productStatus: "ARCHIVED" })).message).toBe(
      "The Shopify product of variant “Blue / 42” (gid://shopify/ProductVariant/42) is archived, not active",
    );
  });
});

describe("quantityOverLimit: a line orders at most the limit", () => {
  it.each([
    [3, null, null],
    [3, 5, "quantity-within-limit"],
    [5, 5, "quantity-within-limit"],
    [6, 5, "quantity-over-limit"],
    [1, 1, "quantity-within-limit"],
  ])("%d ordered, limit %s → %s", (quantity, limit, code) => {
    expect(checkQuantityLimit(quantity, limit)?.code ?? null).toBe(code);
  });

  it("says the limit", () => {
    expect(checkQuantityLimit(12, 10)!.message).toBe("12 ordered, more than the limit of 10 per line");
  });
});

describe("priceOutOfTolerance: the unit price is near the advertised one", () => {
  it.each([
    // both boundaries included, exactly
    ["90", "100", 10, "price-within-tolerance"],
    ["110", "100", 10, "price-within-tolerance"],
    ["89.99", "100", 10, "price-below-tolerance"],
    ["110.01", "100", 10, "price-above-tolerance"],
    ["100", "100", 0, "price-within-tolerance"],
    ["100.01", "100", 0, "price-above-tolerance"],
    // a float would lose these: 0.1 + 0.2 style amounts stay exact
    ["0.27", "0.3", 10, "price-within-tolerance"],
    ["0.269", "0.3", 10, "price-below-tolerance"],
    ["17.991", "19.99", 10, "price-within-tolerance"], // 19.99 × 0.9 = 17.991 exactly
    ["17.9909", "19.99", 10, "price-below-tolerance"],
    // 3-decimal currency (KWD): every digit counts
    ["9.000", "10.000", 10, "price-within-tolerance"],
    ["8.999", "10", 10, "price-below-tolerance"],
    // fractional tolerance
    ["87.5", "100", 12.5, "price-within-tolerance"],
    ["87.49", "100", 12.5, "price-below-tolerance"],
    // a free line against a priced offer
    ["0", "19.9", 10, "price-below-tolerance"],
  ])("paid %s, advertised %s, tolerance %d %% → %s", (paid, advertised, tolerance, code) => {
    expect(checkPrice(paid, advertised, "EUR", tolerance).code).toBe(code);
  });

  it.each([
    [null, "not know the price advertised"],
    ["0", "not a positive amount"],
    ["-3", "not a positive amount"],
    ["n/a", "not know the price advertised"],
  ])("advertised %j: not checked", (advertised, message) => {
    const check = checkPrice("10", advertised, "EUR", 10);
    expect([check.outcome, check.code]).toEqual(["not-checked", "price-not-checked"]);
    expect(check.message).toContain(message);
  });

  it("says how far, rounded up so a gap just over the tolerance never reads as the tolerance", () => {
    expect(checkPrice("8", "10", "EUR", 10).message).toBe(
      "Unit price 8.00 EUR is 20 % below the advertised 10.00 EUR (tolerance 10 %)",
    );
    expect(checkPrice("110.01", "100", "EUR", 10).message).toBe(
      "Unit price 110.01 EUR is 10.01 % above the advertised 100.00 EUR (tolerance 10 %)",
    );
    expect(checkPrice("1.250", "1.25", "KWD", 10).message).toBe(
      "Unit price 1.250 KWD is within 10 % of the advertised 1.250 KWD",
    );
  });
});

describe("insufficientStock: enough sellable units once every other open order is counted", () => {
  const stock = (sellableUnits: number, reservedByOtherOrders = 0, otherOpenOrders = 0) => ({
    sellableUnits,
    reservedByOtherOrders,
    otherOpenOrders,
    where: "Warehouse Lyon",
  });
  it.each([
    ["plenty", 3, stock(10), 0, "pass"],
    ["exactly enough", 3, stock(3), 0, "pass"],
    ["one short", 3, stock(2), 0, "fail"],
    ["other orders take it", 3, stock(3, 1, 1), 0, "fail"],
    ["earlier lines of this order take it", 3, stock(5), 3, "fail"],
    ["earlier lines leave exactly enough", 2, stock(5), 3, "pass"],
    ["negative stock (oversold)", 1, stock(-4), 0, "fail"],
    ["fractional stock rounds down", 3, stock(3.9), 0, "pass"],
    ["fractional stock rounds down (short)", 4, stock(3.9), 0, "fail"],
    ["unreadable stock is none", 1, stock(Number.NaN), 0, "fail"],
    ["unreadable reservations take everything", 1, stock(10, Number.NaN), 0, "fail"],
    ["negative reservations count as none", 3, stock(3, -2), 0, "pass"],
    ["no stock known", 1, undefined, 0, "fail"],
  ] as const)("%s", (_, quantity, facts, claimed, outcome) => {
    expect(checkStock(quantity, "BLUE-42", facts, claimed).outcome).toBe(outcome);
  });

  it("explains the arithmetic as a merchant reads it", () => {
    expect(checkStock(3, "BLUE-42", stock(3, 1, 1), 0).message).toBe(
      "Only 2 sellable at Warehouse Lyon, 3 ordered (1 other open order holds 1)",
    );
    expect(checkStock(2, "BLUE-42", stock(9, 4, 2), 1).message).toBe(
      "4 sellable at Warehouse Lyon, 2 ordered (2 other open orders hold 4; earlier lines of this order take 1)",
    );
    expect(checkStock(1, "BLUE-42", undefined, 0).message).toBe(
      "No stock is known for SKU BLUE-42 at this connection's locations, 1 ordered",
    );
  });
});

describe("currency display", () => {
  it.each([
    ["19.9", "EUR", "19.90 EUR"],
    ["1200", "JPY", "1200 JPY"],
    ["1.25", "KWD", "1.250 KWD"],
    ["19.995", "EUR", "19.995 EUR"],
  ])("%s %s → %s", (amount, currency, text) => {
    expect(formatAmount(amount, currency)).toBe(text);
  });

  it("knows 0- and 3-decimal currencies", () => {
    expect([currencyFractionDigits("JPY"), currencyFractionDigits("kwd"), currencyFractionDigits("EUR")]).toEqual([
      0, 3, 2,
    ]);
  });
});
