import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import type { WebhookDelivery } from "~/generated/prisma/client";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { parseShopifyJson, parseWebhookPayload, type WebhookTopic } from "~/integrations/shopify/webhook-payloads";
import { recomputeConnection, runStockRecompute } from "~/sync/stock/recompute.server";
import { catalogWebhookHandlers } from "~/sync/catalog/shopify-webhooks.server";
import { recordShopifySales } from "~/sync/stock/velocity.server";
import { workUnits } from "~/worker/registry.server";
import { ShopifyFake } from "../../shopify-fake";
import type { FakeInventoryLevel } from "../../shopify-fake/store";
import { shopifyJson } from "../../shopify-fake/webhooks";

// Every test builds its own world (beforeEach): two shops, their fake stores, shop A's connection and mirror.
type Store = ShopifyFake["store"];
type AddedProduct = ReturnType<Store["addProduct"]>;
let testCount = 0;
let shopA: string;
let shopB: string;
// The fake's clock stamps levels' updated_at; the tests move it forward explicitly.
let fakeNow: number;
let fake: ShopifyFake;
const later = (seconds: number) => new Date((fakeNow += seconds * 1000)).toISOString();
let storeA: Store;
let storeB: Store;

const clientFor = async (shop: string) =>
  new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {} });
const handlers = catalogWebhookHandlers({ shopify: clientFor, onLevelDrops: recordShopifySales });
let payloadsA: ReturnType<ShopifyFake["webhooks"]["payloads"]>;

let warehouse: ReturnType<Store["addLocation"]>;
let tent: AddedProduct["product"];
let tent2p: AddedProduct["variants"][number] | undefined;
let tent3p: AddedProduct["variants"][number] | undefined;
let tentLevel: FakeInventoryLevel;
let connectionA = "";

/** Shop A sells a tent in two sizes from its warehouse: TENT-2P (10) and TENT-3P (4). */
function stockTheStores() {
  fakeNow = Date.parse("2026-06-01T00:00:00Z");
  fake = new ShopifyFake({ shop: shopA, now: () => fakeNow });
  storeA = fake.store;
  storeB = fake.storeFor(shopB);
  // Both fake stores count ids from the same number; real GIDs are global, so keep B's apart, and this test's
  // apart from the other tests' (their variants are still in the mirror).
  for (let i = 0; i < 1000 * testCount; i++) storeA.nextNumericId();
  for (let i = 0; i < 1000 * testCount + 500; i++) storeB.nextNumericId();
  payloadsA = fake.webhooks.payloads();
  warehouse = storeA.addLocation({ name: "Warehouse" });
  ({
    product: tent,
    variants: [tent2p, tent3p],
  } = storeA.addProduct({
    title: "Tent",
    variants: [
      { sku: "TENT-2P", stock: { [warehouse.id]: { available: 10 } } },
      { sku: "TENT-3P", stock: { [warehouse.id]: { available: 4 } } },
    ],
  }));
  tentLevel = storeA.levelOf(tent2p!.inventoryItemId, warehouse.id)!;
}

let deliveries = 0;
async function deliver<T extends WebhookTopic>(topic: T, payload: unknown, shop = shopA) {
  // As the intake stores it: the raw body parsed precision-safe, then validated.
  const parsed = parseWebhookPayload(topic, parseShopifyJson(shopifyJson(payload)));
  if (!parsed.success) throw new Error(`invalid ${topic} payload: ${parsed.error.message}`);
  const delivery = { id: `delivery-${++deliveries}`, shop, topic } as WebhookDelivery;
  const handler = {
    "inventory_levels/update": handlers.inventoryLevelsUpdate,
    "inventory_levels/disconnect": handlers.inventoryLevelsDisconnect,
    "locations/deactivate": handlers.locationsDeactivate,
    "products/update": handlers.productsUpdate,
    "products/delete": handlers.productsDelete,
  }[topic as string];
  return (handler as (d: WebhookDelivery, p: unknown) => Promise<unknown>)(delivery, parsed.data);
}
const levelPayload = (level: FakeInventoryLevel, overrides: Record<string, unknown> = {}) => ({
  ...payloadsA.inventoryLevelUpdate(level),
  ...overrides,
});
const mirroredLevel = (inventoryItemId: string, locationId = warehouse.id) =>
  prisma.shopifyInventoryLevel.findUnique({ where: { inventoryItemId_locationId: { inventoryItemId, locationId } } });
