import prisma from "~/db.server";
import { WebhookValidationErrorReason } from "@shopify/shopify-api";
import {
  isWebhookTopic,
  normalizeWebhookTopic,
  parseShopifyJson,
  parseWebhookPayload,
  type WebhookTopic,
} from "~/integrations/shopify/webhook-payloads";
import { reportException } from "~/exceptions/exceptions.server";
import { logger } from "~/lib/logger.server";
import { deliveryGroupCommit } from "~/webhooks/group-commit.server";
import { verifyWebhook, type HeaderLookup } from "~/webhooks/verify.server";
import { Prisma } from "~/generated/prisma/client";
import { appEnv } from "~/config.server";
import { readBodyWithin } from "~/lib/request-body.server";
import { complianceShopMismatch } from "~/shops/compliance.server";

/** A delivery as read off the wire: its headers, and its body's bytes (read within WEBHOOK_MAX_BODY_BYTES). */
export interface ReceivedDelivery {
  header: HeaderLookup;
  body: Uint8Array;
}

/** What Shopify is answered: a status, and for refusals a plain-text reason. */
export interface WebhookAnswer {
  status: number;
  message?: string;
}

/**
 * The webhook routes' action (Remix): the same intake as the one server.ts serves ahead of Remix
 * (node-intake.server.ts); this one answers where Remix alone serves the app (`shopify app dev`).
 */
export async function receiveWebhook(request: Request, routeTopic: WebhookTopic): Promise<Response> {
  if (request.method !== "POST") return new Response("Webhooks are POST requests", { status: 405 });
  // Read once, bounded, before any work: the HMAC can only be checked over the whole body (413 past the limit).
  const body = await readBodyWithin(request, appEnv().WEBHOOK_MAX_BODY_BYTES);
  const answer = await takeWebhookDelivery({ header: (name) => request.headers.get(name), body }, routeTopic);
  return new Response(answer.message ?? null, { status: answer.status });
}

/**
 * Webhook request path: verify (a bad HMAC is a 401, nothing stored), persist once (a redelivery hits the unique
 * key and is a no-op), mark the shop's inbox dirty, answer 200. Processing happens in the worker, never here:
 * Shopify gives us 5 seconds. Nothing on this path grows with the shop: no session read, one parse, one insert.
 */
export async function takeWebhookDelivery(
  delivery: ReceivedDelivery,
  routeTopic: WebhookTopic,
): Promise<WebhookAnswer> {
  const check = verifyWebhook(delivery.header, delivery.body, appEnv().SHOPIFY_API_SECRET);
  if (!check.valid) {
    const forged = check.reason === WebhookValidationErrorReason.InvalidHmac;
    const missing = "missingHeaders" in check ? check.missingHeaders : undefined;
    logger.warn("webhook: delivery refused", { reason: check.reason, missingHeaders: missing, routeTopic });
    // Only a wrong signature is "unauthorized"; no signature or missing headers is a malformed request.
    return forged
      ? { status: 401, message: "Webhook HMAC validation failed" }
      : { status: 400, message: `Webhook refused: ${check.reason}${missing ? ` (${missing.join(", ")})` : ""}` };
  }
  const shop = check.domain;
  const webhookId = check.webhookId;
  const eventId = "eventId" in check ? check.eventId : undefined;
  const dedupeKey = eventId || webhookId;
  const triggeredAt = parseDate(check.triggeredAt);
  const body = new TextDecoder().decode(delivery.body);

  // Parsed once, here, by our parser: JSON.parse rounds ids beyond 2^53.
  let payload: unknown;
  try {
    payload = parseShopifyJson(body);
  } catch (error) {
    if (error instanceof SyntaxError) return storeUnparseable(delivery.header, body, routeTopic);
    throw error;
  }
  const facts: DeliveryFacts = { webhookId, eventId, apiVersion: check.apiVersion, payload };

  const topic = normalizeWebhookTopic(check.topic);

  if (topic !== routeTopic || !isWebhookTopic(topic)) {
    // A subscription pointed at the wrong route: keep the bytes and say so, Shopify would only retry them.
    return storeRejected({
      shop,
      topic,
      dedupeKey,
      context: facts,
      triggeredAt,
      reason: `topic ${topic} delivered to the ${routeTopic} route`,
    });
  }

  const parsed = parseWebhookPayload(topic, payload);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    return storeRejected({ shop, topic, dedupeKey, context: facts, triggeredAt, reason });
  }

  const mismatch = complianceShopMismatch(topic, parsed.data, shop);
  if (mismatch) {
    // Not Shopify: a genuine body replayed under another shop's header. Nothing is stored for either shop.
    logger.warn("webhook: compliance payload for another shop refused", { shop, topic, dedupeKey, mismatch });
    return { status: 401, message: "The payload's shop does not match the request" };
  }

  // One row, written with the deliveries arriving alongside it (group commit); answered once it is committed.
  const inserted = await deliveryGroupCommit.store({
    shop,
    topic,
    dedupeKey,
    webhookId: facts.webhookId,
    eventId: facts.eventId ?? null,
    apiVersion: facts.apiVersion ?? null,
    triggeredAt,
    payload: (payload ?? {}) as Prisma.InputJsonValue,
  });
  if (!inserted) logger.info("webhook: duplicate delivery ignored", { shop, topic, dedupeKey });
  return { status: 200 };
}

