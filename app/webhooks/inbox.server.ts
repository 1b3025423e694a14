import prisma from "~/db.server";
import type { WebhookDelivery } from "~/generated/prisma/client";
import {
  isWebhookTopic,
  parseWebhookPayload,
  type WebhookPayload,
  type WebhookTopic,
} from "~/integrations/shopify/webhook-payloads";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { logger } from "~/lib/logger.server";
import type { RetryHandler } from "~/exceptions/retries.server";
import { workUnits } from "~/worker/registry.server";
import { pokeEmbeddedWorker } from "~/worker/embedded.server";

/** After this many failed attempts a delivery stops being retried by itself and waits for Retry. */
export const MAX_DELIVERY_ATTEMPTS = 5;
const BATCH = 50;

export type TopicOutcome = { status: "PROCESSED" } | { status: "IGNORED"; reason: string };

export type TopicHandler<T extends WebhookTopic> = (
  delivery: WebhookDelivery,
  payload: WebhookPayload<T>,
) => Promise<TopicOutcome>;

// Stored type-erased: each handler was registered with its own topic's payload schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const topicHandlers = new Map<WebhookTopic, TopicHandler<any>>();

/** Flows subscribe to topics here; a topic nobody consumes is recorded as IGNORED, with the reason. */
export function onWebhookTopic<T extends WebhookTopic>(topic: T, handler: TopicHandler<T>) {
  topicHandlers.set(topic, handler);
  // A batch handler does what the handler it was registered with does: a new handler replaces both.
  topicBatchHandlers.delete(topic);
}

/**
 * A topic whose consecutive deliveries can be processed together (one statement for many, instead of several
 * each): returns the ids of the deliveries it processed; those it leaves (or all, if it throws) are processed one
 * by one by the topic's handler, with the usual failure accounting.
 */
export type TopicBatchHandler<T extends WebhookTopic> = (
  shop: string,
  deliveries: { delivery: WebhookDelivery; payload: WebhookPayload<T> }[],
) => Promise<string[]>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const topicBatchHandlers = new Map<WebhookTopic, TopicBatchHandler<any>>();

/** Registers a batch handler next to the topic's own handler (which stays the fallback). */
export function onWebhookTopicBatch<T extends WebhookTopic>(topic: T, handler: TopicBatchHandler<T>) {
  topicBatchHandlers.set(topic, handler);
}

/** Processes the shop's pending deliveries, oldest event first; returns when more remain to retry. */
export async function processInbox(
  shop: string,
  signal?: AbortSignal,
  now = () => new Date(),
): Promise<{ nextDueAt: Date | null }> {
  let retryAt = null as Date | null;
  const skipped = new Set<string>();
  for (;;) {
    if (signal?.aborted) return { nextDueAt: now() };
    const batch = await prisma.webhookDelivery.findMany({
      where: { shop, status: "PENDING", id: { notIn: [...skipped] } },
      orderBy: [{ triggeredAt: { sort: "asc", nulls: "last" } }, { receivedAt: "asc" }],
      take: BATCH,
    });
    if (batch.length === 0) break;
    const processedTogether = await processRunsTogether(shop, batch, now());
    for (const delivery of batch) {
      if (signal?.aborted) return { nextDueAt: now() };
      if (processedTogether.has(delivery.id)) continue;
      const failedRetryAt = await processDelivery(delivery, now());
      if (failedRetryAt) {
        skipped.add(delivery.id);
        retryAt = retryAt && retryAt < failedRetryAt ? retryAt : failedRetryAt;
      }
    }
    // A short batch was everything pending when it was read. Rows stored since then marked the inbox again (after
    // their commit), so the next pass, after the settle time, takes them together; reading again now would take
    // the few that arrived during this batch, a pass's statements for each few in a burst.
    if (batch.length < BATCH) break;
  }
  return { nextDueAt: retryAt };
}

/**
 * Deliveries of a batchable topic that follow one another (nothing of another topic between them, so the order
 * of events is kept) go to the topic's batch handler together. Returns the ids it processed and recorded.
 */