const mirroredVariant = (variantId: string) => prisma.shopifyVariant.findUnique({ where: { variantId } });
const offer = (offerSku: string) =>
  prisma.offerStock.findUnique({
    where: { connectionId_offerSku_warehouseCode: { connectionId: connectionA, offerSku, warehouseCode: "" } },
  });
const recompute = (shop = shopA) => runStockRecompute(shop, { shopify: clientFor });
const unitDue = async (key: string) => {
  const unit = await prisma.workUnit.findUnique({ where: { key } });
  return unit !== null && unit.dueAt.getTime() <= Date.now();
};
const park = (key: string) =>
  prisma.workUnit.updateMany({ where: { key }, data: { dueAt: new Date("9999-12-31T00:00:00Z") } });

/** A sale in Shopify leaves TENT-2P at `available`; its webhook is applied and the offer recomputed. */
async function tentSoldDownTo(available: number) {
  storeA.setQuantity(tentLevel, "available", available);
  await deliver("inventory_levels/update", levelPayload(tentLevel, { updated_at: later(1) }));
  await recompute();
  expect((await offer("TENT-2P"))!.desiredQuantity).toBe(available);
}

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  testCount++;
  shopA = `webhooks-a-${testCount}.myshopify.com`;
  shopB = `webhooks-b-${testCount}.myshopify.com`;
  stockTheStores();
  connectionA = (
    await createConnection(shopA, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k",
      settings: { stock: { locationIds: [warehouse.id] } },
    })
  ).id;
  await deliver("products/update", payloadsA.productUpdate(tent));
  await recompute();
});

describe("inventory_levels/update", () => {
  it("applies levels in updated_at order: an older delivery arriving late never overwrites", async () => {
    expect((await offer("TENT-2P"))!.desiredQuantity).toBe(10);
    const older = levelPayload(tentLevel, { available: 8, updated_at: later(1) });
    const newer = levelPayload(tentLevel, { available: 6, updated_at: later(2) });
    await deliver("inventory_levels/update", newer);
    await deliver("inventory_levels/update", older);
    expect(await mirroredLevel(tent2p!.inventoryItemId)).toMatchObject({
      available: 6,
      observedAt: new Date(newer.updated_at),
    });
    await recompute();
    expect((await offer("TENT-2P"))!.desiredQuantity).toBe(6);
  });

  it("a duplicate delivery is a no-op: no recompute, no new desired version", async () => {
    await tentSoldDownTo(6);
    const before = await offer("TENT-2P");
    await park(workUnits.stockRecompute.key(shopA));
    const current = await mirroredLevel(tent2p!.inventoryItemId);
    await deliver(
      "inventory_levels/update",
      levelPayload(tentLevel, { available: 6, updated_at: current!.observedAt.toISOString() }),
    );
    expect(await unitDue(workUnits.stockRecompute.key(shopA))).toBe(false);
    await recompute();
    expect((await offer("TENT-2P"))!.desiredVersion).toBe(before!.desiredVersion);
  });

  it("a null available is read back from Shopify by the level's GID", async () => {
    later(60);
    storeA.setQuantity(tentLevel, "available", 3);
    const reads = fake.requests.length;
    await deliver("inventory_levels/update", levelPayload(tentLevel, { available: null }));
    expect(fake.requests.slice(reads).map((r) => r.operationName)).toEqual(["InventoryLevelById"]);
    expect((await mirroredLevel(tent2p!.inventoryItemId))!.available).toBe(3);
  });

  it("a level for an item the mirror does not know: stored, then the item is read from Shopify by the recompute", async () => {
    const {
      variants: [lamp],
    } = storeA.addProduct({
      title: "Lamp",
      variants: [{ sku: "LAMP-1", price: "35.00", stock: { [warehouse.id]: { available: 5 } } }],
    });
    const lampLevel = storeA.levelOf(lamp!.inventoryItemId, warehouse.id)!;
    await park(workUnits.stockRecompute.key(shopA));
    await deliver("inventory_levels/update", levelPayload(lampLevel));
    expect(await mirroredVariant(lamp!.id)).toBeNull();
    expect(await unitDue(workUnits.stockRecompute.key(shopA))).toBe(true);

    const reads = fake.requests.length;
    await recompute();
    expect(fake.requests.slice(reads).map((r) => r.operationName)).toEqual(["InventoryItemsWithLevels"]);
    expect(await mirroredVariant(lamp!.id)).toMatchObject({
      shop: shopA,
      sku: "LAMP-1",
      productStatus: "ACTIVE",
      tracked: true,
      price: "35.00",
    });
    expect((await offer("LAMP-1"))!.desiredQuantity).toBe(5);
  });
});

