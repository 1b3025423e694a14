import { afterEach, describe, expect, it } from "vitest";
import {
  MARKETPLACE_CARRIERS,
  SHIPPING_ERROR_CODES,
  startMiraklSimulator,
  type RunningMiraklSimulator,
  type SimulatorOptions,
} from "./index";

/*
 * Shipping on the simulator: the multi-shipment API (ST01, ST11, ST23, ST24) behind the platform's
 * multi_shipment setting, OR23's registered and alternative carriers, the state errors of OR23/OR24/ST01, and
 * SH21's carrier list.
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
    ...options,
    platform: { multiShipment: true, ...options.platform },
  });
  return sim;
}

type Json = Record<string, unknown>;

async function call(s: RunningMiraklSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${s.url}${path}`, {
    method,
    headers: { Authorization: s.keys.single, Accept: "application/json", "Content-Type": "application/json" },
    body: body === undefined ? (method === "GET" ? undefined : "") : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : null };
}

const st01 = (s: RunningMiraklSimulator, shipments: unknown[]) => call(s, "POST", "/api/shipments", { shipments });
const st24 = (s: RunningMiraklSimulator, ids: string[]) =>
  call(s, "PUT", "/api/shipments/ship", { shipments: ids.map((id) => ({ id })) });
const successIds = (body: Json | null) => (body!.shipment_success as { id: string }[]).map((entry) => entry.id);

/** An order waiting to be shipped: S2000 ×3 and S2001 ×1. */
const shippingOrder = (s: RunningMiraklSimulator) =>
  s.control.createOrder({
    state: "SHIPPING",
    lines: [
      { offer_sku: "S2000", quantity: 3 },
      { offer_sku: "S2001", quantity: 1 },
    ],
  }).id;

/** An order in SHIPPING that is not debited (PAY_ON_DELIVERY), then canceled with OR29. */
async function canceledOrder(s: RunningMiraklSimulator) {
  const id = s.control.createOrder({ payment_workflow: "PAY_ON_DELIVERY" }).id;
  const accepted = await call(s, "PUT", `/api/orders/${id}/accept`, {
    order_lines: [{ id: `${id}-1`, accepted: true }],
  });
  expect(accepted.status).toBe(204);
  expect(s.control.order(id)!.order_state).toBe("SHIPPING");
  expect((await call(s, "PUT", `/api/orders/${id}/cancel`)).status).toBe(204);
  return id;
}

const states = (s: RunningMiraklSimulator, id: string) => {
  const order = s.control.order(id)!;
  return { order: order.order_state, lines: order.order_lines.map((line) => line.order_line_state) };
};

describe("multi-shipment is a platform setting", () => {
  it("shows in PC01 and refuses ST01 when off, creating nothing", async () => {
    const s = await start({ platform: { multiShipment: false } });
    const id = shippingOrder(s);
    const config = async () =>
      ((await call(s, "GET", "/api/platform/configuration")).body!.features as Json).shipment as Json;
    expect((await config()).multi_shipment).toBe(false);

    const refused = await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] }]);
    expect(refused.status).toBe(400);
    expect(refused.body!.code).toBe(SHIPPING_ERROR_CODES.MULTI_SHIPMENT_DISABLED);
    expect(s.control.shipments(id)).toEqual([]);

    s.control.setPlatform({ multiShipment: true });
    expect((await config()).multi_shipment).toBe(true);
    const created = await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] }]);
    expect(created.status).toBe(201);
    expect(s.control.shipments(id)).toHaveLength(1);
  });
});

