// CommonJS: a default import, so Vite's server runtime loads it as Node does.
// The codes alone: the package's main entry also registers every language's country names (78 files, about 12 MB
// of a process's memory), and only alpha-3 to alpha-2 is used here.
import countries from "i18n-iso-countries/index";
import { minorUnitsToMoney, moneyToMinorUnits, toMoney, type MiraklMoney } from "~/domain/money";

/**
 * The Shopify order of a Mirakl order (issue 11), decided from the order as Mirakl last gave it. Pure: the
 * order flow (app/sync/orders/shopify-order.server.ts) resolves each line's Shopify variant, asks this what
 * to send, and sends it.
 *
 * Money is Mirakl's, to the cent: each line at Mirakl's unit price, the shipping line at Mirakl's shipping
 * price, Mirakl's taxes as given (Shopify recomputes nothing: tax lines are sent, `taxesIncluded` follows
 * `order_tax_mode`), and one transaction for exactly what the customer paid the marketplace. Cancelled units
 * and amounts (a line's `cancelations`) are left out; refused and cancelled lines are not in the order.
 */

/** A line Mirakl says will ship (or has): refused, cancelled and never-shipped ended lines stay out. */
const LEFT_OUT_LINE_STATES: ReadonlySet<string> = new Set(["REFUSED", "CANCELED"]);
const ENDED_WITHOUT_SHIPPING: ReadonlySet<string> = new Set([
  "REFUNDED",
  "CLOSED",
  "WAITING_REFUND",
  "WAITING_REFUND_PAYMENT",
]);

/**
 * Order states in which the customer has paid the marketplace (SHIPPING: debited; for PAY_ON_DELIVERY,
 * PAY_ON_DUE_DATE and workflows without a payment confirmation, the order reaches SHIPPING without a debit),
 * or later ones an order reaches only through SHIPPING. Before them the order may still be refused, cancelled
 * or fail its payment, so it is not the merchant's to ship.
 */
const DUE_ORDER_STATES: ReadonlySet<string> = new Set(["SHIPPING", "SHIPPED", "TO_COLLECT", "RECEIVED"]);

/** States a line reaches once its units left the warehouse. */
const SHIPPED_LINE_STATES: ReadonlySet<string> = new Set(["SHIPPED", "TO_COLLECT", "RECEIVED"]);

// ---------------------------------------------------------------------------------------------------------
// The Mirakl order, as the mapping reads it (a structural subset of OR11's order; the mirror stores it whole).

export interface MiraklTax {
  code: string;
  amount: MiraklMoney;
  rate?: MiraklMoney | null;
}
/** Money given back on a line: a cancelation or a refund (the fields both share). */
export interface MiraklReversal {
  /** Required in OR11 (`cancelations[].id`, `refunds[].id`); optional here so partial fixtures stay short. */
  id?: string | null;
  reason_code?: string | null;
  created_date?: string | null;
  amount?: MiraklMoney | null;
  shipping_amount?: MiraklMoney | null;
  quantity?: number | null;
  taxes?: readonly MiraklTax[];
  shipping_taxes?: readonly MiraklTax[];
  commission_total_amount?: MiraklMoney | null;
}
export interface MiraklRefundLike extends MiraklReversal {
  id: string;
  /** Groups the refunds one OR28 call (or one operator action) created together. */
  order_refund_id?: string | null;
  refund_state?: string | null;
}
export interface MiraklAddressLike {
  civility?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  company?: string | null;
  company_2?: string | null;
  street_1?: string | null;
  street_2?: string | null;
  zip_code?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  country_iso_code?: string | null;
  phone?: string | null;
  phone_secondary?: string | null;
  additional_info?: string | null;
}
export interface MiraklOrderLineLike {
  order_line_id: string;
  order_line_state: string;
  offer_sku: string;
  product_title?: string | null;
  quantity: number;
  price_unit: MiraklMoney;
  price: MiraklMoney;
  shipping_price: MiraklMoney;
  total_commission?: MiraklMoney | null;
  commission_fee?: MiraklMoney | null;
  commission_vat?: MiraklMoney | null;
  taxes?: readonly MiraklTax[];
  shipping_taxes?: readonly MiraklTax[];
  fees?: readonly { code: string; amount: MiraklMoney }[];
  cancelations?: readonly MiraklReversal[];
  refunds?: readonly MiraklRefundLike[];
  can_refund?: boolean | null;
  shipped_date?: string | null;
}
/** The Shopify order's payment gateway: the marketplace collected the money (refunds go back through it too). */
export function paymentGateway(marketplace: string): string {
  return `${marketplace} (Mirakl)`;
}

