/**
 * Marketplace reservations not yet in Shopify: units on Mirakl order lines, on ANY connection of
 * the shop, whose Shopify order does not exist yet. Shopify's `available` does not reflect them, so
 * they are subtracted from the sellable quantity of every connection.
 */

export interface MarketplaceOrderLine {
  connectionId: string;
  orderLineId: string;
  /** The Shopify SKU the line's offer resolves to (the caller applies the connection's SKU mapping). */
  sku: string;
  quantity: number;
  /** Mirakl order line state (WAITING_ACCEPTANCE, SHIPPING, …). */
  state: string;
  /** True once the Shopify order for this Mirakl order exists (Shopify then counts the units itself). */
  shopifyOrderCreated: boolean;
}

/**
 * States in which the units are no longer owed to the customer. Every other state counts, including
 * WAITING_ACCEPTANCE (the issue says "accepted"; a line awaiting our acceptance will take the units
 * the moment it is accepted, so advertising them meanwhile invites a second sale of the same unit)
 * and unknown future states (Mirakl adds states: counting one is the safe error).
 */
export const RELEASED_LINE_STATES: ReadonlySet<string> = new Set(["REFUSED", "CANCELED"]);

/**
 * Units reserved per Shopify SKU. A line seen twice (same connection and line id, e.g. from two
 * overlapping polls) counts once, with its largest quantity. A quantity that is not a positive
 * number counts as 0; a fractional one is rounded up.
 */
export function pendingReservationsBySku(lines: readonly MarketplaceOrderLine[]): Map<string, number> {
  const byLine = new Map<string, MarketplaceOrderLine & { units: number }>();
  for (const line of lines) {
    if (line.shopifyOrderCreated || RELEASED_LINE_STATES.has(line.state)) continue;
    const units = Number.isFinite(line.quantity) && line.quantity > 0 ? Math.ceil(line.quantity) : 0;
    const key = JSON.stringify([line.connectionId, line.orderLineId]);
    const seen = byLine.get(key);
    if (!seen || units > seen.units) byLine.set(key, { ...line, units });
  }
  const bySku = new Map<string, number>();
  for (const line of byLine.values()) {
    if (line.units > 0) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.units);
  }
  return bySku;
}