describe("ST01 and ST24 ship an order in parts", () => {
  it("leaves the order in SHIPPING until every accepted unit has shipped, and moves no stock", async () => {
    const s = await start();
    const id = shippingOrder(s);
    const stock = () => [s.control.offer("S2000")!.quantity, s.control.offer("S2001")!.quantity];
    const before = stock();

    const first = await st01(s, [
      {
        order_id: id,
        shipment_lines: [{ order_line_id: `${id}-1`, quantity: 2, package_reference: "box-1" }],
        shipped: true,
      },
    ]);
    expect(first.status).toBe(201);
    expect(first.body!.shipment_errors).toEqual([]);
    const [shipped] = first.body!.shipment_success as Json[];
    expect(shipped).toMatchObject({
      order_id: id,
      status: "SHIPPED",
      shipment_lines: [{ order_line_id: `${id}-1`, offer_sku: "S2000", quantity: 2, package_reference: "box-1" }],
    });
    expect(states(s, id)).toEqual({ order: "SHIPPING", lines: ["SHIPPING", "SHIPPING"] });

    // The rest, in a shipment not yet gone: nothing changes until ST24.
    const second = await st01(s, [
      {
        order_id: id,
        shipment_lines: [
          { order_line_id: `${id}-1`, quantity: 1 },
          { order_line_id: `${id}-2`, quantity: 1 },
        ],
      },
    ]);
    const [pendingId] = successIds(second.body);
    expect((second.body!.shipment_success as Json[])[0].status).toBe("SHIPPING");
    expect(states(s, id)).toEqual({ order: "SHIPPING", lines: ["SHIPPING", "SHIPPING"] });

    const ship = await st24(s, [pendingId]);
    expect(ship).toEqual({ status: 200, body: { shipment_errors: [], shipment_success: [{ id: pendingId }] } });
    expect(states(s, id)).toEqual({ order: "SHIPPED", lines: ["SHIPPED", "SHIPPED"] });
    expect(s.control.shipments(id).map((shipment) => shipment.status)).toEqual(["SHIPPED", "SHIPPED"]);
    expect(stock()).toEqual(before);
  });

  it("does not count a shipment that has not left when another ships", async () => {
    const s = await start();
    const id = shippingOrder(s);
    await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }] }]);
    await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 3 }], shipped: true }]);
    expect(states(s, id)).toEqual({ order: "SHIPPING", lines: ["SHIPPED", "SHIPPING"] });
  });

  it("ships a line once its units not canceled are shipped", async () => {
    const s = await start();
    s.control.setPartialCancelation(2001, true);
    // OR30 needs an order the shop can still cancel: not debited yet (paid on delivery).
    const id = s.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [
        { offer_sku: "S2000", quantity: 3 },
        { offer_sku: "S2001", quantity: 1 },
      ],
    }).id;
    const cancel = await call(s, "PUT", "/api/orders/cancel", {
      cancelations: [{ order_line_id: `${id}-1`, quantity: 1, amount: 55, shipping_amount: 0, reason_code: "34" }],
    });
    expect(cancel.status).toBe(200);
    const done = await st01(s, [
      {
        order_id: id,
        shipment_lines: [
          { order_line_id: `${id}-1`, quantity: 2 },
          { order_line_id: `${id}-2`, quantity: 1 },
        ],
        shipped: true,
      },
    ]);
    expect(done.body!.shipment_errors).toEqual([]);
    expect(states(s, id).order).toBe("SHIPPED");
  });
});

describe("ST01 refuses a shipment on its own, in shipment_errors", () => {
  it("answers each refused shipment with its order id and creates the others", async () => {
    const s = await start();
    const id = shippingOrder(s);
    const shipped = s.control.createOrder({ state: "SHIPPED" }).id;
    const canceled = await canceledOrder(s);

    const result = await st01(s, [
      { order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 4 }] },
      { order_id: shipped, shipment_lines: [{ order_line_id: `${shipped}-1`, quantity: 1 }] },
      { order_id: canceled, shipment_lines: [{ order_line_id: `${canceled}-1`, quantity: 1 }] },
      { order_id: "NOPE-A", shipment_lines: [{ order_line_id: "NOPE-A-1", quantity: 1 }] },
      { order_id: id, shipment_lines: [{ order_line_id: `${id}-9`, quantity: 1 }] },
      { order_id: id, shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }] },
    ]);
    expect(result.status).toBe(201);
    expect(result.body!.shipment_errors).toEqual([
      { order_id: id, message: "Shipment quantity is invalid." },
      { order_id: shipped, message: "The order status must be 'SHIPPING' but it is 'SHIPPED'." },
      { order_id: canceled, message: "The order status must be 'SHIPPING' but it is 'CANCELED'." },
      { order_id: "NOPE-A", message: "Order with id 'NOPE-A' does not exist." },
      { order_id: id, message: `Order line '${id}-9' is not in order '${id}'.` },
    ]);
    expect(successIds(result.body)).toHaveLength(1);
    expect(s.control.shipments().map((shipment) => shipment.order_id)).toEqual([id]);
  });

  it("counts units already in shipments, shipped or not", async () => {
    const s = await start();
    const id = shippingOrder(s);
    await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 2 }] }]);
    const again = await st01(s, [
      {
        order_id: id,
        shipment_lines: [
          { order_line_id: `${id}-1`, quantity: 1 },
          { order_line_id: `${id}-1`, quantity: 1 },
        ],
      },
    ]);
    expect(again.body!.shipment_errors).toEqual([{ order_id: id, message: "Shipment quantity is invalid." }]);
    const last = await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] }]);
    expect(last.body!.shipment_errors).toEqual([]);
  });

  it("refuses a whole call without shipments", async () => {
    const s = await start();
    expect((await st01(s, [])).status).toBe(400);
    expect((await call(s, "POST", "/api/shipments", { shipments: [{ order_id: "X" }] })).status).toBe(400);
  });
});

