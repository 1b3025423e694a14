import prisma from "~/db.server";
import type { MiraklClient } from "~/integrations/mirakl";
import { offerPriceFor } from "~/domain/price-rule";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { runImportChannel, type Connection, type ImportChannel } from "~/sync/stock/imports.server";
import { priceSyncHeldForExtraPrices } from "~/sync/stock/extra-prices.server";

/**
 * Prices to Mirakl (PRI01 → PRI02 → PRI03), for connections that turned price sync on. The desired
 * price comes from the Shopify variant through the connection's price rule; an offer is dirty while
 * the desired price (or discount) differs from the one last pushed.
 */

export interface PriceImportLine {
  offerSku: string;
  warehouseCode: string;
  price: string;
  discountPrice: string | null;
}

/** Rows read per pass while computing desired prices (the table may hold 100,000 offers). */
const SCAN_BATCH = 5_000;

/** Brings desiredPrice up to date from the catalogue mirror and returns the rows whose price differs from what was pushed. */
async function refreshDesiredPrices(connection: Connection, limit: number, now: Date): Promise<PriceImportLine[]> {
  const settings = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { settings: true },
  });
  const rule = settings ? parseConnectionSettings(settings.settings).prices : null;
  if (!rule?.enabled) return [];
  // PRI01 deletes the prices it is not sent: nothing goes out while it would delete prices the merchant
  // has not seen listed and confirmed (see ./extra-prices.server).
  if (await priceSyncHeldForExtraPrices(connection, rule, now)) return [];
  const dirty: PriceImportLine[] = [];
  let cursor: string | undefined;
  for (;;) {
    const rows = await prisma.offerStock.findMany({
      where: { connectionId: connection.id, warehouseCode: "", variantId: { not: null } },
      select: {
        id: true,
        offerSku: true,
        variantId: true,
        desiredPrice: true,
        desiredDiscountPrice: true,
        pushedPrice: true,
        pushedDiscountPrice: true,
      },
      orderBy: { id: "asc" },
      take: SCAN_BATCH,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1].id;
    const variants = await prisma.shopifyVariant.findMany({
      where: { shop: connection.shop, variantId: { in: rows.map((r) => r.variantId!) } },
      select: { variantId: true, price: true, compareAtPrice: true, deletedAt: true },
    });
    const byId = new Map(variants.map((v) => [v.variantId, v]));
    const changed: { id: string; price: string; discountPrice: string | null }[] = [];
    for (const row of rows) {
      const variant = byId.get(row.variantId!);
      const desired = variant && !variant.deletedAt ? offerPriceFor(variant, rule) : null;
      if (!desired) continue; // nothing to advertise: the standing price is left as it is
      if (desired.price !== row.desiredPrice || desired.discountPrice !== row.desiredDiscountPrice)
        changed.push({ id: row.id, ...desired });
      if (
        (desired.price !== row.pushedPrice || desired.discountPrice !== row.pushedDiscountPrice) &&
        dirty.length < limit
      ) {
        dirty.push({
          offerSku: row.offerSku,
          warehouseCode: "",
          price: desired.price,
          discountPrice: desired.discountPrice,
        });
      }
    }
    // One statement per page: after a markup change every offer's desired price moves.
    if (changed.length) {
      await prisma.$executeRaw`
        UPDATE "OfferStock" AS o SET "desiredPrice" = c.price, "desiredDiscountPrice" = c."discountPrice"
        FROM unnest(${changed.map((c) => c.id)}::text[], ${changed.map((c) => c.price)}::text[], ${changed.map((c) => c.discountPrice)}::text[]) AS c(id, price, "discountPrice")
        WHERE o."id" = c.id AND o."connectionId" = ${connection.id}`;
    }
  }
  return dirty;
}

export const priceChannel: ImportChannel<PriceImportLine> = {
  kind: "PRICE",
  label: "price import",
  operations: { send: "PRI01", status: "PRI02", report: "PRI03" },
  intervalMs: 60_000, // PRI01 once a minute
  statusPollMs: 60_000, // PRI02 once a minute
  maxLines: 10_000,
  firstLineNumber: 2,
  dirtyLines: (connection, limit, now) => refreshDesiredPrices(connection, limit, now),
  // PRI01 replaces an offer's prices: a line without a discount removes the discount, which is what we mean.
  send: (mirakl, lines) =>
    mirakl.importPrices(
      lines.map((l) => ({
        offer_sku: l.offerSku,
        price: l.price,
        ...(l.discountPrice ? { discount_price: l.discountPrice } : {}),
      })),
    ),
  status: (mirakl, importId) => mirakl.getPriceImportStatus(importId),
  errorReport: (mirakl, importId) => mirakl.getPriceImportErrorReport(importId),
  // Prices carry no version: the price sent is recorded as pushed, so a price changed during the import
  // still differs from it and goes out next time. Prices live on the offer's global row.
  async recordPushed(connection, lines, now) {
    await prisma.$executeRaw`
      UPDATE "OfferStock" AS o SET
        "pushedPrice" = l.price, "pushedDiscountPrice" = l."discountPrice", "pricePushedAt" = ${now}, "lastPriceError" = NULL, "updatedAt" = ${now}
      FROM unnest(${lines.map((l) => l.offerSku)}::text[], ${lines.map((l) => l.price)}::text[], ${lines.map((l) => l.discountPrice)}::text[]) AS l("offerSku", price, "discountPrice")
      WHERE o."connectionId" = ${connection.id} AND o."offerSku" = l."offerSku" AND o."warehouseCode" = ''`;
  },
  async recordRejected(connection, rejections, now) {
    // Recorded as the pushed value so the refused price is not resent every minute; a new price goes out.
    await prisma.$executeRaw`
      UPDATE "OfferStock" AS o SET "pushedPrice" = l.price, "pushedDiscountPrice" = l."discountPrice", "lastPriceError" = l.reason, "updatedAt" = ${now}
      FROM unnest(
        ${rejections.map((r) => r.line.offerSku)}::text[], ${rejections.map((r) => r.line.price)}::text[], ${rejections.map((r) => r.line.discountPrice)}::text[],
        ${rejections.map((r) => r.reason)}::text[]
      ) AS l("offerSku", price, "discountPrice", reason)
      WHERE o."connectionId" = ${connection.id} AND o."offerSku" = l."offerSku" AND o."warehouseCode" = ''`;
  },
  exceptionKinds: { lineRejected: "PRICE_IMPORT_LINE_REJECTED", importFailed: "STOCK_IMPORT_FAILED" },
  rejectedHint:
    "Mirakl's reason names the rule the price broke (often a minimum or maximum price set by the operator). Adjust the price rule or the Shopify price.",
  fileRefusedHint:
    "Check the marketplace's import settings (CSV delimiter, offer SKU column). The values are sent again with the next file.",
  reportLostHint:
    "The import's error report in the Mirakl back office (price imports) names the refused offers. Prices are not compared by the reconciliation: a refused price is sent again when it changes in Shopify, or fix it in the back office.",
};

export function pushPrices(connection: Connection, mirakl: MiraklClient, now: Date) {
  return runImportChannel(priceChannel, connection, mirakl, now);
}
