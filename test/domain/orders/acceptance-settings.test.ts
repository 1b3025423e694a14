import { describe, expect, it } from "vitest";
import {
  ACCEPTANCE_RULES,
  acceptanceSettingsSchema,
  defaultAcceptanceSettings,
  parseAcceptanceSettings,
  toleranceBasisPoints,
} from "~/domain/orders/acceptance-settings";

describe("acceptance settings", () => {
  it("defaults: 10 % tolerance, no quantity limit, every failed rule refuses, partial-forbidden refuses all, 24 h", () => {
    expect(defaultAcceptanceSettings()).toEqual({
      priceTolerancePercent: 10,
      maxQuantityPerLine: null,
      onFailedRule: {
        invalidLine: "refuse",
        currencyMismatch: "refuse",
        unknownOffer: "refuse",
        skuNotFound: "refuse",
        productInactive: "refuse",
        quantityOverLimit: "refuse",
        priceOutOfTolerance: "refuse",
        insufficientStock: "refuse",
      },
      whenPartialAcceptanceForbidden: "refuse-all",
      acceptanceWindowHours: 24,
    });
    expect(Object.keys(defaultAcceptanceSettings().onFailedRule)).toEqual([...ACCEPTANCE_RULES]);
  });

  it("null or undefined (nothing stored yet) is every default", () => {
    expect(parseAcceptanceSettings(null)).toEqual({ ok: true, settings: defaultAcceptanceSettings() });
    expect(parseAcceptanceSettings(undefined)).toEqual({ ok: true, settings: defaultAcceptanceSettings() });
  });

  it("one rule sent to review keeps the others at refuse", () => {
    const parsed = acceptanceSettingsSchema.parse({ onFailedRule: { priceOutOfTolerance: "review" } });
    expect(parsed.onFailedRule.priceOutOfTolerance).toBe("review");
    expect(parsed.onFailedRule.insufficientStock).toBe("refuse");
  });

  it("accepts a full configuration", () => {
    const input = {
      priceTolerancePercent: 12.5,
      maxQuantityPerLine: 5,
      onFailedRule: Object.fromEntries(ACCEPTANCE_RULES.map((rule) => [rule, "review"])),
      whenPartialAcceptanceForbidden: "review-all",
      acceptanceWindowHours: 72,
    };
    expect(acceptanceSettingsSchema.parse(input)).toEqual(input);
  });

  it("drops unknown keys, as the other settings do (a row written by a newer version still parses)", () => {
    const parsed = parseAcceptanceSettings({ somethingNew: true, onFailedRule: { futureRule: "review" } });
    expect(parsed.ok).toBe(true);
  });

  it.each([
    [{ priceTolerancePercent: -1 }, "priceTolerancePercent", "cannot be negative"],
    [{ priceTolerancePercent: 101 }, "priceTolerancePercent", "at most 100"],
    [{ priceTolerancePercent: 10.125 }, "priceTolerancePercent", "at most two decimals"],
    [{ priceTolerancePercent: "10" }, "priceTolerancePercent", ""],
    [{ maxQuantityPerLine: 0 }, "maxQuantityPerLine", "at least 1 unit"],
    [{ maxQuantityPerLine: 2.5 }, "maxQuantityPerLine", "whole number"],
    [{ onFailedRule: { insufficientStock: "ignore" } }, "onFailedRule.insufficientStock", ""],
    [{ whenPartialAcceptanceForbidden: "accept-all" }, "whenPartialAcceptanceForbidden", ""],
    [{ acceptanceWindowHours: 0 }, "acceptanceWindowHours", "at least 1 hour"],
    [{ acceptanceWindowHours: 721 }, "acceptanceWindowHours", "at most 720 hours"],
    [{ acceptanceWindowHours: 1.5 }, "acceptanceWindowHours", "whole number"],
  ])("refuses %j with an error on its field", (input, field, message) => {
    const parsed = parseAcceptanceSettings(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]!.field).toBe(field);
    expect(parsed.errors[0]!.message).toContain(message);
  });

  it("reports every bad field at once", () => {
    const parsed = parseAcceptanceSettings({ priceTolerancePercent: -5, acceptanceWindowHours: 0 });
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.field)).toEqual([
      "priceTolerancePercent",
      "acceptanceWindowHours",
    ]);
  });

  it.each([
    [10, 1000n],
    [0, 0n],
    [12.5, 1250n],
    [0.29, 29n],
    [100, 10000n],
  ])("tolerance %d %% is %d basis points, exactly", (percent, basisPoints) => {
    expect(toleranceBasisPoints(percent)).toBe(basisPoints);
  });
});
