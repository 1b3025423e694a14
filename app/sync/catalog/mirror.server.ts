import prisma from "~/db.server";
import type { VariantInventoryRow } from "~/integrations/shopify/bulk-export";
import { shopifyAdminForShop, type ShopifyAdminClient } from "~/integrations/shopify/client";
import type { Gid, OperationData } from "~/integrations/shopify/operation";
import {
  inventoryItemsWithLevels,
  productVariantsForSync,
  type VariantWithItem,
} from "~/integrations/shopify/operations";
import { shopifyAccessWatch } from "~/shops/shopify-access.server";
import { workUnits } from "~/worker/registry.server";

/**
 * The catalogue mirror (`ShopifyVariant`, `ShopifyInventoryLevel`): observed Shopify state, written
 * by webhooks, reads and bulk exports. Every write is shop-scoped (a row of another shop is never
 * touched, whatever a payload names) and ordered: a level only moves forward in Shopify's own
 * `updated_at`, a variant only forward in `observedAt`. A write bumps `changeVersion` only when a
 * fact the stock or price decision reads changed, so the recompute does no work for a no-op.
 */

export type ShopifyClientFactory = (shop: string) => Promise<ShopifyAdminClient>;

/**
 * The shop's cost-aware Admin client through its offline session. Imported lazily so modules that
 * only write the mirror do not load the Shopify app configuration. A lost access (no session, a refused
 * token) becomes the shop's SHOPIFY_ACCESS_LOST exception, whichever flow meets it.
 */
export const shopifyClientForShop: ShopifyClientFactory = async (shop) => {
  const { unauthenticated } = await import("~/shopify.server");
  return shopifyAdminForShop(shop, unauthenticated.admin, { accessWatch: shopifyAccessWatch(shop) });
};

export interface VariantFacts {
  variantId: Gid;
  productId: Gid;
  sku: string | null;
  barcode: string | null;
  title: string | null;
  productStatus: string;
  tracked: boolean;
  inventoryItemId: Gid;
  price: string | null;
  compareAtPrice: string | null;
}

export interface LevelFact {
  inventoryItemId: Gid;
  locationId: Gid;
  available: number;
  /** Shopify's updated_at for the level (or the time of the snapshot that saw it). */
  observedAt: Date;
}

export function variantFactsFromGraphql(variant: VariantWithItem): VariantFacts {
  return {
    variantId: variant.id,
    productId: variant.product.id,
    sku: variant.sku,
    barcode: variant.barcode,
    title: variant.displayName,
    productStatus: variant.product.status,
    tracked: variant.inventoryItem.tracked,
    inventoryItemId: variant.inventoryItem.id,
    price: variant.price,
    compareAtPrice: variant.compareAtPrice,
  };
}

export function variantFactsFromExportRow(row: Extract<VariantInventoryRow, { kind: "variant" }>): VariantFacts {
  return {
    variantId: row.variantId,
    productId: row.productId,
    sku: row.sku,
    barcode: row.barcode,
    title: `${row.productTitle} - ${row.title}`,
    productStatus: row.productStatus,
    tracked: row.tracked,
    inventoryItemId: row.inventoryItemId,
    price: row.price,
    compareAtPrice: row.compareAtPrice,
  };
}

export interface UpsertResult {
  /** Rows written (new, changed, or confirmed unchanged). */
  written: number;
  /** Rows whose stock/price facts changed (new rows included): these need a recompute. */
  changed: number;
  /** Rows not written: the mirror already holds a newer observation, or the variant belongs to another shop. */
  skipped: number;
}

/**
 * Upserts variants as Shopify showed them at `observedAt`. A row already observed later is left
 * alone; a deleted row that shows up again is alive again. Title and barcode are kept but do not
 * trigger a recompute: neither moves a quantity or a price.
 */
