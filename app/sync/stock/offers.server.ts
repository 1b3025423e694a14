import prisma from "~/db.server";
import { MiraklError, type MiraklClient, type OfferInput } from "~/integrations/mirakl";
import { productIdFromBarcode } from "~/domain/barcode";
import { offerPriceFor } from "~/domain/price-rule";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import type { Connection } from "~/sync/stock/imports.server";

/**
 * Creates the marketplace offers that are missing (a full reconcile saw no offer for the SKU), for
 * variants with a valid EAN/UPC, when the connection asks for it. OF24 replaces a whole offer and
 * resets whatever it is not given, so every field is set — and it is never used on an offer that
 * exists: those only ever receive stock (STO01) and prices (PRI01).
 */

/** OF24 is allowed once a minute; its batch limit is undocumented, so calls stay small. */
const OF24_INTERVAL_MS = 60_000;
const OF24_BATCH = 500;
/** An asked-for offer that still does not show up in the export is asked for again after a day. */
const RETRY_AFTER_MS = 24 * 60 * 60_000;

export async function createMissingOffers(
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
): Promise<{ nextDueAt: Date | null; requested: number }> {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop, enabled: true },
    select: { settings: true },
  });
  if (!row) return { nextDueAt: null, requested: 0 };
  const settings = parseConnectionSettings(row.settings);
  if (!settings.offers.enabled) return { nextDueAt: null, requested: 0 };

  const lastFullRun = await prisma.reconcileRun.findFirst({
    where: { connectionId: connection.id, kind: { in: ["FULL", "MANUAL"] }, phase: "done" },
    orderBy: { startedAt: "desc" },
  });
  if (!lastFullRun) return { nextDueAt: null, requested: 0 }; // without a full export we cannot know what is missing

  const lastCall = await prisma.stockImport.findFirst({
    where: { connectionId: connection.id, kind: "OFFER" },
    orderBy: { createdAt: "desc" },
  });
  if (lastCall && now.getTime() - lastCall.createdAt.getTime() < OF24_INTERVAL_MS) {
    return { nextDueAt: new Date(lastCall.createdAt.getTime() + OF24_INTERVAL_MS), requested: 0 };
  }

  const pricing = { ...settings.prices, enabled: true }; // an offer needs a price even when prices are not synced
  const offers: (OfferInput & { rowId: string })[] = [];
  // Paged by id until a batch is full: rows that cannot become offers (no barcode, no price) are skipped and
  // never marked, so without the cursor they would fill every read and the rest would never be created.
  let after: string | undefined;
  while (offers.length < OF24_BATCH) {
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
      take: OF24_BATCH * 4,
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
      offers.push({
        rowId: m.id,
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
      });
      if (offers.length === OF24_BATCH) break;
    }
  }
  if (offers.length === 0) return { nextDueAt: null, requested: 0 };

  const audit = await prisma.stockImport.create({
    data: {
      shop: connection.shop,
      connectionId: connection.id,
      kind: "OFFER",
      status: "PREPARED",
      lines: offers.map(({ rowId: _r, ...o }) => o) as never,
      lineCount: offers.length,
    },
  });
  try {
    const created = await mirakl.upsertOffers(offers.map(({ rowId: _r, ...o }) => o));
    await prisma.stockImport.update({
      where: { id: audit.id },
      data: { status: "COMPLETE", miraklImportId: created.import_id, sentAt: now, completedAt: now },
    });
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    await prisma.stockImport.update({
      where: { id: audit.id },
      data: { status: "FAILED", error: error.message, sentAt: now, completedAt: now },
    });
    return { nextDueAt: await reportMiraklFailure(connection, error, "OF24 offer creation", now), requested: 0 };
  }
  await prisma.offerStock.updateMany({
    where: { id: { in: offers.map((o) => o.rowId) } },
    data: { offerRequestedAt: now },
  });
  return {
    nextDueAt: offers.length === OF24_BATCH ? new Date(now.getTime() + OF24_INTERVAL_MS) : null,
    requested: offers.length,
  };
}
