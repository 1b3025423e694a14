import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { receiveWebhook } from "~/webhooks/intake.server";
import { inboxSweepTask, type TopicHandler } from "~/webhooks/inbox.server";
import { handleCustomersDataRequest, handleCustomersRedact, handleShopRedact } from "~/shops/compliance.server";
import { recordInstall } from "~/shops/installation.server";
import { createConnection } from "~/connections/connections.server";
import { parseWebhookPayload, type WebhookTopic } from "~/integrations/shopify/webhook-payloads";
import { loader as dataRequestFile } from "~/routes/app.data-requests.$requestId";
import { loader as overviewLoader } from "~/routes/app._index";
import { embeddedRequest, installShop, settle, webhookRequest } from "../helpers/app";

const DAY = 86_400_000;

async function receive(shop: string, topic: WebhookTopic, payload: unknown, eventId: string, body?: string) {
  return receiveWebhook(webhookRequest(shop, topic, payload, { eventId, body }), topic);
}

const complianceHandlers = {
  "shop/redact": handleShopRedact,
  "customers/redact": handleCustomersRedact,
  "customers/data_request": handleCustomersDataRequest,
} as Record<string, TopicHandler<any>>;

/** What the inbox does with a stored compliance delivery, without the worker around it. */
async function processCompliance(eventId: string) {
  const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: eventId } });
  const parsed = parseWebhookPayload(delivery.topic as WebhookTopic, delivery.payload);
  if (!parsed.success) throw parsed.error;
  return complianceHandlers[delivery.topic](delivery, parsed.data);
}

const orderCancelled = (email: string, orderId: number, customerId: number) => ({
  admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
  id: orderId,
  name: "#1001",
  email,
  cancelled_at: "2026-11-20T10:00:00Z",
  cancel_reason: "customer",
  customer: { id: customerId, email },
  line_items: [{ admin_graphql_api_id: "gid://shopify/LineItem/1", quantity: 1 }],
});

describe("shop/redact", () => {
  it("is honoured when app/uninstalled never got through", async () => {
    const shop = "uninstall-failed.myshopify.com";
    await installShop(shop);
    await recordInstall(shop, null, new Date(Date.now() - 5 * DAY)); // installed long before it left
    await createConnection(shop, { name: "Decathlon", baseUrl: "https://d.mirakl.net", apiKey: "key-redact-1" });
    // The uninstall arrived unreadable: stored as FAILED, so the shop was never marked uninstalled.
    expect((await receive(shop, "app/uninstalled", { id: { not: "an id" } }, "uninstall-broken")).status).toBe(200);
    expect((await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: "uninstall-broken" } })).status).toBe(
      "FAILED",
    );
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeNull();

    await receive(shop, "shop/redact", { shop_id: 1, shop_domain: shop }, "redact-after-failed-uninstall");
    expect(await processCompliance("redact-after-failed-uninstall")).toEqual({ status: "PROCESSED" });
    expect(await prisma.marketplaceConnection.count({ where: { shop } })).toBe(0);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("still spares a shop that installed the app again after the uninstall", async () => {
    const shop = "came-back.myshopify.com";
    await installShop(shop); // installed a minute ago, well after an uninstall 48 hours before this redact
    await receive(shop, "shop/redact", { shop_id: 2, shop_domain: shop }, "redact-came-back");
    expect((await processCompliance("redact-came-back")).status).toBe("IGNORED");
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });
});

describe("compliance payloads must name the signed shop", () => {
  const victim = "victim.myshopify.com";
  const other = "other.myshopify.com";
  beforeAll(async () => {
    await installShop(victim);
    await recordInstall(victim, null, new Date(Date.now() - 5 * DAY));
    // Uninstalled two days ago: a shop/redact that truly came for it would erase it.
    await prisma.shop.update({ where: { shop: victim }, data: { uninstalledAt: new Date(Date.now() - 2 * DAY) } });
  });

  it.each([
    ["shop/redact", { shop_id: 9, shop_domain: other }],
    ["customers/redact", { shop_domain: other, customer: { id: 1 }, orders_to_redact: [] }],
    ["customers/data_request", { shop_domain: other, customer: { id: 1 }, orders_requested: [] }],
  ] as const)("refuses a %s body for another shop replayed under this shop's header", async (topic, payload) => {
    const eventId = `replayed-${topic}`;
    const response = await receive(victim, topic, payload, eventId);
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { dedupeKey: eventId } })).toBe(0);
  });

  it("ignores a stored delivery whose payload names another shop", async () => {
    const delivery = await prisma.webhookDelivery.create({
      data: {
        shop: victim,
        topic: "shop/redact",
        webhookId: "stored-mismatch",
        dedupeKey: "stored-mismatch",
        payload: { shop_id: 9, shop_domain: other },
      },
    });
    const outcome = await handleShopRedact(delivery, { shop_domain: other });
    expect(outcome.status).toBe("IGNORED");
    expect(await prisma.session.count({ where: { shop: victim } })).toBe(1);
  });
});

