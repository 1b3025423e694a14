import {
  DEFAULT_OFFERS,
  SPEC_CARRIERS,
  SPEC_CUSTOMER,
  DEBIT_REFUSED_REASON,
  SPEC_REASONS,
  type PlatformSettings,
  type SimReason,
  type SimCarrier,
} from "./fixtures";

/*
 * Domain state of the simulated Mirakl instance. Money is held in integer cents
 * and emitted as JSON numbers, as Mirakl does. Time comes from the simulator's
 * virtual clock; every request (and every clock advance) first runs `tick()`,
 * which applies all transitions that have become due.
 */

export type OrderState =
  | "STAGING"
  | "WAITING_ACCEPTANCE"
  | "WAITING_DEBIT"
  | "WAITING_DEBIT_PAYMENT"
  | "SHIPPING"
  | "SHIPPED"
  | "TO_COLLECT"
  | "RECEIVED"
  | "CLOSED"
  | "REFUSED"
  | "CANCELED";

export type PaymentWorkflow =
  "PAY_ON_ACCEPTANCE" | "PAY_ON_DELIVERY" | "PAY_ON_DUE_DATE" | "PAY_ON_SHIPMENT" | "NO_CUSTOMER_PAYMENT_CONFIRMATION";

/**
 * How Mirakl splits a line's tax when part of the line is refunded or canceled (OR11 `tax_calculation_rule`):
 * NONE = the caller gives the tax amount or it is not given back; PROPORTIONAL_TO_AMOUNT = Mirakl computes it.
 */
export type TaxCalculationRule = "NONE" | "PROPORTIONAL_TO_AMOUNT";

export interface SimTax {
  code: string;
  amount: number; // cents
  rate: number;
  rule: TaxCalculationRule;
}

/** A tax amount a refund gives back or a cancelation removes, under one of the line's tax codes. */
export interface SimTaxPart {
  code: string;
  amount: number; // cents
  rate: number;
}

/** Who made a refund or cancelation: the shop through the API, or the operator (back office, customer service). */
export type MoneyChangeSource = "SHOP" | "OPERATOR";

export interface SimRefund {
  id: string;
  order_refund_id: string;
  amount: number; // cents
  shipping_amount: number;
  quantity: number;
  reason_code: string;
  taxes: SimTaxPart[];
  shipping_taxes: SimTaxPart[];
  /** Commission the operator gives back to the shop (cents), in proportion to the amount. */
  commission: number;
  created: number;
  refundedAt: number;
  refunded: boolean;
  by: MoneyChangeSource;
}

export interface SimCancelation {
  id: string;
  amount: number;
  shipping_amount: number;
  quantity: number;
  /** Null for OR29 (no reason in the call) and for Mirakl's own cancelations without one. */
  reason_code: string | null;
  taxes: SimTaxPart[];
  shipping_taxes: SimTaxPart[];
  commission: number;
  created: number;
  by: MoneyChangeSource;
}

/** `order_state_reason_code/label` and `order_line_state_reason_code/label`. */
export interface SimStateReason {
  code: string;
  label: string;
}

/**
 * One refund or cancelation asked of a line, in cents. Taxes left undefined are computed by Mirakl where the
 * line's tax rule (or the operator's back office) does it, and are otherwise missing.
 */
export interface LineMoneyChange {
  lineId: string;
  amount: number;
  shipping: number;
  quantity: number;
  reasonCode: string;
  taxes?: { code: string; amount: number }[];
  shippingTaxes?: { code: string; amount: number }[];
}

/** What is left on a line: price, shipping, their taxes by code, and units (cents and units). */
export interface LineBalance {
  amount: number;
  shipping: number;
  taxes: Map<string, number>;
  shippingTaxes: Map<string, number>;
  units: number;
}

export interface SimOrderLine {
  id: string;
  index: number;
  state: OrderState;
  offer_id: number;
  offer_sku: string;
  product_sku: string;
  product_title: string;
  category_code: string;
  category_label: string;
  quantity: number;
  price_unit: number; // cents
  shipping_price: number; // cents (whole line)
  taxes: SimTax[];
  shipping_taxes: SimTax[];
  commission_rate: number; // percent of price
  /** Units this line took from its offer's quantity when the order was placed and has not given back yet. */
  stockTaken: number;
  refunds: SimRefund[];
  cancelations: SimCancelation[];
  /** Why the line is in its state (a canceled line: the cancelation's reason), else null. */
  reason: SimStateReason | null;
  created: number;
  updated: number;
  debited: number | null;
  shipped: number | null;
  received: number | null;
}

export interface SimOrder {
  id: string;
  commercial_id: string;
  shopId: number;
  state: OrderState;
  payment_workflow: PaymentWorkflow;
  currency: string;
  created: number;
  updated: number;
  /**
   * When Mirakl refuses the order by itself if the shop has not decided: set on entering WAITING_ACCEPTANCE from
   * the deadline then in force, so changing the deadline applies to orders placed afterwards.
   */
  acceptanceDeadlineAt: number | null;
  acceptance_decision_date: number | null;
  accepted: boolean;
  debitDueAt: number | null;
  /** The customer's payment will be refused when the debit is due: Mirakl then cancels the order. */
  debitRefused: boolean;
  /** Why the order is in its state (a canceled order: who canceled it and why), else null. */
  reason: SimStateReason | null;
  customer_debited: number | null;
  shipped: number | null;
  received: number | null;
  stagingUntil: number | null;
  leadtime_to_ship: number;
  channel: { code: string; label: string } | null;
  references: { order_reference_for_customer: string | null; order_reference_for_seller: string | null };
  customer: typeof SPEC_CUSTOMER;
  tracking: {
    carrier_code: string | null;
    carrier_standard_code: string | null;
    company: string | null;
    number: string | null;
    url: string | null;
  };
  lines: SimOrderLine[];
}

/** Tracking as ST01/ST11 show it (OR11 shows an order's as `shipping_carrier_code`, `shipping_company`…). */
export interface SimShipmentTracking {
  carrier_code: string | null;
  carrier_name: string | null;
  carrier_standard_code: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
}

/** ST01's shipment statuses the simulator uses (Mirakl's also include READY_FOR_PICK_UP, TO_COLLECT, CLOSED…). */
export type ShipmentStatus = "SHIPPING" | "SHIPPED" | "RECEIVED" | "CANCELED";

/** One shipment of the multi-shipment API (ST01): some units of some lines of one order. */
export interface SimShipment {
  id: string;
  order_id: string;
  shopId: number;
  status: ShipmentStatus;
  lines: { order_line_id: string; offer_sku: string; quantity: number; package_reference: string | null }[];
  tracking: SimShipmentTracking | null;
  invoice_reference: string | null;
  warehouse_code: string | null;
  created: number;
  updated: number | null;
  shipped: number | null;
}

