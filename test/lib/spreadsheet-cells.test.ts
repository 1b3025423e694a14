import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromSpreadsheetSafe, spreadsheetSafe } from "~/lib/spreadsheet-cells";

describe("spreadsheet-safe cells of downloaded CSV files", () => {
  it("prefixes a cell a spreadsheet would run as a formula, and leaves others alone", () => {
    expect(
      ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''-1", "SKU-1", "'quoted", "", "1"].map(spreadsheetSafe),
    ).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1", "''=1", "'''-1", "SKU-1", "'quoted", "", "1"]);
  });

  it("never yields a cell starting with a formula character, and the import reads back exactly what was exported", () => {
    const text = fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "'", "a", "1", " ") });
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (value) => {
        const cell = spreadsheetSafe(value);
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        expect(fromSpreadsheetSafe(cell)).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });
});
