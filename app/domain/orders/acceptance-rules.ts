import { moneyToMinorUnits, toMoney, type MiraklMoney } from "~/domain/money";
import { formatAmount } from "~/domain/orders/currency";
import { toleranceBasisPoints, type AcceptanceRule, type FailureAction } from "~/domain/orders/acceptance-settings";

/**
 * The rules one waiting Mirakl order line is checked against (issue 10), one small pure function each.
 * Every function answers with a check a person can read: a stable code for filters and tests, and an
 * English sentence for the Order page and the timeline. They never throw, whatever the input.
 * ./acceptance.ts composes them and turns failures into accept / refuse / review.
 */

export type CheckOutcome = "pass" | "fail" | "not-checked";

export type ReasonCode =
  // invalidLine
  | "invalid-quantity"
  | "invalid-unit-price"
  | "missing-offer-sku"
  | "missing-line-id"
  | "duplicate-line-id"
  // currencyMismatch
  | "currency-matches"
  | "currency-mismatch"
  | "currency-not-checked"
  // unknownOffer
  | "offer-listed"
  | "offer-deleted"
  | "offer-unknown"
  // skuNotFound
  | "sku-mapped"
  | "sku-unmapped"
  | "variant-not-found"
  | "variant-ambiguous"
  // productInactive
  | "product-active"
  | "product-inactive"
  | "product-deleted"
  | "variant-deleted"
  // quantityOverLimit
  | "quantity-within-limit"
  | "quantity-over-limit"
  // priceOutOfTolerance
  | "price-within-tolerance"
  | "price-below-tolerance"
  | "price-above-tolerance"
  | "price-not-checked"
  // insufficientStock
  | "stock-sufficient"
  | "stock-insufficient"
  // the whole order, not one rule
  | "partial-acceptance-forbidden"
  | "automatic-acceptance";

export interface Reason {
  code: ReasonCode;
  /** One English sentence, e.g. "Only 2 sellable at Warehouse Lyon, 3 ordered (1 other open order holds 1)". */
  message: string;
}

export interface RuleCheck extends Reason {
  rule: AcceptanceRule;
  outcome: CheckOutcome;
}

/** A failed check with what the merchant's settings make of it. */
export interface FailedCheck extends RuleCheck {
  outcome: "fail";
  action: FailureAction;
}

const pass = (rule: AcceptanceRule, code: ReasonCode, message: string): RuleCheck => ({
  rule,
  outcome: "pass",
  code,
  message,
});
const fail = (rule: AcceptanceRule, code: ReasonCode, message: string): RuleCheck => ({
  rule,
  outcome: "fail",
  code,
  message,
});
const notChecked = (rule: AcceptanceRule, code: ReasonCode, message: string): RuleCheck => ({
  rule,
  outcome: "not-checked",
  code,
  message,
});

// ---- invalidLine ------------------------------------------------------------------------------

/** The parts of a line the other rules need, when they can be read. */
export interface ReadableLine {
  /** Positive whole number of units, or null when the quantity is not one. */
  quantity: number | null;
  /** Canonical decimal ≥ 0, or null when unreadable or negative. */
  unitPrice: MiraklMoney | null;
  /** Non-empty offer SKU, or null. */
  offerSku: string | null;
}

/**
 * Bad input Mirakl should never send but a drifting API or a corrupt row could: a zero, negative or
 * fractional quantity, an unreadable or negative unit price, no offer SKU. One failed check per problem;
 * the rules that need the bad field are then not run (the caller reads `readable`).
 */
