import { createHmac, randomUUID } from "node:crypto";
import type { FakeFulfillment, FakeInventoryLevel, FakeOrder, FakeProduct, FakeRefund, FakeShopStore } from "./store";

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

/** Payloads shaped like Shopify's documented 2026-07 examples, built from the fake's store. */
export function webhookPayloads(store: FakeShopStore) {
  const lineItemPayload = (order: FakeOrder, lineItemId: string, quantity?: number) => {
    const line = order.lineItems.find((l) => l.id === lineItemId)!;
    const variant = line.variantId ? store.variants.get(line.variantId) : undefined;
    return {
      id: numeric(line.id),
      admin_graphql_api_id: line.id,
      variant_id: variant ? numeric(variant.id) : null,
      product_id: variant ? numeric(variant.productId) : null,
      title: line.title,
      name: line.title,
      sku: line.sku,
      quantity: quantity ?? line.quantity,
      current_quantity: line.currentQuantity,
      price: line.unitPrice,
      price_set: {
        shop_money: { amount: line.unitPrice, currency_code: order.currency },
        presentment_money: { amount: line.presentmentUnitPrice, currency_code: order.presentmentCurrency },
      },
      fulfillable_quantity: order.fulfillmentOrders
        .flatMap((fo) => fo.lineItems)
        .filter((l) => l.lineItemId === line.id)
        .reduce((s, l) => s + l.remainingQuantity, 0),
      requires_shipping: line.requiresShipping,
      taxable: line.taxable,
      properties: line.properties,
      tax_lines: line.taxLines.map((t) => ({
        title: t.title,
        rate: t.rate,
        price: t.amount.shop,
        price_set: {
          shop_money: { amount: t.amount.shop, currency_code: order.currency },
          presentment_money: { amount: t.amount.presentment, currency_code: order.presentmentCurrency },
        },
        channel_liable: t.channelLiable,
      })),
    };
  };
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
      order_adjustments: [],
      refund_shipping_lines: [],
      return: null,
      refund_line_items: refund.lineItems.map((l) => ({
        id: numeric(l.id),
        line_item_id: numeric(l.lineItemId),
        quantity: l.quantity,
        location_id: l.locationId ? numeric(l.locationId) : null,
        restock_type: l.restockType.toLowerCase(),
        subtotal: Number(l.subtotal),
        total_tax: 0,
        subtotal_set: moneySet(l.subtotal, order.currency),
        total_tax_set: moneySet("0.00", order.currency),
        line_item: lineItemPayload(order, l.lineItemId),
      })),
      transactions: refund.transactions.map((t) => ({
        id: numeric(t.id),
        admin_graphql_api_id: t.id,
        order_id: numeric(order.id),
        kind: "refund",
        status: "success",
        amount: t.amount,
        currency: order.currency,
        gateway: t.gateway,
        created_at: refund.createdAt,
        processed_at: refund.createdAt,
      })),
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
    orderCancelled: (order: FakeOrder) => ({
      id: numeric(order.id),
      admin_graphql_api_id: order.id,
      name: order.name,
      email: order.email,
      currency: order.currency,
      created_at: order.createdAt,
      cancelled_at: order.cancelledAt,
      cancel_reason: order.cancelReason?.toLowerCase() ?? null,
      financial_status: order.financialStatus.toLowerCase(),
      source_name: order.sourceName,
      source_identifier: order.sourceIdentifier,
      tags: order.tags.join(", "),
      presentment_currency: order.presentmentCurrency,
      source_url: order.sourceUrl,
      processed_at: order.processedAt,
      taxes_included: order.taxesIncluded,
      subtotal_price: order.subtotalPrice.shop,
      total_tax: order.totalTax.shop,
      total_price: order.totalPrice.shop,
      line_items: order.lineItems.map((l) => lineItemPayload(order, l.id)),
      refunds: order.refunds.map(refundPayload),
      fulfillments: order.fulfillments.map(fulfillmentPayload),
    }),
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
