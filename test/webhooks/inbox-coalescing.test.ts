import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { catalogWebhookHandlers } from "~/sync/catalog/shopify-webhooks.server";
import { parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { recordShopifySales } from "~/sync/stock/velocity.server";
import { onWebhookTopic, onWebhookTopicBatch, processInbox } from "~/webhooks/inbox.server";

const catalog = catalogWebhookHandlers({ onLevelDrops: recordShopifySales });
let seq = 0;

/** Levels of items 1 and 2 at one location, as a bulk edit sends them: item 1 sold twice, restocked, sold again. */
const updates: Array<[item: number, available: number]> = [
  [1, 10],
  [2, 4],
  [1, 8],
  [1, 5],
  [2, 3],
  [1, 9],
  [1, 7],
];
const payload = (item: number, available: number | null, minute: number) => ({
  admin_graphql_api_id: `gid://shopify/InventoryLevel/9?inventory_item_id=${item}`,
  inventory_item_id: item,
  location_id: 9,
  available,
  updated_at: new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString(),
});

// Levels are keyed by item and location alone: each shop gets its own items (base + 1, base + 2).
async function storeDeliveries(shop: string, base: number) {
  return Promise.all(
    updates.map(([item, available], minute) =>
      prisma.webhookDelivery.create({
        data: {
          shop,
          topic: "inventory_levels/update",
          webhookId: `wh-${++seq}`,
          dedupeKey: `evt-${seq}`,
          triggeredAt: new Date(Date.UTC(2026, 11, 1, 10, minute)),
          payload: payload(base + item, available, minute),
        },
      }),
    ),
  );
}

const stateOf = async (shop: string, base: number) => {
  const item = (gid: string) => Number(gid.split("/").pop()) - base;
  const levels = await prisma.shopifyInventoryLevel.findMany({ where: { shop }, orderBy: { inventoryItemId: "asc" } });
  const sales = await prisma.shopifyStockSale.findMany({ where: { shop }, orderBy: [{ soldAt: "asc" }] });
  return {
    levels: levels.map((l) => ({ item: item(l.inventoryItemId), available: l.available, observedAt: l.observedAt })),
    sales: sales.map((s) => ({ item: item(s.inventoryItemId), units: s.units, soldAt: s.soldAt })),
  };
};

beforeAll(async () => {
  await ensureDatabaseReady();
  onWebhookTopic("inventory_levels/update", catalog.inventoryLevelsUpdate);
  onWebhookTopicBatch("inventory_levels/update", catalog.inventoryLevelsUpdateBatch);
});

describe("inbox: inventory_levels/update processed together", () => {
  it("ends where one-by-one processing ends: newest level wins, every drop a sale, every delivery processed", async () => {
    const together = "coalesce-together.myshopify.com";
    const oneByOne = "coalesce-single.myshopify.com";
    await storeDeliveries(together, 100);
    const singles = await storeDeliveries(oneByOne, 200);

    await processInbox(together);
    for (const delivery of singles)
      await catalog.inventoryLevelsUpdate(
        delivery,
        parseWebhookPayload("inventory_levels/update", delivery.payload).data!,
      );

    const expected = await stateOf(oneByOne, 200);
    expect(await stateOf(together, 100)).toEqual(expected);
    expect(expected.levels.map((l) => l.available)).toEqual([7, 3]);
    // Item 1: 10→8 and 8→5 and 9→7 are sales; the restock 5→9 is not. Item 2: 4→3.
    expect(expected.sales.length).toBe(4);
    const statuses = await prisma.webhookDelivery.groupBy({ by: ["status"], where: { shop: together }, _count: true });
    expect(statuses).toEqual([{ status: "PROCESSED", _count: updates.length }]);
    const unit = await prisma.workUnit.findFirst({ where: { shop: together, kind: "stock-recompute" } });
    expect(unit).not.toBeNull();
  });

  it("leaves a delivery without a usable level to the single handler, in the same pass", async () => {
    const shop = "coalesce-null.myshopify.com";
    await storeDeliveries(shop, 300);
    // available null: the single handler reads Shopify, which this shop cannot reach: it fails and is retried.
    await prisma.webhookDelivery.create({
      data: {
        shop,
        topic: "inventory_levels/update",
        webhookId: "wh-null",
        dedupeKey: "evt-null",
        triggeredAt: new Date(Date.UTC(2026, 11, 1, 11)),
        payload: payload(3, null, 59),
      },
    });
    const { nextDueAt } = await processInbox(shop);
    expect(nextDueAt).not.toBeNull();
    const rows = await prisma.webhookDelivery.findMany({
      where: { shop },
      select: { dedupeKey: true, status: true, attempts: true },
    });
    expect(rows.filter((r) => r.status === "PROCESSED")).toHaveLength(updates.length);
    expect(rows.find((r) => r.dedupeKey === "evt-null")).toMatchObject({ status: "PENDING", attempts: 1 });
  });
});
