import { z } from "zod";
import { moneySchema } from "./money";
import { ORDER_LINE_STATES, ORDER_STATES } from "./states";

export { ORDER_LINE_STATES, ORDER_STATES } from "./states";

/*
 * Response schemas for the Mirakl seller API.
 *
 * Tolerance rules (Mirakl's backward-compatibility contract says it may add
 * fields and enum values, and it emits explicit nulls even for "required" fields):
 *  - every object is loose (unknown keys are kept, not rejected);
 *  - enums are "known value or any string" (`enumOrString`);
 *  - anything we do not strictly need is `.nullish()`.
 * Strictness rules (what would corrupt our data): identifiers must be present
 * and non-empty, amounts must be numeric (see money.ts), counts must be integers.
 */

/** A known enum value, or any other string Mirakl may add later (typed so autocomplete still works). */
export function enumOrString<const T extends readonly [string, ...string[]]>(_values: T) {
  return z.string().transform((value) => value as T[number] | (string & {}));
}

const id = z.string().min(1);
/** Integers: JSON numbers, or digit strings (Mirakl's own OF24 example sends "5000"). */
const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
/** Mirakl's int64 ids (offer_id, shop_id): as integers, or digit strings. */
const numericId = int;
const money = moneySchema;
const optMoney = moneySchema.nullish();
const str = z.string().nullish();
const bool = z.boolean().nullish();
/** ISO-8601 instant as sent by Mirakl (UTC, `Z`); kept as a string to avoid reformatting. */
const dateTime = z.string().min(1);
const optDateTime = z.string().nullish();
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const REFUND_STATES = [
  "WAITING_REFUND_TAX_CONFIRMATION",
  "WAITING_REFUND",
  "WAITING_REFUND_PAYMENT",
  "REFUNDED",
] as const;
export const IMPORT_STATUSES = ["WAITING", "RUNNING", "COMPLETE", "FAILED"] as const;

export const miraklOrderStateSchema = enumOrString(ORDER_STATES);
export type MiraklOrderState = z.infer<typeof miraklOrderStateSchema>;

const taxSchema = z.looseObject({ code: id, amount: money, rate: optMoney, tax_calculation_rule: str });
const feeSchema = z.looseObject({ code: z.string(), amount: money });
const commissionTaxSchema = z.looseObject({ code: z.string(), amount: money, rate: optMoney });

export const miraklAddressSchema = z.looseObject({
  civility: str,
  firstname: str,
  lastname: str,
  company: str,
  company_2: str,
  street_1: str,
  street_2: str,
  zip_code: str,
  city: str,
  state: str,
  country: str,
  /** ISO 3166-1 alpha-3 (e.g. USA, FRA). */
  country_iso_code: str,
  phone: str,
  phone_secondary: str,
  additional_info: str,
});
export type MiraklAddress = z.infer<typeof miraklAddressSchema>;

export const miraklCustomerSchema = z.looseObject({
  customer_id: z.string().nullish(),
  civility: str,
  firstname: str,
  lastname: str,
  locale: str,
  /** Null until acceptance/shipping unless the platform exposes details before acceptance. */
  billing_address: miraklAddressSchema.nullish(),
  shipping_address: miraklAddressSchema.nullish(),
  organization: z.looseObject({}).nullish(),
});
export type MiraklCustomer = z.infer<typeof miraklCustomerSchema>;

/** The money of one refund or cancelation of an order line: what was given back, its taxes, fees and commission. */
const lineReversalFields = {
  id: id,
  amount: optMoney,
  shipping_amount: optMoney,
  quantity: int.nullish(),
  reason_code: str,
  created_date: optDateTime,
  taxes: list(taxSchema),
  shipping_taxes: list(taxSchema),
  fees: list(feeSchema),
  commission_amount: optMoney,
  commission_total_amount: optMoney,
  commission_taxes: list(commissionTaxSchema),
};

