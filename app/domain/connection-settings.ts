import { z } from "zod";
import { priceRuleSchema } from "~/domain/price-rule";
import { stockRulesSchema } from "~/domain/stock/rules";
import { acceptanceSettingsSchema } from "~/domain/orders/acceptance-settings";
import { DEFAULT_SHIPPING_WARNING_HOURS, MAX_SHIPPING_WARNING_HOURS } from "~/domain/orders/shipping-deadline";

export const offerCreationSchema = z.object({
  enabled: z.boolean().default(false),
  /** Offer condition (OF61): "11" is "new" on most marketplaces. */
  stateCode: z
    .string()
    .regex(/^\w{1,20}$/)
    .default("11"),
  /** Days to ship, as promised on the marketplace. */
  leadtimeToShip: z.number().int().min(0).max(60).default(2),
});

/**
 * What the last "Test connection" learnt (A01 + PC01) or why it failed. Instance-specific: left out of
 * exports and cleared when the base URL, shop id or key changes.
 */
export const connectionCheckSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  /** On failure: the form field to show the message on ("form" when it is not one field's fault). */
  field: z.enum(["baseUrl", "apiKey", "miraklShopId", "form"]).nullable().default(null),
  message: z.string().nullable().default(null),
  shopId: z.string().nullable().default(null),
  shopName: z.string().nullable().default(null),
  shopState: z.string().nullable().default(null),
  platformName: z.string().nullable().default(null),
  /** PC01 features.order_workflows.order_acceptance: AUTOMATIC | NOT_AUTOMATIC | BOTH. */
  orderAcceptance: z.string().nullable().default(null),
  /** PC01 features.shipment.multi_shipment. */
  multiShipment: z.boolean().nullable().default(null),
  /** Not PC01 features.disable_seller_alternative_carrier: may the seller ship with unregistered carriers. */
  sellerAlternativeCarriers: z.boolean().nullable().default(null),
  orderTaxMode: z.string().nullable().default(null),
});
export type ConnectionCheck = z.infer<typeof connectionCheckSchema>;

export const shippingPlatformSchema = z.object({
  readAt: z.string(),
  /** PC01 features.shipment.multi_shipment: each Shopify fulfilment becomes one Mirakl shipment (ST01). */
  multiShipment: z.boolean(),
  /** Not PC01 features.disable_seller_alternative_carrier: an unmapped carrier may be sent by name. */
  alternativeCarriers: z.boolean(),
});
export type ShippingPlatform = z.infer<typeof shippingPlatformSchema>;

/**
 * The Shopify order of each Mirakl order, made once the customer paid (app/sync/orders/shopify-order.server.ts).
 * Off: no Shopify order is made, and the reservation takes a shipped line's units out of stock, as before.
 */
export const shopifyOrderSettingsSchema = z.object({
  create: z.boolean().default(true),
  /**
   * The marketplace's customer e-mail is an anonymised notification alias. "none": no Shopify customer is made
   * or merged (the alias is kept on the order as a note attribute); "attach": the order gets a customer with the
   * alias (never opted into marketing).
   */
  customer: z.enum(["none", "attach"]).default("none"),
});
export type ShopifyOrderSettings = z.infer<typeof shopifyOrderSettingsSchema>;

/**
 * Refunds and cancellations between Shopify and Mirakl (app/sync/refunds). Reason codes are the marketplace's RE01
 * codes (type REFUND, resp. CANCELATION, that the shop may use); none chosen: a Shopify refund waits for a person to
 * choose one (an exception says so) rather than being sent with a guess.
 */
export const refundSettingsSchema = z.object({
  reasonCode: z.string().min(1).max(50).nullable().default(null),
  cancelationReasonCode: z.string().min(1).max(50).nullable().default(null),
  /** Mirakl refunds and cancelations (customer service, operator, refused debit) appear in Shopify as refunds. */
  mirrorToShopify: z.boolean().default(true),
  /** Units Mirakl refunded on a shipped line go back to Shopify stock (returns); cancelled units always do. */
  restockReturns: z.boolean().default(false),
});
export type RefundSettings = z.infer<typeof refundSettingsSchema>;

/** How long an import (STO01, PRI01, OF24) may stay unfinished on Mirakl before it is given up, by default. */
export const DEFAULT_IMPORT_AGE_LIMIT_MINUTES = 30;
export const MIN_IMPORT_AGE_LIMIT_MINUTES = 5;
export const MAX_IMPORT_AGE_LIMIT_MINUTES = 24 * 60;

/**
 * Per-connection settings, stored as JSON on MarketplaceConnection.settings and validated on every
 * read and write. New fields must have defaults so rows written by older versions still parse.
 */
