import { afterEach, describe, expect, it } from "vitest";
import {
  DEBIT_REFUSED_REASON,
  MARKETPLACE_REASONS,
  startMiraklSimulator,
  type RunningMiraklSimulator,
  type SimulatorOptions,
} from "./index";

/*
 * Refunds and cancelations on the simulator as Mirakl makes them: the shop's (OR28, OR29, OR30) with their rules
 * (states, what is left on a line, taxes, RE01 reasons, the shop's partial-cancelation switch, can_cancel), the
 * operator's (customer service refunds and cancelations through the control API), Mirakl's own cancelation after
 * a refused debit, refund states moving to REFUNDED, and `last_updated_date` following every change.
 * Prices: S2000 55.00, S2001 19.90, shipping 4.99 per line unless set.
 */

let sim: RunningMiraklSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}) {
  sim = await startMiraklSimulator({
    startTime: "2026-03-02T08:00:00Z",
    rateLimits: "off",
    reasons: MARKETPLACE_REASONS,
    ...options,
  });
  return sim;
}

async function api(s: RunningMiraklSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      Authorization: s.keys.single,
      Accept: "application/json",
      ...(body === undefined ? { "Content-Length": "0" } : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const or28 = (s: RunningMiraklSimulator, refunds: unknown[]) => api(s, "PUT", "/api/orders/refund", { refunds });
const or30 = (s: RunningMiraklSimulator, cancelations: unknown[]) =>
  api(s, "PUT", "/api/orders/cancel", { cancelations });
const or29 = (s: RunningMiraklSimulator, id: string) => api(s, "PUT", `/api/orders/${id}/cancel`);

async function control(s: RunningMiraklSimulator, method: string, route: string, body?: unknown) {
  const response = await fetch(`${s.url}/_sim/${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const order = (s: RunningMiraklSimulator, id: string) => s.control.order(id)!;
const line = (s: RunningMiraklSimulator, id: string, index = 1) => order(s, id).order_lines[index - 1]!;
const minutes = (n: number) => n * 60_000;

describe("OR28: the shop refunds", () => {
  it("creates refunds with ids, one order_refund_id per call, taxes and commission, WAITING_REFUND then REFUNDED", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPED",
      lines: [
        { offer_sku: "S2000", quantity: 2, tax_rate: 20 },
        { offer_sku: "S2001", tax_rate: 20 },
      ],
    }).id;
    const placed = order(s, id).last_updated_date;
    s.control.advanceClock(minutes(5));
    const answer = await or28(s, [
      {
        order_line_id: `${id}-1`,
        amount: 55,
        shipping_amount: 1,
        reason_code: "15",
        quantity: 1,
        taxes: [{ code: "TAXDEFAULT", amount: 11 }],
        shipping_taxes: [{ code: "TAXDEFAULT", amount: 0.2 }],
      },
      {
        order_line_id: `${id}-2`,
        amount: 19.9,
        shipping_amount: 4.99,
        reason_code: "16",
        taxes: [{ code: "TAXDEFAULT", amount: 3.98 }],
        shipping_taxes: [{ code: "TAXDEFAULT", amount: 1 }],
      },
    ]);
    expect(answer.status).toBe(200);
    const [first, second] = answer.body.refunds;
    expect(first).toMatchObject({
      order_line_id: `${id}-1`,
      amount: 55,
      shipping_amount: 1,
      reason_code: "15",
      quantity: 1,
      currency_iso_code: "USD",
      taxes: [{ code: "TAXDEFAULT", amount: 11, rate: 20 }],
      shipping_taxes: [{ code: "TAXDEFAULT", amount: 0.2, rate: 20 }],
    });
    expect(first.refund_id).not.toBe(second.refund_id);
    expect(first.order_refund_id).toBe(second.order_refund_id);

    const refunded = order(s, id);
    expect(refunded.last_updated_date).toBe("2026-03-02T08:05:00Z");
    expect(refunded.last_updated_date).not.toBe(placed);
    expect(refunded.order_lines[0]!.refunds).toEqual([
      expect.objectContaining({
        id: first.refund_id,
        order_refund_id: first.order_refund_id,
        created_date: "2026-03-02T08:05:00Z",
        amount: 55,
        reason_code: "15",
        refund_state: "WAITING_REFUND",
        commission_amount: 6.6, // 12 % of 55
        commission_total_amount: 6.6,
        transaction_number: null,
      }),
    ]);
    // Line 2 is refunded in full (price and shipping), line 1 is not.
    expect(refunded.order_lines.map((l) => l.can_refund)).toEqual([true, false]);
    expect(refunded.fully_refunded).toBe(false);

    s.control.advanceClock(s.control.timings().refundDelayMs - 1);
    expect(line(s, id).refunds[0]!.refund_state).toBe("WAITING_REFUND");
    s.control.advanceClock(1);
    const settled = order(s, id);
    expect(settled.order_lines[0]!.refunds[0]).toMatchObject({
      refund_state: "REFUNDED",
      state: "REFUNDED",
      transaction_date: "2026-03-02T09:05:00Z",
    });
    expect(settled.last_updated_date).toBe("2026-03-02T09:05:00Z");
  });

  it("sets fully_refunded once everything left on the active lines is refunded", async () => {
    const s = await start();
    const id = s.control.createOrder({ state: "RECEIVED", lines: [{ offer_sku: "S2001", quantity: 2 }] }).id;
    await or28(s, [{ order_line_id: `${id}-1`, amount: 19.9, shipping_amount: 0, reason_code: "15" }]);
    expect(order(s, id).fully_refunded).toBe(false);
    await or28(s, [{ order_line_id: `${id}-1`, amount: 19.9, shipping_amount: 4.99, reason_code: "15" }]);
    expect(order(s, id)).toMatchObject({ fully_refunded: true, order_lines: [{ can_refund: false }] });
  });

  it("refuses what Mirakl refuses, and a refused call changes nothing", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPED",
      lines: [{ offer_sku: "S2000", quantity: 2, tax_rate: 20 }, { offer_sku: "S2001" }],
    }).id;
    await or28(s, [
      {
        order_line_id: `${id}-1`,
        amount: 100,
        shipping_amount: 0,
        reason_code: "15",
        taxes: [{ code: "TAXDEFAULT", amount: 20 }],
      },
    ]);
    const before = order(s, id);
    const taxes = [{ code: "TAXDEFAULT", amount: 1 }];
    const refused = async (refunds: unknown[], code: string) => {
      const answer = await or28(s, refunds);
      expect(answer, code).toMatchObject({ status: 400, body: { code } });
    };
    // 10.00 of 110.00 is left on line 1: beyond it, in one entry or two of the same call.
    await refused(
      [{ order_line_id: `${id}-1`, amount: 10.01, shipping_amount: 0, reason_code: "15", taxes }],
      "REFUND_AMOUNT_EXCEEDED",
    );
    await refused(
      [
        { order_line_id: `${id}-1`, amount: 6, shipping_amount: 0, reason_code: "15", taxes },
        { order_line_id: `${id}-1`, amount: 6, shipping_amount: 0, reason_code: "15", taxes },
      ],
      "REFUND_AMOUNT_EXCEEDED",
    );
    await refused(
      [{ order_line_id: `${id}-2`, amount: 0, shipping_amount: 5, reason_code: "15" }],
      "REFUND_AMOUNT_EXCEEDED",
    );
    // 2.00 of tax is left on line 1.
    await refused(
      [
        {
          order_line_id: `${id}-1`,
          amount: 1,
          shipping_amount: 0,
          reason_code: "15",
          taxes: [{ code: "TAXDEFAULT", amount: 2.01 }],
        },
      ],
      "REFUND_AMOUNT_EXCEEDED",
    );
    await refused(
      [
        {
          order_line_id: `${id}-1`,
          amount: 1,
          shipping_amount: 0,
          reason_code: "15",
          taxes: [{ code: "VAT", amount: 0.2 }],
        },
      ],
      "VALIDATION_ERROR",
    );
    // The line's tax rule is NONE: the shop must give its taxes.
    await refused(
      [{ order_line_id: `${id}-1`, amount: 1, shipping_amount: 0, reason_code: "15" }],
      "REFUND_TAXES_MISSING",
    );
    // RE01: "34" is a CANCELATION reason, "17" a REFUND reason only the operator may use, "99" does not exist.
    for (const reason of ["34", "17", "99"])
      await refused(
        [{ order_line_id: `${id}-2`, amount: 1, shipping_amount: 0, reason_code: reason }],
        "REASON_CODE_INVALID",
      );
    await refused([{ order_line_id: `${id}-2`, amount: 0, shipping_amount: 0, reason_code: "15" }], "VALIDATION_ERROR");
    await refused(
      [{ order_line_id: `${id}-2`, amount: 1, shipping_amount: 0, reason_code: "15", currency_iso_code: "EUR" }],
      "VALIDATION_ERROR",
    );
    // A good entry next to a bad one: nothing is refunded.
    await refused(
      [
        { order_line_id: `${id}-2`, amount: 1, shipping_amount: 0, reason_code: "15" },
        { order_line_id: `${id}-9`, amount: 1, shipping_amount: 0, reason_code: "15" },
      ],
      "ORDER_LINE_NOT_FOUND",
    );
    expect(order(s, id)).toEqual(before);
  });

  it("computes the taxes the shop leaves out when the line's rule is PROPORTIONAL_TO_AMOUNT", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPED",
      lines: [{ offer_sku: "S2000", quantity: 2, tax_rate: 20, tax_rule: "PROPORTIONAL_TO_AMOUNT" }],
    }).id;
    expect(line(s, id).taxes).toEqual([
      { amount: 22, code: "TAXDEFAULT", rate: 20, tax_calculation_rule: "PROPORTIONAL_TO_AMOUNT" },
    ]);
    const answer = await or28(s, [
      { order_line_id: `${id}-1`, amount: 27.5, shipping_amount: 4.99, reason_code: "15" },
    ]);
    expect(answer.body.refunds[0]).toMatchObject({
      taxes: [{ code: "TAXDEFAULT", amount: 5.5, rate: 20 }],
      shipping_taxes: [{ code: "TAXDEFAULT", amount: 1, rate: 20 }],
    });
  });

  it("refuses a line not yet shipping or already CLOSED", async () => {
    const s = await start({ timings: { autoCloseMs: minutes(10) } });
    const waiting = s.control.createOrder().id;
    const received = s.control.createOrder({ state: "RECEIVED" }).id;
    s.control.advanceClock(minutes(10));
    expect(order(s, received).order_state).toBe("CLOSED");
    expect(line(s, received).can_refund).toBe(false);
    for (const id of [waiting, received]) {
      const answer = await or28(s, [{ order_line_id: `${id}-1`, amount: 1, shipping_amount: 0, reason_code: "15" }]);
      expect(answer).toMatchObject({ status: 400, body: { code: "ORDER_INVALID_STATE" } });
    }
  });
});

describe("the operator refunds (customer service)", () => {
  it("refunds with its own reasons, computes the taxes, follows OR28's caps and states, and shows in OR11", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPED",
      lines: [{ offer_sku: "S2000", quantity: 2, tax_rate: 20 }],
    }).id;
    s.control.advanceClock(minutes(1));
    const refund = s.control.refundLine({
      order_line_id: `${id}-1`,
      amount: 55,
      shipping_amount: 2,
      reason_code: "17",
    });
    expect(refund).toMatchObject({
      amount: 55,
      shipping_amount: 2,
      reason_code: "17",
      taxes: [{ code: "TAXDEFAULT", amount: 11, rate: 20 }],
      shipping_taxes: [{ code: "TAXDEFAULT", amount: 0.4, rate: 20 }],
    });
    expect(line(s, id).refunds).toEqual([
      expect.objectContaining({ id: refund.refund_id, reason_code: "17", refund_state: "WAITING_REFUND" }),
    ]);
    expect(order(s, id).last_updated_date).toBe("2026-03-02T08:01:00Z");

    // Over HTTP, shipping defaulting to 0; then beyond what is left, a reason of the wrong type, a CLOSED line.
    const http = await control(s, "POST", "refunds", { order_line_id: `${id}-1`, amount: "50", reason_code: "18" });
    expect(http).toMatchObject({ status: 201, body: { amount: 50, shipping_amount: 0, reason_code: "18" } });
    expect(line(s, id).refunds).toHaveLength(2);
    expect(() => s.control.refundLine({ order_line_id: `${id}-1`, amount: 5.01, reason_code: "17" })).toThrow(
      /exceeds what is left/,
    );
    expect(
      (await control(s, "POST", "refunds", { order_line_id: `${id}-1`, amount: 1, reason_code: "35" })).status,
    ).toBe(400);
    expect(line(s, id).refunds).toHaveLength(2);
  });
});

describe("OR29: the shop cancels a whole order while can_cancel", () => {
  it("says can_cancel as Mirakl does: before debit, never after a PAY_ON_ACCEPTANCE debit nor once shipped", async () => {
    const s = await start();
    const waitingDebit = s.control.createOrder().id;
    await api(s, "PUT", `/api/orders/${waitingDebit}/accept`, {
      order_lines: [{ id: `${waitingDebit}-1`, accepted: true }],
    });
    const debited = s.control.createOrder({ state: "SHIPPING" }).id;
    const onDelivery = s.control.createOrder({ state: "SHIPPING", payment_workflow: "PAY_ON_DELIVERY" }).id;
    const shipped = s.control.createOrder({ state: "SHIPPED", payment_workflow: "PAY_ON_DELIVERY" }).id;
    expect([waitingDebit, debited, onDelivery, shipped].map((id) => order(s, id).can_cancel)).toEqual([
      true,
      false,
      true,
      false,
    ]);
    for (const id of [debited, shipped])
      expect(await or29(s, id)).toMatchObject({ status: 400, body: { code: "ORDER_INVALID_STATE" } });
    expect(order(s, debited).order_state).toBe("SHIPPING");
  });

  it("cancels every active line with a cancelation of all that is left, and no reason (OR29 has none)", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2000", quantity: 2, tax_rate: 10 }, { offer_sku: "S2001" }],
    }).id;
    s.control.advanceClock(minutes(2));
    expect((await or29(s, id)).status).toBe(204);
    const canceled = order(s, id);
    expect(canceled).toMatchObject({
      order_state: "CANCELED",
      can_cancel: false,
      order_state_reason_code: null,
      last_updated_date: "2026-03-02T08:02:00Z",
    });
    expect(canceled.order_lines[0]!.cancelations).toEqual([
      expect.objectContaining({
        amount: 110,
        shipping_amount: 4.99,
        quantity: 2,
        reason_code: null,
        taxes: [{ amount: 11, code: "TAXDEFAULT", rate: 10 }],
        shipping_taxes: [{ amount: 0.5, code: "TAXDEFAULT", rate: 10 }],
        created_date: "2026-03-02T08:02:00Z",
        commission_amount: 13.2,
      }),
    ]);
    const ids = canceled.order_lines.flatMap((l) => l.cancelations.map((c) => c.id));
    expect(new Set(ids).size).toBe(2);
  });
});

describe("OR30: the shop cancels units of lines", () => {
  const entry = (id: string, extra: Record<string, unknown> = {}) => ({
    order_line_id: `${id}-1`,
    quantity: 1,
    amount: 19.9,
    shipping_amount: 0,
    reason_code: "34",
    ...extra,
  });

  it("is refused until Mirakl turns the shop's partial cancelation on", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2001", quantity: 3 }],
    }).id;
    expect(s.control.partialCancelation()).toBe(false);
    expect(await or30(s, [entry(id)])).toMatchObject({
      status: 400,
      body: { code: "ORDER_PARTIAL_CANCELATION_DISABLED" },
    });
    expect(line(s, id).cancelations).toEqual([]);
    expect(await control(s, "PUT", "partial-cancelation", { enabled: true })).toMatchObject({ status: 200 });
    expect((await or30(s, [entry(id)])).status).toBe(200);
    expect(line(s, id)).toMatchObject({ order_line_state: "SHIPPING", cancelations: [{ quantity: 1, amount: 19.9 }] });
    expect((await control(s, "GET", "state")).body.shops[0]).toMatchObject({ partialCancelation: true });
  });

  it("follows can_cancel, RE01 CANCELATION reasons and the units left; the last units cancel the line and order", async () => {
    const s = await start();
    s.control.setPartialCancelation(2001, true);
    const debited = s.control.createOrder({ state: "SHIPPING", lines: [{ offer_sku: "S2001", quantity: 3 }] }).id;
    expect(await or30(s, [entry(debited)])).toMatchObject({ status: 400, body: { code: "ORDER_INVALID_STATE" } });

    const id = s.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2001", quantity: 2, tax_rate: 20 }],
    }).id;
    const taxes = [{ code: "TAXDEFAULT", amount: 3.98 }];
    expect(await or30(s, [entry(id, { reason_code: "15", taxes })])).toMatchObject({
      status: 400,
      body: { code: "REASON_CODE_INVALID" },
    });
    expect(await or30(s, [entry(id, { reason_code: "35", taxes })])).toMatchObject({
      status: 400,
      body: { code: "REASON_CODE_INVALID" },
    });
    expect(await or30(s, [entry(id)])).toMatchObject({ status: 400, body: { code: "CANCELATION_TAXES_MISSING" } });
    expect(await or30(s, [entry(id, { quantity: 3, amount: 39.8, taxes })])).toMatchObject({
      status: 400,
      body: { code: "VALIDATION_ERROR" },
    });
    const offerBefore = s.control.offer("S2001")!.quantity;
    const answer = await or30(s, [
      entry(id, { taxes }),
      entry(id, { shipping_amount: 4.99, taxes, shipping_taxes: [{ code: "TAXDEFAULT", amount: 1 }] }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.cancelations.map((c: { cancelation_id: string }) => c.cancelation_id)).toHaveLength(2);
    expect(s.control.offer("S2001")!.quantity).toBe(offerBefore + 2);
    expect(order(s, id)).toMatchObject({
      order_state: "CANCELED",
      order_state_reason_code: "34",
      order_state_reason_label: "Cancelled by the client prior to shipping",
      order_lines: [{ order_line_state: "CANCELED", order_line_state_reason_code: "34" }],
    });
  });
});

describe("the operator cancels", () => {
  it("a whole order with a reason, even after debit, but not once shipped", async () => {
    const s = await start();
    const id = s.control.createOrder({ state: "SHIPPING", lines: [{ offer_sku: "S2000", quantity: 2 }] }).id;
    expect(s.control.offer("S2000")!.quantity).toBe(18);
    s.control.advanceClock(minutes(3));
    const answer = await control(s, "POST", `orders/${id}/cancel`, { reason_code: "35" });
    expect(answer).toMatchObject({
      status: 200,
      body: {
        order_state: "CANCELED",
        order_state_reason_code: "35",
        order_state_reason_label: "Cancelled by customer service",
        last_updated_date: "2026-03-02T08:03:00Z",
        order_lines: [
          {
            order_line_state: "CANCELED",
            order_line_state_reason_code: "35",
            cancelations: [{ amount: 110, shipping_amount: 4.99, quantity: 2, reason_code: "35" }],
          },
        ],
      },
    });
    expect(s.control.offer("S2000")!.quantity).toBe(20);

    const shipped = s.control.createOrder({ state: "SHIPPED" }).id;
    expect(() => s.control.cancelOrder(shipped)).toThrow(/cannot be canceled in state SHIPPED/);
    const other = s.control.createOrder({ state: "SHIPPING" }).id;
    expect((await control(s, "POST", `orders/${other}/cancel`, { reason_code: "15" })).status).toBe(400);
    expect((await control(s, "POST", "orders/NOPE-A/cancel", {})).status).toBe(404);
    s.control.cancelOrder(other);
    expect(order(s, other)).toMatchObject({ order_state: "CANCELED", order_state_reason_code: null });
  });

  it("units of a line, whatever the shop's switch, with amounts from the units' price by default", async () => {
    const s = await start();
    const id = s.control.createOrder({
      state: "SHIPPING",
      lines: [{ offer_sku: "S2000", quantity: 3, tax_rate: 20 }, { offer_sku: "S2001" }],
    }).id;
    const [first] = s.control.cancelLines([{ order_line_id: `${id}-1`, quantity: 1, reason_code: "35" }]);
    expect(first).toMatchObject({
      quantity: 1,
      amount: 55,
      shipping_amount: 0,
      reason_code: "35",
      taxes: [{ code: "TAXDEFAULT", amount: 11, rate: 20 }],
    });
    const http = await control(s, "POST", "cancelations", {
      cancelations: [{ order_line_id: `${id}-1`, quantity: 2, reason_code: "34" }],
    });
    expect(http).toMatchObject({
      status: 201,
      body: { cancelations: [{ quantity: 2, amount: 110, shipping_amount: 4.99 }] },
    });
    expect(order(s, id)).toMatchObject({
      order_state: "SHIPPING",
      order_lines: [{ order_line_state: "CANCELED" }, { order_line_state: "SHIPPING" }],
    });
    expect(() => s.control.cancelLines([{ order_line_id: `${id}-2`, quantity: 2, reason_code: "35" }])).toThrow(
      /1 left/,
    );
    expect(() => s.control.cancelLines([{ order_line_id: `${id}-2`, quantity: 1, reason_code: "17" }])).toThrow(
      /not a CANCELATION reason/,
    );
  });
});

describe("Mirakl cancels an order whose debit is refused", () => {
  it("cancels it when the debit is due, with a reason, gives the units back and debits nothing", async () => {
    const s = await start();
    const id = s.control.createOrder({ lines: [{ offer_sku: "S2000", quantity: 2 }] }).id;
    await api(s, "PUT", `/api/orders/${id}/accept`, { order_lines: [{ id: `${id}-1`, accepted: true }] });
    expect((await control(s, "POST", `orders/${id}/refuse-debit`)).status).toBe(200);
    s.control.advanceClock(s.control.timings().debitDelayMs - 1);
    expect(order(s, id).order_state).toBe("WAITING_DEBIT_PAYMENT");
    s.control.advanceClock(1);
    expect(order(s, id)).toMatchObject({
      order_state: "CANCELED",
      order_state_reason_code: DEBIT_REFUSED_REASON.code,
      order_state_reason_label: DEBIT_REFUSED_REASON.label,
      customer_debited_date: null,
      last_updated_date: "2026-03-02T08:01:00Z",
      order_lines: [{ order_line_state: "CANCELED", debited_date: null, cancelations: [{ quantity: 2, amount: 110 }] }],
    });
    expect(s.control.offer("S2000")!.quantity).toBe(20);
    const logs = await api(s, "GET", "/api/sellerpayment/transactions_logs");
    expect(logs).toMatchObject({ status: 200, body: { data: [] } });
  });

  it("only for an order still to be debited at acceptance", async () => {
    const s = await start();
    const debited = s.control.createOrder({ state: "SHIPPING" }).id;
    const onDelivery = s.control.createOrder({ payment_workflow: "PAY_ON_DELIVERY" }).id;
    for (const id of [debited, onDelivery]) expect(() => s.control.refuseDebit(id)).toThrow(/no debit to come/);
  });
});

describe("OR11 update polling sees refunds and cancelations", () => {
  it("lists an order again after each refund, refund state change and cancelation", async () => {
    const s = await start();
    const refunded = s.control.createOrder({ state: "SHIPPED" }).id;
    const canceled = s.control.createOrder({ state: "SHIPPING" }).id;
    const changedSince = async (from: string) => {
      const answer = await api(s, "GET", `/api/orders?start_update_date=${from}`);
      return answer.body.orders.map((o: { order_id: string }) => o.order_id).sort();
    };
    s.control.advanceClock(minutes(10));
    expect(await changedSince("2026-03-02T08:05:00Z")).toEqual([]);
    s.control.refundLine({ order_line_id: `${refunded}-1`, amount: 10, reason_code: "17" });
    expect(await changedSince("2026-03-02T08:05:00Z")).toEqual([refunded]);
    s.control.advanceClock(minutes(10));
    s.control.cancelOrder(canceled, 2001, "35");
    expect(await changedSince("2026-03-02T08:15:00Z")).toEqual([canceled]);
    s.control.advanceClock(s.control.timings().refundDelayMs);
    expect(await changedSince("2026-03-02T08:25:00Z")).toEqual([refunded]);
  });
});
