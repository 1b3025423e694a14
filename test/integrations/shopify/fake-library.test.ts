import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ShopifyAdminClient, shopifyAdminForShop } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import * as ops from "~/integrations/shopify/operations";
import { parseShopifyJson, parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { ShopifyFake } from "../../shopify-fake";
import { createFakeShopifyApp } from "../../shopify-fake/test-app";

/** A clock shared by the fake's bucket and the client's sleep: time passes only when the client waits. */
function sharedClock() {
  const clock = { now: 1_000_000, slept: 0 };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.now += ms;
      clock.slept += ms;
    },
  };
}

const locationVars = { first: 50, includeInactive: false };

describe("throttling through the real library and the fake", () => {
  // Each test starts with its own clock and a full bucket: a burst or drain in one test never throttles another.
  let clock: ReturnType<typeof sharedClock>["clock"];
  let now: () => number;
  let sleep: (ms: number) => Promise<void>;
  let fake: ShopifyFake;
  let app: Awaited<ReturnType<typeof createFakeShopifyApp>>["app"];
  let uninstall: () => void;
  const client = async () =>
    shopifyAdminForShop(fake.defaultShop, app.unauthenticated.admin, {
      now,
      sleep,
      buckets: new CostBuckets(),
      random: () => 0.5,
    });

  beforeEach(async () => {
    ({ clock, now, sleep } = sharedClock());
    fake = new ShopifyFake({ now, bucket: { maximumAvailable: 200, restoreRate: 10 } });
    // 50 locations: a 50-location page really costs about what it requests, so nothing is refunded.
    for (let i = 0; i < 50; i++) fake.store.addLocation({ name: `Location ${i}` });
    ({ app, uninstall } = await createFakeShopifyApp(fake));
  });
  afterEach(() => uninstall());

  it("paces a burst that would overflow the bucket, so Shopify never answers THROTTLED", async () => {
    const admin = await client();
    const before = fake.requests.length;
    const startedAt = clock.now;
    // 12 queries × 52 points = 624 points against a 200-point bucket refilling 10/s.
    for (let i = 0; i < 12; i++) await admin.request(ops.locations, locationVars);
    const sent = fake.requests.slice(before);
    expect(sent.filter((r) => r.throttled)).toHaveLength(0);
    expect(sent).toHaveLength(12);
    // The first request teaches the client the cost; from then on it waits for what does not fit, at 10 points/s.
    expect(clock.now - startedAt).toBeGreaterThanOrEqual(35_000);
    expect(clock.now - startedAt).toBeLessThan(50_000);
  });

  it("retries THROTTLED that the library throws as GraphqlQueryError", async () => {
    const admin = await client();
    const before = fake.requests.length;
    fake.throttleNext(2);
    const { locations } = await admin.request(ops.locations, locationVars);
    expect(locations.nodes).toHaveLength(50);
    expect(fake.requests.slice(before).map((r) => r.throttled)).toEqual([true, true, false]);
  });

  it("waits for the bucket to refill after a THROTTLED caused by someone else's burst", async () => {
    await sleep(60_000); // the bucket is full again
    const admin = await client();
    await admin.request(ops.locations, locationVars); // learns the bucket and this operation's requested cost
    fake.drainBucket();
    const before = fake.requests.length;
    const startedAt = clock.now;
    await admin.request(ops.locations, locationVars);
    expect(fake.requests.slice(before).map((r) => r.throttled)).toEqual([true, false]);
    expect(clock.now - startedAt).toBeGreaterThanOrEqual(5_200); // 52 points at 10/s
  });

  it("retries 429 (Retry-After) and 5xx that the library throws as HTTP errors", async () => {
    const admin = await client();
    const before = fake.requests.length;
    const startedAt = clock.now;
    fake.failNext(429, 1, 4);
    fake.failNext(503, 2);
    await admin.request(ops.locations, locationVars);
    expect(fake.requests.slice(before).map((r) => r.status)).toEqual([429, 503, 503, 200]);
    expect(clock.now - startedAt).toBeGreaterThanOrEqual(4_000);
  });
});

