import { describe, expect, it } from "vitest";
import {
  AUTOMATIC_ACCEPTANCE_MESSAGE,
  completeReview,
  type LineDecision,
  type ReasonCode,
} from "~/domain/orders/acceptance";
import type { AcceptanceRule } from "~/domain/orders/acceptance-settings";
import { activeVariant, decide, line, stockOf, type Scenario } from "./fixtures";

const decisions = (lines: readonly LineDecision[]) => lines.map((l) => [l.lineId, l.decision]);

describe("one order, every line servable", () => {
  it("accepts, says why, and sends one OR21 accepting every waiting line", () => {
    const result = decide({ lines: [line("L1", "BLUE-42", 2), line("L2", "RED-7", 1)] });
    expect(result.status).toBe("final");
    if (result.status !== "final") return;
    expect(result.outcome).toBe("accept-all");
    expect(result.or21).toEqual({
      order_lines: [
        { id: "L1", accepted: true },
        { id: "L2", accepted: true },
      ],
    });
    expect(result.message).toBe("Order ORDER-1-A, 2 waiting lines: 2 accepted");
    const first = result.lines[0]!;
    expect(first.reasons.map((r) => r.code)).toEqual([
      "currency-matches",
      "offer-listed",
      "sku-mapped",
      "product-active",
      "price-within-tolerance",
      "stock-sufficient",
    ]);
    expect(first.summary).toContain("Accept line L1: ");
    expect(first.summary).toContain("SKU BLUE-42 maps to Shopify variant “BLUE-42”");
    expect(first.summary).toContain("10 sellable at Warehouse Lyon, 2 ordered");
    expect([first.shopifySku, first.variantId]).toEqual(["BLUE-42", "gid://shopify/ProductVariant/BLUE-42"]);
  });

  it("follows the connection's SKU mapping", () => {
    const result = decide({
      lines: [line("L1", "MK-BLUE", 1)],
      shop: {
        offers: { "MK-BLUE": { status: "listed", advertisedUnitPrice: "20" } },
        skuOverrides: [{ shopifySku: "BLUE-42", offerSku: "MK-BLUE" }],
      },
    });
    expect(result.lines[0]!.decision).toBe("accept");
    expect(result.lines[0]!.shopifySku).toBe("BLUE-42");
  });

  it("does not check the price when the app does not advertise one (price sync off)", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 1, "5")],
      shop: { offers: { "BLUE-42": { status: "listed", advertisedUnitPrice: null } } },
    });
    expect(result.lines[0]!.decision).toBe("accept");
    expect(result.lines[0]!.checks.find((c) => c.rule === "priceOutOfTolerance")!.outcome).toBe("not-checked");
  });
});

