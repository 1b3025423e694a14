import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { forgetRefundReasons } from "~/connections/refund-reasons.server";
import { refundStateLabel, reversalsOf, waitsForReason } from "~/routes/app.orders.$id/order-page.server";
import { action, loader } from "~/routes/app.orders.$id/route";
import { embeddedRequest, installShop, settle } from "../helpers/app";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";
import { MARKETPLACE_REASONS } from "../simulators/mirakl/fixtures";

/** The Order page's "Refunds and cancellations": Mirakl's per line, the app's exchanges, and choosing a reason. */

let sim: RunningMiraklSimulator;
let testCount = 0;
let shop: string;
let connectionId: string;
let orderId: string;

const NO_REASON = "No refund reason: the marketplace needs one with every refund";

/** An OR11 order with one line refunded twice (by the app, then by customer service) and one cancelled. */
const payload = (miraklOrderId: string) => ({
  order_id: miraklOrderId,
  order_lines: [
    {
      order_line_id: `${miraklOrderId}-1`,
      refunds: [
        {
          id: "9001",
          amount: 10,
          shipping_amount: 2.5,
          quantity: 1,
          reason_code: "16",
          refund_state: "REFUNDED",
          created_date: "2026-12-01T10:00:00Z",
          taxes: [{ code: "VAT", amount: 1.67 }],
          shipping_taxes: [{ code: "VAT", amount: 0.42 }],
        },
        {
          id: "9002",
          amount: "5.5",
          shipping_amount: 0,
          reason_code: "18",
          refund_state: "WAITING_REFUND",
          created_date: "2026-12-02T10:00:00Z",
          taxes: [],
          shipping_taxes: [],
        },
        { amount: 1, reason_code: "18" }, // no id: unreadable, left out
      ],
      cancelations: [],
    },
    {
      order_line_id: `${miraklOrderId}-2`,
      refunds: [],
      cancelations: [
        {
          id: "7001",
          amount: 20,
          shipping_amount: 0,
          quantity: 2,
          reason_code: "35",
          created_date: "2026-11-30T09:00:00Z",
          taxes: [{ code: "VAT", amount: 3.33 }],
        },
      ],
    },
    { order_line_id: `${miraklOrderId}-3` },
  ],
});

async function seedOrder(miraklOrderId: string) {
  const created = new Date("2026-11-29T08:00:00Z");
  const order = await prisma.marketplaceOrder.create({
    data: {
      shop,
      connectionId,
      miraklOrderId,
      state: "SHIPPED",
      currency: "EUR",
      price: "60",
      shippingPrice: "5",
      totalPrice: "65",
      createdOnMiraklAt: created,
      updatedOnMiraklAt: created,
      acceptance: "SENT",
      payload: payload(miraklOrderId),
      payloadHash: miraklOrderId,
      lines: {
        create: [1, 2, 3].map((i) => ({
          shop,
          connectionId,
          lineId: `${miraklOrderId}-${i}`,
          lineIndex: i,
          offerSku: `SKU-${i}`,
          productTitle: i === 1 ? "Tent" : null,
          quantity: 2,
          state: "SHIPPED",
          unitPrice: "10",
          price: "20",
          shippingPrice: "0",
          totalPrice: "20",
        })),
      },
    },
  });
  return order.id;
}

const refundRow = (data: {
  direction: "TO_MIRAKL" | "TO_SHOPIFY";
  sourceKey: string;
  status: string;
  statusReason?: string | null;
  reasonCode?: string | null;
  resultIds?: string[];
  reversalKeys?: string[];
  amount?: string;
  createdAt?: Date;
  kind?: "REFUND" | "ORDER_CANCEL";
  request?: object;
}) =>
  prisma.marketplaceRefund.create({
    data: { shop, connectionId, orderId, currency: "EUR", ...data },
  });

const load = async (asShop = shop, id = orderId) =>
  settle(loader({ request: await embeddedRequest(asShop, `/app/orders/${id}`), params: { id }, context: {} }));

const post = async (form: Record<string, string>, asShop = shop, id = orderId) =>
  settle(
    action({
      request: await embeddedRequest(asShop, `/app/orders/${id}`, { method: "POST", form }),
      params: { id },
      context: {},
    }),
  );

