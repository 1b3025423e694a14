import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { applyLevels, upsertVariants, type VariantFacts } from "~/sync/catalog/mirror.server";
import {
  loadDirtyVariants,
  recomputeConnection,
  recomputeVariants,
  runStockRecompute,
} from "~/sync/stock/recompute.server";
import { setDesiredStock } from "~/sync/stock/desired.server";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";
import { workUnits } from "~/worker/registry.server";

// Each test gets its own shop and connections (beforeEach); variant ids come from one counter, so never repeat.
let shop: string;
let testCount = 0;
const WAREHOUSE = "gid://shopify/Location/7001";
const SHOP_FLOOR = "gid://shopify/Location/7003";
let decathlon = "";
let carrefour = "";
let seq = 0;
let clock = Date.parse("2026-06-01T00:00:00Z");
const tick = () => new Date((clock += 1000));

async function addVariant(
  sku: string | null,
  available: Record<string, number>,
  overrides: Partial<VariantFacts> = {},
  owner = shop,
): Promise<VariantFacts> {
  const n = ++seq;
  const facts: VariantFacts = {
    variantId: `gid://shopify/ProductVariant/${n}`,
    productId: `gid://shopify/Product/${n}`,
    sku,
    barcode: null,
    title: `Product ${n}`,
    productStatus: "ACTIVE",
    tracked: true,
    inventoryItemId: `gid://shopify/InventoryItem/${n}`,
    price: "20.00",
    compareAtPrice: null,
    ...overrides,
  };
  await upsertVariants(owner, [facts], tick());
  await applyLevels(
    owner,
    Object.entries(available).map(([locationId, quantity]) => ({
      inventoryItemId: facts.inventoryItemId,
      locationId,
      available: quantity,
      observedAt: tick(),
    })),
  );
  return facts;
}
const setAvailable = (variant: VariantFacts, locationId: string, available: number) =>
  applyLevels(shop, [{ inventoryItemId: variant.inventoryItemId, locationId, available, observedAt: tick() }]);
const change = (variant: VariantFacts, changes: Partial<VariantFacts>) =>
  upsertVariants(shop, [{ ...variant, ...changes }], tick());
const recompute = () => runStockRecompute(shop, { shopify: null, now: () => new Date(clock) });
const offer = (connectionId: string, offerSku: string, warehouseCode = "") =>
  prisma.offerStock.findUnique({
    where: { connectionId_offerSku_warehouseCode: { connectionId, offerSku, warehouseCode } },
  });
const pushUnitDue = async (connectionId: string) => {
  const unit = await prisma.workUnit.findUnique({ where: { key: workUnits.stockPush.key(connectionId) } });
  return unit !== null && unit.dueAt.getTime() <= clock;
};
const parkPushUnits = () =>
  prisma.workUnit.updateMany({ where: { kind: "stock-push" }, data: { dueAt: new Date("9999-12-31T00:00:00Z") } });

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `recompute-${++testCount}.myshopify.com`;
  const stock = { locationIds: [WAREHOUSE], buffer: 1 };
  decathlon = (
    await createConnection(shop, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k1",
      settings: { stock },
    })
  ).id;
  carrefour = (
    await createConnection(shop, {
      name: "Carrefour",
      baseUrl: "https://carrefour.mirakl.test",
      apiKey: "k2",
      settings: { stock },
    })
  ).id;
});

