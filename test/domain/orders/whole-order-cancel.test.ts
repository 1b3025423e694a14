import { describe, expect, it } from "vitest";
import { reversalsToMirror, type ReversalToMirror } from "~/domain/orders/refunds";
import type { MiraklOrderLineLike } from "~/domain/orders/shopify-order";
import {
  chooseShopifyMirror,
  fulfilledUnitsOf,
  miraklOrderWhollyCancelled,
  orderCancelMirrorKey,
  orderCancelStaffNote,
  STAFF_NOTE_MAX,
  type MiraklOrderForCancel,
  type ShopifyCancellationFacts,
} from "~/domain/orders/whole-order-cancel";

/**
 * Mirakl cancelled a whole order: cancelled in Shopify (orderCancel) only when every line is cancelled on Mirakl,
 * only cancelations wait, nothing was fulfilled in Shopify and it is not cancelled there yet; refunds otherwise.
 */

function line(id: string, overrides: Partial<MiraklOrderLineLike> = {}): MiraklOrderLineLike {
  return {
    order_line_id: id,
    order_line_state: "SHIPPING",
    offer_sku: "TENT",
    quantity: 2,
    price_unit: "40.00",
    price: "80.00",
    shipping_price: "5.00",
    taxes: [{ code: "VAT", amount: "16.00" }],
    shipping_taxes: [],
    ...overrides,
  };
}

/** A line the operator cancelled: `units` of its quantity, in one cancelation. */
function cancelled(id: string, units = 2, reason: string | null = "34"): MiraklOrderLineLike {
  return line(id, {
    order_line_state: units === 2 ? "CANCELED" : "SHIPPING",
    cancelations: [
      {
        id: `c-${id}`,
        quantity: units,
        amount: (40 * units).toFixed(2),
        shipping_amount: units === 2 ? "5.00" : "0.00",
        reason_code: reason,
        taxes: [{ code: "VAT", amount: (8 * units).toFixed(2) }],
        created_date: "2026-06-02T10:00:00Z",
      },
    ],
  });
}

const untouched: ShopifyCancellationFacts = {
  cancelledAt: null,
  displayFulfillmentStatus: "UNFULFILLED",
  fulfilledUnits: 0,
};
const pendingOf = (order: MiraklOrderForCancel) =>
  reversalsToMirror(order, { mirroredKeys: new Set(), sentIntents: [] });
const choose = (order: MiraklOrderForCancel, shopify: ShopifyCancellationFacts = untouched) =>
  chooseShopifyMirror({ order, pending: pendingOf(order), shopify });

describe("miraklOrderWhollyCancelled", () => {
  it("an order CANCELED is cancelled whole", () => {
    expect(miraklOrderWhollyCancelled({ order_state: "CANCELED", order_lines: [cancelled("1")] })).toBe(true);
  });

  it("every line CANCELED for its whole quantity is the whole order, whatever the order's state says", () => {
    expect(miraklOrderWhollyCancelled({ order_state: "SHIPPING", order_lines: [cancelled("1"), cancelled("2")] })).toBe(
      true,
    );
  });

  it("a line still active, or cancelled for part of its quantity, is not", () => {
    expect(miraklOrderWhollyCancelled({ order_state: "SHIPPING", order_lines: [cancelled("1"), line("2")] })).toBe(
      false,
    );
    expect(miraklOrderWhollyCancelled({ order_state: "SHIPPING", order_lines: [cancelled("1", 1)] })).toBe(false);
    // CANCELED on the line but units left uncancelled (quantity 3, 2 cancelled).
    expect(
      miraklOrderWhollyCancelled({ order_state: "SHIPPING", order_lines: [{ ...cancelled("1"), quantity: 3 }] }),
    ).toBe(false);
    expect(miraklOrderWhollyCancelled({ order_state: "SHIPPING", order_lines: [] })).toBe(false);
  });
});

