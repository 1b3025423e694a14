import { offerPriceFor, type PriceRule, type VariantPrices } from "~/domain/price-rule";
import type { SellableResult } from "~/domain/sellable-quantity";
import { createOfferSkuResolver, type SkuOverride } from "~/domain/sku-mapping";

/**
 * Which OfferStock rows (offer × warehouse) a connection should have for a batch of Shopify SKUs, and what
 * each advertises. Pure: the recompute (app/sync/stock/recompute.server.ts) loads the variants, the SKU
 * mapping and the rows written before, asks this, and writes the answer.
 *
 *  - One variant per SKU feeds its offer. An archived copy next to an active product is a leftover, not a
 *    conflict; two live variants that are both active (or both not) make the SKU a duplicate, and its
 *    offers advertise 0 until the merchant makes the SKU unique.
 *  - The SKU mapping decides the offer (identity, an override, or shadowed: see ~/domain/sku-mapping).
 *  - Warehouse mode fans a SKU out to one row per Mirakl warehouse; otherwise one global row ("").
 *  - A row the batch fed before but feeds no more is zeroed ("no-longer-fed"), unless another SKU is now
 *    mapped onto its offer and has a variant: that SKU is recomputed instead (`reclaimedSkus`).
 */

/** The live (not deleted) variant facts the planning reads. */
export interface FeedingVariant extends VariantPrices {
  variantId: string;
  sku: string | null;
  productStatus: string | null;
}

/** What the recompute stores on OfferStock.explanation (read back by ./explain.ts). */
export type OfferRowExplanation =
  | { shopifySku: string; variantId: string | null; result: SellableResult }
  | { shopifySku: string; zeroReason: "duplicate-shopify-sku"; variantIds: string[] }
  | { shopifySku: string | null; zeroReason: "no-longer-fed" };

export interface PlannedOfferRow {
  offerSku: string;
  /** "" for the offer's global quantity, else the Mirakl warehouse code. */
  warehouseCode: string;
  /** null: excluded (nothing is pushed for this offer). */
  quantity: number | null;
  shopifySku: string | null;
  variantId: string | null;
  explanation: OfferRowExplanation;
}

/** A row as written before (the fields the planning compares against). */
export interface ExistingOfferRow {
  offerSku: string;
  warehouseCode: string;
  shopifySku: string | null;
  desiredQuantity: number | null;
  desiredPrice: string | null;
  desiredDiscountPrice: string | null;
}

export interface Feeders<V> {
  /** Per SKU, the variants that feed it: one, or several for a duplicate, or none (no live variant). */
  feeders: Map<string, V[]>;
  /** SKUs fed by more than one variant, sorted as `skus`: their offers advertise 0. */
  duplicates: string[];
}

/**
 * Which of one SKU's live variants feed it: the active ones, else all of them. An archived copy next to the
 * active product is a common leftover, not a conflict. More than one is a duplicate.
 */
export function feedingVariants<V extends { productStatus: string | null }>(live: readonly V[]): V[] {
  const active = live.filter((v) => v.productStatus === "ACTIVE");
  return active.length > 0 ? active : [...live];
}

/** Which of the SKUs' live variants feed them. `live` holds the shop's live variants carrying these SKUs. */
export function feedersBySku<V extends FeedingVariant>(skus: readonly string[], live: readonly V[]): Feeders<V> {
  const bySku = new Map<string, V[]>();
  for (const variant of live) {
    if (variant.sku === null) continue;
    const group = bySku.get(variant.sku);
    if (group) group.push(variant);
    else bySku.set(variant.sku, [variant]);
  }
  const feeders = new Map<string, V[]>();
  for (const sku of skus) feeders.set(sku, feedingVariants(bySku.get(sku) ?? []));
  return { feeders, duplicates: skus.filter((sku) => feeders.get(sku)!.length > 1) };
}

/** The offers the SKUs feed through the connection's mapping (the recompute loads their existing rows). */
export function offerSkusFedBy(skus: readonly string[], overrides: readonly SkuOverride[]): Set<string> {
  const resolve = createOfferSkuResolver(overrides);
  const fed = new Set<string>();
  for (const sku of skus) {
    const resolution = resolve(sku);
    if (resolution.kind !== "shadowed") fed.add(resolution.offerSku);
  }
  return fed;
}

export interface OfferRowsInput<V extends FeedingVariant> {
  /** The batch's Shopify SKUs (changed, or feeding before), sorted. */
  skus: readonly string[];
  /** From feedersBySku. */
  feeders: ReadonlyMap<string, readonly V[]>;
  /** The connection's SKU mapping rows naming any of `skus` (either side). */
  overrides: readonly SkuOverride[];
  /** The connection's Mirakl warehouse codes, in mapping order; empty = one global quantity. */
  warehouseCodes: readonly string[];
  /** The connection's price rule: says whether a price push may be due. */
  prices: PriceRule;
  /** The sellable quantity of a SKU fed by `variant` alone (null: no live variant). Called once per such SKU. */
  decide: (sku: string, variant: V | null) => SellableResult;
  /** The connection's rows whose shopifySku is one of `skus` or whose offer is in offerSkusFedBy(skus). */
  existing: readonly ExistingOfferRow[];
  /** The mapping rows onto the offers of `existing` that the SKUs do not feed (another SKU may claim them). */
  claims: readonly SkuOverride[];
  /** Which SKUs of `claims` any variant of the shop carries (deleted ones included). */
  claimersWithVariants: ReadonlySet<string>;
}

