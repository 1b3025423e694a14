import { z } from "zod";
import { minorUnitsToMoney, moneyToMinorUnits } from "~/domain/money";

/**
 * The marketplace price of an offer, from the Shopify variant price. Money is handled in integer
 * minor units (cents, two decimals: Shopify's presentment for the currencies Mirakl operators use):
 * no float ever touches a price. A Shopify sale (compare-at price above the
 * price) does not lower the marketplace's standard price unless the merchant asks to mirror sales,
 * and then it goes out as Mirakl's discount price, so the standard price stays intact.
 */
export const priceRuleSchema = z.object({
  enabled: z.boolean().default(false),
  /** Percentage markup applied to the Shopify price (e.g. 15 → × 1.15), to cover commission. */
  markupPercent: z.number().min(-90).max(1000).default(0),
  /** Price endings: "cents" keeps 2 decimals; "99" rounds up to .99; "whole" rounds up to a whole unit. */
  rounding: z.enum(["cents", "99", "whole"]).default("cents"),
  /** Mirror Shopify sales as Mirakl discount prices. */
  mirrorSales: z.boolean().default(false),
  /**
   * The merchant confirmed that the first price push replaces these extra prices (channel, volume,
   * scheduled, customer prices PRI01 deletes): the fingerprint of what the preview listed. Another set
   * of extras (one added later in the back office) is not covered and holds price sync again.
   */
  extraPricesReplaced: z
    .object({ fingerprint: z.string().max(200), offerCount: z.number().int().min(0), confirmedAt: z.string() })
    .nullable()
    .default(null),
});
export type PriceRule = z.infer<typeof priceRuleSchema>;

export interface VariantPrices {
  /** Decimal strings as Shopify gives them ("19.90"). */
  price: string | null;
  compareAtPrice: string | null;
}

export interface OfferPrice {
  price: string;
  discountPrice: string | null;
}

function applyRule(cents: bigint, rule: PriceRule): bigint {
  // markupPercent has at most 2 decimals of meaning: work in basis points to stay integral.
  const basisPoints = BigInt(Math.round((100 + rule.markupPercent) * 100));
  let value = (cents * basisPoints + 5_000n) / 10_000n; // rounded half-up to the cent
  if (rule.rounding === "whole") value = ((value + 99n) / 100n) * 100n;
  if (rule.rounding === "99") value = ((value + 1n + 99n) / 100n) * 100n - 1n; // next x.99 at or above
  return value;
}

/** null when there is nothing to advertise (no or zero price): an offer is never pushed at 0.00. */
export function offerPriceFor(variant: VariantPrices, rule: PriceRule): OfferPrice | null {
  if (!variant.price) return null;
  const price = moneyToMinorUnits(variant.price);
  if (price <= 0n) return null;
  const compareAt = variant.compareAtPrice ? moneyToMinorUnits(variant.compareAtPrice) : null;
  const onSale = compareAt !== null && compareAt > price;
  if (!onSale) return { price: minorUnitsToMoney(applyRule(price, rule)), discountPrice: null };
  const standard = minorUnitsToMoney(applyRule(compareAt, rule));
  if (!rule.mirrorSales) return { price: standard, discountPrice: null };
  const discounted = applyRule(price, rule);
  return {
    price: standard,
    discountPrice: discounted < moneyToMinorUnits(standard) ? minorUnitsToMoney(discounted) : null,
  };
}

/** One price of an offer as Mirakl's offer export lists it (the first is the offer's default price). */
export interface ExportedOfferPrice {
  origin_price?: string | null;
  discount_price?: string | null;
  discount_start_date?: string | null;
  discount_end_date?: string | null;
  /** Where and when a price other than the default applies (absent on the default price). */
  context?: {
    channel_codes?: readonly string[] | null;
    customer_group_ids?: readonly string[] | null;
    customer_organization_ids?: readonly string[] | null;
    start_date?: string | null;
    end_date?: string | null;
  } | null;
  /** Single-channel pricing names its channel here. */
  channel_code?: string | null;
  unit_origin_price?: string | null;
  /** Volume prices; a threshold above one is a range the merchant set. */
  volume_prices?:
    | readonly {
        quantity_threshold?: number | null;
        price?: string | null;
        unit_origin_price?: string | null;
        unit_discount_price?: string | null;
      }[]
    | null;
}

/**
 * The unit price a customer pays for the offer at `now`: the default price's discount while it runs (no
 * start or started, no end or not ended), else its origin price; null when the export lists no price.
 */
export function advertisedUnitPrice(prices: readonly ExportedOfferPrice[], now: Date): string | null {
  const price = prices[0];
  if (!price) return null;
  const started = !price.discount_start_date || Date.parse(price.discount_start_date) <= now.getTime();
  const ended = Boolean(price.discount_end_date) && Date.parse(price.discount_end_date!) < now.getTime();
  if (price.discount_price && started && !ended) return price.discount_price;
  return price.origin_price ?? null;
}
