import type { z } from "zod";
import {
  buildCsv,
  csvDelimiterFromPlatform,
  parseImportErrorReport,
  parseOfferImportErrorReport,
  type CsvDelimiter,
  type MiraklImportErrorRow,
} from "./csv";
import { MiraklInvalidResponseError } from "./errors";
import { moneyToJson, type MiraklMoney } from "./money";
import {
  cancelationResponseSchema,
  carrierListSchema,
  importCreatedSchema,
  invoiceListSchema,
  miraklAccountSchema,
  miraklOfferExportStatusSchema,
  miraklOfferImportStatusSchema,
  offerListSchema,
  miraklPlatformConfigurationSchema,
  miraklStockImportStatusSchema,
  miraklVersionSchema,
  offerExportStartedSchema,
  offerStateListSchema,
  orderListSchema,
  parseOrderPage,
  type UnreadableOrder,
  priceImportPageSchema,
  reasonListSchema,
  refundResponseSchema,
  shipmentPageSchema,
  shipmentsCreatedSchema,
  shipmentsUpdatedSchema,
  transactionLogPageSchema,
  type MiraklAccount,
  type MiraklCancelationResult,
  type MiraklCarrier,
  type MiraklExportedOffer,
  type MiraklImportCreated,
  type MiraklInvoice,
  type MiraklListedOffer,
  type MiraklOfferImportStatus,
  type MiraklOfferExportStatus,
  type MiraklOfferState,
  type MiraklOrder,
  type MiraklOrderPage,
  type MiraklOrderState,
  type MiraklPlatformConfiguration,
  type MiraklPriceImportStatus,
  type MiraklReason,
  type MiraklRefundResult,
  type MiraklShipment,
  type MiraklShipmentState,
  type MiraklShipmentsCreated,
  type MiraklShipmentsUpdated,
  type MiraklStockImportStatus,
  type MiraklTransactionLine,
  type MiraklVersion,
} from "./schemas";
import { parseOfferExportChunk } from "./offer-export";
import { MiraklTransport, type QueryValue, type TransportOptions } from "./transport";

/** Mirakl caps `max` (offset paging) and list filters such as `order_ids` at 100. */
export const MIRAKL_PAGE_SIZE = 100;
export const MIRAKL_MAX_IDS_PER_CALL = 100;
/** ST01, ST23 and ST24 take 1 to 1000 shipments per call. */
export const MIRAKL_MAX_SHIPMENTS_PER_CALL = 1000;

export interface MiraklClientOptions extends TransportOptions {
  /** CSV separator for STO01/PRI01 files; "auto" (default) reads PC01 once and caches it. */
  csvDelimiter?: CsvDelimiter | "auto";
}

export interface CallOptions {
  signal?: AbortSignal;
  /** OR11 listings: told of each order that failed its schema (the others are returned as usual). */
  onUnreadableOrder?: (order: UnreadableOrder) => void;
}

type DateInput = Date | string;

export interface OrderFilters {
  orderIds?: readonly string[];
  orderStateCodes?: readonly MiraklOrderState[];
  channelCodes?: readonly string[];
  /** Creation-date window. */
  startDate?: DateInput;
  endDate?: DateInput;
  /** Last-update window; Mirakl itself subtracts a safety margin from the start, so polls overlap. */
  startUpdateDate?: DateInput;
  endUpdateDate?: DateInput;
  orderReferencesForSeller?: readonly string[];
  customerDebited?: boolean;
  hasIncident?: boolean;
  sortOrder?: "asc" | "desc";
}

export interface OrderPageRequest extends OrderFilters {
  offset?: number;
  max?: number;
}

export interface OrderLineDecision {
  id: string;
  accepted: boolean;
}

export interface TrackingInput {
  /** Registered carrier (SH21 code); Mirakl then builds the URL from its template. */
  carrier_code?: string;
  /** Unregistered carrier, if the operator allows them. */
  carrier_name?: string;
  carrier_url?: string;
  carrier_standard_code?: string;
  tracking_number?: string;
}

export interface TaxAmountInput {
  code: string;
  amount: MiraklMoney;
}

export interface RefundInput {
  order_line_id: string;
  amount: MiraklMoney;
  shipping_amount: MiraklMoney;
  /** RE01 code of type REFUND. */
  reason_code: string;
  quantity?: number;
  currency_iso_code?: string;
  taxes?: readonly TaxAmountInput[];
  shipping_taxes?: readonly TaxAmountInput[];
  fees?: readonly TaxAmountInput[];
  excluded_from_shipment?: boolean;
}