export async function upsertVariants(
  shop: string,
  variants: readonly VariantFacts[],
  observedAt: Date,
): Promise<UpsertResult> {
  if (variants.length === 0) return { written: 0, changed: 0, skipped: 0 };
  const unique = [...new Map(variants.map((v) => [v.variantId, v])).values()];
  const column = <K extends keyof VariantFacts>(key: K) => unique.map((v) => v[key]);
  const [result] = await prisma.$queryRaw<{ written: number; changed: number }[]>`
    WITH before AS (
      SELECT "variantId", "changeVersion", "sku" FROM "ShopifyVariant" WHERE "variantId" = ANY(${column("variantId")}::text[]) AND "shop" = ${shop}
    ),
    written AS (
    INSERT INTO "ShopifyVariant" AS s
      ("variantId", "shop", "productId", "sku", "barcode", "title", "productStatus", "tracked", "inventoryItemId",
       "price", "compareAtPrice", "deletedAt", "observedAt", "changeVersion", "computedVersion", "updatedAt")
    SELECT v."variantId", ${shop}, v."productId", v."sku", v."barcode", v."title", v."productStatus", v."tracked", v."inventoryItemId",
           v."price", v."compareAtPrice", NULL, ${observedAt}, 1, 0, now()
    FROM unnest(
      ${column("variantId")}::text[], ${column("productId")}::text[], ${column("sku")}::text[], ${column("barcode")}::text[],
      ${column("title")}::text[], ${column("productStatus")}::text[], ${column("tracked")}::bool[], ${column("inventoryItemId")}::text[],
      ${column("price")}::text[], ${column("compareAtPrice")}::text[]
    ) AS v("variantId", "productId", "sku", "barcode", "title", "productStatus", "tracked", "inventoryItemId", "price", "compareAtPrice")
    ON CONFLICT ("variantId") DO UPDATE SET
      "productId" = EXCLUDED."productId",
      "sku" = EXCLUDED."sku",
      "barcode" = EXCLUDED."barcode",
      "title" = EXCLUDED."title",
      "productStatus" = EXCLUDED."productStatus",
      "tracked" = EXCLUDED."tracked",
      "inventoryItemId" = EXCLUDED."inventoryItemId",
      "price" = EXCLUDED."price",
      "compareAtPrice" = EXCLUDED."compareAtPrice",
      "deletedAt" = NULL,
      "observedAt" = EXCLUDED."observedAt",
      "changeVersion" = s."changeVersion" + CASE WHEN
          (s."sku", s."productStatus", s."tracked", s."inventoryItemId", s."price", s."compareAtPrice", s."deletedAt")
          IS DISTINCT FROM
          (EXCLUDED."sku", EXCLUDED."productStatus", EXCLUDED."tracked", EXCLUDED."inventoryItemId", EXCLUDED."price", EXCLUDED."compareAtPrice", NULL::timestamp)
        THEN 1 ELSE 0 END,
      "updatedAt" = now()
    WHERE s."shop" = EXCLUDED."shop" AND (s."observedAt" IS NULL OR s."observedAt" <= EXCLUDED."observedAt")
    RETURNING s."variantId", s."changeVersion", s."sku"
    ),
    -- A SKU that a variant left may now have one variant instead of two (a duplicate resolved): revisit its holders.
    left_skus AS (
      SELECT DISTINCT b."sku" FROM written w JOIN before b USING ("variantId") WHERE b."sku" IS NOT NULL AND b."sku" IS DISTINCT FROM w."sku"
    ),
    revisited AS (
      UPDATE "ShopifyVariant" o SET "changeVersion" = o."changeVersion" + 1, "updatedAt" = now()
      WHERE o."shop" = ${shop} AND o."sku" IN (SELECT "sku" FROM left_skus) AND o."variantId" <> ALL(${column("variantId")}::text[])
      RETURNING o."variantId"
    )
    SELECT count(*)::int AS written,
           (count(*) FILTER (WHERE b."changeVersion" IS NULL OR b."changeVersion" <> w."changeVersion"))::int AS changed
    FROM written w LEFT JOIN before b USING ("variantId")`;
  return { written: result.written, changed: result.changed, skipped: unique.length - result.written };
}