export function checkLineInput(line: { quantity: unknown; unitPrice: unknown; offerSku: unknown }): {
  checks: RuleCheck[];
  readable: ReadableLine;
} {
  const checks: RuleCheck[] = [];
  const quantity =
    typeof line.quantity === "number" && Number.isSafeInteger(line.quantity) && line.quantity > 0
      ? line.quantity
      : null;
  if (quantity === null)
    checks.push(
      fail(
        "invalidLine",
        "invalid-quantity",
        `The quantity ordered (${shown(line.quantity)}) is not a positive whole number of units`,
      ),
    );
  const unitPrice = readAmount(line.unitPrice);
  if (unitPrice === null || unitPrice.startsWith("-"))
    checks.push(
      fail("invalidLine", "invalid-unit-price", `The unit price (${shown(line.unitPrice)}) is not a valid amount`),
    );
  const offerSku = typeof line.offerSku === "string" && line.offerSku.trim() !== "" ? line.offerSku : null;
  if (offerSku === null) checks.push(fail("invalidLine", "missing-offer-sku", "The line names no offer SKU"));
  return {
    checks,
    readable: { quantity, unitPrice: unitPrice !== null && !unitPrice.startsWith("-") ? unitPrice : null, offerSku },
  };
}

/** A value from a bad line, for a sentence: whatever it is, never a throw. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  return `a ${typeof value}`;
}

function readAmount(value: unknown): MiraklMoney | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  try {
    return toMoney(value);
  } catch {
    return null;
  }
}

// ---- currencyMismatch -------------------------------------------------------------------------

/** The order's currency against the connection's (learnt on "Test connection"; null until then). */
export function checkCurrency(orderCurrency: string, connectionCurrency: string | null): RuleCheck {
  if (connectionCurrency === null)
    return notChecked(
      "currencyMismatch",
      "currency-not-checked",
      `Currency ${orderCurrency} not checked: the connection's currency is not known yet (test the connection)`,
    );
  if (orderCurrency.trim().toUpperCase() === connectionCurrency.trim().toUpperCase())
    return pass(
      "currencyMismatch",
      "currency-matches",
      `The order is in ${connectionCurrency}, the connection's currency`,
    );
  return fail(
    "currencyMismatch",
    "currency-mismatch",
    `The order is in ${orderCurrency || "no currency"}, but this connection sells in ${connectionCurrency}`,
  );
}

// ---- unknownOffer -----------------------------------------------------------------------------

/** What the connection's offer mirror knows of an offer SKU. */
export interface OfferFacts {
  /** "deleted": we removed it (or Mirakl reported it gone) after the customer ordered. */
  status: "listed" | "deleted";
  /**
   * The unit price we advertise for it (the discount price when one is running), as a decimal string;
   * null when the app does not manage this offer's price (price sync off): the price is then not checked.
   */
  advertisedUnitPrice: MiraklMoney | null;
}

/** `offer` undefined: the offer SKU is not one of this connection's offers. */
export function checkOffer(offerSku: string, offer: OfferFacts | undefined): RuleCheck {
  if (offer === undefined)
    return fail("unknownOffer", "offer-unknown", `Offer SKU ${offerSku} is not one of this connection's offers`);
  if (offer.status === "deleted")
    return fail("unknownOffer", "offer-deleted", `Offer SKU ${offerSku} was deleted from this connection's offers`);
  return pass("unknownOffer", "offer-listed", `Offer SKU ${offerSku} is one of this connection's offers`);
}

// ---- skuNotFound ------------------------------------------------------------------------------

/** ACTIVE | DRAFT | ARCHIVED | UNLISTED (Shopify ProductStatus); unknown values are simply not active. */
export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED" | (string & {});

/** A Shopify variant carrying a SKU, as the catalogue mirror knows it. */
export interface VariantFacts {
  variantId: string;
  /** "Blue / 42"; shown to the merchant when known. */
  title: string | null;
  /** null when the product no longer exists. */
  productStatus: ProductStatus | null;
  /** The variant itself was deleted (the mirror keeps its row). */
  deleted: boolean;
}

export function variantLabel(variant: VariantFacts): string {
  return variant.title ? `“${variant.title}” (${variant.variantId})` : variant.variantId;
}

/**
 * Offer SKU → Shopify SKU through the connection's SKU mapping (`shopifySku`, null when the mapping gives
 * the offer to no Shopify SKU), then the variant that carries it. Deleted variants only count when no live
 * one has the SKU (then ./checkProductActive says "deleted"); two live variants with one SKU are ambiguous.
 */