export interface CancelationInput {
  order_line_id: string;
  quantity: number;
  amount: MiraklMoney;
  shipping_amount: MiraklMoney;
  /** RE01 code of type CANCELATION. */
  reason_code: string;
  currency_iso_code?: string;
  taxes?: readonly TaxAmountInput[];
  shipping_taxes?: readonly TaxAmountInput[];
  fees?: readonly TaxAmountInput[];
}

/** ST01/ST23 tracking (ST01 names the URL `tracking_url`, OR23 `carrier_url`). Null or absent fields are not sent. */
export interface MiraklShipmentTracking {
  /** Registered carrier (SH21 code); Mirakl then builds the URL from its template. */
  carrier_code?: string | null;
  /** Unregistered carrier, if the operator allows them. */
  carrier_name?: string | null;
  carrier_standard_code?: string | null;
  tracking_number?: string | null;
  /** Unregistered carriers only: Mirakl ignores it for a registered one. */
  tracking_url?: string | null;
}

export interface MiraklShipmentInput {
  order_id: string;
  shipment_lines: readonly { order_line_id: string; quantity: number; package_reference?: string | null }[];
  tracking?: MiraklShipmentTracking | null;
  /** Ship it at once (ST24 otherwise). */
  shipped?: boolean;
}

export interface ShipmentFilters {
  orderIds?: readonly string[];
  states?: readonly MiraklShipmentState[];
  /** Shipments updated at or after this instant. */
  updatedFrom?: DateInput;
}

export type OrderTaxMode = "TAX_INCLUDED" | "TAX_EXCLUDED";

export interface StockLine {
  offer_sku: string;
  quantity: number;
  /** Omit for the offer's global quantity. */
  warehouse_code?: string;
  update_delete?: "update" | "delete";
}

export interface PriceLine {
  offer_sku: string;
  price: MiraklMoney;
  discount_price?: MiraklMoney;
  discount_start_date?: DateInput;
  discount_end_date?: DateInput;
  /** Channel codes; empty = the default price. */
  channels?: readonly string[];
}

/**
 * OF24 offer. OF24 REPLACES the whole offer: any field left out is reset
 * (quantity to 0, description/discount/dates cleared). Always send the full offer.
 */
export interface OfferInput {
  shop_sku: string;
  price: MiraklMoney;
  /** Offer condition code (OF61), "11" = new on most marketplaces. */
  state_code: string;
  update_delete: "update" | "delete" | "";
  /** Required by the spec on every call (Mirakl only uses it at creation). */
  product_id: string;
  /** EAN, UPC, SHOP_SKU, SKU… (operator-defined). */
  product_id_type: string;
  quantity?: number;
  description?: string;
  internal_description?: string;
  price_additional_info?: string;
  leadtime_to_ship?: number;
  logistic_class?: string;
  min_quantity_alert?: number;
  min_order_quantity?: number;
  max_order_quantity?: number;
  package_quantity?: number;
  available_started?: string;
  available_ended?: string;
  discount?: { price?: MiraklMoney; start_date?: string; end_date?: string };
  offer_additional_fields?: readonly { code: string; value: string }[];
}

export interface OfferExportRequest {
  export_type?: "application/json";
  /** Differential export of offers changed since this date; omit for a full export. */
  last_request_date?: DateInput;
  include_inactive_offers?: boolean;
  items_per_chunk?: number;
  megabytes_per_chunk?: number;
}

export interface TransactionLogFilters {
  dateCreatedFrom?: DateInput;
  dateCreatedTo?: DateInput;
  lastUpdatedFrom?: DateInput;
  paymentState?: string;
  transactionTypes?: readonly string[];
  orderId?: string;
  /** Page size, at most 2000. */
  limit?: number;
  /** Mirakl recommends lastUpdated. */
  sort?: "dateCreated,ASC" | "dateCreated,DESC" | "lastUpdated,ASC" | "lastUpdated,DESC";
}

export interface TransactionLogPage {
  lines: MiraklTransactionLine[];
  nextPageToken: string | null;
}

export interface InvoiceFilters {
  startDate?: DateInput;
  endDate?: DateInput;
  type?: "ALL" | "AUTO_INVOICE" | "MANUAL_INVOICE" | "MANUAL_CREDIT";
  paymentStatus?: "PENDING" | "PAID" | "FAILED";
}

/** A seek-paged listing (see seekPage in createMiraklClient): its first page's parameters and its page schema. */
interface SeekListing<T> {
  operation: "TL02" | "ST11";
  path: string;
  schema: z.ZodType<{ data: T[]; next_page_token?: string | null }>;
  query: Record<string, QueryValue>;
}

export interface ImportErrorReport {
  csv: string;
  rows: MiraklImportErrorRow[];
}

export interface OrderPollResult {
  orders: MiraklOrder[];
  /** Persist and pass back as `since` next time: the latest `last_updated_date` seen (or `since`). */
  cursor: string;
}

