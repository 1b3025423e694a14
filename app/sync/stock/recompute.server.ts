import prisma from "~/db.server";
import type { ShopifyVariant } from "~/generated/prisma/client";
import { parseConnectionSettings, type ConnectionSettings } from "~/domain/connection-settings";
import { sellableQuantity, type SellableResult } from "~/domain/sellable-quantity";
import { feedersBySku, offerSkusFedBy, planOfferRows, type OfferRowsPlan } from "~/domain/stock/offer-rows";
import { reportException, reportExceptions } from "~/exceptions/exceptions.server";
import { usesEmbeddedDatabase } from "~/config.server";
import { logger } from "~/lib/logger.server";
import { workUnits } from "~/worker/registry.server";
import {
  fetchUnknownInventoryItems,
  shopifyClientForShop,
  type ShopifyClientFactory,
} from "~/sync/catalog/mirror.server";
import { setDesiredStock } from "~/sync/stock/desired.server";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";
import {
  loadRecentSales,
  nextVelocityReviewAt,
  releaseDueVelocityReviews,
  scheduleVelocityReviews,
} from "~/sync/stock/velocity.server";

/**
 * The recompute: variants whose facts changed (changeVersion > computedVersion) get their offers'
 * desired quantities recomputed for every enabled connection of the shop, through the pure domain
 * decision. One unit per shop. computedVersion is then raised to the version that was read, never
 * further, so a change that lands during the recompute leaves the variant dirty for the next pass.
 */

/** Variants per pass; each pass reads its SKUs, levels and reservations in a handful of queries. */
const RECOMPUTE_BATCH = 500;
/** A run yields after this long so other units get the worker; the rest follows right away. */
const RUN_BUDGET_MS = 20_000;
const UNKNOWN_ITEM_RETRY_MS = 60_000;
/** A large backlog refreshes PGlite's planner statistics at its start and then every this many variants (a column-limited ANALYZE). */
const STATISTICS_EVERY = 20_000;

export interface DirtyVariant {
  variantId: string;
  changeVersion: number;
}

/** `after`: a keyset cursor, so a pass does not walk again over the variants already computed. */
export function loadDirtyVariants(shop: string, limit = RECOMPUTE_BATCH, after?: string): Promise<DirtyVariant[]> {
  return prisma.shopifyVariant.findMany({
    where: {
      shop,
      changeVersion: { gt: prisma.shopifyVariant.fields.computedVersion },
      ...(after !== undefined ? { variantId: { gt: after } } : {}),
    },
    select: { variantId: true, changeVersion: true },
    orderBy: { variantId: "asc" },
    take: limit,
  });
}

export interface RecomputeResult {
  variants: number;
  skus: number;
  /** Offer rows whose desired quantity changed, over all connections. */
  offersChanged: number;
  duplicates: string[];
}