export interface MiraklOrderLike {
  order_id: string;
  commercial_id?: string | null;
  order_state: string;
  created_date: string;
  customer_debited_date?: string | null;
  shipping_deadline?: string | null;
  currency_iso_code: string;
  order_tax_mode?: string | null;
  payment_workflow?: string | null;
  shipping_type_code?: string | null;
  shipping_type_label?: string | null;
  customer_notification_email?: string | null;
  customer?: {
    firstname?: string | null;
    lastname?: string | null;
    locale?: string | null;
    billing_address?: MiraklAddressLike | null;
    shipping_address?: MiraklAddressLike | null;
  } | null;
  order_lines: readonly MiraklOrderLineLike[];
}

// ---------------------------------------------------------------------------------------------------------
// When

/** Is the order's Shopify order due (the customer paid, or the order reached shipping without a debit step)? */
export function shopifyOrderDue(order: Pick<MiraklOrderLike, "order_state" | "order_lines">): boolean {
  return DUE_ORDER_STATES.has(order.order_state) && order.order_lines.some((line) => lineIncluded(line));
}

/** The units of a line still to ship: its quantity less its cancelled units. */
export function remainingQuantity(line: Pick<MiraklOrderLineLike, "quantity" | "cancelations">): number {
  const cancelled = (line.cancelations ?? []).reduce((sum, c) => sum + Math.max(0, c.quantity ?? 0), 0);
  return Math.max(0, line.quantity - cancelled);
}

function lineIncluded(line: MiraklOrderLineLike): boolean {
  if (LEFT_OUT_LINE_STATES.has(line.order_line_state)) return false;
  if (ENDED_WITHOUT_SHIPPING.has(line.order_line_state) && !line.shipped_date) return false;
  return remainingQuantity(line) > 0;
}

/** Have the line's units left the warehouse? */
export function lineShipped(line: Pick<MiraklOrderLineLike, "shipped_date" | "order_line_state">): boolean {
  return Boolean(line.shipped_date) || SHIPPED_LINE_STATES.has(line.order_line_state);
}

/**
 * How the order touches Shopify's stock. Normally it commits the units (available → committed) that the
 * reservation held until then (the hold then goes back: one move, never twice). If a line shipped before
 * the order is made, its reservation has taken (or will take) the units out of stock already: the whole
 * order then leaves stock alone, and the reservations keep doing so for every line.
 */
export type InventoryBehaviour = "DECREMENT_IGNORING_POLICY" | "BYPASS";
export function inventoryBehaviourFor(order: Pick<MiraklOrderLike, "order_lines">): InventoryBehaviour {
  return order.order_lines.some((line) => lineIncluded(line) && lineShipped(line))
    ? "BYPASS"
    : "DECREMENT_IGNORING_POLICY";
}

// ---------------------------------------------------------------------------------------------------------
// What

export type LineVariant =
  | { kind: "variant"; variantId: string; sku: string; tracked: boolean }
  | { kind: "missing"; shopifySku: string | null }
  | { kind: "ambiguous"; shopifySku: string; count: number };

export type CustomerMode = "none" | "attach";

export interface ShopifyOrderContext {
  /** The connection's name (the marketplace as the merchant knows it). */
  marketplace: string;
  /** Each line's Shopify variant, by Mirakl order line id. */
  variants: ReadonlyMap<string, LineVariant>;
  customerMode: CustomerMode;
  inventoryBehaviour: InventoryBehaviour;
  /** A previous attempt had the address refused: it goes in the note only. */
  addressAsNoteOnly: boolean;
  now: Date;
}

export type ProblemCause =
  | "VARIANT_MISSING"
  | "VARIANT_AMBIGUOUS"
  | "AMOUNT_INCONSISTENT"
  | "NOTHING_TO_CREATE"
  | "ADDRESS_REJECTED"
  | "CURRENCY_NOT_ENABLED"
  | "LOCATION_WITHOUT_STOCK"
  | "SCOPE_MISSING"
  | "REFUSED";

export interface OrderProblem {
  cause: ProblemCause;
  message: string;
  fixHint: string;
  lineId?: string;
}