describe("failed and unreadable deliveries", () => {
  const shop = "scrub.myshopify.com";
  beforeAll(() => installShop(shop));

  it("are scrubbed by customers/redact like the others, and leave the queue", async () => {
    // Not JSON, but signed: kept as text, with the customer's email and order id in it.
    await receive(shop, "orders/cancelled", null, "garbled-ann", "<order id=9101>ann@example.com</order");
    // JSON that failed its schema: kept as FAILED, with an open exception.
    const { line_items: _dropped, ...withoutLines } = orderCancelled("ann@example.com", 9102, 7101);
    await receive(shop, "orders/cancelled", { ...withoutLines, cancelled_at: 5 }, "invalid-ann");
    await receive(shop, "orders/cancelled", null, "garbled-bob", "<order id=91010>bob@example.com</order");
    const failed = await prisma.webhookDelivery.findMany({ where: { shop, status: "FAILED" } });
    expect(failed).toHaveLength(3);

    await receive(
      shop,
      "customers/redact",
      { shop_domain: shop, customer: { id: 7101, email: "ANN@example.com" }, orders_to_redact: [9101] },
      "redact-ann",
    );
    expect((await processCompliance("redact-ann")).status).toBe("PROCESSED");
    for (const dedupeKey of ["garbled-ann", "invalid-ann"]) {
      const row = await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey } });
      expect(JSON.stringify(row.payload)).not.toMatch(/ann@example\.com/i);
      expect(row.redactedAt).not.toBeNull();
      expect(row.status).toBe("IGNORED");
      expect(await prisma.syncException.count({ where: { entityId: row.id, status: "OPEN" } })).toBe(0);
    }
    // Bob's order 91010 contains 9101 as digits, not as the number.
    const bob = await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: "garbled-bob" } });
    expect(JSON.stringify(bob.payload)).toContain("bob@example.com");
  });

  it("are pruned after the retention period like the others", async () => {
    const old = new Date(Date.now() - 31 * DAY);
    for (const [dedupeKey, payload] of [
      ["old-failed", { id: 1 }],
      ["old-unparseable", { unparseableBody: "<xml>carol@example.com</xml>" }],
    ] as const) {
      await prisma.webhookDelivery.create({
        data: {
          shop,
          topic: "orders/cancelled",
          webhookId: dedupeKey,
          dedupeKey,
          payload,
          status: "FAILED",
          receivedAt: old,
        },
      });
    }
    await inboxSweepTask.run({ shop: null } as never, { now: () => new Date() } as never);
    expect(
      await prisma.webhookDelivery.count({ where: { dedupeKey: { in: ["old-failed", "old-unparseable"] } } }),
    ).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { dedupeKey: "garbled-bob" } })).toBe(1);
  });
});

describe("customers/data_request", () => {
  const shop = "data-request.myshopify.com";
  const stranger = "stranger.myshopify.com";
  beforeAll(async () => {
    await installShop(shop);
    await installShop(stranger);
  });

  it("produces a file the merchant downloads from the overview", async () => {
    await receive(shop, "orders/cancelled", orderCancelled("dora@example.com", 9201, 7201), "order-dora");
    await receive(shop, "orders/cancelled", orderCancelled("eve@example.com", 9202, 7202), "order-eve");
    await receive(
      shop,
      "customers/data_request",
      {
        shop_domain: shop,
        customer: { id: 7201, email: "dora@example.com" },
        orders_requested: [9201],
        data_request: { id: 88 },
      },
      "data-request-dora",
    );
    expect((await processCompliance("data-request-dora")).status).toBe("PROCESSED");

    const overview = await settle(
      overviewLoader({ request: await embeddedRequest(shop, "/app"), params: {}, context: {} }),
    );
    const { dataRequests } = (await overview.json()) as { dataRequests: { id: string; customerRef: string }[] };
    expect(dataRequests).toHaveLength(1);
    expect(dataRequests[0].customerRef).toBe("7201");
    const requestId = dataRequests[0].id;

    const path = `/app/data-requests/${requestId}`;
    const file = await settle(
      dataRequestFile({ request: await embeddedRequest(shop, path), params: { requestId }, context: {} }),
    );
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Disposition")).toBe('attachment; filename="customer-data-7201.json"');
    const document = JSON.parse(await file.text());
    expect(document.customerId).toBe("7201");
    expect(document.dataRequestId).toBe("88");
    expect(JSON.stringify(document.personalData)).toContain("dora@example.com");
    expect(JSON.stringify(document.personalData)).not.toContain("eve@example.com");

    const foreign = await settle(
      dataRequestFile({ request: await embeddedRequest(stranger, path), params: { requestId }, context: {} }),
    );
    expect(foreign.status).toBe(404);
  });
});