/** Recomputes the offers fed by these variants (and by the SKUs they used to have), then marks them computed. */
export async function recomputeVariants(
  shop: string,
  dirty: readonly DirtyVariant[],
  now = new Date(),
): Promise<RecomputeResult> {
  if (dirty.length === 0) return { variants: 0, skus: 0, offersChanged: 0, duplicates: [] };
  const dirtyIds = dirty.map((d) => d.variantId);
  const changedVariants = await prisma.shopifyVariant.findMany({
    where: { shop, variantId: { in: dirtyIds } },
    select: { sku: true },
  });
  // A SKU edit or a deletion leaves offers fed by the old SKU: they are recomputed too.
  const previouslyFed = await prisma.offerStock.findMany({
    where: { shop, variantId: { in: dirtyIds }, shopifySku: { not: null } },
    distinct: ["shopifySku"],
    select: { shopifySku: true },
  });
  const skus = [
    ...new Set(
      [...changedVariants.map((v) => v.sku), ...previouslyFed.map((r) => r.shopifySku)].filter((s): s is string => !!s),
    ),
  ].sort();

  const live = await prisma.shopifyVariant.findMany({
    where: { shop, sku: { in: skus }, deletedAt: null },
    orderBy: { variantId: "asc" },
  });
  const { feeders, duplicates } = feedersBySku(skus, live);

  const items = [...feeders.values()].flatMap((vs) => vs.map((v) => v.inventoryItemId));
  const levels = await prisma.shopifyInventoryLevel.findMany({
    where: { shop, inventoryItemId: { in: items } },
    select: { inventoryItemId: true, locationId: true, available: true },
  });
  const levelsByItem = groupBy(levels, (l) => l.inventoryItemId);
  // Units sold on any marketplace whose Shopify order does not exist yet: Shopify's available does not know them,
  // except those already held there (moved to reserved, holds.server.ts), which available no longer counts.
  const reservations = await prisma.$queryRaw<{ shopifySku: string; units: number }[]>`
    SELECT "shopifySku", SUM(CASE WHEN "heldAt" IS NOT NULL AND "holdReleasedAt" IS NULL THEN GREATEST(0, "quantity" - "heldQuantity") ELSE "quantity" END)::int AS units
    FROM "MarketplaceReservation" WHERE "shop" = ${shop} AND "releasedAt" IS NULL AND "shopifySku" = ANY(${skus}::text[])
    GROUP BY "shopifySku"`;
  const reservedBySku = new Map(reservations.map((r) => [r.shopifySku, r.units]));
  // Sales-velocity protection: recent sales on every channel, and when each variant's hold lapses by itself.
  const recentSales = await loadRecentSales(shop, items, skus, now);
  const velocityReviews = new Map<string, number | null>(live.map((v) => [v.variantId, null]));

  const connections = await prisma.marketplaceConnection.findMany({
    where: { shop, enabled: true },
    select: { id: true, shop: true, name: true, settings: true },
    orderBy: { id: "asc" },
  });
  let offersChanged = 0;
  for (const connection of connections) {
    let settings: ConnectionSettings;
    try {
      settings = parseConnectionSettings(connection.settings);
    } catch (error) {
      await reportMisconfigured(connection, error);
      continue; // its offers keep their last desired values until the settings are fixed (which recomputes it)
    }
    const decide = (sku: string, variant: ShopifyVariant | null): SellableResult => {
      const snapshot = {
        sku,
        variantExists: variant !== null,
        productStatus: variant?.productStatus ?? null,
        tracked: variant?.tracked ?? true,
        levels: (variant ? (levelsByItem.get(variant.inventoryItemId) ?? []) : []).map((l) => ({
          locationId: l.locationId,
          available: l.available,
        })),
        reservedNotInShopify: reservedBySku.get(sku) ?? 0,
        velocity: { sales: recentSales.of(variant?.inventoryItemId ?? null, sku), now: now.getTime() },
      };
      const result = sellableQuantity(snapshot, settings.stock);
      const reviewAt = result.kind === "push" ? (result.velocityReviewAt ?? null) : null;
      if (variant && reviewAt !== null)
        velocityReviews.set(variant.variantId, Math.min(reviewAt, velocityReviews.get(variant.variantId) ?? Infinity));
      return result;
    };
    const rows = await desiredRowsFor(connection, settings, skus, feeders, decide);
    const written = await setDesiredStock(connection, rows.rows, now);
    offersChanged += written.changed;
    if (rows.priceMayHaveChanged) await workUnits.pricePush.markDirty(connection.id, shop, now);
    if (rows.reclaimedSkus.length) await markSkusForRecompute(shop, rows.reclaimedSkus, now);
  }

  await scheduleVelocityReviews(shop, velocityReviews);
  await reportDuplicates(shop, duplicates, feeders, now);
  await resolveDuplicates(
    shop,
    skus.filter((sku) => !duplicates.includes(sku)),
    now,
  );

  // Compare-and-set: never past the version read, so a change made meanwhile stays dirty.
  await prisma.$executeRaw`
    UPDATE "ShopifyVariant" AS v SET "computedVersion" = GREATEST(v."computedVersion", d.version)
    FROM unnest(${dirtyIds}::text[], ${dirty.map((d) => d.changeVersion)}::int[]) AS d(id, version)
    WHERE v."variantId" = d.id AND v."shop" = ${shop}`;
  return { variants: dirty.length, skus: skus.length, offersChanged, duplicates };
}