describe("stock recompute", () => {
  it("writes the domain's quantity per connection, marks the push units, and explains it", async () => {
    await addVariant("TENT-2P", { [WAREHOUSE]: 8, [SHOP_FLOOR]: 50 });
    await parkPushUnits();
    const run = await recompute();
    expect(run.nextDueAt).toBeNull();
    for (const connectionId of [decathlon, carrefour]) {
      const row = await offer(connectionId, "TENT-2P");
      expect(row).toMatchObject({ desiredQuantity: 7, desiredVersion: 1, shopifySku: "TENT-2P" }); // 8 at the chosen location − buffer 1
      expect(row!.explanation).toMatchObject({ shopifySku: "TENT-2P", result: { kind: "push", quantity: 7 } });
      expect(await pushUnitDue(connectionId)).toBe(true);
    }
    expect(await loadDirtyVariants(shop)).toEqual([]);
  });

  it("leaves desiredVersion alone and marks nothing when nothing changed (a duplicate webhook is a no-op)", async () => {
    const variant = await addVariant("MAT-1", { [WAREHOUSE]: 4 });
    await recompute();
    const before = await offer(decathlon, "MAT-1");
    await parkPushUnits();

    await setAvailable(variant, WAREHOUSE, 4); // the same level again, later timestamp, same value
    expect(await loadDirtyVariants(shop)).toEqual([]);
    await markSkusForRecompute(shop, ["MAT-1"]); // even a forced pass changes nothing
    await recompute();
    const after = await offer(decathlon, "MAT-1");
    expect(after!.desiredVersion).toBe(before!.desiredVersion);
    expect(after!.desiredAt).toEqual(before!.desiredAt);
    expect(await pushUnitDue(decathlon)).toBe(false);
  });

  it("an archived, draft or deleted product pushes 0, and the push unit is marked", async () => {
    const variant = await addVariant("LAMP-1", { [WAREHOUSE]: 10 });
    await recompute();
    for (const productStatus of ["ARCHIVED", "DRAFT"]) {
      await change(variant, { productStatus: "ACTIVE" });
      await recompute();
      expect((await offer(decathlon, "LAMP-1"))!.desiredQuantity).toBe(9);
      await parkPushUnits();
      await change(variant, { productStatus });
      await recompute();
      const row = await offer(decathlon, "LAMP-1");
      expect(row!.desiredQuantity, productStatus).toBe(0);
      expect(row!.explanation).toMatchObject({ result: { zeroReason: "product-inactive" } });
      expect(await pushUnitDue(decathlon)).toBe(true);
    }
    await change(variant, { productStatus: "ACTIVE" });
    await recompute();
    await prisma.shopifyVariant.update({
      where: { variantId: variant.variantId },
      data: { deletedAt: new Date(clock), changeVersion: { increment: 1 } },
    });
    await recompute();
    expect(await offer(decathlon, "LAMP-1")).toMatchObject({
      desiredQuantity: 0,
      explanation: { result: { zeroReason: "variant-missing" } },
    });
  });

  it("two variants with one SKU push 0 and raise DUPLICATE_SHOPIFY_SKU; it resolves when the duplicate goes", async () => {
    const first = await addVariant("DUP-1", { [WAREHOUSE]: 6 });
    await recompute();
    expect((await offer(decathlon, "DUP-1"))!.desiredQuantity).toBe(5);

    const second = await addVariant("DUP-1", { [WAREHOUSE]: 3 });
    await recompute();
    expect(await offer(decathlon, "DUP-1")).toMatchObject({
      desiredQuantity: 0,
      explanation: { zeroReason: "duplicate-shopify-sku" },
    });
    expect(await offer(carrefour, "DUP-1")).toMatchObject({ desiredQuantity: 0 });
    const exception = await prisma.syncException.findFirstOrThrow({
      where: { shop, kind: "DUPLICATE_SHOPIFY_SKU", entityId: "DUP-1" },
    });
    expect(exception).toMatchObject({ status: "OPEN", connectionId: null });
    expect(exception.fixHint).toMatch(/own SKU/);
    expect(exception.detail).toMatchObject({ variantIds: [first.variantId, second.variantId] });

    await change(second, { sku: "DUP-2" });
    await recompute();
    expect((await offer(decathlon, "DUP-1"))!.desiredQuantity).toBe(5);
    expect((await offer(decathlon, "DUP-2"))!.desiredQuantity).toBe(2);
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: exception.id } })).status).toBe("RESOLVED");
  });

  it("an archived leftover with the same SKU as an active variant is not a duplicate", async () => {
    await addVariant("BOOT-9", { [WAREHOUSE]: 2 }, { productStatus: "ARCHIVED" });
    await addVariant("BOOT-9", { [WAREHOUSE]: 5 });
    await recompute();
    expect((await offer(decathlon, "BOOT-9"))!.desiredQuantity).toBe(4);
    expect(
      await prisma.syncException.count({ where: { shop, kind: "DUPLICATE_SHOPIFY_SKU", entityId: "BOOT-9" } }),
    ).toBe(0);
  });

  it("uses the connection's SKU override, identity elsewhere, and zeroes an offer the SKU no longer feeds", async () => {
    await addVariant("SHOE-42", { [WAREHOUSE]: 12 });
    await recompute();
    expect((await offer(carrefour, "SHOE-42"))!.desiredQuantity).toBe(11);

    await prisma.skuMapping.create({
      data: { shop, connectionId: carrefour, shopifySku: "SHOE-42", offerSku: "CRF-SHOE-42" },
    });
    await markSkusForRecompute(shop, ["SHOE-42"]);
    await recompute();
    expect(await offer(carrefour, "CRF-SHOE-42")).toMatchObject({ desiredQuantity: 11, shopifySku: "SHOE-42" });
    expect(await offer(carrefour, "SHOE-42")).toMatchObject({
      desiredQuantity: 0,
      explanation: { zeroReason: "no-longer-fed" },
    });
    expect((await offer(decathlon, "SHOE-42"))!.desiredQuantity).toBe(11);
    expect(await offer(decathlon, "CRF-SHOE-42")).toBeNull();
  });

  it("an offer taken over by an override is recomputed from its new source, or zeroed when that source has no variant", async () => {
    await addVariant("PAD-OLD", { [WAREHOUSE]: 6 });
    await addVariant("PAD-NEW", { [WAREHOUSE]: 2 });
    await recompute();
    await prisma.skuMapping.create({
      data: { shop, connectionId: carrefour, shopifySku: "PAD-NEW", offerSku: "PAD-OLD" },
    });
    await markSkusForRecompute(shop, ["PAD-OLD"]); // only the shadowed side is marked: the claimer is found and recomputed
    await recompute();
    expect(await offer(carrefour, "PAD-OLD")).toMatchObject({ desiredQuantity: 1, shopifySku: "PAD-NEW" });

    await addVariant("GHOST", { [WAREHOUSE]: 5 });
    await recompute();
    // Mapped from a Shopify SKU that no variant carries (a typo in the CSV, say).
    await prisma.skuMapping.create({
      data: { shop, connectionId: carrefour, shopifySku: "GHOST-SRC", offerSku: "GHOST" },
    });
    await markSkusForRecompute(shop, ["GHOST"]);
    await recompute();
    expect(await offer(carrefour, "GHOST")).toMatchObject({
      desiredQuantity: 0,
      explanation: { zeroReason: "no-longer-fed" },
    });
  });

  it("a renamed SKU: the old offer goes to 0, the new one gets the stock", async () => {
    const variant = await addVariant("OLD-SKU", { [WAREHOUSE]: 3 });
    await recompute();
    await change(variant, { sku: "NEW-SKU" });
    await recompute();
    expect(await offer(decathlon, "OLD-SKU")).toMatchObject({ desiredQuantity: 0 });
    expect(await offer(decathlon, "NEW-SKU")).toMatchObject({ desiredQuantity: 2, variantId: variant.variantId });
  });

  it("a change made while the recompute runs is not lost (compare-and-set on the version read)", async () => {
    const variant = await addVariant("RACE-1", { [WAREHOUSE]: 10 });
    const dirty = await loadDirtyVariants(shop);
    expect(dirty.map((d) => d.variantId)).toContain(variant.variantId);

    await setAvailable(variant, WAREHOUSE, 2); // lands after the batch was read, before it is marked computed
    await recomputeVariants(shop, dirty, new Date(clock));
    expect((await loadDirtyVariants(shop)).map((d) => d.variantId)).toEqual([variant.variantId]);

    await recompute();
    expect((await offer(decathlon, "RACE-1"))!.desiredQuantity).toBe(1);
    expect(await loadDirtyVariants(shop)).toEqual([]);
  });

  it("a pass reads dirty variants after a cursor, and goes back once for a variant dirtied behind it", async () => {
    // Variant ids chosen so the claimer sorts before the variant whose recompute marks it.
    await addVariant("CURSOR-NEW", { [WAREHOUSE]: 4 }, { variantId: "gid://shopify/ProductVariant/cursor-a" });
    await addVariant("CURSOR-OLD", { [WAREHOUSE]: 9 }, { variantId: "gid://shopify/ProductVariant/cursor-b" });
    await recompute();
    expect(
      (await loadDirtyVariants(shop, 10, "gid://shopify/ProductVariant/cursor-a")).map((d) => d.variantId),
    ).toEqual([]);

    await prisma.skuMapping.create({
      data: { shop, connectionId: carrefour, shopifySku: "CURSOR-NEW", offerSku: "CURSOR-OLD" },
    });
    await markSkusForRecompute(shop, ["CURSOR-OLD"]);
    expect(
      (await loadDirtyVariants(shop, 10, "gid://shopify/ProductVariant/cursor-a")).map((d) => d.variantId),
    ).toEqual(["gid://shopify/ProductVariant/cursor-b"]);
    // cursor-b's recompute marks cursor-a (the claimer), which is behind the cursor by then.
    await runStockRecompute(shop, { shopify: null, now: () => new Date(clock), batchSize: 1 });
    expect(await loadDirtyVariants(shop)).toEqual([]);
    expect(await offer(carrefour, "CURSOR-OLD")).toMatchObject({ desiredQuantity: 3, shopifySku: "CURSOR-NEW" });
  });

  it("reservations on another connection reduce this connection's quantity", async () => {
    await addVariant("KAYAK", { [WAREHOUSE]: 10 });
    await recompute();
    await prisma.marketplaceReservation.create({
      data: {
        shop,
        connectionId: carrefour,
        miraklOrderId: "CRF-1",
        orderLineId: "CRF-1-1",
        shopifySku: "KAYAK",
        quantity: 3,
      },
    });
    await prisma.marketplaceReservation.create({
      data: {
        shop,
        connectionId: carrefour,
        miraklOrderId: "CRF-0",
        orderLineId: "CRF-0-1",
        shopifySku: "KAYAK",
        quantity: 5,
        releasedAt: new Date(),
      },
    });
    await markSkusForRecompute(shop, ["KAYAK"]);
    await recompute();
    expect((await offer(decathlon, "KAYAK"))!.desiredQuantity).toBe(6); // 10 − 3 reserved − buffer 1; the released line does not count
    expect((await offer(carrefour, "KAYAK"))!.desiredQuantity).toBe(6);
  });

  it("per-warehouse rows when the connection maps locations to warehouses; settings changes recompute the connection", async () => {
    await addVariant("STOVE", { [WAREHOUSE]: 4, [SHOP_FLOOR]: 2 });
    await recompute();
    await updateConnection(shop, decathlon, {
      settings: {
        stock: {
          locationIds: [WAREHOUSE, SHOP_FLOOR],
          warehouses: [
            { code: "WH-A", locationIds: [WAREHOUSE] },
            { code: "WH-B", locationIds: [SHOP_FLOOR] },
          ],
        },
      },
    });
    await recomputeConnection(shop, decathlon);
    await recompute();
    expect((await offer(decathlon, "STOVE", "WH-A"))!.desiredQuantity).toBe(4);
    expect((await offer(decathlon, "STOVE", "WH-B"))!.desiredQuantity).toBe(2);
    expect((await offer(carrefour, "STOVE"))!.desiredQuantity).toBe(3); // the other connection is unchanged
    await updateConnection(shop, decathlon, { settings: { stock: { locationIds: [WAREHOUSE], buffer: 1 } } });
    await recomputeConnection(shop, decathlon);
    await recompute();
    expect((await offer(decathlon, "STOVE", "WH-A"))!.desiredQuantity).toBe(0); // no longer a warehouse of this connection
    expect((await offer(decathlon, "STOVE"))!.desiredQuantity).toBe(3);
  });

  it("never touches another shop's offers, and a shop's recompute reads only its own variants", async () => {
    // This shop sells TENT-2P too: 8 at the chosen location − buffer 1.
    await addVariant("TENT-2P", { [WAREHOUSE]: 8, [SHOP_FLOOR]: 50 });
    await recompute();
    const elsewhere = `recompute-other-${testCount}.myshopify.com`;
    const theirs = (
      await createConnection(elsewhere, {
        name: "Decathlon",
        baseUrl: "https://decathlon.mirakl.test",
        apiKey: "k3",
        settings: { stock: { locationIds: [WAREHOUSE] } },
      })
    ).id;
    await addVariant("TENT-2P", { [WAREHOUSE]: 100 }, {}, elsewhere);
    await runStockRecompute(elsewhere, { shopify: null });
    expect((await offer(theirs, "TENT-2P"))!.desiredQuantity).toBe(100);
    // The first shop's TENT-2P is not a duplicate of the other shop's, and is untouched.
    expect((await offer(decathlon, "TENT-2P"))!.desiredQuantity).toBe(7);
    expect(await prisma.syncException.count({ where: { kind: "DUPLICATE_SHOPIFY_SKU", entityId: "TENT-2P" } })).toBe(0);
  });
});

