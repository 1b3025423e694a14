import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { Worker } from "~/worker/worker.server";
import { allTasks } from "~/sync/index.server";
import { createConnection } from "~/connections/connections.server";
import { reportException } from "~/exceptions/exceptions.server";
import { receiveWebhook } from "~/webhooks/intake.server";
import type { WebhookTopic } from "~/integrations/shopify/webhook-payloads";
import { shopScopedModels } from "~/shops/compliance.server";
import { installShop, webhookRequest } from "../helpers/app";
import { readFileSync } from "node:fs";

const worker = new Worker({ handlers: allTasks(), id: "test-worker" });
async function drain() {
  while (await worker.runOnce());
}
async function deliver(
  shop: string,
  topic: WebhookTopic,
  payload: unknown,
  options: { eventId?: string; triggeredAt?: Date } = {},
) {
  const response = await receiveWebhook(webhookRequest(shop, topic, payload, options), topic);
  expect(response.status).toBe(200);
  await drain();
}

const orderCancelled = (email: string, orderId: number) => ({
  admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
  id: orderId,
  name: "#1001",
  email,
  cancelled_at: "2026-11-20T10:00:00Z",
  cancel_reason: "customer",
  customer: { id: 7001, email },
  line_items: [{ admin_graphql_api_id: "gid://shopify/LineItem/1", quantity: 1 }],
});

describe("app/uninstalled", () => {
  const shop = "leaving.myshopify.com";
  beforeAll(async () => {
    await installShop(shop);
    await createConnection(shop, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.net",
      apiKey: "key-uninstall-1",
    });
  });

  it("deletes the shop's sessions and disables its connections, in the worker", async () => {
    await deliver(shop, "app/uninstalled", { id: 1, myshopify_domain: shop }, { eventId: "uninstall-1" });
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    const connection = await prisma.marketplaceConnection.findFirstOrThrow({ where: { shop } });
    expect(connection.enabled).toBe(false);
    expect(connection.disabledReason).toBe("app uninstalled");
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).not.toBeNull();
    expect((await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: "uninstall-1" } })).status).toBe(
      "PROCESSED",
    );
  });

  it("ignores a late uninstall from before a reinstall", async () => {
    const other = "returning.myshopify.com";
    await installShop(other); // installed a minute ago
    await deliver(
      other,
      "app/uninstalled",
      { id: 2 },
      { eventId: "uninstall-old", triggeredAt: new Date(Date.now() - 3_600_000) },
    );
    expect(await prisma.session.count({ where: { shop: other } })).toBe(1);
    expect((await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: "uninstall-old" } })).status).toBe(
      "IGNORED",
    );
  });
});

