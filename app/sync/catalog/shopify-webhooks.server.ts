import type { WebhookDelivery } from "~/generated/prisma/client";
import prisma from "~/db.server";
import { inventoryLevelById } from "~/integrations/shopify/operations";
import { inventoryItemGidFromLevelGid, type WebhookPayload } from "~/integrations/shopify/webhook-payloads";
import type { TopicOutcome } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";
import {
  applyLevels,
  markProductDeleted,
  refreshProduct,
  shopifyClientForShop,
  type LevelDrop,
  type LevelFact,
  type ShopifyClientFactory,
} from "~/sync/catalog/mirror.server";

export interface CatalogWebhookDeps {
  shopify?: ShopifyClientFactory;
  /** Told of the level drops a webhook shows as they happen: the stock flow records sales from them. */
  onLevelDrops(shop: string, drops: readonly LevelDrop[]): Promise<unknown>;
}

/**
 * The Shopify topics that move the stock result. Each handler only brings the catalogue mirror up
 * to date and marks the shop's recompute dirty: no Mirakl call, no decision here.
 */
export function catalogWebhookHandlers({ shopify = shopifyClientForShop, onLevelDrops }: CatalogWebhookDeps) {
  /**
   * `available` per item and location, ordered by Shopify's updated_at. A null `available` (or a
   * timestamp we cannot read) says nothing usable: the level is read back from Shopify instead.
   */
  async function inventoryLevelsUpdate(
    delivery: WebhookDelivery,
    payload: WebhookPayload<"inventory_levels/update">,
  ): Promise<TopicOutcome> {
    const shop = delivery.shop;
    // The GID's query keeps every digit of the item id; the numeric field may already be rounded.
    const inventoryItemId =
      inventoryItemGidFromLevelGid(payload.admin_graphql_api_id) ??
      `gid://shopify/InventoryItem/${payload.inventory_item_id}`;
    const locationId = `gid://shopify/Location/${payload.location_id}`;
    const updatedAt = new Date(payload.updated_at);
    let fact: LevelFact | null;
    if (payload.available !== null && !Number.isNaN(updatedAt.getTime())) {
      fact = { inventoryItemId, locationId, available: payload.available, observedAt: updatedAt };
    } else {
      const client = await shopify(shop);
      const { inventoryLevel } = await client.request(inventoryLevelById, {
        id: payload.admin_graphql_api_id,
        quantityNames: ["available"],
      });
      const available = inventoryLevel?.quantities.find((q) => q.name === "available");
      if (!inventoryLevel || !available) {
        // The item is no longer stocked there: nothing to sell from that location.
        const { count } = await prisma.shopifyInventoryLevel.deleteMany({
          where: { shop, inventoryItemId, locationId },
        });
        if (count > 0) {
          await prisma.shopifyVariant.updateMany({
            where: { shop, inventoryItemId },
            data: { changeVersion: { increment: 1 } },
          });
          await workUnits.stockRecompute.markDirty(shop);
        }
        return { status: "PROCESSED" };
      }
      fact = {
        inventoryItemId: inventoryLevel.item.id,
        locationId: inventoryLevel.location.id,
        available: available.quantity,
        observedAt: available.updatedAt ? new Date(available.updatedAt) : new Date(),
      };
    }
    const applied = await applyLevels(shop, [fact]);
    // Only here, where a drop is seen as it happens, is it a sale with a time (see app/sync/stock/velocity.server.ts).
    await onLevelDrops(shop, applied.drops);
    // An item with no variant in the mirror is looked up by the recompute, in batches.
    const known =
      applied.variantsBumped > 0 ||
      (await prisma.shopifyVariant.count({ where: { shop, inventoryItemId: fact.inventoryItemId } })) > 0;
    if (applied.changed > 0 || !known) await workUnits.stockRecompute.markDirty(shop);
    return { status: "PROCESSED" };
  }

  /** Status, SKU, price, tracking or variant list changed: the product is read back whole (see the payload schema). */
  async function productsUpdate(
    delivery: WebhookDelivery,
    payload: WebhookPayload<"products/update">,
  ): Promise<TopicOutcome> {
    const client = await shopify(delivery.shop);
    const refreshed = await refreshProduct(delivery.shop, client, payload.admin_graphql_api_id);
    if (refreshed.upserted.changed > 0 || refreshed.deleted > 0)
      await workUnits.stockRecompute.markDirty(delivery.shop);
    return { status: "PROCESSED" };
  }

  async function productsDelete(
    delivery: WebhookDelivery,
    payload: WebhookPayload<"products/delete">,
  ): Promise<TopicOutcome> {
    const deleted = await markProductDeleted(delivery.shop, `gid://shopify/Product/${payload.id}`);
    if (deleted > 0) await workUnits.stockRecompute.markDirty(delivery.shop);
    return { status: "PROCESSED" };
  }

  return { inventoryLevelsUpdate, productsUpdate, productsDelete };
}