export const connectionSettingsSchema = z.object({
  /** Operator's CSV delimiter for file imports (PC01 tells it; Mirakl's default is ';'). */
  csvDelimiter: z.enum([";", ",", "\t", "|"]).default(";"),
  /** Operator's currency, learnt from A01/PC01 on "Test connection". */
  currencyIsoCode: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .nullable()
    .default(null),
  /** Price sync through PRI01: off unless the merchant turns it on. */
  prices: priceRuleSchema.default(priceRuleSchema.parse({})),
  /** Offer creation (OF24) for Shopify variants with a barcode that have no offer yet. */
  offers: offerCreationSchema.default(offerCreationSchema.parse({})),
  /**
   * Minutes an import may stay WAITING or RUNNING on Mirakl before it is given up (an exception says so) and
   * its values go out with the next file: a stuck import must not hold back every later one.
   */
  importAgeLimitMinutes: z
    .number()
    .int()
    .min(MIN_IMPORT_AGE_LIMIT_MINUTES)
    .max(MAX_IMPORT_AGE_LIMIT_MINUTES)
    .default(DEFAULT_IMPORT_AGE_LIMIT_MINUTES),
  /**
   * Call budget: the share (in %) of Mirakl's published per-key call allowance this app may use, so another
   * tool on the same key keeps the rest (50 spaces every paced call twice as far apart).
   */
  miraklBudgetPercent: z.number().int().min(10).max(100).default(100),
  /**
   * Minutes between two order polls (OR11): 1 is Mirakl's published maximum; some keys are limited to one
   * OR11 each 15 minutes.
   */
  ordersPollMinutes: z.number().int().min(1).max(15).default(1),
  /**
   * Learnt, not set: minutes between order polls after Mirakl kept answering 429 to the configured pace
   * (the intake slows itself down and says so); null while the configured pace is accepted.
   */
  ordersPollSlowedToMinutes: z.number().int().min(1).max(60).nullable().default(null),
  /**
   * What is sellable on this marketplace (locations, buffer, holdback, cap, untracked, warehouses).
   * Default: no location chosen, so nothing is sellable until the merchant picks locations.
   */
  stock: stockRulesSchema.default(() => stockRulesSchema.parse({})),
  /**
   * When the merchant last saved this connection's stock rules (the Stock & price settings form); null =
   * never. See `stockRulesConfigured`: it is what tells "never configured" from "explicitly no location".
   */
  stockConfiguredAt: z.string().nullable().default(null),
  /**
   * Shopify location names (id → name) as last read when the stock rules were saved: display only
   * (the Stock page's explanations), never used to decide anything.
   */
  locationNames: z.record(z.string(), z.string().max(255)).default({}),
  /** How waiting Mirakl orders are accepted or refused (rules, review, deadline window). */
  acceptance: acceptanceSettingsSchema.default(() => acceptanceSettingsSchema.parse({})),
  /**
   * Learnt, not set: true once Mirakl answered an OR21 with ORDER_PARTIAL_ACCEPTANCE_DISABLED (PC01 does not
   * say it), so later orders follow one decision from the start. Instance-specific, like `lastCheck`.
   */
  partialAcceptanceForbidden: z.boolean().default(false),
  /**
   * Hours before an order's Mirakl shipping deadline at which the app warns that it is still to ship (an error
   * follows once the deadline passed).
   */
  shippingDeadlineWarningHours: z
    .number()
    .int()
    .min(0)
    .max(MAX_SHIPPING_WARNING_HOURS)
    .default(DEFAULT_SHIPPING_WARNING_HOURS),
  /** Shopify orders for paid Mirakl orders: on by default, without a Shopify customer. */
  shopifyOrders: shopifyOrderSettingsSchema.default(() => shopifyOrderSettingsSchema.parse({})),
  /** Refunds and cancellations both ways: reasons, mirroring into Shopify, restock. */
  refunds: refundSettingsSchema.default(() => refundSettingsSchema.parse({})),
  /** The marketplace carrier (SH21 code) a fulfilment with no tracking company ships with; null: such a fulfilment is blocked. */
  defaultCarrierCode: z.string().min(1).max(100).nullable().default(null),
  /** Outcome of the last "Test connection"; null until tested. */
  lastCheck: connectionCheckSchema.nullable().default(null),
  /**
   * What the platform allows for shipping (PC01), read by the fulfilment flow daily while it has work; null until
   * read. Instance-specific, like `lastCheck`.
   */
  shippingPlatform: shippingPlatformSchema.nullable().default(null),
});

export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

export function parseConnectionSettings(value: unknown): ConnectionSettings {
  return connectionSettingsSchema.parse(value ?? {});
}

/**
 * May this connection's stock be pushed? The default rules choose no location, so a connection nobody
 * configured computes 0 for every offer: pushing that would wipe the marketplace's stock the moment the
 * merchant connects. So stock is pushed only once the rules were saved (`stockConfiguredAt`), or when
 * they choose a location (which the default never does, so someone chose it). A merchant who saves "no
 * location" on purpose does push 0.
 */
export function stockRulesConfigured(settings: Pick<ConnectionSettings, "stockConfiguredAt" | "stock">): boolean {
  return settings.stockConfiguredAt !== null || settings.stock.locationIds.length > 0;
}
