import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import type { WebhookDelivery } from "~/generated/prisma/client";
import { explainOfferStock } from "~/domain/stock/explain";
import { VELOCITY_LONG_LOOKBACK_MS, VELOCITY_RETENTION_MS } from "~/domain/stock/velocity";
import { applyLevels, upsertVariants } from "~/sync/catalog/mirror.server";
import { runStockRecompute } from "~/sync/stock/recompute.server";
import { catalogWebhookHandlers } from "~/sync/catalog/shopify-webhooks.server";
import { recordShopifySales } from "~/sync/stock/velocity.server";

/** Sales-velocity protection end to end in the database: webhook drops → sales → hold → release when sales stop. */

const shop = "velocity.myshopify.com";
const WAREHOUSE_ID = 9001;
const WAREHOUSE = `gid://shopify/Location/${WAREHOUSE_ID}`;
const ITEM_ID = 8101;
const ITEM = `gid://shopify/InventoryItem/${ITEM_ID}`;
let connectionId = "";
let clock = Date.parse("2026-07-01T10:00:00Z");
const at = (ms: number) => new Date((clock = ms));

const handlers = catalogWebhookHandlers({
  shopify: async () => {
    throw new Error("no Shopify call expected: every payload carries available");
  },
  onLevelDrops: recordShopifySales,
});
const delivery = { shop } as WebhookDelivery;
/** Shopify reports the level now (available after the change). */
const levelUpdate = (available: number) =>
  handlers.inventoryLevelsUpdate(delivery, {
    admin_graphql_api_id: `gid://shopify/InventoryLevel/1?inventory_item_id=${ITEM_ID}`,
    inventory_item_id: ITEM_ID,
    location_id: WAREHOUSE_ID,
    available,
    updated_at: new Date(clock).toISOString(),
  } as never);
const recompute = () => runStockRecompute(shop, { shopify: null, now: () => new Date(clock) });
const offer = () =>
  prisma.offerStock.findUniqueOrThrow({
    where: { connectionId_offerSku_warehouseCode: { connectionId, offerSku: "HOT", warehouseCode: "" } },
  });

beforeAll(async () => {
  await ensureDatabaseReady();
  connectionId = (
    await createConnection(shop, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k",
      settings: { stock: { locationIds: [WAREHOUSE] } },
    })
  ).id;
  await upsertVariants(
    shop,
    [
      {
        variantId: "gid://shopify/ProductVariant/81",
        productId: "gid://shopify/Product/81",
        sku: "HOT",
        barcode: null,
        title: "Hot",
        productStatus: "ACTIVE",
        tracked: true,
        inventoryItemId: ITEM,
        price: "10.00",
        compareAtPrice: null,
      },
    ],
    at(clock),
  );
  await applyLevels(shop, [{ inventoryItemId: ITEM, locationId: WAREHOUSE, available: 20, observedAt: at(clock) }]);
  await recompute();
});

describe("sales-velocity protection in the engine", () => {
  it("records drops as sales (not rises, not large drops), holds, explains, and releases when sales stop", async () => {
    expect((await offer()).desiredQuantity).toBe(20);
    const start = clock;
    at(start + 10_000);
    await levelUpdate(19); // a sale
    at(start + 20_000);
    await levelUpdate(25); // a restock: no sale
    at(start + 30_000);
    await levelUpdate(23); // a sale of 2
    at(start + 40_000);
    await levelUpdate(3); // −20 at once: an adjustment or a transfer, not a sale
    at(start + 50_000);
    await levelUpdate(15); // back up
    const sales = await prisma.shopifyStockSale.findMany({ where: { shop }, orderBy: { soldAt: "asc" } });
    expect(sales.map((s) => s.units)).toEqual([1, 2]);

    const run = await recompute();
    // 3 units in the last 160 s → 1.5 expected in an 80 s window → 5 held (its 99th percentile).
    const held = await offer();
    expect(held.desiredQuantity).toBe(10);
    expect(explainOfferStock(held.explanation, { [WAREHOUSE]: "Warehouse" })?.summary).toBe(
      "15 at Warehouse − 5 held for sales velocity (3 sold in the last 2 min 40 s) = 10",
    );
    // The unit wakes when the oldest sale leaves the short look-back, level-triggered.
    expect(run.nextDueAt?.getTime()).toBe(start + 10_000 + 160_000);

    // Sales stop: the hold shrinks to the long look-back's (0.4 expected → 2) and then lapses.
    at(run.nextDueAt!.getTime());
    const second = await recompute();
    expect((await offer()).desiredQuantity).toBe(13);
    expect(second.nextDueAt?.getTime()).toBe(start + 10_000 + VELOCITY_LONG_LOOKBACK_MS);
    at(second.nextDueAt!.getTime());
    const third = await recompute();
    expect((await offer()).desiredQuantity).toBe(15);
    expect(third.nextDueAt).toBeNull();
  });

  it("counts marketplace orders not yet in Shopify as sales too", async () => {
    const now = clock + 1_000;
    for (const [i, quantity] of [1, 2].entries()) {
      await prisma.marketplaceReservation.create({
        data: {
          shop,
          connectionId,
          miraklOrderId: `O-${i}`,
          orderLineId: `L-${i}`,
          shopifySku: "HOT",
          quantity,
          createdAt: at(now + i * 1000),
        },
      });
    }
    await prisma.shopifyVariant.updateMany({ where: { shop }, data: { changeVersion: { increment: 1 } } });
    await recompute();
    // 15 − 3 reserved − 5 held (3 units in 160 s).
    expect((await offer()).desiredQuantity).toBe(7);
  });

  it("prunes sales older than the retention on every insert", async () => {
    at(clock + VELOCITY_RETENTION_MS + 60_000);
    await levelUpdate(14);
    const kept = await prisma.shopifyStockSale.findMany({ where: { shop } });
    expect(kept).toHaveLength(1);
    expect(kept[0]!.soldAt.getTime()).toBe(clock);
  });
});
