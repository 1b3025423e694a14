import "@shopify/shopify-api/adapters/web-api";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { shopifyApi, ApiVersion } from "@shopify/shopify-api";
import { verifyWebhook } from "~/webhooks/verify.server";

// The intake checks webhooks with node:crypto (app/webhooks/verify.server.ts); Shopify's library is the reference
// for what a valid delivery is. Every case here must get the library's answer, field for field.
const secret = "shpss_0123456789abcdef0123456789abcdef";
const library = shopifyApi({
  apiKey: "key",
  apiSecretKey: secret,
  apiVersion: ApiVersion.July26,
  hostName: "app.example.com",
  isEmbeddedApp: true,
  _logDisabledFutureFlags: false,
}).webhooks;

const sign = (body: string, key = secret) => createHmac("sha256", key).update(body).digest("base64");

const classic = {
  hmac: "X-Shopify-Hmac-Sha256",
  topic: "X-Shopify-Topic",
  domain: "X-Shopify-Shop-Domain",
  apiVersion: "X-Shopify-API-Version",
  webhookId: "X-Shopify-Webhook-Id",
  triggeredAt: "X-Shopify-Triggered-At",
  eventId: "X-Shopify-Event-Id",
  name: "X-Shopify-Name",
} as const;
const events = {
  hmac: "shopify-hmac-sha256",
  topic: "shopify-topic",
  domain: "shopify-shop-domain",
  apiVersion: "shopify-api-version",
  webhookId: "shopify-webhook-id",
  triggeredAt: "shopify-triggered-at",
  handle: "shopify-handle",
  action: "shopify-action",
} as const;

async function bothAnswers(headers: Record<string, string>, body: string) {
  const request = new Request("https://app.example.com/webhooks/orders/create", { method: "POST", headers, body });
  const expected = await library.validate({ rawBody: body, rawRequest: request });
  const actual = verifyWebhook((name) => request.headers.get(name), new TextEncoder().encode(body), secret);
  return { expected, actual };
}

const deliveryHeaders = (format: typeof classic | typeof events, body: string) =>
  Object.fromEntries(
    Object.entries({
      hmac: sign(body),
      topic: "inventory_levels/update",
      domain: "shop-1.myshopify.com",
      apiVersion: "2026-07",
      webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
      triggeredAt: "2026-12-04T10:00:00.000Z",
      eventId: "98880550-7158-44d4-b7cd-2c97c8a091b5",
      name: "stock",
      handle: "my-handle",
      action: "update",
    })
      .filter(([field]) => field in format)
      .map(([field, value]) => [format[field as keyof typeof format], value]),
  );

describe("webhook verification agrees with @shopify/shopify-api's webhooks.validate", () => {
  it("a genuine delivery, in either header format", async () => {
    const body = JSON.stringify({ inventory_item_id: 1, available: 3, note: "café 漢字" });
    for (const format of [classic, events]) {
      const { expected, actual } = await bothAnswers(deliveryHeaders(format, body), body);
      expect(expected.valid).toBe(true);
      expect(actual).toEqual(expected);
    }
  });

  it("forged, unsigned, empty and header-less deliveries get the library's reason", async () => {
    const body = '{"id":1}';
    const headers = deliveryHeaders(classic, body);
    const cases: [Record<string, string>, string][] = [
      [{ ...headers, [classic.hmac]: sign(body, "another-secret") }, body],
      [{ ...headers, [classic.hmac]: sign(body).slice(0, -2) }, body],
      [Object.fromEntries(Object.entries(headers).filter(([k]) => k !== classic.hmac)), body],
      [{ ...headers, [classic.hmac]: sign("") }, ""],
      [{ [classic.hmac]: sign(body) }, body],
      [{ ...headers, [classic.topic]: "", [classic.webhookId]: "" }, body],
    ];
    for (const [h, b] of cases) {
      const { expected, actual } = await bothAnswers(h, b);
      expect(expected.valid).toBe(false);
      expect(actual).toEqual(expected);
    }
  });

  it("any mix of headers present, missing, empty, re-cased or forged, over any body", async () => {
    const field = fc.constantFrom(...new Set([...Object.keys(classic), ...Object.keys(events)]));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(classic, events),
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.uniqueArray(field, { maxLength: 4 }),
        fc.uniqueArray(field, { maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (format, body, dropped, emptied, forged, upperCase) => {
          const headers: Record<string, string> = {};
          for (const [f, name] of Object.entries(format)) {
            if (dropped.includes(f)) continue;
            const value = deliveryHeaders(format, body)[name];
            headers[upperCase ? name.toUpperCase() : name] = emptied.includes(f)
              ? ""
              : f === "hmac" && forged
                ? sign(body, "forger")
                : value;
          }
          const { expected, actual } = await bothAnswers(headers, body);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
