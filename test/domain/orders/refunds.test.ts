import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { coerceInputValue, type GraphQLInputType } from "graphql";
import { describe, expect, it } from "vitest";
import {
  allocateProportionally,
  isOwnReversal,
  planMiraklRefunds,
  planShopifyRefund,
  refundableLeft,
  reversalKey,
  reversalsToMirror,
  shopifyRefundGroups,
  type MiraklRefundPlan,
  type RefundOrderInput,
  type ReversalToMirror,
  type SentReversalIntent,
  type ShopifyRefundPlan,
  type ShopifyRefundRequest,
} from "~/domain/orders/refunds";
import type { MiraklOrderLike, MiraklOrderLineLike } from "~/domain/orders/shopify-order";
import { miraklOrderSchema } from "~/integrations/mirakl/schemas";
import { loadAdminSchema } from "../../integrations/shopify/admin-schema";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const specPath = process.env.MIRAKL_OPENAPI_SPEC ?? path.resolve(repoRoot, "../shared/mirakl/mmp-seller-openapi.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.warn(`[refunds OR11/OR28 examples] skipped: OpenAPI spec not found at ${specPath}`);

const schema = loadAdminSchema();
/** Shopify's own input coercion: a field or enum value Shopify does not know throws, as the real API would refuse it. */
function assertValidRefundInput(plan: ShopifyRefundPlan) {
  coerceInputValue(plan.input, schema.getType("RefundInput") as GraphQLInputType, (pathTo, _invalid, error) => {
    throw new Error(`RefundInput.${pathTo.join(".")}: ${error.message}`);
  });
}

function line(overrides: Partial<MiraklOrderLineLike> & { order_line_id: string }): MiraklOrderLineLike {
  return {
    order_line_state: "SHIPPED",
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
    shipped_date: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

function order(lines: MiraklOrderLineLike[], mode: "TAX_INCLUDED" | "TAX_EXCLUDED" = "TAX_EXCLUDED"): RefundOrderInput {
  return { order_tax_mode: mode, currency_iso_code: "EUR", order_lines: lines };
}

const noShipping = { amount: "0", taxAmount: "0" };
function request(
  lines: ShopifyRefundRequest["lines"],
  shipping = noShipping,
  amountsIncludeTax = false,
): ShopifyRefundRequest {
  return { lines, shipping, amountsIncludeTax };
}

function plan(o: RefundOrderInput, r: ShopifyRefundRequest, cancelationReasonCode: string | null = null) {
  return planMiraklRefunds({ order: o, request: r, reasonCode: "15", cancelationReasonCode });
}

const entries = (p: MiraklRefundPlan) => p.lines.map((l) => l.refund);

// ---------------------------------------------------------------------------------------------------------

describe.skipIf(!specPresent)("Mirakl's own examples (OR11 Order_00010-A, OR28 request)", () => {
  const spec = specPresent ? (JSON.parse(readFileSync(specPath, "utf8")) as Record<string, any>) : {};
  const example = specPresent
    ? (miraklOrderSchema.parse(
        spec.paths["/api/orders"].get.responses["200"].content["application/json"].examples["application/json-0"].value
          .orders[0],
      ) as unknown as MiraklOrderLike)
    : null;
  const or28Example = specPresent
    ? spec.paths["/api/orders/refund"].put.requestBody.content["application/json"].examples["application/json-0"].value
    : null;

  it("leaves the line's price, shipping and taxes less its cancelation and its refund", () => {
    const exampleLine = example!.order_lines[0]!;
    // 165 − 12.34 cancelled − 6.82 refunded; 8 − 1.23 − 1.79; each tax 10 − 0.75 − 0.41; each shipping tax 10 − 1.54 − 2.24.
    expect(refundableLeft(exampleLine, "TAX_EXCLUDED")).toEqual({
      lineId: "Order_00010-A-1",
      amount: "145.84",
      shippingAmount: "4.98",
      taxes: [
        { code: "tax1", amount: "8.84" },
        { code: "tax2", amount: "8.84" },
      ],
      shippingTaxes: [
        { code: "tax1", amount: "6.22" },
        { code: "tax2", amount: "6.22" },
      ],
      quantity: 3,
      total: "180.94",
    });
    // The same line read as TAX_INCLUDED: the taxes are within the amounts.
    expect(refundableLeft(exampleLine, "TAX_INCLUDED").total).toBe("150.82");
  });

  it("plans exactly OR28's example body from the matching Shopify refund", () => {
    const p = planMiraklRefunds({
      order: example!,
      request: request([{ lineId: "Order_00010-A-1", quantity: 0, amount: "1.5", taxAmount: "2" }], {
        amount: "2",
        taxAmount: "2",
      }),
      reasonCode: "15",
    });
    expect(p.orderTaxMode).toBe(or28Example.order_tax_mode);
    const sent = or28Example.refunds[0];
    const tax = (list: { code: string; amount: string | number }[]) =>
      list.map((t) => ({ code: t.code, amount: String(t.amount) }));
    expect(entries(p)).toEqual([
      {
        order_line_id: sent.order_line_id,
        amount: String(sent.amount),
        shipping_amount: String(sent.shipping_amount),
        quantity: sent.quantity,
        reason_code: sent.reason_code,
        currency_iso_code: "USD",
        taxes: tax(sent.taxes),
        shipping_taxes: tax(sent.shipping_taxes),
      },
    ]);
    expect(p.lines[0]!.caps).toEqual([]);
    // Received line: refunding every unit is a refund, not a cancelation.
    expect(p.lines[0]!.cancelsLine).toBe(false);
  });

  it("mirrors the example's cancelation and refund to a valid Shopify refund, the taxes on top (TAX_EXCLUDED)", () => {
    const pending = reversalsToMirror(example!, { mirroredKeys: new Set(), sentIntents: [] });
    expect(pending.map((p) => reversalKey(p.kind, p.reversal.id))).toEqual(["cancelation:1122", "refund:1106"]);
    const shopify = planShopifyRefund({
      shopifyOrderId: "gid://shopify/Order/1",
      miraklOrderId: example!.order_id,
      orderTaxMode: "TAX_EXCLUDED",
      reversals: pending,
      lineItems: new Map([["Order_00010-A-1", "gid://shopify/LineItem/1"]]),
      restock: true,
      saleTransaction: { gateway: "Decathlon (Mirakl)", id: "gid://shopify/OrderTransaction/9" },
    });
    assertValidRefundInput(shopify);
    // Cancelation 12.34 + 1.23 + 2 × 0.75 + 2 × 1.54 = 18.15; refund 6.82 + 1.79 + 2 × 0.41 + 2 × 2.24 = 13.91.
    expect(shopify.input.transactions).toEqual([
      {
        orderId: "gid://shopify/Order/1",
        amount: "32.06",
        gateway: "Decathlon (Mirakl)",
        kind: "REFUND",
        parentId: "gid://shopify/OrderTransaction/9",
      },
    ]);
    expect(shopify.input.shipping).toEqual({ amount: "3.02" });
    // Mirakl's quantities are 0: money only, no units.
    expect(shopify.input.refundLineItems).toEqual([]);
    expect(shopify.input.note).toBe(
      "Made on Mirakl (order Order_00010-A): cancelation 1122 on line Order_00010-A-1 (reason 34); refund 1106 on line Order_00010-A-1 (reason 19).",
    );
  });
});

describe("refundableLeft", () => {
  it("is the whole line when nothing was reversed", () => {
    expect(refundableLeft(line({ order_line_id: "L1" }), "TAX_EXCLUDED")).toEqual({
      lineId: "L1",
      amount: "100",
      shippingAmount: "10",
      taxes: [{ code: "VAT", amount: "20" }],
      shippingTaxes: [{ code: "VAT", amount: "2" }],
      quantity: 2,
      total: "132",
    });
  });

  it("takes off earlier refunds and cancelations, units included, and never goes below zero", () => {
    const l = line({
      order_line_id: "L1",
      quantity: 3,
      price: "150",
      taxes: [
        { code: "VAT", amount: "30" },
        { code: "ECO", amount: "3" },
      ],
      cancelations: [
        { id: "c1", quantity: 1, amount: "50", shipping_amount: "0", taxes: [{ code: "VAT", amount: "10" }] },
      ],
      refunds: [
        {
          id: "r1",
          quantity: 1,
          amount: "50",
          shipping_amount: "12",
          taxes: [
            { code: "VAT", amount: "10" },
            { code: "ECO", amount: "5" },
            { code: "OTHER", amount: "1" },
          ],
          shipping_taxes: [{ code: "VAT", amount: "2" }],
        },
      ],
    });
    expect(refundableLeft(l, "TAX_EXCLUDED")).toEqual({
      lineId: "L1",
      amount: "50",
      shippingAmount: "0",
      taxes: [
        { code: "VAT", amount: "10" },
        { code: "ECO", amount: "0" },
      ],
      shippingTaxes: [{ code: "VAT", amount: "0" }],
      quantity: 1,
      total: "60",
    });
  });
});

describe("planMiraklRefunds: money in the order's tax mode", () => {
  it("TAX_EXCLUDED order, Shopify amounts without tax: sent as given", () => {
    const p = plan(
      order([line({ order_line_id: "L1" })]),
      request([{ lineId: "L1", quantity: 1, amount: "50", taxAmount: "10" }]),
    );
    expect(entries(p)).toEqual([
      {
        order_line_id: "L1",
        amount: "50",
        shipping_amount: "0",
        quantity: 1,
        reason_code: "15",
        currency_iso_code: "EUR",
        taxes: [{ code: "VAT", amount: "10" }],
        shipping_taxes: [{ code: "VAT", amount: "0" }],
      },
    ]);
  });

  it("TAX_EXCLUDED order, Shopify amounts with tax: the tax comes out of the amount", () => {
    const p = plan(
      order([line({ order_line_id: "L1" })]),
      request([{ lineId: "L1", quantity: 1, amount: "60", taxAmount: "10" }], noShipping, true),
    );
    expect(entries(p)[0]).toMatchObject({ amount: "50", taxes: [{ code: "VAT", amount: "10" }] });
  });

  it("TAX_INCLUDED order: the amount holds the tax, whichever way Shopify gave it", () => {
    const included = line({ order_line_id: "L1", price: "120", shipping_price: "12" });
    const withTax = plan(
      order([included], "TAX_INCLUDED"),
      request([{ lineId: "L1", quantity: 1, amount: "60", taxAmount: "10" }], { amount: "6", taxAmount: "1" }, true),
    );
    const withoutTax = plan(
      order([included], "TAX_INCLUDED"),
      request([{ lineId: "L1", quantity: 1, amount: "50", taxAmount: "10" }], { amount: "5", taxAmount: "1" }, false),
    );
    for (const p of [withTax, withoutTax]) {
      expect(p.orderTaxMode).toBe("TAX_INCLUDED");
      expect(entries(p)[0]).toMatchObject({
        amount: "60",
        taxes: [{ code: "VAT", amount: "10" }],
        shipping_amount: "6",
        shipping_taxes: [{ code: "VAT", amount: "1" }],
      });
    }
  });

  it("TAX_INCLUDED order: a tax never exceeds the amount it sits in", () => {
    // 5 left of the amount, 8 of its VAT (earlier refunds were not exactly proportional).
    const almostSpent = line({
      order_line_id: "L1",
      price: "120",
      refunds: [{ id: "r1", amount: "115", shipping_amount: "0", taxes: [{ code: "VAT", amount: "12" }] }],
    });
    const p = plan(
      order([almostSpent], "TAX_INCLUDED"),
      request([{ lineId: "L1", quantity: 0, amount: "60", taxAmount: "10" }], noShipping, true),
    );
    expect(entries(p)[0]).toMatchObject({ amount: "5", taxes: [{ code: "VAT", amount: "5" }] });
    expect(p.lines[0]!.caps).toEqual([
      { component: "amount", requested: "60", sent: "5" },
      { component: "taxes", requested: "10", sent: "5" },
    ]);
  });

  it("rejects amounts no Shopify refund has", () => {
    const o = order([line({ order_line_id: "L1" })]);
    expect(() => plan(o, request([{ lineId: "L1", quantity: 0, amount: "-1", taxAmount: "0" }]))).toThrow(RangeError);
    expect(() => plan(o, request([{ lineId: "L1", quantity: 1.5, amount: "1", taxAmount: "0" }]))).toThrow(RangeError);
    expect(() =>
      plan(o, request([{ lineId: "L1", quantity: 0, amount: "1", taxAmount: "2" }], noShipping, true)),
    ).toThrow(RangeError);
  });
});

describe("planMiraklRefunds: taxes split by the line's codes", () => {
  const twoCodes = line({
    order_line_id: "L1",
    taxes: [
      { code: "VAT", amount: "6" },
      { code: "ECO", amount: "3" },
    ],
    shipping_taxes: [
      { code: "VAT", amount: "1.5" },
      { code: "ECO", amount: "0.5" },
    ],
  });

  it("in proportion to what is left of each code, to the cent", () => {
    const p = plan(
      order([twoCodes]),
      request([{ lineId: "L1", quantity: 0, amount: "10", taxAmount: "1" }], { amount: "10", taxAmount: "1" }),
    );
    expect(entries(p)[0]).toMatchObject({
      taxes: [
        { code: "VAT", amount: "0.67" },
        { code: "ECO", amount: "0.33" },
      ],
      shipping_taxes: [
        { code: "VAT", amount: "0.75" },
        { code: "ECO", amount: "0.25" },
      ],
    });
  });

  it("a code earlier refunds used up takes no part", () => {
    const used = {
      ...twoCodes,
      refunds: [{ id: "r1", amount: "1", shipping_amount: "0", taxes: [{ code: "VAT", amount: "6" }] }],
    };
    const p = plan(order([used]), request([{ lineId: "L1", quantity: 0, amount: "10", taxAmount: "2" }]));
    expect(entries(p)[0]!.taxes).toEqual([
      { code: "VAT", amount: "0" },
      { code: "ECO", amount: "2" },
    ]);
  });

  it("a line without taxes refunds no tax, and says so", () => {
    const untaxed = line({ order_line_id: "L1", taxes: [], shipping_taxes: [] });
    const p = plan(order([untaxed]), request([{ lineId: "L1", quantity: 0, amount: "10", taxAmount: "2" }]));
    expect(entries(p)[0]).toMatchObject({ amount: "10", taxes: [], shipping_taxes: [] });
    expect(p.lines[0]!.caps).toEqual([{ component: "taxes", requested: "2", sent: "0" }]);
  });
});

describe("planMiraklRefunds: capped at what is left", () => {
  // 100 + 10 shipping, VAT 20 + 2; earlier: a cancelation of 30 (VAT 6) and a refund of 40 + 4 shipping (VAT 8 + 0.8).
  const reversed = line({
    order_line_id: "L1",
    quantity: 4,
    price: "100",
    cancelations: [
      { id: "c1", quantity: 1, amount: "30", shipping_amount: "0", taxes: [{ code: "VAT", amount: "6" }] },
    ],
    refunds: [
      {
        id: "r1",
        quantity: 1,
        amount: "40",
        shipping_amount: "4",
        taxes: [{ code: "VAT", amount: "8" }],
        shipping_taxes: [{ code: "VAT", amount: "0.8" }],
      },
    ],
  });

  it("sends what was asked when it fits", () => {
    const p = plan(
      order([reversed]),
      request([{ lineId: "L1", quantity: 1, amount: "20", taxAmount: "4" }], { amount: "3", taxAmount: "0.6" }),
    );
    expect(entries(p)[0]).toMatchObject({
      amount: "20",
      shipping_amount: "3",
      quantity: 1,
      taxes: [{ code: "VAT", amount: "4" }],
      shipping_taxes: [{ code: "VAT", amount: "0.6" }],
    });
    expect(p.lines[0]!.caps).toEqual([]);
  });

  it.each([
    ["amount", { amount: "31", taxAmount: "0", quantity: 0 }, noShipping, { amount: "30" }, "31", "30"],
    [
      "taxes",
      { amount: "30", taxAmount: "6.01", quantity: 0 },
      noShipping,
      { taxes: [{ code: "VAT", amount: "6" }] },
      "6.01",
      "6",
    ],
    [
      "shipping_amount",
      { amount: "0", taxAmount: "0", quantity: 0 },
      { amount: "7", taxAmount: "0" },
      { shipping_amount: "6" },
      "7",
      "6",
    ],
    [
      "shipping_taxes",
      { amount: "0", taxAmount: "0", quantity: 0 },
      { amount: "6", taxAmount: "2" },
      { shipping_taxes: [{ code: "VAT", amount: "1.2" }] },
      "2",
      "1.2",
    ],
  ] as const)("caps the %s and says so", (component, asked, shipping, sent, requested, sentAmount) => {
    const p = plan(order([reversed]), request([{ lineId: "L1", ...asked }], shipping));
    expect(entries(p)[0]).toMatchObject(sent);
    expect(p.lines[0]!.caps).toEqual([{ component, requested, sent: sentAmount }]);
  });

  it("caps the units at those neither cancelled nor refunded", () => {
    const p = plan(order([reversed]), request([{ lineId: "L1", quantity: 3, amount: "10", taxAmount: "0" }]));
    expect(entries(p)[0]!.quantity).toBe(2);
    expect(p.lines[0]!.caps).toEqual([{ component: "quantity", requested: 3, sent: 2 }]);
  });

  it("leaves out a line with nothing left, with the caps that emptied it", () => {
    const spent = {
      ...reversed,
      refunds: [
        ...reversed.refunds!,
        {
          id: "r2",
          quantity: 2,
          amount: "30",
          shipping_amount: "6",
          taxes: [{ code: "VAT", amount: "6" }],
          shipping_taxes: [{ code: "VAT", amount: "1.2" }],
        },
      ],
    };
    const p = plan(order([spent]), request([{ lineId: "L1", quantity: 1, amount: "10", taxAmount: "2" }]));
    expect(p.lines).toEqual([]);
    expect(p.skipped).toEqual([
      {
        lineId: "L1",
        reason: "NOTHING_LEFT",
        message: expect.stringContaining("nothing left"),
        caps: [
          { component: "amount", requested: "10", sent: "0" },
          { component: "taxes", requested: "2", sent: "0" },
          { component: "quantity", requested: 1, sent: 0 },
        ],
      },
    ]);
  });
});

describe("planMiraklRefunds: shipping over the lines", () => {
  it("3 lines sharing 10.00 of shipping: the cents add up exactly", () => {
    const lines = ["L1", "L2", "L3"].map((id) =>
      line({ order_line_id: id, shipping_price: "5", shipping_taxes: [{ code: "VAT", amount: "1" }] }),
    );
    const p = plan(order(lines), request([], { amount: "10", taxAmount: "1" }));
    expect(entries(p).map((e) => [e.order_line_id, e.shipping_amount, e.shipping_taxes[0]!.amount])).toEqual([
      ["L1", "3.34", "0.34"],
      ["L2", "3.33", "0.33"],
      ["L3", "3.33", "0.33"],
    ]);
    expect(entries(p).every((e) => e.amount === "0" && e.quantity === 0)).toBe(true);
    expect(p.shippingNotAllocated).toBeNull();
  });

  it("in proportion to each line's shipping left; lines that cannot be refunded carry none", () => {
    const lines = [
      line({ order_line_id: "L1", shipping_price: "6", shipping_taxes: [] }),
      line({ order_line_id: "L2", shipping_price: "3", shipping_taxes: [] }),
      line({ order_line_id: "L3", shipping_price: "9", shipping_taxes: [], can_refund: false }),
      line({
        order_line_id: "L4",
        shipping_price: "9",
        shipping_taxes: [],
        refunds: [{ id: "r", shipping_amount: "9" }],
      }),
    ];
    const p = plan(order(lines), request([], { amount: "4.5", taxAmount: "0" }));
    expect(entries(p).map((e) => [e.order_line_id, e.shipping_amount])).toEqual([
      ["L1", "3"],
      ["L2", "1.5"],
    ]);
  });

  it("shipping no line can carry is reported, not dropped", () => {
    const p = plan(
      order([line({ order_line_id: "L1", shipping_price: "0", shipping_taxes: [] })]),
      request([], { amount: "5", taxAmount: "1" }),
    );
    expect(p.lines).toEqual([]);
    expect(p.shippingNotAllocated).toEqual({
      amount: "5",
      taxAmount: "1",
      message: "No refundable line of the order has shipping left to refund.",
    });
  });
});

describe("planMiraklRefunds: lines left out, reasons, cancelations", () => {
  it("passes the reason code and the currency through", () => {
    const p = planMiraklRefunds({
      order: { ...order([line({ order_line_id: "L1" })]), currency_iso_code: "USD" },
      request: request([{ lineId: "L1", quantity: 0, amount: "1", taxAmount: "0" }]),
      reasonCode: "42",
    });
    expect(entries(p)[0]).toMatchObject({ reason_code: "42", currency_iso_code: "USD" });
  });

  it("merges Shopify lines of one Mirakl line", () => {
    const p = plan(
      order([line({ order_line_id: "L1" })]),
      request([
        { lineId: "L1", quantity: 1, amount: "10", taxAmount: "2" },
        { lineId: "L1", quantity: 1, amount: "5", taxAmount: "1" },
      ]),
    );
    expect(entries(p)).toHaveLength(1);
    expect(entries(p)[0]).toMatchObject({ amount: "15", quantity: 2, taxes: [{ code: "VAT", amount: "3" }] });
  });

  it("leaves out unknown, non-refundable and empty lines, each with its reason", () => {
    const p = plan(
      order([line({ order_line_id: "L1", can_refund: false }), line({ order_line_id: "L2" })]),
      request([
        { lineId: "L9", quantity: 1, amount: "10", taxAmount: "0" },
        { lineId: "L1", quantity: 1, amount: "10", taxAmount: "0" },
        { lineId: "L2", quantity: 0, amount: "0", taxAmount: "0" },
      ]),
    );
    expect(p.lines).toEqual([]);
    expect(p.skipped.map((s) => [s.lineId, s.reason])).toEqual([
      ["L9", "UNKNOWN_LINE"],
      ["L1", "NOT_REFUNDABLE"],
      ["L2", "NOTHING_REQUESTED"],
    ]);
  });

  it("every unit left of a line not shipped is a cancelation of the line, with the same money for OR30", () => {
    const unshipped = line({
      order_line_id: "L1",
      order_line_state: "SHIPPING",
      shipped_date: null,
      quantity: 3,
      cancelations: [{ id: "c1", quantity: 1, amount: "0", shipping_amount: "0" }],
      can_refund: false,
    });
    const p = plan(
      order([unshipped]),
      request([{ lineId: "L1", quantity: 2, amount: "100", taxAmount: "20" }], { amount: "10", taxAmount: "2" }),
      "34",
    );
    expect(p.lines[0]!.cancelsLine).toBe(true);
    expect(p.lines[0]!.cancelation).toEqual({ ...p.lines[0]!.refund, reason_code: "34" });
    expect(p.lines[0]!.cancelation).toMatchObject({ quantity: 2, amount: "100", shipping_amount: "10" });
    // Without a CANCELATION reason the flow has to choose one: flagged, no OR30 body.
    const noReason = plan(order([unshipped]), request([{ lineId: "L1", quantity: 2, amount: "100", taxAmount: "20" }]));
    expect(noReason.lines[0]).toMatchObject({ cancelsLine: true, cancelation: null });
  });

  it("part of the units, or a shipped line, is a refund", () => {
    const unshipped = line({ order_line_id: "L1", order_line_state: "SHIPPING", shipped_date: null });
    const part = plan(
      order([unshipped]),
      request([{ lineId: "L1", quantity: 1, amount: "50", taxAmount: "10" }]),
      "34",
    );
    expect(part.lines[0]).toMatchObject({ cancelsLine: false, cancelation: null });
    const shipped = plan(
      order([line({ order_line_id: "L1" })]),
      request([{ lineId: "L1", quantity: 2, amount: "100", taxAmount: "20" }]),
      "34",
    );
    expect(shipped.lines[0]).toMatchObject({ cancelsLine: false, cancelation: null });
  });
});

describe("allocateProportionally", () => {
  it("splits to the unit, largest remainders first, earlier parts on ties", () => {
    expect(allocateProportionally(1000n, [1n, 1n, 1n])).toEqual([334n, 333n, 333n]);
    expect(allocateProportionally(100n, [6n, 3n])).toEqual([67n, 33n]);
    expect(allocateProportionally(5n, [0n, 2n, 2n])).toEqual([0n, 3n, 2n]);
    expect(allocateProportionally(0n, [0n, 0n])).toEqual([0n, 0n]);
  });

  it("refuses what cannot be split", () => {
    expect(() => allocateProportionally(1n, [0n, 0n])).toThrow(RangeError);
    expect(() => allocateProportionally(-1n, [1n])).toThrow(RangeError);
    expect(() => allocateProportionally(1n, [-1n, 2n])).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------

const intent = (overrides: Partial<SentReversalIntent> = {}): SentReversalIntent => ({
  kind: "refund",
  lineId: "L1",
  amount: "20",
  shippingAmount: "3",
  reasonCode: "15",
  createdAt: "2026-12-04T10:00:00Z",
  recordedIds: [],
  ...overrides,
});
const refundOnL1 = (overrides: Partial<ReversalToMirror["reversal"]> = {}) => ({
  kind: "refund" as const,
  lineId: "L1",
  reversal: {
    id: "501",
    amount: "20.00" as string,
    shipping_amount: "3",
    reason_code: "15",
    created_date: "2026-12-04T10:00:02Z",
    ...overrides,
  },
});

describe("isOwnReversal", () => {
  it("recognises a refund by the id OR28 answered", () => {
    expect(isOwnReversal(refundOnL1(), [intent({ recordedIds: ["501"] })])).toBe(true);
    expect(isOwnReversal(refundOnL1({ id: "502" }), [intent({ recordedIds: ["501"] })])).toBe(false);
  });

  it("after a lost answer: by line, amounts, reason, made after the intent", () => {
    expect(isOwnReversal(refundOnL1(), [intent()])).toBe(true);
    expect(isOwnReversal(refundOnL1({ created_date: "2026-12-04T09:59:59Z" }), [intent()])).toBe(false);
    expect(isOwnReversal(refundOnL1({ created_date: null }), [intent()])).toBe(false);
    expect(isOwnReversal(refundOnL1({ amount: "20.01" }), [intent()])).toBe(false);
    expect(isOwnReversal(refundOnL1({ shipping_amount: "0" }), [intent()])).toBe(false);
    expect(isOwnReversal(refundOnL1({ reason_code: "16" }), [intent()])).toBe(false);
    expect(isOwnReversal({ ...refundOnL1(), lineId: "L2" }, [intent()])).toBe(false);
    expect(isOwnReversal({ ...refundOnL1(), kind: "cancelation" }, [intent()])).toBe(false);
    expect(isOwnReversal({ ...refundOnL1(), kind: "cancelation" }, [intent({ kind: "cancelation" })])).toBe(true);
  });

  it("an operator's identical refund is not mistaken for one whose answer arrived", () => {
    expect(isOwnReversal(refundOnL1({ id: "777" }), [intent({ recordedIds: ["501"] })])).toBe(false);
  });
});

describe("Mirakl reversals → Shopify refund", () => {
  const shipped = line({
    order_line_id: "L1",
    quantity: 3,
    cancelations: [{ id: "c1", quantity: 1, amount: "0", shipping_amount: "0" }],
    refunds: [
      {
        id: "r1",
        order_refund_id: "g1",
        quantity: 1,
        amount: "40",
        shipping_amount: "5",
        reason_code: "19",
        taxes: [{ code: "VAT", amount: "8" }],
        shipping_taxes: [{ code: "VAT", amount: "1" }],
        created_date: "2026-12-04T11:00:00Z",
      },
      {
        id: "r9",
        order_refund_id: "g2",
        quantity: 0,
        amount: "1",
        shipping_amount: "0",
        reason_code: "15",
        created_date: "2026-12-04T11:00:00Z",
      },
    ],
  });
  const unshipped = line({
    order_line_id: "L2",
    order_line_state: "SHIPPING",
    shipped_date: null,
    refunds: [{ id: "r2", order_refund_id: "g1", quantity: 2, amount: "100", shipping_amount: "0", reason_code: "19" }],
  });
  const miraklOrder = { order_lines: [shipped, unshipped] };
  const lineItems = new Map([
    ["L1", "gid://shopify/LineItem/1"],
    ["L2", "gid://shopify/LineItem/2"],
  ]);
  const shopify = (
    reversals: ReversalToMirror[],
    restock = true,
    mode: "TAX_INCLUDED" | "TAX_EXCLUDED" = "TAX_EXCLUDED",
  ) => {
    const p = planShopifyRefund({
      shopifyOrderId: "gid://shopify/Order/7",
      miraklOrderId: "M-7-A",
      orderTaxMode: mode,
      reversals,
      lineItems,
      restock,
      saleTransaction: { gateway: "Decathlon (Mirakl)" },
    });
    assertValidRefundInput(p);
    return p;
  };

  it("lists what Shopify does not show yet: not mirrored, not sent by the app", () => {
    const pending = reversalsToMirror(miraklOrder, {
      mirroredKeys: new Set([reversalKey("cancelation", "c1")]),
      sentIntents: [intent({ recordedIds: ["r9"] })],
    });
    expect(pending.map((p) => [reversalKey(p.kind, p.reversal.id), p.lineShipped])).toEqual([
      ["refund:r1", true],
      ["refund:r2", false],
    ]);
    expect(() =>
      reversalsToMirror(
        { order_lines: [line({ order_line_id: "X", cancelations: [{ amount: "1" }] })] },
        {
          mirroredKeys: new Set(),
          sentIntents: [],
        },
      ),
    ).toThrow(/without an id/);
  });

  it("groups by Mirakl action: one OR28 call's refunds together, each cancelation alone", () => {
    const pending = reversalsToMirror(miraklOrder, { mirroredKeys: new Set(), sentIntents: [] });
    expect(shopifyRefundGroups(pending).map((g) => g.map((p) => p.reversal.id))).toEqual([
      ["c1"],
      ["r1", "r2"],
      ["r9"],
    ]);
  });

  it("units per line item with restock per setting; shipping; one transaction for the money back", () => {
    const [, group] = shopifyRefundGroups(reversalsToMirror(miraklOrder, { mirroredKeys: new Set(), sentIntents: [] }));
    const restocked = shopify(group!);
    expect(restocked.input).toEqual({
      orderId: "gid://shopify/Order/7",
      note: "Made on Mirakl (order M-7-A): refund r1 on line L1 (reason 19); refund r2 on line L2 (reason 19).",
      notify: false,
      refundLineItems: [
        { lineItemId: "gid://shopify/LineItem/1", quantity: 1, restockType: "RETURN" },
        { lineItemId: "gid://shopify/LineItem/2", quantity: 2, restockType: "CANCEL" },
      ],
      shipping: { amount: "5" },
      // 40 + 5 + 8 + 1 (TAX_EXCLUDED: taxes on top) + 100.
      transactions: [
        { orderId: "gid://shopify/Order/7", amount: "154", gateway: "Decathlon (Mirakl)", kind: "REFUND" },
      ],
    });
    expect(restocked.reversalKeys).toEqual(["refund:r1", "refund:r2"]);
    expect(shopify(group!, false).input.refundLineItems.map((l) => l.restockType)).toEqual([
      "NO_RESTOCK",
      "NO_RESTOCK",
    ]);
    // TAX_INCLUDED: the taxes are within the amounts.
    expect(shopify(group!, true, "TAX_INCLUDED").input.transactions[0]!.amount).toBe("145");
  });

  it("a cancelation cancels its units whatever the restock setting", () => {
    const [cancelation] = reversalsToMirror(miraklOrder, { mirroredKeys: new Set(), sentIntents: [] });
    const p = shopify([cancelation!], false);
    expect(p.input.refundLineItems).toEqual([
      { lineItemId: "gid://shopify/LineItem/1", quantity: 1, restockType: "CANCEL" },
    ]);
    expect(p.input.transactions).toEqual([]);
    expect(p.input.shipping).toBeUndefined();
  });

  it("refunds the money of a line Shopify does not have, and names it", () => {
    const pending = reversalsToMirror(
      {
        order_lines: [
          line({ order_line_id: "L3", refunds: [{ id: "r3", quantity: 1, amount: "10", shipping_amount: "0" }] }),
        ],
      },
      { mirroredKeys: new Set(), sentIntents: [] },
    );
    const p = shopify(pending);
    expect(p.input.refundLineItems).toEqual([]);
    expect(p.input.transactions[0]!.amount).toBe("10");
    expect(p.unmappedLineIds).toEqual(["L3"]);
  });

  it("keys each refund by its Mirakl ids and Shopify order, in any order", () => {
    const pending = reversalsToMirror(miraklOrder, { mirroredKeys: new Set(), sentIntents: [] });
    const key = shopify(pending).idempotencyKey;
    expect(key).toMatch(/^mirakl-reversal-[0-9a-f]{40}$/);
    expect(shopify([...pending].reverse()).idempotencyKey).toBe(key);
    expect(shopify(pending.slice(1)).idempotencyKey).not.toBe(key);
    const elsewhere = planShopifyRefund({
      shopifyOrderId: "gid://shopify/Order/8",
      miraklOrderId: "M-7-A",
      orderTaxMode: "TAX_EXCLUDED",
      reversals: pending,
      lineItems,
      restock: true,
      saleTransaction: { gateway: "g" },
    });
    expect(elsewhere.idempotencyKey).not.toBe(key);
  });
});
