/*
 * Canned reference data, transcribed from the examples in Mirakl's own MMP seller
 * OpenAPI document (SH21, RE01, OF61, PC01, A01, OR11 `Order_00010-A`), so the
 * simulator runs without the spec file present.
 */

/** One SH21 carrier; `tracking_url` is a template in which Mirakl puts the tracking number for `{trackingId}`. */
export interface SimCarrier {
  code: string;
  label: string;
  standard_code: string | null;
  tracking_url: string | null;
}

export const SPEC_CARRIERS: SimCarrier[] = [
  {
    code: "FED",
    label: "Fed Ex",
    standard_code: "FED",
    tracking_url: "http://www.fedex.com/Tracking?action=track&tracknumbers={trackingId}",
  },
  {
    code: "UPS",
    label: "UPS",
    standard_code: "UPS",
    tracking_url: "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={trackingId}",
  },
  {
    code: "DHL",
    label: "DHL",
    standard_code: "DHL",
    tracking_url: "http://www.dhl.co.uk/en/express/tracking.html?AWB={trackingId}&brand=DHL",
  },
  {
    code: "DPD",
    label: "DPD",
    standard_code: "DPD",
    tracking_url: "http://www.dpd.co.uk/apps/tracking/?parcel={trackingId}",
  },
  {
    code: "TNT",
    label: "TNT",
    standard_code: "TNT",
    tracking_url:
      "http://www.tnt.com/webtracker/tracking.do?navigation=1&searchType=CON&respLang=en&genericSiteIdent=.&cons={trackingId}",
  },
];

/**
 * A European marketplace's SH21 list, for the demo: each operator registers its own carriers and codes, so these
 * codes are this simulated marketplace's, not a Mirakl referential. The templates are the carriers' public
 * tracking pages.
 */
export const MARKETPLACE_CARRIERS: SimCarrier[] = [
  {
    code: "UPS",
    label: "UPS",
    standard_code: "UPS",
    tracking_url: "https://www.ups.com/track?loc=fr_FR&tracknum={trackingId}",
  },
  {
    code: "DHL",
    label: "DHL Express",
    standard_code: "DHL",
    tracking_url: "https://www.dhl.com/fr-fr/home/tracking.html?tracking-id={trackingId}",
  },
  {
    code: "COLISSIMO",
    label: "Colissimo",
    standard_code: "COLISSIMO",
    tracking_url: "https://www.laposte.fr/outils/suivre-vos-envois?code={trackingId}",
  },
  {
    code: "CHRONOPOST",
    label: "Chronopost",
    standard_code: "CHRONOPOST",
    tracking_url: "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={trackingId}",
  },
  {
    code: "DPD",
    label: "DPD",
    standard_code: "DPD",
    tracking_url: "https://trace.dpd.fr/fr/trace/{trackingId}",
  },
  {
    code: "GLS",
    label: "GLS",
    standard_code: "GLS",
    tracking_url: "https://gls-group.com/FR/fr/suivi-colis?match={trackingId}",
  },
];

/** An RE01 reason. `is_shop_right`: the shop may use it (OR28, OR30); the operator may use any of its type. */
export interface SimReason {
  code: string;
  is_shop_right: boolean;
  label: string;
  type: "INCIDENT_OPEN" | "INCIDENT_CLOSE" | "REFUND" | "ORDER_MESSAGING" | "OFFER_MESSAGING" | "CANCELATION";
}

export const SPEC_REASONS: SimReason[] = [
  { code: "1", is_shop_right: false, label: "Item not received", type: "INCIDENT_OPEN" },
  { code: "10", is_shop_right: false, label: "Replacement item received", type: "INCIDENT_CLOSE" },
  { code: "15", is_shop_right: true, label: "Out of stock", type: "REFUND" },
  { code: "26", is_shop_right: true, label: "Other question", type: "ORDER_MESSAGING" },
  { code: "33", is_shop_right: true, label: "Other question", type: "OFFER_MESSAGING" },
  { code: "34", is_shop_right: true, label: "Cancelled by the client prior to shipping", type: "CANCELATION" },
];