describe("setDesiredStock", () => {
  it("bumps the version only when the quantity changes and refuses a negative quantity", async () => {
    const connection = { id: decathlon, shop };
    const row = {
      offerSku: "DIRECT-1",
      warehouseCode: "",
      shopifySku: "DIRECT-1",
      variantId: null,
      explanation: { why: "test" },
    };
    expect(await setDesiredStock(connection, [{ ...row, quantity: 3 }])).toEqual({ written: 1, changed: 1 });
    expect(await setDesiredStock(connection, [{ ...row, quantity: 3 }])).toEqual({ written: 0, changed: 0 });
    expect(await setDesiredStock(connection, [{ ...row, quantity: 3, explanation: { why: "other" } }])).toEqual({
      written: 1,
      changed: 0,
    });
    expect((await offer(decathlon, "DIRECT-1"))!.desiredVersion).toBe(1);
    expect(await setDesiredStock(connection, [{ ...row, quantity: 2 }])).toEqual({ written: 1, changed: 1 });
    expect((await offer(decathlon, "DIRECT-1"))!.desiredVersion).toBe(2);
    await expect(setDesiredStock(connection, [{ ...row, quantity: -1 }])).rejects.toThrow(/whole number/);
    expect((await offer(decathlon, "DIRECT-1"))!.desiredQuantity).toBe(2);
  });
});
