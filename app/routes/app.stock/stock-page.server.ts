import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseConnectionSettings, stockRulesConfigured } from "~/domain/connection-settings";
import { explainOfferStock } from "~/domain/stock/explain";
import { locationNamesForDisplay } from "~/connections/stock-settings.server";
import { type StockFilter, type StockQuery } from "./stock-query";

/** What the Stock page shows for one connection; every query is scoped by shop. */

export const STOCK_PAGE_SIZE = 50;

/** "held": would be pending, but the connection's stock rules were never saved, so nothing is pushed. */
export type StockRowStatus = "excluded" | "error" | "pending" | "held" | "drifted" | "in-sync" | "not-pushed";

export function stockRowStatus(row: {
  desiredQuantity: number | null;
  desiredVersion: number;
  pushedVersion: number;
  pushedQuantity: number | null;
  lastPushError: string | null;
  miraklQuantity: number | null;
}): StockRowStatus {
  if (row.desiredQuantity === null) return "excluded";
  if (row.lastPushError) return "error";
  if (row.desiredVersion > row.pushedVersion) return "pending";
  if (row.pushedQuantity === null) return "not-pushed";
  if (row.miraklQuantity !== null && row.miraklQuantity !== row.desiredQuantity) return "drifted";
  return "in-sync";
}

function filterWhere(filter: StockFilter): Prisma.OfferStockWhereInput {
  switch (filter) {
    case "pending":
      return { desiredQuantity: { not: null }, desiredVersion: { gt: prisma.offerStock.fields.pushedVersion } };
    case "drifted":
      // Settled rows only: a pending row differs from Mirakl because its push is on the way.
      return {
        desiredQuantity: { not: null },
        miraklQuantity: { not: null },
        lastPushError: null,
        desiredVersion: { equals: prisma.offerStock.fields.pushedVersion },
        NOT: { miraklQuantity: { equals: prisma.offerStock.fields.desiredQuantity } },
      };
    case "error":
      return { lastPushError: { not: null } };
    case "unmapped":
      return { desiredQuantity: { not: null }, miraklObservedAt: null };
    case "excluded":
      return { desiredQuantity: null };
    default:
      return {};
  }
}

export async function loadStockPage(shop: string, query: StockQuery) {
  const rowsWithSettings = await prisma.marketplaceConnection.findMany({
    where: { shop },
    select: { id: true, name: true, enabled: true, settings: true },
    orderBy: { name: "asc" },
  });
  const connections = rowsWithSettings.map(({ settings: _settings, ...c }) => c);
  const selected = rowsWithSettings.find((c) => c.id === query.connection) ?? rowsWithSettings[0] ?? null;
  if (!selected)
    return {
      connections,
      connection: null,
      rows: [],
      total: 0,
      pageCount: 1,
      runs: [],
      currentRun: null,
      counts: null,
      lastImport: null,
    };
  const settings = parseConnectionSettings(selected.settings);
  const stockConfigured = stockRulesConfigured(settings);
  const connection = { id: selected.id, name: selected.name, enabled: selected.enabled, stockConfigured };

  const where: Prisma.OfferStockWhereInput = {
    shop,
    connectionId: connection.id,
    ...filterWhere(query.filter),
    ...(query.q
      ? {
          OR: [
            { offerSku: { contains: query.q, mode: "insensitive" } },
            { shopifySku: { contains: query.q, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const [rows, total, runs, counts, lastImport, locationNames] = await Promise.all([
    prisma.offerStock.findMany({
      where,
      orderBy: [{ offerSku: "asc" }, { warehouseCode: "asc" }],
      skip: (query.page - 1) * STOCK_PAGE_SIZE,
      take: STOCK_PAGE_SIZE,
      select: {
        id: true,
        offerSku: true,
        warehouseCode: true,
        shopifySku: true,
        desiredQuantity: true,
        desiredVersion: true,
        pushedVersion: true,
        pushedQuantity: true,
        pushedAt: true,
        lastPushError: true,
        miraklQuantity: true,
        miraklObservedAt: true,
        explanation: true,
      },
    }),
    prisma.offerStock.count({ where }),
    prisma.reconcileRun.findMany({
      where: { shop, connectionId: connection.id },
      orderBy: { startedAt: "desc" },
      take: 20,
    }),
    Promise.all(
      (["pending", "drifted", "error", "unmapped"] as const).map(
        async (f) =>
          [
            f,
            await prisma.offerStock.count({ where: { shop, connectionId: connection.id, ...filterWhere(f) } }),
          ] as const,
      ),
    ),
    prisma.stockImport.findFirst({
      where: { shop, connectionId: connection.id, kind: "STOCK" },
      orderBy: { createdAt: "desc" },
    }),
    locationNamesForDisplay(shop, settings),
  ]);
  return {
    connections,
    connection,
    rows: rows.map(({ explanation, ...r }) => {
      const status = stockRowStatus(r);
      return {
        ...r,
        status: status === "pending" && !stockConfigured ? ("held" as const) : status,
        explanation: explainOfferStock(explanation, locationNames),
      };
    }),
    total,
    pageCount: Math.max(1, Math.ceil(total / STOCK_PAGE_SIZE)),
    runs: [...runs].reverse(), // oldest first, for the chart
    currentRun: runs.find((r) => !r.finishedAt) ?? null,
    counts: Object.fromEntries(counts) as Record<"pending" | "drifted" | "error" | "unmapped", number>,
    lastImport,
  };
}