describe("chooseShopifyMirror", () => {
  it("operator cancelled the whole order, Shopify untouched: one orderCancel showing every pending cancelation", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1"), cancelled("2", 2, "42")] };
    const choice = choose(order);
    expect(choice).toEqual({
      kind: "order-cancel",
      cancelations: pendingOf(order),
      reasonCodes: ["34", "42"],
    });
  });

  it("reason codes are listed once each and a cancelation without one adds none", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1"), cancelled("2"), cancelled("3", 2, null)] };
    expect(choose(order)).toMatchObject({ kind: "order-cancel", reasonCodes: ["34"] });
  });

  it("covers only the pending cancelations: the ones Shopify already shows are left out", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1"), cancelled("2")] };
    const pending = reversalsToMirror(order, { mirroredKeys: new Set(["cancelation:c-1"]), sentIntents: [] });
    const choice = chooseShopifyMirror({ order, pending, shopify: untouched });
    expect(choice.kind === "order-cancel" && choice.cancelations.map((c) => c.reversal.id)).toEqual(["c-2"]);
  });

  it("one line cancelled, another still to ship: refunds as before", () => {
    expect(choose({ order_state: "SHIPPING", order_lines: [cancelled("1"), line("2")] })).toEqual({
      kind: "refunds",
      because: "NOT_WHOLE_ORDER",
    });
  });

  it("part of a line's units cancelled: refunds", () => {
    expect(choose({ order_state: "SHIPPING", order_lines: [cancelled("1", 1)] })).toEqual({
      kind: "refunds",
      because: "NOT_WHOLE_ORDER",
    });
  });

  it("nothing pending: nothing to cancel", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1")] };
    expect(chooseShopifyMirror({ order, pending: [], shopify: untouched })).toEqual({
      kind: "refunds",
      because: "NOTHING_PENDING",
    });
  });

  it("a Mirakl refund waits too: refunds keep each reversal's money its own", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1")] };
    const refund: ReversalToMirror = {
      kind: "refund",
      lineId: "1",
      lineShipped: false,
      reversal: { id: "r-1", amount: "1.00" },
    };
    expect(chooseShopifyMirror({ order, pending: [...pendingOf(order), refund], shopify: untouched })).toEqual({
      kind: "refunds",
      because: "REFUND_PENDING",
    });
  });

  it("Shopify shows units fulfilled (or the order fulfilled, in part or whole): refunds", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1")] };
    expect(choose(order, { ...untouched, fulfilledUnits: 1 })).toEqual({
      kind: "refunds",
      because: "SHOPIFY_FULFILLED",
    });
    for (const status of ["FULFILLED", "PARTIALLY_FULFILLED"])
      expect(choose(order, { ...untouched, displayFulfillmentStatus: status })).toEqual({
        kind: "refunds",
        because: "SHOPIFY_FULFILLED",
      });
  });

  it("a warehouse at work on it, or a status Shopify adds later: refunds", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1")] };
    for (const status of ["IN_PROGRESS", "PENDING_FULFILLMENT", "SOMETHING_NEW"])
      expect(choose(order, { ...untouched, displayFulfillmentStatus: status })).toEqual({
        kind: "refunds",
        because: "SHOPIFY_FULFILMENT_UNDER_WAY",
      });
  });

  it("the Shopify order cancelled already: refunds (the cancel is not made twice)", () => {
    const order = { order_state: "CANCELED", order_lines: [cancelled("1")] };
    expect(choose(order, { ...untouched, cancelledAt: "2026-06-02T11:00:00Z" })).toEqual({
      kind: "refunds",
      because: "SHOPIFY_ALREADY_CANCELLED",
    });
  });

  it("exhaustively: orderCancel exactly when the whole order is cancelled, only cancelations wait, nothing is fulfilled and the order is not cancelled", () => {
    const orders: Array<{ order: MiraklOrderForCancel; whole: boolean }> = [
      { order: { order_state: "CANCELED", order_lines: [cancelled("1"), cancelled("2")] }, whole: true },
      { order: { order_state: "SHIPPING", order_lines: [cancelled("1"), cancelled("2")] }, whole: true },
      { order: { order_state: "SHIPPING", order_lines: [cancelled("1"), line("2")] }, whole: false },
      { order: { order_state: "SHIPPING", order_lines: [cancelled("1", 1), cancelled("2")] }, whole: false },
    ];
    const extraRefund: ReversalToMirror = { kind: "refund", lineId: "1", lineShipped: false, reversal: { id: "r" } };
    const statuses = [
      "UNFULFILLED",
      "OPEN",
      "SCHEDULED",
      "ON_HOLD",
      "REQUEST_DECLINED",
      "PARTIALLY_FULFILLED",
      "FULFILLED",
      "IN_PROGRESS",
      "PENDING_FULFILLMENT",
      "RESTOCKED",
    ];
    const notStarted = new Set(["UNFULFILLED", "OPEN", "SCHEDULED", "ON_HOLD", "REQUEST_DECLINED"]);
    let cancels = 0;
    let cases = 0;
    for (const { order, whole } of orders)
      for (const withRefund of [false, true])
        for (const pendingNone of [false, true])
          for (const cancelledAt of [null, "2026-06-02T11:00:00Z"])
            for (const fulfilledUnits of [0, 1, 3])
              for (const displayFulfillmentStatus of statuses) {
                const pending = pendingNone ? [] : [...pendingOf(order), ...(withRefund ? [extraRefund] : [])];
                const choice = chooseShopifyMirror({
                  order,
                  pending,
                  shopify: { cancelledAt, fulfilledUnits, displayFulfillmentStatus },
                });
                const expected =
                  !pendingNone &&
                  whole &&
                  !withRefund &&
                  cancelledAt === null &&
                  fulfilledUnits === 0 &&
                  notStarted.has(displayFulfillmentStatus);
                expect(
                  choice.kind,
                  JSON.stringify({ order, pending, cancelledAt, fulfilledUnits, displayFulfillmentStatus }),
                ).toBe(expected ? "order-cancel" : "refunds");
                if (choice.kind === "order-cancel") {
                  cancels++;
                  expect(choice.cancelations).toEqual(pending);
                  expect(choice.cancelations.every((c) => c.kind === "cancelation")).toBe(true);
                }
                cases++;
              }
    expect(cases).toBe(4 * 2 * 2 * 2 * 3 * statuses.length);
    // Two wholly cancelled orders × five untouched statuses.
    expect(cancels).toBe(10);
  });
});