/** Loads what the connection's row planning reads (its SKU mapping, the rows written before), and plans. */
async function desiredRowsFor(
  connection: { id: string; shop: string },
  settings: ConnectionSettings,
  skus: readonly string[],
  feeders: ReadonlyMap<string, ShopifyVariant[]>,
  decide: (sku: string, variant: ShopifyVariant | null) => SellableResult,
): Promise<OfferRowsPlan> {
  const overrides = await prisma.skuMapping.findMany({
    where: { connectionId: connection.id, OR: [{ shopifySku: { in: [...skus] } }, { offerSku: { in: [...skus] } }] },
    select: { shopifySku: true, offerSku: true },
  });
  const fedOffers = offerSkusFedBy(skus, overrides);
  // Rows these SKUs fed before (an override changed, a warehouse was unmapped, a SKU was renamed).
  // Two queries, not one OR: each then uses its own index instead of scanning all the connection's offers.
  const existingSelect = {
    id: true,
    offerSku: true,
    warehouseCode: true,
    shopifySku: true,
    desiredQuantity: true,
    desiredPrice: true,
    desiredDiscountPrice: true,
  } as const;
  const existing = [
    ...new Map(
      [
        ...(await prisma.offerStock.findMany({
          where: { connectionId: connection.id, shopifySku: { in: [...skus] } },
          select: existingSelect,
        })),
        ...(await prisma.offerStock.findMany({
          where: { connectionId: connection.id, offerSku: { in: [...fedOffers] } },
          select: existingSelect,
        })),
      ].map((row) => [row.id, row]),
    ).values(),
  ];
  // An offer these SKUs no longer feed may be mapped onto another SKU now: the planning asks who claims it.
  const unfedOffers = existing.filter((row) => !fedOffers.has(row.offerSku)).map((row) => row.offerSku);
  const claims = unfedOffers.length
    ? await prisma.skuMapping.findMany({
        where: { connectionId: connection.id, offerSku: { in: unfedOffers } },
        select: { shopifySku: true, offerSku: true },
      })
    : [];
  const claimersWithVariants = new Set(
    claims.length
      ? (
          await prisma.shopifyVariant.findMany({
            where: { shop: connection.shop, sku: { in: claims.map((c) => c.shopifySku) } },
            distinct: ["sku"],
            select: { sku: true },
          })
        )
          .map((v) => v.sku)
          .filter((sku): sku is string => sku !== null)
      : [],
  );
  return planOfferRows({
    skus,
    feeders,
    overrides,
    warehouseCodes: settings.stock.warehouses.map((w) => w.code),
    prices: settings.prices,
    decide,
    existing,
    claims,
    claimersWithVariants,
  });
}

async function reportDuplicates(
  shop: string,
  duplicates: readonly string[],
  feeders: ReadonlyMap<string, ShopifyVariant[]>,
  now: Date,
) {
  if (duplicates.length === 0) return;
  await reportExceptions(
    duplicates.map((sku) => {
      const variants = feeders.get(sku)!;
      return {
        shop,
        kind: "DUPLICATE_SHOPIFY_SKU" as const,
        severity: "WARNING" as const,
        entityType: "ShopifySku",
        entityId: sku,
        message: `${variants.length} Shopify variants share the SKU "${sku}", so its offers advertise 0 on every marketplace.`,
        fixHint: `Give each variant its own SKU in Shopify (${variants.map((v) => v.title ?? v.variantId).join(", ")}), or archive the one you no longer sell. Stock is sent again as soon as the SKU is unique.`,
        detail: { sku, variantIds: variants.map((v) => v.variantId) },
      };
    }),
    now,
  );
}

