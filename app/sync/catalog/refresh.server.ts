import prisma from "~/db.server";
import {
  streamJsonlLines,
  startVariantInventoryExport,
  toVariantInventoryRow,
  type VariantInventoryRow,
} from "~/integrations/shopify/bulk-export";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import { ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import { bulkOperationById } from "~/integrations/shopify/operations";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { workUnits } from "~/worker/registry.server";
import {
  ingestVariantInventoryExport,
  shopifyClientForShop,
  type IngestResult,
  type ShopifyClientFactory,
} from "~/sync/catalog/mirror.server";

/**
 * The shop's full catalogue refresh, asked for by a full reconcile (Shop.catalogRefreshRequestedAt):
 * a Shopify bulk export, followed in short persisted steps (start → poll → ingest), never a sleep,
 * then streamed into the mirror. One per shop at a time; every connection's reconcile shares it.
 */

const POLL_MS = 5_000;
/** Shopify allows one bulk query per shop and app at a time: another one running is waited out. */
const BUSY_RETRY_MS = 30_000;
const FAILED_RETRY_MS = 5 * 60_000;
const terminal = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

export interface RefreshDeps {
  shopify?: ShopifyClientFactory;
  fetch?: typeof fetch;
}

export async function catalogRefreshStep(
  shop: string,
  now: Date,
  deps: RefreshDeps = {},
): Promise<{ nextDueAt: Date | null; ingested?: IngestResult }> {
  const state = await prisma.shop.findUnique({ where: { shop } });
  const requested = state?.catalogRefreshRequestedAt;
  if (!state || !requested || (state.catalogRefreshedAt && state.catalogRefreshedAt >= requested))
    return { nextDueAt: null };
  const later = (ms: number) => ({ nextDueAt: new Date(now.getTime() + ms) });
  const client: ShopifyAdminClient = await (deps.shopify ?? shopifyClientForShop)(shop);

  if (!state.catalogBulkOperationId) {
    try {
      const id = await startVariantInventoryExport(client);
      await prisma.shop.update({ where: { shop }, data: { catalogBulkOperationId: id } });
      return later(POLL_MS);
    } catch (error) {
      if (error instanceof ShopifyUserErrorsError && error.hasCode("OPERATION_IN_PROGRESS"))
        return later(BUSY_RETRY_MS);
      throw error;
    }
  }

  const { bulkOperation } = await client.request(bulkOperationById, { id: state.catalogBulkOperationId });
  if (bulkOperation && !terminal.has(bulkOperation.status)) return later(POLL_MS);
  if (!bulkOperation || bulkOperation.status !== "COMPLETED") {
    const outcome = bulkOperation
      ? `${bulkOperation.status}${bulkOperation.errorCode ? ` (${bulkOperation.errorCode})` : ""}`
      : "not found";
    await prisma.shop.update({ where: { shop }, data: { catalogBulkOperationId: null } });
    await reportException({
      shop,
      kind: "RECONCILE_FAILED",
      severity: "WARNING",
      entityType: "Shop",
      entityId: `${shop}:catalog-refresh`,
      message: `Shopify's catalogue export ended ${outcome}; the full reconciliation waits for a fresh catalogue.`,
      fixHint:
        "It is started again in a few minutes. Stock changes keep flowing through webhooks meanwhile; if it keeps failing, check the app's access to products and inventory.",
      detail: {
        bulkOperationId: state.catalogBulkOperationId,
        status: bulkOperation?.status ?? null,
        errorCode: bulkOperation?.errorCode ?? null,
      },
    });
    return later(FAILED_RETRY_MS);
  }

  const rows = bulkOperation.url ? exportRows(bulkOperation.url, deps.fetch) : emptyExport();
  // The export shows Shopify as it was when the operation was created: later webhook facts are kept.
  const ingested = await ingestVariantInventoryExport(shop, rows, { snapshotAt: new Date(bulkOperation.createdAt) });
  await prisma.shop.update({ where: { shop }, data: { catalogBulkOperationId: null, catalogRefreshedAt: now } });
  await resolveExceptionsFor(shop, "Shop", `${shop}:catalog-refresh`, now);
  return { nextDueAt: null, ingested };
}

async function* exportRows(url: string, fetchFn?: typeof fetch): AsyncGenerator<VariantInventoryRow> {
  for await (const line of streamJsonlLines(url, fetchFn)) yield toVariantInventoryRow(line);
}

// An export with no variants has no file: the shop has no variants, which the ingest then mirrors.
async function* emptyExport(): AsyncGenerator<VariantInventoryRow> {}

// Ingesting 100,000 variants takes a while: the kind's lease is long, and renewed while the task runs.
export const catalogRefreshTask = workUnits.catalogRefresh.task(async (unit, ctx) => ({
  nextDueAt: (await catalogRefreshStep(unit.shop!, ctx.now())).nextDueAt,
}));