describe("carriers: registered (SH21) or alternative", () => {
  it("SH21 lists the marketplace's carriers by label, each with a tracking URL template", async () => {
    const s = await start({ carriers: MARKETPLACE_CARRIERS });
    const carriers = (await call(s, "GET", "/api/shipping/carriers")).body!.carriers as Json[];
    expect(carriers.map((carrier) => carrier.code)).toEqual(["CHRONOPOST", "COLISSIMO", "DHL", "DPD", "GLS", "UPS"]);
    for (const carrier of carriers) {
      expect(carrier.label).toEqual(expect.any(String));
      expect(carrier.standard_code).toEqual(expect.any(String));
      expect(carrier.tracking_url).toMatch(/^https:\/\/.*\{trackingId\}/);
    }
  });

  it("ST01 and ST23 fill a registered carrier's URL and refuse an unknown code", async () => {
    const s = await start({ carriers: MARKETPLACE_CARRIERS });
    const id = shippingOrder(s);
    const created = await st01(s, [
      {
        order_id: id,
        shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }],
        tracking: { carrier_code: "COLISSIMO", tracking_number: "6A123" },
      },
      {
        order_id: id,
        shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }],
        tracking: { carrier_code: "FEDEX", tracking_number: "1" },
      },
    ]);
    expect(created.body!.shipment_errors).toEqual([
      { order_id: id, message: "Carrier with code 'FEDEX' does not exist" },
    ]);
    const [shipmentId] = successIds(created.body);
    expect(s.control.shipments(id)).toHaveLength(1);
    expect(s.control.shipments(id)[0].tracking).toMatchObject({
      carrier_code: "COLISSIMO",
      carrier_name: "Colissimo",
      tracking_number: "6A123",
      tracking_url: "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123",
    });

    const updated = await call(s, "POST", "/api/shipments/tracking", {
      shipments: [
        { id: shipmentId, tracking: { carrier_code: "GLS", tracking_number: "GLS9" } },
        { id: "no-such-shipment", tracking: { carrier_code: "GLS", tracking_number: "GLS9" } },
      ],
    });
    expect(updated).toEqual({
      status: 200,
      body: {
        shipment_errors: [{ id: "no-such-shipment", message: "No shipment with id 'no-such-shipment'." }],
        shipment_success: [{ id: shipmentId }],
      },
    });
    expect(s.control.shipments(id)[0].tracking).toMatchObject({
      carrier_code: "GLS",
      tracking_url: "https://gls-group.com/FR/fr/suivi-colis?match=GLS9",
    });
  });

  it("OR23 takes a registered carrier by code and refuses an unknown one", async () => {
    const s = await start({ carriers: MARKETPLACE_CARRIERS });
    const id = shippingOrder(s);
    const unknown = await call(s, "PUT", `/api/orders/${id}/tracking`, { carrier_code: "TNT", tracking_number: "1" });
    expect(unknown.status).toBe(400);
    expect(unknown.body!.code).toBe(SHIPPING_ERROR_CODES.CARRIER_NOT_FOUND);
    const missing = await call(s, "PUT", `/api/orders/${id}/tracking`, { carrier_code: "DPD" });
    expect(missing.body!.code).toBe(SHIPPING_ERROR_CODES.TRACKING_NUMBER_MISSING);

    expect(
      (await call(s, "PUT", `/api/orders/${id}/tracking`, { carrier_code: "DPD", tracking_number: "09" })).status,
    ).toBe(204);
    expect(s.control.order(id)).toMatchObject({
      shipping_carrier_code: "DPD",
      shipping_company: "DPD",
      shipping_tracking: "09",
      shipping_tracking_url: "https://trace.dpd.fr/fr/trace/09",
    });
  });

  it("takes an alternative carrier (name and URL) unless the platform disables them", async () => {
    const s = await start();
    const id = shippingOrder(s);
    const alternative = {
      carrier_name: "Coursier Express",
      carrier_url: "https://coursier.example/t/42",
      tracking_number: "42",
    };
    expect((await call(s, "PUT", `/api/orders/${id}/tracking`, alternative)).status).toBe(204);
    expect(s.control.order(id)).toMatchObject({
      shipping_carrier_code: null,
      shipping_company: "Coursier Express",
      shipping_tracking_url: "https://coursier.example/t/42",
    });

    s.control.setPlatform({ disableSellerAlternativeCarrier: true });
    const config = (await call(s, "GET", "/api/platform/configuration")).body!.features as Json;
    expect(config.disable_seller_alternative_carrier).toBe(true);
    const refused = await call(s, "PUT", `/api/orders/${id}/tracking`, alternative);
    expect(refused.status).toBe(400);
    expect(refused.body!.code).toBe(SHIPPING_ERROR_CODES.ALTERNATIVE_CARRIER_DISABLED);
    const shipment = await st01(s, [
      {
        order_id: id,
        shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }],
        tracking: { carrier_name: "Coursier Express", tracking_url: "https://coursier.example/t/42" },
      },
    ]);
    expect(shipment.body!.shipment_errors).toEqual([
      {
        order_id: id,
        message: "Carrier 'Coursier Express' is not registered and the marketplace does not allow other carriers",
      },
    ]);
    // A registered carrier is still fine.
    expect(
      (await call(s, "PUT", `/api/orders/${id}/tracking`, { carrier_code: "UPS", tracking_number: "1Z" })).status,
    ).toBe(204);
  });
});