function isoDate(value: DateInput | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.toISOString();
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

const TRACKING_FIELDS = [
  "carrier_code",
  "carrier_name",
  "carrier_standard_code",
  "tracking_number",
  "tracking_url",
] as const satisfies readonly (keyof MiraklShipmentTracking)[];

/** The spec's tracking object declares no nulls: only the fields that have a value are sent. */
function trackingBody(tracking: MiraklShipmentTracking): Partial<Record<(typeof TRACKING_FIELDS)[number], string>> {
  const body: Partial<Record<(typeof TRACKING_FIELDS)[number], string>> = {};
  for (const field of TRACKING_FIELDS) {
    const value = tracking[field];
    if (value !== null && value !== undefined) body[field] = value;
  }
  return body;
}

/** Callers batch shipments: a larger call is refused here rather than split (a half-sent ST01 cannot be retried). */
function assertShipmentBatch(operation: "ST01" | "ST23" | "ST24", count: number): void {
  if (count > MIRAKL_MAX_SHIPMENTS_PER_CALL) {
    throw new RangeError(
      `${operation} accepts at most ${MIRAKL_MAX_SHIPMENTS_PER_CALL} shipments per call (got ${count}): send them in batches`,
    );
  }
}

function taxAmounts(list: readonly TaxAmountInput[] | undefined) {
  return list?.map((item) => ({ code: item.code, amount: moneyToJson(item.amount) }));
}

function orderQuery(filters: OrderFilters): Record<string, QueryValue> {
  return {
    order_ids: filters.orderIds,
    order_state_codes: filters.orderStateCodes,
    channel_codes: filters.channelCodes,
    order_references_for_seller: filters.orderReferencesForSeller,
    start_date: isoDate(filters.startDate),
    end_date: isoDate(filters.endDate),
    start_update_date: isoDate(filters.startUpdateDate),
    end_update_date: isoDate(filters.endUpdateDate),
    customer_debited: filters.customerDebited,
    has_incident: filters.hasIncident,
    order: filters.sortOrder,
  };
}

export type MiraklClient = ReturnType<typeof createMiraklClient>;

/**
 * Typed client for one Mirakl connection (one instance + key + optional shop).
 * All failures are MiraklError subclasses (see errors.ts); retry rules in operations.ts.
 */
export function createMiraklClient(options: MiraklClientOptions) {
  const transport = new MiraklTransport(options);
  let delimiter: Promise<CsvDelimiter> | undefined =
    options.csvDelimiter && options.csvDelimiter !== "auto" ? Promise.resolve(options.csvDelimiter) : undefined;

  const csvDelimiter = (call?: CallOptions): Promise<CsvDelimiter> => {
    delimiter ??= getPlatformConfiguration(call).then(
      (config) => csvDelimiterFromPlatform(config.features.operator_csv_delimiter),
      (error) => {
        delimiter = undefined;
        throw error;
      },
    );
    return delimiter;
  };

  function getPlatformConfiguration(call?: CallOptions): Promise<MiraklPlatformConfiguration> {
    return transport.request({
      operation: "PC01",
      path: "/api/platform/configuration",
      expect: "json",
      schema: miraklPlatformConfigurationSchema,
      bucket: "PC01",
      signal: call?.signal,
    });
  }

  /** One OR11 page. Pass `continuation: true` for pages after the first of a listing (not paced). */
  async function listOrdersPage(
    request: OrderPageRequest,
    call?: CallOptions & { continuation?: boolean },
  ): Promise<MiraklOrderPage> {
    if (request.orderIds && request.orderIds.length > MIRAKL_MAX_IDS_PER_CALL) {
      throw new RangeError(`OR11 accepts at most ${MIRAKL_MAX_IDS_PER_CALL} order ids per call`);
    }
    const lookup = request.orderIds !== undefined;
    const page = await transport.request({
      operation: "OR11",
      path: "/api/orders",
      query: { ...orderQuery(request), max: request.max ?? MIRAKL_PAGE_SIZE, offset: request.offset ?? 0 },
      expect: "json",
      schema: orderListSchema,
      bucket: call?.continuation ? null : lookup ? "OR11:lookup" : "OR11",
      signal: call?.signal,
    });
    return parseOrderPage(page);
  }

  /** Every order matching the filters: offset pages of 100 until `total_count`; `orderIds` chunked by 100. */
  async function* iterateOrders(filters: OrderFilters = {}, call?: CallOptions): AsyncGenerator<MiraklOrder> {
    const idChunks = filters.orderIds ? chunk([...new Set(filters.orderIds)], MIRAKL_MAX_IDS_PER_CALL) : [undefined];
    const seen = new Set<string>();
    for (const orderIds of idChunks) {
      let offset = 0;
      for (;;) {
        const page = await listOrdersPage(
          { ...filters, orderIds, offset, max: MIRAKL_PAGE_SIZE },
          { signal: call?.signal, continuation: offset > 0 },
        );
        for (const unreadable of page.unreadable) call?.onUnreadableOrder?.(unreadable);
        for (const order of page.orders) {
          // Offset pages can shift while we read them; never yield an order twice.
          if (seen.has(order.order_id)) continue;
          seen.add(order.order_id);
          yield order;
        }
        offset += page.orders.length + page.unreadable.length;
        if (page.orders.length + page.unreadable.length === 0 || offset >= page.total_count) break;
      }
    }
  }

  async function listAllOrders(filters: OrderFilters = {}, call?: CallOptions): Promise<MiraklOrder[]> {
    const orders: MiraklOrder[] = [];
    for await (const order of iterateOrders(filters, call)) orders.push(order);
    return orders;
  }

  async function getOrdersByIds(orderIds: readonly string[], call?: CallOptions): Promise<MiraklOrder[]> {
    if (orderIds.length === 0) return [];
    return listAllOrders({ orderIds }, call);
  }

  async function pollOrderUpdates(
    since: DateInput,
    filters: Omit<OrderFilters, "startUpdateDate" | "orderIds"> = {},
    call?: CallOptions,
  ): Promise<OrderPollResult> {
    const sinceIso = isoDate(since)!;
    let cursor = sinceIso;
    let cursorMs = Date.parse(sinceIso);
    const orders = await listAllOrders({ ...filters, startUpdateDate: sinceIso }, call);
    for (const order of orders) {
      const updated = Date.parse(order.last_updated_date);
      if (!Number.isNaN(updated) && updated > cursorMs) {
        cursorMs = updated;
        cursor = order.last_updated_date;
      }
    }
    return { orders, cursor };
  }

  async function* streamOfferExportChunk(url: string, call?: CallOptions): AsyncGenerator<MiraklExportedOffer> {
    const body = await transport.stream({ operation: "OF54", path: url, bucket: null, signal: call?.signal });
    yield* parseOfferExportChunk(body.chunks, body.details);
  }

  async function importCsv(
    operation: "STO01" | "PRI01",
    path: string,
    csv: string,
    fileName: string,
    call?: CallOptions,
  ): Promise<MiraklImportCreated> {
    const form = new FormData();
    form.append("file", new Blob([csv], { type: "text/csv" }), fileName);
    return transport.request({
      operation,
      path,
      form,
      expect: "json",
      schema: importCreatedSchema,
      bucket: operation,
      signal: call?.signal,
    });
  }

  /** A report that cannot be read (a broken-off download, not a CSV file) is an invalid response, never "no errors". */
  async function errorReport(
    operation: "STO03" | "PRI03" | "OF03",
    path: string,
    call?: CallOptions,
  ): Promise<ImportErrorReport> {
    const csv = await transport.request<undefined>({
      operation,
      path,
      expect: "text",
      bucket: operation,
      signal: call?.signal,
    });
    const delimiter = operation === "OF03" ? undefined : await csvDelimiter(call);
    try {
      return {
        csv,
        rows: operation === "OF03" ? parseOfferImportErrorReport(csv) : parseImportErrorReport(csv, delimiter),
      };
    } catch (error) {
      throw new MiraklInvalidResponseError({
        operation,
        method: "GET",
        path,
        status: 200,
        issues: [
          `the error report is not a readable CSV file (${error instanceof Error ? error.message : String(error)})`,
        ],
        cause: error,
      });
    }
  }

  /**
   * One page of a seek-paged listing (TL02, ST11): the first with the listing's parameters (paced), the next ones
   * with `page_token` alone, which embeds them (Mirakl ignores every other parameter then; not paced).
   */
  async function seekPage<T>(
    listing: SeekListing<T>,
    pageToken: string | null,
    call?: CallOptions,
  ): Promise<{ items: T[]; nextPageToken: string | null }> {
    const page = await transport.request({
      operation: listing.operation,
      path: listing.path,
      query: pageToken ? { page_token: pageToken } : listing.query,
      expect: "json",
      schema: listing.schema,
      bucket: pageToken ? null : listing.operation,
      signal: call?.signal,
    });
    return { items: page.data, nextPageToken: page.next_page_token || null };
  }

  /** Every item of a seek-paged listing: pages until Mirakl gives no `next_page_token`. */
  async function* seekAll<T>(listing: SeekListing<T>, call?: CallOptions): AsyncGenerator<T> {
    let token: string | null = null;
    do {
      const page: { items: T[]; nextPageToken: string | null } = await seekPage(listing, token, call);
      yield* page.items;
      token = page.nextPageToken;
    } while (token);
  }

  function transactionLogListing(filters: TransactionLogFilters): SeekListing<MiraklTransactionLine> {
    return {
      operation: "TL02",
      path: "/api/sellerpayment/transactions_logs",
      schema: transactionLogPageSchema,
      query: {
        date_created_from: isoDate(filters.dateCreatedFrom),
        date_created_to: isoDate(filters.dateCreatedTo),
        last_updated_from: isoDate(filters.lastUpdatedFrom),
        payment_state: filters.paymentState,
        transaction_type: filters.transactionTypes,
        order_id: filters.orderId,
        limit: filters.limit ?? 2000,
        sort: filters.sort ?? "lastUpdated,ASC",
      },
    };
  }

  async function listTransactionLogsPage(
    filters: TransactionLogFilters,
    pageToken: string | null,
    call?: CallOptions,
  ): Promise<TransactionLogPage> {
    const page = await seekPage(transactionLogListing(filters), pageToken, call);
    return { lines: page.items, nextPageToken: page.nextPageToken };
  }

  const iterateTransactionLogs = (
    filters: TransactionLogFilters = {},
    call?: CallOptions,
  ): AsyncGenerator<MiraklTransactionLine> => seekAll(transactionLogListing(filters), call);

  /**
   * ST11 — every shipment matching the filters, oldest first. `orderIds` go 100 per listing (Mirakl publishes no
   * cap for ST11; OR11's keeps the URL short), each as a repeated `order_id`; an empty list matches nothing.
   */
  async function listShipments(filters: ShipmentFilters = {}, call?: CallOptions): Promise<MiraklShipment[]> {
    const idChunks = filters.orderIds ? chunk([...new Set(filters.orderIds)], MIRAKL_MAX_IDS_PER_CALL) : [undefined];
    const shipments: MiraklShipment[] = [];
    for (const orderIds of idChunks) {
      const listing: SeekListing<MiraklShipment> = {
        operation: "ST11",
        path: "/api/shipments",
        schema: shipmentPageSchema,
        query: {
          order_id: orderIds && { repeat: orderIds },
          shipment_state_code: filters.states && { repeat: filters.states },
          last_updated_from: isoDate(filters.updatedFrom),
          limit: MIRAKL_PAGE_SIZE,
        },
      };
      for await (const shipment of seekAll(listing, call)) shipments.push(shipment);
    }
    return shipments;
  }

  return {
    connectionId: options.connectionId,

    /** A01 — validates the key and returns the shop (id, name, state, currency). */
    getAccount: (call?: CallOptions): Promise<MiraklAccount> =>
      transport.request({
        operation: "A01",
        path: "/api/account",
        expect: "json",
        schema: miraklAccountSchema,
        bucket: "A01",
        signal: call?.signal,
      }),

    /** PC01 — feature flags (CSV delimiter, acceptance workflow, …). Cache daily. */
    getPlatformConfiguration,

    /** V01 — health check; only the status code matters. */
    getVersion: (call?: CallOptions): Promise<MiraklVersion> =>
      transport.request({
        operation: "V01",
        path: "/api/version",
        expect: "json",
        schema: miraklVersionSchema,
        bucket: "V01",
        signal: call?.signal,
      }),

    /** SH21 — the operator's carriers (codes are per marketplace). */
    listCarriers: async (call?: CallOptions): Promise<MiraklCarrier[]> =>
      (
        await transport.request({
          operation: "SH21",
          path: "/api/shipping/carriers",
          expect: "json",
          schema: carrierListSchema,
          bucket: "SH21",
          signal: call?.signal,
        })
      ).carriers,

    /** RE01 — refund/cancelation/incident reasons. */
    listReasons: async (call?: CallOptions): Promise<MiraklReason[]> =>
      (
        await transport.request({
          operation: "RE01",
          path: "/api/reasons",
          expect: "json",
          schema: reasonListSchema,
          bucket: "RE01",
          signal: call?.signal,
        })
      ).reasons,

    /** OF61 — offer conditions (state codes). */
    listOfferStates: async (call?: CallOptions): Promise<MiraklOfferState[]> =>
      (
        await transport.request({
          operation: "OF61",
          path: "/api/offers/states",
          expect: "json",
          schema: offerStateListSchema,
          bucket: "OF61",
          signal: call?.signal,
        })
      ).offer_states,

    listOrdersPage,
    iterateOrders,
    listAllOrders,
    getOrdersByIds,
    pollOrderUpdates,

    /** OR21 — one decision per waiting line, all in the same call. */
    acceptOrderLines: async (
      orderId: string,
      decisions: readonly OrderLineDecision[],
      call?: CallOptions,
    ): Promise<void> => {
      await transport.request({
        operation: "OR21",
        path: `/api/orders/${encodeURIComponent(orderId)}/accept`,
        json: { order_lines: decisions.map(({ id, accepted }) => ({ id, accepted })) },
        expect: "none",
        bucket: "OR21",
        signal: call?.signal,
      });
    },

    /** OR23 — set or update tracking (call before OR24). */
    setTracking: async (orderId: string, tracking: TrackingInput, call?: CallOptions): Promise<void> => {
      await transport.request({
        operation: "OR23",
        path: `/api/orders/${encodeURIComponent(orderId)}/tracking`,
        json: tracking,
        expect: "none",
        bucket: "OR23",
        signal: call?.signal,
      });
    },

    /** OR24 — SHIPPING → SHIPPED. */
    shipOrder: async (orderId: string, call?: CallOptions): Promise<void> => {
      await transport.request({
        operation: "OR24",
        path: `/api/orders/${encodeURIComponent(orderId)}/ship`,
        expect: "none",
        bucket: "OR24",
        signal: call?.signal,
      });
    },

    /** OR28 — NOT idempotent: never retried; on any failure re-read the order before trying again. */
    refundOrderLines: (
      refunds: readonly RefundInput[],
      options: { orderTaxMode?: OrderTaxMode } & CallOptions = {},
    ): Promise<MiraklRefundResult> =>
      transport.request({
        operation: "OR28",
        path: "/api/orders/refund",
        json: {
          order_tax_mode: options.orderTaxMode,
          refunds: refunds.map((refund) => ({
            ...refund,
            amount: moneyToJson(refund.amount),
            shipping_amount: moneyToJson(refund.shipping_amount),
            taxes: taxAmounts(refund.taxes),
            shipping_taxes: taxAmounts(refund.shipping_taxes),
            fees: taxAmounts(refund.fees),
          })),
        },
        expect: "json",
        schema: refundResponseSchema,
        bucket: "OR28",
        signal: options.signal,
      }),

    /** OR29 — cancel the whole order (only while `can_cancel`). */
    cancelOrder: async (orderId: string, call?: CallOptions): Promise<void> => {
      await transport.request({
        operation: "OR29",
        path: `/api/orders/${encodeURIComponent(orderId)}/cancel`,
        expect: "none",
        bucket: "OR29",
        signal: call?.signal,
      });
    },

    /** OR30 — NOT idempotent: never retried; re-read the order before trying again. */
    cancelOrderLines: (
      cancelations: readonly CancelationInput[],
      options: { orderTaxMode?: OrderTaxMode } & CallOptions = {},
    ): Promise<MiraklCancelationResult> =>
      transport.request({
        operation: "OR30",
        path: "/api/orders/cancel",
        json: {
          order_tax_mode: options.orderTaxMode,
          cancelations: cancelations.map((cancelation) => ({
            ...cancelation,
            amount: moneyToJson(cancelation.amount),
            shipping_amount: moneyToJson(cancelation.shipping_amount),
            taxes: taxAmounts(cancelation.taxes),
            shipping_taxes: taxAmounts(cancelation.shipping_taxes),
            fees: taxAmounts(cancelation.fees),
          })),
        },
        expect: "json",
        schema: cancelationResponseSchema,
        bucket: "OR30",
        signal: options.signal,
      }),

    /** STO01 — absolute quantities per offer (and warehouse). Asynchronous: poll STO02. */
    importStock: async (lines: readonly StockLine[], call?: CallOptions): Promise<MiraklImportCreated> => {
      const csv = buildCsv(
        ["offer-sku", "quantity", "warehouse-code", "update-delete"],
        lines.map((line) => ({
          "offer-sku": line.offer_sku,
          quantity: line.quantity,
          "warehouse-code": line.warehouse_code,
          "update-delete": line.update_delete,
        })),
        await csvDelimiter(call),
      );
      return importCsv("STO01", "/api/offers/stock/imports", csv, "stock.csv", call);
    },

    getStockImportStatus: (importId: string, call?: CallOptions): Promise<MiraklStockImportStatus> =>
      transport.request({
        operation: "STO02",
        path: `/api/offers/stock/imports/${encodeURIComponent(importId)}/status`,
        expect: "json",
        schema: miraklStockImportStatusSchema,
        bucket: "STO02",
        signal: call?.signal,
      }),

    getStockImportErrorReport: (importId: string, call?: CallOptions): Promise<ImportErrorReport> =>
      errorReport("STO03", `/api/offers/stock/imports/${encodeURIComponent(importId)}/error_report`, call),

    /** PRI01 — delete-and-replace of each listed offer's prices. Asynchronous: poll PRI02. */
    importPrices: async (lines: readonly PriceLine[], call?: CallOptions): Promise<MiraklImportCreated> => {
      const columns = ["offer-sku", "price", "discount-price", "discount-start-date", "discount-end-date", "channels"];
      const rows = lines.map((line) => ({
        "offer-sku": line.offer_sku,
        price: String(moneyToJson(line.price)),
        "discount-price": line.discount_price === undefined ? undefined : String(moneyToJson(line.discount_price)),
        "discount-start-date": isoDate(line.discount_start_date),
        "discount-end-date": isoDate(line.discount_end_date),
        channels: line.channels?.join("|"),
      }));
      return importCsv(
        "PRI01",
        "/api/offers/pricing/imports",
        buildCsv(columns, rows, await csvDelimiter(call)),
        "prices.csv",
        call,
      );
    },

    getPriceImportStatus: async (importId: string, call?: CallOptions): Promise<MiraklPriceImportStatus> => {
      const page = await transport.request({
        operation: "PRI02",
        path: "/api/offers/pricing/imports",
        query: { import_id: importId },
        expect: "json",
        schema: priceImportPageSchema,
        bucket: "PRI02",
        signal: call?.signal,
      });
      const status = page.data.find((entry) => entry.import_id === importId);
      if (!status) {
        throw new MiraklInvalidResponseError({
          operation: "PRI02",
          method: "GET",
          path: "/api/offers/pricing/imports",
          status: 200,
          issues: [`import ${importId} missing from PRI02 answer`],
        });
      }
      return status;
    },

    getPriceImportErrorReport: (importId: string, call?: CallOptions): Promise<ImportErrorReport> =>
      errorReport("PRI03", `/api/offers/pricing/imports/${encodeURIComponent(importId)}/error_report`, call),

    /** OF24 — full-replace upsert (see OfferInput). Asynchronous: returns the import id. */
    upsertOffers: (offers: readonly OfferInput[], call?: CallOptions): Promise<MiraklImportCreated> =>
      transport.request({
        operation: "OF24",
        path: "/api/offers",
        json: {
          offers: offers.map((offer) => ({
            ...offer,
            price: moneyToJson(offer.price),
            discount: offer.discount && {
              ...offer.discount,
              price: offer.discount.price === undefined ? undefined : moneyToJson(offer.discount.price),
            },
          })),
        },
        expect: "json",
        schema: importCreatedSchema,
        bucket: "OF24",
        signal: call?.signal,
      }),

    /** OF02 — an OF24 import's progress; once COMPLETE, `lines_in_error` lines are in its OF03 report. */
    getOfferImportStatus: (importId: string, call?: CallOptions): Promise<MiraklOfferImportStatus> =>
      transport.request({
        operation: "OF02",
        path: `/api/offers/imports/${encodeURIComponent(importId)}`,
        expect: "json",
        schema: miraklOfferImportStatusSchema,
        bucket: "OF02",
        signal: call?.signal,
      }),

    /** OF03 — an OF24 import's rejected offers (`values.sku`, the reason, the line). */
    getOfferImportErrorReport: (importId: string, call?: CallOptions): Promise<ImportErrorReport> =>
      errorReport("OF03", `/api/offers/imports/${encodeURIComponent(importId)}/error_report`, call),

    /**
     * OF21 `sku=` — the offer with this shop SKU, if the shop has one (deleted offers are not listed). Mirakl allows
     * OF21 "on each page view": a look-up right before an OF24 creation, never a way to read the catalogue.
     */
    findOfferBySku: async (sku: string, call?: CallOptions): Promise<MiraklListedOffer | null> => {
      let offset = 0;
      for (;;) {
        const page = await transport.request({
          operation: "OF21",
          path: "/api/offers",
          query: { sku, max: MIRAKL_PAGE_SIZE, offset },
          expect: "json",
          schema: offerListSchema,
          bucket: offset > 0 ? null : "OF21",
          signal: call?.signal,
        });
        // Mirakl does not say whether the filter is exact: only the offer with exactly this SKU counts.
        const found = page.offers.find((offer) => offer.shop_sku === sku);
        if (found) return found;
        offset += page.offers.length;
        if (page.offers.length === 0 || offset >= page.total_count) return null;
      }
    },

    /** OF52 — start an asynchronous JSON export of the shop's offers. */
    startOfferExport: async (request: OfferExportRequest = {}, call?: CallOptions): Promise<string> => {
      const body = {
        ...request,
        export_type: request.export_type ?? "application/json",
        last_request_date: isoDate(request.last_request_date),
      };
      const started = await transport.request({
        operation: "OF52",
        path: "/api/offers/export/async",
        json: body,
        expect: "json",
        schema: offerExportStartedSchema,
        bucket: "OF52",
        signal: call?.signal,
      });
      return started.tracking_id;
    },

    getOfferExportStatus: (trackingId: string, call?: CallOptions): Promise<MiraklOfferExportStatus> =>
      transport.request({
        operation: "OF53",
        path: `/api/offers/export/async/status/${encodeURIComponent(trackingId)}`,
        expect: "json",
        schema: miraklOfferExportStatusSchema,
        bucket: "OF53",
        signal: call?.signal,
      }),

    /**
     * OF54 — one chunk from the URLs of a COMPLETED export, offer by offer as it downloads (a chunk can hold a million
     * offers: it is never held whole; see offer-export.ts). The key is sent only to the instance's own host.
     */
    streamOfferExportChunk,

    /** OF54, read whole into an array: for chunks known to be small (tests, tools); the reconcile streams. */
    downloadOfferExportChunk: async (url: string, call?: CallOptions): Promise<MiraklExportedOffer[]> => {
      const offers: MiraklExportedOffer[] = [];
      for await (const offer of streamOfferExportChunk(url, call)) offers.push(offer);
      return offers;
    },

    /**
     * ST01 — NOT idempotent (every call creates shipments): never retried; after any failure re-read the order's
     * shipments (listShipments with its id) before sending again. Each shipment is created or refused on its own;
     * a refused one is in `shipment_errors` by order id only.
     */
    createShipments: async (
      shipments: readonly MiraklShipmentInput[],
      call?: CallOptions,
    ): Promise<MiraklShipmentsCreated> => {
      assertShipmentBatch("ST01", shipments.length);
      if (shipments.length === 0) return { shipment_success: [], shipment_errors: [] };
      return transport.request({
        operation: "ST01",
        path: "/api/shipments",
        json: {
          shipments: shipments.map((shipment) => ({
            order_id: shipment.order_id,
            shipment_lines: shipment.shipment_lines.map((line) => ({
              order_line_id: line.order_line_id,
              quantity: line.quantity,
              ...(line.package_reference == null ? {} : { package_reference: line.package_reference }),
            })),
            ...(shipment.tracking ? { tracking: trackingBody(shipment.tracking) } : {}),
            ...(shipment.shipped === undefined ? {} : { shipped: shipment.shipped }),
          })),
        },
        expect: "json",
        schema: shipmentsCreatedSchema,
        bucket: "ST01",
        signal: call?.signal,
      });
    },

    listShipments,

    /** ST23 — replaces each shipment's tracking (SHIPPING or SHIPPED shipments). */
    updateShipmentTracking: async (
      items: readonly { id: string; tracking: MiraklShipmentTracking }[],
      call?: CallOptions,
    ): Promise<MiraklShipmentsUpdated> => {
      assertShipmentBatch("ST23", items.length);
      if (items.length === 0) return { shipment_success: [], shipment_errors: [] };
      return transport.request({
        operation: "ST23",
        path: "/api/shipments/tracking",
        json: { shipments: items.map((item) => ({ id: item.id, tracking: trackingBody(item.tracking) })) },
        expect: "json",
        schema: shipmentsUpdatedSchema,
        bucket: "ST23",
        signal: call?.signal,
      });
    },

    /**
     * ST24 — SHIPPING → SHIPPED per shipment (the order ships once all its units have). A shipment already shipped
     * comes back in `shipment_errors` (also after a retried call whose first answer was lost): re-read it.
     */
    shipShipments: async (ids: readonly string[], call?: CallOptions): Promise<MiraklShipmentsUpdated> => {
      assertShipmentBatch("ST24", ids.length);
      if (ids.length === 0) return { shipment_success: [], shipment_errors: [] };
      return transport.request({
        operation: "ST24",
        path: "/api/shipments/ship",
        json: { shipments: ids.map((id) => ({ id })) },
        expect: "json",
        schema: shipmentsUpdatedSchema,
        bucket: "ST24",
        signal: call?.signal,
      });
    },

    listTransactionLogsPage,
    iterateTransactionLogs,

    /** IV01 — invoices (offset paging to exhaustion). */
    listInvoices: async (filters: InvoiceFilters = {}, call?: CallOptions): Promise<MiraklInvoice[]> => {
      const invoices: MiraklInvoice[] = [];
      let offset = 0;
      for (;;) {
        const page = await transport.request({
          operation: "IV01",
          path: "/api/invoices",
          query: {
            start_date: isoDate(filters.startDate),
            end_date: isoDate(filters.endDate),
            type: filters.type,
            payment_status: filters.paymentStatus,
            max: MIRAKL_PAGE_SIZE,
            offset,
          },
          expect: "json",
          schema: invoiceListSchema,
          bucket: offset > 0 ? null : "IV01",
          signal: call?.signal,
        });
        invoices.push(...page.invoices);
        offset += page.invoices.length;
        if (page.invoices.length === 0 || offset >= page.total_count) return invoices;
      }
    },
  };
}