describe("products/update and products/delete", () => {
  it("an archived product reaches the mirror and pushes 0, with the push unit marked", async () => {
    await tentSoldDownTo(3);
    await park(workUnits.stockPush.key(connectionA));
    storeA.setProductStatus(tent.id, "ARCHIVED");
    await deliver("products/update", payloadsA.productUpdate(tent));
    expect((await mirroredVariant(tent2p!.id))!.productStatus).toBe("ARCHIVED");
    await recompute();
    expect(await offer("TENT-2P")).toMatchObject({
      desiredQuantity: 0,
      explanation: { result: { zeroReason: "product-inactive" } },
    });
    expect(await unitDue(workUnits.stockPush.key(connectionA))).toBe(true);
    storeA.setProductStatus(tent.id, "ACTIVE");
    await deliver("products/update", payloadsA.productUpdate(tent));
    await recompute();
    expect((await offer("TENT-2P"))!.desiredQuantity).toBe(3);
  });

  it("SKU edits, tracking changes and variant deletions reach the mirror, even when the payload lists only some variants", async () => {
    storeA.updateVariant(tent3p!.id, { sku: "TENT-3P-V2", tracked: false });
    await deliver("products/update", payloadsA.productUpdate(tent, { variantsIncluded: 1 }));
    expect(await mirroredVariant(tent3p!.id)).toMatchObject({ sku: "TENT-3P-V2", tracked: false });
    await recompute();
    expect((await offer("TENT-3P"))!.desiredQuantity).toBe(0); // no longer fed by any variant
    expect(await offer("TENT-3P-V2")).toMatchObject({
      desiredQuantity: 0,
      explanation: { result: { steps: [{ step: "untracked" }] } },
    });

    storeA.deleteVariant(tent3p!.id);
    await deliver("products/update", payloadsA.productUpdate(tent));
    expect((await mirroredVariant(tent3p!.id))!.deletedAt).not.toBeNull();
    expect((await mirroredVariant(tent2p!.id))!.deletedAt).toBeNull();
  });

  it("products/delete zeroes every variant of the product", async () => {
    const deletedPayload = payloadsA.productDelete(tent);
    storeA.deleteProduct(tent.id);
    await deliver("products/delete", deletedPayload);
    expect((await mirroredVariant(tent2p!.id))!.deletedAt).not.toBeNull();
    await recompute();
    expect(await offer("TENT-2P")).toMatchObject({
      desiredQuantity: 0,
      explanation: { result: { zeroReason: "variant-missing" } },
    });
  });
});

