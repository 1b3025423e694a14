import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import type { WebhookDelivery } from "~/generated/prisma/client";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { ShopifyRetriesExhaustedError } from "~/integrations/shopify/errors";
import { parseShopifyJson, parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { reconcileShopifyHolds, releaseReservationsOfShopifyOrder } from "~/sync/reservations/holds.server";
import { workUnits } from "~/worker/registry.server";
import { applyExceptionAction } from "~/exceptions/queue.server";
import { registerFlows } from "~/sync/index.server";
import { refreshProduct } from "~/sync/catalog/mirror.server";
import { runStockRecompute } from "~/sync/stock/recompute.server";
import { catalogWebhookHandlers } from "~/sync/catalog/shopify-webhooks.server";
import { recordShopifySales } from "~/sync/stock/velocity.server";
import { ShopifyFake } from "../../shopify-fake";
import type { FakeInventoryLevel } from "../../shopify-fake/store";
import { shopifyJson } from "../../shopify-fake/webhooks";

/** Marketplace reservations held in Shopify (available → reserved) and given back, against the Shopify fake. */

// Every test builds its own world (beforeEach): two shops, their Shopify fake stores, connections and mirror.
// Variant and inventory item GIDs are global keys in the mirror, so each test's stores count ids from their own range.
type Store = ShopifyFake["store"];
type FakeLocation = ReturnType<Store["addLocation"]>;
type AddedProduct = ReturnType<Store["addProduct"]>;
let testCount = 0;
let shopA: string;
let shopB: string;
let fakeNow: number;
const tick = () => new Date((fakeNow += 1000));
let fake: ShopifyFake;
let storeA: Store;
let storeB: Store;

const clientFor = (shop: string) =>
  new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {}, maxAttempts: 2 });
let adminA: ShopifyAdminClient;

let warehouse: FakeLocation;
let retail: FakeLocation;
let outlet: FakeLocation;
let tentProduct: AddedProduct["product"];
let tent: AddedProduct["variants"][number] | undefined;
let stoveProduct: AddedProduct["product"];
let stove: AddedProduct["variants"][number] | undefined;
let mugProduct: AddedProduct["product"];
let mug: AddedProduct["variants"][number] | undefined;
let lampProduct: AddedProduct["product"];
let bootProduct: AddedProduct["product"];
let warehouseB: FakeLocation;
let tentProductB: AddedProduct["product"];
let tentB: AddedProduct["variants"][number] | undefined;

/** Shop A sells tents, stoves, mugs, an untracked lamp and outlet-only boots; shop B sells tents. */
function stockTheStores() {
  fakeNow = Date.parse("2026-07-01T09:00:00Z");
  fake = new ShopifyFake({ shop: shopA, now: () => fakeNow });
  storeA = fake.store;
  storeB = fake.storeFor(shopB);
  // Both fake stores count ids from the same number; real GIDs are global, so keep B's apart, and this test's
  // apart from the other tests' (their variants are still in the mirror).
  for (let i = 0; i < 1000 * testCount; i++) storeA.nextNumericId();
  for (let i = 0; i < 1000 * testCount + 500; i++) storeB.nextNumericId();
  adminA = clientFor(shopA);

  warehouse = storeA.addLocation({ name: "Warehouse" });
  retail = storeA.addLocation({ name: "Retail" });
  outlet = storeA.addLocation({ name: "Outlet" });
  ({
    product: tentProduct,
    variants: [tent],
  } = storeA.addProduct({
    title: "Tent",
    variants: [{ sku: "TENT", stock: { [warehouse.id]: { available: 5 }, [retail.id]: { available: 8 } } }],
  }));
  ({
    product: stoveProduct,
    variants: [stove],
  } = storeA.addProduct({
    title: "Stove",
    variants: [{ sku: "STOVE", stock: { [warehouse.id]: { available: 2 }, [retail.id]: { available: 1 } } }],
  }));
  ({
    product: mugProduct,
    variants: [mug],
  } = storeA.addProduct({ title: "Mug", variants: [{ sku: "MUG", stock: { [warehouse.id]: { available: 0 } } }] }));
  ({ product: lampProduct } = storeA.addProduct({ title: "Lamp", variants: [{ sku: "LAMP", tracked: false }] }));
  // Stocked only where no connection sells from.
  ({ product: bootProduct } = storeA.addProduct({
    title: "Boot",
    variants: [{ sku: "BOOT", stock: { [outlet.id]: { available: 9 } } }],
  }));
  warehouseB = storeB.addLocation({ name: "Warehouse B" });
  ({
    product: tentProductB,
    variants: [tentB],
  } = storeB.addProduct({ title: "Tent", variants: [{ sku: "TENT", stock: { [warehouseB.id]: { available: 6 } } }] }));
}

