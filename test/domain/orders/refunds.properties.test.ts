import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { minorUnitsToMoney, moneyToMinorUnits } from "~/domain/money";
import {
  allocateProportionally,
  planMiraklRefunds,
  refundableLeft,
  type MiraklRefundPlan,
  type OrderTaxMode,
  type RefundOrderInput,
  type ShopifyRefundRequest,
  type TaxAmount,
} from "~/domain/orders/refunds";
import type { MiraklOrderLineLike, MiraklTax } from "~/domain/orders/shopify-order";

/** Fixed seed: reproducible in CI; bump numRuns locally to search harder. */
const params = { numRuns: 400, seed: 20_261_204 };

const cents = (units: bigint) => minorUnitsToMoney(units);
const minor = (amount: string | null | undefined) => moneyToMinorUnits(amount ?? "0");
const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);
const taxSum = (taxes: readonly (TaxAmount | MiraklTax)[] | undefined) =>
  sum((taxes ?? []).map((t) => minor(t.amount)));

const centsArb = (max: number) => fc.integer({ min: 0, max }).map((n) => cents(BigInt(n)));
const CODES = ["VAT", "ECO"] as const;
const taxesArb = (max: number) =>
  fc
    .subarray([...CODES], { minLength: 0 })
    .chain((codes) =>
      fc
        .tuple(...codes.map(() => centsArb(max)))
        .map((amounts) => codes.map((code, i) => ({ code, amount: amounts[i]! }))),
    );

const lineArb = (id: string): fc.Arbitrary<MiraklOrderLineLike> =>
  fc
    .record({
      quantity: fc.integer({ min: 1, max: 4 }),
      price: centsArb(20_000),
      shipping: centsArb(2_000),
      taxes: taxesArb(3_000),
      shippingTaxes: taxesArb(400),
      shipped: fc.boolean(),
    })
    .map((r) => ({
      order_line_id: id,
      order_line_state: r.shipped ? "SHIPPED" : "SHIPPING",
      offer_sku: `SKU-${id}`,
      quantity: r.quantity,
      price_unit: "0",
      price: r.price,
      shipping_price: r.shipping,
      taxes: r.taxes,
      shipping_taxes: r.shippingTaxes,
      cancelations: [],
      refunds: [],
      can_refund: true,
      shipped_date: r.shipped ? "2026-12-01T00:00:00Z" : null,
    }));

const orderArb: fc.Arbitrary<RefundOrderInput> = fc
  .record({
    lines: fc
      .integer({ min: 1, max: 3 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => lineArb(`L${i + 1}`)))),
    mode: fc.constantFrom<OrderTaxMode>("TAX_INCLUDED", "TAX_EXCLUDED"),
  })
  .map((r) => ({ order_tax_mode: r.mode, currency_iso_code: "EUR", order_lines: r.lines }));

/** A Shopify refund: some lines, some shipping, its tax within or on top; the tax never above a tax-inclusive amount. */
const requestArb: fc.Arbitrary<ShopifyRefundRequest> = fc
  .record({
    lines: fc.array(
      fc.record({
        lineId: fc.constantFrom("L1", "L2", "L3"),
        quantity: fc.integer({ min: 0, max: 5 }),
        amount: fc.integer({ min: 0, max: 25_000 }),
        tax: fc.integer({ min: 0, max: 4_000 }),
      }),
      { maxLength: 4 },
    ),
    shipping: fc.record({ amount: fc.integer({ min: 0, max: 3_000 }), tax: fc.integer({ min: 0, max: 500 }) }),
    amountsIncludeTax: fc.boolean(),
  })
  .map((r) => {
    const amount = (a: number, tax: number) => cents(BigInt(r.amountsIncludeTax ? a + tax : a));
    return {
      lines: r.lines.map((l) => ({
        lineId: l.lineId,
        quantity: l.quantity,
        amount: amount(l.amount, l.tax),
        taxAmount: cents(BigInt(l.tax)),
      })),
      shipping: { amount: amount(r.shipping.amount, r.shipping.tax), taxAmount: cents(BigInt(r.shipping.tax)) },
      amountsIncludeTax: r.amountsIncludeTax,
    };
  });

/** The order as Mirakl shows it after the plan's refunds were made. */
function applied(order: RefundOrderInput, plan: MiraklRefundPlan, round: number): RefundOrderInput {
  return {
    ...order,
    order_lines: order.order_lines.map((line) => ({
      ...line,
      refunds: [
        ...(line.refunds ?? []),
        ...plan.lines
          .filter((p) => p.refund.order_line_id === line.order_line_id)
          .map((p, i) => ({ ...p.refund, id: `r${round}-${i}` })),
      ],
    })),
  };
}

const plan = (order: RefundOrderInput, request: ShopifyRefundRequest) =>
  planMiraklRefunds({ order, request, reasonCode: "15", cancelationReasonCode: "34" });

