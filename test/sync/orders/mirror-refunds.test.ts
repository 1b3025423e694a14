import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { forgetRefundReasons, refundReasonsFor } from "~/connections/refund-reasons.server";
import type { MiraklClient } from "~/integrations/mirakl";
import { storeOrders } from "~/sync/orders/mirror.server";
import { MARKETPLACE_REASONS, startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * The order mirror tells refunds on the order's timeline (issue 13): each with its money, reason and who made it
 * (the app's own OR28, known by the ids Mirakl answered or by its stored intent, vs the operator's), and each
 * refund_state move; a read that changed nothing adds nothing.
 */

let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
const now = () => new Date(sim.control.now());

/** Reads the order by id from the simulator and stores it in the mirror; returns the timeline added by the read. */
async function read(miraklOrderId: string) {
  const stored = await prisma.marketplaceOrder.findFirst({ where: { shop, miraklOrderId }, select: { id: true } });
  const since = stored ? await prisma.marketplaceOrderEvent.count({ where: { shop, orderId: stored.id } }) : 0;
  await storeOrders(connection, await mirakl.getOrdersByIds([miraklOrderId]), now());
  const order = await prisma.marketplaceOrder.findFirstOrThrow({
    where: { shop, miraklOrderId },
    include: { events: { orderBy: { seq: "asc" } } },
  });
  return { order, added: order.events.slice(since) };
}

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `mirror-refunds-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0, reasons: MARKETPLACE_REASONS });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 10, price: 40 });
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  mirakl = simulatorClient(sim, connection.id);
});
afterEach(async () => {
  forgetRefundReasons();
  await sim?.close();
});

describe("refunds on the mirrored order's timeline", () => {
  it("the app's refunds and the operator's, with their money and who made them; then their state moves; then nothing", async () => {
    const id = sim.control.createOrder({
      state: "SHIPPED",
      lines: [{ offer_sku: "TENT", quantity: 3, price_unit: 40, tax_rate: 20 }],
    }).id;
    const { order } = await read(id);
    sim.control.advanceClock(60_000);

    // The app's OR28, its answer recorded (TO_MIRAKL exchange with the ids Mirakl gave).
    const answered = await mirakl.refundOrderLines(
      [
        {
          order_line_id: `${id}-1`,
          amount: "40",
          shipping_amount: "0",
          quantity: 1,
          reason_code: "15",
          currency_iso_code: "USD",
          taxes: [{ code: "TAXDEFAULT", amount: "8" }],
          shipping_taxes: [],
        },
      ],
      { orderTaxMode: "TAX_EXCLUDED" },
    );
    const answeredId = answered.refunds[0]!.refund_id;
    const intentAt = now().toISOString();
    await prisma.marketplaceRefund.create({
      data: {
        shop,
        connectionId: connection.id,
        orderId: order.id,
        direction: "TO_MIRAKL",
        sourceKey: "gid://shopify/Refund/1",
        status: "SENT",
        resultIds: [answeredId],
        request: {
          intents: [
            {
              kind: "refund",
              lineId: `${id}-1`,
              amount: "40",
              shippingAmount: "0",
              reasonCode: "15",
              createdAt: intentAt,
              recordedIds: [],
            },
          ],
        },
      },
    });
    // Another OR28 of the app whose answer was lost: recognised by its intent (line, amounts, reason, after it).
    await prisma.marketplaceRefund.create({
      data: {
        shop,
        connectionId: connection.id,
        orderId: order.id,
        direction: "TO_MIRAKL",
        sourceKey: "gid://shopify/Refund/2",
        status: "SENDING",
        request: {
          intents: [
            {
              kind: "refund",
              lineId: `${id}-1`,
              amount: "20",
              shippingAmount: "0",
              reasonCode: "15",
              createdAt: intentAt,
              recordedIds: [],
            },
          ],
        },
      },
    });
    const lost = await mirakl.refundOrderLines(
      [
        {
          order_line_id: `${id}-1`,
          amount: "20",
          shipping_amount: "0",
          quantity: 0,
          reason_code: "15",
          currency_iso_code: "USD",
          taxes: [{ code: "TAXDEFAULT", amount: "4" }],
          shipping_taxes: [],
        },
      ],
      { orderTaxMode: "TAX_EXCLUDED" },
    );
    const lostId = lost.refunds[0]!.refund_id;
    // The operator's refund; another shop claiming its id changes nothing (every query is scoped by shop).
    const operator = sim.control.refundLine({ order_line_id: `${id}-1`, amount: 10, reason_code: "17" });
    await prisma.marketplaceRefund.create({
      data: {
        shop: "someone-else.myshopify.com",
        connectionId: connection.id,
        orderId: order.id,
        direction: "TO_MIRAKL",
        sourceKey: "gid://shopify/Refund/3",
        status: "SENT",
        resultIds: [operator.refund_id],
      },
    });

    // A page read the marketplace's reasons (RE01) earlier: the mirror names them from memory, asking Mirakl nothing.
    expect((await refundReasonsFor(shop, connection.id)).ok).toBe(true);
    sim.control.clearCalls();
    const refunded = await read(id);
    expect(sim.control.calls().map((c) => c.operation)).toEqual(["OR11"]);
    expect(refunded.added.map((e) => [e.actor, e.kind, (e.detail as { refundId: string }).refundId])).toEqual([
      ["APP", "refunded", answeredId],
      ["APP", "refunded", lostId],
      ["MIRAKL", "refunded", operator.refund_id],
    ]);
    expect(refunded.added.map((e) => e.message)).toEqual([
      `Line ${id}-1 (TENT): refund ${answeredId} of 40.00 USD (taxes 8.00 USD on top), 1 unit, reason Out of stock (15); 48.00 USD back to the customer; sent by this app; state WAITING_REFUND`,
      `Line ${id}-1 (TENT): refund ${lostId} of 20.00 USD (taxes 4.00 USD on top), no unit, reason Out of stock (15); 24.00 USD back to the customer; sent by this app; state WAITING_REFUND`,
      `Line ${id}-1 (TENT): refund ${operator.refund_id} of 10.00 USD (taxes 2.00 USD on top), no unit, reason Item returned by the customer (17); 12.00 USD back to the customer; made on the marketplace; state WAITING_REFUND`,
    ]);
    expect(refunded.order.refundsDirty).toBe(true);

    // The marketplace's payment provider pays: one state move per refund, told once.
    sim.control.advanceClock(sim.control.timings().refundDelayMs);
    const paid = await read(id);
    expect(paid.added.map((e) => `${e.actor} ${e.kind} ${(e.detail as { to: string }).to}`)).toEqual([
      "MIRAKL refund-state REFUNDED",
      "MIRAKL refund-state REFUNDED",
      "MIRAKL refund-state REFUNDED",
    ]);
    expect(paid.added[2]!.message).toBe(
      `Refund ${operator.refund_id} on line ${id}-1 (TENT): WAITING_REFUND → REFUNDED (12.00 USD back to the customer)`,
    );
    expect((await read(id)).added).toEqual([]);
  });
});