/** Marks variants deleted (they advertise 0 from now on). Returns how many were live. */
async function markVariantsDeleted(
  shop: string,
  where: { productId?: Gid; variantIds?: Gid[]; notObservedSince?: Date },
  now: Date,
): Promise<number> {
  const { count } = await prisma.shopifyVariant.updateMany({
    where: {
      shop,
      deletedAt: null,
      ...(where.productId ? { productId: where.productId } : {}),
      ...(where.variantIds ? { variantId: { in: where.variantIds } } : {}),
      ...(where.notObservedSince ? { OR: [{ observedAt: null }, { observedAt: { lt: where.notObservedSince } }] } : {}),
    },
    data: { deletedAt: now, observedAt: now, changeVersion: { increment: 1 } },
  });
  return count;
}

/** Prisma stores timestamps as UTC in `timestamp` columns; an array parameter is sent as text in that form. */
const utcTimestamp = (date: Date) => {
  if (Number.isNaN(date.getTime())) throw new Error("an inventory level's timestamp is not a valid date");
  return date.toISOString().replace("Z", "");
};

/** A level whose `available` went down, seen as it happened (the stock flow takes sales from these). */
export interface LevelDrop {
  inventoryItemId: string;
  locationId: string;
  before: number;
  after: number;
  observedAt: Date;
}

export interface LevelsResult {
  /** Levels written (newer than what the mirror held, or new). */
  applied: number;
  /** Levels whose `available` actually changed. */
  changed: number;
  /** Variants bumped for a recompute. */
  variantsBumped: number;
  /** Levels whose `available` went down, with both values (sales-velocity protection reads them). */
  drops: LevelDrop[];
}

/**
 * Applies `available` per item and location. A level older than the one stored is ignored, so a
 * late webhook (or a bulk export that started before a change) never overwrites a newer value; two
 * observations with the same timestamp: the later write wins (the inbox processes in trigger order).
 * The level and the recompute bump are one statement: a level never changes without its bump.
 */
export async function applyLevels(shop: string, levels: readonly LevelFact[]): Promise<LevelsResult> {
  if (levels.length === 0) return { applied: 0, changed: 0, variantsBumped: 0, drops: [] };
  const latest = new Map<string, LevelFact>();
  for (const level of levels) {
    if (!Number.isInteger(level.available))
      throw new Error(
        `available ${level.available} for ${level.inventoryItemId} at ${level.locationId} is not a whole number`,
      );
    const key = `${level.inventoryItemId}\u0000${level.locationId}`;
    const seen = latest.get(key);
    if (!seen || seen.observedAt <= level.observedAt) latest.set(key, level);
  }
  const unique = [...latest.values()];
  const [result] = await prisma.$queryRaw<
    {
      applied: number;
      changed: number;
      bumped: number;
      drops: { inventoryItemId: string; locationId: string; before: number; after: number }[];
    }[]
  >`
    WITH incoming AS (
      SELECT * FROM unnest(${unique.map((l) => l.inventoryItemId)}::text[], ${unique.map((l) => l.locationId)}::text[],
                           ${unique.map((l) => l.available)}::int[], ${unique.map((l) => utcTimestamp(l.observedAt))}::timestamp[])
        AS i("inventoryItemId", "locationId", "available", "observedAt")
    ),
    before AS (
      SELECT l."inventoryItemId", l."locationId", l."available"
      FROM "ShopifyInventoryLevel" l JOIN incoming i USING ("inventoryItemId", "locationId")
    ),
    written AS (
      INSERT INTO "ShopifyInventoryLevel" AS l ("shop", "inventoryItemId", "locationId", "available", "observedAt")
      SELECT ${shop}, i."inventoryItemId", i."locationId", i."available", i."observedAt" FROM incoming i
      ON CONFLICT ("inventoryItemId", "locationId") DO UPDATE SET "available" = EXCLUDED."available", "observedAt" = EXCLUDED."observedAt"
      WHERE l."shop" = EXCLUDED."shop" AND l."observedAt" <= EXCLUDED."observedAt"
      RETURNING l."inventoryItemId", l."locationId", l."available"
    ),
    changed AS (
      SELECT w."inventoryItemId" FROM written w LEFT JOIN before b USING ("inventoryItemId", "locationId")
      WHERE b."available" IS DISTINCT FROM w."available"
    ),
    dropped AS (
      SELECT w."inventoryItemId", w."locationId", b."available" AS "before", w."available" AS "after"
      FROM written w JOIN before b USING ("inventoryItemId", "locationId") WHERE b."available" > w."available"
    ),
    bumped AS (
      UPDATE "ShopifyVariant" v SET "changeVersion" = v."changeVersion" + 1, "updatedAt" = now()
      WHERE v."shop" = ${shop} AND v."inventoryItemId" IN (SELECT "inventoryItemId" FROM changed)
      RETURNING v."variantId"
    )
    SELECT (SELECT count(*) FROM written)::int AS applied, (SELECT count(*) FROM changed)::int AS changed, (SELECT count(*) FROM bumped)::int AS bumped,
           (SELECT coalesce(json_agg(dropped), '[]'::json) FROM dropped) AS drops`;
  const drops = result.drops.map((d) => ({
    ...d,
    observedAt: latest.get(`${d.inventoryItemId}\u0000${d.locationId}`)!.observedAt,
  }));
  return { applied: result.applied, changed: result.changed, variantsBumped: result.bumped, drops };
}

