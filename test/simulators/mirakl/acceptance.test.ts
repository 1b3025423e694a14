import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { OR21_ERRORS } from "./fixtures";
import { startMiraklSimulator, type RunningMiraklSimulator, type SimulatorOptions } from "./index";

/*
 * Order acceptance on the simulator as Mirakl documents it: OR21's published errors, the platform's acceptance
 * modes, auto-refusal at a deadline set through the control API, and offer quantities that orders take and
 * refusals or cancelations give back.
 */

let sim: RunningMiraklSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}) {
  sim = await startMiraklSimulator({ startTime: "2026-03-02T08:00:00Z", rateLimits: "off", ...options });
  return sim;
}

async function or21(s: RunningMiraklSimulator, orderId: string, body: unknown) {
  const response = await fetch(`${s.url}/api/orders/${encodeURIComponent(orderId)}/accept`, {
    method: "PUT",
    headers: { Authorization: s.keys.single, Accept: "application/json", "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const control = (s: RunningMiraklSimulator, method: string, route: string, body?: unknown) =>
  fetch(`${s.url}/_sim/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });

const quantityOf = (s: RunningMiraklSimulator, sku: string) => s.control.offer(sku)!.quantity;
const lineStates = (s: RunningMiraklSimulator, id: string) =>
  s.control.order(id)!.order_lines.map((line) => line.order_line_state);

const specPath =
  process.env.MIRAKL_OPENAPI_SPEC ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../shared/mirakl/mmp-seller-openapi.json");

describe("OR21 answers the errors Mirakl publishes", () => {
  it.skipIf(!existsSync(specPath))("lists exactly the codes and descriptions of OR21's published table", () => {
    const spec = JSON.parse(readFileSync(specPath, "utf8"));
    const description: string = spec.paths["/api/orders/{order_id}/accept"].put.description;
    const published = Object.fromEntries(
      [...description.matchAll(/\| <code>([A-Z_]+)<\/code> \| ([^|]+?) \|/g)].map((m) => [m[1], m[2]]),
    );
    expect(published).toEqual(OR21_ERRORS);
  });

  it("answers each error with its code, Mirakl's description, and 404 only for an unknown order", async () => {
    const s = await start();
    s.control.setPartialAcceptance(2001, false);
    const id = s.control.createOrder({ lines: [{ offer_sku: "S2000" }, { offer_sku: "S2001" }] }).id;
    const error = (code: keyof typeof OR21_ERRORS, status = 400) => ({
      status,
      body: { status, code, message: OR21_ERRORS[code] },
    });

    expect(await or21(s, "NOPE-1-A", { order_lines: [] })).toEqual(error("ORDER_NOT_FOUND", 404));
    expect(await or21(s, id, {})).toEqual(error("VALIDATION_ERROR"));
    expect(await or21(s, id, "{not json")).toEqual(error("VALIDATION_ERROR"));
    expect(await or21(s, id, { order_lines: [{ id: `${id}-1` }] })).toEqual(error("VALIDATION_ERROR"));
    expect(await or21(s, id, { order_lines: [{ id: `${id}-1`, accepted: true }, null] })).toEqual(
      error("ORDER_LINE_NULL_ELEMENT"),
    );
    expect(
      await or21(s, id, {
        order_lines: [
          { id: `${id}-1`, accepted: true },
          { id: `${id}-1`, accepted: true },
        ],
      }),
    ).toEqual(error("ORDER_LINE_DUPLICATE_ID"));
    expect(
      await or21(s, id, {
        order_lines: [
          { id: `${id}-1`, accepted: true },
          { id: "OTHER-1", accepted: true },
        ],
      }),
    ).toEqual(error("ORDER_LINE_NOT_FOUND"));
    expect(await or21(s, id, { order_lines: [{ id: `${id}-1`, accepted: true }] })).toEqual(
      error("ORDER_LINE_ACCEPTANCE_DECISION_MISSING"),
    );
    expect(
      await or21(s, id, {
        order_lines: [
          { id: `${id}-1`, accepted: true },
          { id: `${id}-2`, accepted: false },
        ],
      }),
    ).toEqual(error("ORDER_PARTIAL_ACCEPTANCE_DISABLED"));
    // None of these changed anything.
    expect(s.control.order(id)!.order_state).toBe("WAITING_ACCEPTANCE");
    expect(lineStates(s, id)).toEqual(["WAITING_ACCEPTANCE", "WAITING_ACCEPTANCE"]);

    const decision = {
      order_lines: [
        { id: `${id}-1`, accepted: true },
        { id: `${id}-2`, accepted: true },
      ],
    };
    expect(await or21(s, id, decision)).toEqual({ status: 204, body: null });
    // A repeated decision (an answer lost on the way back) finds the order decided.
    expect(await or21(s, id, decision)).toEqual(error("ORDER_INVALID_STATE"));
  });
});

describe("acceptance modes", () => {
  it("AUTOMATIC: the marketplace accepts at once, with no decision date, and OR21 finds nothing to decide", async () => {
    const s = await start({ platform: { orderAcceptance: "AUTOMATIC" } });
    const id = s.control.createOrder({ lines: [{ offer_sku: "S2000", quantity: 2 }] }).id;
    const order = s.control.order(id)!;
    expect(order.order_state).toBe("WAITING_DEBIT_PAYMENT");
    expect(order.acceptance_decision_date).toBeNull();
    expect(lineStates(s, id)).toEqual(["WAITING_DEBIT_PAYMENT"]);
    expect((await or21(s, id, { order_lines: [{ id: `${id}-1`, accepted: true }] })).body).toMatchObject({
      code: "ORDER_INVALID_STATE",
    });
    expect(quantityOf(s, "S2000")).toBe(18);
  });

  it("partial acceptance forbidden: one decision for every line is taken, a mix is not", async () => {
    const s = await start();
    await control(s, "PUT", "partial-acceptance?shop_id=2001", { enabled: false });
    const state = await (await control(s, "GET", "state")).json();
    expect(state.shops.find((shop: { id: number }) => shop.id === 2001)).toMatchObject({ partialAcceptance: false });
    const lines = [{ offer_sku: "S2000" }, { offer_sku: "S2001" }];
    const refused = s.control.createOrder({ lines }).id;
    const accepted = s.control.createOrder({ lines }).id;
    const all = (id: string, value: boolean) => ({
      order_lines: [
        { id: `${id}-1`, accepted: value },
        { id: `${id}-2`, accepted: value },
      ],
    });
    expect((await or21(s, refused, all(refused, false))).status).toBe(204);
    expect((await or21(s, accepted, all(accepted, true))).status).toBe(204);
    expect(s.control.order(refused)!.order_state).toBe("REFUSED");
    expect(lineStates(s, refused)).toEqual(["REFUSED", "REFUSED"]);
    expect(s.control.order(accepted)!.order_state).toBe("WAITING_DEBIT_PAYMENT");
    expect((await control(s, "PUT", "partial-acceptance", { enabled: "no" })).status).toBe(400);
  });
});

describe("auto-refusal at the deadline set through the control API", () => {
  it("refuses every line at the deadline, with no decision date and no reason code, and gives the units back", async () => {
    const s = await start();
    const set = await control(s, "PUT", "timings", { acceptanceDeadlineMs: 10 * 60_000 });
    expect(await set.json()).toMatchObject({ acceptanceDeadlineMs: 10 * 60_000 });
    expect((await (await control(s, "GET", "state")).json()).timings.acceptanceDeadlineMs).toBe(10 * 60_000);

    const id = s.control.createOrder({
      lines: [
        { offer_sku: "S2000", quantity: 3 },
        { offer_sku: "S2001", quantity: 1 },
      ],
    }).id;
    expect([quantityOf(s, "S2000"), quantityOf(s, "S2001")]).toEqual([17, 49]);
    s.control.advanceClock(10 * 60_000 - 1);
    expect(s.control.order(id)!.order_state).toBe("WAITING_ACCEPTANCE");
    s.control.advanceClock(1);
    const order = s.control.order(id)!;
    expect(order).toMatchObject({
      order_state: "REFUSED",
      acceptance_decision_date: null,
      order_state_reason_code: null,
      last_updated_date: "2026-03-02T08:10:00Z",
    });
    expect(lineStates(s, id)).toEqual(["REFUSED", "REFUSED"]);
    expect([quantityOf(s, "S2000"), quantityOf(s, "S2001")]).toEqual([20, 50]);
    // Refused is final: nothing is given back twice, and OR21 finds nothing to decide.
    s.control.advanceClock(24 * 3600_000);
    expect(quantityOf(s, "S2000")).toBe(20);
    expect((await or21(s, id, { order_lines: [] })).body).toMatchObject({ code: "ORDER_INVALID_STATE" });
  });

  it("a new deadline applies to orders placed afterwards; a bad one is refused", async () => {
    const s = await start({ timings: { acceptanceDeadlineMs: 60 * 60_000 } });
    const before = s.control.createOrder().id;
    s.control.setTimings({ acceptanceDeadlineMs: 5 * 60_000 });
    const after = s.control.createOrder().id;
    s.control.advanceClock(5 * 60_000);
    expect(s.control.order(after)!.order_state).toBe("REFUSED");
    expect(s.control.order(before)!.order_state).toBe("WAITING_ACCEPTANCE");
    s.control.advanceClock(55 * 60_000);
    expect(s.control.order(before)!.order_state).toBe("REFUSED");

    expect((await control(s, "PUT", "timings", { acceptanceDeadlineMs: -1 })).status).toBe(400);
    expect((await control(s, "PUT", "timings", { acceptanceDeadlineMs: "soon" })).status).toBe(400);
    expect((await control(s, "PUT", "timings", { acceptanceDeadline: 5 })).status).toBe(400);
    expect(s.control.timings().acceptanceDeadlineMs).toBe(5 * 60_000);
  });
});

describe("orders take units from the offer; refusals and cancelations give them back", () => {
  it("OR21: an accepted line keeps its units, a refused one gives them back", async () => {
    const s = await start();
    const id = s.control.createOrder({
      lines: [
        { offer_sku: "S2000", quantity: 2 },
        { offer_sku: "S2001", quantity: 5 },
      ],
    }).id;
    expect([quantityOf(s, "S2000"), quantityOf(s, "S2001")]).toEqual([18, 45]);
    await or21(s, id, {
      order_lines: [
        { id: `${id}-1`, accepted: true },
        { id: `${id}-2`, accepted: false },
      ],
    });
    expect([quantityOf(s, "S2000"), quantityOf(s, "S2001")]).toEqual([18, 50]);
  });

  it("OR29 gives back every line; OR30 gives back the units it cancels; OR28 refunds give nothing back", async () => {
    const s = await start();
    const whole = s.control.createOrder({ lines: [{ offer_sku: "S2000", quantity: 4 }] }).id;
    await or21(s, whole, { order_lines: [{ id: `${whole}-1`, accepted: true }] });
    expect(quantityOf(s, "S2000")).toBe(16);
    const cancel = await fetch(`${s.url}/api/orders/${whole}/cancel`, {
      method: "PUT",
      headers: { Authorization: s.keys.single, "Content-Length": "0" },
    });
    expect(cancel.status).toBe(204);
    expect(quantityOf(s, "S2000")).toBe(20);

    s.control.setPartialCancelation(2001, true);
    const part = s.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2001", quantity: 3 }],
    }).id;
    expect(quantityOf(s, "S2001")).toBe(47);
    const partial = await fetch(`${s.url}/api/orders/cancel`, {
      method: "PUT",
      headers: { Authorization: s.keys.single, "Content-Type": "application/json" },
      body: JSON.stringify({
        cancelations: [
          { order_line_id: `${part}-1`, quantity: 1, amount: 19.9, shipping_amount: 0, reason_code: "34" },
        ],
      }),
    });
    expect(partial.status).toBe(200);
    expect(quantityOf(s, "S2001")).toBe(48);

    const shipped = s.control.createOrder({ state: "SHIPPED", lines: [{ offer_sku: "S2000", quantity: 1 }] }).id;
    const refund = await fetch(`${s.url}/api/orders/refund`, {
      method: "PUT",
      headers: { Authorization: s.keys.single, "Content-Type": "application/json" },
      body: JSON.stringify({
        refunds: [{ order_line_id: `${shipped}-1`, amount: 55, shipping_amount: 0, reason_code: "15" }],
      }),
    });
    expect(refund.status).toBe(200);
    expect(quantityOf(s, "S2000")).toBe(19);
  });

  it("an order a test builds beyond the offer's stock takes what there is and gives back only that", async () => {
    const s = await start();
    const id = s.control.createOrder({ lines: [{ offer_sku: "S2000", quantity: 25 }] }).id;
    expect(s.control.offer("S2000")).toMatchObject({ quantity: 0, active: false });
    await or21(s, id, { order_lines: [{ id: `${id}-1`, accepted: false }] });
    expect(s.control.offer("S2000")).toMatchObject({ quantity: 20, active: true });
  });

  it("a stock import in between sets the quantity; a later refusal adds the order's units to it", async () => {
    const s = await start();
    const id = s.control.createOrder({ lines: [{ offer_sku: "S2000", quantity: 2 }] }).id;
    s.control.addOffer(2001, { shop_sku: "S2000", quantity: 6, price: 55 });
    await or21(s, id, { order_lines: [{ id: `${id}-1`, accepted: false }] });
    expect(quantityOf(s, "S2000")).toBe(8);
  });
});

describe("a customer's order (requireStock)", () => {
  it("takes whole units of an active offer up to its quantity, and refuses anything else without creating an order", async () => {
    const s = await start();
    const refusals: [unknown, RegExp][] = [
      [[{ offer_sku: "S2000", quantity: 21 }], /Offer S2000 has 20 unit\(s\) for sale, fewer than the 21 ordered/],
      [
        [
          { offer_sku: "S2000", quantity: 15 },
          { offer_sku: "S2000", quantity: 6 },
        ],
        /fewer than the 21 ordered/,
      ],
      [[{ offer_sku: "S2002", quantity: 1 }], /Offer S2002 has 0 unit\(s\) for sale/],
      [[{ offer_sku: "S2000", quantity: 0 }], /whole number of at least 1/],
      [[{ offer_sku: "S2000", quantity: -2 }], /whole number of at least 1/],
      [[{ offer_sku: "S2000", quantity: 1.5 }], /whole number of at least 1/],
      [[{ offer_sku: "NOPE", quantity: 1 }], /Offer NOPE is not sold by shop 2001/],
    ];
    for (const [lines, message] of refusals) {
      const response = await control(s, "POST", "orders", { requireStock: true, lines });
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(message);
    }
    expect(s.control.orders()).toEqual([]);
    expect(quantityOf(s, "S2000")).toBe(20);

    const created = await control(s, "POST", "orders", {
      requireStock: true,
      lines: [{ offer_sku: "S2000", quantity: 20 }],
    });
    expect(created.status).toBe(201);
    expect((await created.json()).order_state).toBe("WAITING_ACCEPTANCE");
    expect(s.control.offer("S2000")).toMatchObject({ quantity: 0, active: false });
  });
});