export interface SimOffer {
  offer_id: number;
  shop_sku: string;
  product_sku: string;
  product_id: string | null;
  product_id_type: string | null;
  product_title: string;
  category_code: string;
  category_label: string;
  state_code: string;
  price: number; // cents
  discount: { price: number | null; start_date: string | null; end_date: string | null } | null;
  /**
   * Prices set in the back office beyond the default one (channel, volume, scheduled, customer prices),
   * as the offer export lists them after the default price. PRI01 deletes them all (delete-and-replace).
   */
  extra_prices: SimExtraPrice[];
  quantity: number;
  warehouses: Record<string, number>;
  description: string | null;
  internal_description: string | null;
  leadtime_to_ship: number | null;
  active: boolean;
  deleted: boolean;
  updated: number;
}

/** One extra price in the offer export's shape (shaped like OF21's all_prices; the OF54 text does not detail it). */
export interface SimExtraPrice {
  origin_price?: string;
  discount_price?: string | null;
  context?: {
    channel_codes?: string[];
    customer_group_ids?: string[];
    customer_organization_ids?: string[];
    start_date?: string | null;
    end_date?: string | null;
  };
  volume_prices?: { quantity_threshold: number; unit_origin_price: string; unit_discount_price?: string | null }[];
}

export type ImportKind = "STOCK" | "PRICE" | "OFFER";
export type ImportStatus = "WAITING" | "RUNNING" | "COMPLETE" | "FAILED";

/**
 * How an import ends, set through the control API to reproduce what Mirakl does on a bad day:
 * - "complete": processed after `importDelayMs` (WAITING, RUNNING at half of it, then COMPLETE);
 * - "hang-waiting" / "hang-running": never leaves WAITING (or RUNNING) until told otherwise;
 * - "fail": FAILED when it would have completed, nothing applied;
 * - "report-missing": processed, but its error report answers 404;
 * - "report-unparsable": processed, but its error report is a truncated file no CSV reader accepts.
 */
export const IMPORT_OUTCOMES = [
  "complete",
  "hang-waiting",
  "hang-running",
  "fail",
  "report-missing",
  "report-unparsable",
] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** The operation that creates each kind of import. */
export const IMPORT_OPERATIONS: Record<ImportKind, "STO01" | "PRI01" | "OF24"> = {
  STOCK: "STO01",
  PRICE: "PRI01",
  OFFER: "OF24",
};

export interface SimImport {
  import_id: string;
  kind: ImportKind;
  shopId: number;
  created: number;
  status: ImportStatus;
  outcome: ImportOutcome;
  /** reason_status of a FAILED import. */
  failureReason: string | null;
  delimiter: string;
  header: string[];
  rows: string[][];
  offers?: Record<string, unknown>[];
  linesOk: number;
  errors: { line: number; reason: string; row: string[] }[];
  offersUpdated: number;
  /** OF24: offers that did not exist before the import (OF02 offer_inserted) and those deleted. */
  offersInserted: number;
  offersDeleted: number;
  fingerprint: string;
}

/**
 * OF03 columns for an OF24 (JSON) import's rejected offers: the offer file's column names with the values sent,
 * as Mirakl's OF03 example shows them (its `error-line` and `error-message` columns come last).
 */
export const OFFER_REPORT_COLUMNS: readonly (readonly [column: string, field: string])[] = [
  ["sku", "shop_sku"],
  ["product-id", "product_id"],
  ["product-id-type", "product_id_type"],
  ["price", "price"],
  ["quantity", "quantity"],
  ["state", "state_code"],
  ["update-delete", "update_delete"],
];

/** Outcome for the next `times` imports created by `operation` (STO01, PRI01 or OF24), on any shop. */
export interface ScriptedImportOutcome {
  operation: "STO01" | "PRI01" | "OF24";
  outcome: ImportOutcome;
  times?: number;
}

export interface SimExport {
  tracking_id: string;
  shopId: number;
  created: number;
  lastRequestDate: number | null;
  includeInactive: boolean;
  status: "PENDING" | "COMPLETED" | "FAILED";
  chunk: Record<string, unknown>[] | null;
}

export interface SimTransaction {
  id: string;
  shopId: number;
  type: string;
  amount: number; // cents, signed
  currency: string;
  created: number;
  updated: number;
  payment_state: string;
  order: { id: string; commercial_id: string } | null;
  order_line: string | null;
  refund: string | null;
}

export interface SimInvoice {
  id: string;
  invoice_id: number;
  shopId: number;
  created: number;
  currency: string;
  total_excl: number;
  total_incl: number;
  payment_state: "PENDING" | "PAID" | "FAILED";
}

export interface SimShop {
  id: number;
  name: string;
  currency: string;
  state: "OPEN" | "CLOSE" | "SUSPENDED" | "TERMINATED";
  partialAcceptance: boolean;
  /** "Shop partial cancelation" (OR30): off unless Mirakl support turns it on for the shop. */
  partialCancelation: boolean;
  created: number;
  offers: Map<string, SimOffer>;
  orders: Map<string, SimOrder>;
  imports: Map<string, SimImport>;
  exports: Map<string, SimExport>;
  /** ST01 shipments by id, in creation order. */
  shipments: Map<string, SimShipment>;
  transactions: SimTransaction[];
  invoices: SimInvoice[];
}

export interface Timings {
  stagingMs: number;
  acceptanceDeadlineMs: number;
  debitDelayMs: number;
  autoReceiveMs: number;
  autoCloseMs: number;
  refundDelayMs: number;
  importDelayMs: number;
  exportDelayMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  stagingMs: 0,
  acceptanceDeadlineMs: 3 * 24 * 3600_000,
  debitDelayMs: 60_000,
  autoReceiveMs: 7 * 24 * 3600_000,
  autoCloseMs: 30 * 24 * 3600_000,
  refundDelayMs: 3600_000,
  importDelayMs: 10_000,
  exportDelayMs: 30_000,
};

export class MiraklApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The taxes of a line as parts (e.g. all that is left of each, for a cancelation of everything left). */
function taxParts(taxes: SimTax[], amounts: Map<string, number>): SimTaxPart[] {
  return taxes
    .map((tax) => ({ code: tax.code, amount: amounts.get(tax.code) ?? 0, rate: tax.rate }))
    .filter((part) => part.amount > 0);
}

export const cents = (amount: number | string): number => Math.round(Number(amount) * 100);
export const fromCents = (value: number): number => Math.round(value) / 100;
export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString().replace(".000Z", "Z");

/** Small deterministic PRNG (mulberry32) so seeded runs produce the same ids and faults. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OrderLineTemplate {
  offer_sku: string;
  quantity?: number;
  /** Unit price; defaults to the offer's current price. */
  price_unit?: number;
  shipping_price?: number;
  /** Tax rate in percent applied to the line price (TAX_EXCLUDED); omit for an untaxed line. */
  tax_rate?: number;
  /** How a partial refund or cancelation splits the taxes (default NONE: the caller must give them). */
  tax_rule?: TaxCalculationRule;
  commission_rate?: number;
}