export interface OfferRowsPlan {
  /** The rows to write: the SKUs' own rows, then the zeros of rows no longer fed. */
  rows: PlannedOfferRow[];
  /** SKUs outside the batch now mapped onto an offer the batch no longer feeds: recompute them. */
  reclaimedSkus: string[];
  /** A fed offer's price differs from the one last written: the price push should look. */
  priceMayHaveChanged: boolean;
}

const rowKey = (offerSku: string, warehouseCode: string) => `${offerSku}\u0000${warehouseCode}`;

export function planOfferRows<V extends FeedingVariant>(input: OfferRowsInput<V>): OfferRowsPlan {
  const { skus, feeders, warehouseCodes } = input;
  const resolve = createOfferSkuResolver(input.overrides);
  // Duplicates and excluded SKUs write every warehouse row (or the global one).
  const everyRow = warehouseCodes.length ? warehouseCodes : [""];
  const rows: PlannedOfferRow[] = [];
  const fedOffers = new Set<string>();

  for (const sku of skus) {
    const resolution = resolve(sku);
    if (resolution.kind === "shadowed") continue; // the offer named like this SKU is fed by the SKU mapped onto it
    const offerSku = resolution.offerSku;
    fedOffers.add(offerSku);
    const variants = feeders.get(sku)!;
    if (variants.length > 1) {
      // Which of two variants should Mirakl sell? Neither, until the merchant makes the SKU unique.
      const explanation: OfferRowExplanation = {
        shopifySku: sku,
        zeroReason: "duplicate-shopify-sku",
        variantIds: variants.map((v) => v.variantId),
      };
      for (const warehouseCode of everyRow)
        rows.push({ offerSku, warehouseCode, quantity: 0, shopifySku: sku, variantId: null, explanation });
      continue;
    }
    const variant = variants[0] ?? null;
    const result = input.decide(sku, variant);
    const variantId = variant?.variantId ?? null;
    const base = { offerSku, shopifySku: sku, variantId, explanation: { shopifySku: sku, variantId, result } };
    if (result.kind === "excluded") {
      for (const warehouseCode of everyRow) rows.push({ ...base, warehouseCode, quantity: null });
    } else if (result.warehouses) {
      for (const w of result.warehouses) rows.push({ ...base, warehouseCode: w.code, quantity: w.quantity });
    } else {
      rows.push({ ...base, warehouseCode: "", quantity: result.quantity });
    }
  }

  // Rows these SKUs fed before (an override changed, a warehouse was unmapped, a SKU was renamed).
  const planned = new Set(rows.map((r) => rowKey(r.offerSku, r.warehouseCode)));
  const orphans = input.existing.filter((row) => !planned.has(rowKey(row.offerSku, row.warehouseCode)));
  const claimedBy = new Map(input.claims.map((c) => [c.offerSku, c.shopifySku]));
  const reclaimedSkus = new Set<string>();
  for (const row of orphans) {
    // In warehouse mode the global row is not ours to zero: Mirakl reads the warehouse lines.
    if (row.warehouseCode === "" && warehouseCodes.length && fedOffers.has(row.offerSku)) continue;
    // Another SKU may feed the offer now (mapped onto it): that SKU is recomputed instead of zeroing the offer.
    // A claimer with no variant at all would never be recomputed: its offer is zeroed here instead.
    const claimer = claimedBy.get(row.offerSku);
    if (claimer && !skus.includes(claimer) && input.claimersWithVariants.has(claimer)) {
      reclaimedSkus.add(claimer);
      continue;
    }
    if (row.desiredQuantity === 0) continue;
    rows.push({
      offerSku: row.offerSku,
      warehouseCode: row.warehouseCode,
      quantity: 0,
      shopifySku: row.shopifySku,
      variantId: null,
      explanation: { shopifySku: row.shopifySku, zeroReason: "no-longer-fed" },
    });
  }

  return { rows, reclaimedSkus: [...reclaimedSkus], priceMayHaveChanged: pricesMayHaveChanged(input, rows) };
}

/** Prices are computed by the price pusher from the mirror; it only needs to know when to look. */
function pricesMayHaveChanged<V extends FeedingVariant>(
  input: OfferRowsInput<V>,
  rows: readonly PlannedOfferRow[],
): boolean {
  if (!input.prices.enabled) return false;
  const current = new Map(input.existing.filter((r) => r.warehouseCode === "").map((r) => [r.offerSku, r]));
  // Every row is priced (no early return), so a price Shopify sent malformed fails the pass as it always did.
  let changed = false;
  for (const row of rows) {
    if (row.warehouseCode !== "" || !row.variantId) continue;
    const variant = input.feeders.get(row.shopifySku!)?.[0];
    const price = variant ? offerPriceFor(variant, input.prices) : null;
    const before = current.get(row.offerSku);
    if (
      price &&
      (price.price !== before?.desiredPrice || price.discountPrice !== (before?.desiredDiscountPrice ?? null))
    )
      changed = true;
  }
  return changed;
}
