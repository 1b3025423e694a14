import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { catalogRefreshStep } from "~/sync/catalog/refresh.server";
import { ShopifyFake } from "../../shopify-fake";

const shop = "refresh.myshopify.com";
const fake = new ShopifyFake({ shop, bulkPollsUntilComplete: 1, bulkChunkBytes: 97 });
const location = fake.store.addLocation({ name: "Main" });
const { variants } = fake.store.addProduct({
  title: "Chair",
  variants: Array.from({ length: 30 }, (_, i) => ({
    sku: `CHAIR-${i}`,
    price: "49.00",
    stock: { [location.id]: { available: i } },
  })),
});
const deps = {
  shopify: async () =>
    new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {} }),
  fetch: fake.fetch,
};
const t0 = new Date("2026-07-01T00:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

beforeAll(async () => {
  await ensureDatabaseReady();
  await prisma.shop.create({ data: { shop } });
});

describe("catalogue refresh for a full reconcile", () => {
  it("does nothing unless a refresh was asked for", async () => {
    expect(await catalogRefreshStep(shop, t0, deps)).toEqual({ nextDueAt: null });
    expect(fake.requests).toHaveLength(0);
  });

  it("starts a bulk export, polls it in later steps, then streams it into the mirror and records the refresh", async () => {
    await prisma.shop.update({ where: { shop }, data: { catalogRefreshRequestedAt: t0 } });
    const started = await catalogRefreshStep(shop, at(1), deps);
    expect(started.nextDueAt).toEqual(at(6));
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).catalogBulkOperationId).toMatch(
      /^gid:\/\/shopify\/BulkOperation\//,
    );

    const polled = await catalogRefreshStep(shop, at(6), deps); // RUNNING on the first poll
    expect(polled.nextDueAt).toEqual(at(11));
    const done = await catalogRefreshStep(shop, at(11), deps);
    expect(done.nextDueAt).toBeNull();
    expect(done.ingested).toMatchObject({ variants: 30, levels: 30, variantsChanged: 30, deleted: 0 });
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      catalogBulkOperationId: null,
      catalogRefreshedAt: at(11),
    });
    expect(await prisma.shopifyVariant.findUniqueOrThrow({ where: { variantId: variants[7]!.id } })).toMatchObject({
      sku: "CHAIR-7",
      price: "49.00",
      productStatus: "ACTIVE",
    });
    expect(
      (
        await prisma.shopifyInventoryLevel.findFirstOrThrow({
          where: { inventoryItemId: variants[7]!.inventoryItemId },
        })
      ).available,
    ).toBe(7);
    expect(await catalogRefreshStep(shop, at(12), deps)).toEqual({ nextDueAt: null }); // satisfied
  });

  it("a failed export is reported and started again later; nothing in the mirror is deleted", async () => {
    await prisma.shop.update({ where: { shop }, data: { catalogRefreshRequestedAt: at(100) } });
    fake.failNextBulkOperation("INTERNAL_SERVER_ERROR");
    await catalogRefreshStep(shop, at(101), deps);
    let step = await catalogRefreshStep(shop, at(106), deps);
    while (step.nextDueAt && step.nextDueAt.getTime() - at(106).getTime() < 60_000)
      step = await catalogRefreshStep(shop, step.nextDueAt, deps);
    expect(step.nextDueAt!.getTime()).toBeGreaterThan(at(106).getTime() + 60_000);
    const exception = await prisma.syncException.findFirstOrThrow({
      where: { shop, kind: "RECONCILE_FAILED", entityType: "Shop" },
    });
    expect(exception.message).toMatch(/FAILED \(INTERNAL_SERVER_ERROR\)/);
    expect(await prisma.shopifyVariant.count({ where: { shop, deletedAt: null } })).toBe(30);

    // The retry starts a new export and completes; the exception resolves.
    let retry = await catalogRefreshStep(shop, step.nextDueAt!, deps);
    while (retry.nextDueAt) retry = await catalogRefreshStep(shop, retry.nextDueAt, deps);
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: exception.id } })).status).toBe("RESOLVED");
  });
});