/** One line failing one rule each, refused by default and in review when that rule is set to review. */
describe("each failed rule: refuse by default, review when the merchant says so", () => {
  const cases = [
    ["unknownOffer", "offer-unknown", { lines: [line("L1", "BLUE-42", 1)], shop: { offers: {} } }],
    [
      "unknownOffer",
      "offer-deleted",
      {
        lines: [line("L1", "BLUE-42", 1)],
        shop: { offers: { "BLUE-42": { status: "deleted", advertisedUnitPrice: "20" } } },
      },
    ],
    [
      "skuNotFound",
      "sku-unmapped",
      {
        lines: [line("L1", "BLUE-42", 1)],
        shop: { skuOverrides: [{ shopifySku: "BLUE-42", offerSku: "OTHER" }] },
      },
    ],
    ["skuNotFound", "variant-not-found", { lines: [line("L1", "BLUE-42", 1)], shop: { variants: {} } }],
    [
      "skuNotFound",
      "variant-ambiguous",
      {
        lines: [line("L1", "BLUE-42", 1)],
        shop: { variants: { "BLUE-42": [activeVariant("BLUE-42"), activeVariant("BLUE-42", { variantId: "v2" })] } },
      },
    ],
    [
      "productInactive",
      "product-inactive",
      {
        lines: [line("L1", "BLUE-42", 1)],
        shop: { variants: { "BLUE-42": [activeVariant("BLUE-42", { productStatus: "DRAFT" })] } },
      },
    ],
    [
      "productInactive",
      "product-deleted",
      {
        lines: [line("L1", "BLUE-42", 1)],
        shop: { variants: { "BLUE-42": [activeVariant("BLUE-42", { productStatus: null })] } },
      },
    ],
    [
      "quantityOverLimit",
      "quantity-over-limit",
      { lines: [line("L1", "BLUE-42", 3)], settings: { maxQuantityPerLine: 2 } },
    ],
    ["priceOutOfTolerance", "price-below-tolerance", { lines: [line("L1", "BLUE-42", 1, "17.99")] }],
    ["priceOutOfTolerance", "price-above-tolerance", { lines: [line("L1", "BLUE-42", 1, "22.01")] }],
    ["insufficientStock", "stock-insufficient", { lines: [line("L1", "BLUE-42", 11)] }],
    [
      "insufficientStock",
      "stock-insufficient",
      { lines: [line("L1", "BLUE-42", 3)], shop: { stock: { "BLUE-42": stockOf(3, 1, 1) } } },
    ],
    ["insufficientStock", "stock-insufficient", { lines: [line("L1", "BLUE-42", 1)], shop: { stock: {} } }],
    ["currencyMismatch", "currency-mismatch", { lines: [line("L1", "BLUE-42", 1)], currency: "USD" }],
    ["invalidLine", "invalid-quantity", { lines: [line("L1", "BLUE-42", 0)] }],
    ["invalidLine", "invalid-quantity", { lines: [line("L1", "BLUE-42", -1)] }],
    ["invalidLine", "invalid-unit-price", { lines: [line("L1", "BLUE-42", 1, "-20")] }],
    ["invalidLine", "missing-offer-sku", { lines: [line("L1", "", 1)] }],
  ] satisfies [AcceptanceRule, ReasonCode, Scenario][] as [AcceptanceRule, ReasonCode, Scenario][];

  it.each(cases)("%s (%s) refuses the line and OR21 says so", (_, code, scenario) => {
    const result = decide(scenario);
    expect(result.status).toBe("final");
    const decided = result.lines[0]!;
    expect(decided.decision).toBe("refuse");
    expect(decided.failures.map((f) => f.code)).toEqual([code]);
    expect(decided.failures[0]!.action).toBe("refuse");
    expect(decided.summary).toMatch(/^Refuse line L1: /);
    expect(result.or21).toEqual({ order_lines: [{ id: "L1", accepted: false }] });
  });

  it.each(cases)("%s (%s) set to review holds the line and sends nothing", (rule, code, scenario) => {
    const result = decide({
      ...scenario,
      settings: { ...(scenario.settings as object), onFailedRule: { [rule]: "review" } },
    });
    expect(result.status).toBe("needs-review");
    expect(result.or21).toBeNull();
    expect(result.lines[0]!.decision).toBe("review");
    expect(result.lines[0]!.failures.map((f) => [f.code, f.action])).toEqual([[code, "review"]]);
    expect(result.message).toBe("Order ORDER-1-A, 1 waiting line: 1 in review; nothing is sent until a person decides");
  });

  it("a rule set to review does not save a line another rule refuses", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 11, "10")],
      settings: { onFailedRule: { priceOutOfTolerance: "review" } },
    });
    expect(result.lines[0]!.decision).toBe("refuse");
    expect(result.lines[0]!.failures.map((f) => [f.rule, f.action])).toEqual([
      ["priceOutOfTolerance", "review"],
      ["insufficientStock", "refuse"],
    ]);
  });

  it("with every failing rule set to review, the line waits with all its reasons", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 11, "10")],
      settings: { onFailedRule: { priceOutOfTolerance: "review", insufficientStock: "review" } },
    });
    expect(result.lines[0]!.decision).toBe("review");
    expect(result.lines[0]!.reasons.map((r) => r.code)).toEqual(["price-below-tolerance", "stock-insufficient"]);
  });

  it("an inactive product's stock is not looked at (the line is refused already)", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 1)],
      shop: { variants: { "BLUE-42": [activeVariant("BLUE-42", { deleted: true })] } },
    });
    expect(result.lines[0]!.checks.map((c) => c.rule)).not.toContain("insufficientStock");
    expect(result.lines[0]!.failures.map((f) => f.code)).toEqual(["variant-deleted"]);
  });

  it("bad input in every field at once: refused with every reason, never thrown", () => {
    const result = decide({
      lines: [{ id: "L1", offerSku: "", quantity: Number.NaN, unitPrice: "twelve", state: "WAITING_ACCEPTANCE" }],
      currency: "",
    });
    expect(result.lines[0]!.failures.map((f) => f.code)).toEqual([
      "invalid-quantity",
      "invalid-unit-price",
      "missing-offer-sku",
      "currency-mismatch",
    ]);
    expect(result.or21).toEqual({ order_lines: [{ id: "L1", accepted: false }] });
  });
});

