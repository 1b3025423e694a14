import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { shopifyAdminForShop } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { inventoryLevelById } from "~/integrations/shopify/operations";
import { syncedQuantityNames } from "~/integrations/shopify/quantity-names";
import { action as inventoryLevelsUpdateRoute } from "~/routes/webhooks.inventory_levels.update";
import { unauthenticated } from "~/shopify.server";
import { inboxTask, onWebhookTopic } from "~/webhooks/inbox.server";
import { Worker } from "~/worker/worker.server";
import { installShop, settle } from "../helpers/app";
import { ShopifyFake } from "../shopify-fake";

const shop = "flow-shop.myshopify.com";
const fake = new ShopifyFake({ shop });
const location = fake.store.addLocation({ name: "Main" });
const { variants } = fake.store.addProduct({
  title: "Boot",
  variants: [{ sku: "BOOT-1", stock: { [location.id]: { available: 5, committed: 1 } } }],
});
const level = fake.store.levelOf(variants[0]!.inventoryItemId, location.id)!;
const route = (request: Request) => settle(inventoryLevelsUpdateRoute({ request, params: {}, context: {} }));

/** What the test's consumer of the topic saw: the delivery, then Shopify's current quantities read back through the Admin API. */
const consumed: Array<{
  eventId: string | null;
  levelGid: string;
  webhookAvailable: number | null;
  quantities: Record<string, number>;
}> = [];
let uninstall: () => void;

beforeAll(async () => {
  await installShop(shop);
  uninstall = fake.install();
  // No sync flow consumes this topic yet; this consumer does what one will: re-read the level by its GID.
  onWebhookTopic("inventory_levels/update", async (delivery, payload) => {
    const admin = await shopifyAdminForShop(delivery.shop, unauthenticated.admin, { buckets: new CostBuckets() });
    const { inventoryLevel } = await admin.request(inventoryLevelById, {
      id: payload.admin_graphql_api_id,
      quantityNames: [...syncedQuantityNames],
    });
    consumed.push({
      eventId: delivery.eventId,
      levelGid: payload.admin_graphql_api_id,
      webhookAvailable: payload.available,
      quantities: Object.fromEntries(inventoryLevel!.quantities.map((q) => [q.name, q.quantity])),
    });
    return { status: "PROCESSED" };
  });
});
afterAll(() => uninstall?.());

describe("a signed inventory_levels/update goes through the inbox to the worker", () => {
  it("verifies, stores once, and is processed in trigger order with Shopify's current quantities", async () => {
    const payloads = fake.webhooks.payloads();
    const older = fake.webhooks.sign({
      topic: "inventory_levels/update",
      payload: payloads.inventoryLevelUpdate(level),
      triggeredAt: new Date(Date.now() - 10_000),
    });
    fake.store.setQuantity(level, "available", 3);
    const newer = fake.webhooks.sign({
      topic: "inventory_levels/update",
      payload: payloads.inventoryLevelUpdate(level),
      triggeredAt: new Date(Date.now() - 5_000),
    });
    const forged = new ShopifyFake({ shop, apiSecret: "not-the-app-secret" }).webhooks.sign({
      topic: "inventory_levels/update",
      payload: payloads.inventoryLevelUpdate(level),
    });

    // Out of order, with a duplicate of the newer event and a forgery.
    expect((await fake.webhooks.deliver(route, newer)).status).toBe(200);
    expect((await fake.webhooks.deliver(route, older)).status).toBe(200);
    expect((await fake.webhooks.deliver(route, newer)).status).toBe(200);
    expect((await fake.webhooks.deliver(route, forged)).status).toBe(401);

    const stored = await prisma.webhookDelivery.findMany({ where: { shop, topic: "inventory_levels/update" } });
    expect(stored.map((d) => d.eventId).sort()).toEqual([older.eventId, newer.eventId].sort());

    const worker = new Worker({ handlers: [inboxTask], idleDelayMs: 20 }).start();
    try {
      await vi.waitFor(
        async () => expect(await prisma.webhookDelivery.count({ where: { shop, status: "PROCESSED" } })).toBe(2),
        { timeout: 10_000, interval: 20 },
      );
    } finally {
      await worker.stop();
    }

    expect(consumed).toEqual([
      {
        eventId: older.eventId,
        levelGid: level.id,
        webhookAvailable: 5,
        quantities: expect.objectContaining({ available: 3, committed: 1, on_hand: 4 }),
      },
      {
        eventId: newer.eventId,
        levelGid: level.id,
        webhookAvailable: 3,
        quantities: expect.objectContaining({ available: 3, committed: 1, on_hand: 4 }),
      },
    ]);
    // The Admin reads went through the app's offline session to the fake, keyed by the exact level GID.
    const reads = fake.requests.filter((r) => r.operationName === "InventoryLevelById");
    expect(reads.map((r) => r.variables.id)).toEqual([level.id, level.id]);
    expect(reads.every((r) => r.shop === shop && r.status === 200)).toBe(true);
  });
});
