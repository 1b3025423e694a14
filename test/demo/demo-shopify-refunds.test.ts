import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { DEMO_SHOP } from "~/auth.server";
import { REFUND_LINE_FIELD_PREFIX } from "~/demo/demo-refund-form";
import {
  registerDemoShopify,
  type DemoOrderChange,
  type DemoShopifyOrder,
  type DemoShopifyStore,
} from "~/demo/demo-shopify.server";
import { action as ordersCancelledRoute } from "~/routes/webhooks.orders.cancelled";
import { action as refundsCreateRoute } from "~/routes/webhooks.refunds.create";
import { createDemoShopify } from "../../scripts/demo-shopify";
import { installShop, settle } from "../helpers/app";
import { demoRegistry, demoShopifyPage } from "../helpers/demo-shopify";
import { createOrder } from "../shopify-fake";

const registry = demoRegistry;
const { post, load } = demoShopifyPage<DemoShopifyOrder>();

beforeEach(() => {
  process.env.MIRAKL_BRIDGE_DEMO = "1";
  registry.__miraklBridgeDemoLoopback = true;
});
afterEach(() => {
  registry.__miraklBridgeDemoShopify = undefined;
  registry.__miraklBridgeDemoLoopback = undefined;
  process.env.MIRAKL_BRIDGE_DEMO = "0";
});

describe("the demo Shopify page's refund and cancel actions (what the page asks the store)", () => {
  const asked: unknown[] = [];
  let answer: DemoOrderChange;
  const change = async (input: unknown) => {
    asked.push(input);
    return answer;
  };
  const notAsked = () => Promise.reject(new Error("not asked"));
  const store: DemoShopifyStore = {
    shop: DEMO_SHOP,
    locations: () => [],
    variants: () => [],
    orders: () => [],
    setAvailable: notAsked,
    sell: notAsked,
    fulfil: notAsked,
    updateTracking: notAsked,
    cancelFulfillment: notAsked,
    refund: change,
    cancelOrder: change,
  };
  beforeEach(() => {
    asked.length = 0;
    answer = {
      orderName: "#1001",
      summary: "refund of 2 units, 180.00 EUR, restocked",
      webhooks: [{ topic: "refunds/create", outcome: { status: 200 } }],
    };
    registerDemoShopify(store);
  });

  it("refunds the lines given a positive quantity, with the shipping, restock and note chosen", async () => {
    expect(
      await post({
        intent: "refund",
        orderId: "gid://shopify/Order/1",
        refundShipping: "yes",
        restock: "no",
        note: " Damaged ",
        [`${REFUND_LINE_FIELD_PREFIX}gid://shopify/LineItem/1`]: "2",
        [`${REFUND_LINE_FIELD_PREFIX}gid://shopify/LineItem/2`]: "0",
      }),
    ).toEqual({
      ok: true,
      message:
        "Order #1001: refund of 2 units, 180.00 EUR, restocked. Shopify sent refunds/create and the app accepted it.",
    });
    expect(asked).toEqual([
      {
        intent: "refund",
        orderId: "gid://shopify/Order/1",
        refundShipping: true,
        restock: false,
        note: "Damaged",
        lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
      },
    ]);
  });

  it("refuses a refund of nothing, a bad quantity or an unknown reason, asking nothing", async () => {
    const base = { intent: "refund", orderId: "o", refundShipping: "no", restock: "yes" };
    expect(await post({ ...base, [`${REFUND_LINE_FIELD_PREFIX}l`]: "0" })).toEqual({
      ok: false,
      error: "Enter at least one unit to refund, or refund the shipping",
    });
    expect(await post({ ...base, [`${REFUND_LINE_FIELD_PREFIX}l`]: "-1" })).toMatchObject({ ok: false });
    expect(
      await post({ intent: "cancelOrder", orderId: "o", reason: "BORED", restock: "yes", refund: "yes" }),
    ).toMatchObject({ ok: false, error: expect.stringContaining("reason") });
    expect(asked).toEqual([]);
  });

  it("cancels with Shopify's reason, and says how the app answered each webhook", async () => {
    answer = {
      orderName: "#1001",
      summary: "cancelled (customer), units restocked, 99.90 EUR refunded",
      webhooks: [
        { topic: "refunds/create", outcome: { status: 200 } },
        { topic: "orders/cancelled", outcome: { error: "fetch failed" } },
      ],
    };
    expect(
      await post({ intent: "cancelOrder", orderId: "o", reason: "CUSTOMER", restock: "yes", refund: "yes" }),
    ).toEqual({
      ok: false,
      error:
        "Order #1001: cancelled (customer), units restocked, 99.90 EUR refunded. Shopify sent refunds/create and the app accepted it. Shopify's orders/cancelled did not reach the app: fetch failed.",
    });
    expect(asked).toEqual([
      { intent: "cancelOrder", orderId: "o", reason: "CUSTOMER", restock: true, refund: true, staffNote: null },
    ]);
  });
});