describe("lines of one order sharing a SKU's stock, in line order", () => {
  it("serves lines while the stock lasts; a line that does not fit takes nothing, so a later smaller one can", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 3), line("L2", "BLUE-42", 3), line("L3", "BLUE-42", 2)],
      shop: { stock: { "BLUE-42": stockOf(6, 1, 1) } },
    });
    expect(decisions(result.lines)).toEqual([
      ["L1", "accept"],
      ["L2", "refuse"],
      ["L3", "accept"],
    ]);
    expect(result.lines[1]!.reasons[0]!.message).toBe(
      "Only 2 sellable at Warehouse Lyon, 3 ordered (1 other open order holds 1; earlier lines of this order take 3)",
    );
    expect(result.status === "final" && result.outcome).toBe("partial");
    expect(result.or21).toEqual({
      order_lines: [
        { id: "L1", accepted: true },
        { id: "L2", accepted: false },
        { id: "L3", accepted: true },
      ],
    });
  });

  it("a line refused for another reason leaves its units to the next line", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 3, "1"), line("L2", "BLUE-42", 3)],
      shop: { stock: { "BLUE-42": stockOf(3) } },
    });
    expect(decisions(result.lines)).toEqual([
      ["L1", "refuse"],
      ["L2", "accept"],
    ]);
  });

  it("a line in review keeps its units: a person may still accept it", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 3, "1"), line("L2", "BLUE-42", 3)],
      shop: { stock: { "BLUE-42": stockOf(3) } },
      settings: { onFailedRule: { priceOutOfTolerance: "review" } },
    });
    expect(decisions(result.lines)).toEqual([
      ["L1", "review"],
      ["L2", "refuse"],
    ]);
  });

  it("different SKUs do not share", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 3), line("L2", "RED-7", 3)],
      shop: { stock: { "BLUE-42": stockOf(3), "RED-7": stockOf(3) } },
    });
    expect(result.lines.every((l) => l.decision === "accept")).toBe(true);
  });
});

