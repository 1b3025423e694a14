import { z } from "zod";

/**
 * zod schemas for the webhook topics this app subscribes to in shopify.app.toml.
 * Objects are loose (Shopify adds fields without a version bump); we key on
 * `admin_graphql_api_id` GID strings because numeric ids above 2^53 lose precision in JSON.parse.
 */

// Some GIDs carry a query (InventoryLevel: "gid://shopify/InventoryLevel/1?inventory_item_id=2").
const gid = (type: string) =>
  z
    .string()
    .max(500)
    .regex(new RegExp(`^gid://shopify/${type}/\\d+(\\?[\\w=&%.-]*)?$`), `expected a ${type} GID`);

/** Numeric ids that JSON.parse may already have rounded: matched as strings, exact when parsed with parseShopifyJson. */
const looseId = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(String);

const shopPayload = z.looseObject({ id: looseId, myshopify_domain: z.string().nullish() });

const scopesUpdatePayload = z.looseObject({
  previous: z.array(z.string()).max(1000),
  current: z.array(z.string()).max(1000),
  updated_at: z.string().nullish(),
});

const inventoryLevelsUpdatePayload = z.looseObject({
  admin_graphql_api_id: gid("InventoryLevel"),
  inventory_item_id: looseId,
  location_id: looseId,
  available: z.number().int().nullable(),
  updated_at: z.string(),
});

/** The item is no longer stocked at the location: only the two numeric ids (exact through parseShopifyJson). */
const inventoryLevelsDisconnectPayload = z.looseObject({
  inventory_item_id: looseId,
  location_id: looseId,
});

/** Only the location is relied on; a deactivated location's levels stop counting whatever else it says. */
const locationsDeactivatePayload = z.looseObject({
  admin_graphql_api_id: gid("Location"),
  id: looseId,
  name: z.string().max(255).nullish(),
  active: z.boolean().nullish(),
});

/**
 * The stock sync re-reads the product from the Admin API (the payload has no tracking flag, may list only some
 * variants, and an older delivery arriving late must not win), so only the product GID is relied on; the rest is
 * checked for shape so a malformed delivery is flagged rather than half-used.
 */
const productsUpdatePayload = z.looseObject({
  admin_graphql_api_id: gid("Product"),
  id: looseId,
  status: z.string().max(50).nullish(),
  updated_at: z.string().nullish(),
  variants: z
    .array(
      z.looseObject({
        admin_graphql_api_id: gid("ProductVariant"),
        sku: z.string().nullish(),
        inventory_item_id: looseId.nullish(),
      }),
    )
    .max(5000)
    .default([]),
  variant_gids: z
    .array(z.looseObject({ admin_graphql_api_id: gid("ProductVariant"), updated_at: z.string().nullish() }))
    .max(5000)
    .nullish(),
});

/** Shopify sends only the numeric id here; the intake keeps its digits exact (parseShopifyJson). */
const productsDeletePayload = z.looseObject({ id: looseId });

const moneySet = z.looseObject({
  shop_money: z.looseObject({ amount: z.string(), currency_code: z.string() }),
});

const ordersCancelledPayload = z.looseObject({
  admin_graphql_api_id: gid("Order"),
  name: z.string(),
  cancelled_at: z.string().nullable(),
  cancel_reason: z.string().nullable(),
  source_name: z.string().nullish(),
  tags: z.string().nullish(),
  line_items: z
    .array(z.looseObject({ admin_graphql_api_id: gid("LineItem"), quantity: z.number().int().nonnegative() }))
    .max(5000),
});

const refundsCreatePayload = z.looseObject({
  admin_graphql_api_id: gid("Refund"),
  order_id: looseId,
  created_at: z.string(),
  note: z.string().nullish(),
  refund_line_items: z
    .array(
      z.looseObject({
        line_item_id: looseId,
        quantity: z.number().int().nonnegative(),
        restock_type: z.string().nullish(),
        subtotal_set: moneySet.nullish(),
        total_tax_set: moneySet.nullish(),
        line_item: z.looseObject({ admin_graphql_api_id: gid("LineItem") }).nullish(),
      }),
    )
    .max(5000),
  transactions: z
    .array(
      z.looseObject({
        kind: z.string(),
        status: z.string().nullish(),
        amount: z.string(),
        currency: z.string().nullish(),
      }),
    )
    .max(5000),
});

