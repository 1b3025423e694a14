import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerDemoShopify, type DemoShopifyOrder, type DemoShopifyStore } from "~/demo/demo-shopify.server";
import { action, loader } from "~/routes/app.demo.shopify";
import { createDemoShopify, DEMO_PRODUCTS, demoMiraklOffers } from "../../scripts/demo-shopify";

const registry = globalThis as unknown as {
  __miraklBridgeDemoShopify?: DemoShopifyStore;
  __miraklBridgeDemoLoopback?: boolean;
};
const shop = "mirakl-bridge-demo.myshopify.com";
const secret = "demo-test-secret";

/** What the route answers (a thrown Response counts as the answer, as Remix treats it). */
async function answer(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
const get = (host: string) =>
  answer(() => loader({ request: new Request(`http://${host}/app/demo/shopify`), params: {}, context: {} }));
const post = (host: string, form: Record<string, string>) =>
  answer(() =>
    action({
      request: new Request(`http://${host}/app/demo/shopify`, { method: "POST", body: new URLSearchParams(form) }),
      params: {},
      context: {},
    }),
  );

// A Shopify that only tells its caller what it was asked: enough to see what the page does with a request.
const asked: unknown[] = [];
const listedOrder: DemoShopifyOrder = {
  id: "gid://shopify/Order/1",
  name: "#1001",
  sourceName: "mirakl",
  sourceIdentifier: "MKP-1-A",
  createdAt: "2026-07-10T12:00:00.000Z",
  financialStatus: "PAID",
  fulfillmentStatus: "UNFULFILLED",
  total: { amount: "89.99", currencyCode: "EUR" },
  lines: [
    {
      id: "gid://shopify/LineItem/1",
      sku: "SKU-1",
      title: "Shoe",
      quantity: 1,
      unitPrice: "89.99",
      toFulfil: 1,
      refundable: 1,
    },
  ],
  shippingRefundable: "0.00",
  cancelledAt: null,
  cancelReason: null,
  refunds: [],
  tags: ["mirakl"],
  receiptSent: false,
  fulfillments: [],
};
const recordingStore: DemoShopifyStore = {
  shop,
  locations: () => [{ id: "gid://shopify/Location/1", name: "Warehouse", isPrimary: true }],
  variants: () => [],
  orders: () => [listedOrder],
  setAvailable: async (input) => {
    asked.push(input);
    return {
      sku: "SKU-1",
      locationName: "Warehouse",
      availableBefore: 4,
      availableAfter: input.available,
      webhookStatus: 200,
    };
  },
  sell: async (input) => {
    asked.push(input);
    return {
      sku: "SKU-1",
      locationName: "Warehouse",
      availableBefore: 4,
      availableAfter: 4 - input.quantity,
      orderName: "#1001",
      webhookStatus: 401,
    };
  },
  fulfil: () => Promise.reject(new Error("not asked")),
  updateTracking: () => Promise.reject(new Error("not asked")),
  cancelFulfillment: () => Promise.reject(new Error("not asked")),
  refund: () => Promise.reject(new Error("not asked")),
  cancelOrder: () => Promise.reject(new Error("not asked")),
};

describe("the demo Shopify page exists only in the loopback demo", () => {
  afterEach(() => {
    registry.__miraklBridgeDemoShopify = undefined;
    registry.__miraklBridgeDemoLoopback = undefined;
    process.env.MIRAKL_BRIDGE_DEMO = "0";
    asked.length = 0;
  });

  it("answers 404 without the demo's Shopify, outside demo mode, or on a non-loopback host", async () => {
    process.env.MIRAKL_BRIDGE_DEMO = "1";
    registry.__miraklBridgeDemoLoopback = true;
    expect((await get("127.0.0.1:3456")).status).toBe(404); // no store registered: a production build has none

    registerDemoShopify(recordingStore);
    process.env.MIRAKL_BRIDGE_DEMO = "0";
    expect((await get("127.0.0.1:3456")).status).toBe(404);
    expect(
      (await post("127.0.0.1:3456", { intent: "set", variantId: "v", locationId: "l", available: "3" })).status,
    ).toBe(404);

    process.env.MIRAKL_BRIDGE_DEMO = "1";
    expect((await get("shop.example.com")).status).toBe(404);
    registry.__miraklBridgeDemoLoopback = undefined;
    expect((await get("127.0.0.1:3456")).status).toBe(404);
    expect(asked).toEqual([]);
  });

  it("in the demo: lists the store, parses changes, and says when the app refused Shopify's webhook", async () => {
    process.env.MIRAKL_BRIDGE_DEMO = "1";
    registry.__miraklBridgeDemoLoopback = true;
    registerDemoShopify(recordingStore);
    expect(await (await get("127.0.0.1:3456")).json()).toMatchObject({
      shop,
      locations: [{ name: "Warehouse" }],
      orders: [listedOrder],
    });

    const refused = await (
      await post("127.0.0.1:3456", { intent: "set", variantId: "v", locationId: "l", available: "-1" })
    ).json();
    expect(refused).toMatchObject({ ok: false });
    expect(asked).toEqual([]);

    expect(
      await (await post("127.0.0.1:3456", { intent: "set", variantId: "v", locationId: "l", available: "12" })).json(),
    ).toEqual({
      ok: true,
      message: "SKU-1 at Warehouse: available 4 → 12. Shopify sent inventory_levels/update and the app accepted it.",
    });
    const sold = await (await post("127.0.0.1:3456", { intent: "sell", variantId: "v", quantity: "3" })).json();
    expect(sold).toEqual({
      ok: false,
      error:
        "Order #1001: SKU-1 at Warehouse: available 4 → 1. Shopify sent inventory_levels/update but the app answered 401.",
    });
    expect(asked).toEqual([
      { intent: "set", variantId: "v", locationId: "l", available: 12 },
      { intent: "sell", variantId: "v", quantity: 3 },
    ]);
  });
});

describe("the demo's Shopify (scripts/demo-shopify.ts)", () => {
  const received: { headers: Record<string, string | string[] | undefined>; body: string; path: string }[] = [];
  let server: Server;
  let appUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ headers: req.headers, body, path: req.url ?? "" });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("seeds two locations, a draft, an untracked variant, and offers for most SKUs plus one without a variant", () => {
    const { fake, warehouse, retail } = createDemoShopify({ shop, apiKey: "key", apiSecret: secret });
    expect([...fake.store.locations.values()].map((l) => l.name)).toEqual(["Warehouse Lyon", "Retail shop Paris"]);
    expect(warehouse.isPrimary && !retail.isPrimary).toBe(true);
    const variants = [...fake.store.variants.values()];
    expect(variants).toHaveLength(DEMO_PRODUCTS.flatMap((p) => p.variants).length);
    expect([...fake.store.products.values()].filter((p) => p.status === "DRAFT")).toHaveLength(1);
    expect([...fake.store.inventoryItems.values()].filter((i) => !i.tracked)).toHaveLength(1);
    const offerSkus = new Set(demoMiraklOffers().map((o) => o.shop_sku));
    const shopifySkus = new Set(variants.map((v) => v.sku));
    expect([...shopifySkus].filter((sku) => !offerSkus.has(sku!)).length).toBeGreaterThan(0);
    expect([...offerSkus].filter((sku) => !shopifySkus.has(sku))).toEqual(["STOVE-CMP-OLD"]);
  });

  it("issues the offline token it accepts, and refuses any other", async () => {
    const demo = createDemoShopify({ shop, apiKey: "key", apiSecret: secret });
    const { accessToken } = await demo.issueOfflineToken();
    const query = JSON.stringify({ query: "query Shop { shop { name } }" });
    const ask = (token: string) =>
      demo.fake.fetch(`https://${shop}/admin/api/2026-07/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
        body: query,
      });
    expect((await ask(accessToken)).status).toBe(200);
    expect((await ask("a-token-from-an-earlier-run")).status).toBe(401);
  });

  it("sets stock and sells, each followed by a signed inventory_levels/update to the app", async () => {
    const demo = createDemoShopify({ shop, apiKey: "key", apiSecret: secret });
    const store = demo.store(appUrl);
    const tent = store.variants().find((v) => v.sku === "TENT-2S-2P")!;

    const set = await store.setAvailable({ variantId: tent.variantId, locationId: demo.retail.id, available: 9 });
    expect(set).toMatchObject({
      sku: "TENT-2S-2P",
      locationName: "Retail shop Paris",
      availableBefore: 1,
      availableAfter: 9,
      webhookStatus: 200,
    });
    const sold = await store.sell({ variantId: tent.variantId, quantity: 3 });
    expect(sold).toMatchObject({
      locationName: "Warehouse Lyon",
      availableBefore: 14,
      availableAfter: 11,
      orderName: "#1001",
      webhookStatus: 200,
    });
    expect(demo.fake.store.levelOf(tent.inventoryItemId, demo.warehouse.id)!.quantities).toMatchObject({
      available: 11,
      committed: 3,
    });
    await expect(store.sell({ variantId: tent.variantId, quantity: 50 })).rejects.toThrow(
      /Unable to reserve inventory/,
    );

    expect(received).toHaveLength(2);
    for (const delivery of received) {
      expect(delivery.path).toBe("/webhooks/inventory_levels/update");
      expect(delivery.headers["x-shopify-topic"]).toBe("inventory_levels/update");
      expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(
        createHmac("sha256", secret).update(delivery.body).digest("base64"),
      );
    }
    expect(JSON.parse(received[0]!.body)).toMatchObject({ available: 9 });
    expect(JSON.parse(received[1]!.body)).toMatchObject({ available: 11 });
  });

  it("lists the shop's orders newest first: the app's Mirakl orders and the online store's, as the page shows them", async () => {
    let now = Date.parse("2026-07-10T12:00:00Z");
    const demo = createDemoShopify({ shop, apiKey: "key", apiSecret: secret, now: () => now });
    const store = demo.store(appUrl);
    expect(store.orders()).toEqual([]);
    // A development store's order rules, as the app meets them in the demo.
    expect(demo.fake.searchLagMs).toBe(5000);
    expect(demo.fake.orderCreatePerMinute).toBe(5);

    const tent = store.variants().find((v) => v.sku === "TENT-2S-2P")!;
    await store.sell({ variantId: tent.variantId, quantity: 1 });
    now += 60_000;
    // What the app sends for a paid Mirakl order: through the Admin API, no receipt to the buyer.
    const response = await demo.fake.admin().graphql(
      `mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
        orderCreate(order: $order, options: $options) { order { id } userErrors { message } }
      }`,
      {
        variables: {
          order: {
            sourceName: "mirakl",
            sourceIdentifier: "MKP-2001-A",
            tags: ["mirakl", "decathlon"],
            financialStatus: "PAID",
            lineItems: [
              {
                variantId: tent.variantId,
                quantity: 2,
                priceSet: { shopMoney: { amount: "119.00", currencyCode: "EUR" } },
              },
            ],
            shippingLines: [{ title: "Standard", priceSet: { shopMoney: { amount: "5.90", currencyCode: "EUR" } } }],
          },
          options: {
            inventoryBehaviour: "DECREMENT_OBEYING_POLICY",
            sendReceipt: false,
            sendFulfillmentReceipt: false,
          },
        },
      },
    );
    expect((await response.json()).data.orderCreate.userErrors).toEqual([]);

    expect(store.orders()).toEqual([
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/Order\//),
        name: "#1002",
        sourceName: "mirakl",
        sourceIdentifier: "MKP-2001-A",
        createdAt: "2026-07-10T12:01:00.000Z",
        financialStatus: "PAID",
        fulfillmentStatus: "UNFULFILLED",
        total: { amount: "243.90", currencyCode: "EUR" },
        lines: [
          {
            id: expect.stringMatching(/^gid:\/\/shopify\/LineItem\//),
            sku: "TENT-2S-2P",
            title: "2 Seconds Easy tent, 2 person",
            quantity: 2,
            unitPrice: "119.00",
            toFulfil: 2,
            refundable: 2,
          },
        ],
        shippingRefundable: "5.90",
        cancelledAt: null,
        cancelReason: null,
        refunds: [],
        tags: ["decathlon", "mirakl"],
        receiptSent: false,
        fulfillments: [],
      },
      expect.objectContaining({
        name: "#1001",
        sourceName: "web",
        sourceIdentifier: null,
        total: { amount: "119.00", currencyCode: "EUR" },
        receiptSent: true,
      }),
    ]);
  });
});