describe("OR23 and OR24 need an order in SHIPPING", () => {
  it("answer 400 ORDER_INVALID_STATE on a shipped or canceled order", async () => {
    const s = await start();
    const shipped = s.control.createOrder({ state: "SHIPPED" }).id;
    const canceled = await canceledOrder(s);
    for (const [id, state] of [
      [shipped, "SHIPPED"],
      [canceled, "CANCELED"],
    ]) {
      const expected = {
        status: 400,
        body: {
          status: 400,
          message: `The order status must be 'SHIPPING' but it is '${state}'.`,
          code: SHIPPING_ERROR_CODES.ORDER_INVALID_STATE,
        },
      };
      expect(await call(s, "PUT", `/api/orders/${id}/tracking`, { carrier_code: "UPS", tracking_number: "1" })).toEqual(
        expected,
      );
      expect(await call(s, "PUT", `/api/orders/${id}/ship`)).toEqual(expected);
    }
  });

  it("ST24 refuses a shipment already shipped, or whose order left SHIPPING", async () => {
    const s = await start();
    const id = shippingOrder(s);
    const created = await st01(s, [
      { order_id: id, shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }], shipped: true },
      { order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] },
    ]);
    const [gone, pending] = successIds(created.body);
    expect((await call(s, "PUT", `/api/orders/${id}/ship`)).status).toBe(204);
    const result = await st24(s, [gone, pending]);
    expect(result.body!.shipment_errors).toEqual([
      { id: gone, message: "The shipment status must be 'SHIPPING' but it is 'SHIPPED'." },
      { id: pending, message: "The order status must be 'SHIPPING' but it is 'SHIPPED'." },
    ]);
    expect(result.body!.shipment_success).toEqual([]);
  });
});