beforeAll(async () => {
  sim = await startMiraklSimulator({ port: 0, rateLimits: "off", reasons: MARKETPLACE_REASONS });
});
afterAll(async () => sim?.close());
beforeEach(async () => {
  forgetRefundReasons();
  sim.control.clearFaults();
  shop = `order-refunds-${++testCount}.myshopify.com`;
  await installShop(shop);
  connectionId = (await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single })).id;
  orderId = await seedOrder(`RF-${testCount}`);
});

describe("refunds and cancellations on the Order page", () => {
  it("lists Mirakl's per line with money, reason, state, date and who made them, then the app's exchanges", async () => {
    await refundRow({
      direction: "TO_MIRAKL",
      sourceKey: "gid://shopify/Refund/1",
      status: "SENT",
      reasonCode: "16",
      resultIds: ["9001"],
      amount: "14.59",
      createdAt: new Date("2026-12-01T09:59:00Z"),
    });
    await refundRow({
      direction: "TO_SHOPIFY",
      sourceKey: "mirakl-refunds-9002",
      status: "SENT",
      reversalKeys: ["refund:9002"],
      resultIds: ["gid://shopify/Refund/2"],
      amount: "5.5",
      createdAt: new Date("2026-12-02T10:01:00Z"),
    });
    // The page does not wait on Mirakl for labels: the reasons it starts reading name the codes on a later load.
    const firstReason = async () => (await (await load()).json()).refunds.marketplace[0].reversals[0].reason;
    await expect.poll(firstReason).toBe("Damaged item (16)");
    const page = await (await load()).json();
    expect(page.refunds.marketplace).toEqual([
      {
        lineId: `RF-${testCount}-1`,
        name: "Tent",
        reversals: [
          {
            key: "refund:9001",
            kind: "refund",
            id: "9001",
            amount: "10",
            shippingAmount: "2.5",
            taxes: "2.09",
            quantity: 1,
            reason: "Damaged item (16)",
            state: "Refunded",
            refunded: true,
            date: "2026-12-01T10:00:00Z",
            by: "Sent by the app",
            shownInShopify: false,
          },
          expect.objectContaining({
            id: "9002",
            amount: "5.5",
            taxes: "0",
            reason: "Commercial gesture (18)",
            state: "Refund pending",
            refunded: false,
            by: "Marketplace",
            shownInShopify: true,
          }),
        ],
      },
      {
        lineId: `RF-${testCount}-2`,
        name: "SKU-2",
        reversals: [
          expect.objectContaining({
            kind: "cancelation",
            id: "7001",
            amount: "20",
            taxes: "3.33",
            quantity: 2,
            reason: "Cancelled by customer service (35)",
            state: "Cancelled",
            by: "Marketplace",
          }),
        ],
      },
    ]);
    expect(page.refunds.exchanges).toEqual([
      expect.objectContaining({
        direction: "Shopify → Mirakl",
        status: "SENT",
        reason: "Damaged item (16)",
        amount: "14.59",
        currency: "EUR",
        waitsForReason: false,
        reasonChoices: null,
      }),
      expect.objectContaining({ direction: "Mirakl → Shopify", status: "SENT", reason: null, amount: "5.5" }),
    ]);
    expect(page.refunds.reasonsProblem).toBeNull();
  });

  it("shows reason codes without labels when Mirakl cannot be read, and the page still renders", async () => {
    sim.control.setFaults({ errorRate: 1, operations: ["RE01"] });
    const response = await load();
    expect(response.status).toBe(200);
    const page = await response.json();
    expect(page.refunds.marketplace[0].reversals[0].reason).toBe("16");
    expect(page.refunds.reasonsProblem).toBeNull();
  });

  it("offers the shop's refund reasons for a refund blocked for want of one, and sends it with the one chosen", async () => {
    const blocked = await refundRow({
      direction: "TO_MIRAKL",
      sourceKey: "gid://shopify/Refund/3",
      status: "BLOCKED",
      statusReason: NO_REASON,
      amount: "12",
    });
    const page = await (await load()).json();
    expect(page.refunds.exchanges[0]).toMatchObject({
      id: blocked.id,
      status: "BLOCKED",
      statusReason: NO_REASON,
      waitsForReason: true,
      reasonChoices: [
        { code: "15", label: "Out of stock" },
        { code: "16", label: "Damaged item" },
      ],
    });

    // A reason only customer service may use is refused; so is another shop's post.
    let response = await post({ intent: "refund-reason", refundId: blocked.id, code: "18" });
    expect(response.status).toBe(400);
    expect((await response.json()).problem).toMatch(/does not offer this refund reason/);
    const other = "order-refunds-other.myshopify.com";
    await installShop(other);
    expect((await post({ intent: "refund-reason", refundId: blocked.id, code: "15" }, other)).status).toBe(404);
    expect(await prisma.marketplaceRefund.findUniqueOrThrow({ where: { id: blocked.id } })).toMatchObject({
      status: "BLOCKED",
      reasonCode: null,
    });

    response = await post({ intent: "refund-reason", refundId: blocked.id, code: "15" });
    expect(response.status).toBe(302);
    expect(await prisma.marketplaceRefund.findUniqueOrThrow({ where: { id: blocked.id } })).toMatchObject({
      status: "PENDING",
      statusReason: null,
      reasonCode: "15",
    });
    // Chosen once: it no longer waits.
    response = await post({ intent: "refund-reason", refundId: blocked.id, code: "16" });
    expect(response.status).toBe(409);
  });

  it("offers cancellation reasons to a Shopify cancellation that waits for one, and refuses a refund reason for it", async () => {
    const blocked = await refundRow({
      direction: "TO_MIRAKL",
      kind: "ORDER_CANCEL",
      sourceKey: "order-cancel:gid://shopify/Order/9",
      status: "BLOCKED",
      statusReason: "No cancellation reason: the marketplace needs one to cancel lines",
      request: { reasonType: "CANCELATION" },
    });
    const page = await (await load()).json();
    expect(page.refunds.exchanges[0]).toMatchObject({
      id: blocked.id,
      what: "Order cancelled",
      waitsForReason: true,
      reasonChoices: [{ code: "34", label: "Cancelled by the client prior to shipping" }],
    });
    const refused = await post({ intent: "refund-reason", refundId: blocked.id, code: "15" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).problem).toMatch(/does not offer this cancellation reason/);
    expect((await post({ intent: "refund-reason", refundId: blocked.id, code: "34" })).status).toBe(302);
    expect(await prisma.marketplaceRefund.findUniqueOrThrow({ where: { id: blocked.id } })).toMatchObject({
      status: "PENDING",
      reasonCode: "34",
    });
  });

  it("says why no reason can be chosen when Mirakl cannot be read", async () => {
    sim.control.setFaults({ errorRate: 1, operations: ["RE01"] });
    await refundRow({
      direction: "TO_MIRAKL",
      sourceKey: "gid://shopify/Refund/4",
      status: "BLOCKED",
      statusReason: NO_REASON,
    });
    const page = await (await load()).json();
    expect(page.refunds.exchanges[0]).toMatchObject({ waitsForReason: true, reasonChoices: null });
    expect(page.refunds.reasonsProblem).toBe("Mirakl could not be reached for its reasons: try again in a minute.");
  });

  it("an order with neither has nothing to show and reads no reasons", async () => {
    await prisma.marketplaceOrder.update({ where: { id: orderId }, data: { payload: {} } });
    sim.control.clearCalls();
    const page = await (await load()).json();
    expect(page.refunds).toEqual({ marketplace: [], exchanges: [], reasonsProblem: null });
    expect(sim.control.calls("RE01")).toHaveLength(0);
  });
});