export interface LevelKey {
  inventoryItemId: string;
  locationId: string;
}

/**
 * Levels that no longer exist in Shopify (a disconnected item, a deactivated location, a level a full export no
 * longer lists): deleted with their variants' recompute bump in one statement, so stock there stops counting
 * for every connection at the next recompute. Returns the levels removed.
 */
export async function removeLevels(
  shop: string,
  where: { locationId: string; inventoryItemIds?: readonly string[] } | { pairs: readonly LevelKey[] },
): Promise<number> {
  const pairs = "pairs" in where ? where.pairs : null;
  if (pairs?.length === 0) return 0;
  const locationId = "pairs" in where ? null : where.locationId;
  const items = "pairs" in where ? null : where.inventoryItemIds ? [...where.inventoryItemIds] : null;
  const [result] = await prisma.$queryRaw<{ removed: number }[]>`
    WITH removed AS (
      DELETE FROM "ShopifyInventoryLevel"
      WHERE "shop" = ${shop}
        AND (${locationId}::text IS NULL OR "locationId" = ${locationId})
        AND (${items}::text[] IS NULL OR "inventoryItemId" = ANY(${items}::text[]))
        AND (${pairs === null} OR ("inventoryItemId", "locationId") IN (
          SELECT * FROM unnest(${pairs?.map((p) => p.inventoryItemId) ?? []}::text[], ${pairs?.map((p) => p.locationId) ?? []}::text[])))
      RETURNING "inventoryItemId"
    ),
    bumped AS (
      UPDATE "ShopifyVariant" v SET "changeVersion" = v."changeVersion" + 1, "updatedAt" = now()
      WHERE v."shop" = ${shop} AND v."inventoryItemId" IN (SELECT "inventoryItemId" FROM removed)
      RETURNING v."variantId"
    )
    SELECT (SELECT count(*) FROM removed)::int AS removed, (SELECT count(*) FROM bumped)::int AS bumped`;
  return result.removed;
}