let decathlon = "";
let carrefour = "";
let decathlonB = "";
let lines = 0;

async function reserve(
  shop: string,
  connectionId: string,
  shopifySku: string,
  quantity: number,
  extra: { miraklOrderId?: string; releasedAt?: Date } = {},
) {
  const orderLineId = `LINE-${++lines}`;
  return prisma.marketplaceReservation.create({
    data: {
      shop,
      connectionId,
      miraklOrderId: extra.miraklOrderId ?? `ORDER-${lines}`,
      orderLineId,
      shopifySku,
      quantity,
      releasedAt: extra.releasedAt ?? null,
    },
  });
}
const row = (id: string) => prisma.marketplaceReservation.findUniqueOrThrow({ where: { id } });
const quantities = (inventoryItemId: string, locationId: string, store = storeA) =>
  store.levelOf(inventoryItemId, locationId)!.quantities;
const mirrored = (inventoryItemId: string, locationId: string) =>
  prisma.shopifyInventoryLevel.findUniqueOrThrow({
    where: { inventoryItemId_locationId: { inventoryItemId, locationId } },
  });
const moves = () => fake.requests.filter((r) => r.operationName === "InventoryMoveQuantities");
const exceptionsOf = (orderLineId: string) =>
  prisma.syncException.findMany({
    where: { kind: "RESERVATION_HOLD_FAILED", entityType: "MiraklOrderLine", entityId: orderLineId },
  });
const reconcile = (now = tick(), admin: Pick<ShopifyAdminClient, "request"> = adminA) =>
  reconcileShopifyHolds(shopA, now, admin);

/** Sets a level of shop A in Shopify and in the mirror alike (a restock or a sale the mirror already knows). */
async function setLevel(inventoryItemId: string, locationId: string, levels: { available: number }) {
  storeA.setQuantity(storeA.levelOf(inventoryItemId, locationId)!, "available", levels.available);
  await prisma.shopifyInventoryLevel.updateMany({
    where: { shop: shopA, inventoryItemId, locationId },
    data: { available: levels.available },
  });
}

/** Three tents of a Decathlon order held at retail (which had 8, the warehouse 5): retail is at 5 available, 3 reserved. */
async function threeTentsHeldAtRetail() {
  const r = await reserve(shopA, decathlon, "TENT", 3);
  expect(await reconcile()).toMatchObject({ held: 1, failed: 0 });
  expect(quantities(tent!.inventoryItemId, retail.id)).toMatchObject({ available: 5, reserved: 3 });
  return r;
}

/** What Shopify sends after a change to a level, through the real stock webhook handler. */
const webhooks = catalogWebhookHandlers({ shopify: async (shop) => clientFor(shop), onLevelDrops: recordShopifySales });
async function deliverLevel(level: FakeInventoryLevel) {
  const parsed = parseWebhookPayload(
    "inventory_levels/update",
    parseShopifyJson(shopifyJson(fake.webhooks.payloads().inventoryLevelUpdate(level))),
  );
  if (!parsed.success) throw new Error(parsed.error.message);
  await webhooks.inventoryLevelsUpdate({ shop: shopA } as WebhookDelivery, parsed.data);
}