export const miraklRefundSchema = z.looseObject({
  ...lineReversalFields,
  order_refund_id: z.string().nullish(),
  refund_state: enumOrString(REFUND_STATES).nullish(),
  /** Deprecated 3-value state kept by Mirakl for compatibility. */
  state: str,
  transaction_number: str,
  transaction_date: optDateTime,
});
export type MiraklRefund = z.infer<typeof miraklRefundSchema>;

export const miraklCancelationSchema = z.looseObject(lineReversalFields);
export type MiraklCancelation = z.infer<typeof miraklCancelationSchema>;

export const miraklOrderLineSchema = z.looseObject({
  order_line_id: id,
  order_line_index: int.nullish(),
  order_line_state: enumOrString(ORDER_LINE_STATES),
  order_line_state_reason_code: str,
  order_line_state_reason_label: str,
  offer_id: numericId.nullish(),
  /** The seller's SKU (= shop_sku of the offer). */
  offer_sku: id,
  offer_state_code: str,
  product_sku: str,
  product_shop_sku: str,
  product_title: str,
  category_code: str,
  category_label: str,
  quantity: int,
  price_unit: money,
  price: money,
  origin_unit_price: optMoney,
  shipping_price: money,
  shipping_price_unit: optMoney,
  shipping_price_additional_unit: optMoney,
  total_price: money,
  commission_fee: optMoney,
  commission_vat: optMoney,
  commission_rate_vat: optMoney,
  commission_taxes: list(commissionTaxSchema),
  total_commission: optMoney,
  taxes: list(taxSchema),
  shipping_taxes: list(taxSchema),
  fees: list(feeSchema),
  can_refund: bool,
  cancelations: list(miraklCancelationSchema),
  refunds: list(miraklRefundSchema),
  created_date: optDateTime,
  last_updated_date: optDateTime,
  debited_date: optDateTime,
  shipped_date: optDateTime,
  received_date: optDateTime,
  description: str,
  price_additional_info: str,
});
export type MiraklOrderLine = z.infer<typeof miraklOrderLineSchema>;

export const miraklOrderSchema = z.looseObject({
  order_id: id,
  commercial_id: str,
  order_state: miraklOrderStateSchema,
  order_state_reason_code: str,
  order_state_reason_label: str,
  created_date: dateTime,
  last_updated_date: dateTime,
  acceptance_decision_date: optDateTime,
  customer_debited_date: optDateTime,
  shipping_deadline: optDateTime,
  leadtime_to_ship: int.nullish(),
  can_cancel: z.boolean(),
  can_shop_ship: bool,
  fully_refunded: bool,
  has_incident: bool,
  has_customer_message: bool,
  has_invoice: bool,
  currency_iso_code: z.string().min(1),
  price: money,
  shipping_price: money,
  total_price: money,
  total_commission: optMoney,
  order_tax_mode: enumOrString(["TAX_INCLUDED", "TAX_EXCLUDED"]).nullish(),
  order_taxes: list(z.looseObject({ code: z.string(), total_amount: money, rate: optMoney })),
  payment_workflow: enumOrString([
    "PAY_ON_ACCEPTANCE",
    "PAY_ON_DELIVERY",
    "PAY_ON_DUE_DATE",
    "PAY_ON_SHIPMENT",
    "NO_CUSTOMER_PAYMENT_CONFIRMATION",
  ]).nullish(),
  payment_type: str,
  shipping_type_code: str,
  shipping_type_label: str,
  shipping_zone_code: str,
  shipping_zone_label: str,
  shipping_carrier_code: str,
  shipping_carrier_standard_code: str,
  shipping_company: str,
  shipping_tracking: str,
  shipping_tracking_url: str,
  shipping_pudo_id: str,
  channel: z.looseObject({ code: z.string(), label: str }).nullish(),
  references: z.looseObject({ order_reference_for_customer: str, order_reference_for_seller: str }).nullish(),
  customer_notification_email: str,
  customer: miraklCustomerSchema.nullish(),
  order_lines: z.array(miraklOrderLineSchema),
});
export type MiraklOrder = z.infer<typeof miraklOrderSchema>;