export function checkSkuMapping(
  offerSku: string,
  shopifySku: string | null,
  variants: readonly VariantFacts[],
): { check: RuleCheck; variant: VariantFacts | null } {
  if (shopifySku === null)
    return {
      check: fail(
        "skuNotFound",
        "sku-unmapped",
        `The SKU mapping gives offer SKU ${offerSku} to no Shopify SKU (its namesake is mapped to another offer)`,
      ),
      variant: null,
    };
  const live = variants.filter((v) => !v.deleted);
  const candidates = live.length > 0 ? live : variants;
  if (candidates.length === 0)
    return {
      check: fail("skuNotFound", "variant-not-found", `No Shopify variant has SKU ${shopifySku}`),
      variant: null,
    };
  if (candidates.length > 1)
    return {
      check: fail(
        "skuNotFound",
        "variant-ambiguous",
        `${candidates.length} Shopify variants have SKU ${shopifySku}: which one to sell is not clear`,
      ),
      variant: null,
    };
  const variant = candidates[0]!;
  const through = shopifySku === offerSku ? `SKU ${offerSku}` : `offer SKU ${offerSku} (Shopify SKU ${shopifySku})`;
  return {
    check: pass("skuNotFound", "sku-mapped", `${capitalise(through)} maps to Shopify variant ${variantLabel(variant)}`),
    variant,
  };
}

// ---- productInactive --------------------------------------------------------------------------

export function checkProductActive(variant: VariantFacts): RuleCheck {
  const label = variantLabel(variant);
  if (variant.deleted) return fail("productInactive", "variant-deleted", `Shopify variant ${label} was deleted`);
  if (variant.productStatus === null)
    return fail("productInactive", "product-deleted", `The Shopify product of variant ${label} was deleted`);
  if (variant.productStatus !== "ACTIVE")
    return fail(
      "productInactive",
      "product-inactive",
      `The Shopify product of variant ${label} is ${variant.productStatus.toLowerCase()}, not active`,
    );
  return pass("productInactive", "product-active", `The Shopify product of variant ${label} is active`);
}

// ---- quantityOverLimit ------------------------------------------------------------------------

/** `limit` null: no limit, nothing to check (no check is reported). */
export function checkQuantityLimit(quantity: number, limit: number | null): RuleCheck | null {
  if (limit === null) return null;
  if (quantity > limit)
    return fail(
      "quantityOverLimit",
      "quantity-over-limit",
      `${quantity} ordered, more than the limit of ${limit} per line`,
    );
  return pass(
    "quantityOverLimit",
    "quantity-within-limit",
    `${quantity} ordered, within the limit of ${limit} per line`,
  );
}

// ---- priceOutOfTolerance ----------------------------------------------------------------------

/** Both amounts as integers of the same scale (the finer of the two), so no digit is lost. */
function onCommonScale(a: MiraklMoney, b: MiraklMoney): [bigint, bigint] {
  const digits = Math.max(a.split(".")[1]?.length ?? 0, b.split(".")[1]?.length ?? 0);
  return [moneyToMinorUnits(a, digits), moneyToMinorUnits(b, digits)];
}

