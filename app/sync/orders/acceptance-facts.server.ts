import prisma from "~/db.server";
import type { ConnectionSettings } from "~/domain/connection-settings";
import type { AcceptanceCatalogData, OfferFacts, SkuStockFacts, VariantFacts } from "~/domain/orders/acceptance";
import { MIRAKL_MAX_QUANTITY } from "~/domain/stock/rules";
import { holdStepFor, type ReservationHoldState } from "~/domain/stock/hold-steps";
import { SHOPIFY_ORDER_RELEASE_REASON } from "~/domain/stock/reservations";

/**
 * What the acceptance decision reads about a connection's catalogue, for a batch of waiting orders, in a
 * few bulk queries: the offer mirror, the SKU mapping, the Shopify variants and the stock. Stock is per
 * order (`stockFor`): every other open marketplace order counts, this order's own holds do not.
 */

export interface WaitingOrderRef {
  /** MarketplaceOrder.id */
  id: string;
  connectionId: string;
  miraklOrderId: string;
  createdOnMiraklAt: Date;
}

interface OpenReservation {
  connectionId: string;
  miraklOrderId: string;
  orderLineId: string;
  shopifySku: string;
  /** The line no longer takes units (refused, cancelled, in Shopify, shipped); its hold may not be over yet. */
  released: boolean;
  /** Units not yet moved to reserved in Shopify (they still count in `available`); 0 once released. */
  unheldUnits: number;
  /** Units moved from available to reserved in Shopify for this line and not moved back yet. */
  heldUnits: number;
  /**
   * Held units no line owes any more, on their way back to `available` (the holds unit returns them): all of
   * a refused or cancelled line's (not a shipped one's, which leave stock), or what a partly cancelled line
   * held beyond its quantity. Shopify's `available` (and the mirror) does not show them until then.
   */
  returningUnits: number;
  /** The line's order still waits for the app (or a person) to decide, and when it appeared. */
  undecidedSince: Date | null;
  decision: string | null;
}

export interface AcceptanceFacts {
  /** Catalogue data for `catalogFrom`, with the stock of `order`. */
  catalogFor(order: WaitingOrderRef): AcceptanceCatalogData;
  /** Record a decision taken in this batch, so the orders decided after it see it. */
  noteDecision(connectionId: string, lineId: string, decision: string): void;
}

