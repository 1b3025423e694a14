import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import type { VariantInventoryRow } from "~/integrations/shopify/bulk-export";
import {
  applyLevels,
  ingestVariantInventoryExport,
  upsertVariants,
  type VariantFacts,
} from "~/sync/catalog/mirror.server";

const shop = "catalog.myshopify.com";
const otherShop = "catalog-other.myshopify.com";
const LOCATION = "gid://shopify/Location/1";

const facts = (n: number, overrides: Partial<VariantFacts> = {}): VariantFacts => ({
  variantId: `gid://shopify/ProductVariant/${n}`,
  productId: "gid://shopify/Product/1",
  sku: `SKU-${n}`,
  barcode: null,
  title: `Variant ${n}`,
  productStatus: "ACTIVE",
  tracked: true,
  inventoryItemId: `gid://shopify/InventoryItem/${n}`,
  price: "10.00",
  compareAtPrice: null,
  ...overrides,
});
const variant = (n: number) =>
  prisma.shopifyVariant.findUniqueOrThrow({ where: { variantId: `gid://shopify/ProductVariant/${n}` } });
const level = (n: number, locationId = LOCATION) =>
  prisma.shopifyInventoryLevel.findUnique({
    where: { inventoryItemId_locationId: { inventoryItemId: `gid://shopify/InventoryItem/${n}`, locationId } },
  });
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  await ensureDatabaseReady();
});

describe("variant upserts", () => {
  it("bump changeVersion only when a stock or price fact changed", async () => {
    const first = await upsertVariants(shop, [facts(1)], at("2026-01-01T00:00:00Z"));
    expect(first).toEqual({ written: 1, changed: 1, skipped: 0 });
    const created = await variant(1);
    expect(created.changeVersion).toBe(1);

    // Same facts, a later observation; a title or barcode edit moves no quantity or price.
    expect(
      await upsertVariants(
        shop,
        [facts(1, { title: "Renamed", barcode: "4006381333931" })],
        at("2026-01-01T00:01:00Z"),
      ),
    ).toEqual({ written: 1, changed: 0, skipped: 0 });
    expect((await variant(1)).changeVersion).toBe(1);
    expect((await variant(1)).title).toBe("Renamed");

    for (const [change, when] of [
      [{ productStatus: "ARCHIVED" }, "2026-01-01T00:02:00Z"],
      [{ sku: "SKU-1b" }, "2026-01-01T00:03:00Z"],
      [{ tracked: false }, "2026-01-01T00:04:00Z"],
      [{ price: "11.00" }, "2026-01-01T00:05:00Z"],
      [{ compareAtPrice: "12.00" }, "2026-01-01T00:06:00Z"],
    ] as const) {
      const before = (await variant(1)).changeVersion;
      const current = await variant(1);
      await upsertVariants(
        shop,
        [
          facts(
            1,
            Object.assign(
              {
                sku: current.sku,
                productStatus: current.productStatus,
                tracked: current.tracked,
                price: current.price,
                compareAtPrice: current.compareAtPrice,
              },
              change,
            ),
          ),
        ],
        at(when),
      );
      expect((await variant(1)).changeVersion, JSON.stringify(change)).toBe(before + 1);
    }
  });

  it("an older observation never overwrites a newer one", async () => {
    await upsertVariants(shop, [facts(2, { productStatus: "ARCHIVED" })], at("2026-02-01T12:00:00Z"));
    const stale = await upsertVariants(shop, [facts(2, { productStatus: "ACTIVE" })], at("2026-02-01T11:00:00Z"));
    expect(stale).toEqual({ written: 0, changed: 0, skipped: 1 });
    expect((await variant(2)).productStatus).toBe("ARCHIVED");
  });

  it("never touches a variant that belongs to another shop", async () => {
    await upsertVariants(otherShop, [facts(3, { sku: "THEIRS" })], at("2026-01-01T00:00:00Z"));
    const result = await upsertVariants(shop, [facts(3, { sku: "MINE" })], at("2026-03-01T00:00:00Z"));
    expect(result.skipped).toBe(1);
    expect(await variant(3)).toMatchObject({ shop: otherShop, sku: "THEIRS" });
  });
});