beforeAll(async () => {
  registerFlows(); // Retry goes through the handlers the flows register
  await ensureDatabaseReady();
});
beforeEach(async () => {
  testCount++;
  shopA = `holds-a-${testCount}.myshopify.com`;
  shopB = `holds-b-${testCount}.myshopify.com`;
  stockTheStores();
  const stock = { stock: { locationIds: [warehouse.id, retail.id] }, stockConfiguredAt: "2026-06-01T00:00:00.000Z" };
  decathlon = (
    await createConnection(shopA, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k1",
      settings: stock,
    })
  ).id;
  carrefour = (
    await createConnection(shopA, { name: "Carrefour", baseUrl: "https://carrefour.mirakl.test", apiKey: "k2" })
  ).id; // no location chosen
  decathlonB = (
    await createConnection(shopB, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k3",
      settings: { stock: { locationIds: [warehouseB.id] } },
    })
  ).id;
  for (const product of [tentProduct, stoveProduct, mugProduct, lampProduct, bootProduct])
    await refreshProduct(shopA, adminA, product.id, new Date(fakeNow));
  await refreshProduct(shopB, clientFor(shopB), tentProductB.id, new Date(fakeNow));
  await runStockRecompute(shopA, { shopify: null });
});

describe("holding reservations in Shopify", () => {
  it("moves the units from available to reserved at the connection's location with the most available, and mirrors the new level", async () => {
    const r = await reserve(shopA, decathlon, "TENT", 3);
    const versionBefore = (await prisma.shopifyVariant.findUniqueOrThrow({ where: { variantId: tent!.id } }))
      .changeVersion;
    const now = tick();
    const result = await reconcile(now);
    expect(result).toMatchObject({ held: 1, returned: 0, failed: 0, nextDueAt: null });

    // Retail had 8, the warehouse 5.
    expect(quantities(tent!.inventoryItemId, retail.id)).toMatchObject({ available: 5, reserved: 3 });
    expect(quantities(tent!.inventoryItemId, warehouse.id)).toMatchObject({ available: 5, reserved: 0 });
    expect(await row(r.id)).toMatchObject({
      heldAt: now,
      heldLocationId: retail.id,
      heldQuantity: 3,
      holdError: null,
      holdReleasedAt: null,
    });
    expect(await mirrored(tent!.inventoryItemId, retail.id)).toMatchObject({
      available: 5,
      observedAt: new Date(fakeNow),
    });

    const [sent] = moves();
    expect(sent!.variables).toMatchObject({
      idempotencyKey: expect.stringMatching(/^reservation-hold:/),
      input: {
        reason: "reservation_created",
        referenceDocumentUri: `gid://mirakl-bridge/MiraklOrder/${r.miraklOrderId}`,
        changes: [
          {
            inventoryItemId: tent!.inventoryItemId,
            quantity: 3,
            from: { name: "available", locationId: retail.id, changeFromQuantity: null },
            to: {
              name: "reserved",
              locationId: retail.id,
              changeFromQuantity: null,
              ledgerDocumentUri: `gid://mirakl-bridge/MiraklOrderLine/${r.orderLineId}`,
            },
          },
        ],
      },
    });
    // The variant is recomputed, and the result does not move: 3 units left available and stopped being subtracted.
    expect(
      (await prisma.shopifyVariant.findUniqueOrThrow({ where: { variantId: tent!.id } })).changeVersion,
    ).toBeGreaterThan(versionBefore);
    await runStockRecompute(shopA, { shopify: null });
    const offer = await prisma.offerStock.findUniqueOrThrow({
      where: { connectionId_offerSku_warehouseCode: { connectionId: decathlon, offerSku: "TENT", warehouseCode: "" } },
    });
    expect(offer.desiredQuantity).toBe(10);
  });

  it("the inventory_levels/update Shopify sends for the move is not taken for a sale", async () => {
    await threeTentsHeldAtRetail();
    await deliverLevel(storeA.levelOf(tent!.inventoryItemId, retail.id)!);
    expect(await prisma.shopifyStockSale.count({ where: { shop: shopA } })).toBe(0);
    expect(await mirrored(tent!.inventoryItemId, retail.id)).toMatchObject({ available: 5 });
    // A real sale afterwards still is one.
    tick();
    storeA.setQuantity(storeA.levelOf(tent!.inventoryItemId, retail.id)!, "available", 4);
    await deliverLevel(storeA.levelOf(tent!.inventoryItemId, retail.id)!);
    expect(await prisma.shopifyStockSale.findMany({ where: { shop: shopA } })).toEqual([
      expect.objectContaining({ units: 1, locationId: retail.id }),
    ]);
  });

  it("a crash after Shopify applied the move but before it was recorded does not move twice", async () => {
    await setLevel(tent!.inventoryItemId, retail.id, { available: 4 });
    const r = await reserve(shopA, decathlon, "TENT", 2);
    // Retail now has 4, the warehouse 5: the warehouse is chosen.
    const crashing = {
      request: async (...args: Parameters<ShopifyAdminClient["request"]>) => {
        await adminA.request(...args);
        throw new Error("worker killed");
      },
    } as Pick<ShopifyAdminClient, "request">;
    await expect(reconcile(tick(), crashing)).rejects.toThrow("worker killed");
    expect(quantities(tent!.inventoryItemId, warehouse.id)).toMatchObject({ available: 3, reserved: 2 });
    expect(await row(r.id)).toMatchObject({ heldAt: null, heldLocationId: warehouse.id, heldQuantity: 2 });

    // The stock changes meanwhile: the retry sends the same move (same key), which Shopify replays.
    await deliverLevel(storeA.levelOf(tent!.inventoryItemId, warehouse.id)!);
    const result = await reconcile();
    expect(result).toMatchObject({ held: 1, failed: 0 });
    expect(quantities(tent!.inventoryItemId, warehouse.id)).toMatchObject({ available: 3, reserved: 2 });
    const [first, retry] = moves().slice(-2);
    expect(retry!.variables).toEqual(first!.variables);
    expect(await row(r.id)).toMatchObject({ heldLocationId: warehouse.id, heldQuantity: 2, holdAttempts: 0 });
    expect((await row(r.id)).heldAt).not.toBeNull();
  });

  it("an answer lost after Shopify applied the move is not an attempt: the retry replays it", async () => {
    await threeTentsHeldAtRetail();
    await setLevel(tent!.inventoryItemId, retail.id, { available: 4 });
    await setLevel(tent!.inventoryItemId, warehouse.id, { available: 3 });
    const r = await reserve(shopA, decathlon, "TENT", 1);
    const losing = {
      request: async (...args: Parameters<ShopifyAdminClient["request"]>) => {
        await adminA.request(...args);
        throw new ShopifyRetriesExhaustedError("InventoryMoveQuantities", 2, "HTTP 503");
      },
    } as Pick<ShopifyAdminClient, "request">;
    const now = tick();
    const lost = await reconcile(now, losing);
    expect(lost).toMatchObject({ held: 0, failed: 1, nextDueAt: new Date(now.getTime() + 60_000) });
    // Retail had 4 (the most): the move went there.
    expect(await row(r.id)).toMatchObject({
      heldAt: null,
      holdAttempts: 0,
      holdError: expect.stringContaining("HTTP 503"),
      heldLocationId: retail.id,
      heldQuantity: 1,
    });
    expect(quantities(tent!.inventoryItemId, retail.id)).toMatchObject({ available: 3, reserved: 4 });

    // A problem found before the retry is sent (the variant briefly missing from the mirror) keeps the key too.
    await prisma.shopifyVariant.update({ where: { variantId: tent!.id }, data: { deletedAt: new Date(fakeNow) } });
    expect(await reconcile()).toMatchObject({ held: 0, failed: 1 });
    expect(await row(r.id)).toMatchObject({
      heldAt: null,
      holdAttempts: 0,
      heldLocationId: retail.id,
      holdError: expect.stringContaining("No Shopify variant"),
    });
    await prisma.shopifyVariant.update({ where: { variantId: tent!.id }, data: { deletedAt: null } });

    expect(await reconcile()).toMatchObject({ held: 1, failed: 0 });
    expect(quantities(tent!.inventoryItemId, retail.id)).toMatchObject({ available: 3, reserved: 4 });
    expect(await row(r.id)).toMatchObject({ holdError: null });
    // Reported while it was in doubt, resolved once recorded.
    expect(await exceptionsOf(r.orderLineId)).toEqual([
      expect.objectContaining({ status: "RESOLVED", occurrences: 2 }),
    ]);
  });

  it("holds only what the location has, and the recompute subtracts only the part not held", async () => {
    const r = await reserve(shopA, decathlon, "STOVE", 4);
    await reconcile();
    // The warehouse had 2 (the most), retail 1.
    expect(await row(r.id)).toMatchObject({ heldLocationId: warehouse.id, heldQuantity: 2 });
    expect(quantities(stove!.inventoryItemId, warehouse.id)).toMatchObject({ available: 0, reserved: 2 });
    await runStockRecompute(shopA, { shopify: null });
    const offer = await prisma.offerStock.findUniqueOrThrow({
      where: { connectionId_offerSku_warehouseCode: { connectionId: decathlon, offerSku: "STOVE", warehouseCode: "" } },
    });
    const steps = (offer.explanation as { result: { steps: Array<{ step: string; units?: number }> } }).result.steps;
    expect(steps.find((s) => s.step === "reservations")).toMatchObject({ units: 2 });
  });

  it("leaves a reservation unheld while nothing is available, and looks again later", async () => {
    const r = await reserve(shopA, decathlon, "MUG", 1);
    const now = tick();
    const result = await reconcile(now);
    expect(result).toMatchObject({ held: 0, failed: 0, nextDueAt: new Date(now.getTime() + 5 * 60_000) });
    expect(await row(r.id)).toMatchObject({ heldAt: null, heldLocationId: null, holdError: null });
    expect(quantities(mug!.inventoryItemId, warehouse.id)).toMatchObject({ available: 0, reserved: 0 });

    storeA.setQuantity(storeA.levelOf(mug!.inventoryItemId, warehouse.id)!, "available", 3);
    await deliverLevel(storeA.levelOf(mug!.inventoryItemId, warehouse.id)!);
    expect(await reconcile()).toMatchObject({ held: 1 });
    expect(quantities(mug!.inventoryItemId, warehouse.id)).toMatchObject({ available: 2, reserved: 1 });
  });

  it("records why a reservation cannot be held (no variant, untracked, no location, not stocked there): one exception each, resolved once held", async () => {
    const ghost = await reserve(shopA, decathlon, "GHOST", 1);
    const lamp = await reserve(shopA, decathlon, "LAMP", 1);
    const boot = await reserve(shopA, decathlon, "BOOT", 1);
    const nowhere = await reserve(shopA, carrefour, "TENT", 1);
    const requests = moves().length;
    const now = tick();
    const first = await reconcile(now);
    expect(first).toMatchObject({ held: 0, failed: 4, nextDueAt: new Date(now.getTime() + 60_000) });
    await reconcile();
    expect(moves()).toHaveLength(requests);

    expect(await row(ghost.id)).toMatchObject({
      heldAt: null,
      holdAttempts: 2,
      holdError: expect.stringContaining('No Shopify variant has the SKU "GHOST"'),
    });
    expect(await row(lamp.id)).toMatchObject({ holdError: expect.stringContaining("does not track") });
    expect(await row(boot.id)).toMatchObject({ holdError: expect.stringContaining("not stocked at any location") });
    expect(await row(nowhere.id)).toMatchObject({
      holdError: expect.stringContaining("sells from no Shopify location"),
    });
    for (const r of [ghost, lamp, boot, nowhere]) {
      expect(await exceptionsOf(r.orderLineId)).toEqual([
        expect.objectContaining({
          shop: shopA,
          connectionId: r.connectionId,
          status: "OPEN",
          occurrences: 2,
          fixHint: expect.any(String),
        }),
      ]);
    }

    // Retry from the queue marks the holds pass due; a line with nothing left to hold has nothing to retry.
    await prisma.workUnit.deleteMany({ where: { key: workUnits.reservationHolds.key(shopA) } });
    const [exception] = await exceptionsOf(nowhere.orderLineId);
    expect(await applyExceptionAction(shopA, { intent: "retry", ids: [exception!.id] })).toMatchObject({
      affected: 1,
      skipped: 0,
    });
    expect(await prisma.workUnit.findUnique({ where: { key: workUnits.reservationHolds.key(shopA) } })).not.toBeNull();
    expect(await applyExceptionAction(shopB, { intent: "retry", ids: [exception!.id] })).toMatchObject({ affected: 0 }); // another shop's row

    // The merchant chooses Carrefour's location: the next pass holds it and closes its exception.
    await updateConnection(shopA, carrefour, { settings: { stock: { locationIds: [warehouse.id] } } });
    await reconcile();
    expect((await row(nowhere.id)).heldAt).not.toBeNull();
    expect(await exceptionsOf(nowhere.orderLineId)).toEqual([expect.objectContaining({ status: "RESOLVED" })]);
  });

  it("a move Shopify refuses counts an attempt, backs off, and is retried under a fresh key", async () => {
    const r = await reserve(shopA, decathlon, "TENT", 1);
    // The mirror says both locations have stock; Shopify no longer does (the webhooks are still on their way).
    const levels = [warehouse.id, retail.id].map((id) => storeA.levelOf(tent!.inventoryItemId, id)!);
    const counts = levels.map((l) => l.quantities.available);
    for (const l of levels) storeA.setQuantity(l, "available", 0);
    const now = tick();
    const refused = await reconcile(now);
    expect(refused).toMatchObject({ held: 0, failed: 1, nextDueAt: new Date(now.getTime() + 60_000) });
    expect(await row(r.id)).toMatchObject({
      heldAt: null,
      heldLocationId: null,
      holdAttempts: 1,
      holdError: expect.stringContaining("can't be negative"),
    });
    expect(await exceptionsOf(r.orderLineId)).toEqual([expect.objectContaining({ status: "OPEN" })]);

    levels.forEach((l, i) => storeA.setQuantity(l, "available", counts[i]!));
    expect(await reconcile()).toMatchObject({ held: 1, failed: 0 });
    const [refusedMove, retry] = moves().slice(-2);
    expect(retry!.variables.idempotencyKey).not.toBe(refusedMove!.variables.idempotencyKey);
    expect(await exceptionsOf(r.orderLineId)).toEqual([expect.objectContaining({ status: "RESOLVED" })]);
  });
});