export async function loadAcceptanceFacts(
  connection: { id: string; shop: string },
  settings: ConnectionSettings,
  offerSkus: readonly string[],
): Promise<AcceptanceFacts> {
  const { shop } = connection;
  const skus = [...new Set(offerSkus)];
  const offerRows = await prisma.offerStock.findMany({
    where: { connectionId: connection.id, shop, offerSku: { in: skus } },
    select: {
      offerSku: true,
      warehouseCode: true,
      desiredPrice: true,
      desiredDiscountPrice: true,
      miraklPrice: true,
    },
    orderBy: { warehouseCode: "asc" },
  });
  const offers = new Map<string, OfferFacts>();
  for (const row of offerRows) {
    if (offers.has(row.offerSku)) continue; // the global row ("") sorts first
    // What we advertise: our price when the app manages prices, else what Mirakl's offer export showed.
    const advertised = settings.prices.enabled
      ? (row.desiredDiscountPrice ?? row.desiredPrice ?? row.miraklPrice)
      : row.miraklPrice;
    offers.set(row.offerSku, { status: "listed", advertisedUnitPrice: advertised ?? null });
  }

  const skuOverrides = await prisma.skuMapping.findMany({
    where: { connectionId: connection.id, shop, OR: [{ offerSku: { in: skus } }, { shopifySku: { in: skus } }] },
    select: { shopifySku: true, offerSku: true },
  });
  const shopifySkus = [...new Set([...skus, ...skuOverrides.map((o) => o.shopifySku)])];
  const variantRows = await prisma.shopifyVariant.findMany({
    where: { shop, sku: { in: shopifySkus } },
    select: {
      variantId: true,
      sku: true,
      title: true,
      productStatus: true,
      deletedAt: true,
      tracked: true,
      inventoryItemId: true,
    },
    orderBy: { variantId: "asc" },
  });
  const variantsBySku = new Map<string, VariantFacts[]>();
  for (const v of variantRows) {
    const list = variantsBySku.get(v.sku!) ?? [];
    list.push({
      variantId: v.variantId,
      title: v.title,
      productStatus: v.productStatus,
      deleted: v.deletedAt !== null,
    });
    variantsBySku.set(v.sku!, list);
  }

  // Units at the connection's chosen locations, per live variant's SKU (ambiguous SKUs are refused earlier).
  const chosen = settings.stock.locationIds;
  const live = variantRows.filter((v) => v.deletedAt === null);
  const levels = await prisma.shopifyInventoryLevel.findMany({
    where: { shop, inventoryItemId: { in: live.map((v) => v.inventoryItemId) }, locationId: { in: [...chosen] } },
    select: { inventoryItemId: true, available: true },
  });
  const availableByItem = new Map<string, number>();
  for (const level of levels)
    availableByItem.set(level.inventoryItemId, (availableByItem.get(level.inventoryItemId) ?? 0) + level.available);
  const availableBySku = new Map<string, number>();
  for (const v of live)
    availableBySku.set(v.sku!, v.tracked ? (availableByItem.get(v.inventoryItemId) ?? 0) : MIRAKL_MAX_QUANTITY);

  // Open reservations, and released ones whose Shopify hold is not over yet (their units are out of `available`).
  const rows = await prisma.$queryRaw<(Omit<OpenReservation, "returningUnits"> & ReservationHoldState)[]>`
    SELECT r."connectionId", r."miraklOrderId", r."orderLineId", r."shopifySku",
      r."quantity", r."releasedAt", r."releaseReason", r."heldLocationId", r."heldQuantity", r."heldAt", r."holdReleasedAt",
      (r."releasedAt" IS NOT NULL) AS "released",
      (CASE WHEN r."releasedAt" IS NOT NULL THEN 0 WHEN r."heldAt" IS NOT NULL AND r."holdReleasedAt" IS NULL THEN GREATEST(0, r."quantity" - r."heldQuantity") ELSE r."quantity" END)::int AS "unheldUnits",
      (CASE WHEN r."heldAt" IS NOT NULL AND r."holdReleasedAt" IS NULL THEN r."heldQuantity" ELSE 0 END)::int AS "heldUnits",
      (CASE WHEN o."acceptance" IN ('PENDING', 'REVIEW') THEN o."createdOnMiraklAt" ELSE NULL END) AS "undecidedSince",
      l."decision"
    FROM "MarketplaceReservation" r
    LEFT JOIN "MarketplaceOrder" o ON o."connectionId" = r."connectionId" AND o."miraklOrderId" = r."miraklOrderId"
    LEFT JOIN "MarketplaceOrderLine" l ON l."connectionId" = r."connectionId" AND l."lineId" = r."orderLineId"
    WHERE r."shop" = ${shop} AND r."shopifySku" = ANY(${shopifySkus}::text[])
      AND (r."releasedAt" IS NULL OR (r."heldAt" IS NOT NULL AND r."holdReleasedAt" IS NULL))`;
  const reservations: OpenReservation[] = rows.map((r) => {
    const step = holdStepFor(r);
    // A line released for its Shopify order is left out: that order took its units from `available` in Shopify,
    // which the mirror may not show yet (the webhook lags); they count again once the hold is returned.
    const returningUnits =
      step === "return" && r.releaseReason !== SHOPIFY_ORDER_RELEASE_REASON
        ? r.heldQuantity
        : step === "shrink"
          ? Math.max(0, r.heldQuantity - r.quantity)
          : 0;
    return { ...r, returningUnits };
  });
  const decisions = new Map(reservations.map((r) => [`${r.connectionId}\u0000${r.orderLineId}`, r.decision]));

  const names = chosen.map((id) => settings.locationNames[id] ?? id);
  const where =
    names.length === 0 ? "no chosen location" : names.length <= 3 ? names.join(" and ") : "the chosen locations";

  return {
    noteDecision: (connectionId, lineId, decision) => decisions.set(`${connectionId}\u0000${lineId}`, decision),
    catalogFor(order) {
      const stockBySku = new Map<string, SkuStockFacts>();
      for (const sku of availableBySku.keys())
        stockBySku.set(sku, {
          sellableUnits: availableBySku.get(sku)!,
          reservedByOtherOrders: 0,
          otherOpenOrders: 0,
          where,
        });
      const otherOrders = new Map<string, Set<string>>();
      for (const r of reservations) {
        const stock = stockBySku.get(r.shopifySku);
        if (!stock) continue;
        const own = r.connectionId === order.connectionId && r.miraklOrderId === order.miraklOrderId;
        if (own) {
          // This order's own units already moved to reserved in Shopify: they are still its to take.
          stock.sellableUnits += r.heldUnits;
          continue;
        }
        // Units held for a line that no longer owes them are free, though Shopify shows them reserved until returned.
        if (r.released) {
          stock.sellableUnits += r.returningUnits;
          continue;
        }
        const decision = decisions.get(`${r.connectionId}\u0000${r.orderLineId}`);
        // Refused by us, Mirakl will release it: what it holds comes back.
        if (decision === "refuse") {
          stock.sellableUnits += r.heldUnits;
          continue;
        }
        // A waiting order that appeared after this one does not come first: orders are served in order, so
        // what it may already hold is this order's to take.
        if (r.undecidedSince && decision == null && appearedAfter(r, order)) {
          stock.sellableUnits += r.heldUnits;
          continue;
        }
        stock.sellableUnits += r.returningUnits;
        stock.reservedByOtherOrders += r.unheldUnits;
        const set = otherOrders.get(r.shopifySku) ?? new Set<string>();
        set.add(`${r.connectionId}\u0000${r.miraklOrderId}`);
        otherOrders.set(r.shopifySku, set);
      }
      for (const [sku, set] of otherOrders) stockBySku.get(sku)!.otherOpenOrders = set.size;
      return { offers, skuOverrides, variantsBySku, stockBySku };
    },
  };
}

function appearedAfter(reservation: OpenReservation, order: WaitingOrderRef): boolean {
  const theirs = new Date(reservation.undecidedSince!).getTime();
  const ours = order.createdOnMiraklAt.getTime();
  if (theirs !== ours) return theirs > ours;
  return `${reservation.connectionId}:${reservation.miraklOrderId}` > `${order.connectionId}:${order.miraklOrderId}`;
}