/** "10", "12.5", "0.01": basis points as a percentage for a sentence. */
function percentText(basisPoints: bigint): string {
  const whole = basisPoints / 100n;
  const fraction = (basisPoints % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/**
 * The unit price paid against the unit price we advertise, either way, both ends included: with 10 %,
 * 90.00 and 110.00 pass for an advertised 100.00, 89.99 does not. Exact: |paid − advertised| × 10 000 is
 * compared with advertised × tolerance in basis points, in integers; no float touches an amount.
 */
export function checkPrice(
  unitPrice: MiraklMoney,
  advertisedUnitPrice: MiraklMoney | null,
  currency: string,
  tolerancePercent: number,
): RuleCheck {
  const paidAmount = readAmount(unitPrice);
  if (paidAmount === null)
    return notChecked("priceOutOfTolerance", "price-not-checked", `Unit price ${shown(unitPrice)} is not an amount`);
  const paid = formatAmount(paidAmount, currency);
  const advertised = advertisedUnitPrice === null ? null : readAmount(advertisedUnitPrice);
  if (advertised === null)
    return notChecked(
      "priceOutOfTolerance",
      "price-not-checked",
      `Unit price ${paid} not checked: the app does not know the price advertised for this offer`,
    );
  if (!(advertised !== "0" && !advertised.startsWith("-")))
    return notChecked(
      "priceOutOfTolerance",
      "price-not-checked",
      `Unit price ${paid} not checked: the advertised price (${advertised}) is not a positive amount`,
    );
  const [paidUnits, advertisedUnits] = onCommonScale(paidAmount, advertised);
  const tolerance = toleranceBasisPoints(tolerancePercent);
  const difference = paidUnits - advertisedUnits;
  const gap = difference < 0n ? -difference : difference;
  const advertisedText = formatAmount(advertised, currency);
  const toleranceText = `${percentText(tolerance)} %`;
  if (gap * 10_000n <= advertisedUnits * tolerance)
    return pass(
      "priceOutOfTolerance",
      "price-within-tolerance",
      `Unit price ${paid} is within ${toleranceText} of the advertised ${advertisedText}`,
    );
  // Rounded up, so a gap just over the tolerance never reads as equal to it.
  const gapBasisPoints = (gap * 10_000n + advertisedUnits - 1n) / advertisedUnits;
  const direction = difference < 0n ? "below" : "above";
  return fail(
    "priceOutOfTolerance",
    difference < 0n ? "price-below-tolerance" : "price-above-tolerance",
    `Unit price ${paid} is ${percentText(gapBasisPoints)} % ${direction} the advertised ${advertisedText} (tolerance ${toleranceText})`,
  );
}

// ---- insufficientStock ------------------------------------------------------------------------

/** Stock of one Shopify SKU for this connection. */
export interface SkuStockFacts {
  /**
   * Units this connection may sell at its locations BEFORE any open marketplace order is counted
   * (the caller decides what counts: Σ available at the chosen locations, less a buffer or not).
   */
  sellableUnits: number;
  /** Units held by OTHER open marketplace orders (any connection), not this order. */
  reservedByOtherOrders: number;
  /** How many other open orders hold those units (for the sentence only). */
  otherOpenOrders: number;
  /** Where, for the sentence: "Warehouse Lyon", "the chosen locations". */
  where: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A count read defensively: not a finite number → `fallback`; fractions go the safe way (`round`). */
function wholeUnits(value: number, round: (n: number) => number, fallback: number): number {
  return Number.isFinite(value) ? round(value) : fallback;
}

/**
 * Enough units for this line once every other open order and the earlier lines of the same order that
 * asked for the same SKU (`claimedByEarlierLines`, in line order) are served? `stock` undefined: nothing
 * is known of the SKU's stock, which is taken as none. Corrupt counts err towards less stock.
 */
export function checkStock(
  quantity: number,
  shopifySku: string,
  stock: SkuStockFacts | undefined,
  claimedByEarlierLines: number,
): RuleCheck {
  if (stock === undefined)
    return fail(
      "insufficientStock",
      "stock-insufficient",
      `No stock is known for SKU ${shopifySku} at this connection's locations, ${quantity} ordered`,
    );
  const sellable = Math.max(0, wholeUnits(stock.sellableUnits, Math.floor, 0));
  const reserved = Math.max(0, wholeUnits(stock.reservedByOtherOrders, Math.ceil, sellable));
  const free = Math.max(0, sellable - reserved - claimedByEarlierLines);
  const held: string[] = [];
  if (reserved > 0) {
    const orders = Math.max(1, wholeUnits(stock.otherOpenOrders, Math.floor, 1));
    held.push(`${plural(orders, "other open order holds", "other open orders hold")} ${reserved}`);
  }
  if (claimedByEarlierLines > 0) held.push(`earlier lines of this order take ${claimedByEarlierLines}`);
  const detail = held.length > 0 ? ` (${held.join("; ")})` : "";
  if (quantity <= free)
    return pass(
      "insufficientStock",
      "stock-sufficient",
      `${free} sellable at ${stock.where}, ${quantity} ordered${detail}`,
    );
  return fail(
    "insufficientStock",
    "stock-insufficient",
    `Only ${free} sellable at ${stock.where}, ${quantity} ordered${detail}`,
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