describe("releasing", () => {
  it("releaseReservationsOfShopifyOrder releases the order's open lines and marks them for recompute and for the holds", async () => {
    const order = "ORDER-SHIPPED-TO-SHOPIFY";
    await setLevel(mug!.inventoryItemId, warehouse.id, { available: 2 });
    const a = await reserve(shopA, decathlon, "TENT", 1, { miraklOrderId: order });
    const b = await reserve(shopA, decathlon, "MUG", 1, { miraklOrderId: order });
    const other = await reserve(shopA, decathlon, "TENT", 1);
    expect(await reconcile()).toMatchObject({ held: 3 });
    const tentVersion = (await prisma.shopifyVariant.findUniqueOrThrow({ where: { variantId: tent!.id } }))
      .changeVersion;
    await prisma.workUnit.deleteMany({ where: { key: workUnits.reservationHolds.key(shopA) } });

    const now = tick();
    expect(await releaseReservationsOfShopifyOrder(shopA, decathlon, order, now)).toBe(2);
    expect(await row(a.id)).toMatchObject({ releasedAt: now, releaseReason: "SHOPIFY_ORDER" });
    expect(await row(b.id)).toMatchObject({ releasedAt: now, releaseReason: "SHOPIFY_ORDER" });
    expect(await row(other.id)).toMatchObject({ releasedAt: null });
    expect(
      (await prisma.shopifyVariant.findUniqueOrThrow({ where: { variantId: tent!.id } })).changeVersion,
    ).toBeGreaterThan(tentVersion);
    expect(await prisma.workUnit.findUnique({ where: { key: workUnits.reservationHolds.key(shopA) } })).not.toBeNull();
    // Another connection's order with the same id is not this one.
    expect(await releaseReservationsOfShopifyOrder(shopA, carrefour, order, now)).toBe(0);
  });

  it("gives the held units back (reserved → available) and mirrors the level", async () => {
    // A tent and a mug of one order, held, then released because the order reached Shopify.
    const order = "ORDER-SHIPPED-TO-SHOPIFY";
    await setLevel(mug!.inventoryItemId, warehouse.id, { available: 2 });
    await reserve(shopA, decathlon, "TENT", 1, { miraklOrderId: order });
    await reserve(shopA, decathlon, "MUG", 1, { miraklOrderId: order });
    expect(await reconcile()).toMatchObject({ held: 2 });
    expect(await releaseReservationsOfShopifyOrder(shopA, decathlon, order, tick())).toBe(2);
    const released = await prisma.marketplaceReservation.findMany({
      where: { shop: shopA, releaseReason: "SHOPIFY_ORDER" },
    });
    const tentRow = released.find((r) => r.shopifySku === "TENT")!;
    const before = { ...quantities(tent!.inventoryItemId, tentRow.heldLocationId!) };
    const now = tick();
    expect(await reconcile(now)).toMatchObject({ returned: 2, held: 0, failed: 0 });
    expect(quantities(tent!.inventoryItemId, tentRow.heldLocationId!)).toEqual({
      ...before,
      available: before.available + 1,
      reserved: before.reserved - 1,
    });
    expect(await row(tentRow.id)).toMatchObject({ holdReleasedAt: now });
    expect(await mirrored(tent!.inventoryItemId, tentRow.heldLocationId!)).toMatchObject({
      available: before.available + 1,
      observedAt: new Date(fakeNow),
    });
    const sent = moves().at(-1)!.variables as {
      idempotencyKey: string;
      input: { reason: string; changes: Array<{ from: { name: string }; to: { name: string } }> };
    };
    expect(sent.idempotencyKey).toMatch(/^reservation-unhold:/);
    expect(sent.input.reason).toBe("reservation_deleted");
    expect(sent.input.changes[0]).toMatchObject({ from: { name: "reserved" }, to: { name: "available" } });

    // Done once: the next pass has nothing to give back.
    const requests = moves().length;
    expect(await reconcile()).toMatchObject({ returned: 0 });
    expect(moves()).toHaveLength(requests);
  });

  it("a line that shipped with no Shopify order: its held units leave stock (reserved and on hand down, available unchanged)", async () => {
    const r = await reserve(shopA, decathlon, "TENT", 2);
    await reconcile();
    const held = await row(r.id);
    expect(held.heldAt).not.toBeNull();
    const before = { ...quantities(tent!.inventoryItemId, held.heldLocationId!) };
    await prisma.marketplaceReservation.update({
      where: { id: r.id },
      data: { releasedAt: new Date(fakeNow), releaseReason: "SHIPPED" },
    });
    const adjusts = () => fake.requests.filter((q) => q.operationName === "InventoryAdjustQuantities");
    const now = tick();
    expect(await reconcile(now)).toMatchObject({ returned: 1, failed: 0 });
    expect(quantities(tent!.inventoryItemId, held.heldLocationId!)).toEqual({
      ...before,
      reserved: before.reserved - 2,
    });
    const sent = adjusts().at(-1)!.variables as {
      idempotencyKey: string;
      input: { name: string; changes: Array<{ delta: number; ledgerDocumentUri: string }> };
    };
    expect(sent.idempotencyKey).toMatch(/^reservation-shipped:/);
    expect(sent.input).toMatchObject({
      name: "reserved",
      changes: [{ delta: -2, ledgerDocumentUri: `gid://mirakl-bridge/MiraklOrderLine/${r.orderLineId}` }],
    });
    expect(await row(r.id)).toMatchObject({ holdReleasedAt: now });
    const count = adjusts().length;
    await reconcile();
    expect(adjusts()).toHaveLength(count); // once
  });

  it("a line partly cancelled after its hold gives the cancelled units back, once", async () => {
    // Restocked: 20 at the warehouse and the retail shop, in Shopify and in the mirror.
    for (const location of [warehouse, retail]) await setLevel(tent!.inventoryItemId, location.id, { available: 20 });
    const r = await reserve(shopA, decathlon, "TENT", 3);
    await reconcile();
    const held = await row(r.id);
    expect(held.heldQuantity).toBe(3);
    const before = { ...quantities(tent!.inventoryItemId, held.heldLocationId!) };
    await prisma.marketplaceReservation.update({ where: { id: r.id }, data: { quantity: 2 } }); // the intake read a cancellation of 1
    expect(await reconcile()).toMatchObject({ returned: 1, failed: 0 });
    expect(quantities(tent!.inventoryItemId, held.heldLocationId!)).toEqual({
      ...before,
      reserved: before.reserved - 1,
      available: before.available + 1,
    });
    expect(await row(r.id)).toMatchObject({ heldQuantity: 2, holdReleasedAt: null, releasedAt: null });
    const requests = moves().length;
    await reconcile();
    expect(moves()).toHaveLength(requests);
    await prisma.marketplaceReservation.update({
      where: { id: r.id },
      data: { releasedAt: new Date(fakeNow), releaseReason: "CANCELED" },
    });
    await reconcile(); // and the rest goes back when the line is released
    expect(quantities(tent!.inventoryItemId, held.heldLocationId!)).toEqual({
      ...before,
      reserved: before.reserved - 3,
      available: before.available + 3,
    });
  });

  it("gives back on the inventory item it held, even once the SKU is on another variant", async () => {
    const r = await reserve(shopA, decathlon, "STOVE", 1);
    await reconcile();
    const held = await row(r.id);
    expect(held.heldInventoryItemId).toBe(stove!.inventoryItemId);
    // The SKU moves to a new variant; the reserved unit is still on the old item.
    await prisma.shopifyVariant.updateMany({ where: { shop: shopA, sku: "STOVE" }, data: { sku: "STOVE-OLD" } });
    await prisma.marketplaceReservation.update({
      where: { id: r.id },
      data: { releasedAt: new Date(fakeNow), releaseReason: "CANCELED" },
    });
    const before = { ...quantities(stove!.inventoryItemId, held.heldLocationId!) };
    expect(await reconcile()).toMatchObject({ returned: 1, failed: 0 });
    expect(quantities(stove!.inventoryItemId, held.heldLocationId!)).toEqual({
      ...before,
      reserved: before.reserved - 1,
      available: before.available + 1,
    });
    await prisma.shopifyVariant.updateMany({ where: { shop: shopA, sku: "STOVE-OLD" }, data: { sku: "STOVE" } });
  });

  it("a reservation released before it could be held closes its hold exception", async () => {
    const r = await reserve(shopA, decathlon, "GHOST-2", 1);
    await reconcile();
    expect(await exceptionsOf(r.orderLineId)).toEqual([expect.objectContaining({ status: "OPEN" })]);
    await prisma.marketplaceReservation.update({
      where: { id: r.id },
      data: { releasedAt: new Date(fakeNow), releaseReason: "CANCELED" },
    });
    await reconcile();
    expect(await exceptionsOf(r.orderLineId)).toEqual([expect.objectContaining({ status: "RESOLVED" })]);
  });

  it("a reservation released before it was ever held is closed without a call", async () => {
    const r = await reserve(shopA, decathlon, "TENT", 1, { releasedAt: new Date(fakeNow) });
    const requests = moves().length;
    const now = tick();
    expect(await reconcile(now)).toMatchObject({ held: 0, returned: 0, failed: 0 });
    expect(await row(r.id)).toMatchObject({ heldAt: null, holdReleasedAt: now });
    expect(moves()).toHaveLength(requests);
  });
});

describe("shop isolation", () => {
  it("a shop's pass never touches another shop's reservations, variants or Shopify store", async () => {
    const theirs = await reserve(shopB, decathlonB, "TENT", 2);
    const before = { ...quantities(tentB!.inventoryItemId, warehouseB.id, storeB) };
    await reconcile();
    expect(await row(theirs.id)).toMatchObject({
      heldAt: null,
      heldLocationId: null,
      holdAttempts: 0,
      holdError: null,
    });
    expect(quantities(tentB!.inventoryItemId, warehouseB.id, storeB)).toEqual(before);
    expect(moves().every((m) => m.shop === shopA)).toBe(true);

    // Its own pass holds it with its own variant, in its own store.
    expect(await reconcileShopifyHolds(shopB, tick(), clientFor(shopB))).toMatchObject({ held: 1 });
    expect(quantities(tentB!.inventoryItemId, warehouseB.id, storeB)).toMatchObject({ available: 4, reserved: 2 });
    expect(moves().at(-1)).toMatchObject({
      shop: shopB,
      variables: { input: { changes: [expect.objectContaining({ inventoryItemId: tentB!.inventoryItemId })] } },
    });
  });
});