describe("refund view helpers", () => {
  it("names Mirakl's refund states", () => {
    expect(refundStateLabel("WAITING_REFUND")).toBe("Refund pending");
    expect(refundStateLabel("WAITING_REFUND_PAYMENT")).toBe("Refund pending");
    expect(refundStateLabel("REFUNDED")).toBe("Refunded");
    expect(refundStateLabel(null)).toBeNull();
  });

  it("offers a reason for a refund to Mirakl blocked for want of one, or refused by Mirakl", () => {
    expect(waitsForReason({ direction: "TO_MIRAKL", status: "BLOCKED", reasonCode: null })).toBe(true);
    expect(waitsForReason({ direction: "TO_MIRAKL", status: "FAILED", reasonCode: "16" })).toBe(true);
    expect(waitsForReason({ direction: "TO_MIRAKL", status: "BLOCKED", reasonCode: "16" })).toBe(false);
    expect(waitsForReason({ direction: "TO_MIRAKL", status: "SENT", reasonCode: "16" })).toBe(false);
    expect(waitsForReason({ direction: "TO_SHOPIFY", status: "BLOCKED", reasonCode: null })).toBe(false);
  });

  it("reads nothing from a payload without lines", () => {
    expect(reversalsOf({})).toEqual([]);
    expect(reversalsOf(null)).toEqual([]);
  });
});