describe("partial acceptance forbidden by the platform", () => {
  const mixed = [line("L1", "BLUE-42", 1), line("L2", "RED-7", 99)];

  it("refuse-all (default): one line that cannot be served refuses the whole order, saying why on each line", () => {
    const result = decide({ lines: mixed, partialAcceptance: "forbidden" });
    expect(result.status === "final" && result.outcome).toBe("refuse-all");
    expect(decisions(result.lines)).toEqual([
      ["L1", "refuse"],
      ["L2", "refuse"],
    ]);
    expect(result.or21).toEqual({
      order_lines: [
        { id: "L1", accepted: false },
        { id: "L2", accepted: false },
      ],
    });
    const forced = result.lines[0]!;
    expect(forced.ownDecision).toBe("accept");
    expect(forced.reasons.map((r) => r.code)).toEqual(["partial-acceptance-forbidden"]);
    expect(forced.reasons[0]!.message).toBe(
      "The marketplace forbids partial acceptance and line L2 would be refused (Only 10 sellable at Warehouse Lyon, 99 ordered): every line of the order is refused",
    );
    // The line that failed keeps its own reason; it was refused anyway.
    expect(result.lines[1]!.orderReason).toBeNull();
    expect(result.lines[1]!.reasons.map((r) => r.code)).toEqual(["stock-insufficient"]);
  });

  it("review-all: the whole order waits for a person, nothing is sent", () => {
    const result = decide({
      lines: mixed,
      partialAcceptance: "forbidden",
      settings: { whenPartialAcceptanceForbidden: "review-all" },
    });
    expect(result.status).toBe("needs-review");
    expect(result.or21).toBeNull();
    expect(decisions(result.lines)).toEqual([
      ["L1", "review"],
      ["L2", "review"],
    ]);
    expect(result.lines[0]!.reasons[0]!.message).toContain("every line goes to review so a person decides the order");
    expect(result.lines[1]!.reasons.map((r) => r.code)).toEqual(["stock-insufficient", "partial-acceptance-forbidden"]);
  });

  it("a line in review puts the whole order in review", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 1), line("L2", "RED-7", 99)],
      partialAcceptance: "forbidden",
      settings: { onFailedRule: { insufficientStock: "review" } },
    });
    expect(decisions(result.lines)).toEqual([
      ["L1", "review"],
      ["L2", "review"],
    ]);
    expect(result.lines[0]!.reasons[0]!.message).toBe(
      "The marketplace forbids partial acceptance and line L2 is in review: the whole order waits for that decision",
    );
  });

  it("refuse-all wins over a line in review (a refusal is certain)", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 1), line("L2", "RED-7", 1, "1"), line("L3", "RED-7", 99)],
      partialAcceptance: "forbidden",
      settings: { onFailedRule: { priceOutOfTolerance: "review" } },
    });
    expect(result.lines.map((l) => l.decision)).toEqual(["refuse", "refuse", "refuse"]);
    expect(result.status).toBe("final");
  });

  it("nothing changes when every line agrees", () => {
    const allGood = decide({
      lines: [line("L1", "BLUE-42", 1), line("L2", "RED-7", 1)],
      partialAcceptance: "forbidden",
    });
    expect(allGood.status === "final" && allGood.outcome).toBe("accept-all");
    const allBad = decide({
      lines: [line("L1", "BLUE-42", 99), line("L2", "RED-7", 99)],
      partialAcceptance: "forbidden",
    });
    expect(allBad.status === "final" && allBad.outcome).toBe("refuse-all");
    expect(allBad.lines.every((l) => l.orderReason === null)).toBe(true);
  });

  it("is ignored when partial acceptance is allowed", () => {
    const result = decide({ lines: mixed });
    expect(result.status === "final" && result.outcome).toBe("partial");
  });
});