describe("inventory_levels/disconnect and locations/deactivate", () => {
  // Big ids go in the body as exact digits, as Shopify sends them (the fake's ids are beyond 2^53).
  const numericId = (gid: string) => BigInt(gid.split("/").pop()!.split("?")[0]);
  /** As Shopify sends them (2026-07): the disconnect names item and location; a deactivation is the location. */
  const disconnectPayload = (level: FakeInventoryLevel) => ({
    inventory_item_id: numericId(level.inventoryItemId),
    location_id: numericId(level.locationId),
  });
  const deactivatePayload = (location: { id: string; name: string }) => ({
    id: numericId(location.id),
    name: location.name,
    active: false,
    legacy: false,
    admin_graphql_api_id: location.id,
  });
  const parsedStock = async (connectionId: string) =>
    parseConnectionSettings(
      (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
    ).stock;
  const offerOf = (connectionId: string, offerSku: string) =>
    prisma.offerStock.findUnique({
      where: { connectionId_offerSku_warehouseCode: { connectionId, offerSku, warehouseCode: "" } },
    });

  it("a disconnected level leaves the mirror and its units stop counting on every connection", async () => {
    const connectionB = (
      await createConnection(shopA, {
        name: "Fnac",
        baseUrl: "https://fnac.mirakl.test",
        apiKey: "k",
        settings: { stock: { locationIds: [warehouse.id] } },
      })
    ).id;
    await recomputeConnection(shopA, connectionB);
    await recompute();
    expect((await offerOf(connectionB, "TENT-2P"))!.desiredQuantity).toBe(10);
    await park(workUnits.stockRecompute.key(shopA));

    await deliver("inventory_levels/disconnect", disconnectPayload(tentLevel));
    expect(await mirroredLevel(tent2p!.inventoryItemId)).toBeNull();
    expect(await mirroredLevel(tent3p!.inventoryItemId)).not.toBeNull();
    expect(await unitDue(workUnits.stockRecompute.key(shopA))).toBe(true);
    await recompute();
    expect((await offer("TENT-2P"))!.desiredQuantity).toBe(0);
    expect((await offerOf(connectionB, "TENT-2P"))!.desiredQuantity).toBe(0);
    expect((await offer("TENT-3P"))!.desiredQuantity).toBe(4);

    // A redelivery finds nothing to remove and asks for no recompute.
    await park(workUnits.stockRecompute.key(shopA));
    await deliver("inventory_levels/disconnect", disconnectPayload(tentLevel));
    expect(await unitDue(workUnits.stockRecompute.key(shopA))).toBe(false);
  });

  it("a deactivated location loses every level; a connection that chose it gets an exception, others do not", async () => {
    const popUp = storeA.addLocation({ name: "Pop-up store" });
    later(1);
    for (const level of [
      storeA.stock(tent2p!.inventoryItemId, popUp.id, { available: 5 }),
      storeA.stock(tent3p!.inventoryItemId, popUp.id, { available: 2 }),
    ])
      await deliver("inventory_levels/update", levelPayload(level));
    expect(await prisma.shopifyInventoryLevel.count({ where: { shop: shopA, locationId: popUp.id } })).toBe(2);
    const both = (
      await createConnection(shopA, {
        name: "Fnac",
        baseUrl: "https://fnac.mirakl.test",
        apiKey: "k",
        settings: { stock: { locationIds: [warehouse.id, popUp.id] } },
      })
    ).id;
    await recomputeConnection(shopA, both);
    await recompute();
    expect((await offerOf(both, "TENT-2P"))!.desiredQuantity).toBe(15);
    expect((await offerOf(both, "TENT-3P"))!.desiredQuantity).toBe(6);

    await deliver("locations/deactivate", deactivatePayload(popUp));
    expect(await prisma.shopifyInventoryLevel.count({ where: { shop: shopA, locationId: popUp.id } })).toBe(0);
    expect(await prisma.shopifyInventoryLevel.count({ where: { shop: shopA, locationId: warehouse.id } })).toBe(2);
    await recompute();
    expect((await offerOf(both, "TENT-2P"))!.desiredQuantity).toBe(10);
    expect((await offerOf(both, "TENT-3P"))!.desiredQuantity).toBe(4);
    expect((await offer("TENT-2P"))!.desiredQuantity).toBe(10);

    const exceptions = await prisma.syncException.findMany({
      where: { shop: shopA, kind: "CONNECTION_MISCONFIGURED" },
    });
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]).toMatchObject({
      connectionId: both,
      status: "OPEN",
      entityType: "MarketplaceConnection",
      fixHint: "Choose another location in Stock & price settings.",
    });
    expect(exceptions[0].message).toContain('"Pop-up store" was deactivated');

    // Saving the rules with the location still chosen keeps it open; choosing another location resolves it.
    await recomputeConnection(shopA, both);
    expect(await prisma.syncException.count({ where: { id: exceptions[0].id, status: "OPEN" } })).toBe(1);
    await mergeConnectionSettings(shopA, both, {
      stock: { ...(await parsedStock(both)), locationIds: [warehouse.id] },
    });
    await recomputeConnection(shopA, both);
    expect(await prisma.syncException.count({ where: { id: exceptions[0].id, status: "RESOLVED" } })).toBe(1);
  });
});

