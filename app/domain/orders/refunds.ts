import { createHash } from "node:crypto";
import { minorUnitsToMoney, moneyToMinorUnits, toMoney, type MiraklMoney } from "~/domain/money";
import {
  fractionDigitsOf,
  lineShipped,
  netTaxesByCode,
  remainingQuantity,
  type MiraklOrderLineLike,
  type MiraklRefundLike,
  type MiraklReversal,
} from "~/domain/orders/shopify-order";

/**
 * Refunds and cancelations between Shopify and Mirakl (issue 13), decided in exact decimals. Pure: the refund
 * flows (app/sync/refunds/) read both sides, ask this what to send, and send it.
 *
 * Every amount of a line and of its reversals (cancelations and refunds) is in the order's tax mode, as Mirakl
 * lists them: TAX_INCLUDED amounts hold their taxes (the taxes are the part within), TAX_EXCLUDED amounts do not
 * (the customer paid the taxes on top). What is left to refund on a line is its price, shipping and taxes less
 * every reversal, whoever made it; nothing planned here ever goes beyond it.
 */

export type OrderTaxMode = "TAX_INCLUDED" | "TAX_EXCLUDED";

/** The order's `order_tax_mode` as the Shopify order was made from it (anything but TAX_INCLUDED excludes taxes). */
export function orderTaxModeOf(orderTaxMode: string | null | undefined): OrderTaxMode {
  return orderTaxMode === "TAX_INCLUDED" ? "TAX_INCLUDED" : "TAX_EXCLUDED";
}

export interface TaxAmount {
  code: string;
  amount: MiraklMoney;
}

type Minor = bigint;
interface TaxMinor {
  code: string;
  amount: Minor;
}

const sumOf = (values: readonly Minor[]) => values.reduce((a, b) => a + b, 0n);
const atLeastZero = (value: Minor) => (value > 0n ? value : 0n);
const minOf = (a: Minor, b: Minor) => (a < b ? a : b);
const digitsIn = (amount: MiraklMoney) => toMoney(amount).split(".")[1]?.length ?? 0;
const minorIn = (digits: number) => (amount: MiraklMoney | null | undefined) =>
  moneyToMinorUnits(toMoney(amount ?? "0"), digits);

// ---------------------------------------------------------------------------------------------------------
// What is left

/** What a line can still give back, per component, in the order's tax mode. */
export interface RefundableLeft {
  lineId: string;
  /** Product part (price less every reversal's amount). */
  amount: MiraklMoney;
  shippingAmount: MiraklMoney;
  /** Per tax code of the line, in the line's order; a code reversals took whole is at 0. */
  taxes: TaxAmount[];
  shippingTaxes: TaxAmount[];
  /** Units neither cancelled nor refunded (a refund's quantity is informative in Mirakl, but counted when given). */
  quantity: number;
  /** The money the customer can still get back: the amounts, plus the taxes when they are not in them. */
  total: MiraklMoney;
}

interface LeftMinor {
  amount: Minor;
  shipping: Minor;
  taxes: TaxMinor[];
  shippingTaxes: TaxMinor[];
  quantity: number;
}

function leftOf(line: MiraklOrderLineLike, digits: number): LeftMinor {
  const minor = minorIn(digits);
  const reversals: readonly MiraklReversal[] = [...(line.cancelations ?? []), ...(line.refunds ?? [])];
  const netOf = (taxes: MiraklOrderLineLike["taxes"], pick: (r: MiraklReversal) => MiraklOrderLineLike["taxes"]) =>
    netTaxesByCode(
      taxes ?? [],
      reversals.map((r) => pick(r) ?? []),
      minor,
    ).map((tax) => ({ code: tax.code, amount: atLeastZero(tax.amount) }));
  const refundedUnits = (line.refunds ?? []).reduce((units, r) => units + Math.max(0, r.quantity ?? 0), 0);
  return {
    amount: atLeastZero(minor(line.price) - sumOf(reversals.map((r) => minor(r.amount)))),
    shipping: atLeastZero(minor(line.shipping_price) - sumOf(reversals.map((r) => minor(r.shipping_amount)))),
    taxes: netOf(line.taxes, (r) => r.taxes),
    shippingTaxes: netOf(line.shipping_taxes, (r) => r.shipping_taxes),
    quantity: Math.max(0, remainingQuantity(line) - refundedUnits),
  };
}

