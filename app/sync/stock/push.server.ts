import prisma from "~/db.server";
import { connectionSettingsSchema, stockRulesConfigured } from "~/domain/connection-settings";
import { MAX_STOCK_IMPORT_LINES, planStockImportBatch } from "~/domain/stock/import-plan";
import type { MiraklClient } from "~/integrations/mirakl";
import { loadDirtyVariants, recomputeVariants } from "~/sync/stock/recompute.server";
import { workUnits } from "~/worker/registry.server";
import { offerEntityId, runImportChannel, type Connection, type ImportChannel } from "~/sync/stock/imports.server";

/**
 * Stock to Mirakl (STO01 → STO02 → STO03). A row is dirty while desiredVersion > pushedVersion; a
 * completed import records the version it sent (compare-and-set), so a change that arrives during
 * the import keeps its row dirty and goes in the next file, never lost.
 */

/** STO01 is allowed once a minute per connection. */
export const STOCK_IMPORT_INTERVAL_MS = 60_000;
/**
 * Orders read this recently are fresh enough for a stock file; older, the file waits for the next read,
 * which is then at most half a minute away. The trade: an isolated change waits 0–30 s more, and an
 * order placed in the half minute before a file can be overwritten until the next one (under a stream of
 * changes, reads and files fall into step and both costs vanish).
 */
export const ORDERS_FRESH_MS = 30_000;
/** Dirty variants the push recomputes itself before a file; more is a backlog for the recompute unit. */
const INLINE_RECOMPUTE_LIMIT = 200;
/** How long a file waits for the shop's recompute unit when it is running (see `beforePrepare`). */
const RECOMPUTE_BUSY_WAIT_MS = 5_000;
/** STO02 is allowed every 15 seconds. */
export const STOCK_STATUS_POLL_MS = 15_000;

/**
 * What the stock push needs from the reservation flow, passed in where the tasks are wired
 * (app/sync/index.server.ts): the order read a stock file waits for (see `beforePrepare`).
 */
export interface StockPushDeps {
  /** Reads the connection's marketplace orders unless they were read less than a minute ago. */
  readOrders(
    connection: Connection,
    mirakl: MiraklClient,
    now: Date,
  ): Promise<{ polled: boolean; polledAt: Date | null; nextDueAt: Date }>;
}

export interface StockImportLine {
  offerSku: string;
  warehouseCode: string;
  quantity: number;
  version: number;
}

