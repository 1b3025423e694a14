import { describe, expect, it } from "vitest";
import { gtinCheckDigitValid, productIdFromBarcode } from "~/domain/barcode";

describe("barcodes", () => {
  it("accepts valid EAN-13 and UPC-A codes", () => {
    expect(productIdFromBarcode("4006381333931")).toEqual({ productId: "4006381333931", productIdType: "EAN" });
    expect(productIdFromBarcode("036000291452")).toEqual({ productId: "036000291452", productIdType: "UPC" });
    expect(productIdFromBarcode("4006-3813 33931")).toEqual({ productId: "4006381333931", productIdType: "EAN" });
  });
  it("refuses a wrong check digit, letters, empty and other lengths", () => {
    expect(gtinCheckDigitValid("4006381333932")).toBe(false);
    expect(productIdFromBarcode("4006381333932")).toBeNull();
    expect(productIdFromBarcode("ABC")).toBeNull();
    expect(productIdFromBarcode(null)).toBeNull();
    expect(productIdFromBarcode("96385074")).toBeNull(); // a valid EAN-8, not a Mirakl product id type here
  });
});