/** Re-reads one product (status, every variant) and mirrors it; variants Shopify no longer lists are deleted. */
export async function refreshProduct(shop: string, client: ShopifyAdminClient, productId: Gid, now = new Date()) {
  const variants: VariantFacts[] = [];
  let after: string | null = null;
  for (;;) {
    const page: OperationData<typeof productVariantsForSync> = await client.request(productVariantsForSync, {
      id: productId,
      first: PRODUCT_VARIANTS_PAGE,
      after,
    });
    const product = page.product;
    if (!product) {
      return {
        found: false,
        upserted: { written: 0, changed: 0, skipped: 0 },
        deleted: await markVariantsDeleted(shop, { productId }, now),
      };
    }
    variants.push(...product.variants.nodes.map(variantFactsFromGraphql));
    if (!product.variants.pageInfo.hasNextPage) break;
    after = product.variants.pageInfo.endCursor;
  }
  const known = await prisma.shopifyVariant.findMany({
    where: { shop, variantId: { in: variants.map((v) => v.variantId) } },
    select: { variantId: true },
  });
  const upserted = await upsertVariants(shop, variants, now);
  // A variant new to the mirror has no levels yet: read them now rather than advertise 0 until stock moves.
  const knownIds = new Set(known.map((k) => k.variantId));
  await readLevelsOfItems(
    shop,
    client,
    variants.filter((v) => !knownIds.has(v.variantId)).map((v) => v.inventoryItemId),
    now,
  );
  const listed = new Set(variants.map((v) => v.variantId));
  const mirrored = await prisma.shopifyVariant.findMany({
    where: { shop, productId, deletedAt: null },
    select: { variantId: true },
  });
  const gone = mirrored.map((v) => v.variantId).filter((id) => !listed.has(id));
  const deleted = gone.length ? await markVariantsDeleted(shop, { variantIds: gone, notObservedSince: now }, now) : 0;
  return { found: true, upserted, deleted };
}

/** Shopify products have up to 2048 variants; 100 per page keeps each read well under the cost limit. */
const PRODUCT_VARIANTS_PAGE = 100;

/** products/delete: every variant of the product advertises 0. */
export function markProductDeleted(shop: string, productId: Gid, now = new Date()) {
  return markVariantsDeleted(shop, { productId }, now);
}

/** Items per read, and levels per item: sized to stay under Shopify's 1,000-point query limit. */
const UNKNOWN_ITEMS_PER_READ = 10;
const LEVELS_PER_ITEM = 25;
const UNKNOWN_ITEMS_PER_PASS = 500;

/**
 * A level can arrive for an inventory item the mirror has no variant for (a product created since
 * the last export): its variant is read from Shopify, a few items per request through the
 * cost-aware client, with the item's other levels. An item Shopify no longer has (or that has no
 * variant) loses its levels, so it is not read again on every pass.
 */
export async function fetchUnknownInventoryItems(shop: string, client: ShopifyAdminClient, now = new Date()) {
  const unknown = await prisma.$queryRaw<{ inventoryItemId: string }[]>`
    SELECT DISTINCT l."inventoryItemId" FROM "ShopifyInventoryLevel" l
    WHERE l."shop" = ${shop}
      AND NOT EXISTS (SELECT 1 FROM "ShopifyVariant" v WHERE v."shop" = l."shop" AND v."inventoryItemId" = l."inventoryItemId")
    ORDER BY l."inventoryItemId"
    LIMIT ${UNKNOWN_ITEMS_PER_PASS}`;
  const { found, missing } = await readLevelsOfItems(
    shop,
    client,
    unknown.map((u) => u.inventoryItemId),
    now,
  );
  return { looked: unknown.length, found, missing, more: unknown.length === UNKNOWN_ITEMS_PER_PASS };
}

/** Reads items with their variant and levels, a few per request, and mirrors them; items Shopify no longer has lose their levels. */
async function readLevelsOfItems(shop: string, client: ShopifyAdminClient, itemIds: readonly Gid[], now: Date) {
  let found = 0;
  let missing = 0;
  for (let i = 0; i < itemIds.length; i += UNKNOWN_ITEMS_PER_READ) {
    const ids = itemIds.slice(i, i + UNKNOWN_ITEMS_PER_READ);
    const { nodes } = await client.request(inventoryItemsWithLevels, {
      ids,
      quantityNames: ["available"],
      levelsFirst: LEVELS_PER_ITEM,
    });
    const variants: VariantFacts[] = [];
    const levels: LevelFact[] = [];
    const gone: string[] = [];
    nodes.forEach((item, index) => {
      if (!item || item.__typename !== "InventoryItem" || !item.variant) {
        gone.push(ids[index]!);
        return;
      }
      variants.push(variantFactsFromGraphql(item.variant));
      for (const level of item.inventoryLevels.nodes) {
        const available = level.quantities.find((q) => q.name === "available");
        if (available)
          levels.push({
            inventoryItemId: item.id,
            locationId: level.location.id,
            available: available.quantity,
            observedAt: available.updatedAt ? new Date(available.updatedAt) : now,
          });
      }
    });
    await upsertVariants(shop, variants, now);
    await applyLevels(shop, levels);
    if (gone.length) await prisma.shopifyInventoryLevel.deleteMany({ where: { shop, inventoryItemId: { in: gone } } });
    found += variants.length;
    missing += gone.length;
  }
  return { found, missing };
}

