import { describe, expect, it } from "vitest";
import {
  BulkOperationFailedError,
  exportVariantInventory,
  startVariantInventoryExport,
  streamJsonlLines,
  toVariantInventoryRow,
} from "~/integrations/shopify/bulk-export";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { idempotencyKeyFor } from "~/integrations/shopify/idempotency";
import { ShopifyFake } from "../../shopify-fake";

const clientFor = (fake: ShopifyFake) =>
  new ShopifyAdminClient(fake.admin(), { shop: fake.defaultShop, buckets: new CostBuckets() });
const instant = { sleep: async () => {}, intervalMs: 0 };

describe("variant inventory bulk export", () => {
  it("reports a FAILED operation with its error code", async () => {
    const fake = new ShopifyFake();
    const location = fake.store.addLocation({ name: "Main" });
    fake.store.addProduct({ title: "Hat", variants: [{ sku: "H", stock: { [location.id]: { available: 1 } } }] });
    fake.failNextBulkOperation("TIMEOUT");
    const rows = exportVariantInventory(clientFor(fake), { ...instant, fetch: fake.fetch });
    const error = await rows.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkOperationFailedError);
    expect((error as BulkOperationFailedError).operation).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT" });
  });

  it("refuses a second export while one runs, as a typed user error", async () => {
    const fake = new ShopifyFake({ bulkPollsUntilComplete: 5 });
    fake.store.addLocation({ name: "Main" });
    const client = clientFor(fake);
    await startVariantInventoryExport(client);
    await expect(startVariantInventoryExport(client)).rejects.toMatchObject({
      name: "ShopifyUserErrorsError",
      errors: [{ code: "OPERATION_IN_PROGRESS" }],
    });
  });

  it("yields nothing for a shop without variants (Shopify gives no file)", async () => {
    const fake = new ShopifyFake();
    fake.store.addLocation({ name: "Main" });
    const rows = [];
    for await (const row of exportVariantInventory(clientFor(fake), { ...instant, fetch: fake.fetch })) rows.push(row);
    expect(rows).toEqual([]);
  });

  it("streams lines split across chunks and CRLF line ends", async () => {
    const body = '{"a":1}\r\n{"b":2}\r\n\n{"c":3}';
    const bytes = new TextEncoder().encode(body);
    let offset = 0;
    const fetchChunks = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (offset >= bytes.length) return controller.close();
            controller.enqueue(bytes.slice(offset, offset + 3));
            offset += 3;
          },
        }),
      )) as unknown as typeof fetch;
    const lines = [];
    for await (const line of streamJsonlLines("https://storage.test/x.jsonl", fetchChunks)) lines.push(line);
    expect(lines).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    await expect(
      streamJsonlLines(
        "https://storage.test/gone",
        (async () => new Response("gone", { status: 403 })) as unknown as typeof fetch,
      ).next(),
    ).rejects.toThrow(/HTTP 403/);
  });

  it("rejects rows that are not what the export query selects", () => {
    expect(() => toVariantInventoryRow({ id: "gid://shopify/Product/1" })).toThrow();
    expect(() =>
      toVariantInventoryRow({
        id: "gid://shopify/InventoryLevel/1",
        __parentId: "gid://shopify/ProductVariant/1",
        location: { id: "gid://shopify/Location/1" },
        quantities: [{ name: "available", quantity: "3" }],
      }),
    ).toThrow();
    // Unknown quantity names are dropped rather than trusted.
    expect(
      toVariantInventoryRow({
        id: "gid://shopify/InventoryLevel/1",
        __parentId: "gid://shopify/ProductVariant/1",
        location: { id: "gid://shopify/Location/1" },
        quantities: [
          { name: "available", quantity: 3 },
          { name: "mystery", quantity: 9 },
        ],
      }),
    ).toEqual({
      kind: "level",
      variantId: "gid://shopify/ProductVariant/1",
      inventoryLevelId: "gid://shopify/InventoryLevel/1",
      locationId: "gid://shopify/Location/1",
      quantities: { available: 3 },
      availableUpdatedAt: null,
    });
  });
});

describe("idempotencyKeyFor", () => {
  it("is stable for the same action and differs for any other", () => {
    const key = idempotencyKeyFor("refund", "mirakl-shop-1", "R-77");
    expect(idempotencyKeyFor("refund", "mirakl-shop-1", "R-77")).toBe(key);
    expect(idempotencyKeyFor("refund", "mirakl-shop-1", "R-78")).not.toBe(key);
    expect(idempotencyKeyFor("refund", "mirakl-shop-1R", "-77")).not.toBe(key);
    expect(key).toMatch(/^refund:[0-9a-f]{40}$/);
  });
});
