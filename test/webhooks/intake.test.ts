import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { sessionStorage } from "~/shopify.server";
import { action as inventoryWebhook } from "~/routes/webhooks.inventory_levels.update";
import { action as uninstalledWebhook } from "~/routes/webhooks.app.uninstalled";
import { action as disconnectWebhook } from "~/routes/webhooks.inventory_levels.disconnect";
import { action as deactivateWebhook } from "~/routes/webhooks.locations.deactivate";
import { installShop, settle, webhookRequest } from "../helpers/app";
import { shopifyJson } from "../shopify-fake/webhooks";

// Each test gets its own installed shop, so counts "where shop" see only that test's deliveries and exceptions.
let shop: string;
let shopCount = 0;
const level = {
  admin_graphql_api_id: "gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015",
  // Shopify's own example id, beyond 2^53 as Shopify sends it; JSON.parse rounds it the same way.
  // eslint-disable-next-line no-loss-of-precision
  inventory_item_id: 271878346596884015,
  location_id: 24826418,
  available: 10,
  updated_at: "2026-11-22T10:00:00-05:00",
};

beforeEach(async () => {
  shop = `intake-shop-${++shopCount}.myshopify.com`;
  await installShop(shop);
});

afterEach(() => vi.restoreAllMocks());

const call = (request: Request) => settle(inventoryWebhook({ request, params: {}, context: {} }));

describe("webhook intake", () => {
  it("rejects a forged HMAC with 401 and stores nothing", async () => {
    const response = await call(
      webhookRequest(shop, "inventory_levels/update", level, { secret: "not-the-app-secret", eventId: "forged-1" }),
    );
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { dedupeKey: "forged-1" } })).toBe(0);
    expect(await prisma.syncException.count({ where: { shop } })).toBe(0);
  });

  it("stores a valid delivery once, marks the inbox dirty, and treats a redelivery as a no-op", async () => {
    const first = await call(webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-dup" }));
    const second = await call(webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-dup" }));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const rows = await prisma.webhookDelivery.findMany({ where: { shop, dedupeKey: "evt-dup" } });
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("PENDING");
    expect(rows[0].topic).toBe("inventory_levels/update");
    expect((rows[0].payload as any).admin_graphql_api_id).toBe(level.admin_graphql_api_id);
  });

  it("stores ids beyond 2^53 exactly (JSON.parse would round 271878346596884015 to …884000)", async () => {
    const body = JSON.stringify({ ...level, inventory_item_id: 0 }).replace(
      '"inventory_item_id":0',
      '"inventory_item_id":271878346596884015',
    );
    expect(
      (await call(webhookRequest(shop, "inventory_levels/update", null, { eventId: "evt-bigint", body }))).status,
    ).toBe(200);
    const row = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "evt-bigint" } });
    expect(String((row.payload as any).inventory_item_id)).toBe("271878346596884015");
    const unit = await prisma.workUnit.findUnique({ where: { key: `webhook-inbox:${shop}` } });
    expect(unit?.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("answers 200 to a payload that fails its schema, keeps it as FAILED and opens one exception", async () => {
    const { admin_graphql_api_id: _dropped, ...withoutGid } = level;
    const response = await call(
      webhookRequest(shop, "inventory_levels/update", { ...withoutGid, available: "ten" }, { eventId: "evt-bad" }),
    );
    expect(response.status).toBe(200);
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "evt-bad" } });
    expect(delivery.status).toBe("FAILED");
    expect(delivery.error).toMatch(/admin_graphql_api_id/);
    const exception = await prisma.syncException.findFirstOrThrow({ where: { shop, entityId: delivery.id } });
    expect(exception.kind).toBe("WEBHOOK_PAYLOAD_INVALID");
    expect(exception.status).toBe("OPEN");
    expect(exception.fixHint).toMatch(/Retry/);
    // The same bytes again: still one row, still one exception.
    await call(
      webhookRequest(shop, "inventory_levels/update", { ...withoutGid, available: "ten" }, { eventId: "evt-bad" }),
    );
    expect(await prisma.syncException.count({ where: { shop, kind: "WEBHOOK_PAYLOAD_INVALID" } })).toBe(1);
  });

  it("answers 400 to a signed body that is not JSON, keeping the bytes and opening an exception", async () => {
    const response = await call(
      webhookRequest(shop, "inventory_levels/update", null, { eventId: "evt-garbage", body: "<xml>nope</xml>" }),
    );
    expect(response.status).toBe(400);
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "evt-garbage" } });
    expect(delivery.status).toBe("FAILED");
    expect((delivery.payload as any).unparseableBody).toBe("<xml>nope</xml>");
    expect(
      await prisma.syncException.count({ where: { shop, entityId: delivery.id, kind: "WEBHOOK_PAYLOAD_INVALID" } }),
    ).toBe(1);
  });

  it("reads no session on the request path (the library's authenticate.webhook loads the offline session per delivery)", async () => {
    const loads = vi.spyOn(sessionStorage, "loadSession");
    const byShop = vi.spyOn(sessionStorage, "findSessionsByShop");
    const response = await call(webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-no-session" }));
    expect(response.status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { shop, dedupeKey: "evt-no-session" } })).toBe(1);
    expect(loads).not.toHaveBeenCalled();
    expect(byShop).not.toHaveBeenCalled();
  });

  it("answers 400 to a signed delivery missing Shopify's headers, and 405 to anything but POST; stores nothing", async () => {
    const signed = webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-headerless" });
    const headers = new Headers(signed.headers);
    headers.delete("X-Shopify-Webhook-Id");
    const headerless = await call(new Request(signed.url, { method: "POST", headers, body: await signed.text() }));
    expect(headerless.status).toBe(400);
    expect(await headerless.text()).toMatch(/missing_headers.*webhook-id/i);

    const unsigned = new Headers(headers);
    unsigned.delete("X-Shopify-Hmac-Sha256");
    const noHmac = await call(
      new Request(signed.url, { method: "POST", headers: unsigned, body: JSON.stringify(level) }),
    );
    expect(noHmac.status).toBe(400);

    const get = await call(new Request(signed.url, { method: "GET" }));
    expect(get.status).toBe(405);
    expect(await prisma.webhookDelivery.count({ where: { dedupeKey: "evt-headerless" } })).toBe(0);
    expect(await prisma.syncException.count({ where: { shop } })).toBe(0);
  });

  it("keeps a delivery sent to the wrong topic route, as a failed delivery with an exception", async () => {
    const response = await settle(
      uninstalledWebhook({
        request: webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-misrouted" }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(200);
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "evt-misrouted" } });
    expect(delivery.status).toBe("FAILED");
  });
});

