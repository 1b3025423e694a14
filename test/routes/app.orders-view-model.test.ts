import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { acceptanceClock } from "~/domain/orders/acceptance-deadline";
import { acceptanceStatus, orderStateLabel } from "~/components/order-status";
import {
  acceptanceCountdown,
  acceptanceWindowHours,
  warningReachedBy,
} from "~/routes/app.orders._index/orders-page.server";
import { encodeCursor, parseOrdersQuery } from "~/routes/app.orders._index/orders-query";
import { lineCommission, lineTaxes, orderMoney, subtractMoney, sumTaxes } from "~/routes/app.orders.$id/order-money";
import { sumMoney } from "~/domain/money";
import { addressLines, customerView, decisionChecks } from "~/routes/app.orders.$id/order-page.server";
import { parseReviewForm } from "~/routes/app.orders.$id/review-form";

describe("order money", () => {
  it("adds and subtracts amounts of different precision exactly", () => {
    expect(sumMoney(["0.1", "0.2"])).toBe("0.3");
    expect(sumMoney(["10.5", "1.234", "-0.004"])).toBe("11.73");
    expect(sumMoney([])).toBe("0");
    expect(subtractMoney("35.29", "5.647")).toBe("29.643");
    expect(subtractMoney("5", "7.5")).toBe("-2.5");
  });

  it("matches integer arithmetic on cents for any amounts", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { maxLength: 20 }), (cents) => {
        const asMoney = cents.map((c) => (c / 100).toFixed(2));
        const expected = cents.reduce((a, b) => a + b, 0);
        expect(sumMoney(asMoney)).toBe(sumMoney([(expected / 100).toFixed(2)]));
      }),
    );
  });

  it("sums a taxes list as stored, numbers or strings; an unreadable list is unknown, not zero", () => {
    expect(
      sumTaxes([
        { code: "VAT", amount: "1.1", rate: "20" },
        { code: "ECO", amount: 0.2 },
      ]),
    ).toBe("1.3");
    expect(sumTaxes([])).toBe("0");
    expect(sumTaxes(null)).toBe("0");
    expect(sumTaxes([{ code: "VAT", amount: "abc" }])).toBeNull();
    expect(sumTaxes({ amount: "1" })).toBeNull();
    expect(lineTaxes({ taxes: [{ amount: "1" }], shippingTaxes: [{ amount: "0.25" }] })).toBe("1.25");
    expect(lineTaxes({ taxes: [{ amount: "1" }], shippingTaxes: "oops" })).toBeNull();
  });

  it("takes a line's commission as fee plus its tax, unknown when Mirakl gave neither", () => {
    expect(lineCommission({ commissionFee: "1.5", commissionVat: "0.3" })).toBe("1.8");
    expect(lineCommission({ commissionFee: "1.5", commissionVat: null })).toBe("1.5");
    expect(lineCommission({ commissionFee: null, commissionVat: null })).toBeNull();
  });

  it("nets the seller the total less the order's commission, or the lines' when the order has none", () => {
    const lines = [
      { taxes: [{ amount: "2" }], shippingTaxes: [], commissionFee: "1.1", commissionVat: "0.22" },
      { taxes: [{ amount: "0.5" }], shippingTaxes: [{ amount: "0.1" }], commissionFee: "0.9", commissionVat: "0.18" },
    ];
    const base = { price: "20", shippingPrice: "3.9", totalPrice: "23.9", lines };
    expect(orderMoney({ ...base, totalCommission: "2.4" })).toEqual({
      price: "20",
      shipping: "3.9",
      taxes: "2.6",
      total: "23.9",
      commission: "2.4",
      netToSeller: "21.5",
    });
    expect(orderMoney({ ...base, totalCommission: null })).toMatchObject({ commission: "2.4", netToSeller: "21.5" });
    const unknown = orderMoney({
      ...base,
      totalCommission: null,
      lines: [{ ...lines[0]!, commissionFee: null, commissionVat: null }],
    });
    expect(unknown).toMatchObject({ commission: null, netToSeller: null });
  });
});

describe("deadline filter bound", () => {
  it("puts exactly the orders whose clock reached the warning level on the right side of the bound", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 720 }),
        fc.integer({ min: -3_600_000, max: 1000 * 3_600_000 }),
        (windowHours, elapsedMs) => {
          const now = new Date(Date.UTC(2026, 5, 1));
          const appeared = new Date(now.getTime() - elapsedMs);
          const atWarning = acceptanceClock(appeared, windowHours, now).level !== "none";
          expect(appeared.getTime() <= warningReachedBy(windowHours, now).getTime()).toBe(atWarning);
        },
      ),
    );
  });

  it("is exact at the boundary: 12 h into a 24 h window is a warning, a millisecond less is not", () => {
    const now = new Date(Date.UTC(2026, 5, 1, 12));
    const bound = warningReachedBy(24, now);
    expect(bound.toISOString()).toBe("2026-06-01T00:00:00.000Z");
    expect(acceptanceClock(bound, 24, now).level).toBe("warning");
    expect(acceptanceClock(new Date(bound.getTime() + 1), 24, now).level).toBe("none");
  });
});