const fulfillmentPayload = z.looseObject({
  admin_graphql_api_id: gid("Fulfillment"),
  order_id: looseId,
  name: z.string().max(255).nullish(),
  status: z.string(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  tracking_company: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).max(1000).default([]),
  tracking_url: z.string().nullish(),
  tracking_urls: z.array(z.string()).max(1000).default([]),
  line_items: z
    .array(
      z.looseObject({
        admin_graphql_api_id: gid("LineItem"),
        sku: z.string().nullish(),
        quantity: z.number().int().nonnegative(),
      }),
    )
    .max(5000),
});

const complianceCustomer = z.looseObject({
  id: looseId,
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

const customersRedactPayload = z.looseObject({
  shop_domain: z.string().max(255),
  customer: complianceCustomer,
  orders_to_redact: z.array(looseId).max(100_000).default([]),
});

const customersDataRequestPayload = z.looseObject({
  shop_domain: z.string().max(255),
  customer: complianceCustomer,
  orders_requested: z.array(looseId).max(100_000).default([]),
  data_request: z.looseObject({ id: looseId }).nullish(),
});

const shopRedactPayload = z.looseObject({ shop_domain: z.string().max(255) });

export const webhookPayloadSchemas = {
  "app/uninstalled": shopPayload,
  "app/scopes_update": scopesUpdatePayload,
  "inventory_levels/update": inventoryLevelsUpdatePayload,
  "inventory_levels/disconnect": inventoryLevelsDisconnectPayload,
  "locations/deactivate": locationsDeactivatePayload,
  "products/update": productsUpdatePayload,
  "products/delete": productsDeletePayload,
  "orders/cancelled": ordersCancelledPayload,
  "refunds/create": refundsCreatePayload,
  "fulfillments/create": fulfillmentPayload,
  "fulfillments/update": fulfillmentPayload,
  "customers/data_request": customersDataRequestPayload,
  "customers/redact": customersRedactPayload,
  "shop/redact": shopRedactPayload,
} as const;

export type WebhookTopic = keyof typeof webhookPayloadSchemas;
export type WebhookPayload<T extends WebhookTopic> = z.infer<(typeof webhookPayloadSchemas)[T]>;
export const webhookTopics = Object.keys(webhookPayloadSchemas) as WebhookTopic[];

export function isWebhookTopic(topic: string): topic is WebhookTopic {
  return Object.hasOwn(webhookPayloadSchemas, topic);
}

/** `authenticate.webhook` reports topics enum-style ("INVENTORY_LEVELS_UPDATE"); the TOML and headers use "inventory_levels/update". */
export function normalizeWebhookTopic(topic: string): string {
  if (topic.includes("/")) return topic.toLowerCase();
  const lower = topic.toLowerCase();
  const match = webhookTopics.find((t) => t.replace("/", "_") === lower);
  return match ?? lower;
}

export function parseWebhookPayload<T extends WebhookTopic>(topic: T, payload: unknown) {
  return webhookPayloadSchemas[topic].safeParse(payload) as z.ZodSafeParseResult<WebhookPayload<T>>;
}

/**
 * The inventory item of an `inventory_levels/update` delivery, exact. The payload's numeric `inventory_item_id`
 * may already be rounded by JSON.parse (Shopify's own example shows …884000 for …884015); the GID's query is not.
 */
export function inventoryItemGidFromLevelGid(levelGid: string): string | null {
  const itemId = /[?&]inventory_item_id=(\d+)/.exec(levelGid)?.[1];
  return itemId ? `gid://shopify/InventoryItem/${itemId}` : null;
}

/**
 * JSON.parse that keeps integers beyond 2^53 as their exact digit strings (Node 22's reviver source text).
 * The schemas accept ids as numbers or digit strings, so a raw body parsed this way loses nothing.
 */
export function parseShopifyJson(raw: string): unknown {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)
      ? context.source
      : value;
  return JSON.parse(raw, reviver as (key: string, value: unknown) => unknown);
}