async function processRunsTogether(shop: string, batch: WebhookDelivery[], now: Date): Promise<Set<string>> {
  const done = new Set<string>();
  let i = 0;
  while (i < batch.length) {
    const topic = batch[i].topic;
    const handler = isWebhookTopic(topic) ? topicBatchHandlers.get(topic) : undefined;
    let end = i + 1;
    while (end < batch.length && batch[end].topic === topic) end++;
    const run = batch.slice(i, end);
    i = end;
    if (!handler || run.length < 2) continue;
    const parsed = run.flatMap((delivery) => {
      const result = parseWebhookPayload(topic as WebhookTopic, delivery.payload);
      // A delivery that no longer parses is left to processDelivery, which records why.
      return result.success ? [{ delivery, payload: result.data }] : [];
    });
    let processedIds: string[];
    try {
      processedIds = await handler(shop, parsed);
    } catch (error) {
      logger.warn("webhook: processing a run together failed, processing it one by one", {
        shop,
        topic,
        size: parsed.length,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    if (processedIds.length === 0) continue;
    await prisma.webhookDelivery.updateMany({
      where: { shop, id: { in: processedIds }, status: "PENDING" },
      data: { status: "PROCESSED", error: null, processedAt: now, attempts: { increment: 1 } },
    });
    // An earlier failed attempt may have left an exception open on any of them.
    await prisma.syncException.updateMany({
      where: { shop, entityType: "WebhookDelivery", entityId: { in: processedIds }, status: "OPEN" },
      data: { status: "RESOLVED", resolvedAt: now },
    });
    for (const id of processedIds) done.add(id);
  }
  return done;
}

/** Returns a retry time when the delivery failed and will be tried again. */
async function processDelivery(delivery: WebhookDelivery, now: Date): Promise<Date | null> {
  const topic = delivery.topic;
  try {
    if (!isWebhookTopic(topic)) throw new Error(`unknown topic ${topic}`);
    const parsed = parseWebhookPayload(topic, delivery.payload);
    if (!parsed.success) {
      await markFailedForGood(
        delivery,
        `payload no longer matches its schema: ${parsed.error.issues[0]?.message ?? "invalid"}`,
        "WEBHOOK_PAYLOAD_INVALID",
      );
      return null;
    }
    const handler = topicHandlers.get(topic);
    const outcome: TopicOutcome = handler
      ? await handler(delivery, parsed.data)
      : { status: "IGNORED", reason: "no flow consumes this topic yet" };
    // updateMany: shop/redact deletes the shop's deliveries, this one included.
    await prisma.webhookDelivery.updateMany({
      where: { id: delivery.id },
      data: {
        status: outcome.status,
        error: outcome.status === "IGNORED" ? outcome.reason : null,
        processedAt: now,
        attempts: { increment: 1 },
      },
    });
    await resolveExceptionsFor(delivery.shop, "WebhookDelivery", delivery.id, now);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const attempts = delivery.attempts + 1;
    logger.warn("webhook: processing failed", {
      shop: delivery.shop,
      topic,
      delivery: delivery.id,
      attempts,
      error: message,
    });
    if (attempts >= MAX_DELIVERY_ATTEMPTS) {
      await markFailedForGood(delivery, message, "WEBHOOK_PROCESSING_FAILED");
      return null;
    }
    await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { attempts, error: message } });
    return new Date(now.getTime() + 1000 * 2 ** attempts);
  }
}

async function markFailedForGood(
  delivery: WebhookDelivery,
  reason: string,
  kind: "WEBHOOK_PAYLOAD_INVALID" | "WEBHOOK_PROCESSING_FAILED",
) {
  await prisma.webhookDelivery.update({
    where: { id: delivery.id },
    data: { status: "FAILED", error: reason, attempts: { increment: 1 } },
  });
  await reportException({
    shop: delivery.shop,
    kind,
    severity: "ERROR",
    entityType: "WebhookDelivery",
    entityId: delivery.id,
    message: `Processing the ${delivery.topic} webhook failed: ${reason}`,
    fixHint:
      kind === "WEBHOOK_PROCESSING_FAILED"
        ? `It was tried ${MAX_DELIVERY_ATTEMPTS} times. Fix the cause shown in the detail, then press Retry; the stored delivery is processed again.`
        : "Update the payload schema, then press Retry to validate the stored delivery again.",
    detail: { topic: delivery.topic, webhookId: delivery.webhookId, reason },
  });
}

/** Retry from the exceptions queue: the stored delivery goes back to the inbox. */
export async function requeueDelivery(shop: string, deliveryId: string): Promise<boolean> {
  const { count } = await prisma.webhookDelivery.updateMany({
    where: { id: deliveryId, shop, status: "FAILED" },
    data: { status: "PENDING", attempts: 0, error: null },
  });
  return count === 1;
}

/** Retry on a failed delivery's exception: it goes back to the inbox (registered in app/sync/index.server.ts). */
export const retryDelivery: RetryHandler = async (shop, deliveryId) => {
  const requeued = await requeueDelivery(shop, deliveryId);
  if (requeued) {
    await workUnits.webhookInbox.markDirty(shop);
    pokeEmbeddedWorker();
  }
  return requeued;
};

export const inboxTask = workUnits.webhookInbox.task((unit, ctx) => processInbox(unit.shop!, ctx.signal, ctx.now));

const SWEEP_EVERY_MS = 60_000;
/** Stored payloads hold customer data: they are kept this long for support, then deleted, failed ones included. */
export const DELIVERY_RETENTION_DAYS = 30;

/**
 * Level-triggered safety net: re-marks any shop with pending deliveries (a crash between storing a
 * delivery and marking its inbox dirty loses nothing) and prunes old processed deliveries.
 */
export const inboxSweepTask = workUnits.webhookInboxSweep.task(async (_unit, ctx) => {
  const now = ctx.now();
  const shops = await prisma.webhookDelivery.groupBy({ by: ["shop"], where: { status: "PENDING" } });
  for (const { shop } of shops) await workUnits.webhookInbox.markDirty(shop, now);
  const cutoff = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000);
  await prisma.webhookDelivery.deleteMany({
    where: { status: { in: ["PROCESSED", "IGNORED", "FAILED"] }, receivedAt: { lt: cutoff } },
  });
  return { nextDueAt: new Date(now.getTime() + SWEEP_EVERY_MS) };
});