describe("planMiraklRefunds: properties", () => {
  it("refunds planned one after another never exceed the line: amount, shipping, each tax", () => {
    fc.assert(
      fc.property(orderArb, fc.array(requestArb, { minLength: 1, maxLength: 5 }), (order, requests) => {
        let current = order;
        requests.forEach((request, round) => {
          current = applied(current, plan(current, request), round);
        });
        for (const line of current.order_lines) {
          const refunds = line.refunds ?? [];
          expect(sum(refunds.map((r) => minor(r.amount)))).toBeLessThanOrEqual(minor(line.price));
          expect(sum(refunds.map((r) => minor(r.shipping_amount)))).toBeLessThanOrEqual(minor(line.shipping_price));
          for (const [list, pick] of [
            [line.taxes, (r: (typeof refunds)[number]) => r.taxes],
            [line.shipping_taxes, (r: (typeof refunds)[number]) => r.shipping_taxes],
          ] as const)
            for (const tax of list ?? [])
              expect(
                sum(
                  refunds.flatMap((r) =>
                    (pick(r) ?? []).filter((t) => t.code === tax.code).map((t) => minor(t.amount)),
                  ),
                ),
              ).toBeLessThanOrEqual(minor(tax.amount));
          expect(sum(refunds.map((r) => BigInt(r.quantity ?? 0)))).toBeLessThanOrEqual(BigInt(line.quantity));
          // What is left is what the line had less what was sent.
          const left = refundableLeft(line, "TAX_EXCLUDED");
          expect(minor(left.amount)).toBe(minor(line.price) - sum(refunds.map((r) => minor(r.amount))));
        }
      }),
      params,
    );
  });

  it("taxes stay consistent with their amounts: never negative, never without an amount, within it when included", () => {
    fc.assert(
      fc.property(orderArb, requestArb, (order, request) => {
        const result = plan(order, request);
        for (const { refund } of result.lines) {
          for (const [amount, taxes] of [
            [refund.amount, refund.taxes],
            [refund.shipping_amount, refund.shipping_taxes],
          ] as const) {
            expect(minor(amount)).toBeGreaterThanOrEqual(0n);
            for (const tax of taxes) expect(minor(tax.amount)).toBeGreaterThanOrEqual(0n);
            if (minor(amount) === 0n) expect(taxSum(taxes)).toBe(0n);
            if (result.orderTaxMode === "TAX_INCLUDED") expect(taxSum(taxes)).toBeLessThanOrEqual(minor(amount));
          }
        }
      }),
      params,
    );
  });

  it("the split taxes add up to the tax refunded whenever nothing was capped", () => {
    fc.assert(
      fc.property(orderArb, requestArb, (order, request) => {
        const result = plan(order, request);
        const capped = result.lines.some((l) => l.caps.length > 0) || result.skipped.length > 0;
        fc.pre(!capped && result.shippingNotAllocated === null);
        const sent = result.lines.map((l) => l.refund);
        expect(sum(sent.map((r) => taxSum(r.taxes)))).toBe(sum(request.lines.map((l) => minor(l.taxAmount))));
        expect(sum(sent.map((r) => taxSum(r.shipping_taxes)))).toBe(minor(request.shipping.taxAmount));
        // And the shipping parts add up to the shipping refunded, in the order's tax mode.
        const shippingInMode =
          (request.amountsIncludeTax
            ? minor(request.shipping.amount)
            : minor(request.shipping.amount) + minor(request.shipping.taxAmount)) -
          (result.orderTaxMode === "TAX_INCLUDED" ? 0n : minor(request.shipping.taxAmount));
        expect(sum(sent.map((r) => minor(r.shipping_amount)))).toBe(shippingInMode);
      }),
      params,
    );
  });

  it("with nothing left, plans nothing", () => {
    fc.assert(
      fc.property(orderArb, requestArb, (order, request) => {
        const spent: RefundOrderInput = {
          ...order,
          order_lines: order.order_lines.map((line) => ({
            ...line,
            // Shipped: a request for every unit is a refund, not a cancelation.
            order_line_state: "SHIPPED",
            shipped_date: "2026-12-01T00:00:00Z",
            refunds: [
              {
                id: "all",
                quantity: line.quantity,
                amount: line.price,
                shipping_amount: line.shipping_price,
                taxes: line.taxes,
                shipping_taxes: line.shipping_taxes,
              },
            ],
          })),
        };
        const result = plan(spent, request);
        expect(result.lines).toEqual([]);
        for (const line of spent.order_lines) expect(refundableLeft(line, result.orderTaxMode).total).toBe("0");
      }),
      params,
    );
  });
});

describe("allocateProportionally: properties", () => {
  const weightsArb = fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { minLength: 1, maxLength: 6 });

  it("rounding never creates or loses a cent: the parts sum to the total, each within a cent of its share", () => {
    fc.assert(
      fc.property(weightsArb, fc.bigInt({ min: 0n, max: 1_000_000n }), (weights, total) => {
        const weightSum = sum(weights);
        fc.pre(weightSum > 0n);
        const parts = allocateProportionally(total, weights);
        expect(sum(parts)).toBe(total);
        parts.forEach((part, i) => {
          const exactTimesSum = total * weights[i]!;
          expect(part * weightSum).toBeGreaterThanOrEqual(exactTimesSum - weightSum);
          expect(part * weightSum).toBeLessThanOrEqual(exactTimesSum + weightSum);
          if (weights[i] === 0n) expect(part).toBe(0n);
        });
      }),
      params,
    );
  });

  it("no part exceeds its weight when the total fits in them", () => {
    fc.assert(
      fc.property(weightsArb, fc.double({ min: 0, max: 1, noNaN: true }), (weights, fraction) => {
        const weightSum = sum(weights);
        fc.pre(weightSum > 0n);
        const total = (weightSum * BigInt(Math.floor(fraction * 1_000_000))) / 1_000_000n;
        allocateProportionally(total, weights).forEach((part, i) => expect(part).toBeLessThanOrEqual(weights[i]!));
      }),
      params,
    );
  });
});