describe("inventory levels", () => {
  it("apply in order, ignore an older updated_at arriving late, and bump the variant only on a real change", async () => {
    await upsertVariants(shop, [facts(10)], at("2026-01-01T00:00:00Z"));
    const v0 = (await variant(10)).changeVersion;
    const newer = {
      inventoryItemId: "gid://shopify/InventoryItem/10",
      locationId: LOCATION,
      available: 3,
      observedAt: at("2026-04-01T10:00:05Z"),
    };
    const older = { ...newer, available: 9, observedAt: at("2026-04-01T10:00:01Z") };

    expect(await applyLevels(shop, [newer])).toEqual({ applied: 1, changed: 1, variantsBumped: 1, drops: [] });
    expect(await applyLevels(shop, [older])).toEqual({ applied: 0, changed: 0, variantsBumped: 0, drops: [] });
    expect((await level(10))?.available).toBe(3);
    // The same delivery again: written, but nothing changed, so no recompute.
    expect(await applyLevels(shop, [newer])).toEqual({ applied: 1, changed: 0, variantsBumped: 0, drops: [] });
    expect((await variant(10)).changeVersion).toBe(v0 + 1);
    // A lower level is reported as a drop, with both values and its time (sales-velocity protection reads it).
    const lower = { ...newer, available: 1, observedAt: at("2026-04-01T10:00:09Z") };
    expect(await applyLevels(shop, [lower])).toEqual({
      applied: 1,
      changed: 1,
      variantsBumped: 1,
      drops: [
        {
          inventoryItemId: lower.inventoryItemId,
          locationId: LOCATION,
          before: 3,
          after: 1,
          observedAt: lower.observedAt,
        },
      ],
    });
  });

  it("keeps the latest of several observations of one level in a batch", async () => {
    const base = { inventoryItemId: "gid://shopify/InventoryItem/11", locationId: LOCATION };
    await applyLevels(shop, [
      { ...base, available: 5, observedAt: at("2026-04-02T10:00:02Z") },
      { ...base, available: 1, observedAt: at("2026-04-02T10:00:01Z") },
    ]);
    expect((await level(11))?.available).toBe(5);
  });

  it("never overwrites a level of another shop", async () => {
    const theirs = {
      inventoryItemId: "gid://shopify/InventoryItem/12",
      locationId: LOCATION,
      available: 7,
      observedAt: at("2026-04-03T00:00:00Z"),
    };
    await applyLevels(otherShop, [theirs]);
    expect(
      await applyLevels(shop, [{ ...theirs, available: 0, observedAt: at("2026-04-04T00:00:00Z") }]),
    ).toMatchObject({ applied: 0 });
    expect(await level(12)).toMatchObject({ shop: otherShop, available: 7 });
  });

  it("refuses a fractional quantity with a clear error, writing nothing", async () => {
    await expect(
      applyLevels(shop, [
        {
          inventoryItemId: "gid://shopify/InventoryItem/13",
          locationId: LOCATION,
          available: 1.5,
          observedAt: new Date(),
        },
      ]),
    ).rejects.toThrow(/not a whole number/);
    expect(await level(13)).toBeNull();
  });
});

