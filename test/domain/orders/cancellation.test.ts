import { describe, expect, it } from "vitest";
import { planShopifyCancellation, type CancellableOrder } from "~/domain/orders/cancellation";
import type { MiraklOrderLineLike } from "~/domain/orders/shopify-order";

/** A Shopify order cancelled by the merchant: what goes to Mirakl (OR29, OR30, OR28 or nothing), and why. */

function line(overrides: Partial<MiraklOrderLineLike> & { order_line_id: string }): MiraklOrderLineLike {
  return {
    order_line_state: "SHIPPING",
    offer_sku: "SKU-1",
    quantity: 2,
    price_unit: "50",
    price: "100",
    shipping_price: "10",
    taxes: [{ code: "VAT", amount: "20" }],
    shipping_taxes: [{ code: "VAT", amount: "2" }],
    cancelations: [],
    refunds: [],
    can_refund: true,
    shipped_date: null,
    ...overrides,
  };
}

const shipped = (id: string) =>
  line({ order_line_id: id, order_line_state: "SHIPPED", shipped_date: "2026-12-01T10:00:00Z" });

function order(lines: MiraklOrderLineLike[], overrides: Partial<CancellableOrder> = {}): CancellableOrder {
  return {
    order_id: "O-1-A",
    order_state: "SHIPPING",
    can_cancel: false,
    payment_workflow: "PAY_ON_ACCEPTANCE",
    order_tax_mode: "TAX_EXCLUDED",
    currency_iso_code: "EUR",
    order_lines: lines,
    ...overrides,
  };
}

const plan = (o: CancellableOrder, reasons: { refund?: string | null; cancel?: string | null } = {}, refused = false) =>
  planShopifyCancellation({
    order: o,
    refundReasonCode: reasons.refund === undefined ? "15" : reasons.refund,
    cancelationReasonCode: reasons.cancel === undefined ? "34" : reasons.cancel,
    lineCancelRefused: refused,
  });