describe("shop isolation", () => {
  it("a webhook for shop A never touches shop B's mirror, offers or units", async () => {
    const depot = storeB.addLocation({ name: "Depot" });
    const {
      product: kayak,
      variants: [kayakVariant],
    } = storeB.addProduct({ title: "Kayak", variants: [{ sku: "KAYAK", stock: { [depot.id]: { available: 9 } } }] });
    const connectionB = (
      await createConnection(shopB, {
        name: "Decathlon",
        baseUrl: "https://decathlon.mirakl.test",
        apiKey: "k",
        settings: { stock: { locationIds: [depot.id] } },
      })
    ).id;
    await deliver("products/update", fake.webhooks.payloads(shopB).productUpdate(kayak), shopB);
    await deliver(
      "inventory_levels/update",
      fake.webhooks.payloads(shopB).inventoryLevelUpdate(storeB.levelOf(kayakVariant!.inventoryItemId, depot.id)!),
      shopB,
    );
    await recompute(shopB);
    const offerB = () =>
      prisma.offerStock.findUniqueOrThrow({
        where: {
          connectionId_offerSku_warehouseCode: { connectionId: connectionB, offerSku: "KAYAK", warehouseCode: "" },
        },
      });
    const before = await offerB();
    expect(before.desiredQuantity).toBe(9);
    await park(workUnits.stockRecompute.key(shopB));
    await park(workUnits.stockPush.key(connectionB));

    // Shop A's deliveries naming B's item, level and product (a misrouted or forged-by-mistake payload).
    const bLevel = storeB.levelOf(kayakVariant!.inventoryItemId, depot.id)!;
    await deliver(
      "inventory_levels/update",
      {
        ...fake.webhooks.payloads(shopB).inventoryLevelUpdate(bLevel),
        available: 0,
        updated_at: "2031-01-01T00:00:00Z",
      },
      shopA,
    );
    await deliver("products/delete", fake.webhooks.payloads(shopB).productDelete(kayak), shopA);
    await recompute(shopA);

    expect(await mirroredLevel(kayakVariant!.inventoryItemId, depot.id)).toMatchObject({ shop: shopB, available: 9 });
    expect(await mirroredVariant(kayakVariant!.id)).toMatchObject({ shop: shopB, deletedAt: null });
    expect(await offerB()).toMatchObject({ desiredQuantity: 9, desiredVersion: before.desiredVersion });
    expect(await unitDue(workUnits.stockRecompute.key(shopB))).toBe(false);
    expect(await unitDue(workUnits.stockPush.key(connectionB))).toBe(false);
  });
});