/**
 * The state reason of an order Mirakl cancels because the customer's payment was refused at debit. Mirakl publishes
 * no code for it: this one is the simulator's (the connector must rely on the CANCELED state, not on the code).
 */
export const DEBIT_REFUSED_REASON = { code: "CUSTOMER_PAYMENT_REFUSED", label: "The customer's payment was refused" };

/**
 * A European marketplace's reasons (the demo's): the spec's, plus refund and cancelation reasons only its customer
 * service may use (`is_shop_right: false`), as operators configure them. Codes and labels beyond the spec's are the
 * simulator's.
 */
export const MARKETPLACE_REASONS: SimReason[] = [
  ...SPEC_REASONS,
  { code: "16", is_shop_right: true, label: "Damaged item", type: "REFUND" },
  { code: "17", is_shop_right: false, label: "Item returned by the customer", type: "REFUND" },
  { code: "18", is_shop_right: false, label: "Commercial gesture", type: "REFUND" },
  { code: "35", is_shop_right: false, label: "Cancelled by customer service", type: "CANCELATION" },
];

/**
 * OR21's error codes with the descriptions Mirakl publishes for them (the operation's "Error Codes" table); the
 * simulator answers them as the error's `message`. Statuses are not published: 404 for ORDER_NOT_FOUND, 400 otherwise.
 * ORDER_FULFILLED_UNAUTHORIZED is listed but never raised: Mirakl does not say which orders count as "fulfilled".
 */
export const OR21_ERRORS = {
  ORDER_FULFILLED_UNAUTHORIZED: "An unauthorized action has been requested on a fulfilled order",
  ORDER_INVALID_STATE: "Order is not in the expected state for this operation",
  ORDER_LINE_ACCEPTANCE_DECISION_MISSING: "Some order lines are missing from the acceptance decision",
  ORDER_LINE_DUPLICATE_ID: "The order lines list contains duplicate order line IDs",
  ORDER_LINE_NOT_FOUND: "The requested order line does not exist or is not associated with the order",
  ORDER_LINE_NULL_ELEMENT: "The order lines list contains a null element",
  ORDER_NOT_FOUND: "The requested order does not exist",
  ORDER_PARTIAL_ACCEPTANCE_DISABLED: "Partial acceptance is disabled for this shop",
  VALIDATION_ERROR: "Input validation failed",
} as const;

/** OF61 example plus "11" (New), which every marketplace has and OF24's example uses. */
export const SPEC_OFFER_STATES = [
  { code: "11", label: "New" },
  { code: "4", label: "Used - Acceptable Condition" },
  { code: "10", label: "Refurbished" },
];

export interface PlatformSettings {
  operatorCsvDelimiter: "SEMICOLON" | "COMMA";
  orderAcceptance: "AUTOMATIC" | "NOT_AUTOMATIC" | "BOTH";
  detailsBeforeAcceptance: boolean;
  disableSellerAlternativeCarrier: boolean;
  /** PC01 `features.shipment.multi_shipment`: the ST* shipment API is open (ST01 refused otherwise). */
  multiShipment: boolean;
}

