import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerDemoMarketplace, type DemoMarketplace } from "~/demo/demo-marketplace.server";
import { action, loader } from "~/routes/app.demo.marketplace/route";
import { createDemoMarketplace } from "../../scripts/demo-marketplace";
import { MARKETPLACE_REASONS, startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";

const registry = globalThis as unknown as {
  __miraklBridgeDemoMarketplace?: DemoMarketplace;
  __miraklBridgeDemoLoopback?: boolean;
};
const SHOP_ID = 3001;
const DEMO_HOST = "127.0.0.1:3456";

/** What the route answers (a thrown Response counts as the answer, as Remix treats it). */
async function answer(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
const get = (host = DEMO_HOST) =>
  answer(() => loader({ request: new Request(`http://${host}/app/demo/marketplace`), params: {}, context: {} }));
const postRequest = (form: [string, string][], host = DEMO_HOST) =>
  new Request(`http://${host}/app/demo/marketplace`, { method: "POST", body: new URLSearchParams(form) });
const post = (form: [string, string][], host = DEMO_HOST) =>
  answer(() => action({ request: postRequest(form, host), params: {}, context: {} }));
const order = (quantities: Record<string, string>) =>
  post([
    ["intent", "place-order"],
    ...Object.entries(quantities).map(([sku, q]): [string, string] => [`quantity:${sku}`, q]),
  ]);

let sim: RunningMiraklSimulator;
let marketplace: ReturnType<typeof createDemoMarketplace>;

beforeAll(async () => {
  sim = await startMiraklSimulator({
    startTime: "2026-10-01T09:00:00Z",
    rateLimits: "off",
    reasons: MARKETPLACE_REASONS,
  });
});
afterAll(() => sim.close());

beforeEach(() => {
  // The demo's own marketplace shop, afresh for each test.
  sim.simulator.state.shops.delete(SHOP_ID);
  sim.simulator.state.addShop({ id: SHOP_ID, name: "Outdoor Gear Lyon", currency: "EUR", seedOffers: false });
  sim.control.addOffer(SHOP_ID, { shop_sku: "TENT-2S-2P", product_title: "Tent", price: 119, quantity: 5 });
  sim.control.addOffer(SHOP_ID, { shop_sku: "KIP-TR-42", product_title: "Shoe EU 42", price: 89.99, quantity: 2 });
  sim.control.addOffer(SHOP_ID, { shop_sku: "STOVE-CMP-OLD", product_title: "Old stove", price: 20, quantity: 0 });
  sim.control.setTimings({ acceptanceDeadlineMs: 3 * 24 * 3600_000 });
  marketplace = createDemoMarketplace({
    simulator: sim,
    shopId: SHOP_ID,
    connectionName: "Decathlon (demo)",
    autoOrders: { enabled: false, seed: 1, firstAfterMs: 60_000, everyMs: { min: 180_000, max: 300_000 } },
  });
});

afterEach(() => {
  marketplace.stop();
  registry.__miraklBridgeDemoMarketplace = undefined;
  registry.__miraklBridgeDemoLoopback = undefined;
  process.env.MIRAKL_BRIDGE_DEMO = "0";
});

const inDemo = () => {
  process.env.MIRAKL_BRIDGE_DEMO = "1";
  registry.__miraklBridgeDemoLoopback = true;
  registerDemoMarketplace(marketplace);
};
const simOrders = () => sim.control.orders(SHOP_ID);

describe("the demo marketplace page exists only in the loopback demo", () => {
  it("answers 404 without the demo's marketplace, outside demo mode, or on a non-loopback host", async () => {
    process.env.MIRAKL_BRIDGE_DEMO = "1";
    registry.__miraklBridgeDemoLoopback = true;
    expect((await get()).status).toBe(404); // nothing registered: a production build has no simulator

    registerDemoMarketplace(marketplace);
    process.env.MIRAKL_BRIDGE_DEMO = "0";
    expect((await get()).status).toBe(404);
    expect((await order({ "TENT-2S-2P": "1" })).status).toBe(404);

    process.env.MIRAKL_BRIDGE_DEMO = "1";
    expect((await get("shop.example.com")).status).toBe(404);
    expect(
      (
        await post(
          [
            ["intent", "place-order"],
            ["quantity:TENT-2S-2P", "1"],
          ],
          "shop.example.com",
        )
      ).status,
    ).toBe(404);
    registry.__miraklBridgeDemoLoopback = undefined;
    expect((await get()).status).toBe(404);
    expect(simOrders()).toEqual([]);
  });

  it("answers 404 outside the demo before reading the body", async () => {
    registerDemoMarketplace(marketplace);
    const request = postRequest([
      ["intent", "place-order"],
      ["quantity:TENT-2S-2P", "1"],
    ]);
    const response = await answer(() => action({ request, params: {}, context: {} }));
    expect(response.status).toBe(404);
    expect(request.bodyUsed).toBe(false);
  });
});

describe("in the demo", () => {
  beforeEach(inDemo);

  it("shows the offers, how orders are accepted, and the automatic orders' switch", async () => {
    const page = await (await get()).json();
    expect(page).toMatchObject({
      connectionName: "Decathlon (demo)",
      shopId: SHOP_ID,
      shopName: "Outdoor Gear Lyon",
      currency: "EUR",
      acceptance: { mode: "NOT_AUTOMATIC", partialAcceptance: true, autoRefusalAfterMs: 3 * 24 * 3600_000 },
      autoOrders: { enabled: false, nextAt: null, last: null },
      orders: [],
      orderCount: 0,
    });
    expect(page.offers).toEqual([
      { sku: "TENT-2S-2P", title: "Tent", price: "119.00", quantity: 5, active: true },
      { sku: "KIP-TR-42", title: "Shoe EU 42", price: "89.99", quantity: 2, active: true },
      { sku: "STOVE-CMP-OLD", title: "Old stove", price: "20.00", quantity: 0, active: false },
    ]);
  });

  it("places an order of several lines as a customer: it waits for acceptance and takes the units", async () => {
    const response = await order({ "TENT-2S-2P": "2", "KIP-TR-42": " 1 ", "STOVE-CMP-OLD": "" });
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({ ok: true, intent: "place-order" });
    const [placed] = simOrders();
    expect(result.orderId).toBe(placed!.order_id);
    expect(placed!.order_state).toBe("WAITING_ACCEPTANCE");
    expect(placed!.order_lines.map((line) => [line.offer_sku, line.quantity])).toEqual([
      ["TENT-2S-2P", 2],
      ["KIP-TR-42", 1],
    ]);

    const page = await (await get()).json();
    expect(page.offers.map((offer: { quantity: number }) => offer.quantity)).toEqual([3, 1, 0]);
    expect(page.orderCount).toBe(1);
    expect(page.orders[0]).toMatchObject({
      orderId: result.orderId,
      state: "WAITING_ACCEPTANCE",
      placedBy: "person",
      total: "337.97", // 2 × 119 + 89.99 + shipping 2 × 4.99
      acceptanceDecidedAt: null,
      autoRefusalAt: "2026-10-04T09:00:00Z",
      lines: [
        { offerSku: "TENT-2S-2P", quantity: 2, state: "WAITING_ACCEPTANCE" },
        { offerSku: "KIP-TR-42", quantity: 1, state: "WAITING_ACCEPTANCE" },
      ],
    });
  });

  it("shows each line's state once the seller decided", async () => {
    const { orderId } = await (await order({ "TENT-2S-2P": "1", "KIP-TR-42": "1" })).json();
    const placed = sim.simulator.state.shop(SHOP_ID).orders.get(orderId)!;
    sim.simulator.state.accept(
      placed,
      [
        { id: `${orderId}-1`, accepted: true },
        { id: `${orderId}-2`, accepted: false },
      ],
      sim.control.now(),
    );
    const [shown] = (await (await get()).json()).orders;
    expect(shown).toMatchObject({
      state: "WAITING_DEBIT_PAYMENT",
      autoRefusalAt: null,
      acceptanceDecidedAt: "2026-10-01T09:00:00Z",
      lines: [{ state: "WAITING_DEBIT_PAYMENT" }, { state: "REFUSED" }],
    });
  });

  it.each([
    [{}, "Nothing picked: enter a quantity for at least one offer."],
    [{ "TENT-2S-2P": "", "KIP-TR-42": "  " }, "Nothing picked: enter a quantity for at least one offer."],
    [{ "TENT-2S-2P": "0" }, 'Quantity for TENT-2S-2P: "0" is not a whole number of units from 1 to 1000'],
    [{ "TENT-2S-2P": "-1" }, 'Quantity for TENT-2S-2P: "-1" is not a whole number'],
    [{ "TENT-2S-2P": "1.5" }, 'Quantity for TENT-2S-2P: "1.5" is not a whole number'],
    [{ "TENT-2S-2P": "two" }, 'Quantity for TENT-2S-2P: "two" is not a whole number'],
    [{ "TENT-2S-2P": "1", "KIP-TR-42": "0" }, 'Quantity for KIP-TR-42: "0" is not a whole number'],
    [{ "NO-SUCH-OFFER": "1" }, "Offer NO-SUCH-OFFER is not on the marketplace: reload the page."],
    [{ "TENT-2S-2P": "6" }, "Only 5 unit(s) of TENT-2S-2P are for sale on the marketplace; 6 ordered."],
    [{ "STOVE-CMP-OLD": "1" }, "Only 0 unit(s) of STOVE-CMP-OLD are for sale on the marketplace; 1 ordered."],
  ])("refuses %j with a clear message and places nothing", async (quantities, message) => {
    const response = await order(quantities);
    expect(response.status).toBe(400);
    const result = await response.json();
    expect(result.ok).toBe(false);
    expect(result.error).toContain(message);
    expect(result.error).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(simOrders()).toEqual([]);
    expect(sim.control.offer("TENT-2S-2P", SHOP_ID)!.quantity).toBe(5);
  });

  it("says so when the marketplace itself refuses the order", async () => {
    const refusing: DemoMarketplace = {
      ...marketplace,
      placeOrder: () => {
        throw new Error("Offer TENT-2S-2P has 0 unit(s) for sale, fewer than the 1 ordered");
      },
    };
    registerDemoMarketplace(refusing);
    expect(await (await order({ "TENT-2S-2P": "1" })).json()).toEqual({
      ok: false,
      error: "The marketplace refused the order: Offer TENT-2S-2P has 0 unit(s) for sale, fewer than the 1 ordered",
    });
  });

  it("refuses an unknown action", async () => {
    const response = await post([["intent", "drop-tables"]]);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/Unknown action/);
  });

  it("turns the demo's own orders on and off", async () => {
    const on = await (
      await post([
        ["intent", "auto-orders"],
        ["enabled", "on"],
      ])
    ).json();
    expect(on).toMatchObject({ ok: true, intent: "auto-orders" });
    const page = await (await get()).json();
    expect(page.autoOrders.enabled).toBe(true);
    expect(page.autoOrders.nextAt).not.toBeNull();
    await post([
      ["intent", "auto-orders"],
      ["enabled", "off"],
    ]);
    expect((await (await get()).json()).autoOrders).toMatchObject({ enabled: false, nextAt: null });
    expect(
      (
        await post([
          ["intent", "auto-orders"],
          ["enabled", "maybe"],
        ])
      ).status,
    ).toBe(400);
  });

  it("sets the marketplace's auto-refusal deadline for orders placed afterwards", async () => {
    const set = await post([
      ["intent", "auto-refusal"],
      ["minutes", "15"],
    ]);
    expect(await set.json()).toMatchObject({ ok: true, intent: "auto-refusal" });
    expect(sim.control.timings().acceptanceDeadlineMs).toBe(15 * 60_000);
    const page = await (await get()).json();
    expect(page.acceptance.autoRefusalAfterMs).toBe(15 * 60_000);

    const { orderId } = await (await order({ "KIP-TR-42": "2" })).json();
    sim.control.advanceClock(15 * 60_000);
    const [shown] = (await (await get()).json()).orders;
    expect(shown).toMatchObject({ orderId, state: "REFUSED", acceptanceDecidedAt: null, autoRefusalAt: null });
    expect(shown.lines.map((line: { state: string }) => line.state)).toEqual(["REFUSED"]);
    expect(sim.control.offer("KIP-TR-42", SHOP_ID)!.quantity).toBe(2);

    for (const minutes of ["0", "-5", "1.5", "", "soon", "43201"]) {
      const response = await post([
        ["intent", "auto-refusal"],
        ["minutes", minutes],
      ]);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/Auto-refusal: .* is not a whole number of minutes/);
    }
    expect(sim.control.timings().acceptanceDeadlineMs).toBe(15 * 60_000);
  });
});