describe("planShopifyCancellation", () => {
  it("nothing shipped and Mirakl allows cancelling: OR29 for the whole order", () => {
    const p = plan(order([line({ order_line_id: "L1" }), line({ order_line_id: "L2" })], { can_cancel: true }));
    // Tax excluded: 2 × (100 + 10 shipping + 20 + 2 taxes) back to the customer.
    expect(p).toMatchObject({ action: "CANCEL_ORDER", lineIds: ["L1", "L2"], customerTotal: "264" });
  });

  it("the customer's money back: taxes added when the order excludes them, not when it includes them", () => {
    const lines = [line({ order_line_id: "L1" })];
    expect(plan(order(lines))).toMatchObject({ customerTotal: "132" });
    expect(plan(order(lines, { order_tax_mode: "TAX_INCLUDED" }))).toMatchObject({ customerTotal: "110" });
  });

  it("OR29 needs no reason at all", () => {
    const p = plan(order([line({ order_line_id: "L1" })], { can_cancel: true }), { refund: null, cancel: null });
    expect(p.action).toBe("CANCEL_ORDER");
  });

  it("paid on acceptance and debited: OR28 gives back all that is left of every line, and says why", () => {
    const p = plan(order([line({ order_line_id: "L1" })]));
    expect(p.action).toBe("REFUND_LINES");
    if (p.action !== "REFUND_LINES") return;
    expect(p.entries).toEqual([
      {
        order_line_id: "L1",
        amount: "100",
        shipping_amount: "10",
        quantity: 2,
        reason_code: "15",
        currency_iso_code: "EUR",
        taxes: [{ code: "VAT", amount: "20" }],
        shipping_taxes: [{ code: "VAT", amount: "2" }],
      },
    ]);
    expect(p.why).toContain("PAY_ON_ACCEPTANCE");
  });

  it("gives back only what earlier refunds and cancelations left (units, money, taxes)", () => {
    const p = plan(
      order([
        line({
          order_line_id: "L1",
          refunds: [
            { id: "R1", amount: "50", shipping_amount: "0", quantity: 1, taxes: [{ code: "VAT", amount: "10" }] },
          ],
        }),
      ]),
    );
    expect(p).toMatchObject({
      action: "REFUND_LINES",
      entries: [{ amount: "50", shipping_amount: "10", quantity: 1, taxes: [{ code: "VAT", amount: "10" }] }],
      customerTotal: "72",
    });
  });

  it("a tax code taken whole by earlier refunds is not sent as a zero", () => {
    const p = plan(
      order([
        line({
          order_line_id: "L1",
          taxes: [
            { code: "VAT", amount: "20" },
            { code: "ECO", amount: "1" },
          ],
          refunds: [
            { id: "R1", amount: "0", shipping_amount: "0", quantity: 0, taxes: [{ code: "ECO", amount: "1" }] },
          ],
        }),
      ]),
    );
    expect(p).toMatchObject({ action: "REFUND_LINES", entries: [{ taxes: [{ code: "VAT", amount: "20" }] }] });
  });

  it("some lines shipped, Mirakl allows cancelling: OR30 for the others with the CANCELATION reason; shipped lines stay", () => {
    const p = plan(order([shipped("L1"), line({ order_line_id: "L2" })], { can_cancel: true }));
    expect(p).toMatchObject({
      action: "CANCEL_LINES",
      entries: [{ order_line_id: "L2", quantity: 2, amount: "100", reason_code: "34" }],
      shippedLines: ["L1"],
      customerTotal: "132",
    });
    if (p.action === "CANCEL_LINES") expect(p.why).toContain("L1");
  });

  it("OR30 refused before (partial cancelation off): the lines are refunded instead, and the reason says so", () => {
    const p = plan(order([shipped("L1"), line({ order_line_id: "L2" })], { can_cancel: true }), {}, true);
    expect(p).toMatchObject({ action: "REFUND_LINES", entries: [{ order_line_id: "L2", reason_code: "15" }] });
    if (p.action === "REFUND_LINES") expect(p.why).toContain("partial cancelation is off");
  });

  it("some lines shipped, debited: OR28 for the lines not shipped only", () => {
    const p = plan(order([shipped("L1"), line({ order_line_id: "L2" })]));
    expect(p).toMatchObject({ action: "REFUND_LINES", entries: [{ order_line_id: "L2" }], shippedLines: ["L1"] });
  });

  it("without the reason the action needs: waits for a person, saying which kind of reason", () => {
    expect(plan(order([line({ order_line_id: "L1" })]), { refund: null })).toMatchObject({
      action: "NEEDS_REASON",
      reasonType: "REFUND",
    });
    expect(
      plan(order([shipped("L1"), line({ order_line_id: "L2" })], { can_cancel: true }), { cancel: null }),
    ).toMatchObject({ action: "NEEDS_REASON", reasonType: "CANCELATION", customerTotal: "132" });
  });

  it("every line shipped: nothing can be cancelled, and a person is told (the refund path carries returns)", () => {
    const p = plan(order([shipped("L1")], { order_state: "SHIPPED" }));
    expect(p).toMatchObject({ action: "NONE", attention: true, shippedLines: ["L1"] });
  });

  it("already cancelled on Mirakl, or every line cancelled or refunded: nothing to send, nobody to bother", () => {
    expect(
      plan(order([line({ order_line_id: "L1", order_line_state: "CANCELED" })], { order_state: "CANCELED" })),
    ).toMatchObject({
      action: "NONE",
      attention: false,
    });
    const refundedWhole = line({
      order_line_id: "L1",
      refunds: [
        {
          id: "R1",
          amount: "100",
          shipping_amount: "10",
          quantity: 2,
          taxes: [{ code: "VAT", amount: "20" }],
          shipping_taxes: [{ code: "VAT", amount: "2" }],
        },
      ],
    });
    expect(plan(order([refundedWhole]))).toMatchObject({ action: "NONE", attention: false });
  });

  it("a refused or cancelled line among open ones is left out", () => {
    const p = plan(order([line({ order_line_id: "L1", order_line_state: "REFUSED" }), line({ order_line_id: "L2" })]));
    expect(p).toMatchObject({ action: "REFUND_LINES", entries: [{ order_line_id: "L2" }] });
  });

  it("TAX_INCLUDED: the amounts hold their taxes, sent as Mirakl lists them", () => {
    const p = plan(
      order([line({ order_line_id: "L1", price: "120", shipping_price: "12" })], { order_tax_mode: "TAX_INCLUDED" }),
    );
    expect(p).toMatchObject({
      action: "REFUND_LINES",
      entries: [{ amount: "120", shipping_amount: "12", taxes: [{ code: "VAT", amount: "20" }] }],
    });
  });
});
