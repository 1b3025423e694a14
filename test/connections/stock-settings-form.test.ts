import { describe, expect, it } from "vitest";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { moneyForDisplay } from "~/domain/money";
import {
  formValuesFromSettings,
  pricePreview,
  settingsFormValuesSchema,
  settingsFromForm,
  type StockSettingsFormValues,
} from "~/connections/stock-settings-form";

const A = "gid://shopify/Location/1";
const B = "gid://shopify/Location/2";
const blank = (): StockSettingsFormValues => formValuesFromSettings(parseConnectionSettings({}));

describe("stock settings form", () => {
  it("round-trips stored settings through the form unchanged", () => {
    const settings = parseConnectionSettings({
      stock: {
        locationIds: [A, B],
        buffer: 2,
        bufferOverrides: { "TENT-2P": 0, KAYAK: 5 },
        lowStockHoldback: 3,
        cap: 40,
        untracked: { mode: "exclude" },
        warehouses: [{ code: "WH-A", locationIds: [A] }],
        velocityProtection: { enabled: false, windowSeconds: 150 },
      },
      prices: { enabled: true, markupPercent: 12.5, rounding: "99", mirrorSales: true },
      offers: { enabled: true, stateCode: "1", leadtimeToShip: 5 },
      importAgeLimitMinutes: 45,
    });
    const parsed = settingsFromForm(formValuesFromSettings(settings));
    expect(parsed).toEqual({
      ok: true,
      stock: settings.stock,
      prices: settings.prices,
      offers: settings.offers,
      importAgeLimitMinutes: 45,
    });
  });

  it("sales-velocity protection: on with the derived window by default; blank window = derived; bad windows named", () => {
    expect(blank()).toMatchObject({ velocityEnabled: true, velocityWindowSeconds: "" });
    const on = settingsFromForm({ ...blank(), locationIds: [A], velocityWindowSeconds: " " });
    expect(on.ok && on.stock.velocityProtection).toEqual({ enabled: true, windowSeconds: null });
    const own = settingsFromForm({ ...blank(), locationIds: [A], velocityEnabled: false, velocityWindowSeconds: "90" });
    expect(own.ok && own.stock.velocityProtection).toEqual({ enabled: false, windowSeconds: 90 });
    for (const [text, message] of [
      ["1.5", "The window is a whole number of seconds, or empty for the default (80 s)"],
      ["-20", "The window is a whole number of seconds, or empty for the default (80 s)"],
      ["10", "The window is between 15 and 600 seconds"],
      ["601", "The window is between 15 and 600 seconds"],
    ]) {
      const parsed = settingsFromForm({ ...blank(), locationIds: [A], velocityWindowSeconds: text });
      expect(parsed.ok ? null : parsed.errors).toEqual({ velocityWindowSeconds: message });
    }
  });

  it("a submission without the velocity fields (an older page) keeps protection on", () => {
    expect(settingsFormValuesSchema.parse({})).toMatchObject({ velocityEnabled: true, velocityWindowSeconds: "" });
  });

  it("reads an empty cap as no cap, ignores blank rows, and trims SKUs and codes", () => {
    const parsed = settingsFromForm({
      ...blank(),
      locationIds: [A],
      cap: " ",
      bufferOverrides: [
        { sku: "", units: "" },
        { sku: " MAT ", units: "1" },
      ],
      warehouses: [
        { code: "", locationIds: [] },
        { code: " WH-A ", locationIds: [A] },
      ],
    });
    expect(parsed.ok && parsed.stock).toMatchObject({
      cap: null,
      bufferOverrides: { MAT: 1 },
      warehouses: [{ code: "WH-A", locationIds: [A] }],
    });
  });

  it("names every bad field with a message a merchant can act on", () => {
    const parsed = settingsFromForm({
      ...blank(),
      buffer: "",
      cap: "1e3",
      untrackedQuantity: "2000000000",
      warehouses: [{ code: "WH", locationIds: [] }],
      markupPercent: "-95",
      leadtimeToShip: "61",
      importAgeLimitMinutes: "2",
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      buffer: "Enter the buffer (0 for none)",
      cap: "The cap is a whole number of units, 0 or more",
      untrackedQuantity: "The quantity for untracked variants is at most 1,000,000,000",
      "warehouses.0.locationIds": "Choose the locations that supply this warehouse",
      // The domain's ranges are reported in the same answer.
      markupPercent: "The markup is between −90 % and 1000 %",
      leadtimeToShip: "Days to ship are between 0 and 60",
      importAgeLimitMinutes: "The import time limit is a whole number of minutes between 5 and 1440",
    });
  });

  it("an untracked rule that excludes needs no quantity", () => {
    const parsed = settingsFromForm({ ...blank(), untrackedMode: "exclude", untrackedQuantity: "" });
    expect(parsed.ok && parsed.stock.untracked).toEqual({ mode: "exclude" });
  });
});

describe("price preview", () => {
  const values = (over: Partial<StockSettingsFormValues>): StockSettingsFormValues => ({
    ...formValuesFromSettings(parseConnectionSettings({})),
    ...over,
  });

  it("shows a sample price under the rule being edited, with its cents", () => {
    expect(pricePreview(values({ markupPercent: "10", rounding: "99", mirrorSales: false }))).toBe(
      "A Shopify price of 19.90 is offered at 21.99. On sale at 15.90 (was 19.90): 21.99, the sale is not mirrored.",
    );
    expect(pricePreview(values({ markupPercent: "0", rounding: "whole", mirrorSales: true }))).toBe(
      "A Shopify price of 19.90 is offered at 20.00. On sale at 15.90 (was 19.90): 20.00 with a discount price of 16.00.",
    );
  });

  it("shows nothing for a markup the rule refuses or has not been typed", () => {
    expect(pricePreview(values({ markupPercent: "" }))).toBeNull();
    expect(pricePreview(values({ markupPercent: "abc" }))).toBeNull();
  });
});

describe("moneyForDisplay", () => {
  it.each([
    ["19.9", "19.90"],
    ["20", "20.00"],
    ["0.05", "0.05"],
  ])("%s reads %s", (amount, shown) => expect(moneyForDisplay(amount)).toBe(shown));
  it("keeps a zero-decimal currency whole", () => expect(moneyForDisplay("1500", 0)).toBe("1500"));
});