describe("fulfilledUnitsOf", () => {
  it("counts units of fulfilments that happened or are under way, not cancelled or failed ones", () => {
    expect(fulfilledUnitsOf([])).toBe(0);
    expect(
      fulfilledUnitsOf([
        { status: "SUCCESS", totalQuantity: 2 },
        { status: "OPEN", totalQuantity: 1 },
        { status: "PENDING", totalQuantity: 1 },
        { status: "CANCELLED", totalQuantity: 5 },
        { status: "ERROR", totalQuantity: 5 },
        { status: "FAILURE", totalQuantity: 5 },
      ]),
    ).toBe(4);
  });
});

describe("orderCancelStaffNote and the exchange key", () => {
  it("says where and why the order was cancelled", () => {
    expect(orderCancelStaffNote({ marketplace: "Decathlon", miraklOrderId: "X-1-A", reasonCodes: ["34"] })).toBe(
      "Cancelled on the marketplace Decathlon (Mirakl order X-1-A). Reason code: 34.",
    );
    expect(orderCancelStaffNote({ marketplace: "Decathlon", miraklOrderId: "X-1-A", reasonCodes: ["34", "42"] })).toBe(
      "Cancelled on the marketplace Decathlon (Mirakl order X-1-A). Reason codes: 34, 42.",
    );
    expect(orderCancelStaffNote({ marketplace: "Decathlon", miraklOrderId: "X-1-A", reasonCodes: [] })).toBe(
      "Cancelled on the marketplace Decathlon (Mirakl order X-1-A).",
    );
  });

  it("stays within Shopify's 255 characters", () => {
    const note = orderCancelStaffNote({
      marketplace: "M".repeat(200),
      miraklOrderId: "X-1-A",
      reasonCodes: Array.from({ length: 30 }, (_, i) => `REASON-${i}`),
    });
    expect(note.length).toBe(STAFF_NOTE_MAX);
    expect(note.startsWith("Cancelled on the marketplace M")).toBe(true);
  });

  it("one exchange per Mirakl order", () => {
    expect(orderCancelMirrorKey("X-1-A")).toBe("order-cancel:X-1-A");
  });
});