describe("webhooks signed by the fake, verified by the real library", () => {
  // A fresh fake per test: an order or a level change made by one test never shows in another's payloads.
  let fake: ShopifyFake;
  let variants: ReturnType<ShopifyFake["store"]["addProduct"]>["variants"];
  let level: NonNullable<ReturnType<ShopifyFake["store"]["levelOf"]>>;
  let app: Awaited<ReturnType<typeof createFakeShopifyApp>>["app"];
  let uninstall: () => void;
  const receive = async (request: Request) => {
    try {
      const context = await app.authenticate.webhook(request);
      return Response.json({
        topic: context.topic,
        shop: context.shop,
        webhookId: context.webhookId,
        eventId: context.eventId,
        triggeredAt: context.triggeredAt,
        payload: context.payload,
      });
    } catch (response) {
      if (response instanceof Response) return response;
      throw response;
    }
  };

  beforeEach(async () => {
    fake = new ShopifyFake();
    const location = fake.store.addLocation({ name: "Main" });
    ({ variants } = fake.store.addProduct({
      title: "Cap",
      variants: [{ sku: "CAP-1", stock: { [location.id]: { available: 4 } } }],
    }));
    level = fake.store.levelOf(variants[0]!.inventoryItemId, location.id)!;
    ({ app, uninstall } = await createFakeShopifyApp(fake));
  });
  afterEach(() => uninstall());

  it("delivers a signed inventory_levels/update whose payload keeps exact GIDs", async () => {
    const signed = fake.webhooks.sign({
      topic: "inventory_levels/update",
      payload: fake.webhooks.payloads().inventoryLevelUpdate(level),
      eventId: "evt-1",
    });
    // The raw body carries the 64-bit ids as JSON numbers with every digit, like Shopify's.
    const itemNumber = variants[0]!.inventoryItemId.split("/").pop()!;
    expect(signed.body).toContain(`"inventory_item_id":${itemNumber}`);
    expect(Number.isSafeInteger(Number(itemNumber))).toBe(false);

    const response = await fake.webhooks.deliver(receive, signed);
    expect(response.status).toBe(200);
    const context = (await response.json()) as { topic: string; eventId: string; payload: unknown };
    expect(context).toMatchObject({ topic: "INVENTORY_LEVELS_UPDATE", eventId: "evt-1" });
    const parsed = parseWebhookPayload("inventory_levels/update", context.payload);
    expect(parsed.data?.admin_graphql_api_id).toBe(level.id);
    // The library's JSON.parse rounded the numeric id; the precision-safe parse of the raw body does not.
    expect(String((context.payload as { inventory_item_id: number }).inventory_item_id)).not.toBe(itemNumber);
    expect((parseShopifyJson(signed.body) as { inventory_item_id: string }).inventory_item_id).toBe(itemNumber);
  });

  it("duplicates keep their ids, out-of-order deliveries keep their trigger times, a wrong secret is a 401", async () => {
    const older = fake.webhooks.sign({
      topic: "inventory_levels/update",
      payload: fake.webhooks.payloads().inventoryLevelUpdate(level),
      triggeredAt: "2026-11-22T10:00:00Z",
    });
    fake.store.setQuantity(level, "available", 9);
    const newer = fake.webhooks.sign({
      topic: "inventory_levels/update",
      payload: fake.webhooks.payloads().inventoryLevelUpdate(level),
      triggeredAt: "2026-11-22T10:00:05Z",
    });
    const seen: Array<{ eventId: string; triggeredAt: string; available: number }> = [];
    for (const delivery of [newer, older, newer]) {
      const body = (await (await fake.webhooks.deliver(receive, delivery)).json()) as {
        eventId: string;
        triggeredAt: string;
        payload: { available: number };
      };
      seen.push({ eventId: body.eventId, triggeredAt: body.triggeredAt, available: body.payload.available });
    }
    expect(seen).toEqual([
      { eventId: newer.eventId, triggeredAt: "2026-11-22T10:00:05Z", available: 9 },
      { eventId: older.eventId, triggeredAt: "2026-11-22T10:00:00Z", available: 4 },
      { eventId: newer.eventId, triggeredAt: "2026-11-22T10:00:05Z", available: 9 },
    ]);
    const forged = new ShopifyFake({ apiSecret: "someone-else" }).webhooks.sign({
      topic: "shop/redact",
      payload: fake.webhooks.payloads().shopRedact(),
      shop: fake.defaultShop,
    });
    expect((await fake.webhooks.deliver(receive, forged)).status).toBe(401);
  });

  it("builds payloads for every topic that pass our schemas", async () => {
    const { orderCreate } = await new ShopifyAdminClient(fake.admin(), {
      shop: fake.defaultShop,
      buckets: new CostBuckets(),
    }).request(ops.orderCreate, {
      order: {
        sourceName: "mirakl",
        sourceIdentifier: "MKP-9",
        email: "b@example.com",
        lineItems: [
          {
            variantId: variants[0]!.id,
            quantity: 2,
            priceSet: { shopMoney: { amount: "15.00", currencyCode: "EUR" } },
          },
        ],
      },
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY", sendReceipt: false, sendFulfillmentReceipt: false },
    });
    const order = fake.store.orders.get(orderCreate.order!.id)!;
    const { createFulfillment, createRefund, cancelOrder } = await import("../../shopify-fake");
    const fulfillment = createFulfillment(fake.store, {
      lineItemsByFulfillmentOrder: [
        {
          fulfillmentOrderId: order.fulfillmentOrders[0]!.id,
          fulfillmentOrderLineItems: [{ id: order.fulfillmentOrders[0]!.lineItems[0]!.id, quantity: 1 }],
        },
      ],
      trackingInfo: { company: "DHL", number: "123" },
    }).ok!;
    const refund = createRefund(fake.store, {
      orderId: order.id,
      refundLineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1, restockType: "CANCEL" }],
      transactions: [{ amount: "15.00", gateway: "mirakl", kind: "REFUND" }],
    }).ok!;
    cancelOrder(fake.store, order.id, "CUSTOMER", true);
    const payloads = fake.webhooks.payloads();
    const cases = [
      ["inventory_levels/update", payloads.inventoryLevelUpdate(level)],
      ["orders/cancelled", payloads.orderCancelled(order)],
      ["refunds/create", payloads.refundCreate(refund)],
      ["fulfillments/create", payloads.fulfillment(fulfillment)],
      ["fulfillments/update", payloads.fulfillment(fulfillment)],
      ["app/uninstalled", payloads.appUninstalled()],
      ["app/scopes_update", payloads.scopesUpdate(["read_products"], ["read_products", "write_inventory"])],
      ["shop/redact", payloads.shopRedact()],
      ["customers/redact", payloads.customersRedact(9_007_199_254_740_999n, [order.id])],
      ["customers/data_request", payloads.customersDataRequest(9_007_199_254_740_999n, [order.id])],
    ] as const;
    for (const [topic, payload] of cases) {
      const response = await fake.webhooks.deliver(receive, { topic, payload });
      expect(response.status, topic).toBe(200);
      const delivered = ((await response.json()) as { payload: unknown }).payload;
      const result = parseWebhookPayload(topic, delivered);
      expect(result.error?.issues ?? [], topic).toEqual([]);
    }
    expect(parseWebhookPayload("orders/cancelled", payloads.orderCancelled(order)).data).toMatchObject({
      admin_graphql_api_id: order.id,
      cancel_reason: "customer",
    });
    expect(
      parseWebhookPayload(
        "fulfillments/create",
        JSON.parse(
          JSON.stringify(payloads.fulfillment(fulfillment), (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
        ),
      ).data,
    ).toMatchObject({
      admin_graphql_api_id: fulfillment.id,
      tracking_numbers: ["123"],
    });
  });
});

