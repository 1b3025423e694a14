import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { z } from "zod";
import type { ShopifyAdminClient } from "./client";
import { ShopifyUserErrorsError } from "./errors";
import type { Gid } from "./operation";
import { variantInventoryExportQuery } from "./bulk-queries";
import { bulkOperationById, bulkOperationRunQuery, type BulkOperationState } from "./operations/bulk";
import type { ProductStatus } from "./operations/inventory";
import { isInventoryQuantityName, type InventoryQuantityName } from "./quantity-names";

const terminalStatuses = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

export class BulkOperationFailedError extends Error {
  override readonly name = "BulkOperationFailedError";
  constructor(readonly operation: BulkOperationState) {
    super(
      `bulk operation ${operation.id} ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}`,
    );
  }
}

/** Starts the variant + inventory export. Rows are not grouped (`groupObjects: false`): children carry `__parentId`. */
export async function startVariantInventoryExport(client: ShopifyAdminClient): Promise<Gid> {
  const { bulkOperationRunQuery: payload } = await client.request(bulkOperationRunQuery, {
    query: variantInventoryExportQuery,
    groupObjects: false,
  });
  if (!payload.bulkOperation)
    throw new ShopifyUserErrorsError("BulkOperationRunQuery", [
      { field: null, message: "no bulk operation was created" },
    ]);
  return payload.bulkOperation.id;
}

export interface PollOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  intervalMs?: number;
  timeoutMs?: number;
}

/** Polls until the operation ends. Subscribing to `bulk_operations/finish` is the alternative for long exports. */
export async function waitForBulkOperation(
  client: ShopifyAdminClient,
  id: Gid,
  options: PollOptions = {},
): Promise<BulkOperationState> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 60 * 60_000);
  for (;;) {
    const { bulkOperation } = await client.request(bulkOperationById, { id });
    if (!bulkOperation) throw new Error(`bulk operation ${id} not found`);
    if (terminalStatuses.has(bulkOperation.status)) {
      if (bulkOperation.status !== "COMPLETED") throw new BulkOperationFailedError(bulkOperation);
      return bulkOperation;
    }
    if (now() >= deadline) throw new Error(`bulk operation ${id} still ${bulkOperation.status} after the poll timeout`);
    await sleep(options.intervalMs ?? 2_000);
  }
}

/** Reads a JSONL result line by line from the stream; the file can be gigabytes, so it is never held whole. */
export async function* streamJsonlLines(url: string, fetchFn: typeof fetch = fetch): AsyncGenerator<unknown> {
  const response = await fetchFn(url);
  if (!response.ok || !response.body) throw new Error(`bulk result ${url}: HTTP ${response.status}`);
  const lines = createInterface({
    input: Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    yield JSON.parse(line) as unknown;
  }
}

const gid = (type: string) => z.string().startsWith(`gid://shopify/${type}/`);

/** Money scalars arrive as decimal strings; anything else (a float, "1e3") would round a price silently. */
const money = z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal money string");

const variantLine = z.looseObject({
  id: gid("ProductVariant"),
  sku: z.string().nullable(),
  title: z.string(),
  barcode: z.string().nullable(),
  price: money,
  compareAtPrice: money.nullable(),
  product: z.looseObject({
    id: gid("Product"),
    title: z.string(),
    status: z.enum(["ACTIVE", "ARCHIVED", "DRAFT", "UNLISTED"]),
  }),
  inventoryItem: z.looseObject({ id: gid("InventoryItem"), sku: z.string().nullable(), tracked: z.boolean() }),
});

const levelLine = z.looseObject({
  id: gid("InventoryLevel"),
  __parentId: gid("ProductVariant"),
  location: z.looseObject({ id: gid("Location") }),
  quantities: z.array(z.looseObject({ name: z.string(), quantity: z.number().int(), updatedAt: z.string().nullish() })),
});

export type VariantInventoryRow =
  | {
      kind: "variant";
      variantId: Gid;
      sku: string | null;
      title: string;
      barcode: string | null;
      price: string;
      compareAtPrice: string | null;
      productId: Gid;
      productTitle: string;
      productStatus: ProductStatus;
      inventoryItemId: Gid;
      tracked: boolean;
    }
  | {
      kind: "level";
      variantId: Gid;
      inventoryLevelId: Gid;
      locationId: Gid;
      quantities: Partial<Record<InventoryQuantityName, number>>;
      /** When Shopify last changed `available` here (null if Shopify did not say): orders this row against webhooks. */
      availableUpdatedAt: string | null;
    };

/**
 * Typed rows of the export. Without grouping a level line follows its variant somewhere later in the file, not
 * necessarily right after it, so consumers key levels by `variantId` rather than by position.
 */
export function toVariantInventoryRow(line: unknown): VariantInventoryRow {
  if (line && typeof line === "object" && "__parentId" in line) {
    const level = levelLine.parse(line);
    const quantities: Partial<Record<InventoryQuantityName, number>> = {};
    for (const { name, quantity } of level.quantities) if (isInventoryQuantityName(name)) quantities[name] = quantity;
    const availableUpdatedAt = level.quantities.find((q) => q.name === "available")?.updatedAt ?? null;
    return {
      kind: "level",
      variantId: level.__parentId,
      inventoryLevelId: level.id,
      locationId: level.location.id,
      quantities,
      availableUpdatedAt,
    };
  }
  const variant = variantLine.parse(line);
  return {
    kind: "variant",
    variantId: variant.id,
    sku: variant.sku,
    title: variant.title,
    barcode: variant.barcode,
    price: variant.price,
    compareAtPrice: variant.compareAtPrice,
    productId: variant.product.id,
    productTitle: variant.product.title,
    productStatus: variant.product.status,
    inventoryItemId: variant.inventoryItem.id,
    tracked: variant.inventoryItem.tracked,
  };
}

export interface VariantInventoryExportOptions extends PollOptions {
  fetch?: typeof fetch;
}

/** Runs the whole export: start, poll, then stream typed rows. An export with no variants has no URL and yields nothing. */
export async function* exportVariantInventory(
  client: ShopifyAdminClient,
  options: VariantInventoryExportOptions = {},
): AsyncGenerator<VariantInventoryRow> {
  const id = await startVariantInventoryExport(client);
  const finished = await waitForBulkOperation(client, id, options);
  if (!finished.url) return;
  for await (const line of streamJsonlLines(finished.url, options.fetch)) yield toVariantInventoryRow(line);
}