describe("refunding and cancelling in the demo's Shopify reaches the app's webhook intake", () => {
  beforeAll(async () => {
    await installShop(DEMO_SHOP);
  });

  function demoStore() {
    const demo = createDemoShopify({
      shop: DEMO_SHOP,
      apiKey: process.env.SHOPIFY_API_KEY!,
      apiSecret: process.env.SHOPIFY_API_SECRET!,
    });
    // The app's real webhook routes, called in-process as the demo's server would; other topics answer 200.
    const routes: Record<string, typeof refundsCreateRoute> = {
      "refunds/create": refundsCreateRoute,
      "orders/cancelled": ordersCancelledRoute,
    };
    const store = demo.store((topic) => (request) => {
      const route = routes[topic];
      return route ? settle(route({ request, params: {}, context: {} })) : Promise.resolve(new Response(null));
    });
    registerDemoShopify(store);
    const tent = [...demo.fake.store.variants.values()].find((v) => v.sku === "TENT-2S-2P")!;
    const lamp = [...demo.fake.store.variants.values()].find((v) => v.sku === "LAMP-HL400")!;
    const total = (2 * Number(tent.price) + Number(lamp.price) + 5.9).toFixed(2);
    const order = createOrder(
      demo.fake.store,
      {
        sourceName: "mirakl",
        sourceIdentifier: "MKP-3001-R",
        taxesIncluded: true,
        lineItems: [
          { variantId: tent.id, quantity: 2 },
          { variantId: lamp.id, quantity: 1 },
        ],
        shippingLines: [{ title: "Standard", priceSet: { shopMoney: { amount: "5.90", currencyCode: "EUR" } } }],
        transactions: [
          {
            kind: "SALE",
            status: "SUCCESS",
            gateway: "mirakl",
            amountSet: { shopMoney: { amount: total, currencyCode: "EUR" } },
          },
        ],
      },
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    ).ok!;
    const tentLevel = () => demo.fake.store.levelOf(tent.inventoryItemId, demo.warehouse.id)!.quantities;
    return { demo, order, tent, total, tentLevel };
  }
  const deliveries = (topic: string) =>
    prisma.webhookDelivery.findMany({ where: { shop: DEMO_SHOP, topic }, orderBy: { receivedAt: "asc" } });

  it("a refund of a unit and the shipping, restocked, is made in Shopify and the app stores the signed refunds/create", async () => {
    const { demo, order, tent, tentLevel } = demoStore();
    const before = (await deliveries("refunds/create")).length;
    const listed = (await load()).orders.find((o) => o.id === order.id)!;
    expect(listed.lines.map((l) => [l.sku, l.refundable])).toEqual([
      ["TENT-2S-2P", 2],
      ["LAMP-HL400", 1],
    ]);
    expect(listed.shippingRefundable).toBe("5.90");
    const committedBefore = tentLevel().committed;

    const result = await post({
      intent: "refund",
      orderId: order.id,
      refundShipping: "yes",
      restock: "yes",
      note: "Buyer changed their mind",
      [`${REFUND_LINE_FIELD_PREFIX}${listed.lines[0]!.id}`]: "1",
    });
    const refunded = (Number(tent.price) + 5.9).toFixed(2);
    expect(result).toEqual({
      ok: true,
      message: `Order ${order.name}: refund of 1 unit and shipping, ${refunded} EUR, restocked. Shopify sent refunds/create and the app accepted it.`,
    });
    // An unfulfilled unit refunded with restock is cancelled: back from committed to available.
    expect(tentLevel().committed).toBe(committedBefore - 1);
    const [refund] = demo.fake.store.orders.get(order.id)!.refunds;
    const stored = (await deliveries("refunds/create")).slice(before);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe("PENDING"); // verified and read as a refund: not rejected at the door
    expect(stored[0]!.payload).toMatchObject({
      admin_graphql_api_id: refund!.id,
      note: "Buyer changed their mind",
      refund_line_items: [expect.objectContaining({ quantity: 1, restock_type: "cancel" })],
      transactions: [expect.objectContaining({ kind: "refund", amount: refunded })],
    });

    const after = (await load()).orders.find((o) => o.id === order.id)!;
    expect(after.financialStatus).toBe("PARTIALLY_REFUNDED");
    expect(after.lines.map((l) => l.refundable)).toEqual([1, 1]);
    expect(after.shippingRefundable).toBe("0.00");
    expect(after.refunds).toEqual([
      {
        id: refund!.id,
        createdAt: expect.any(String),
        note: "Buyer changed their mind",
        amount: refunded,
        shipping: "5.90",
        lines: [{ sku: "TENT-2S-2P", title: expect.any(String), quantity: 1, restockType: "CANCEL" }],
      },
    ]);
  });

  it("a cancel with refund delivers refunds/create then orders/cancelled, which the app stores; a second cancel is refused", async () => {
    const { demo, order, total, tentLevel } = demoStore();
    const refundsBefore = (await deliveries("refunds/create")).length;
    const cancelsBefore = (await deliveries("orders/cancelled")).length;
    const availableBefore = tentLevel().available;

    expect(
      await post({ intent: "cancelOrder", orderId: order.id, reason: "INVENTORY", restock: "yes", refund: "yes" }),
    ).toEqual({
      ok: true,
      message: `Order ${order.name}: cancelled (inventory), units restocked, ${total} EUR refunded. Shopify sent refunds/create and the app accepted it. Shopify sent orders/cancelled and the app accepted it.`,
    });
    expect(tentLevel().available).toBe(availableBefore + 2);
    expect(demo.fake.store.orders.get(order.id)).toMatchObject({
      cancelReason: "INVENTORY",
      financialStatus: "REFUNDED",
    });

    const cancels = (await deliveries("orders/cancelled")).slice(cancelsBefore);
    expect(cancels.map((d) => d.status)).toEqual(["PENDING"]);
    expect(cancels[0]!.payload).toMatchObject({
      admin_graphql_api_id: order.id,
      cancel_reason: "inventory",
      source_identifier: "MKP-3001-R",
    });
    expect((await deliveries("refunds/create")).slice(refundsBefore)).toHaveLength(1);
    const listed = (await load()).orders.find((o) => o.id === order.id)!;
    expect(listed).toMatchObject({ cancelReason: "INVENTORY", cancelledAt: expect.any(String) });

    expect(
      await post({ intent: "cancelOrder", orderId: order.id, reason: "OTHER", restock: "yes", refund: "no" }),
    ).toEqual({ ok: false, error: "Order has already been cancelled" });
    expect(await deliveries("orders/cancelled")).toHaveLength(cancelsBefore + 1);
  });
});