describe("token exchange against the fake", () => {
  it("lets authenticate.admin trade a session token for an offline token and then query", async () => {
    const fake = new ShopifyFake();
    fake.store.addLocation({ name: "Exchanged" });
    const { app, uninstall } = await createFakeShopifyApp(fake, { withOfflineSession: false });
    try {
      const { token } = await getJwt(fake.defaultShop.replace(".myshopify.com", ""), fake.apiKey, fake.apiSecret);
      const url = new URL("https://my-test-app.myshopify.io/app");
      url.search = new URLSearchParams({
        embedded: "1",
        shop: fake.defaultShop,
        host: Buffer.from(`${fake.defaultShop}/admin`).toString("base64url"),
        id_token: token,
      }).toString();
      const { admin, session } = await app.authenticate.admin(
        new Request(url, { headers: { Authorization: `Bearer ${token}` } }),
      );
      expect(fake.issuedAccessTokens.has(session.accessToken!)).toBe(true);
      const offline = await app.sessionStorage!.loadSession(`offline_${fake.defaultShop}`);
      expect(offline?.accessToken).toMatch(/^fake_access_token_/);
      const client = new ShopifyAdminClient(admin, { shop: session.shop, buckets: new CostBuckets() });
      const { locations } = await client.request(ops.locations, locationVars);
      expect(locations.nodes.map((l) => l.name)).toEqual(["Exchanged"]);
    } finally {
      uninstall();
    }
  });
});