/** Something worth a person's look that does not stop the order (it is created). */
export interface OrderNotice {
  message: string;
  fixHint: string;
  lineId?: string;
}

interface Money {
  amount: string;
  currencyCode: string;
}
interface MoneyBag {
  shopMoney: Money;
}
export interface TaxLineInput {
  title: string;
  rate: string;
  priceSet: MoneyBag;
  channelLiable: boolean;
}
export interface AddressInput {
  firstName?: string;
  lastName?: string;
  company?: string;
  address1?: string;
  address2?: string;
  city?: string;
  zip?: string;
  province?: string;
  country?: string;
  countryCode?: string;
  phone?: string;
}
/** Structurally Shopify's OrderCreateOrderInput (the sync layer passes it as is). */
export interface OrderCreateInput {
  currency: string;
  lineItems: {
    variantId?: string;
    sku?: string;
    title: string;
    quantity: number;
    priceSet: MoneyBag;
    taxLines: TaxLineInput[];
    requiresShipping: boolean;
    taxable: boolean;
    properties: { name: string; value: string }[];
  }[];
  shippingLines: { title: string; code?: string; source: string; priceSet: MoneyBag; taxLines: TaxLineInput[] }[];
  taxesIncluded: boolean;
  discountCode?: { itemFixedDiscountCode: { code: string; amountSet: MoneyBag } };
  transactions: {
    kind: "SALE";
    status: "SUCCESS" | "PENDING";
    gateway: string;
    amountSet: MoneyBag;
    processedAt: string;
  }[];
  financialStatus: "PAID" | "PENDING";
  fulfillmentStatus?: "FULFILLED";
  processedAt: string;
  sourceName: string;
  sourceIdentifier: string;
  tags: string[];
  note?: string;
  customAttributes: { key: string; value: string }[];
  metafields: { namespace: string; key: string; type: string; value: string }[];
  shippingAddress?: AddressInput;
  billingAddress?: AddressInput;
  email?: string;
  buyerAcceptsMarketing: false;
  customer?: { toUpsert: { email: string; firstName?: string; lastName?: string } };
}
export interface OrderCreateOptions {
  inventoryBehaviour: InventoryBehaviour;
  sendReceipt: false;
  sendFulfillmentReceipt: false;
}

export interface ShopifyOrderPlan {
  order: OrderCreateInput;
  options: OrderCreateOptions;
  /** The Mirakl order line of each Shopify line item, in order (fee lines have none). */
  lineIds: (string | null)[];
  /** What the customer paid the marketplace for what is in the order (the transaction). */
  paid: MiraklMoney;
  commission: MiraklMoney;
  netToSeller: MiraklMoney;
  notices: OrderNotice[];
}

export type ShopifyOrderMapping = { ok: true; plan: ShopifyOrderPlan } | { ok: false; problems: OrderProblem[] };

/** App-owned metafields (only this app writes them; the admin block and Flow can read them). */
export const ORDER_METAFIELD_NAMESPACE = "$app:mirakl";
/** The hidden line item property naming the Mirakl order line (underscore: not shown to customers). */
export const ORDER_LINE_PROPERTY = "_mirakl_order_line_id";
/** The discount that carries amounts Mirakl cancelled without cancelling units. */
export const ADJUSTMENT_DISCOUNT_CODE = "MIRAKL-ADJUSTMENT";
const TAG_MAX = 40;
const RATE_DIGITS = 6;

/** The source name of the connection's orders: a stable handle ("mirakl-decathlon-fr"). */
export function shopifySourceName(marketplace: string): string {
  const slug = marketplace
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `mirakl${slug ? `-${slug}` : ""}`.slice(0, 60);
}

/** Mirakl's ISO 3166-1 alpha-3 country code as Shopify's alpha-2 one; null when unknown. */
export function countryCodeAlpha2(alpha3: string | null | undefined): string | null {
  if (!alpha3) return null;
  return countries.alpha3ToAlpha2(alpha3.trim().toUpperCase()) ?? null;
}