export interface IngestOptions {
  /**
   * When the export started (the bulk operation's createdAt). Facts observed after it (webhooks
   * processed while the export ran) are kept; variants not in the export and not observed after it
   * are deleted. Defaults to the call time, which is later than the real snapshot: pass it.
   */
  snapshotAt?: Date;
  /** Rows per upsert statement; memory stays bounded by it whatever the export's size. */
  batchSize?: number;
}

export interface IngestResult {
  variants: number;
  levels: number;
  variantsChanged: number;
  levelsChanged: number;
  /** Variants the mirror held that the export no longer lists. */
  deleted: number;
  /** Levels the mirror held that the export no longer lists (disconnected items, deactivated locations). */
  levelsRemoved: number;
  /** Rows left alone because the mirror held a newer observation. */
  skippedNewer: number;
  batches: number;
  largestBatch: number;
}

/**
 * Streams a full variant + inventory export (exportVariantInventory) into the mirror in batched
 * upserts: constant memory for any catalogue size. Levels name their variant, not their item, so
 * each level batch resolves items from the variants already written (a level line always follows
 * its variant's line). Deletions are applied only once the whole export has been read: an export
 * that fails halfway deletes nothing.
 */
export async function ingestVariantInventoryExport(
  shop: string,
  rows: AsyncIterable<VariantInventoryRow>,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const snapshotAt = options.snapshotAt ?? new Date();
  const batchSize = options.batchSize ?? 1_000;
  const result: IngestResult = {
    variants: 0,
    levels: 0,
    variantsChanged: 0,
    levelsChanged: 0,
    deleted: 0,
    levelsRemoved: 0,
    skippedNewer: 0,
    batches: 0,
    largestBatch: 0,
  };
  let variants: VariantFacts[] = [];
  let levels: Extract<VariantInventoryRow, { kind: "level" }>[] = [];
  // Every level the export lists, by variant and location: a level it does not list was disconnected (or its
  // location deactivated) and must stop counting. Kept as ids only; this is the one part that grows with the catalogue.
  const listedLevels = new ListedLevels();

  const count = (size: number) => {
    result.batches++;
    result.largestBatch = Math.max(result.largestBatch, size);
  };
  const flushVariants = async () => {
    if (variants.length === 0) return;
    const upserted = await upsertVariants(shop, variants, snapshotAt);
    count(variants.length);
    result.variants += variants.length;
    result.variantsChanged += upserted.changed;
    result.skippedNewer += upserted.skipped;
    variants = [];
  };
  const flushLevels = async () => {
    await flushVariants();
    if (levels.length === 0) return;
    const owners = await prisma.shopifyVariant.findMany({
      where: { shop, variantId: { in: [...new Set(levels.map((l) => l.variantId))] } },
      select: { variantId: true, inventoryItemId: true },
    });
    const itemOf = new Map(owners.map((o) => [o.variantId, o.inventoryItemId]));
    const facts: LevelFact[] = [];
    for (const level of levels) {
      const inventoryItemId = itemOf.get(level.variantId);
      const available = level.quantities.available;
      if (!inventoryItemId || available === undefined) continue; // a variant of another shop, or no available figure
      facts.push({
        inventoryItemId,
        locationId: level.locationId,
        available,
        observedAt: level.availableUpdatedAt ? new Date(level.availableUpdatedAt) : snapshotAt,
      });
    }
    const applied = await applyLevels(shop, facts);
    count(levels.length);
    result.levels += levels.length;
    result.levelsChanged += applied.changed;
    result.skippedNewer += facts.length - applied.applied;
    levels = [];
  };

  for await (const row of rows) {
    if (row.kind === "variant") {
      variants.push(variantFactsFromExportRow(row));
      if (variants.length >= batchSize) await flushVariants();
    } else {
      listedLevels.add(row.variantId, row.locationId);
      levels.push(row);
      if (levels.length >= batchSize) await flushLevels();
    }
  }
  await flushLevels();
  result.levelsRemoved = await removeLevelsNotListed(shop, listedLevels, snapshotAt, batchSize);
  result.deleted = await markVariantsDeleted(
    shop,
    { notObservedSince: snapshotAt },
    new Date(Math.max(Date.now(), snapshotAt.getTime())),
  );
  if (result.variantsChanged + result.levelsChanged + result.levelsRemoved + result.deleted > 0)
    await workUnits.stockRecompute.markDirty(shop);
  return result;
}