export function platformConfiguration(settings: PlatformSettings) {
  return {
    features: {
      catalog: {
        allow_shop_contribution_to_all_channels: true,
        exclude_invalid_products: true,
        list_of_multiple_values_separator: "|",
        product_acceptance_by_channel: true,
        product_data_validation_by_channel: true,
        product_import_only_on_leaf: true,
      },
      circular_economy_data_collection: false,
      competitive_pricing_tool: false,
      direct_payment_customer_store: { activated: false, refund_cancel_authorized: false },
      disable_seller_alternative_carrier: settings.disableSellerAlternativeCarrier,
      dropship: { retail_pricing_edition_enabled: "NO", retail_pricing_enabled: false },
      kyc_status_per_seller: false,
      lead_time_to_ship_by_sellers_enabled: "YES",
      multi_currency: true,
      multi_payout_psp_per_seller: false,
      no_reply_needed: true,
      offer_prices_decimals: "2",
      operator_csv_delimiter: settings.operatorCsvDelimiter,
      order_conditions: {
        lead_time_to_ship: true,
        maximum_order_quantity: false,
        minimum_order_quantity: false,
        package_order_quantity: false,
      },
      order_tax_mode: "TAX_EXCLUDED",
      order_workflows: {
        no_customer_payment_confirmation: true,
        order_acceptance: settings.orderAcceptance,
        pause_debit_workflow: false,
        pay_on_due_date: true,
        pay_on_shipment: true,
        sellers_edit_shipping_origin: false,
        shipping_and_billing_details_before_acceptance: settings.detailsBeforeAcceptance,
      },
      payment_confirmation: true,
      pricing: {
        channel_pricing: "DISABLED",
        discount_period_required: false,
        discount_price_creation_in_the_past_blocked: false,
        scheduled_pricing: false,
        volume_discount: true,
        volume_pricing: false,
      },
      product_data_validation_by_channel: true,
      promotion: { cart_promotion_campaign: false, discount_campaign: false, seller_promotion: false },
      returns: { drop_ship: false, marketplace: false, one_creditor: false },
      shipment: { multi_part_item_shipment: false, multi_shipment: settings.multiShipment },
      shop_tax_options: {
        local_tax_number: { mandatory: false, validation_regex: null },
        tax_identification_number: { mandatory: false, validation_regex: null },
      },
      tax_collection: { activated: "NO", product_tax_code_mandatory: false, tax_collection_by_operator: false },
      tax_id_number: { mandatory: false, validation_regex: null },
      warehouses: { geolocation: false, restricted_countries: [] },
    },
    modules: {
      mirakl_catalog_integrator: true,
      mirakl_catalog_manager: false,
      mirakl_catalog_transformer: true,
      mirakl_platform_services: false,
      offer_management: true,
      order_management: true,
      promotions: true,
      quotes: false,
      tax_manager: { activated: false, tax_provider: { avalara: false, vertex: false } },
    },
    platform_configuration: {
      customer_model: { b2b: false, b2c: true },
      enhanced_seller_invoicing: { enabled: false },
      platform_model: { drop_ship: false, marketplace: true, one_creditor: false },
    },
    platform_name: "Mirakl Simulator",
    tenant_name: "simulator-prod",
    timezone: "Europe/Paris",
  };
}

export const SPEC_CUSTOMER = {
  civility: "M",
  customer_id: "Customer_id_001",
  firstname: "Smith",
  lastname: "Taylor",
  locale: "en_US",
  billing_address: {
    city: "New York City",
    civility: "M",
    company: "LIMARK Company",
    company_2: null,
    country: "USA",
    country_iso_code: "USA",
    firstname: "Smith",
    lastname: "Taylor",
    phone: null,
    phone_secondary: null,
    state: "Manhattan",
    street_1: "113 MacDougal Street",
    street_2: "1st floor",
    zip_code: "NY 10012",
  },
  shipping_address: {
    additional_info: "One article per box",
    city: "New York",
    civility: "M",
    company: "LIMARK Company",
    company_2: null,
    country: "USA",
    country_iso_code: "USA",
    firstname: "Smith",
    lastname: "Taylor",
    phone: null,
    phone_secondary: null,
    state: "Manhattan",
    street_1: "113 MacDougal Street",
    street_2: "1st floor",
    zip_code: "NY 10012",
  },
};

/** Offers seeded in every default shop (S2000 is the SKU of the spec's OR11 example). */
export const DEFAULT_OFFERS = [
  {
    shop_sku: "S2000",
    product_sku: "MKP100000000037254",
    product_title: "Coffee Machine",
    category_code: "5110114",
    category_label: "Coffee Machines",
    price: 55,
    quantity: 20,
  },
  {
    shop_sku: "S2001",
    product_sku: "MKP100000000037255",
    product_title: "Milk Frother",
    category_code: "5110114",
    category_label: "Coffee Machines",
    price: 19.9,
    quantity: 50,
  },
  {
    shop_sku: "S2002",
    product_sku: "MKP100000000037256",
    product_title: "Espresso Cups (x6)",
    category_code: "5110200",
    category_label: "Tableware",
    price: 12.5,
    quantity: 0,
  },
];