describe("bulk export ingest", () => {
  const bulkShop = "bulk.myshopify.com";
  const VARIANTS = 3_000;
  const id = (n: number) => 100_000 + n;

  async function* exportRows(count: number, status = "ACTIVE"): AsyncGenerator<VariantInventoryRow> {
    for (let n = 0; n < count; n++) {
      yield {
        kind: "variant",
        variantId: `gid://shopify/ProductVariant/${id(n)}`,
        sku: `B-${n}`,
        title: "Default",
        barcode: null,
        price: "5.00",
        compareAtPrice: null,
        productId: `gid://shopify/Product/${id(n)}`,
        productTitle: "Bulk",
        productStatus: status as "ACTIVE",
        inventoryItemId: `gid://shopify/InventoryItem/${id(n)}`,
        tracked: true,
      };
      yield {
        kind: "level",
        variantId: `gid://shopify/ProductVariant/${id(n)}`,
        inventoryLevelId: `gid://shopify/InventoryLevel/1?inventory_item_id=${id(n)}`,
        locationId: LOCATION,
        quantities: { available: n % 7 },
        availableUpdatedAt: "2026-05-01T00:00:00Z",
      };
    }
  }

  it("streams a few thousand variants in bounded batches and returns counts", async () => {
    const result = await ingestVariantInventoryExport(bulkShop, exportRows(VARIANTS), {
      snapshotAt: at("2026-05-02T00:00:00Z"),
      batchSize: 500,
    });
    expect(result).toMatchObject({
      variants: VARIANTS,
      levels: VARIANTS,
      variantsChanged: VARIANTS,
      levelsChanged: VARIANTS,
      deleted: 0,
      skippedNewer: 0,
    });
    expect(result.largestBatch).toBeLessThanOrEqual(500);
    expect(result.batches).toBeGreaterThanOrEqual((2 * VARIANTS) / 500);
    expect(await prisma.shopifyVariant.count({ where: { shop: bulkShop } })).toBe(VARIANTS);
    expect(await prisma.shopifyInventoryLevel.count({ where: { shop: bulkShop } })).toBe(VARIANTS);
    expect(await prisma.workUnit.findUnique({ where: { key: `stock-recompute:${bulkShop}` } })).not.toBeNull();
  });

  it("a second identical export changes nothing; a shorter one deletes what it no longer lists, not what a webhook saw since", async () => {
    const again = await ingestVariantInventoryExport(bulkShop, exportRows(VARIANTS), {
      snapshotAt: at("2026-05-03T00:00:00Z"),
      batchSize: 500,
    });
    expect(again).toMatchObject({ variantsChanged: 0, levelsChanged: 0, deleted: 0 });

    // A webhook-driven read of variant #2999 after the next export started: it must survive that export.
    await upsertVariants(
      bulkShop,
      [
        {
          ...facts(0),
          variantId: `gid://shopify/ProductVariant/${id(2999)}`,
          inventoryItemId: `gid://shopify/InventoryItem/${id(2999)}`,
          sku: "B-2999",
        },
      ],
      at("2026-05-04T00:30:00Z"),
    );
    const shorter = await ingestVariantInventoryExport(bulkShop, exportRows(VARIANTS - 10), {
      snapshotAt: at("2026-05-04T00:00:00Z"),
      batchSize: 500,
    });
    expect(shorter.deleted).toBe(9);
    expect(
      (
        await prisma.shopifyVariant.findUniqueOrThrow({
          where: { variantId: `gid://shopify/ProductVariant/${id(2999)}` },
        })
      ).deletedAt,
    ).toBeNull();
    expect(
      (
        await prisma.shopifyVariant.findUniqueOrThrow({
          where: { variantId: `gid://shopify/ProductVariant/${id(2990)}` },
        })
      ).deletedAt,
    ).not.toBeNull();
  });

  it("an export that fails halfway deletes nothing", async () => {
    async function* broken(): AsyncGenerator<VariantInventoryRow> {
      yield* exportRows(10);
      throw new Error("connection reset");
    }
    await expect(
      ingestVariantInventoryExport(bulkShop, broken(), { snapshotAt: at("2026-05-05T00:00:00Z") }),
    ).rejects.toThrow("connection reset");
    expect(await prisma.shopifyVariant.count({ where: { shop: bulkShop, deletedAt: null } })).toBe(VARIANTS - 9);
    // #2990–#2998's levels left with their variants; #2999's stay, its variant was read after that export began.
    expect(await prisma.shopifyInventoryLevel.count({ where: { shop: bulkShop } })).toBe(VARIANTS - 9);
  });

  it("a level the export no longer lists (disconnected, location deactivated) leaves the mirror, unless seen since", async () => {
    const sweepShop = "bulk-sweep.myshopify.com";
    const SHOP_FLOOR = "gid://shopify/Location/2";
    // Ids of their own: variants and items are global, another shop's rows would be left alone.
    const id = (n: number) => 500_000 + n;
    const item = (n: number) => `gid://shopify/InventoryItem/${id(n)}`;
    async function* rows(stocked: Record<number, string[]>): AsyncGenerator<VariantInventoryRow> {
      for (const [n, locations] of Object.entries(stocked).map(([n, l]) => [Number(n), l] as const)) {
        yield {
          kind: "variant",
          variantId: `gid://shopify/ProductVariant/${id(n)}`,
          sku: `S-${n}`,
          title: "Default",
          barcode: null,
          price: "5.00",
          compareAtPrice: null,
          productId: `gid://shopify/Product/${id(n)}`,
          productTitle: "Sweep",
          productStatus: "ACTIVE",
          inventoryItemId: item(n),
          tracked: true,
        };
        for (const locationId of locations)
          yield {
            kind: "level",
            variantId: `gid://shopify/ProductVariant/${id(n)}`,
            inventoryLevelId: `gid://shopify/InventoryLevel/${n}?inventory_item_id=${id(n)}`,
            locationId,
            quantities: { available: 4 },
            availableUpdatedAt: "2026-05-01T00:00:00Z",
          };
      }
    }
    const levelsNow = async () =>
      (
        await prisma.shopifyInventoryLevel.findMany({
          where: { shop: sweepShop },
          orderBy: [{ inventoryItemId: "asc" }, { locationId: "asc" }],
        })
      ).map((l) => `${l.inventoryItemId.split("/").pop()}@${l.locationId.split("/").pop()}`);

    await ingestVariantInventoryExport(sweepShop, rows({ 1: [LOCATION, SHOP_FLOOR], 2: [LOCATION, SHOP_FLOOR] }), {
      snapshotAt: at("2026-05-02T00:00:00Z"),
    });
    expect(await levelsNow()).toEqual([`${id(1)}@1`, `${id(1)}@2`, `${id(2)}@1`, `${id(2)}@2`]);
    const versionBefore = (await variant(id(1))).changeVersion;
    // Item 2 is stocked at the shop floor again, seen by a webhook after the next export started.
    await applyLevels(sweepShop, [
      { inventoryItemId: item(2), locationId: SHOP_FLOOR, available: 1, observedAt: at("2026-05-03T00:10:00Z") },
    ]);
    await prisma.workUnit.deleteMany({ where: { key: `stock-recompute:${sweepShop}` } });

    const result = await ingestVariantInventoryExport(sweepShop, rows({ 1: [LOCATION], 2: [LOCATION] }), {
      snapshotAt: at("2026-05-03T00:00:00Z"),
      batchSize: 1,
    });
    expect(result).toMatchObject({ levelsChanged: 0, levelsRemoved: 1, deleted: 0 });
    expect(await levelsNow()).toEqual([`${id(1)}@1`, `${id(2)}@1`, `${id(2)}@2`]);
    expect((await variant(id(1))).changeVersion).toBeGreaterThan(versionBefore);
    expect(await prisma.workUnit.findUnique({ where: { key: `stock-recompute:${sweepShop}` } })).not.toBeNull();
  });
});
