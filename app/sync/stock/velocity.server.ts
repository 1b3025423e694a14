import prisma from "~/db.server";
import { saleUnitsOfDrop, VELOCITY_RETENTION_MS, type SaleEvent } from "~/domain/stock/velocity";
import type { LevelDrop } from "~/sync/catalog/mirror.server";

/**
 * Storage of sales-velocity protection (the decision is app/domain/stock/velocity.ts).
 *
 * Sales are recorded where the engine sees them happen: an inventory_levels/update that lowers
 * `available`. The webhook does not say why the level moved, so a drop of up to
 * LARGEST_DROP_COUNTED_AS_SALE units is taken for a sale and a larger one for an adjustment or a
 * transfer; a rise is never a sale. A marketplace order that lands in Shopify drops `available` too
 * and is then counted once more (as a Shopify sale) after its reservation was counted: the webhook
 * cannot tell it from a checkout, and the error holds more, never less. Drops found by the nightly
 * bulk export are not recorded: they are lost webhooks with no time of sale, not a rate.
 *
 * Marketplace orders are read from MarketplaceReservation (rows not yet released, created within the
 * look-back), so they need no copy here.
 */

/** Records the drops that are sales and prunes the shop's sales older than the longest look-back. */
export async function recordShopifySales(shop: string, drops: readonly LevelDrop[]): Promise<number> {
  const sales = drops
    .map((d) => ({
      shop,
      inventoryItemId: d.inventoryItemId,
      locationId: d.locationId,
      units: saleUnitsOfDrop(d.before, d.after),
      soldAt: d.observedAt,
    }))
    .filter((s) => s.units > 0);
  if (sales.length === 0) return 0;
  await prisma.shopifyStockSale.createMany({ data: sales });
  const latest = Math.max(...sales.map((s) => s.soldAt.getTime()));
  await prisma.shopifyStockSale.deleteMany({
    where: { shop, soldAt: { lt: new Date(latest - VELOCITY_RETENTION_MS) } },
  });
  return sales.length;
}

/** Recent sales of these items (Shopify) and SKUs (marketplace reservations), as the domain reads them. */
export async function loadRecentSales(
  shop: string,
  inventoryItemIds: readonly string[],
  skus: readonly string[],
  now: Date,
) {
  const since = new Date(now.getTime() - VELOCITY_RETENTION_MS);
  const [shopifySales, reservations] = await Promise.all([
    prisma.shopifyStockSale.findMany({
      where: { shop, inventoryItemId: { in: [...inventoryItemIds] }, soldAt: { gt: since } },
      select: { inventoryItemId: true, locationId: true, units: true, soldAt: true },
    }),
    // Released reservations are left out: a landed order is counted by its Shopify drop, a cancelled one was no sale.
    prisma.marketplaceReservation.findMany({
      where: { shop, shopifySku: { in: [...skus] }, releasedAt: null, createdAt: { gt: since } },
      select: { shopifySku: true, quantity: true, createdAt: true },
    }),
  ]);
  const byItem = new Map<string, SaleEvent[]>();
  for (const s of shopifySales)
    push(byItem, s.inventoryItemId, { at: s.soldAt.getTime(), units: s.units, locationId: s.locationId });
  const bySku = new Map<string, SaleEvent[]>();
  for (const r of reservations)
    push(bySku, r.shopifySku, { at: r.createdAt.getTime(), units: r.quantity, locationId: null });
  return {
    of: (inventoryItemId: string | null, sku: string): SaleEvent[] => [
      ...((inventoryItemId && byItem.get(inventoryItemId)) || []),
      ...(bySku.get(sku) ?? []),
    ],
  };
}

/** Remembers when each variant's hold may change by itself (null: no hold); only rows that differ are written. */
export async function scheduleVelocityReviews(
  shop: string,
  reviews: ReadonlyMap<string, number | null>,
): Promise<void> {
  if (reviews.size === 0) return;
  const ids = [...reviews.keys()];
  const at = ids.map((id) => {
    const ms = reviews.get(id);
    return ms == null ? null : new Date(ms).toISOString().replace("Z", ""); // UTC, as Prisma stores timestamps
  });
  await prisma.$executeRaw`
    UPDATE "ShopifyVariant" AS v SET "velocityReviewAt" = r.at
    FROM unnest(${ids}::text[], ${at}::timestamp[]) AS r(id, at)
    WHERE v."variantId" = r.id AND v."shop" = ${shop} AND v."velocityReviewAt" IS DISTINCT FROM r.at`;
}

/** Variants whose hold is due for review become dirty for the recompute. Returns how many. */
export async function releaseDueVelocityReviews(shop: string, now: Date): Promise<number> {
  return prisma.$executeRaw`
    UPDATE "ShopifyVariant" SET "changeVersion" = "changeVersion" + 1, "velocityReviewAt" = NULL
    WHERE "shop" = ${shop} AND "velocityReviewAt" <= ${now}`;
}

/** The next review of any hold of the shop, for the recompute unit's next run. */
export async function nextVelocityReviewAt(shop: string): Promise<Date | null> {
  const next = await prisma.shopifyVariant.aggregate({
    _min: { velocityReviewAt: true },
    where: { shop, velocityReviewAt: { not: null } },
  });
  return next._min.velocityReviewAt;
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
