import prisma from "~/db.server";
import type { MiraklClient, MiraklListedOffer, OfferInput } from "~/integrations/mirakl";
import { productIdFromBarcode } from "~/domain/barcode";
import { offerPriceFor } from "~/domain/price-rule";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { workUnits } from "~/worker/registry.server";
import { runImportChannel, type Connection, type ImportChannel } from "~/sync/stock/imports.server";

/**
 * Creates the marketplace offers that are missing (a full reconcile saw no offer for the SKU), for
 * variants with a valid EAN/UPC, when the connection asks for it. OF24 replaces a whole offer and
 * resets whatever it is not given, so every field is set — and it is never used on an offer that
 * exists: each offer is looked up by SKU (OF21) right before it is sent, since one may have been made
 * on Mirakl since the export; existing offers only ever receive stock (STO01) and prices (PRI01).
 *
 * OF24 is an asynchronous import like STO01: it goes through the same lifecycle (imports.server.ts),
 * followed through OF02 to its result, the offers Mirakl refused (OF03) reported one by one, and the
 * same limits on an import that never finishes or a report that cannot be had.
 */

/** OF24 is allowed once a minute; its batch limit is undocumented, and each offer costs a look-up: calls stay small. */
const OF24_INTERVAL_MS = 60_000;
/** OF02 (the import's status) is allowed once a minute. */
const OF02_POLL_MS = 60_000;
const OF24_BATCH = 100;
/** An asked-for offer that still does not show up in the export is asked for again after a day. */
const RETRY_AFTER_MS = 24 * 60 * 60_000;

export interface OfferImportLine {
  offerSku: string;
  /** Offers are created on the offer itself, never per warehouse. */
  warehouseCode: "";
  offer: OfferInput;
}

/** The missing offers to create now, oldest rows first; rows that cannot become offers are skipped. */
async function missingOffers(connection: Connection, limit: number, now: Date): Promise<OfferImportLine[]> {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop, enabled: true },
    select: { settings: true },
  });
  if (!row) return [];
  const settings = parseConnectionSettings(row.settings);
  if (!settings.offers.enabled) return [];

  const lastFullRun = await prisma.reconcileRun.findFirst({
    where: { connectionId: connection.id, kind: { in: ["FULL", "MANUAL"] }, phase: "done" },
    orderBy: { startedAt: "desc" },
  });
  if (!lastFullRun) return []; // without a full export we cannot know what is missing

  const pricing = { ...settings.prices, enabled: true }; // an offer needs a price even when prices are not synced
  const lines: OfferImportLine[] = [];
  // Paged by id until a batch is full: rows that cannot become offers (no barcode, no price) are skipped and
  // never marked, so without the cursor they would fill every read and the rest would never be created.
  let after: string | undefined;
  while (lines.length < limit) {
    const missing = await prisma.offerStock.findMany({
      where: {
        connectionId: connection.id,
        warehouseCode: "",
        desiredQuantity: { not: null },
        variantId: { not: null },
        OR: [{ miraklObservedAt: null }, { miraklObservedAt: { lt: lastFullRun.startedAt } }],
        AND: [
          { OR: [{ offerRequestedAt: null }, { offerRequestedAt: { lt: new Date(now.getTime() - RETRY_AFTER_MS) } }] },
        ],
        ...(after ? { id: { gt: after } } : {}),
      },
      select: { id: true, offerSku: true, variantId: true, desiredQuantity: true },
      orderBy: { id: "asc" },
      take: limit * 4,
    });
    if (missing.length === 0) break;
    after = missing[missing.length - 1].id;
    const variants = await prisma.shopifyVariant.findMany({
      where: { shop: connection.shop, variantId: { in: missing.map((m) => m.variantId!) }, deletedAt: null },
      select: { variantId: true, barcode: true, price: true, compareAtPrice: true, title: true },
    });
    const byId = new Map(variants.map((v) => [v.variantId, v]));
    for (const m of missing) {
      const variant = byId.get(m.variantId!);
      const product = productIdFromBarcode(variant?.barcode);
      const price = variant ? offerPriceFor(variant, pricing) : null;
      if (!variant || !product || !price) continue;
      lines.push({
        offerSku: m.offerSku,
        warehouseCode: "",
        offer: {
          shop_sku: m.offerSku,
          product_id: product.productId,
          product_id_type: product.productIdType,
          state_code: settings.offers.stateCode,
          update_delete: "update",
          price: price.price,
          quantity: m.desiredQuantity ?? 0,
          leadtime_to_ship: settings.offers.leadtimeToShip,
          description: "",
          internal_description: "",
          price_additional_info: "",
          min_quantity_alert: 0,
          ...(price.discountPrice ? { discount: { price: price.discountPrice } } : {}),
        },
      });
      if (lines.length === limit) break;
    }
  }
  return lines;
}