export function planShopifyOrder(order: MiraklOrderLike, context: ShopifyOrderContext): ShopifyOrderMapping {
  const currency = order.currency_iso_code.toUpperCase();
  const digits = fractionDigitsOf(order);
  const minor = (amount: MiraklMoney | null | undefined) => moneyToMinorUnits(toMoney(amount ?? "0"), digits);
  const money = (units: bigint): MoneyBag => ({
    shopMoney: { amount: minorUnitsToMoney(units, digits), currencyCode: currency },
  });
  const taxesIncluded = order.order_tax_mode === "TAX_INCLUDED";
  const problems: OrderProblem[] = [];
  const notices: OrderNotice[] = [];

  const included = order.order_lines.filter(lineIncluded);
  if (included.length === 0)
    return {
      ok: false,
      problems: [
        {
          cause: "NOTHING_TO_CREATE",
          message: `Mirakl order ${order.order_id} has no line left to ship (every line was refused or cancelled).`,
          fixHint: "Nothing to do: there is nothing to ship.",
        },
      ],
    };

  const lineItems: OrderCreateInput["lineItems"] = [];
  const lineIds: (string | null)[] = [];
  const shippingTaxes = new Map<string, { amount: bigint; rate: MiraklMoney | null }>();
  const fees = new Map<string, bigint>();
  let itemsNet = 0n; // what the lines cost after cancelled amounts (taxes as Mirakl counts them)
  let adjustment = 0n; // amounts cancelled without cancelling units: one fixed discount
  let shipping = 0n;
  let taxTotal = 0n;
  let commission = 0n;

  for (const line of included) {
    const variant = context.variants.get(line.order_line_id) ?? { kind: "missing" as const, shopifySku: null };
    if (variant.kind === "missing") {
      problems.push({
        cause: "VARIANT_MISSING",
        lineId: line.order_line_id,
        message: variant.shopifySku
          ? `No Shopify variant has the SKU "${variant.shopifySku}" any more (Mirakl offer "${line.offer_sku}", line ${line.order_line_id}).`
          : `No Shopify SKU feeds the Mirakl offer "${line.offer_sku}" (line ${line.order_line_id}).`,
        fixHint: `Give a variant the SKU in Shopify, or map the offer "${line.offer_sku}" to the right SKU in SKU mapping, then Retry.`,
      });
      continue;
    }
    if (variant.kind === "ambiguous") {
      problems.push({
        cause: "VARIANT_AMBIGUOUS",
        lineId: line.order_line_id,
        message: `${variant.count} Shopify variants share the SKU "${variant.shopifySku}" (line ${line.order_line_id}): it is unclear which one was sold.`,
        fixHint: "Give each variant its own SKU in Shopify, then Retry.",
      });
      continue;
    }
    const quantity = remainingQuantity(line);
    const cancelations = line.cancelations ?? [];
    const unit = minor(line.price_unit);
    const price = minor(line.price) - sum(cancelations.map((c) => minor(c.amount)));
    const lineAdjustment = unit * BigInt(quantity) - price;
    if (lineAdjustment < 0n || price < 0n) {
      problems.push({
        cause: "AMOUNT_INCONSISTENT",
        lineId: line.order_line_id,
        message: `Line ${line.order_line_id} costs ${minorUnitsToMoney(price, digits)} ${currency} for ${quantity} unit(s) at ${line.price_unit}: more than its units, so it cannot be shown at Mirakl's unit price.`,
        fixHint: "Check the line in Mirakl's back office; create the order by hand in Shopify if it is right.",
      });
      continue;
    }
    adjustment += lineAdjustment;
    itemsNet += price;
    if (unit === 0n)
      notices.push({
        lineId: line.order_line_id,
        message: `Line ${line.order_line_id} ("${line.offer_sku}") was sold at 0 ${currency}.`,
        fixHint: "Check the offer's price on the marketplace; the order was created with the line at 0.",
      });
    if (!variant.tracked)
      notices.push({
        lineId: line.order_line_id,
        message: `Shopify does not track the stock of "${variant.sku}" (line ${line.order_line_id}): the order took no units out of stock.`,
        fixHint: "Turn on inventory tracking for the variant if its stock is counted.",
      });

    const taxes = netTaxes(
      line.taxes ?? [],
      cancelations.map((c) => c.taxes ?? []),
      minor,
    );
    const lineTaxBase = taxesIncluded ? price - sum(taxes.map((t) => t.amount)) : price;
    taxTotal += sum(taxes.map((t) => t.amount));
    for (const tax of netTaxes(
      line.shipping_taxes ?? [],
      cancelations.map((c) => c.shipping_taxes ?? []),
      minor,
    )) {
      const known = shippingTaxes.get(tax.code);
      shippingTaxes.set(tax.code, { amount: (known?.amount ?? 0n) + tax.amount, rate: known?.rate ?? tax.rate });
      taxTotal += tax.amount;
    }
    shipping += minor(line.shipping_price) - sum(cancelations.map((c) => minor(c.shipping_amount)));
    for (const fee of line.fees ?? []) fees.set(fee.code, (fees.get(fee.code) ?? 0n) + minor(fee.amount));
    commission +=
      minor(line.total_commission ?? sumMoney([line.commission_fee, line.commission_vat], digits)) -
      sum(cancelations.map((c) => minor(c.commission_total_amount)));

    lineItems.push({
      variantId: variant.variantId,
      sku: variant.sku,
      title: line.product_title || line.offer_sku,
      quantity,
      priceSet: money(unit),
      taxLines: taxes.map((tax) => taxLine(tax, lineTaxBase, money)),
      requiresShipping: true,
      taxable: taxes.length > 0,
      properties: [{ name: ORDER_LINE_PROPERTY, value: line.order_line_id }],
    });
    lineIds.push(line.order_line_id);
  }
  if (problems.length > 0) return { ok: false, problems };

  let feesTotal = 0n;
  for (const [code, amount] of fees) {
    if (amount <= 0n) continue;
    feesTotal += amount;
    lineItems.push({
      title: `Marketplace fee ${code}`,
      quantity: 1,
      priceSet: money(amount),
      taxLines: [],
      requiresShipping: false,
      taxable: false,
      properties: [],
    });
    lineIds.push(null);
  }

  const shippingTaxTotal = sum([...shippingTaxes.values()].map((t) => t.amount));
  const shippingTaxLines = [...shippingTaxes].map(([code, tax]) =>
    taxLine({ code, ...tax }, taxesIncluded ? shipping - shippingTaxTotal : shipping, money),
  );
  const shippingTitle = order.shipping_type_label || order.shipping_type_code || "Marketplace shipping";
  const paid = itemsNet + feesTotal + shipping + (taxesIncluded ? 0n : taxTotal);
  const net = itemsNet + feesTotal + shipping - commission;
  const debited = Boolean(order.customer_debited_date);
  const processedAt = earlier(order.created_date, context.now);
  const shippingAddress = order.customer?.shipping_address ?? null;
  const billingAddress = order.customer?.billing_address ?? null;
  const addressNote = addressNoteOf(shippingAddress, context.addressAsNoteOnly);
  const alias = order.customer_notification_email || null;

  const unknownCountry = [shippingAddress, billingAddress].find(
    (a) => a && a.country_iso_code && !countryCodeAlpha2(a.country_iso_code),
  );
  if (unknownCountry)
    notices.push({
      message: `Mirakl order ${order.order_id} has an address in a country Shopify does not know ("${unknownCountry.country_iso_code}", ${unknownCountry.country ?? "no label"}): it was sent without its country code.`,
      fixHint: "Check the shipping address in Shopify before shipping.",
    });

  const orderInput: OrderCreateInput = {
    currency,
    lineItems,
    shippingLines:
      shipping > 0n || shippingTaxLines.length > 0
        ? [
            {
              title: shippingTitle,
              ...(order.shipping_type_code ? { code: order.shipping_type_code } : {}),
              source: context.marketplace,
              priceSet: money(shipping),
              taxLines: shippingTaxLines,
            },
          ]
        : [],
    taxesIncluded,
    ...(adjustment > 0n
      ? { discountCode: { itemFixedDiscountCode: { code: ADJUSTMENT_DISCOUNT_CODE, amountSet: money(adjustment) } } }
      : {}),
    transactions: [
      {
        kind: "SALE",
        status: debited ? "SUCCESS" : "PENDING",
        gateway: paymentGateway(context.marketplace),
        amountSet: money(paid),
        processedAt: debited ? earlier(order.customer_debited_date!, context.now) : processedAt,
      },
    ],
    financialStatus: debited ? "PAID" : "PENDING",
    ...(context.inventoryBehaviour === "BYPASS" && included.every(lineShipped)
      ? { fulfillmentStatus: "FULFILLED" as const }
      : {}),
    processedAt,
    sourceName: shopifySourceName(context.marketplace),
    sourceIdentifier: order.order_id,
    tags: [
      ...new Set(["Mirakl", context.marketplace].map((t) => t.replace(/,/g, " ").trim().slice(0, TAG_MAX))),
    ].filter(Boolean),
    ...(addressNote ? { note: addressNote } : {}),
    customAttributes: [
      { key: "Marketplace", value: context.marketplace },
      { key: "Mirakl order", value: order.order_id },
      ...(order.commercial_id ? [{ key: "Commercial id", value: order.commercial_id }] : []),
      ...(order.shipping_deadline ? [{ key: "Ship by", value: order.shipping_deadline }] : []),
      ...(alias && context.customerMode === "none" ? [{ key: "Marketplace notification e-mail", value: alias }] : []),
    ],
    metafields: [
      text("marketplace", context.marketplace),
      text("order_id", order.order_id),
      ...(order.commercial_id ? [text("commercial_id", order.commercial_id)] : []),
      ...(order.shipping_deadline
        ? [
            {
              namespace: ORDER_METAFIELD_NAMESPACE,
              key: "shipping_deadline",
              type: "date_time",
              value: order.shipping_deadline,
            },
          ]
        : []),
      moneyField("commission", commission, digits, currency),
      moneyField("net_to_seller", net, digits, currency),
      {
        namespace: ORDER_METAFIELD_NAMESPACE,
        key: "commission_lines",
        type: "json",
        value: JSON.stringify(
          included.map((line) => ({
            order_line_id: line.order_line_id,
            offer_sku: line.offer_sku,
            commission_fee: line.commission_fee ?? null,
            commission_vat: line.commission_vat ?? null,
            total_commission: line.total_commission ?? null,
          })),
        ),
      },
    ],
    ...(context.addressAsNoteOnly
      ? {}
      : {
          ...(shippingAddress ? { shippingAddress: addressOf(shippingAddress) } : {}),
          ...(billingAddress ? { billingAddress: addressOf(billingAddress) } : {}),
        }),
    buyerAcceptsMarketing: false,
    ...(alias && context.customerMode === "attach"
      ? {
          email: alias,
          customer: {
            toUpsert: {
              email: alias,
              ...optional("firstName", order.customer?.firstname),
              ...optional("lastName", order.customer?.lastname),
            },
          },
        }
      : {}),
  };

  return {
    ok: true,
    plan: {
      order: orderInput,
      options: { inventoryBehaviour: context.inventoryBehaviour, sendReceipt: false, sendFulfillmentReceipt: false },
      lineIds,
      paid: minorUnitsToMoney(paid, digits),
      commission: minorUnitsToMoney(commission, digits),
      netToSeller: minorUnitsToMoney(net, digits),
      notices,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

/** Enough digits for every amount of the order (Mirakl may send more than the currency's own). */
export function fractionDigitsOf(order: Pick<MiraklOrderLike, "order_lines">): number {
  let digits = 2;
  const visit = (amount: MiraklMoney | null | undefined) => {
    if (amount == null) return;
    digits = Math.max(digits, toMoney(amount).split(".")[1]?.length ?? 0);
  };
  for (const line of order.order_lines) {
    [
      line.price_unit,
      line.price,
      line.shipping_price,
      line.total_commission,
      line.commission_fee,
      line.commission_vat,
    ].forEach(visit);
    for (const tax of [...(line.taxes ?? []), ...(line.shipping_taxes ?? [])]) visit(tax.amount);
    for (const fee of line.fees ?? []) visit(fee.amount);
    for (const c of [...(line.cancelations ?? []), ...(line.refunds ?? [])]) {
      [c.amount, c.shipping_amount, c.commission_total_amount].forEach(visit);
      for (const tax of [...(c.taxes ?? []), ...(c.shipping_taxes ?? [])]) visit(tax.amount);
    }
  }
  return digits;
}

const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

function sumMoney(values: readonly (MiraklMoney | null | undefined)[], digits: number): MiraklMoney {
  return minorUnitsToMoney(sum(values.map((v) => moneyToMinorUnits(toMoney(v ?? "0"), digits))), digits);
}

export interface NetTax {
  code: string;
  /** Minor units; 0 or below once reversals took it all. */
  amount: bigint;
  rate: MiraklMoney | null;
}

/** A line's taxes less the taxes of its reversals, per code, in the line's order (a code the line lacks is ignored). */
export function netTaxesByCode(
  taxes: readonly MiraklTax[],
  reversed: readonly (readonly MiraklTax[])[],
  minor: (amount: MiraklMoney | null | undefined) => bigint,
): NetTax[] {
  const byCode = new Map<string, NetTax>();
  for (const tax of taxes) {
    const known = byCode.get(tax.code);
    byCode.set(tax.code, {
      code: tax.code,
      amount: (known?.amount ?? 0n) + minor(tax.amount),
      rate: known?.rate ?? tax.rate ?? null,
    });
  }
  for (const tax of reversed.flat()) {
    const known = byCode.get(tax.code);
    if (known) known.amount -= minor(tax.amount);
  }
  return [...byCode.values()];
}

/** A line's taxes less the taxes of its cancelled amounts, per code; nothing left → no tax line. */
function netTaxes(
  taxes: readonly MiraklTax[],
  cancelled: readonly (readonly MiraklTax[])[],
  minor: (amount: MiraklMoney | null | undefined) => bigint,
): NetTax[] {
  return netTaxesByCode(taxes, cancelled, minor).filter((t) => t.amount > 0n);
}

/**
 * Shopify needs a rate on line and shipping tax lines (a proportion, 0.2 for 20 %): Mirakl's own (a percentage)
 * when it gives one, else the amount over the base it was charged on.
 */
function taxLine(tax: NetTax, base: bigint, money: (units: bigint) => MoneyBag): TaxLineInput {
  let rate: string;
  if (tax.rate != null && tax.rate !== "") {
    rate = divide(moneyToMinorUnits(toMoney(tax.rate), 4), 100n * 10n ** 4n);
  } else {
    rate = base > 0n ? divide(tax.amount, base) : "0";
  }
  return { title: tax.code, rate, priceSet: money(tax.amount), channelLiable: false };
}

/** numerator / denominator as a decimal with RATE_DIGITS digits, rounded half up (both positive). */
function divide(numerator: bigint, denominator: bigint): string {
  const scale = 10n ** BigInt(RATE_DIGITS);
  const scaled = (numerator * scale * 2n + denominator) / (denominator * 2n);
  return minorUnitsToMoney(scaled, RATE_DIGITS);
}

function earlier(iso: string, now: Date): string {
  const at = Date.parse(iso);
  return Number.isFinite(at) && at <= now.getTime() ? new Date(at).toISOString() : now.toISOString();
}

const optional = <K extends string>(key: K, value: string | null | undefined) =>
  (value && value.trim() ? { [key]: value.trim() } : {}) as Partial<Record<K, string>>;

function addressOf(address: MiraklAddressLike): AddressInput {
  const code = countryCodeAlpha2(address.country_iso_code);
  const company = [address.company, address.company_2].filter((p) => p && p.trim()).join(", ");
  return {
    ...optional("firstName", address.firstname),
    ...optional("lastName", address.lastname),
    ...optional("company", company),
    ...optional("address1", address.street_1),
    ...optional("address2", address.street_2),
    ...optional("city", address.city),
    ...optional("zip", address.zip_code),
    ...optional("province", address.state),
    ...(code ? { countryCode: code } : optional("country", address.country)),
    ...optional("phone", address.phone || address.phone_secondary),
  };
}

/** Delivery instructions have no field in Shopify's address; with the address refused, the whole address goes here. */
function addressNoteOf(address: MiraklAddressLike | null, whole: boolean): string | null {
  if (!address) return null;
  const parts: string[] = [];
  if (whole) {
    const lines = [
      [address.firstname, address.lastname].filter(Boolean).join(" "),
      address.company,
      address.street_1,
      address.street_2,
      [address.zip_code, address.city].filter(Boolean).join(" "),
      address.state,
      address.country ?? address.country_iso_code,
      address.phone,
    ].filter((line): line is string => Boolean(line && line.trim()));
    parts.push(`Ship to (as Mirakl gave it; Shopify refused it as an address):\n${lines.join("\n")}`);
  }
  if (address.additional_info?.trim()) parts.push(`Delivery instructions: ${address.additional_info.trim()}`);
  return parts.length ? parts.join("\n\n") : null;
}

function text(key: string, value: string) {
  return { namespace: ORDER_METAFIELD_NAMESPACE, key, type: "single_line_text_field", value };
}

function moneyField(key: string, units: bigint, digits: number, currency: string) {
  return {
    namespace: ORDER_METAFIELD_NAMESPACE,
    key,
    type: "money",
    value: JSON.stringify({ amount: minorUnitsToMoney(units, digits), currency_code: currency }),
  };
}