/** Money back to the customer for amounts and their taxes in the given mode. */
function customerMoney(amounts: Minor, taxes: Minor, taxMode: OrderTaxMode): Minor {
  return taxMode === "TAX_INCLUDED" ? amounts : amounts + taxes;
}

/** What is left to refund on a Mirakl order line: price, shipping, taxes per code and units less every reversal. */
export function refundableLeft(line: MiraklOrderLineLike, taxMode: OrderTaxMode): RefundableLeft {
  const digits = fractionDigitsOf({ order_lines: [line] });
  const left = leftOf(line, digits);
  const money = (units: Minor) => minorUnitsToMoney(units, digits);
  const taxes = (list: TaxMinor[]) => list.map((tax) => ({ code: tax.code, amount: money(tax.amount) }));
  return {
    lineId: line.order_line_id,
    amount: money(left.amount),
    shippingAmount: money(left.shipping),
    taxes: taxes(left.taxes),
    shippingTaxes: taxes(left.shippingTaxes),
    quantity: left.quantity,
    total: money(
      customerMoney(
        left.amount + left.shipping,
        sumOf([...left.taxes, ...left.shippingTaxes].map((t) => t.amount)),
        taxMode,
      ),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Splitting money

/**
 * `total` split in proportion to `weights`, to the minor unit: each part rounded down, then the units still
 * missing go one each to the largest remainders (the earlier part first on a tie). The parts always sum to
 * `total`; when `total` is at most the sum of the weights, no part exceeds its weight.
 */
export function allocateProportionally(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError(`cannot split a negative total (${total})`);
  if (weights.some((w) => w < 0n)) throw new RangeError("weights must not be negative");
  const weightSum = sumOf(weights);
  if (weightSum === 0n) {
    if (total === 0n) return weights.map(() => 0n);
    throw new RangeError(`cannot split ${total} over weights that are all 0`);
  }
  const parts = weights.map((w) => (total * w) / weightSum);
  const remainders = weights.map((w, index) => ({ index, remainder: (total * w) % weightSum }));
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  let missing = total - sumOf(parts);
  for (const { index } of remainders) {
    if (missing === 0n) break;
    parts[index]! += 1n;
    missing -= 1n;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Shopify refund → Mirakl OR28 (or OR30 for a line refunded whole before shipping)

/** One Shopify refund line, already mapped to its Mirakl order line. */
export interface ShopifyLineRefund {
  lineId: string;
  /** Units refunded (0 for money only). */
  quantity: number;
  /** Product money refunded for the line; tax-inclusive or not per `amountsIncludeTax`. */
  amount: MiraklMoney;
  /** Shopify's tax refunded on it. */
  taxAmount: MiraklMoney;
}

export interface ShopifyRefundRequest {
  lines: readonly ShopifyLineRefund[];
  /** The order-level shipping refund and its tax. */
  shipping: { amount: MiraklMoney; taxAmount: MiraklMoney };
  /** Shopify's `taxesIncluded`: amounts hold their tax. */
  amountsIncludeTax: boolean;
}

export interface RefundOrderInput {
  order_tax_mode?: string | null;
  currency_iso_code: string;
  order_lines: readonly MiraklOrderLineLike[];
}

/** An OR28 `refunds[]` entry (structurally the Mirakl client's RefundInput). */
export interface MiraklRefundEntry {
  order_line_id: string;
  amount: MiraklMoney;
  shipping_amount: MiraklMoney;
  quantity: number;
  reason_code: string;
  currency_iso_code: string;
  taxes: TaxAmount[];
  shipping_taxes: TaxAmount[];
}

/** An OR30 `cancelations[]` entry (structurally the Mirakl client's CancelationInput). */
export type MiraklCancelationEntry = MiraklRefundEntry;

export type RefundComponent = "amount" | "shipping_amount" | "taxes" | "shipping_taxes" | "quantity";

/** A component asked for beyond what is left (or beyond what its amount can carry): sent capped. */
export type RefundCap =
  | { component: Exclude<RefundComponent, "quantity">; requested: MiraklMoney; sent: MiraklMoney }
  | { component: "quantity"; requested: number; sent: number };

export interface PlannedLineRefund {
  refund: MiraklRefundEntry;
  caps: RefundCap[];
  /** The request takes every unit left before the line shipped: a cancelation of the line (OR30). */
  cancelsLine: boolean;
  /** The same money in OR30's shape, when `cancelsLine` and a CANCELATION reason was given. */
  cancelation: MiraklCancelationEntry | null;
}

export type SkipReason = "UNKNOWN_LINE" | "NOT_REFUNDABLE" | "NOTHING_LEFT" | "NOTHING_REQUESTED";

export interface SkippedLine {
  lineId: string;
  reason: SkipReason;
  message: string;
  caps: RefundCap[];
}

export interface MiraklRefundPlan {
  orderTaxMode: OrderTaxMode;
  lines: PlannedLineRefund[];
  skipped: SkippedLine[];
  /** Shipping money asked for that no line can carry (no shipping, or no shipping tax, left on any line). */
  shippingNotAllocated: { amount: MiraklMoney; taxAmount: MiraklMoney; message: string } | null;
}

interface ComponentPlan {
  amount: Minor;
  taxes: TaxMinor[];
  /** Requested vs sent, before and after capping: [amount, tax]. */
  requested: { amount: Minor; tax: Minor };
}

/**
 * One component (product or shipping) of one line: the amount capped at what is left; the tax capped at what is
 * left of the line's codes, at nothing when no amount goes with it, and (TAX_INCLUDED) at the amount it sits in;
 * then split over the codes in proportion to what is left of each.
 */
function planComponent(
  requested: { amount: Minor; tax: Minor },
  left: { amount: Minor; taxes: TaxMinor[] },
  taxMode: OrderTaxMode,
): ComponentPlan {
  const amount = minOf(requested.amount, left.amount);
  let taxCeiling = amount === 0n ? 0n : sumOf(left.taxes.map((t) => t.amount));
  if (taxMode === "TAX_INCLUDED") taxCeiling = minOf(taxCeiling, amount);
  const tax = minOf(requested.tax, taxCeiling);
  const parts =
    tax === 0n
      ? left.taxes.map(() => 0n)
      : allocateProportionally(
          tax,
          left.taxes.map((t) => t.amount),
        );
  return { amount, taxes: left.taxes.map((t, i) => ({ code: t.code, amount: parts[i]! })), requested };
}

/** A Shopify amount and its tax in the order's tax mode (Shopify may hold taxes the other way round). */
function inOrderMode(amount: Minor, tax: Minor, amountsIncludeTax: boolean, taxMode: OrderTaxMode): Minor {
  const gross = amountsIncludeTax ? amount : amount + tax;
  if (gross - tax < 0n) throw new RangeError(`a tax-inclusive amount smaller than its tax (${amount} < ${tax})`);
  return taxMode === "TAX_INCLUDED" ? gross : gross - tax;
}

/**
 * The OR28 refunds for a Shopify refund, capped at what each line has left. The order-level shipping refund is
 * spread over the refundable lines in proportion to their shipping left (its tax in proportion to their shipping
 * taxes left). A line refunded whole before it shipped is flagged `cancelsLine` with the same money as OR30 wants it.
 */
export function planMiraklRefunds(input: {
  order: RefundOrderInput;
  request: ShopifyRefundRequest;
  /** RE01 code of type REFUND. */
  reasonCode: string;
  /** RE01 code of type CANCELATION, for lines the refund cancels; null when none is chosen. */
  cancelationReasonCode?: string | null;
}): MiraklRefundPlan {
  const { order, request } = input;
  const taxMode = orderTaxModeOf(order.order_tax_mode);
  const requestAmounts = [
    ...request.lines.flatMap((l) => [l.amount, l.taxAmount]),
    request.shipping.amount,
    request.shipping.taxAmount,
  ];
  const digits = Math.max(fractionDigitsOf(order), ...requestAmounts.map(digitsIn));
  const minor = minorIn(digits);
  const money = (units: Minor) => minorUnitsToMoney(units, digits);
  for (const amount of requestAmounts)
    if (minor(amount) < 0n) throw new RangeError(`a refund amount cannot be negative (${amount})`);
  for (const line of request.lines)
    if (!Number.isInteger(line.quantity) || line.quantity < 0)
      throw new RangeError(`a refund quantity must be a whole number ≥ 0 (${line.quantity} on ${line.lineId})`);

  const linesById = new Map(order.order_lines.map((line) => [line.order_line_id, line]));
  const skipped: SkippedLine[] = [];

  // Several Shopify lines may map to one Mirakl line: one request per Mirakl line.
  const requested = new Map<string, { quantity: number; amount: Minor; tax: Minor }>();
  for (const line of request.lines) {
    if (!linesById.has(line.lineId)) {
      if (!skipped.some((s) => s.lineId === line.lineId))
        skipped.push({
          lineId: line.lineId,
          reason: "UNKNOWN_LINE",
          message: `Line ${line.lineId} is not in the Mirakl order.`,
          caps: [],
        });
      continue;
    }
    const known = requested.get(line.lineId) ?? { quantity: 0, amount: 0n, tax: 0n };
    const tax = minor(line.taxAmount);
    requested.set(line.lineId, {
      quantity: known.quantity + line.quantity,
      amount: known.amount + inOrderMode(minor(line.amount), tax, request.amountsIncludeTax, taxMode),
      tax: known.tax + tax,
    });
  }

  const left = new Map(order.order_lines.map((line) => [line.order_line_id, leftOf(line, digits)]));
  const quantityOf = (line: MiraklOrderLineLike) =>
    Math.min(requested.get(line.order_line_id)?.quantity ?? 0, left.get(line.order_line_id)!.quantity);
  const cancelsLine = (line: MiraklOrderLineLike) =>
    quantityOf(line) > 0 && quantityOf(line) === left.get(line.order_line_id)!.quantity && !lineShipped(line);
  // A line Mirakl will not refund may still be cancelled (OR30).
  const refundable = (line: MiraklOrderLineLike) => line.can_refund !== false || cancelsLine(line);

  // Shipping: over the refundable lines, by what each has left.
  const shippingTax = minor(request.shipping.taxAmount);
  const shippingAsked = inOrderMode(minor(request.shipping.amount), shippingTax, request.amountsIncludeTax, taxMode);
  const shippingLines = order.order_lines.filter(refundable);
  const shippingWeights = shippingLines.map((line) => left.get(line.order_line_id)!.shipping);
  const shippingTaxWeights = shippingLines.map((line) =>
    sumOf(left.get(line.order_line_id)!.shippingTaxes.map((t) => t.amount)),
  );
  const spread = (total: Minor, weights: Minor[]) =>
    sumOf(weights) === 0n ? null : allocateProportionally(total, weights);
  const shippingParts = spread(shippingAsked, shippingWeights);
  const shippingTaxParts = spread(shippingTax, shippingTaxWeights);
  const notAllocated = { amount: shippingParts ? 0n : shippingAsked, tax: shippingTaxParts ? 0n : shippingTax };
  const shippingShare = new Map(
    shippingLines.map((line, i) => [
      line.order_line_id,
      { amount: shippingParts?.[i] ?? 0n, tax: shippingTaxParts?.[i] ?? 0n },
    ]),
  );

  const planned: PlannedLineRefund[] = [];
  for (const line of order.order_lines) {
    const id = line.order_line_id;
    const asked = requested.get(id);
    const shippingAskedHere = shippingShare.get(id) ?? { amount: 0n, tax: 0n };
    const askedAnything = asked !== undefined || shippingAskedHere.amount > 0n || shippingAskedHere.tax > 0n;
    if (!askedAnything) continue;
    const product = asked ?? { quantity: 0, amount: 0n, tax: 0n };
    const lineLeft = left.get(id)!;

    const quantity = quantityOf(line);
    const cancels = cancelsLine(line);
    if (!refundable(line)) {
      skipped.push({
        lineId: id,
        reason: "NOT_REFUNDABLE",
        message: `Mirakl does not allow refunding line ${id} now (can_refund is false).`,
        caps: [],
      });
      continue;
    }

    const productPlan = planComponent(product, { amount: lineLeft.amount, taxes: lineLeft.taxes }, taxMode);
    const shippingPlan = planComponent(
      shippingAskedHere,
      { amount: lineLeft.shipping, taxes: lineLeft.shippingTaxes },
      taxMode,
    );
    const caps: RefundCap[] = [];
    const capMoney = (component: Exclude<RefundComponent, "quantity">, asked: Minor, sent: Minor) => {
      if (asked > sent) caps.push({ component, requested: money(asked), sent: money(sent) });
    };
    capMoney("amount", productPlan.requested.amount, productPlan.amount);
    capMoney("taxes", productPlan.requested.tax, sumOf(productPlan.taxes.map((t) => t.amount)));
    capMoney("shipping_amount", shippingPlan.requested.amount, shippingPlan.amount);
    capMoney("shipping_taxes", shippingPlan.requested.tax, sumOf(shippingPlan.taxes.map((t) => t.amount)));
    if (product.quantity > quantity) caps.push({ component: "quantity", requested: product.quantity, sent: quantity });

    const sends =
      productPlan.amount > 0n ||
      shippingPlan.amount > 0n ||
      [...productPlan.taxes, ...shippingPlan.taxes].some((t) => t.amount > 0n);
    if (!sends && !cancels) {
      const nothingAsked =
        product.amount === 0n && product.tax === 0n && shippingAskedHere.amount === 0n && shippingAskedHere.tax === 0n;
      skipped.push({
        lineId: id,
        reason: nothingAsked ? "NOTHING_REQUESTED" : "NOTHING_LEFT",
        message: nothingAsked
          ? `The refund gives no money back on line ${id}.`
          : `Line ${id} has nothing left to refund: earlier refunds and cancelations took it all.`,
        caps,
      });
      continue;
    }

    const taxes = (list: TaxMinor[]) => list.map((t) => ({ code: t.code, amount: money(t.amount) }));
    const refund: MiraklRefundEntry = {
      order_line_id: id,
      amount: money(productPlan.amount),
      shipping_amount: money(shippingPlan.amount),
      quantity,
      reason_code: input.reasonCode,
      currency_iso_code: order.currency_iso_code,
      taxes: taxes(productPlan.taxes),
      shipping_taxes: taxes(shippingPlan.taxes),
    };
    planned.push({
      refund,
      caps,
      cancelsLine: cancels,
      cancelation:
        cancels && input.cancelationReasonCode ? { ...refund, reason_code: input.cancelationReasonCode } : null,
    });
  }

  return {
    orderTaxMode: taxMode,
    lines: planned,
    skipped,
    shippingNotAllocated:
      notAllocated.amount > 0n || notAllocated.tax > 0n
        ? {
            amount: money(notAllocated.amount),
            taxAmount: money(notAllocated.tax),
            message:
              notAllocated.amount > 0n
                ? "No refundable line of the order has shipping left to refund."
                : "No refundable line of the order has shipping tax left to refund.",
          }
        : null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// What one reversal gave back

/** One refund's or cancelation's money as Mirakl lists it, in the order's tax mode, its taxes summed. */
export interface ReversalMoney {
  amount: MiraklMoney;
  shippingAmount: MiraklMoney;
  /** Its taxes and shipping taxes, every code together. */
  taxes: MiraklMoney;
}

const digitsOfAll = (amounts: readonly MiraklMoney[]) => Math.max(2, ...amounts.map(digitsIn));

/** A Mirakl refund's or cancelation's amount, shipping amount and tax total, exactly. */
export function reversalMoney(reversal: MiraklReversal): ReversalMoney {
  const taxes = [...(reversal.taxes ?? []), ...(reversal.shipping_taxes ?? [])].map((t) => t.amount);
  const amounts = [reversal.amount ?? "0", reversal.shipping_amount ?? "0", ...taxes];
  const digits = digitsOfAll(amounts);
  const minor = minorIn(digits);
  return {
    amount: toMoney(reversal.amount ?? "0"),
    shippingAmount: toMoney(reversal.shipping_amount ?? "0"),
    taxes: minorUnitsToMoney(sumOf(taxes.map(minor)), digits),
  };
}

/** The money the customer got back with a reversal: its amounts, plus its taxes when they are not in them. */
export function customerMoneyOf(money: ReversalMoney, taxMode: OrderTaxMode): MiraklMoney {
  const digits = digitsOfAll([money.amount, money.shippingAmount, money.taxes]);
  const minor = minorIn(digits);
  return minorUnitsToMoney(
    customerMoney(minor(money.amount) + minor(money.shippingAmount), minor(money.taxes), taxMode),
    digits,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Refunds the app sent

/** What the app sent to Mirakl (stored before sending), with the ids Mirakl answered, if the answer arrived. */
export interface SentReversalIntent {
  kind: "refund" | "cancelation";
  lineId: string;
  amount: MiraklMoney;
  shippingAmount: MiraklMoney;
  reasonCode: string;
  /** When the intent was stored, before the call (ISO 8601). */
  createdAt: string;
  /** `refund_id`s from OR28's answer or `cancelation_id`s from OR30's; empty when the answer was lost. */
  recordedIds: readonly string[];
}

export interface MiraklLineReversal {
  kind: "refund" | "cancelation";
  lineId: string;
  reversal: MiraklRefundLike;
}

/**
 * Did the app make this reversal? By the id Mirakl answered; for an intent whose answer was lost, by its line,
 * amounts and reason, made after the intent was stored. An intent with recorded ids never matches by amounts,
 * so an operator's identical refund later is still mirrored.
 */
export function isOwnReversal(candidate: MiraklLineReversal, sentIntents: readonly SentReversalIntent[]): boolean {
  const { kind, lineId, reversal } = candidate;
  const same = (a: MiraklMoney | null | undefined, b: MiraklMoney) => toMoney(a ?? "0") === toMoney(b);
  const createdAt = reversal.created_date ? Date.parse(reversal.created_date) : Number.NaN;
  return sentIntents.some((intent) => {
    if (intent.kind !== kind) return false;
    if (intent.recordedIds.length > 0) return intent.recordedIds.includes(reversal.id);
    return (
      intent.lineId === lineId &&
      same(reversal.amount, intent.amount) &&
      same(reversal.shipping_amount, intent.shippingAmount) &&
      reversal.reason_code === intent.reasonCode &&
      Number.isFinite(createdAt) &&
      createdAt >= Date.parse(intent.createdAt)
    );
  });
}

// ---------------------------------------------------------------------------------------------------------
// Mirakl reversals → Shopify refundCreate

/** A Mirakl reversal's identity across both kinds (a refund and a cancelation may share an id). */
export function reversalKey(kind: MiraklLineReversal["kind"], id: string): string {
  return `${kind}:${id}`;
}

export interface ReversalToMirror extends MiraklLineReversal {
  lineShipped: boolean;
}

/**
 * The reversals of the order that Shopify does not show yet: neither mirrored (`mirroredKeys`, by reversalKey —
 * including the cancelations the Shopify order was created without) nor made by the app itself.
 */
export function reversalsToMirror(
  order: { order_lines: readonly MiraklOrderLineLike[] },
  known: { mirroredKeys: ReadonlySet<string>; sentIntents: readonly SentReversalIntent[] },
): ReversalToMirror[] {
  const pending: ReversalToMirror[] = [];
  for (const line of order.order_lines) {
    const shipped = lineShipped(line);
    const listed: MiraklLineReversal[] = [
      ...(line.cancelations ?? []).map((c) => {
        if (!c.id) throw new Error(`Mirakl cancelation without an id on line ${line.order_line_id}`);
        return { kind: "cancelation" as const, lineId: line.order_line_id, reversal: { ...c, id: c.id } };
      }),
      ...(line.refunds ?? []).map((r) => ({ kind: "refund" as const, lineId: line.order_line_id, reversal: r })),
    ];
    for (const item of listed) {
      if (known.mirroredKeys.has(reversalKey(item.kind, item.reversal.id))) continue;
      if (isOwnReversal(item, known.sentIntents)) continue;
      pending.push({ ...item, lineShipped: shipped });
    }
  }
  return pending;
}

/**
 * One Shopify refund per Mirakl action: the refunds one OR28 call or operator action made together (same
 * `order_refund_id`), each cancelation alone. Planning per group keeps each idempotency key tied to a set of
 * ids that never grows, so a retry after a lost answer cannot refund the same money under a new key.
 */
export function shopifyRefundGroups(reversals: readonly ReversalToMirror[]): ReversalToMirror[][] {
  const groups = new Map<string, ReversalToMirror[]>();
  for (const item of reversals) {
    const group =
      item.kind === "refund" && item.reversal.order_refund_id
        ? `refund-group:${item.reversal.order_refund_id}`
        : reversalKey(item.kind, item.reversal.id);
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return [...groups.values()];
}

export type ShopifyRestockType = "CANCEL" | "RETURN" | "NO_RESTOCK";

/** Structurally Shopify's RefundInput (2026-07), as the flow passes it to refundCreate. */
export interface ShopifyRefundInput {
  orderId: string;
  note: string;
  notify: false;
  refundLineItems: { lineItemId: string; quantity: number; restockType: ShopifyRestockType }[];
  shipping?: { amount: string };
  transactions: { orderId: string; amount: string; gateway: string; kind: "REFUND"; parentId?: string }[];
}

export interface ShopifyRefundPlan {
  input: ShopifyRefundInput;
  /** For refundCreate's `@idempotent(key:)`: the same reversals on the same order always give the same key. */
  idempotencyKey: string;
  /** reversalKey of each reversal the refund mirrors. */
  reversalKeys: string[];
  /** Lines whose units Mirakl gave back but that have no Shopify line item: their money is refunded, not their units. */
  unmappedLineIds: string[];
}

/**
 * Cancelled units never shipped: Shopify cancels them (their stock goes back to available). Refunded units of a
 * shipped line come back to stock only when the connection restocks returns; of a line not shipped, they will not
 * ship, so they are cancelled when restocking, else refunded without touching stock.
 */
function restockTypeFor(item: ReversalToMirror, restock: boolean): ShopifyRestockType {
  if (item.kind === "cancelation") return "CANCEL";
  if (!restock) return "NO_RESTOCK";
  return item.lineShipped ? "RETURN" : "CANCEL";
}

/**
 * The Shopify refund showing Mirakl reversals: their units (per line item and restock type), their shipping, and
 * one REFUND transaction for the money the customer got back (the taxes on top in TAX_EXCLUDED).
 */
export function planShopifyRefund(input: {
  shopifyOrderId: string;
  miraklOrderId: string;
  orderTaxMode: OrderTaxMode;
  reversals: readonly ReversalToMirror[];
  /** Mirakl order line id → Shopify line item id. */
  lineItems: ReadonlyMap<string, string>;
  /** The connection's setting: do returned units go back to stock? */
  restock: boolean;
  /** The Shopify order's sale transaction (its gateway, and id as the refund's parent when known). */
  saleTransaction: { gateway: string; id?: string | null };
}): ShopifyRefundPlan {
  if (input.reversals.length === 0) throw new RangeError("nothing to mirror");
  const digits = Math.max(
    2,
    ...input.reversals.flatMap(({ reversal: r }) =>
      [r.amount, r.shipping_amount, ...[...(r.taxes ?? []), ...(r.shipping_taxes ?? [])].map((t) => t.amount)].map(
        (a) => digitsIn(a ?? "0"),
      ),
    ),
  );
  const minor = minorIn(digits);
  const money = (units: Minor) => minorUnitsToMoney(units, digits);

  let shipping = 0n;
  let paidBack = 0n;
  const units = new Map<string, { lineItemId: string; quantity: number; restockType: ShopifyRestockType }>();
  const unmapped = new Set<string>();
  for (const item of input.reversals) {
    const r = item.reversal;
    const taxes = sumOf([...(r.taxes ?? []), ...(r.shipping_taxes ?? [])].map((t) => minor(t.amount)));
    shipping += minor(r.shipping_amount);
    paidBack += customerMoney(minor(r.amount) + minor(r.shipping_amount), taxes, input.orderTaxMode);
    const quantity = Math.max(0, r.quantity ?? 0);
    if (quantity === 0) continue;
    const lineItemId = input.lineItems.get(item.lineId);
    if (!lineItemId) {
      unmapped.add(item.lineId);
      continue;
    }
    const restockType = restockTypeFor(item, input.restock);
    const key = `${lineItemId}|${restockType}`;
    const known = units.get(key);
    units.set(key, { lineItemId, restockType, quantity: (known?.quantity ?? 0) + quantity });
  }

  const reversalKeys = input.reversals.map((item) => reversalKey(item.kind, item.reversal.id));
  const described = input.reversals.map(
    (item) =>
      `${item.kind} ${item.reversal.id} on line ${item.lineId}${item.reversal.reason_code ? ` (reason ${item.reversal.reason_code})` : ""}`,
  );
  const parentId = input.saleTransaction.id;
  return {
    input: {
      orderId: input.shopifyOrderId,
      note: `Made on Mirakl (order ${input.miraklOrderId}): ${described.join("; ")}.`,
      notify: false,
      refundLineItems: [...units.values()],
      ...(shipping > 0n ? { shipping: { amount: money(shipping) } } : {}),
      transactions:
        paidBack > 0n
          ? [
              {
                orderId: input.shopifyOrderId,
                amount: money(paidBack),
                gateway: input.saleTransaction.gateway,
                kind: "REFUND",
                ...(parentId ? { parentId } : {}),
              },
            ]
          : [],
    },
    idempotencyKey: `mirakl-reversal-${createHash("sha256")
      .update(JSON.stringify([input.shopifyOrderId, [...reversalKeys].sort()]))
      .digest("hex")
      .slice(0, 40)}`,
    reversalKeys,
    unmappedLineIds: [...unmapped],
  };
}