describe("compliance webhooks", () => {
  const shop = "privacy.myshopify.com";
  const bystander = "bystander.myshopify.com";
  beforeAll(async () => {
    await installShop(shop);
    await installShop(bystander);
  });

  it("customers/data_request records what we hold about the customer", async () => {
    await deliver(shop, "orders/cancelled", orderCancelled("ann@example.com", 9001), { eventId: "ord-ann" });
    await deliver(shop, "orders/cancelled", orderCancelled("bob@example.com", 9002), { eventId: "ord-bob" });
    await deliver(
      shop,
      "customers/data_request",
      {
        shop_id: 1,
        shop_domain: shop,
        customer: { id: 7001, email: "ann@example.com", phone: null },
        orders_requested: [9001],
        data_request: { id: 77 },
      },
      { eventId: "dr-1" },
    );
    const request = await prisma.complianceRequest.findFirstOrThrow({
      where: { shop, topic: "customers/data_request" },
    });
    const holdings = (request.actions as any)[0].holdings;
    expect(holdings.map((h: any) => h.topic)).toContain("orders/cancelled");
    expect(request.requestRef).toBe("77");
    expect(request.completedAt).not.toBeNull();
  });

  it("customers/redact scrubs only that customer's stored payloads and records it", async () => {
    // Two Mirakl orders in the mirror: the Shopify order named by the request was made from the first.
    const mirrored = (miraklOrderId: string, shopifyOrderNumber: number) => {
      const customer = { firstname: "Ann", lastname: "Lee", shipping_address: { street_1: "1 Privacy Road" } };
      return prisma.marketplaceOrder.create({
        data: {
          shop,
          connectionId: "redact-connection",
          miraklOrderId,
          state: "SHIPPING",
          currency: "EUR",
          price: "10",
          shippingPrice: "0",
          totalPrice: "10",
          notificationEmail: `notification+${miraklOrderId}@notification.mirakl.net`,
          customer,
          createdOnMiraklAt: new Date(),
          updatedOnMiraklAt: new Date(),
          payload: { order_id: miraklOrderId, customer, customer_notification_email: "alias@notification.mirakl.net" },
          payloadHash: miraklOrderId,
          shopifyOrderStatus: "CREATED",
          shopifyOrderId: `gid://shopify/Order/${shopifyOrderNumber}`,
        },
      });
    };
    const annsOrder = await mirrored("REDACT-1-A", 9001);
    const othersOrder = await mirrored("REDACT-2-A", 9002);
    await deliver(
      shop,
      "customers/redact",
      {
        shop_id: 1,
        shop_domain: shop,
        customer: { id: 7002, email: "ann@example.com", phone: null },
        orders_to_redact: [9001],
      },
      { eventId: "redact-ann" },
    );
    const ann = await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: "ord-ann" } });
    const bob = await prisma.webhookDelivery.findFirstOrThrow({ where: { dedupeKey: "ord-bob" } });
    expect(JSON.stringify(ann.payload)).not.toContain("ann@example.com");
    expect(ann.redactedAt).not.toBeNull();
    expect((ann.payload as any).admin_graphql_api_id).toBe("gid://shopify/Order/9001");
    expect(JSON.stringify(bob.payload)).toContain("bob@example.com");
    expect(await prisma.complianceRequest.count({ where: { shop, topic: "customers/redact" } })).toBe(1);
    const scrubbed = await prisma.marketplaceOrder.findUniqueOrThrow({ where: { id: annsOrder.id } });
    expect(scrubbed.customer).toEqual({});
    expect(scrubbed.notificationEmail).toBeNull();
    expect(JSON.stringify(scrubbed.payload)).not.toMatch(/Privacy Road|notification\.mirakl/);
    expect((scrubbed.payload as { order_id: string }).order_id).toBe("REDACT-1-A");
    const untouched = await prisma.marketplaceOrder.findUniqueOrThrow({ where: { id: othersOrder.id } });
    expect(JSON.stringify(untouched.customer)).toContain("Privacy Road");
  });

  it("shop/redact deletes every row of the shop and nothing of another shop", async () => {
    await createConnection(shop, { name: "Carrefour", baseUrl: "https://carrefour.mirakl.net", apiKey: "key-redact" });
    await createConnection(bystander, {
      name: "Carrefour",
      baseUrl: "https://carrefour.mirakl.net",
      apiKey: "key-bystander",
    });
    await reportException({
      shop,
      kind: "MIRAKL_UNREACHABLE",
      severity: "ERROR",
      entityType: "MarketplaceConnection",
      entityId: "x",
      message: "m",
      fixHint: "h",
    });
    await deliver(shop, "app/uninstalled", { id: 3 }, { eventId: "uninstall-privacy" });
    await deliver(shop, "shop/redact", { shop_id: 1, shop_domain: shop }, { eventId: "shop-redact-1" });

    expect(await prisma.marketplaceConnection.count({ where: { shop } })).toBe(0);
    expect(await prisma.syncException.count({ where: { shop } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.workUnit.count({ where: { shop } })).toBe(0);
    const proof = await prisma.complianceRequest.findMany({ where: { shop } });
    expect(proof).toHaveLength(1);
    expect(proof[0].topic).toBe("shop/redact");
    expect(await prisma.marketplaceConnection.count({ where: { shop: bystander } })).toBe(1);
    expect(await prisma.session.count({ where: { shop: bystander } })).toBe(1);
  });

  it("covers every table that has a shop column", () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8");
    const models = [...schema.matchAll(/model (\w+) \{([^}]*)\}/g)]
      .filter(([, , body]) => /^\s+shop\s+String/m.test(body))
      .map(([, name]) => name[0].toLowerCase() + name.slice(1));
    expect(models.sort()).toEqual([...shopScopedModels].sort());
  });
});