async function resolveDuplicates(shop: string, skus: readonly string[], now: Date) {
  if (skus.length === 0) return;
  await prisma.syncException.updateMany({
    where: {
      shop,
      kind: "DUPLICATE_SHOPIFY_SKU",
      entityType: "ShopifySku",
      entityId: { in: [...skus] },
      status: "OPEN",
    },
    data: { status: "RESOLVED", resolvedAt: now },
  });
}

async function reportMisconfigured(connection: { id: string; shop: string; name: string }, error: unknown) {
  await reportException({
    shop: connection.shop,
    connectionId: connection.id,
    kind: "CONNECTION_MISCONFIGURED",
    severity: "ERROR",
    entityType: "MarketplaceConnection",
    entityId: `${connection.id}:stock-settings`,
    message: `The stock settings of ${connection.name} cannot be read, so its stock is not recomputed: ${error instanceof Error ? error.message : String(error)}`,
    fixHint: "Open the connection's settings and save them again; stock is recomputed as soon as they are valid.",
  });
}

/** A connection's settings changed (locations, buffer, rules, warehouses, mapping): all its offers are recomputed. */
export async function recomputeConnection(shop: string, connectionId: string, now = new Date()): Promise<number> {
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true, settings: true },
  });
  if (!connection) throw new Error(`connection ${connectionId} does not exist for ${shop}`);
  await resolveDeactivatedLocationsNoLongerChosen(shop, connectionId, connection.settings, now);
  // computedVersion is per variant, not per connection: every variant is revisited; unchanged offers are no-ops.
  const { count } = await prisma.shopifyVariant.updateMany({
    where: { shop },
    data: { changeVersion: { increment: 1 } },
  });
  await prisma.syncException.updateMany({
    where: {
      shop,
      connectionId,
      kind: "CONNECTION_MISCONFIGURED",
      entityId: `${connectionId}:stock-settings`,
      status: "OPEN",
    },
    data: { status: "RESOLVED", resolvedAt: now },
  });
  if (count > 0) await workUnits.stockRecompute.markDirty(shop, now);
  // Rows left dirty while the connection was disabled or not configured go out even if no quantity changes now.
  await workUnits.stockPush.markDirty(connectionId, shop, now);
  await workUnits.pricePush.markDirty(connectionId, shop, now);
  return count;
}

/**
 * A deactivated location the stock rules chose is an exception on the connection (locations/deactivate); once
 * the rules no longer choose it, that exception is resolved.
 */
async function resolveDeactivatedLocationsNoLongerChosen(
  shop: string,
  connectionId: string,
  storedSettings: unknown,
  now: Date,
) {
  let chosen: Set<string>;
  try {
    const { stock } = parseConnectionSettings(storedSettings);
    chosen = new Set([...stock.locationIds, ...stock.warehouses.flatMap((w) => w.locationIds)]);
  } catch {
    return; // unreadable settings are reported as such; the location exception stays until they are fixed
  }
  const prefix = `${connectionId}:location:`;
  const open = await prisma.syncException.findMany({
    where: { shop, connectionId, kind: "CONNECTION_MISCONFIGURED", entityId: { startsWith: prefix }, status: "OPEN" },
    select: { id: true, entityId: true },
  });
  const settled = open.filter((e) => {
    const locationGid = e.entityId.slice(prefix.length);
    return !chosen.has(locationGid) && !chosen.has(locationGid.split("/").pop()!);
  });
  if (settled.length === 0) return;
  await prisma.syncException.updateMany({
    where: { shop, id: { in: settled.map((e) => e.id) } },
    data: { status: "RESOLVED", resolvedAt: now },
  });
}

export interface RunOptions {
  now?: () => Date;
  signal?: AbortSignal;
  /** Reads Shopify for inventory items the mirror does not know; null skips that step. */
  shopify?: ShopifyClientFactory | null;
  batchSize?: number;
  budgetMs?: number;
}

