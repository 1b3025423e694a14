import type { WebhookDelivery } from "~/generated/prisma/client";
import prisma from "~/db.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { reportException } from "~/exceptions/exceptions.server";
import { inventoryLevelById } from "~/integrations/shopify/operations";
import { inventoryItemGidFromLevelGid, type WebhookPayload } from "~/integrations/shopify/webhook-payloads";
import type { TopicOutcome } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";
import {
  applyLevels,
  markProductDeleted,
  refreshProduct,
  removeLevels,
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
        if ((await removeLevels(shop, { locationId, inventoryItemIds: [inventoryItemId] })) > 0)
          await workUnits.stockRecompute.markDirty(shop);
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

  /**
   * Many `inventory_levels/update` deliveries of one shop at once (a bulk import is thousands of them): one
   * `applyLevels` statement per round instead of several queries each. Each round holds at most one level per
   * item and location, in the order the deliveries came, so every drop is seen (and recorded as a sale) exactly
   * as one by one; the newest level wins as before (`applyLevels` keeps the latest `updated_at`). Deliveries
   * without a usable level (null `available`) are left to the single handler, which reads Shopify.
   */
  async function inventoryLevelsUpdateBatch(
    shop: string,
    deliveries: { delivery: WebhookDelivery; payload: WebhookPayload<"inventory_levels/update"> }[],
  ): Promise<string[]> {
    const rounds: LevelFact[][] = [];
    const handled: string[] = [];
    const roundOfKey = new Map<string, number>();
    for (const { delivery, payload } of deliveries) {
      const observedAt = new Date(payload.updated_at);
      if (payload.available === null || Number.isNaN(observedAt.getTime())) continue;
      const fact: LevelFact = {
        inventoryItemId:
          inventoryItemGidFromLevelGid(payload.admin_graphql_api_id) ??
          `gid://shopify/InventoryItem/${payload.inventory_item_id}`,
        locationId: `gid://shopify/Location/${payload.location_id}`,
        available: payload.available,
        observedAt,
      };
      const key = `${fact.inventoryItemId}\u0000${fact.locationId}`;
      const round = (roundOfKey.get(key) ?? -1) + 1;
      roundOfKey.set(key, round);
      (rounds[round] ??= []).push(fact);
      handled.push(delivery.id);
    }
    let changed = 0;
    for (const levels of rounds) {
      const applied = await applyLevels(shop, levels);
      await onLevelDrops(shop, applied.drops);
      changed += applied.changed;
    }
    // An item with no variant in the mirror is looked up by the recompute, in batches.
    const itemIds = [...new Set(rounds.flat().map((l) => l.inventoryItemId))];
    const unknown =
      changed === 0 &&
      itemIds.length > 0 &&
      (
        await prisma.shopifyVariant.findMany({
          where: { shop, inventoryItemId: { in: itemIds } },
          select: { inventoryItemId: true },
          distinct: ["inventoryItemId"],
        })
      ).length < itemIds.length;
    if (changed > 0 || unknown) await workUnits.stockRecompute.markDirty(shop);
    return handled;
  }

  /** The item is no longer stocked at the location: its units there stop counting on every connection now. */
  async function inventoryLevelsDisconnect(
    delivery: WebhookDelivery,
    payload: WebhookPayload<"inventory_levels/disconnect">,
  ): Promise<TopicOutcome> {
    const removed = await removeLevels(delivery.shop, {
      locationId: `gid://shopify/Location/${payload.location_id}`,
      inventoryItemIds: [`gid://shopify/InventoryItem/${payload.inventory_item_id}`],
    });
    if (removed > 0) await workUnits.stockRecompute.markDirty(delivery.shop);
    return { status: "PROCESSED" };
  }

  /**
   * A deactivated location stocks nothing: every level there leaves the mirror, so every connection's quantity
   * drops at the next recompute. A connection whose stock rules chose it is told, since it now sells less than
   * the merchant meant (or nothing).
   */
  async function locationsDeactivate(
    delivery: WebhookDelivery,
    payload: WebhookPayload<"locations/deactivate">,
  ): Promise<TopicOutcome> {
    const shop = delivery.shop;
    const locationId = payload.admin_graphql_api_id;
    const removed = await removeLevels(shop, { locationId });
    if (removed > 0) await workUnits.stockRecompute.markDirty(shop);
    await reportConnectionsChoosing(shop, locationId, payload.name ?? null);
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

  return {
    inventoryLevelsUpdate,
    inventoryLevelsUpdateBatch,
    inventoryLevelsDisconnect,
    locationsDeactivate,
    productsUpdate,
    productsDelete,
  };
}

/** Stock rules store a location as its GID or its numeric id; either names the same location. */
const sameLocation = (chosen: string, locationGid: string) =>
  chosen === locationGid || `gid://shopify/Location/${chosen}` === locationGid;

async function reportConnectionsChoosing(shop: string, locationId: string, locationName: string | null) {
  const connections = await prisma.marketplaceConnection.findMany({
    where: { shop, enabled: true },
    select: { id: true, name: true, settings: true },
  });
  for (const connection of connections) {
    let chosen: string[];
    try {
      const { stock } = parseConnectionSettings(connection.settings);
      chosen = [...stock.locationIds, ...stock.warehouses.flatMap((w) => w.locationIds)];
    } catch {
      continue; // unreadable settings are reported by the recompute (CONNECTION_MISCONFIGURED, stock-settings)
    }
    if (!chosen.some((id) => sameLocation(id, locationId))) continue;
    const label = locationName ? `"${locationName}"` : locationId;
    await reportException({
      shop,
      connectionId: connection.id,
      kind: "CONNECTION_MISCONFIGURED",
      severity: "ERROR",
      entityType: "MarketplaceConnection",
      entityId: `${connection.id}:location:${locationId}`,
      message: `The Shopify location ${label} was deactivated: its stock no longer counts for ${connection.name}, which sells from it.`,
      fixHint: "Choose another location in Stock & price settings.",
      detail: { locationId, locationName },
    });
  }
}
