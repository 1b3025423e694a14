import type { ExportedOfferPrice } from "~/domain/price-rule";

/**
 * PRI01 is delete-and-replace: every price of an offer that is not in the file is deleted. The app sends
 * one line per offer (price and discount, no channel, no ranges, no dates, no customers), so everything
 * else a merchant set in Mirakl's back office — channel prices, volume ranges, scheduled prices, customer
 * (group or organisation) prices — goes with the first push. This lists those "extra" prices from the
 * offer export, so the merchant can see and confirm what would be replaced before price sync starts.
 *
 * The export lists an offer's prices as `prices[]`: the first is the default price (no context); a
 * price with a context (channels, customer groups or organisations, start/end dates) is an extra, and so
 * is a volume threshold above one on any price.
 */

/** "9.5" (the export's canonical decimal) reads "9.50"; anything else is shown as it came. */
function amount(value: string | null | undefined): string {
  if (!value) return "?";
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return value;
  return `${match[1]}.${(match[2] ?? "").padEnd(2, "0")}`;
}

/** The merchant-readable extras of one offer, e.g. "channel FR: 22.00", "from 10 units: 15.00". */
export function extraPricesOf(prices: readonly ExportedOfferPrice[]): string[] {
  const extras: string[] = [];
  prices.forEach((price, index) => {
    const context = price.context ?? {};
    const scope: string[] = [];
    const channels = [...(context.channel_codes ?? []), ...(price.channel_code ? [price.channel_code] : [])];
    if (channels.length) scope.push(`channel ${channels.join(", ")}`);
    if (context.customer_group_ids?.length) scope.push(`customer group ${context.customer_group_ids.join(", ")}`);
    if (context.customer_organization_ids?.length)
      scope.push(`customer organisation ${context.customer_organization_ids.join(", ")}`);
    if (context.start_date || context.end_date)
      scope.push(`scheduled ${context.start_date ?? "…"} → ${context.end_date ?? "…"}`);
    if (index > 0 || scope.length) {
      const label = scope.length ? scope.join(", ") : "additional price";
      const discount = price.discount_price ? ` (discount ${amount(price.discount_price)})` : "";
      extras.push(`${label}: ${amount(price.origin_price ?? price.unit_origin_price)}${discount}`);
    }
    for (const range of price.volume_prices ?? []) {
      if ((range.quantity_threshold ?? 1) <= 1) continue;
      const prefix = scope.length ? `${scope.join(", ")}, ` : "";
      const discount = range.unit_discount_price ? ` (discount ${amount(range.unit_discount_price)})` : "";
      extras.push(
        `${prefix}from ${range.quantity_threshold} units: ${amount(range.unit_origin_price ?? range.price)}${discount}`,
      );
    }
  });
  return extras;
}

export interface OfferExtraPrices {
  offerSku: string;
  extras: string[];
}

/** What the settings page shows before the merchant confirms, and what the confirmation covered. */
export interface ExtraPricesPreview {
  /** Offers with at least one extra price (as of the last offer export). */
  offerCount: number;
  /** Extra prices in all. */
  priceCount: number;
  /** The first offers, by SKU, with what would go. */
  sample: OfferExtraPrices[];
  /** Identifies exactly this set: a new or changed extra price makes another one. "" when there is none. */
  fingerprint: string;
}

export const EXTRA_PRICES_SAMPLE = 20;
