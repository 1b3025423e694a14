import { createHmac, randomUUID } from "node:crypto";
import { apiVersion } from "~/shopify.server";

export interface WebhookToSign {
  appUrl: string;
  secret: string;
  shop: string;
  topic: string;
  payload: unknown;
  eventId?: string;
  webhookId?: string;
  triggeredAt?: Date;
  /** Raw body override, to send bytes that are not JSON. */
  body?: string;
}

/**
 * A webhook request exactly as Shopify sends one: HMAC-SHA256 (base64) of the raw body with the
 * app secret, and the X-Shopify-* headers. Used by the demo seed and by tests.
 */
export function signedWebhookRequest(w: WebhookToSign): Request {
  const body = w.body ?? JSON.stringify(w.payload);
  const eventId = w.eventId ?? randomUUID();
  return new Request(`${w.appUrl}/webhooks/${w.topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", w.secret).update(body).digest("base64"),
      "X-Shopify-Topic": w.topic,
      "X-Shopify-Shop-Domain": w.shop,
      "X-Shopify-API-Version": apiVersion,
      "X-Shopify-Webhook-Id": w.webhookId ?? `wh-${eventId}`,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": (w.triggeredAt ?? new Date()).toISOString(),
    },
  });
}