/** An OR11 page as sent: each order is checked on its own (see parseOrderPage), so one bad order blocks no other. */
export const orderListSchema = z.looseObject({
  orders: z.array(z.unknown()),
  total_count: int,
});

/** An order of an OR11 page that failed its schema: kept with what can be told about it, never dropped. */
export interface UnreadableOrder {
  orderId: string | null;
  /** "order_lines.0.quantity: Invalid input", at most a few. */
  problems: string[];
}

export interface MiraklOrderPage {
  orders: MiraklOrder[];
  unreadable: UnreadableOrder[];
  total_count: number;
}

export function parseOrderPage(page: z.infer<typeof orderListSchema>): MiraklOrderPage {
  const orders: MiraklOrder[] = [];
  const unreadable: UnreadableOrder[] = [];
  for (const raw of page.orders) {
    const parsed = miraklOrderSchema.safeParse(raw);
    if (parsed.success) {
      orders.push(parsed.data);
      continue;
    }
    const id = (raw as { order_id?: unknown } | null)?.order_id;
    unreadable.push({
      orderId: typeof id === "string" && id !== "" ? id : null,
      problems: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "order"}: ${issue.message}`),
    });
  }
  return { orders, unreadable, total_count: page.total_count };
}

export const miraklAccountSchema = z.looseObject({
  shop_id: numericId,
  shop_name: z.string(),
  shop_state: enumOrString(["OPEN", "CLOSE", "SUSPENDED", "TERMINATED"]),
  currency_iso_code: z.string().min(1),
  channels: list(z.string()),
  is_professional: bool,
  approval_delay: int.nullish(),
  approval_rate: optMoney,
  offers_count: int.nullish(),
  orders_count: int.nullish(),
  closed_from: optDateTime,
  closed_to: optDateTime,
});
export type MiraklAccount = z.infer<typeof miraklAccountSchema>;

export const miraklPlatformConfigurationSchema = z.looseObject({
  platform_name: str,
  tenant_name: str,
  timezone: str,
  features: z.looseObject({
    operator_csv_delimiter: enumOrString(["SEMICOLON", "COMMA"]).nullish(),
    offer_prices_decimals: str,
    order_tax_mode: str,
    disable_seller_alternative_carrier: bool,
    order_workflows: z
      .looseObject({
        order_acceptance: enumOrString(["AUTOMATIC", "NOT_AUTOMATIC", "BOTH"]).nullish(),
        shipping_and_billing_details_before_acceptance: bool,
        pay_on_due_date: bool,
        pay_on_shipment: bool,
        no_customer_payment_confirmation: bool,
      })
      .nullish(),
    shipment: z.looseObject({ multi_shipment: bool, multi_part_item_shipment: bool }).nullish(),
    pricing: z.looseObject({ channel_pricing: str }).nullish(),
  }),
});
export type MiraklPlatformConfiguration = z.infer<typeof miraklPlatformConfigurationSchema>;

/** V01: Mirakl says only the status code matters; the body is free-form. */
export const miraklVersionSchema = z.looseObject({ version: str }).nullish();
export type MiraklVersion = z.infer<typeof miraklVersionSchema>;

export const miraklCarrierSchema = z.looseObject({
  code: id,
  label: z.string(),
  standard_code: str,
  /** Template containing `{trackingId}`. */
  tracking_url: str,
});
export type MiraklCarrier = z.infer<typeof miraklCarrierSchema>;
export const carrierListSchema = z.looseObject({ carriers: z.array(miraklCarrierSchema) });

export const REASON_TYPES = [
  "REFUND",
  "CANCELATION",
  "INCIDENT_OPEN",
  "INCIDENT_CLOSE",
  "ORDER_MESSAGING",
  "OFFER_MESSAGING",
] as const;
export const miraklReasonSchema = z.looseObject({
  code: id,
  label: z.string(),
  type: enumOrString(REASON_TYPES),
  is_shop_right: z.boolean(),
});
export type MiraklReason = z.infer<typeof miraklReasonSchema>;
export const reasonListSchema = z.looseObject({ reasons: z.array(miraklReasonSchema), total_count: int.nullish() });

export const miraklOfferStateSchema = z.looseObject({ code: id, label: z.string() });
export type MiraklOfferState = z.infer<typeof miraklOfferStateSchema>;
export const offerStateListSchema = z.looseObject({
  offer_states: z.array(miraklOfferStateSchema),
  total_count: int.nullish(),
});

const refundResultSchema = z.looseObject({
  refund_id: id,
  order_refund_id: z.string().nullish(),
  order_line_id: id,
  amount: money,
  shipping_amount: money,
  quantity: int.nullish(),
  reason_code: z.string(),
  currency_iso_code: str,
  taxes: list(taxSchema),
  shipping_taxes: list(taxSchema),
  fees: list(z.looseObject({ code: str, amount: optMoney })),
});
export const refundResponseSchema = z.looseObject({
  order_tax_mode: str,
  refunds: z.array(refundResultSchema),
});
export type MiraklRefundResult = z.infer<typeof refundResponseSchema>;

const cancelationResultSchema = z.looseObject({
  cancelation_id: id,
  order_line_id: id,
  amount: money,
  shipping_amount: money,
  quantity: int.nullish(),
  reason_code: z.string(),
  currency_iso_code: str,
  taxes: list(taxSchema),
  shipping_taxes: list(taxSchema),
});
export const cancelationResponseSchema = z.looseObject({
  order_tax_mode: str,
  cancelations: z.array(cancelationResultSchema),
});
export type MiraklCancelationResult = z.infer<typeof cancelationResponseSchema>;

/** STO01/PRI01 return string ids; OF24/OF01 integer ids. We normalise to string. */
const importId = z.union([z.string().min(1), z.number().int()]).transform(String);
export const importCreatedSchema = z.looseObject({ import_id: importId });
export type MiraklImportCreated = z.infer<typeof importCreatedSchema>;

export const miraklStockImportStatusSchema = z.looseObject({
  import_id: importId,
  shop_id: numericId.nullish(),
  date_created: optDateTime,
  status: enumOrString(IMPORT_STATUSES),
  lines_in_success: int.nullish(),
  lines_in_error: int.nullish(),
  has_error_report: z.boolean(),
});
export type MiraklStockImportStatus = z.infer<typeof miraklStockImportStatusSchema>;

export const miraklPriceImportStatusSchema = z.looseObject({
  import_id: importId,
  shop_id: numericId.nullish(),
  date_created: optDateTime,
  status: enumOrString(IMPORT_STATUSES),
  reason_status: str,
  origin: str,
  lines_in_success: int.nullish(),
  lines_in_error: int.nullish(),
  offers_updated: int.nullish(),
  offers_in_error: int.nullish(),
  has_error_report: z.boolean(),
});
export type MiraklPriceImportStatus = z.infer<typeof miraklPriceImportStatusSchema>;

/** OF02: an OF24/OF01 offer import; WAITING_SYNCHRONIZATION_PRODUCT is still in progress. */
export const miraklOfferImportStatusSchema = z.looseObject({
  import_id: importId,
  date_created: optDateTime,
  status: enumOrString(["WAITING_SYNCHRONIZATION_PRODUCT", ...IMPORT_STATUSES]),
  reason_status: str,
  has_error_report: z.boolean(),
  lines_read: int.nullish(),
  lines_in_success: int.nullish(),
  lines_in_error: int.nullish(),
  lines_in_pending: int.nullish(),
  offer_inserted: int.nullish(),
  offer_updated: int.nullish(),
  offer_deleted: int.nullish(),
});
export type MiraklOfferImportStatus = z.infer<typeof miraklOfferImportStatusSchema>;

/** One offer of an OF21 listing: only what a look-up needs is required. */
export const miraklListedOfferSchema = z.looseObject({
  offer_id: numericId,
  shop_sku: id,
  product_sku: str,
  quantity: int.nullish(),
  active: bool,
  state_code: str,
});
export type MiraklListedOffer = z.infer<typeof miraklListedOfferSchema>;
export const offerListSchema = z.looseObject({ offers: z.array(miraklListedOfferSchema), total_count: int });

const seekPage = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    data: z.array(item),
    next_page_token: str,
    previous_page_token: str,
  });
export const priceImportPageSchema = seekPage(miraklPriceImportStatusSchema);

export const offerExportStartedSchema = z.looseObject({ tracking_id: id });
export const miraklOfferExportStatusSchema = z.looseObject({
  status: enumOrString(["PENDING", "COMPLETED", "FAILED"]),
  last_updated: optDateTime,
  urls: list(z.string()),
  error: z.looseObject({ code: str, detail: str }).nullish(),
});
export type MiraklOfferExportStatus = z.infer<typeof miraklOfferExportStatusSchema>;

/** One offer of an OF54 JSON export chunk. */
export const miraklExportedOfferSchema = z.looseObject({
  offer_id: numericId,
  shop_sku: id,
  product_sku: str,
  quantity: int.nullish(),
  active: bool,
  deleted: bool,
  currency_iso_code: str,
  last_updated: optDateTime,
  prices: list(
    z.looseObject({
      origin_price: optMoney,
      discount_price: optMoney,
      discount_start_date: str,
      discount_end_date: str,
      // Not in the spec's OF54 text; shaped like OF21's all_prices (inferred): what PRI01 would delete.
      context: z
        .looseObject({
          channel_codes: list(z.string()).nullish(),
          customer_group_ids: list(z.string()).nullish(),
          customer_organization_ids: list(z.string()).nullish(),
          start_date: str,
          end_date: str,
        })
        .nullish(),
      channel_code: str,
      unit_origin_price: optMoney,
      volume_prices: list(
        z.looseObject({
          quantity_threshold: int.nullish(),
          price: optMoney,
          unit_origin_price: optMoney,
          unit_discount_price: optMoney,
        }),
      ).nullish(),
    }),
  ),
});
export type MiraklExportedOffer = z.infer<typeof miraklExportedOfferSchema>;

export const SHIPMENT_STATES = [
  "SHIPPING",
  "READY_FOR_PICK_UP",
  "SHIPMENT_PREPARED",
  "SHIPPED",
  "TO_COLLECT",
  "RECEIVED",
  "CANCELED",
  "CLOSED",
] as const;
export const SHIPMENT_DEBIT_STATES = [
  "NO_DEBIT",
  "NOT_STARTED",
  "WAITING_TAX_CONFIRMATION",
  "WAITING_OPERATOR_SYSTEM_CONTACT",
  "WAITING_DEBIT_CONFIRMATION",
  "DEBIT_OK",
  "CANCELED",
] as const;
export const miraklShipmentStateSchema = enumOrString(SHIPMENT_STATES);
export type MiraklShipmentState = z.infer<typeof miraklShipmentStateSchema>;

/** A shipment's tracking as Mirakl shows it (ST01/ST11): what was sent, plus what Mirakl learnt from the carrier. */
export const miraklShipmentTrackingSchema = z.looseObject({
  carrier_code: str,
  carrier_name: str,
  carrier_standard_code: str,
  tracking_number: str,
  /** For a registered carrier, built by Mirakl from the carrier's template. */
  tracking_url: str,
  validity_status: enumOrString(["MISSING_TRACKING", "UNVERIFIED", "UNCOVERED", "INVALID", "VERIFIED"]).nullish(),
});

/** A shipment (ST01's `shipment_success`, ST11's `data`). */
export const miraklShipmentSchema = z.looseObject({
  id: id,
  order_id: id,
  status: miraklShipmentStateSchema,
  status_customer_debit: enumOrString(SHIPMENT_DEBIT_STATES).nullish(),
  shipment_lines: list(
    z.looseObject({
      /** The spec lets it be absent (lines named by the deprecated offer_sku); its examples always send it. */
      order_line_id: id,
      /** Deprecated by Mirakl in favour of order_line_id. */
      offer_sku: str,
      quantity: int,
      package_reference: str,
    }),
  ),
  tracking: miraklShipmentTrackingSchema.nullish(),
  invoice_reference: str,
  created_date: optDateTime,
  last_updated_date: optDateTime,
  shipped_date: optDateTime,
});
export type MiraklShipment = z.infer<typeof miraklShipmentSchema>;
export const shipmentPageSchema = seekPage(miraklShipmentSchema);

/** The spec declares no required key in an error entry; an entry without a message still says which one failed. */
const shipmentErrorMessage = z
  .string()
  .nullish()
  .transform((value) => value ?? "");

/** ST01: the shipments created, and the refused ones by order id (a refused shipment changed nothing). */
export const shipmentsCreatedSchema = z.looseObject({
  shipment_success: list(miraklShipmentSchema),
  shipment_errors: list(z.looseObject({ order_id: id, message: shipmentErrorMessage })),
});
export type MiraklShipmentsCreated = z.infer<typeof shipmentsCreatedSchema>;

/** ST23 / ST24: each shipment id either in `shipment_success` or in `shipment_errors`. */
export const shipmentsUpdatedSchema = z.looseObject({
  shipment_success: list(z.looseObject({ id: id })),
  shipment_errors: list(z.looseObject({ id: id, message: shipmentErrorMessage })),
});
export type MiraklShipmentsUpdated = z.infer<typeof shipmentsUpdatedSchema>;

export const miraklTransactionLineSchema = z.looseObject({
  id: id,
  type: enumOrString([
    "ORDER_AMOUNT",
    "ORDER_AMOUNT_TAX",
    "ORDER_SHIPPING_AMOUNT",
    "ORDER_SHIPPING_AMOUNT_TAX",
    "COMMISSION_FEE",
    "COMMISSION_VAT",
    "REFUND_ORDER_AMOUNT",
    "REFUND_ORDER_AMOUNT_TAX",
    "REFUND_ORDER_SHIPPING_AMOUNT",
    "REFUND_ORDER_SHIPPING_AMOUNT_TAX",
    "REFUND_COMMISSION_FEE",
    "REFUND_COMMISSION_VAT",
    "PAYMENT",
  ]),
  amount: money,
  amount_credited: optMoney,
  amount_debited: optMoney,
  balance: optMoney,
  currency_iso_code: z.string().min(1),
  date_created: optDateTime,
  last_updated: optDateTime,
  payment_state: enumOrString(["PENDING", "PAYABLE", "PAID", "NOT_APPLICABLE", "RESERVE"]).nullish(),
  accounting_document_id: str,
  accounting_document_number: str,
  seller_billing_cycle_id: str,
  entities: z
    .looseObject({
      order: z.looseObject({ id: str, commercial_id: str }).nullish(),
      order_line: z.looseObject({ id: str }).nullish(),
      refund: z.looseObject({ id: str }).nullish(),
    })
    .nullish(),
});
export type MiraklTransactionLine = z.infer<typeof miraklTransactionLineSchema>;
export const transactionLogPageSchema = seekPage(miraklTransactionLineSchema);

export const miraklInvoiceSchema = z.looseObject({
  /** Draft/document UUID; `invoice_id` only exists once issued. */
  id: id,
  invoice_id: numericId.nullish(),
  type: str,
  state: str,
  currency_iso_code: str,
  date_created: optDateTime,
  issue_date: optDateTime,
  due_date: optDateTime,
  start_time: optDateTime,
  end_time: optDateTime,
  total_amount_excl_taxes: optMoney,
  total_amount_incl_taxes: optMoney,
  total_charged_amount: optMoney,
  payment: z.looseObject({ state: str, reference: str, transaction_date: optDateTime }).nullish(),
});
export type MiraklInvoice = z.infer<typeof miraklInvoiceSchema>;
export const invoiceListSchema = z.looseObject({ invoices: z.array(miraklInvoiceSchema), total_count: int });

/** Mirakl error bodies: `{status, message}` (confirmed), plus `code` on newer ops (inferred, optional). */
export const miraklErrorBodySchema = z.looseObject({
  status: z.number().nullish(),
  message: z.string().nullish(),
  code: z.string().nullish(),
});
