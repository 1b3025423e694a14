import { describe, expect, it } from "vitest";
import { connectionSettingsSchema, parseConnectionSettings } from "~/domain/connection-settings";
import { defaultStockRules, stockRulesSchema } from "~/domain/sellable-quantity";
import {
  decideReservation,
  owedUnits,
  SHIPPED_OR_ENDED_LINE_STATES,
  SHIPPED_RELEASE_REASON,
  type KnownReservation,
  type ObservedOrderLine,
} from "~/domain/stock/reservations";

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
    expect(stockRulesSchema.parse({ velocityProtection: { enabled: false } }).velocityProtection).toEqual({
      enabled: false,
      windowSeconds: null,
    });
    for (const windowSeconds of [0, 14, 601, 30.5])
      expect(stockRulesSchema.safeParse({ velocityProtection: { windowSeconds } }).success).toBe(false);
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
    [
      "an empty warehouse code (it means the global quantity in STO01)",
      { warehouses: [{ code: "", locationIds: ["A"] }] },
    ],
    ["a warehouse code with a CSV separator", { warehouses: [{ code: "W;1", locationIds: ["A"] }] }],
    ["a warehouse with no location", { warehouses: [{ code: "W1", locationIds: [] }] }],
    [
      "the same warehouse twice",
      {
        warehouses: [
          { code: "W1", locationIds: ["A"] },
          { code: "W1", locationIds: ["B"] },
        ],
      },
    ],
    [
      "a location feeding two warehouses (its stock would count twice)",
      {
        warehouses: [
          { code: "W1", locationIds: ["A"] },
          { code: "W2", locationIds: ["A"] },
        ],
      },
    ],
  ])("rejects %s", (_, input) => {
    expect(stockRulesSchema.safeParse({ locationIds: ["A", "B"], ...input }).success).toBe(false);
  });

  it("names the location that feeds two warehouses", () => {
    const result = stockRulesSchema.safeParse({
      warehouses: [
        { code: "W1", locationIds: ["A"] },
        { code: "W2", locationIds: ["A"] },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ["warehouses", 1, "locationIds", 0],
      message: "location A already feeds warehouse W1",
    });
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
    const settings = parseConnectionSettings({
      csvDelimiter: ",",
      currencyIsoCode: "EUR",
      prices: { enabled: true, markupPercent: 10 },
    });
    expect(settings).toMatchObject({
      csvDelimiter: ",",
      currencyIsoCode: "EUR",
      prices: { enabled: true, markupPercent: 10 },
    });
    expect(settings.stock.locationIds).toEqual([]);
  });

  it("a partial stock section is completed with defaults", () => {
    expect(parseConnectionSettings({ stock: { locationIds: ["L1"], buffer: 1 } }).stock).toEqual({
      ...defaultStockRules(),
      locationIds: ["L1"],
      buffer: 1,
    });
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

describe("decideReservation (what an OR11 line means for its reservation)", () => {
  const line = (over: Partial<ObservedOrderLine> = {}): ObservedOrderLine => ({
    state: "WAITING_ACCEPTANCE",
    quantity: 2,
    canceledQuantity: 0,
    ...over,
  });
  const known = (over: Partial<KnownReservation> = {}): KnownReservation => ({
    quantity: 2,
    lineState: "WAITING_ACCEPTANCE",
    released: false,
    ...over,
  });

  it.each(["STAGING", "WAITING_ACCEPTANCE", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT", "SHIPPING", "SOME_FUTURE_STATE"])(
    "opens a reservation for a new %s line",
    (state) => {
      expect(decideReservation(line({ state }), null)).toEqual({ kind: "open", units: 2 });
    },
  );

  it.each([...SHIPPED_OR_ENDED_LINE_STATES])(
    "opens nothing for a line first seen %s (its units left before we watched)",
    (state) => {
      expect(decideReservation(line({ state }), null)).toEqual({ kind: "ignore" });
    },
  );

  it.each(["REFUSED", "CANCELED"])("releases an open reservation whose line became %s", (state) => {
    expect(decideReservation(line({ state }), known())).toEqual({ kind: "release", reason: state });
  });

  it.each(["SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED", "INCIDENT_OPEN", "REFUNDED"])(
    "releases an open reservation whose line reached %s as shipped (its units left)",
    (state) => {
      expect(decideReservation(line({ state }), known({ lineState: "SHIPPING" }))).toEqual({
        kind: "release",
        reason: SHIPPED_RELEASE_REASON,
      });
    },
  );

  it("keeps an open reservation while the line is being debited or awaits shipping", () => {
    expect(decideReservation(line({ state: "SHIPPING" }), known())).toEqual({ kind: "update", units: 2 });
    expect(decideReservation(line({ state: "SHIPPING" }), known({ lineState: "SHIPPING" }))).toEqual({
      kind: "unchanged",
    });
  });

  it("opens an order placed before the connection existed while its units are still on the shelf, paid or not", () => {
    for (const state of ["WAITING_DEBIT", "SHIPPING"])
      expect(decideReservation(line({ state, placedBeforeConnection: true }), null)).toEqual({
        kind: "open",
        units: 2,
      });
    expect(decideReservation(line({ state: "SHIPPED", placedBeforeConnection: true }), null)).toEqual({
      kind: "ignore",
    });
  });

  it.each(["REFUNDED", "CLOSED", "WAITING_REFUND", "WAITING_REFUND_PAYMENT"])(
    "gives the units back when a line ends %s without ever shipping",
    (state) => {
      expect(decideReservation(line({ state, shipped: false }), known({ lineState: "SHIPPING" }))).toEqual({
        kind: "release",
        reason: state,
      });
    },
  );

  it("a shipped date, or no word on it, still means the units left", () => {
    expect(decideReservation(line({ state: "CLOSED", shipped: true }), known())).toEqual({
      kind: "release",
      reason: SHIPPED_RELEASE_REASON,
    });
    expect(decideReservation(line({ state: "RECEIVED", shipped: false }), known())).toEqual({
      kind: "release",
      reason: SHIPPED_RELEASE_REASON,
    });
  });

  it("shrinks on a partial cancellation and releases on a full one", () => {
    expect(decideReservation(line({ quantity: 3, canceledQuantity: 1 }), known({ quantity: 3 }))).toEqual({
      kind: "update",
      units: 2,
    });
    expect(decideReservation(line({ quantity: 3, canceledQuantity: 3 }), known({ quantity: 3 }))).toEqual({
      kind: "release",
      reason: "CANCELED",
    });
    expect(decideReservation(line({ quantity: 3, canceledQuantity: 3 }), null)).toEqual({ kind: "ignore" });
  });

  it("never reopens a released reservation (refused, cancelled, or already in Shopify)", () => {
    expect(decideReservation(line({ state: "SHIPPING", quantity: 5 }), known({ released: true }))).toEqual({
      kind: "unchanged",
    });
  });

  it("is a no-op for a line seen again unchanged (overlapping polls)", () => {
    expect(decideReservation(line(), known())).toEqual({ kind: "unchanged" });
  });

  it("owes nothing for non-positive or non-finite quantities, rounds a fractional quantity up and never goes below 0", () => {
    for (const quantity of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(owedUnits({ state: "SHIPPING", quantity, canceledQuantity: 0 })).toBe(0);
    expect(owedUnits({ state: "SHIPPING", quantity: 1.2, canceledQuantity: 0 })).toBe(2);
    expect(owedUnits({ state: "SHIPPING", quantity: 1, canceledQuantity: 4 })).toBe(0);
    expect(owedUnits({ state: "SHIPPING", quantity: 2, canceledQuantity: Number.NaN })).toBe(2);
  });
});
