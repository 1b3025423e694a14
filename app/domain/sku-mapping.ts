/**
 * Which Mirakl offer a Shopify SKU feeds, per connection. Identity by default; an explicit override
 * wins. An offer SKU claimed by an override is no longer fed by the Shopify SKU of the same name
 * (that SKU is "shadowed"), so one offer never receives two different quantities.
 */
export interface SkuOverride {
  shopifySku: string;
  offerSku: string;
}

export type OfferSkuResolution =
  | { kind: "identity"; offerSku: string }
  | { kind: "override"; offerSku: string }
  | { kind: "shadowed"; claimedBy: string };

export function createOfferSkuResolver(overrides: readonly SkuOverride[]) {
  const byShopifySku = new Map(overrides.map((o) => [o.shopifySku, o.offerSku]));
  const claimedOffer = new Map(overrides.map((o) => [o.offerSku, o.shopifySku]));
  return (shopifySku: string): OfferSkuResolution => {
    const override = byShopifySku.get(shopifySku);
    if (override !== undefined) return { kind: "override", offerSku: override };
    const claimedBy = claimedOffer.get(shopifySku);
    if (claimedBy !== undefined) return { kind: "shadowed", claimedBy };
    return { kind: "identity", offerSku: shopifySku };
  };
}

/**
 * The reverse: which Shopify SKU feeds a Mirakl offer (for an order line's offer_sku). The override that
 * claims the offer wins; an offer named like a Shopify SKU that is overridden elsewhere is fed by no one
 * (null); any other offer is fed by the Shopify SKU of the same name.
 */
export function createShopifySkuResolver(overrides: readonly SkuOverride[]) {
  const claimedOffer = new Map(overrides.map((o) => [o.offerSku, o.shopifySku]));
  const overridden = new Set(overrides.map((o) => o.shopifySku));
  return (offerSku: string): string | null =>
    claimedOffer.get(offerSku) ?? (overridden.has(offerSku) ? null : offerSku);
}

export interface OverrideProblem {
  line: number;
  message: string;
}

/** Mirakl's offer SKU rules (shop_sku): non-empty, at most 100 characters, no line breaks. */
const MAX_SKU_LENGTH = 100;

function skuProblem(label: string, sku: string): string | null {
  if (sku.length === 0) return `${label} is empty`;
  if (sku.length > MAX_SKU_LENGTH) return `${label} is longer than ${MAX_SKU_LENGTH} characters`;
  if (/[\r\n\t]/.test(sku)) return `${label} contains a line break or tab`;
  if (sku !== sku.trim()) return `${label} has leading or trailing spaces`;
  return null;
}

/**
 * Validates a full set of overrides (as imported from CSV): each side unique, sane SKUs, no chain
 * (A→B while B→C would make the result depend on order). Line numbers are the caller's (1 = first row).
 */
export function validateOverrides(rows: readonly (SkuOverride & { line: number })[]): OverrideProblem[] {
  const problems: OverrideProblem[] = [];
  const seenShopify = new Map<string, number>();
  const seenOffer = new Map<string, number>();
  for (const row of rows) {
    for (const [label, sku] of [
      ["Shopify SKU", row.shopifySku],
      ["Offer SKU", row.offerSku],
    ] as const) {
      const problem = skuProblem(label, sku);
      if (problem) problems.push({ line: row.line, message: problem });
    }
    const shopifyFirst = seenShopify.get(row.shopifySku);
    if (shopifyFirst !== undefined)
      problems.push({
        line: row.line,
        message: `Shopify SKU "${row.shopifySku}" is already mapped on line ${shopifyFirst}`,
      });
    else seenShopify.set(row.shopifySku, row.line);
    const offerFirst = seenOffer.get(row.offerSku);
    if (offerFirst !== undefined)
      problems.push({
        line: row.line,
        message: `Offer SKU "${row.offerSku}" is already the target of line ${offerFirst}`,
      });
    else seenOffer.set(row.offerSku, row.line);
  }
  for (const row of rows) {
    if (row.shopifySku !== row.offerSku && seenShopify.has(row.offerSku) && row.offerSku !== "") {
      problems.push({
        line: row.line,
        message: `Offer SKU "${row.offerSku}" is itself remapped on line ${seenShopify.get(row.offerSku)}: chains are not allowed`,
      });
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}

/** An override file is a few MB at most (100,000 rows): anything far larger is refused before it is read. */
export const MAX_MAPPING_CSV_CHARS = 10_000_000;
export const MAPPING_CSV_TOO_LARGE = "This file is too large to be a SKU mapping (at most 100,000 rows)";