describe("which orders are decided", () => {
  it("automatic acceptance on the platform: skipped, and says so", () => {
    const result = decide({ lines: [line("L1", "BLUE-42", 1)], orderAcceptance: "AUTOMATIC" });
    expect(result).toMatchObject({
      status: "skipped",
      message: AUTOMATIC_ACCEPTANCE_MESSAGE,
      reason: { code: "automatic-acceptance" },
      lines: [],
      or21: null,
    });
    expect(AUTOMATIC_ACCEPTANCE_MESSAGE).toBe("skipped: the marketplace accepts orders automatically");
  });

  it.each([["NOT_AUTOMATIC"], ["BOTH"], [null]])("order acceptance %s: decided", (mode) => {
    expect(decide({ lines: [line("L1", "BLUE-42", 1)], orderAcceptance: mode }).status).toBe("final");
  });

  it("lines not waiting for acceptance are left out of the decision and of OR21", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 1), line("L0", "RED-7", 1, "20", "CANCELED")],
    });
    expect(result.otherLineIds).toEqual(["L0"]);
    expect(result.or21).toEqual({ order_lines: [{ id: "L1", accepted: true }] });
  });

  it("no waiting line: nothing to decide, nothing to send", () => {
    const result = decide({ lines: [line("L1", "BLUE-42", 1, "20", "SHIPPING")] });
    expect(result).toMatchObject({ status: "nothing-to-decide", lines: [], or21: null, otherLineIds: ["L1"] });
    expect(decide({ lines: [] }).status).toBe("nothing-to-decide");
  });

  it("the connection's currency unknown: not checked, the line is still decided", () => {
    const result = decide({ lines: [line("L1", "BLUE-42", 1)], connectionCurrency: null });
    expect(result.lines[0]!.decision).toBe("accept");
    expect(result.lines[0]!.checks[0]!.code).toBe("currency-not-checked");
  });
});

describe("lines OR21 cannot name", () => {
  it("a line id seen twice sends both to review whatever the settings: OR21 must name each line once", () => {
    const result = decide({
      lines: [line("L1", "BLUE-42", 1), line("L1", "RED-7", 1), line("L2", "RED-7", 99)],
      partialAcceptance: "forbidden",
    });
    expect(result.status).toBe("needs-review");
    expect(result.or21).toBeNull();
    expect(result.lines.map((l) => l.decision)).toEqual(["review", "review", "refuse"]);
    expect(result.lines[0]!.failures[0]!.code).toBe("duplicate-line-id");
  });

  it("a line without an id goes to review", () => {
    const result = decide({ lines: [line("", "BLUE-42", 1)] });
    expect(result.lines[0]!.decision).toBe("review");
    expect(result.lines[0]!.failures.map((f) => f.code)).toEqual(["missing-line-id"]);
    expect(result.lines[0]!.summary).toMatch(/^Review line \(no id\): /);
  });
});

describe("a person completes an order in review", () => {
  const inReview = () =>
    decide({
      lines: [line("L1", "BLUE-42", 1), line("L2", "RED-7", 1, "1")],
      settings: { onFailedRule: { priceOutOfTolerance: "review" } },
    });

  it("one OR21 with every waiting line: the automatic decisions plus the person's", () => {
    expect(completeReview(inReview(), new Map([["L2", false]]), "allowed")).toEqual({
      ok: true,
      or21: {
        order_lines: [
          { id: "L1", accepted: true },
          { id: "L2", accepted: false },
        ],
      },
    });
  });

  it("a choice on a decided line overrides it", () => {
    const done = completeReview(
      inReview(),
      new Map([
        ["L1", false],
        ["L2", false],
      ]),
      "allowed",
    );
    expect(done.ok && done.or21.order_lines.map((l) => l.accepted)).toEqual([false, false]);
  });

  it("every line in review needs a choice", () => {
    expect(completeReview(inReview(), new Map(), "allowed")).toEqual({ ok: false, problem: "No decision for line L2" });
  });

  it("partial acceptance forbidden: the choices must agree", () => {
    expect(completeReview(inReview(), new Map([["L2", false]]), "forbidden")).toEqual({
      ok: false,
      problem: "The marketplace forbids partial acceptance: accept every line or refuse every line",
    });
    expect(completeReview(inReview(), new Map([["L2", true]]), "forbidden").ok).toBe(true);
  });

  it("only an order in review can be completed, and only when OR21 can name its lines", () => {
    const final = decide({ lines: [line("L1", "BLUE-42", 1)] });
    expect(completeReview(final, new Map([["L1", true]]), "allowed").ok).toBe(false);
    const duplicate = decide({ lines: [line("L1", "BLUE-42", 1), line("L1", "BLUE-42", 1)] });
    expect(completeReview(duplicate, new Map([["L1", true]]), "allowed")).toMatchObject({ ok: false });
  });
});