/**
 * The (variant, location) pairs an export listed, compactly: per location, the variants' numeric ids as numbers
 * (about 4 MB for 100,000 levels, against 19 MB as "variant\0location" strings). An id that is not a plain numeric
 * GID is kept whole.
 */
class ListedLevels {
  private readonly byLocation = new Map<string, Set<number | string>>();

  add(variantId: string, locationId: string) {
    let variants = this.byLocation.get(locationId);
    if (!variants) this.byLocation.set(locationId, (variants = new Set()));
    variants.add(compactId(variantId));
  }

  has(variantId: string, locationId: string): boolean {
    return this.byLocation.get(locationId)?.has(compactId(variantId)) ?? false;
  }
}

function compactId(gid: string): number | string {
  const tail = gid.slice(gid.lastIndexOf("/") + 1);
  const id = Number(tail);
  return Number.isSafeInteger(id) && String(id) === tail ? id : gid;
}

/**
 * The sweep behind inventory_levels/disconnect and locations/deactivate (a webhook can be lost): after a whole
 * export was read, a mirrored level it does not list is gone from Shopify, unless a webhook observed it after the
 * export started. Walks the shop's levels in pages (keyset), so the mirror is never loaded whole.
 */
async function removeLevelsNotListed(
  shop: string,
  listed: ListedLevels,
  snapshotAt: Date,
  pageSize: number,
): Promise<number> {
  let removed = 0;
  let after: LevelKey | null = null;
  for (;;) {
    const page: (LevelKey & { variantId: string | null; variantObservedAt: Date | null })[] = await prisma.$queryRaw`
      SELECT l."inventoryItemId", l."locationId", v."variantId", v."observedAt" AS "variantObservedAt"
      FROM "ShopifyInventoryLevel" l
      LEFT JOIN "ShopifyVariant" v ON v."shop" = l."shop" AND v."inventoryItemId" = l."inventoryItemId"
      WHERE l."shop" = ${shop} AND l."observedAt" < ${utcTimestamp(snapshotAt)}::timestamp
        AND (${after === null} OR (l."inventoryItemId", l."locationId") > (${after?.inventoryItemId ?? ""}, ${after?.locationId ?? ""}))
      ORDER BY l."inventoryItemId", l."locationId"
      LIMIT ${pageSize}`;
    if (page.length === 0) return removed;
    // A variant read after the export started (this export writes its own at snapshotAt) is newer than the
    // export's word on it: its levels are left alone.
    const gone = page.filter(
      (l) =>
        !(l.variantObservedAt && l.variantObservedAt > snapshotAt) &&
        !(l.variantId && listed.has(l.variantId, l.locationId)),
    );
    removed += await removeLevels(shop, { pairs: gone });
    const last = page[page.length - 1];
    after = { inventoryItemId: last.inventoryItemId, locationId: last.locationId };
  }
}