export interface OrderTemplate {
  shopId?: number;
  lines?: OrderLineTemplate[];
  /**
   * Place the order as a customer would on the marketplace: every line needs a whole quantity of at least 1 of an
   * active offer that has that many units. Without it the simulator takes any line (tests build odd orders).
   */
  requireStock?: boolean;
  /** Skip ahead: create the order directly in this state (fields filled as if it had got there). */
  state?: "STAGING" | "WAITING_ACCEPTANCE" | "SHIPPING" | "SHIPPED" | "RECEIVED";
  payment_workflow?: PaymentWorkflow;
  commercial_id?: string;
  order_reference_for_seller?: string;
  channel?: { code: string; label: string } | null;
  leadtime_to_ship?: number;
  createdAt?: number | string;
}

export class SimState {
  readonly shops = new Map<number, SimShop>();
  readonly keys = new Map<string, number[]>();
  /** SH21: the carriers the operator registered (the spec's example list unless the simulator is given another). */
  carriers: SimCarrier[] = structuredClone(SPEC_CARRIERS);
  /** RE01: the operator's reasons (the spec's example list unless the simulator is given another). */
  reasons: SimReason[] = structuredClone(SPEC_REASONS);
  /** Outcomes waiting for the next imports (see ScriptedImportOutcome), first match first. */
  readonly importScripts: ScriptedImportOutcome[] = [];
  /**
   * Product references (EAN, UPC…) the operator's catalogue does not have: an OF24 creating an offer on one is
   * refused with "The product does not exist", as in Mirakl's OF03 example. Every other reference exists.
   */
  readonly unknownProducts = new Set<string>();
  private sequence = 1000;
  private orderSequence = 0;
  private offerSequence = 2129;

  constructor(
    readonly now: () => number,
    readonly random: () => number,
    public platform: PlatformSettings,
    public timings: Timings,
  ) {}