export const stockChannel = (deps: StockPushDeps): ImportChannel<StockImportLine> => ({
  kind: "STOCK",
  label: "stock import",
  operations: { send: "STO01", status: "STO02", report: "STO03" },
  intervalMs: STOCK_IMPORT_INTERVAL_MS,
  statusPollMs: STOCK_STATUS_POLL_MS,
  maxLines: MAX_STOCK_IMPORT_LINES,
  firstLineNumber: 2,
  async dirtyLines(connection, limit) {
    if (!(await stockPushAllowed(connection))) return [];
    const dirtyWhere = {
      connectionId: connection.id,
      desiredQuantity: { not: null },
      desiredVersion: { gt: prisma.offerStock.fields.pushedVersion },
    };
    const select = { offerSku: true, warehouseCode: true, desiredQuantity: true, desiredVersion: true } as const;
    // The oldest changes first; the rest go a minute later.
    const oldest = await prisma.offerStock.findMany({
      where: dirtyWhere,
      select,
      orderBy: [{ desiredAt: "asc" }, { offerSku: "asc" }, { warehouseCode: "asc" }],
      take: limit,
    });
    if (oldest.length === 0) return [];
    // Then every dirty warehouse line of those offers, in one read, in the order the oldest changes came: an
    // offer's lines travel together (STO01 wants them grouped; a cut between two leaves the offer half updated for a
    // minute), and no row is taken from two reads a recompute could have separated.
    const offers = [...new Set(oldest.map((d) => d.offerSku))];
    const rank = new Map(offers.map((sku, i) => [sku, i]));
    const lines = (
      await prisma.offerStock.findMany({ where: { ...dirtyWhere, offerSku: { in: offers } }, select })
    ).sort((a, b) => rank.get(a.offerSku)! - rank.get(b.offerSku)!);
    const byKey = new Map(lines.map((d) => [`${d.offerSku}\u0000${d.warehouseCode}`, d]));
    const plan = planStockImportBatch(
      lines.map((d) => ({ offerSku: d.offerSku, warehouseCode: d.warehouseCode, quantity: d.desiredQuantity! })),
      limit,
    );
    return (plan.batches[0] ?? []).map((line) => ({
      ...line,
      version: byKey.get(`${line.offerSku}\u0000${line.warehouseCode}`)!.desiredVersion,
    }));
  },
  // Orders placed since the last read would be overwritten by this file's absolute quantities (Mirakl
  // lowered the offer when they were placed): the file waits for a fresh read (Mirakl allows one a
  // minute, so pushes and reads fall into step; see ORDERS_FRESH_MS), and what the reads changed is
  // recomputed first.
  async beforePrepare(connection, mirakl, now) {
    const intake = await deps.readOrders(connection, mirakl, now);
    const readAgo = intake.polledAt ? now.getTime() - intake.polledAt.getTime() : Infinity;
    if (!intake.polled && readAgo > ORDERS_FRESH_MS) return { reread: false, notBefore: intake.nextDueAt };
    const dirty = await loadDirtyVariants(connection.shop, INLINE_RECOMPUTE_LIMIT + 1);
    // A backlog (a settings save, a catalogue refresh) is the recompute unit's: the file goes with what is computed.
    if (dirty.length === 0 || dirty.length > INLINE_RECOMPUTE_LIMIT) return { reread: false };
    // Two recomputes of a shop must not overlap: one that read before a change could write its old value after
    // the other wrote the new one, and the variant would look computed. So this one runs under the shop's
    // recompute unit lease; while the unit runs (it is computing these very variants), the file waits for it.
    const recomputed = await workUnits.stockRecompute.whileLeased(
      connection.shop,
      `stock-push:${connection.id}`,
      async () => {
        await recomputeVariants(connection.shop, await loadDirtyVariants(connection.shop, INLINE_RECOMPUTE_LIMIT), now);
      },
      now,
    );
    if (!recomputed) return { reread: false, notBefore: new Date(now.getTime() + RECOMPUTE_BUSY_WAIT_MS) };
    return { reread: true };
  },
  send: (mirakl, lines) =>
    mirakl.importStock(
      lines.map((l) => ({
        offer_sku: l.offerSku,
        quantity: l.quantity,
        ...(l.warehouseCode ? { warehouse_code: l.warehouseCode } : {}),
      })),
    ),
  status: (mirakl, importId) => mirakl.getStockImportStatus(importId),
  errorReport: (mirakl, importId) => mirakl.getStockImportErrorReport(importId),
  // Compare-and-set on the version sent (pushedVersion < version): a row is never moved back to an
  // older push, and a change made during the import (a higher desiredVersion) stays dirty.
  async recordPushed(connection, lines, now) {
    await prisma.$executeRaw`
      UPDATE "OfferStock" AS o SET
        "pushedVersion" = l.version, "pushedQuantity" = l.quantity, "pushedAt" = ${now}, "lastPushError" = NULL, "updatedAt" = ${now}
      FROM unnest(
        ${lines.map((l) => l.offerSku)}::text[], ${lines.map((l) => l.warehouseCode)}::text[], ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.version)}::int[]
      ) AS l("offerSku", "warehouseCode", quantity, version)
      WHERE o."connectionId" = ${connection.id} AND o."offerSku" = l."offerSku" AND o."warehouseCode" = l."warehouseCode" AND o."pushedVersion" < l.version`;
  },
  async recordRejected(connection, rejections, now) {
    await prisma.$executeRaw`
      UPDATE "OfferStock" AS o SET "pushedVersion" = l.version, "lastPushError" = l.reason, "updatedAt" = ${now}
      FROM unnest(
        ${rejections.map((r) => r.line.offerSku)}::text[], ${rejections.map((r) => r.line.warehouseCode)}::text[], ${rejections.map((r) => r.line.version)}::int[],
        ${rejections.map((r) => r.reason)}::text[]
      ) AS l("offerSku", "warehouseCode", version, reason)
      WHERE o."connectionId" = ${connection.id} AND o."offerSku" = l."offerSku" AND o."warehouseCode" = l."warehouseCode" AND o."pushedVersion" < l.version`;
  },
  exceptionKinds: { lineRejected: "STOCK_IMPORT_LINE_REJECTED", importFailed: "STOCK_IMPORT_FAILED" },
  rejectedHint:
    "If the offer does not exist on this marketplace, create it or map the Shopify SKU to the right offer SKU. Retry sends the current quantity again.",
  fileRefusedHint:
    "Check the marketplace's import settings (CSV delimiter, offer SKU column). The values are sent again with the next file.",
  reportLostHint:
    "The import's error report in the Mirakl back office (stock imports) names the refused offers. The nightly full reconciliation compares every offer's quantity with what it should be and sends any difference again; Reconcile now on the Stock page does it at once.",
});

/**
 * A connection whose stock rules were never saved sends no stock file at all: its default rules choose no
 * location, so every offer computes 0 and pushing would wipe the marketplace's stock the moment the
 * merchant connects. Its rows stay dirty (the Stock page shows them held), and the first save of the rules
 * recomputes them and lets them go. Unreadable settings hold the stock too: the recompute reports those.
 */
export async function stockPushAllowed(connection: Connection): Promise<boolean> {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { settings: true },
  });
  if (!row) return false;
  const settings = connectionSettingsSchema.safeParse(row.settings ?? {});
  return settings.success && stockRulesConfigured(settings.data);
}

export function pushStock(connection: Connection, mirakl: MiraklClient, now: Date, deps: StockPushDeps) {
  return runImportChannel(stockChannel(deps), connection, mirakl, now);
}

export { offerEntityId };

/**
 * Retry from the queue: the refused offer of that connection is resent with its current value on the next
 * push: its quantity for a stock refusal, its price for a price refusal (a refused price is not resent until it
 * changes, so it is marked unpushed). Returns the connection whose push to mark, or null when the offer is gone.
 */
export async function requeueOfferStock(
  shop: string,
  connectionId: string,
  entityId: string,
  channel: "stock" | "price",
): Promise<string | null> {
  const [offerSku, warehouseCode = ""] = entityId.split("@");
  const { count } = await prisma.offerStock.updateMany({
    where: { shop, connectionId, offerSku, warehouseCode },
    data:
      channel === "stock"
        ? { desiredVersion: { increment: 1 }, lastPushError: null }
        : { pushedPrice: null, pushedDiscountPrice: null, lastPriceError: null },
  });
  return count > 0 ? connectionId : null;
}