describe("acceptance countdown", () => {
  const now = new Date(Date.UTC(2026, 5, 1, 12));
  const appeared = new Date(Date.UTC(2026, 5, 1, 8, 40));

  it("runs while Mirakl has no decision applied", () => {
    for (const acceptance of ["PENDING", "REVIEW", "SENDING"])
      expect(acceptanceCountdown({ acceptance, createdOnMiraklAt: appeared }, 24, now)).toEqual({
        text: "20 h 40 min left",
        level: "none",
        at: "2026-06-02T08:40:00.000Z",
      });
    expect(acceptanceCountdown({ acceptance: "REVIEW", createdOnMiraklAt: appeared }, 3, now)?.text).toBe("expired");
  });

  it("stops once the decision is sent, made on Mirakl or not needed", () => {
    for (const acceptance of ["NONE", "SENT", "DECIDED_ON_MIRAKL", "AUTOMATIC"])
      expect(acceptanceCountdown({ acceptance, createdOnMiraklAt: appeared }, 24, now)).toBeNull();
  });

  it("reads the connection's window, the default when its settings do not parse", () => {
    expect(acceptanceWindowHours({ acceptance: { acceptanceWindowHours: 72 } })).toBe(72);
    expect(acceptanceWindowHours(null)).toBe(24);
    expect(acceptanceWindowHours({ acceptance: { acceptanceWindowHours: -1 } })).toBe(24);
  });
});

describe("Orders page URL query", () => {
  it("reads filters, search and a cursor", () => {
    const cursor = encodeCursor({ createdOnMiraklAt: new Date(1_780_000_000_123), id: "0193-abc" });
    expect(cursor).toBe("1780000000123_0193-abc");
    expect(
      parseOrdersQuery(
        new URLSearchParams(`marketplace=c1&state=SHIPPING&review=1&deadline=soon&ships=soon&q= ab &after=${cursor}`),
      ),
    ).toEqual({
      marketplace: "c1",
      state: "SHIPPING",
      review: true,
      deadline: true,
      ships: true,
      q: "ab",
      after: { at: new Date(1_780_000_000_123), id: "0193-abc" },
      before: undefined,
    });
  });

  it("drops what does not parse", () => {
    expect(
      parseOrdersQuery(
        new URLSearchParams(`state=nope&review=yes&deadline=1&ships=yes&before=1_a'b&q=${"x".repeat(101)}`),
      ),
    ).toEqual({
      marketplace: undefined,
      state: undefined,
      review: false,
      deadline: false,
      ships: false,
      q: "",
      after: undefined,
      before: undefined,
    });
  });
});

describe("review form", () => {
  it("turns line fields into { lineId: accepted }", () => {
    const form = new FormData();
    form.append("intent", "review");
    form.append("line:ORDER-1-A-1", "accept");
    form.append("line:ORDER-1-A-2", "refuse");
    expect(parseReviewForm(form)).toEqual({ ok: true, choices: { "ORDER-1-A-1": true, "ORDER-1-A-2": false } });
  });

  it("refuses no answer, an unknown answer, a line answered twice or a line id left empty", () => {
    expect(parseReviewForm([["intent", "review"]])).toMatchObject({ ok: false });
    expect(parseReviewForm([["line:A-1", "maybe"]])).toEqual({
      ok: false,
      problem: "Choose Accept or Refuse for each line",
    });
    expect(
      parseReviewForm([
        ["line:A-1", "accept"],
        ["line:A-1", "refuse"],
      ]),
    ).toEqual({ ok: false, problem: "Line A-1 was given two answers" });
    expect(parseReviewForm([["line:", "accept"]])).toMatchObject({ ok: false });
    expect(parseReviewForm([["line:constructor", "accept"]])).toEqual({ ok: true, choices: { constructor: true } });
  });
});

describe("order page view-model helpers", () => {
  it("keeps the decision checks that read and drops the others", () => {
    expect(
      decisionChecks([
        { rule: "insufficientStock", outcome: "fail", code: "stock-insufficient", message: "Only 2 sellable" },
        { rule: "x", outcome: "unknown", code: "c", message: "m" },
        "garbage",
      ]),
    ).toEqual([{ rule: "insufficientStock", outcome: "fail", message: "Only 2 sellable" }]);
    expect(decisionChecks(null)).toEqual([]);
  });

  it("shows the customer as given: no address before acceptance, the alias as the only e-mail", () => {
    expect(
      customerView({ firstname: "Ada", lastname: "Lovelace", shipping_address: null }, "n+1@notification.mirakl.net"),
    ).toEqual({
      name: "Ada Lovelace",
      locale: null,
      shippingAddress: null,
      billingAddress: null,
      emailAlias: "n+1@notification.mirakl.net",
    });
    expect(customerView("not an object", null)).toMatchObject({ name: null, shippingAddress: null, emailAlias: null });
    expect(
      addressLines({
        firstname: "Ada",
        lastname: "Lovelace",
        street_1: "1 Rue X",
        zip_code: "75001",
        city: "Paris",
        country_iso_code: "FRA",
      }),
    ).toEqual(["Ada Lovelace", "1 Rue X", "75001 Paris", "FRA"]);
  });
});

describe("order labels", () => {
  it("names the states and the app's acceptance in plain words", () => {
    expect(orderStateLabel("WAITING_DEBIT_PAYMENT")).toBe("Accepted, payment in progress");
    expect(orderStateLabel("SOMETHING_NEW")).toBe("SOMETHING_NEW");
    expect(acceptanceStatus("SENT", { accepted: 2, refused: 0 }).label).toBe("Accepted");
    expect(acceptanceStatus("SENT", { accepted: 0, refused: 1 }).label).toBe("Refused");
    expect(acceptanceStatus("SENT", { accepted: 1, refused: 1 }).label).toBe("Partly accepted");
    expect(acceptanceStatus("REVIEW", { accepted: 0, refused: 0 }).label).toBe("Needs your review");
    expect(acceptanceStatus("AUTOMATIC", { accepted: 0, refused: 0 }).label).toBe("Accepted by the marketplace");
  });
});