/** What we keep of a delivery: its verified headers and payload, or the headers of one we could not parse. */
type DeliveryFacts = { webhookId: string; eventId?: string; apiVersion?: string; payload: unknown };

async function insertDelivery(input: {
  shop: string;
  topic: string;
  dedupeKey: string;
  context: DeliveryFacts;
  triggeredAt: Date | null;
  status: "PENDING" | "FAILED";
  error?: string;
}): Promise<{ id: string } | null> {
  const { context } = input;
  try {
    return await prisma.webhookDelivery.create({
      data: {
        shop: input.shop,
        topic: input.topic,
        webhookId: context.webhookId,
        eventId: context.eventId ?? null,
        dedupeKey: input.dedupeKey,
        apiVersion: context.apiVersion ?? null,
        triggeredAt: input.triggeredAt,
        payload: (context.payload ?? {}) as Prisma.InputJsonValue,
        status: input.status,
        error: input.error ?? null,
      },
      select: { id: true },
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      logger.info("webhook: duplicate delivery ignored", {
        shop: input.shop,
        topic: input.topic,
        dedupeKey: input.dedupeKey,
      });
      return null;
    }
    throw e;
  }
}

async function storeRejected(input: {
  shop: string;
  topic: string;
  dedupeKey: string;
  context: DeliveryFacts;
  triggeredAt: Date | null;
  reason: string;
}) {
  const delivery = await insertDelivery({ ...input, status: "FAILED", error: input.reason });
  if (delivery) {
    await reportException({
      shop: input.shop,
      kind: "WEBHOOK_PAYLOAD_INVALID",
      severity: "ERROR",
      entityType: "WebhookDelivery",
      entityId: delivery.id,
      message: `A ${input.topic} webhook did not match its schema: ${input.reason}`,
      fixHint:
        "The delivery is kept as received. If Shopify changed the payload, update the schema in app/integrations/shopify/webhook-payloads.ts and press Retry to validate it again.",
      detail: {
        topic: input.topic,
        webhookId: input.context.webhookId,
        eventId: input.context.eventId ?? null,
        reason: input.reason,
      },
    });
  }
  return { status: 200 };
}

async function storeUnparseable(lookup: HeaderLookup, body: string, routeTopic: WebhookTopic): Promise<WebhookAnswer> {
  const header = (name: string) => lookup(`x-shopify-${name}`) || lookup(`shopify-${name}`) || null;
  const shop = header("shop-domain") ?? "unknown";
  const webhookId = header("webhook-id") ?? crypto.randomUUID();
  const eventId = header("event-id");
  const context: DeliveryFacts = {
    webhookId,
    eventId: eventId ?? undefined,
    apiVersion: header("api-version") ?? undefined,
    payload: { unparseableBody: body.slice(0, 65_536) },
  };
  await storeRejected({
    shop,
    topic: header("topic") ?? routeTopic,
    dedupeKey: eventId ?? webhookId,
    context,
    triggeredAt: parseDate(header("triggered-at") ?? undefined),
    reason: "the body is not valid JSON",
  });
  return { status: 400, message: "Webhook body is not valid JSON" };
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