describe("the marketplace's operator and customer service, from the page", () => {
  beforeEach(inDemo);

  const cancel = (orderId: string, reasonCode: string) =>
    post([
      ["intent", "cancel-order"],
      ["orderId", orderId],
      ["reasonCode", reasonCode],
    ]);
  const refund = (lineId: string, amount: string, reasonCode: string) =>
    post([
      ["intent", "refund-line"],
      ["lineId", lineId],
      ["amount", amount],
      ["reasonCode", reasonCode],
    ]);
  const shippedOrder = () =>
    sim.control.createOrder({ shopId: SHOP_ID, state: "SHIPPED", lines: [{ offer_sku: "TENT-2S-2P", quantity: 1 }] })
      .id;

  it("offers the marketplace's refund and cancelation reasons", async () => {
    const page = await (await get()).json();
    expect(page.reasons.refund.map((reason: { code: string }) => reason.code)).toEqual(["15", "16", "17", "18"]);
    expect(page.reasons.cancelation).toEqual([
      { code: "34", label: "Cancelled by the client prior to shipping" },
      { code: "35", label: "Cancelled by customer service" },
    ]);
  });

  it("cancels an order as the operator, with a reason: the units go back and the page says why", async () => {
    const { orderId } = await (await order({ "TENT-2S-2P": "2" })).json();
    expect((await (await get()).json()).orders[0]).toMatchObject({ orderId, operatorCanCancel: true });
    const response = await cancel(orderId, "35");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, intent: "cancel-order" });
    expect(sim.control.order(orderId, SHOP_ID)).toMatchObject({
      order_state: "CANCELED",
      order_state_reason_code: "35",
      order_lines: [{ cancelations: [{ quantity: 2, reason_code: "35" }] }],
    });
    const page = await (await get()).json();
    expect(page.orders[0]).toMatchObject({
      state: "CANCELED",
      stateReason: "Cancelled by customer service",
      operatorCanCancel: false,
      lines: [{ state: "CANCELED", canceledUnits: 2 }],
    });
    expect(page.offers[0]).toMatchObject({ sku: "TENT-2S-2P", quantity: 5 });
  });

  it("says why it cannot cancel: unknown order, a reason that is not a cancelation one, a shipped order", async () => {
    const { orderId } = await (await order({ "TENT-2S-2P": "1" })).json();
    const shipped = shippedOrder();
    const refusals: [Response, RegExp][] = [
      [await cancel("NOPE-A", "35"), /not among the recent orders/],
      [await cancel(orderId, "17"), /Pick a cancelation reason/],
      [await cancel(shipped, "35"), /The marketplace refused: .*cannot be canceled in state SHIPPED/],
    ];
    for (const [response, message] of refusals) {
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(message);
    }
    expect(sim.control.order(orderId, SHOP_ID)!.order_state).toBe("WAITING_ACCEPTANCE");
  });

  it("refunds part of a shipped line as customer service: waiting for the payment provider, then refunded", async () => {
    const orderId = shippedOrder();
    const lineId = `${orderId}-1`;
    expect((await (await get()).json()).orders[0].lines[0]).toMatchObject({
      lineId,
      refundable: "119.00",
      refunds: [],
    });
    const response = await refund(lineId, "20,50", "17");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, intent: "refund-line" });
    expect(sim.control.order(orderId, SHOP_ID)!.order_lines[0]!.refunds).toEqual([
      expect.objectContaining({ amount: 20.5, shipping_amount: 0, reason_code: "17", refund_state: "WAITING_REFUND" }),
    ]);
    const line = () => get().then(async (page) => (await page.json()).orders[0].lines[0]);
    expect(await line()).toMatchObject({
      refundable: "98.50",
      refunds: [{ amount: "20.50", shipping: "0.00", reasonCode: "17", state: "WAITING_REFUND", by: "marketplace" }],
    });
    sim.control.advanceClock(sim.control.timings().refundDelayMs);
    expect((await line()).refunds[0].state).toBe("REFUNDED");
  });

  it("says why it cannot refund: the amount, what is left, the reason, a line not yet shipped", async () => {
    const lineId = `${shippedOrder()}-1`;
    const { orderId: waiting } = await (await order({ "KIP-TR-42": "1" })).json();
    const refusals: [Response, RegExp][] = [
      [await refund(lineId, "abc", "17"), /"abc" is not an amount above 0/],
      [await refund(lineId, "0", "17"), /not an amount above 0/],
      [await refund(lineId, "1.005", "17"), /at most 2 decimals/],
      [await refund(lineId, "119.01", "17"), /At most 119.00 EUR is left to refund/],
      [await refund(lineId, "10", "35"), /Pick a refund reason/],
      [await refund(`${waiting}-1`, "10", "17"), /cannot be refunded now \(WAITING_ACCEPTANCE\)/],
      [await refund("NOPE-A-1", "10", "17"), /not among the recent orders/],
    ];
    for (const [response, message] of refusals) {
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(message);
    }
    expect(sim.control.orders(SHOP_ID).flatMap((o) => o.order_lines.flatMap((l) => l.refunds))).toEqual([]);
  });
});
