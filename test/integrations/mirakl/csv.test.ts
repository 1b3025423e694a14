import { describe, expect, it } from "vitest";
import { buildCsv } from "~/integrations/mirakl/csv";

describe("files sent to Mirakl", () => {
  it("keep every value exactly: no spreadsheet neutralising (that is for files the merchant downloads)", () => {
    const csv = buildCsv(
      ["offer-sku", "quantity", "price"],
      [
        { "offer-sku": "=SUM(A1)", quantity: 0, price: "-1.50" },
        { "offer-sku": "-TENT", quantity: 3, price: "+2.00" },
        { "offer-sku": "@HOME", quantity: -4, price: "9.99" },
      ],
      ";",
    );
    expect(csv).toBe("offer-sku;quantity;price\n=SUM(A1);0;-1.50\n-TENT;3;+2.00\n@HOME;-4;9.99\n");
  });
});