/**
 * Offers found on Mirakl after all (made there since the last export): no longer missing, and their stock is
 * owed to them (an earlier stock line for the SKU may have been refused while the offer did not exist).
 */
async function recordFoundOffers(
  connection: Connection,
  found: readonly { line: OfferImportLine; offer: MiraklListedOffer }[],
  now: Date,
) {
  await prisma.$executeRaw`
    UPDATE "OfferStock" AS o SET
      "miraklQuantity" = f.quantity, "miraklObservedAt" = ${now}, "desiredVersion" = o."desiredVersion" + 1,
      "lastPushError" = NULL, "updatedAt" = ${now}
    FROM unnest(${found.map((f) => f.line.offerSku)}::text[], ${found.map((f) => f.offer.quantity ?? null)}::int[]) AS f("offerSku", quantity)
    WHERE o."connectionId" = ${connection.id} AND o."shop" = ${connection.shop} AND o."offerSku" = f."offerSku" AND o."warehouseCode" = ''`;
  await workUnits.stockPush.markDirty(connection.id, connection.shop, now);
}

/** Marks the offers as asked for: not asked again for a day (or until Retry), created or refused alike. */
async function markRequested(connection: Connection, lines: readonly OfferImportLine[], now: Date) {
  await prisma.offerStock.updateMany({
    where: {
      connectionId: connection.id,
      shop: connection.shop,
      warehouseCode: "",
      offerSku: { in: lines.map((l) => l.offerSku) },
    },
    data: { offerRequestedAt: now },
  });
}

export const offerChannel: ImportChannel<OfferImportLine> = {
  kind: "OFFER",
  label: "offer creation",
  operations: { send: "OF24", status: "OF02", report: "OF03" },
  intervalMs: OF24_INTERVAL_MS,
  statusPollMs: OF02_POLL_MS,
  maxLines: OF24_BATCH,
  firstLineNumber: 1, // OF03 numbers the offers of the JSON body from 1
  dirtyLines: missingOffers,
  async confirmLines(connection, mirakl, lines, now) {
    const toCreate: OfferImportLine[] = [];
    const found: { line: OfferImportLine; offer: MiraklListedOffer }[] = [];
    for (const line of lines) {
      const offer = await mirakl.findOfferBySku(line.offerSku);
      if (offer) found.push({ line, offer });
      else toCreate.push(line);
    }
    if (found.length) await recordFoundOffers(connection, found, now);
    return toCreate;
  },
  send: (mirakl, lines) => mirakl.upsertOffers(lines.map((l) => l.offer)),
  status: (mirakl, importId) => mirakl.getOfferImportStatus(importId),
  errorReport: (mirakl, importId) => mirakl.getOfferImportErrorReport(importId),
  // The offer shows up in the next full export, which records it as observed.
  recordPushed: markRequested,
  recordRejected: (connection, rejections, now) =>
    markRequested(
      connection,
      rejections.map((r) => r.line),
      now,
    ),
  // No kind of its own yet: an offer Mirakl refused to create is reported as a rejected request on that offer.
  exceptionKinds: { lineRejected: "OFFER_CREATION_REJECTED", importFailed: "STOCK_IMPORT_FAILED" },
  rejectedHint:
    "Mirakl's reason says what to change. Most often the marketplace's catalogue has no product with this EAN/UPC: ask the operator to add it, or create the offer in the Mirakl back office. Retry asks for the offer again.",
  fileRefusedHint:
    "Mirakl's message names what it could not accept in the offers sent. They are asked for again with the next offer creation.",
  reportLostHint:
    "The import's error report in the Mirakl back office (offer imports) names the refused offers. An offer still missing from a full reconciliation is asked for again a day later.",
};

export function createMissingOffers(connection: Connection, mirakl: MiraklClient, now: Date) {
  return runImportChannel(offerChannel, connection, mirakl, now);
}

/**
 * Retry from the queue on an offer Mirakl refused to create: asked for again with the connection's next offer
 * creation. Returns the connection whose unit to mark, or null when the row is gone.
 */
export async function requeueOfferCreation(shop: string, connectionId: string, offerSku: string) {
  const { count } = await prisma.offerStock.updateMany({
    where: { shop, connectionId, offerSku, warehouseCode: "" },
    data: { offerRequestedAt: null },
  });
  return count > 0 ? connectionId : null;
}