/** One run of the shop's unit: unknown items first (so they are included), then dirty variants in batches. */
export async function runStockRecompute(
  shop: string,
  options: RunOptions = {},
): Promise<{ nextDueAt: Date | null; variants: number; offersChanged: number }> {
  const now = options.now ?? (() => new Date());
  const started = now().getTime();
  let retryAt: Date | null = null;

  if (options.shopify !== null && (await hasUnknownItems(shop))) {
    try {
      const fetched = await fetchUnknownInventoryItems(
        shop,
        await (options.shopify ?? shopifyClientForShop)(shop),
        now(),
      );
      if (fetched.more) retryAt = now();
    } catch (error) {
      // Known variants must not wait for Shopify: recompute them, and look the unknown items up again later.
      logger.warn("stock recompute: reading unknown inventory items failed", {
        shop,
        error: error instanceof Error ? error.message : String(error),
      });
      retryAt = new Date(started + UNKNOWN_ITEM_RETRY_MS);
    }
  }

  // Holds whose oldest sale has left the look-back are recomputed now (level-triggered release).
  await releaseDueVelocityReviews(shop, now());
  let variants = 0;
  let offersChanged = 0;
  let after: string | undefined;
  let statisticsAt = -Infinity;
  for (;;) {
    if (options.signal?.aborted) return { nextDueAt: now(), variants, offersChanged };
    const dirty = await loadDirtyVariants(shop, options.batchSize ?? RECOMPUTE_BATCH, after);
    if (dirty.length === 0) {
      if (after === undefined) break;
      after = undefined; // once more from the start: variants behind the cursor may have changed meanwhile
      continue;
    }
    if (dirty.length === (options.batchSize ?? RECOMPUTE_BATCH) && variants - statisticsAt >= STATISTICS_EVERY) {
      await refreshPlannerStatistics();
      statisticsAt = variants;
    }
    after = dirty[dirty.length - 1].variantId;
    const result = await recomputeVariants(shop, dirty, now());
    variants += result.variants;
    offersChanged += result.offersChanged;
    if (now().getTime() - started > (options.budgetMs ?? RUN_BUDGET_MS))
      return { nextDueAt: now(), variants, offersChanged };
  }
  const reviewAt = await nextVelocityReviewAt(shop);
  const nextDueAt =
    [retryAt, reviewAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  return { nextDueAt, variants, offersChanged };
}

/**
 * PGlite has no autovacuum, so nothing gathers planner statistics; without them the planner takes
 * `shop = $1` for a selective filter and scans the whole shop on every batch (a cold 100k run went
 * quadratic). A large backlog (first install, catalogue refresh) refreshes them as the tables grow;
 * on PostgreSQL autovacuum does it.
 */
async function refreshPlannerStatistics() {
  if (!usesEmbeddedDatabase()) return;
  // The columns the recompute filters on only: sampling the JSON explanations would cost seconds.
  await prisma.$executeRawUnsafe(
    `ANALYZE "ShopifyVariant" ("shop", "variantId", "sku", "inventoryItemId"), "ShopifyInventoryLevel" ("shop", "inventoryItemId"), "OfferStock" ("shop", "connectionId", "offerSku", "shopifySku", "variantId")`,
  );
}

async function hasUnknownItems(shop: string): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ found: number }[]>`
    SELECT 1 AS found FROM "ShopifyInventoryLevel" l
    WHERE l."shop" = ${shop}
      AND NOT EXISTS (SELECT 1 FROM "ShopifyVariant" v WHERE v."shop" = l."shop" AND v."inventoryItemId" = l."inventoryItemId")
    LIMIT 1`;
  return rows.length > 0;
}

export const stockRecomputeTask = workUnits.stockRecompute.task(async (unit, ctx) => {
  const { nextDueAt } = await runStockRecompute(unit.shop!, { now: ctx.now, signal: ctx.signal });
  return { nextDueAt };
});

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