  nextId(): string {
    return String(++this.sequence);
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  addShop(input: {
    id: number;
    name?: string;
    currency?: string;
    partialAcceptance?: boolean;
    partialCancelation?: boolean;
    seedOffers?: boolean;
  }): SimShop {
    const shop: SimShop = {
      id: input.id,
      name: input.name ?? `Shop ${input.id}`,
      currency: input.currency ?? "USD",
      state: "OPEN",
      partialAcceptance: input.partialAcceptance ?? true,
      partialCancelation: input.partialCancelation ?? false,
      created: this.now(),
      offers: new Map(),
      orders: new Map(),
      imports: new Map(),
      exports: new Map(),
      shipments: new Map(),
      transactions: [],
      invoices: [],
    };
    this.shops.set(shop.id, shop);
    if (input.seedOffers ?? true) {
      for (const offer of DEFAULT_OFFERS) this.upsertOffer(shop, { ...offer, price: cents(offer.price) });
    }
    return shop;
  }

  addKey(key: string, shopIds: number[]) {
    this.keys.set(key, shopIds);
  }

  shop(id: number): SimShop {
    const shop = this.shops.get(id);
    if (!shop) throw new MiraklApiError(404, `Shop ${id} not found`);
    return shop;
  }

  upsertOffer(shop: SimShop, input: Partial<SimOffer> & { shop_sku: string }): SimOffer {
    const existing = shop.offers.get(input.shop_sku);
    const offer: SimOffer = {
      offer_id: existing?.offer_id ?? ++this.offerSequence,
      product_sku: `MKP${String(this.offerSequence).padStart(15, "0")}`,
      product_id: null,
      product_id_type: null,
      product_title: input.shop_sku,
      category_code: "DEFAULT",
      category_label: "Default",
      state_code: "11",
      price: 0,
      discount: null,
      extra_prices: [],
      quantity: 0,
      warehouses: {},
      description: null,
      internal_description: null,
      leadtime_to_ship: null,
      active: true,
      deleted: false,
      ...existing,
      ...input,
      updated: this.now(),
    };
    offer.active = !offer.deleted && offer.quantity > 0;
    shop.offers.set(offer.shop_sku, offer);
    return offer;
  }

  // ---------------------------------------------------------------- orders

  createOrder(template: OrderTemplate): SimOrder {
    const shop = this.shop(template.shopId ?? [...this.shops.keys()][0]);
    const created = template.createdAt === undefined ? this.now() : new Date(template.createdAt).getTime();
    const commercialId = template.commercial_id ?? `SIM-${String(++this.orderSequence).padStart(6, "0")}`;
    const orderId = `${commercialId}-A`;
    if (shop.orders.has(orderId)) throw new MiraklApiError(400, `Order ${orderId} already exists`);
    const lineTemplates = template.lines?.length ? template.lines : [{ offer_sku: [...shop.offers.keys()][0] }];
    if (template.requireStock) this.checkCustomerOrder(shop, lineTemplates);
    const lines = lineTemplates.map((line, index): SimOrderLine => {
      const offer = shop.offers.get(line.offer_sku);
      if (!offer) throw new MiraklApiError(400, `Unknown offer ${line.offer_sku} in shop ${shop.id}`);
      const quantity = line.quantity ?? 1;
      const priceUnit = line.price_unit === undefined ? offer.price : cents(line.price_unit);
      const price = priceUnit * quantity;
      const shipping = cents(line.shipping_price ?? 4.99);
      const taxOn = (base: number): SimTax[] =>
        line.tax_rate === undefined
          ? []
          : [
              {
                code: "TAXDEFAULT",
                rate: line.tax_rate,
                amount: Math.round((base * line.tax_rate) / 100),
                rule: line.tax_rule ?? "NONE",
              },
            ];
      const taxes = taxOn(price);
      const shippingTaxes = taxOn(shipping);
      return {
        id: `${orderId}-${index + 1}`,
        index: index + 1,
        state: "STAGING",
        offer_id: offer.offer_id,
        offer_sku: offer.shop_sku,
        product_sku: offer.product_sku,
        product_title: offer.product_title,
        category_code: offer.category_code,
        category_label: offer.category_label,
        quantity,
        price_unit: priceUnit,
        shipping_price: shipping,
        taxes,
        shipping_taxes: shippingTaxes,
        commission_rate: line.commission_rate ?? 12,
        stockTaken: 0,
        refunds: [],
        cancelations: [],
        reason: null,
        created,
        updated: created,
        debited: null,
        shipped: null,
        received: null,
      };
    });
    const order: SimOrder = {
      id: orderId,
      commercial_id: commercialId,
      shopId: shop.id,
      state: "STAGING",
      payment_workflow: template.payment_workflow ?? "PAY_ON_ACCEPTANCE",
      currency: shop.currency,
      created,
      updated: created,
      acceptanceDeadlineAt: null,
      acceptance_decision_date: null,
      accepted: false,
      debitDueAt: null,
      debitRefused: false,
      reason: null,
      customer_debited: null,
      shipped: null,
      received: null,
      stagingUntil: created + this.timings.stagingMs,
      leadtime_to_ship: template.leadtime_to_ship ?? 2,
      channel: template.channel === undefined ? null : template.channel,
      references: {
        order_reference_for_customer: null,
        order_reference_for_seller: template.order_reference_for_seller ?? null,
      },
      customer: structuredClone(SPEC_CUSTOMER),
      tracking: { carrier_code: null, carrier_standard_code: null, company: null, number: null, url: null },
      lines,
    };
    shop.orders.set(order.id, order);
    // Mirakl lowers the offer by the units ordered as soon as the order exists; a refusal or cancelation gives them back.
    for (const line of order.lines) this.takeStock(shop, line, created);
    const target = template.state ?? "WAITING_ACCEPTANCE";
    if (target !== "STAGING") this.leaveStaging(order, created);
    if (target === "SHIPPING" || target === "SHIPPED" || target === "RECEIVED") {
      this.accept(
        order,
        order.lines.map((line) => ({ id: line.id, accepted: true })),
        created,
      );
      // Only PAY_ON_ACCEPTANCE debits at acceptance; the other workflows reach SHIPPING without a debit.
      if (order.payment_workflow === "PAY_ON_ACCEPTANCE") this.debit(order, created);
    }
    if (target === "SHIPPED" || target === "RECEIVED") this.ship(order, created);
    if (target === "RECEIVED") this.receive(order, created);
    return order;
  }

  /** A customer can only order whole units of an active offer, and no more than the offer has. */
  private checkCustomerOrder(shop: SimShop, lines: OrderLineTemplate[]) {
    const wanted = new Map<string, number>();
    for (const line of lines) {
      const offer = shop.offers.get(line.offer_sku);
      if (!offer || offer.deleted)
        throw new MiraklApiError(400, `Offer ${line.offer_sku} is not sold by shop ${shop.id}`);
      const quantity = line.quantity ?? 1;
      if (!Number.isInteger(quantity) || quantity < 1)
        throw new MiraklApiError(400, `The quantity of offer ${line.offer_sku} must be a whole number of at least 1`);
      wanted.set(offer.shop_sku, (wanted.get(offer.shop_sku) ?? 0) + quantity);
    }
    for (const [sku, quantity] of wanted) {
      const offer = shop.offers.get(sku)!;
      if (!offer.active || offer.quantity < quantity)
        throw new MiraklApiError(
          400,
          `Offer ${sku} has ${offer.active ? offer.quantity : 0} unit(s) for sale, fewer than the ${quantity} ordered`,
        );
    }
  }

  private takeStock(shop: SimShop, line: SimOrderLine, at: number) {
    const offer = shop.offers.get(line.offer_sku);
    if (!offer) return;
    // Orders built by tests may ask for more than the offer has: take what there is, never below 0.
    const taken = Math.max(0, Math.min(line.quantity, offer.quantity));
    line.stockTaken = taken;
    if (taken > 0) this.setOfferQuantity(shop, offer, offer.quantity - taken, at);
  }

  /** Gives back up to `units` of what the line took (all of it by default): a refusal or a cancelation. */
  restoreStock(shop: SimShop, line: SimOrderLine, at: number, units = line.stockTaken) {
    const given = Math.max(0, Math.min(units, line.stockTaken));
    if (given === 0) return;
    line.stockTaken -= given;
    const offer = shop.offers.get(line.offer_sku);
    if (offer) this.setOfferQuantity(shop, offer, offer.quantity + given, at);
  }

  // Through upsertOffer: `active` follows the quantity (an offer at 0 is not for sale).
  private setOfferQuantity(shop: SimShop, offer: SimOffer, quantity: number, at: number) {
    const updated = this.upsertOffer(shop, { shop_sku: offer.shop_sku, quantity });
    updated.updated = at;
  }

  private setState(
    order: SimOrder,
    state: OrderState,
    at: number,
    lineFilter: (line: SimOrderLine) => boolean = () => true,
  ) {
    order.state = state;
    order.updated = at;
    for (const line of order.lines) {
      if (lineFilter(line)) {
        line.state = state;
        line.updated = at;
      }
    }
  }

  private activeLines(order: SimOrder) {
    return order.lines.filter((line) => line.state !== "REFUSED" && line.state !== "CANCELED");
  }

  private leaveStaging(order: SimOrder, at: number) {
    order.stagingUntil = null;
    if (this.platform.orderAcceptance === "AUTOMATIC") {
      this.setState(order, "WAITING_ACCEPTANCE", at);
      this.accept(
        order,
        order.lines.map((line) => ({ id: line.id, accepted: true })),
        at,
        true,
      );
      return;
    }
    order.acceptanceDeadlineAt = at + this.timings.acceptanceDeadlineMs;
    this.setState(order, "WAITING_ACCEPTANCE", at);
  }

  /** OR21 after validation (or automatic acceptance). */
  accept(order: SimOrder, decisions: { id: string; accepted: boolean }[], at: number, automatic = false) {
    const accepted = new Set(decisions.filter((decision) => decision.accepted).map((decision) => decision.id));
    const shop = this.shop(order.shopId);
    for (const line of order.lines) {
      line.state = accepted.has(line.id) ? "WAITING_DEBIT" : "REFUSED";
      line.updated = at;
      if (line.state === "REFUSED") this.restoreStock(shop, line, at);
    }
    order.acceptance_decision_date = automatic ? null : at;
    order.acceptanceDeadlineAt = null;
    order.updated = at;
    if (accepted.size === 0) {
      order.state = "REFUSED";
      return;
    }
    order.accepted = true;
    if (order.payment_workflow === "PAY_ON_ACCEPTANCE") {
      this.setState(order, "WAITING_DEBIT_PAYMENT", at, (line) => line.state === "WAITING_DEBIT");
      order.debitDueAt = at + this.timings.debitDelayMs;
    } else {
      // Other workflows debit later (delivery, due date, shipment) or never.
      this.setState(order, "SHIPPING", at, (line) => line.state === "WAITING_DEBIT");
    }
  }

  debit(order: SimOrder, at: number) {
    order.debitDueAt = null;
    order.customer_debited = at;
    for (const line of this.activeLines(order)) line.debited = at;
    this.setState(order, "SHIPPING", at, (line) => line.state === "WAITING_DEBIT_PAYMENT");
    const shop = this.shop(order.shopId);
    for (const line of this.activeLines(order)) {
      const price = line.price_unit * line.quantity;
      this.addTransaction(shop, "ORDER_AMOUNT", price, at, order, line.id);
      this.addTransaction(shop, "ORDER_SHIPPING_AMOUNT", line.shipping_price, at, order, line.id);
      this.addTransaction(
        shop,
        "COMMISSION_FEE",
        -Math.round((price * line.commission_rate) / 100),
        at,
        order,
        line.id,
      );
    }
  }

  ship(order: SimOrder, at: number) {
    order.shipped = at;
    for (const line of this.activeLines(order)) line.shipped = at;
    this.setState(order, "SHIPPED", at, (line) => line.state === "SHIPPING");
  }

  /** Units of a line the shop still has to deliver: ordered minus canceled (OR30). */
  shippableUnits(line: SimOrderLine): number {
    return line.quantity - line.cancelations.reduce((total, cancelation) => total + cancelation.quantity, 0);
  }

  /** Units of a line already put in a shipment (shipped or not), or only in shipped ones. */
  unitsInShipments(shop: SimShop, line: SimOrderLine, onlyShipped = false): number {
    let units = 0;
    for (const shipment of shop.shipments.values()) {
      if (shipment.status === "CANCELED" || (onlyShipped && shipment.status === "SHIPPING")) continue;
      for (const entry of shipment.lines) if (entry.order_line_id === line.id) units += entry.quantity;
    }
    return units;
  }

  /** ST01 after validation; `shipped: true` ships it at once (ST24's effect). */
  createShipment(
    shop: SimShop,
    order: SimOrder,
    input: Omit<SimShipment, "id" | "shopId" | "status" | "created" | "updated" | "shipped">,
    shipped: boolean,
    at: number,
  ): SimShipment {
    const shipment: SimShipment = {
      ...input,
      id: this.uuid(),
      shopId: shop.id,
      status: "SHIPPING",
      created: at,
      updated: null,
      shipped: null,
    };
    shop.shipments.set(shipment.id, shipment);
    order.updated = at;
    if (shipped) this.shipShipment(shop, order, shipment, at);
    return shipment;
  }

  /**
   * ST24: the shipment leaves. A line is SHIPPED once all its units are in shipped shipments, the order once all
   * its lines are (a partial shipment leaves it in SHIPPING). Offer quantities do not move: the order took its
   * units when it was placed.
   */
  shipShipment(shop: SimShop, order: SimOrder, shipment: SimShipment, at: number) {
    shipment.status = "SHIPPED";
    shipment.shipped = at;
    shipment.updated = at;
    for (const line of this.activeLines(order)) {
      if (line.state === "SHIPPING" && this.unitsInShipments(shop, line, true) >= this.shippableUnits(line)) {
        line.state = "SHIPPED";
        line.shipped = at;
        line.updated = at;
      }
    }
    order.updated = at;
    if (this.activeLines(order).every((line) => line.state === "SHIPPED")) {
      order.state = "SHIPPED";
      order.shipped = at;
    }
  }

  receive(order: SimOrder, at: number) {
    order.received = at;
    for (const line of this.activeLines(order)) line.received = at;
    this.setState(order, "RECEIVED", at, (line) => line.state === "SHIPPED");
  }

  /**
   * The shop did not decide in time: Mirakl refuses every line itself. No decision date (OR11 documents it null
   * for an automatic refusal) and no reason code (Mirakl publishes none for it).
   */
  private autoRefuse(order: SimOrder, at: number) {
    order.acceptanceDeadlineAt = null;
    order.acceptance_decision_date = null;
    this.setState(order, "REFUSED", at);
    const shop = this.shop(order.shopId);
    for (const line of order.lines) this.restoreStock(shop, line, at);
  }

  /**
   * The whole order is canceled (OR29, the operator, or Mirakl itself after a refused debit): every line still
   * active gets a cancelation of all that is left on it (amount, shipping, taxes, units), is CANCELED and gives its
   * units back to the offer.
   */
  cancelOrder(order: SimOrder, at: number, reason: SimStateReason | null = null, by: MoneyChangeSource = "SHOP") {
    const shop = this.shop(order.shopId);
    for (const line of this.activeLines(order)) {
      const left = this.lineBalance(line);
      line.cancelations.push({
        id: this.nextId(),
        amount: left.amount,
        shipping_amount: left.shipping,
        quantity: left.units,
        reason_code: reason?.code ?? null,
        taxes: taxParts(line.taxes, left.taxes),
        shipping_taxes: taxParts(line.shipping_taxes, left.shippingTaxes),
        commission: this.commissionOn(line, left.amount),
        created: at,
        by,
      });
      line.state = "CANCELED";
      line.reason = reason;
      line.updated = at;
      this.restoreStock(shop, line, at);
    }
    order.state = "CANCELED";
    order.reason = reason;
    order.debitDueAt = null;
    order.updated = at;
    this.cancelPendingShipments(shop, order, at);
  }

  // Shipments that have not left go with a canceled order.
  private cancelPendingShipments(shop: SimShop, order: SimOrder, at: number) {
    for (const shipment of shop.shipments.values()) {
      if (shipment.order_id === order.id && shipment.status === "SHIPPING") {
        shipment.status = "CANCELED";
        shipment.updated = at;
      }
    }
  }

  /** The reason RE01 lists under that code and type, or null. */
  findReason(code: unknown, type: SimReason["type"]): SimReason | null {
    return this.reasons.find((reason) => reason.code === code && reason.type === type) ?? null;
  }

  commissionOn(line: SimOrderLine, amount: number): number {
    return Math.round((amount * line.commission_rate) / 100);
  }

  /** What is left on a line once its refunds and cancelations are taken off. */
  lineBalance(line: SimOrderLine): LineBalance {
    const changes = [...line.refunds, ...line.cancelations];
    const total = (pick: (change: SimRefund | SimCancelation) => number) =>
      changes.reduce((sum, change) => sum + pick(change), 0);
    const taxesLeft = (taxes: SimTax[], pick: (change: SimRefund | SimCancelation) => SimTaxPart[]) =>
      new Map(
        taxes.map((tax) => [
          tax.code,
          tax.amount - total((change) => pick(change).find((part) => part.code === tax.code)?.amount ?? 0),
        ]),
      );
    return {
      amount: line.price_unit * line.quantity - total((change) => change.amount),
      shipping: line.shipping_price - total((change) => change.shipping_amount),
      taxes: taxesLeft(line.taxes, (change) => change.taxes),
      shippingTaxes: taxesLeft(line.shipping_taxes, (change) => change.shipping_taxes),
      units: this.shippableUnits(line),
    };
  }

  /**
   * Checks a batch of refunds or cancelations against what is left on each line (several entries for one line
   * add up) and settles their taxes, without changing anything: a refused batch leaves the orders as they were.
   * The shop must give a line's taxes unless the tax's rule is PROPORTIONAL_TO_AMOUNT; the operator's back
   * office computes them. Throws MiraklApiError with the simulator's codes.
   */
  planLineChanges(
    shop: SimShop,
    kind: "REFUND" | "CANCELATION",
    changes: LineMoneyChange[],
    by: MoneyChangeSource,
  ): {
    order: SimOrder;
    line: SimOrderLine;
    change: LineMoneyChange;
    taxes: SimTaxPart[];
    shippingTaxes: SimTaxPart[];
  }[] {
    const exceeded = `${kind}_AMOUNT_EXCEEDED`;
    const pending = new Map<string, LineBalance>();
    return changes.map((change) => {
      const { order, line } = this.findLine(shop, change.lineId);
      const left = pending.get(line.id) ?? this.lineBalance(line);
      const what = kind === "REFUND" ? "Refund" : "Cancelation";
      if (change.amount > left.amount || change.shipping > left.shipping)
        throw new MiraklApiError(
          400,
          `${what} of ${fromCents(change.amount)} (+${fromCents(change.shipping)} shipping) exceeds what is left on line ${line.id}: ${fromCents(left.amount)} (+${fromCents(left.shipping)} shipping)`,
          exceeded,
        );
      if (kind === "CANCELATION" && (!Number.isInteger(change.quantity) || change.quantity > left.units))
        throw new MiraklApiError(
          400,
          `Cannot cancel ${change.quantity} unit(s) of line ${line.id}: ${left.units} left`,
          "VALIDATION_ERROR",
        );
      if (change.amount === 0 && change.shipping === 0 && (kind === "REFUND" || change.quantity === 0))
        throw new MiraklApiError(400, `${what} of nothing on line ${line.id}`, "VALIDATION_ERROR");
      const settle = (
        lineTaxes: SimTax[],
        given: { code: string; amount: number }[] | undefined,
        base: number,
        lineBase: number,
        taxesLeft: Map<string, number>,
        field: "taxes" | "shipping_taxes",
      ): SimTaxPart[] => {
        for (const entry of given ?? [])
          if (!lineTaxes.some((tax) => tax.code === entry.code))
            throw new MiraklApiError(400, `Line ${line.id} has no tax ${entry.code} in ${field}`, "VALIDATION_ERROR");
        return lineTaxes.flatMap((tax) => {
          const entry = given?.find((part) => part.code === tax.code);
          let amount: number;
          if (entry) amount = entry.amount;
          else if (base === 0) return [];
          else if (by === "OPERATOR" || tax.rule === "PROPORTIONAL_TO_AMOUNT")
            amount = Math.min(Math.round((tax.amount * base) / lineBase), taxesLeft.get(tax.code)!);
          else
            throw new MiraklApiError(
              400,
              `${field} are required for line ${line.id} (tax ${tax.code})`,
              `${kind}_TAXES_MISSING`,
            );
          if (amount > taxesLeft.get(tax.code)!)
            throw new MiraklApiError(
              400,
              `${what} of ${fromCents(amount)} ${tax.code} in ${field} exceeds the ${fromCents(taxesLeft.get(tax.code)!)} left on line ${line.id}`,
              exceeded,
            );
          return [{ code: tax.code, amount, rate: tax.rate }];
        });
      };
      const taxes = settle(
        line.taxes,
        change.taxes,
        change.amount,
        line.price_unit * line.quantity,
        left.taxes,
        "taxes",
      );
      const shippingTaxes = settle(
        line.shipping_taxes,
        change.shippingTaxes,
        change.shipping,
        line.shipping_price,
        left.shippingTaxes,
        "shipping_taxes",
      );
      const minus = (map: Map<string, number>, parts: SimTaxPart[]) =>
        new Map([...map].map(([code, amount]) => [code, amount - (parts.find((p) => p.code === code)?.amount ?? 0)]));
      pending.set(line.id, {
        amount: left.amount - change.amount,
        shipping: left.shipping - change.shipping,
        taxes: minus(left.taxes, taxes),
        shippingTaxes: minus(left.shippingTaxes, shippingTaxes),
        units: kind === "CANCELATION" ? left.units - change.quantity : left.units,
      });
      return { order, line, change, taxes, shippingTaxes };
    });
  }

  findLine(shop: SimShop, lineId: string) {
    for (const order of shop.orders.values()) {
      const line = order.lines.find((entry) => entry.id === lineId);
      if (line) return { order, line };
    }
    throw new MiraklApiError(400, `Order line ${lineId} not found`, "ORDER_LINE_NOT_FOUND");
  }

  /**
   * Refunds planned by planLineChanges, one call's worth: each gets its own id and they share an
   * `order_refund_id`. WAITING_REFUND until the operator's payment provider confirms (`timings.refundDelayMs`).
   */
  applyRefunds(
    shop: SimShop,
    planned: ReturnType<SimState["planLineChanges"]>,
    at: number,
    by: MoneyChangeSource,
  ): { order: SimOrder; line: SimOrderLine; refund: SimRefund }[] {
    const orderRefundId = this.uuid();
    return planned.map(({ order, line, change, taxes, shippingTaxes }) => {
      const refund: SimRefund = {
        id: this.nextId(),
        order_refund_id: orderRefundId,
        amount: change.amount,
        shipping_amount: change.shipping,
        quantity: change.quantity,
        reason_code: change.reasonCode,
        taxes,
        shipping_taxes: shippingTaxes,
        commission: this.commissionOn(line, change.amount),
        created: at,
        refundedAt: at + this.timings.refundDelayMs,
        refunded: false,
        by,
      };
      line.refunds.push(refund);
      line.updated = at;
      order.updated = at;
      this.addTransaction(shop, "REFUND_ORDER_AMOUNT", -change.amount, at, order, line.id, refund.id);
      if (change.shipping > 0)
        this.addTransaction(shop, "REFUND_ORDER_SHIPPING_AMOUNT", -change.shipping, at, order, line.id, refund.id);
      return { order, line, refund };
    });
  }

  /**
   * Cancelations planned by planLineChanges: the canceled units go back to the offer; a line with no unit left is
   * CANCELED, an order with no active line too, and an order whose remaining lines have all shipped is SHIPPED.
   */
  applyCancelations(
    shop: SimShop,
    planned: ReturnType<SimState["planLineChanges"]>,
    at: number,
    by: MoneyChangeSource,
  ): { order: SimOrder; line: SimOrderLine; cancelation: SimCancelation }[] {
    return planned.map(({ order, line, change, taxes, shippingTaxes }) => {
      const cancelation: SimCancelation = {
        id: this.nextId(),
        amount: change.amount,
        shipping_amount: change.shipping,
        quantity: change.quantity,
        reason_code: change.reasonCode,
        taxes,
        shipping_taxes: shippingTaxes,
        commission: this.commissionOn(line, change.amount),
        created: at,
        by,
      };
      line.cancelations.push(cancelation);
      line.updated = at;
      this.restoreStock(shop, line, at, change.quantity);
      if (this.shippableUnits(line) <= 0) {
        line.state = "CANCELED";
        const reason = this.findReason(change.reasonCode, "CANCELATION");
        line.reason = reason && { code: reason.code, label: reason.label };
      }
      order.updated = at;
      const active = this.activeLines(order);
      if (active.length === 0) {
        order.state = "CANCELED";
        order.reason = line.reason;
        order.debitDueAt = null;
        this.cancelPendingShipments(shop, order, at);
      } else if (order.state === "SHIPPING" && active.every((entry) => entry.state === "SHIPPED")) {
        order.state = "SHIPPED";
        order.shipped = at;
      }
      return { order, line, cancelation };
    });
  }

  canCancel(order: SimOrder): boolean {
    if (order.state === "WAITING_DEBIT" || order.state === "WAITING_DEBIT_PAYMENT") return true;
    if (order.state !== "SHIPPING") return false;
    // PAY_ON_DELIVERY / DUE_DATE / SHIPMENT: only before debit; NO_CUSTOMER_PAYMENT_CONFIRMATION: before shipping.
    return order.customer_debited === null;
  }

  addTransaction(
    shop: SimShop,
    type: string,
    amount: number,
    at: number,
    order: SimOrder | null,
    orderLine: string | null,
    refund: string | null = null,
  ) {
    shop.transactions.push({
      id: this.uuid(),
      shopId: shop.id,
      type,
      amount,
      currency: shop.currency,
      created: at,
      updated: at,
      payment_state: "PENDING",
      order: order && { id: order.id, commercial_id: order.commercial_id },
      order_line: orderLine,
      refund,
    });
  }

  /** Applies every time-driven transition that is due at `now`. */
  tick() {
    const now = this.now();
    for (const shop of this.shops.values()) {
      for (const order of shop.orders.values()) {
        if (order.state === "STAGING" && order.stagingUntil !== null && now >= order.stagingUntil)
          this.leaveStaging(order, order.stagingUntil);
        if (
          order.state === "WAITING_ACCEPTANCE" &&
          order.acceptanceDeadlineAt !== null &&
          now >= order.acceptanceDeadlineAt
        )
          this.autoRefuse(order, order.acceptanceDeadlineAt);
        if (order.state === "WAITING_DEBIT_PAYMENT" && order.debitDueAt !== null && now >= order.debitDueAt) {
          if (order.debitRefused) this.cancelOrder(order, order.debitDueAt, DEBIT_REFUSED_REASON, "OPERATOR");
          else this.debit(order, order.debitDueAt);
        }
        if (order.state === "SHIPPED" && order.shipped !== null && now >= order.shipped + this.timings.autoReceiveMs)
          this.receive(order, order.shipped + this.timings.autoReceiveMs);
        if (order.state === "RECEIVED" && order.received !== null && now >= order.received + this.timings.autoCloseMs) {
          this.setState(
            order,
            "CLOSED",
            order.received + this.timings.autoCloseMs,
            (line) => line.state === "RECEIVED",
          );
        }
        for (const line of order.lines) {
          for (const refund of line.refunds) {
            if (!refund.refunded && now >= refund.refundedAt) {
              refund.refunded = true;
              line.updated = refund.refundedAt;
              order.updated = Math.max(order.updated, refund.refundedAt);
            }
          }
        }
      }
      for (const entry of shop.imports.values()) this.progressImport(shop, entry, now);
      for (const entry of shop.exports.values()) {
        if (entry.status === "PENDING" && now >= entry.created + this.timings.exportDelayMs) {
          entry.status = "COMPLETED";
          entry.chunk = [...shop.offers.values()]
            .filter((offer) => entry.includeInactive || offer.active)
            .filter((offer) => entry.lastRequestDate === null || offer.updated >= entry.lastRequestDate)
            .map((offer) => this.exportedOffer(shop, offer));
        }
      }
    }
  }

  exportedOffer(shop: SimShop, offer: SimOffer) {
    return {
      offer_id: offer.offer_id,
      shop_sku: offer.shop_sku,
      product_sku: offer.product_sku,
      quantity: offer.quantity,
      active: offer.active,
      deleted: offer.deleted,
      currency_iso_code: shop.currency,
      last_updated: iso(offer.updated),
      leadtime_to_ship: offer.leadtime_to_ship,
      description: offer.description,
      prices: [
        {
          origin_price: fromCents(offer.price),
          discount_price: offer.discount?.price == null ? null : fromCents(offer.discount.price),
          discount_start_date: offer.discount?.start_date ?? null,
          discount_end_date: offer.discount?.end_date ?? null,
        },
        ...offer.extra_prices,
      ],
    };
  }

  // ---------------------------------------------------------------- imports

  private progressImport(shop: SimShop, entry: SimImport, now: number) {
    if (entry.outcome === "hang-waiting") return;
    if (entry.status === "WAITING" && now >= entry.created + this.timings.importDelayMs / 2) entry.status = "RUNNING";
    if (entry.outcome === "hang-running") return;
    if (entry.status === "RUNNING" && now >= entry.created + this.timings.importDelayMs) {
      if (entry.outcome === "fail") {
        entry.status = "FAILED";
        entry.failureReason = "An internal error occurred while processing the import";
        return;
      }
      try {
        if (entry.kind === "STOCK") this.applyStock(shop, entry);
        else if (entry.kind === "PRICE") this.applyPrices(shop, entry);
        else this.applyOffers(shop, entry);
        entry.status = "COMPLETE";
      } catch (error) {
        entry.status = "FAILED";
        entry.failureReason = (error as Error).message;
      }
    }
  }

  /**
   * Changes how an import ends. An import still in progress follows the new outcome from the next tick (a hang
   * released with "complete" is processed at once if its time has come); a finished one can only have its error
   * report lost or restored.
   */
  setImportOutcome(shop: SimShop, importId: string, outcome: ImportOutcome): SimImport {
    const entry = shop.imports.get(importId);
    if (!entry) throw new MiraklApiError(404, `Import '${importId}' not found`);
    const finished = entry.status === "COMPLETE" || entry.status === "FAILED";
    if (finished && !["complete", "report-missing", "report-unparsable"].includes(outcome))
      throw new MiraklApiError(
        400,
        `Import '${importId}' is already ${entry.status}: only its error report can change`,
      );
    entry.outcome = outcome;
    this.progressImport(shop, entry, this.now());
    return entry;
  }

  private takeScriptedOutcome(kind: ImportKind): ImportOutcome {
    const operation = IMPORT_OPERATIONS[kind];
    const index = this.importScripts.findIndex((script) => script.operation === operation);
    if (index === -1) return "complete";
    const script = this.importScripts[index];
    script.times = (script.times ?? 1) - 1;
    if (script.times <= 0) this.importScripts.splice(index, 1);
    return script.outcome;
  }

  private column(entry: SimImport, name: string): number {
    const index = entry.header.indexOf(name);
    if (index === -1) throw new Error(`missing column ${name}`);
    return index;
  }

  private applyStock(shop: SimShop, entry: SimImport) {
    const skuAt = this.column(entry, "offer-sku");
    const quantityAt = this.column(entry, "quantity");
    const warehouseAt = entry.header.indexOf("warehouse-code");
    entry.rows.forEach((row, index) => {
      const line = index + 2;
      const offer = shop.offers.get(row[skuAt] ?? "");
      const raw = (row[quantityAt] ?? "").trim();
      if (!offer || offer.deleted) return entry.errors.push({ line, reason: "The offer does not exist", row });
      if (!/^-?\d+$/.test(raw)) return entry.errors.push({ line, reason: "The quantity must be an integer", row });
      const quantity = Number(raw);
      if (quantity < 0) return entry.errors.push({ line, reason: "The quantity must be positive or zero", row });
      const warehouse = warehouseAt >= 0 ? (row[warehouseAt] ?? "").trim() : "";
      if (warehouse) {
        offer.warehouses[warehouse] = quantity;
        offer.quantity = Object.values(offer.warehouses).reduce((sum, value) => sum + value, 0);
      } else {
        offer.quantity = quantity;
      }
      offer.active = !offer.deleted && offer.quantity > 0;
      offer.updated = this.now();
      entry.linesOk += 1;
      entry.offersUpdated += 1;
    });
  }

  private applyPrices(shop: SimShop, entry: SimImport) {
    const skuAt = this.column(entry, "offer-sku");
    const priceAt = this.column(entry, "price");
    const at = (name: string) => entry.header.indexOf(name);
    entry.rows.forEach((row, index) => {
      const line = index + 2;
      const offer = shop.offers.get(row[skuAt] ?? "");
      const price = (row[priceAt] ?? "").trim();
      if (!offer || offer.deleted) return entry.errors.push({ line, reason: "The offer does not exist", row });
      if (!/^\d+(\.\d+)?$/.test(price))
        return entry.errors.push({ line, reason: "The price must be a positive decimal number", row });
      const discount = at("discount-price") >= 0 ? (row[at("discount-price")] ?? "").trim() : "";
      if (discount && !/^\d+(\.\d+)?$/.test(discount))
        return entry.errors.push({ line, reason: "The discount price must be a positive decimal number", row });
      offer.price = cents(price);
      // Delete-and-replace: the file holds no channel, range, schedule or customer columns (the app sends
      // none), so every other price of the offer goes, as on Mirakl.
      offer.extra_prices = [];
      // A price line without discount removes the previous discount.
      offer.discount = discount
        ? {
            price: cents(discount),
            start_date: (row[at("discount-start-date")] ?? "") || null,
            end_date: (row[at("discount-end-date")] ?? "") || null,
          }
        : null;
      offer.updated = this.now();
      entry.linesOk += 1;
      entry.offersUpdated += 1;
    });
  }

  private applyOffers(shop: SimShop, entry: SimImport) {
    for (const [index, raw] of (entry.offers ?? []).entries()) {
      const line = index + 1;
      const offer = raw as Record<string, unknown>;
      const sku = typeof offer.shop_sku === "string" ? offer.shop_sku : "";
      const row = OFFER_REPORT_COLUMNS.map(([, field]) => {
        const value = offer[field];
        return value === undefined || value === null ? "" : String(value);
      });
      const fail = (reason: string) => entry.errors.push({ line, reason, row });
      if (!sku) {
        fail("shop_sku is required");
        continue;
      }
      if (offer.update_delete === "delete") {
        const existing = shop.offers.get(sku);
        if (!existing) {
          fail("The offer does not exist");
          continue;
        }
        existing.deleted = true;
        existing.active = false;
        existing.updated = this.now();
        entry.linesOk += 1;
        entry.offersDeleted += 1;
        continue;
      }
      const price = Number(offer.price);
      if (offer.price === undefined || !Number.isFinite(price) || price < 0) {
        fail("price is required and must be positive");
        continue;
      }
      if (typeof offer.state_code !== "string" || !offer.state_code) {
        fail("state_code is required");
        continue;
      }
      const existing = shop.offers.get(sku);
      if ((!existing || existing.deleted) && (!offer.product_id || !offer.product_id_type)) {
        fail("product_id and product_id_type are required to create an offer");
        continue;
      }
      if ((!existing || existing.deleted) && this.unknownProducts.has(String(offer.product_id))) {
        fail("The product does not exist");
        continue;
      }
      const quantity = offer.quantity === undefined || offer.quantity === null ? 0 : Number(offer.quantity);
      if (!Number.isInteger(quantity) || quantity < 0) {
        fail("quantity must be a positive integer");
        continue;
      }
      const discount = offer.discount as { price?: number; start_date?: string; end_date?: string } | undefined;
      // OF24 replaces the whole offer: everything not sent goes back to its default.
      this.upsertOffer(shop, {
        shop_sku: sku,
        product_id: (offer.product_id as string) ?? existing?.product_id ?? null,
        product_id_type: (offer.product_id_type as string) ?? existing?.product_id_type ?? null,
        state_code: offer.state_code,
        price: cents(price),
        quantity,
        warehouses: {},
        description: (offer.description as string) ?? null,
        internal_description: (offer.internal_description as string) ?? null,
        leadtime_to_ship: offer.leadtime_to_ship === undefined ? null : Number(offer.leadtime_to_ship),
        discount: discount
          ? {
              price: discount.price === undefined ? null : cents(discount.price),
              start_date: discount.start_date ?? null,
              end_date: discount.end_date ?? null,
            }
          : null,
        deleted: false,
      });
      entry.linesOk += 1;
      if (!existing || existing.deleted) entry.offersInserted += 1;
      else entry.offersUpdated += 1;
    }
  }

  createImport(
    shop: SimShop,
    kind: ImportKind,
    data: { header?: string[]; rows?: string[][]; offers?: Record<string, unknown>[]; delimiter?: string },
    fingerprint: string,
  ): SimImport {
    // Mirakl returns the existing import for a duplicate request still in progress.
    for (const existing of shop.imports.values()) {
      if (
        existing.kind === kind &&
        existing.fingerprint === fingerprint &&
        (existing.status === "WAITING" || existing.status === "RUNNING")
      )
        return existing;
    }
    const entry: SimImport = {
      import_id: kind === "OFFER" ? this.nextId() : this.uuid(),
      kind,
      shopId: shop.id,
      created: this.now(),
      status: "WAITING",
      outcome: this.takeScriptedOutcome(kind),
      failureReason: null,
      delimiter: data.delimiter ?? ";",
      header: data.header ?? [],
      rows: data.rows ?? [],
      offers: data.offers,
      linesOk: 0,
      errors: [],
      offersUpdated: 0,
      offersInserted: 0,
      offersDeleted: 0,
      fingerprint,
    };
    shop.imports.set(entry.import_id, entry);
    return entry;
  }

  defaultKeys() {
    return [...this.keys.keys()];
  }
}