describe("inventory_levels/disconnect and locations/deactivate routes", () => {
  // Shopify's 2026-07 examples, with the ids as Shopify sends them.
  const topics = [
    {
      topic: "inventory_levels/disconnect",
      action: disconnectWebhook,
      payload: { inventory_item_id: 271878346596884015n, location_id: 24826418 },
      malformed: { inventory_item_id: "one", location_id: 24826418 },
    },
    {
      topic: "locations/deactivate",
      action: deactivateWebhook,
      payload: {
        id: 866550311766439020n,
        name: "Example Shop",
        active: false,
        legacy: false,
        admin_graphql_api_id: "gid://shopify/Location/866550311766439020",
      },
      malformed: { id: 866550311766439020n, admin_graphql_api_id: "gid://shopify/Product/1" },
    },
  ] as const;
  const send = (action: (typeof topics)[number]["action"], request: Request) =>
    settle(action({ request, params: {}, context: {} }));

  it.each(topics)("$topic: stored once for the inbox when signed and valid", async ({ topic, action, payload }) => {
    const response = await send(
      action,
      webhookRequest(shop, topic, null, { eventId: `evt-${topic}`, body: shopifyJson(payload) }),
    );
    expect(response.status).toBe(200);
    const rows = await prisma.webhookDelivery.findMany({ where: { shop, topic } });
    expect(rows.map((r) => r.status)).toEqual(["PENDING"]);
  });

  it.each(topics)("$topic: a forged HMAC is refused with 401, nothing stored", async ({ topic, action, payload }) => {
    const response = await send(
      action,
      webhookRequest(shop, topic, null, {
        secret: "not-the-app-secret",
        eventId: `forged-${topic}`,
        body: shopifyJson(payload),
      }),
    );
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await prisma.syncException.count({ where: { shop } })).toBe(0);
  });

  it.each(topics)(
    "$topic: a payload off its schema is kept FAILED with an exception",
    async ({ topic, action, malformed }) => {
      const response = await send(
        action,
        webhookRequest(shop, topic, null, { eventId: `bad-${topic}`, body: shopifyJson(malformed) }),
      );
      expect(response.status).toBe(200);
      const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, topic } });
      expect(delivery.status).toBe("FAILED");
      expect(
        await prisma.syncException.count({ where: { shop, entityId: delivery.id, kind: "WEBHOOK_PAYLOAD_INVALID" } }),
      ).toBe(1);
    },
  );

  it.each(topics)("$topic: a signed body that is not JSON gets 400 and an exception", async ({ topic, action }) => {
    const response = await send(action, webhookRequest(shop, topic, null, { eventId: `junk-${topic}`, body: "{nope" }));
    expect(response.status).toBe(400);
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, topic } });
    expect(await prisma.syncException.count({ where: { shop, entityId: delivery.id } })).toBe(1);
  });
});
