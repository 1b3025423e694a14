import { describe, expect, it } from "vitest";
import { advertisedUnitPrice, offerPriceFor, priceRuleSchema } from "~/domain/price-rule";

const rule = (overrides: Partial<ReturnType<typeof priceRuleSchema.parse>> = {}) =>
  priceRuleSchema.parse({ enabled: true, ...overrides });

describe("price rule", () => {
  it("copies the price when there is no markup", () => {
    expect(offerPriceFor({ price: "19.90", compareAtPrice: null }, rule())).toEqual({
      price: "19.9",
      discountPrice: null,
    });
  });

  it("applies a markup to the cent, half-up", () => {
    expect(offerPriceFor({ price: "10.00", compareAtPrice: null }, rule({ markupPercent: 15 }))!.price).toBe("11.5");
    expect(offerPriceFor({ price: "0.10", compareAtPrice: null }, rule({ markupPercent: 15 }))!.price).toBe("0.12"); // 0.115 → 0.12
    expect(offerPriceFor({ price: "19.99", compareAtPrice: null }, rule({ markupPercent: 12.5 }))!.price).toBe("22.49"); // 22.48875
  });

  it("rounds up to .99 or whole units when asked", () => {
    expect(
      offerPriceFor({ price: "10.00", compareAtPrice: null }, rule({ markupPercent: 15, rounding: "99" }))!.price,
    ).toBe("11.99");
    expect(offerPriceFor({ price: "11.99", compareAtPrice: null }, rule({ rounding: "99" }))!.price).toBe("11.99");
    expect(offerPriceFor({ price: "12.00", compareAtPrice: null }, rule({ rounding: "99" }))!.price).toBe("12.99");
    expect(offerPriceFor({ price: "10.01", compareAtPrice: null }, rule({ rounding: "whole" }))!.price).toBe("11");
  });

  it("keeps the standard price during a Shopify sale unless sales are mirrored, then sends a discount", () => {
    const onSale = { price: "15.00", compareAtPrice: "20.00" };
    expect(offerPriceFor(onSale, rule())).toEqual({ price: "20", discountPrice: null });
    expect(offerPriceFor(onSale, rule({ mirrorSales: true }))).toEqual({ price: "20", discountPrice: "15" });
    expect(offerPriceFor(onSale, rule({ mirrorSales: true, markupPercent: 10 }))).toEqual({
      price: "22",
      discountPrice: "16.5",
    });
  });

  it("ignores a compare-at price that is not above the price", () => {
    expect(offerPriceFor({ price: "15.00", compareAtPrice: "15.00" }, rule({ mirrorSales: true }))).toEqual({
      price: "15",
      discountPrice: null,
    });
  });

  it("never advertises a missing or zero price", () => {
    expect(offerPriceFor({ price: null, compareAtPrice: null }, rule())).toBeNull();
    expect(offerPriceFor({ price: "0.00", compareAtPrice: null }, rule())).toBeNull();
  });
});

describe("the unit price an offer export advertises", () => {
  const now = new Date("2026-12-03T12:00:00Z");
  it("is the origin price, or the discount while it runs", () => {
    expect(advertisedUnitPrice([{ origin_price: "20" }], now)).toBe("20");
    expect(advertisedUnitPrice([{ origin_price: "20", discount_price: "15" }], now)).toBe("15");
    const running = { discount_start_date: "2026-12-01T00:00:00Z", discount_end_date: "2026-12-31T00:00:00Z" };
    expect(advertisedUnitPrice([{ origin_price: "20", discount_price: "15", ...running }], now)).toBe("15");
  });
  it("ignores a discount not started or already over, and only reads the default (first) price", () => {
    const later = { discount_start_date: "2026-12-10T00:00:00Z" };
    const over = { discount_end_date: "2026-12-02T00:00:00Z" };
    expect(advertisedUnitPrice([{ origin_price: "20", discount_price: "15", ...later }], now)).toBe("20");
    expect(advertisedUnitPrice([{ origin_price: "20", discount_price: "15", ...over }], now)).toBe("20");
    expect(advertisedUnitPrice([{ origin_price: "20" }, { origin_price: "5" }], now)).toBe("20");
    expect(advertisedUnitPrice([], now)).toBeNull();
  });
});