describe("ST11 lists shipments with seek paging", () => {
  it("filters by order and state, pages by token, and ignores other parameters with a token", async () => {
    const s = await start();
    const first = shippingOrder(s);
    const second = shippingOrder(s);
    for (const id of [first, second]) {
      await st01(s, [
        { order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }], shipped: true },
        { order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] },
        { order_id: id, shipment_lines: [{ order_line_id: `${id}-2`, quantity: 1 }] },
      ]);
    }
    const list = async (query: string) => (await call(s, "GET", `/api/shipments?${query}`)).body!;
    const orders = (page: Json) => (page.data as Json[]).map((shipment) => shipment.order_id);

    expect(orders(await list(`order_id=${second}`))).toEqual([second, second, second]);
    expect(orders(await list(`order_id=${first}&order_id=${second}&shipment_state_code=SHIPPED`))).toEqual([
      first,
      second,
    ]);
    expect(((await list("shipment_state_code=SHIPPING")).data as Json[]).every((x) => x.status === "SHIPPING")).toBe(
      true,
    );

    const page1 = await list(`order_id=${first}&limit=2`);
    expect(page1.data as Json[]).toHaveLength(2);
    expect(page1.previous_page_token).toBeUndefined();
    const page2 = await list(`page_token=${String(page1.next_page_token)}&order_id=${second}`);
    expect(orders(page2)).toEqual([first]);
    expect(page2.next_page_token).toBeUndefined();
    expect(page2.previous_page_token).toEqual(expect.any(String));
    expect((await call(s, "GET", "/api/shipments?limit=101")).status).toBe(400);
  });
});

describe("shipments: other inputs and controls", () => {
  it("finds a line by its deprecated offer_sku, and filters ST11 by update date and sorts it descending", async () => {
    const s = await start();
    const id = shippingOrder(s);
    const created = await st01(s, [{ order_id: id, shipment_lines: [{ offer_sku: "S2001", quantity: 1 }] }]);
    expect((created.body!.shipment_success as Json[])[0].shipment_lines).toEqual([
      { offer_sku: "S2001", order_line_id: `${id}-2`, package_reference: null, quantity: 1 },
    ]);
    s.control.advanceClock(3600_000);
    const later = await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] }]);
    const [laterId] = successIds(later.body);
    const since = new Date(s.control.now() - 60_000).toISOString();
    const ids = async (query: string) =>
      ((await call(s, "GET", `/api/shipments?${query}`)).body!.data as Json[]).map((shipment) => shipment.id);
    expect(await ids(`last_updated_from=${since}`)).toEqual([laterId]);
    const all = await ids("");
    expect(await ids("sort=dateCreated,DESC")).toEqual([...all].reverse());
  });

  it("OR29 cancels the shipments that have not left", async () => {
    const s = await start();
    const id = s.control.createOrder({
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2000", quantity: 2 }],
    }).id;
    await call(s, "PUT", `/api/orders/${id}/accept`, { order_lines: [{ id: `${id}-1`, accepted: true }] });
    await st01(s, [{ order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] }]);
    expect((await call(s, "PUT", `/api/orders/${id}/cancel`)).status).toBe(204);
    expect(s.control.shipments(id).map((shipment) => shipment.status)).toEqual(["CANCELED"]);
  });

  it("answers the control routes: shipments of an order, and a new carrier list", async () => {
    const s = await start();
    const id = shippingOrder(s);
    const other = shippingOrder(s);
    await st01(s, [
      { order_id: id, shipment_lines: [{ order_line_id: `${id}-1`, quantity: 1 }] },
      { order_id: other, shipment_lines: [{ order_line_id: `${other}-1`, quantity: 1 }] },
    ]);
    const listed = (await (await fetch(`${s.url}/_sim/shipments?order_id=${id}`)).json()) as Json[];
    expect(listed.map((shipment) => shipment.order_id)).toEqual([id]);

    const carriers = [{ code: "MR", label: "Mondial Relay", standard_code: null, tracking_url: null }];
    const put = await fetch(`${s.url}/_sim/carriers`, { method: "PUT", body: JSON.stringify({ carriers }) });
    expect(put.status).toBe(200);
    expect((await call(s, "GET", "/api/shipping/carriers")).body).toEqual({ carriers });
    expect((await fetch(`${s.url}/_sim/carriers`, { method: "PUT", body: "{}" })).status).toBe(400);
  });
});
