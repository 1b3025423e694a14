import prisma from "~/db.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import type { MiraklClient } from "~/integrations/mirakl";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { appendTimeline } from "~/sync/orders/mirror.server";
import type { TopicHandler } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";
import type { TimelineEntry } from "~/domain/orders/timeline";
import {
  BATCH,
  MIRROR_NOTE_PREFIX,
  onFailure,
  type Admin,
  type Connection,
  type Context,
} from "~/sync/refunds/context.server";
import { sendToMirakl } from "~/sync/refunds/shopify-refunds.server";
import { mirrorToShopify } from "~/sync/refunds/mirakl-reversals.server";
import { sweepShopifyRefunds } from "~/sync/refunds/sweep.server";

export { REFUND_ENTITY, RESEND_AFTER_MS, MIRROR_NOTE_PREFIX } from "~/sync/refunds/context.server";

/**
 * Refunds and cancellations between Shopify and Mirakl (issue 13), on the `refunds` unit per connection.
 *
 * Shopify → Mirakl: `refunds/create` of an order the app created from Mirakl records the refund (TO_MIRAKL row);
 * the pass reads the refund from Shopify and the order from Mirakl (never a stale mirror: the caps depend on every
 * earlier refund), plans OR28 with the pure `planMiraklRefunds` (capped at what each line has left, taxes split by
 * Mirakl's codes) and sends it. OR28 creates a refund on every call, so the intent is stored first (SENDING, the
 * body, when) and after a failure or a lost answer the order is read back and its refunds compared with the intent
 * (`isOwnReversal`) before anything is sent again; "not there" is believed only RESEND_AFTER_MS after the send.
 *
 * Mirakl → Shopify: the mirror marks an order whose refunds or cancelations changed; the pass mirrors each Mirakl
 * action not yet in Shopify and not the app's own with one `refundCreate` whose idempotency key comes from the Mirakl
 * ids, so a repeat after a lost answer returns the same refund.
 */

// ---- Shopify → Mirakl: recording ---------------------------------------------------------------------------

/** `refunds/create`: a Shopify refund of an order made from Mirakl is recorded for the next pass. */
export const refundWebhook: TopicHandler<"refunds/create"> = async (delivery, payload) => {
  const outcome = await recordShopifyRefund(
    delivery.shop,
    {
      id: payload.admin_graphql_api_id,
      orderId: `gid://shopify/Order/${payload.order_id}`,
      note: payload.note ?? null,
    },
    new Date(),
  );
  return outcome.recorded ? { status: "PROCESSED" } : { status: "IGNORED", reason: outcome.reason };
};

type Recorded = { recorded: true } | { recorded: false; reason: string };

/** The app's order behind a Shopify order, and whether the app itself cancelled that Shopify order. */
async function appOrderFor(shop: string, shopifyOrderId: string) {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { shop, shopifyOrderId },
    select: { id: true, connectionId: true },
  });
  if (!order) return null;
  const ownCancel = await prisma.marketplaceRefund.findFirst({
    where: { shop, orderId: order.id, direction: "TO_SHOPIFY", kind: "ORDER_CANCEL" },
    select: { id: true },
  });
  return { ...order, cancelledByApp: ownCancel !== null };
}

/** Records a TO_MIRAKL exchange once (the same Shopify event delivered twice stays one row) and marks the unit. */
async function recordToMirakl(
  shop: string,
  order: { id: string; connectionId: string },
  row: { kind: "REFUND" | "ORDER_CANCEL"; sourceKey: string },
  entry: TimelineEntry,
  now: Date,
) {
  const created = await prisma.marketplaceRefund.createMany({
    data: [{ shop, connectionId: order.connectionId, orderId: order.id, direction: "TO_MIRAKL", ...row }],
    skipDuplicates: true,
  });
  if (created.count === 0) return;
  await appendTimeline(shop, order.id, [entry], now);
  await workUnits.refunds.markDirty(order.connectionId, shop, now);
}

export async function recordShopifyRefund(
  shop: string,
  refund: { id: string; orderId: string; note: string | null },
  now: Date,
): Promise<Recorded> {
  const order = await appOrderFor(shop, refund.orderId);
  if (!order) return { recorded: false, reason: "not an order the app created from a marketplace order" };
  const mirrored = await prisma.marketplaceRefund.findFirst({
    where: { shop, orderId: order.id, direction: "TO_SHOPIFY", resultIds: { array_contains: [refund.id] } },
    select: { id: true },
  });
  // The app's own mirror of a Mirakl refund (its note says so even before the mirror recorded the refund's id).
  if (mirrored || refund.note?.startsWith(MIRROR_NOTE_PREFIX))
    return { recorded: false, reason: "the app's own mirror of a marketplace refund" };
  // Cancelling the Shopify order because Mirakl cancelled it refunds the Shopify order: nothing for Mirakl.
  if (order.cancelledByApp)
    return { recorded: false, reason: "the refund of the app's own cancellation of the order (made on Mirakl)" };
  await recordToMirakl(
    shop,
    order,
    { kind: "REFUND", sourceKey: refund.id },
    {
      actor: "STAFF",
      kind: "refund-shopify",
      message: "Shopify: refund made; to send to the marketplace",
      detail: { refundId: refund.id },
    },
    now,
  );
  return { recorded: true };
}

/** `orders/cancelled`: a Shopify order made from Mirakl was cancelled; the pass cancels (or refunds) it on Mirakl. */
export const orderCancelledWebhook: TopicHandler<"orders/cancelled"> = async (delivery, payload) => {
  const outcome = await recordShopifyCancellation(
    delivery.shop,
    {
      orderId: payload.admin_graphql_api_id,
      cancelledAt: payload.cancelled_at ? new Date(payload.cancelled_at) : null,
    },
    new Date(),
  );
  return outcome.recorded ? { status: "PROCESSED" } : { status: "IGNORED", reason: outcome.reason };
};

export function orderCancelSourceKey(shopifyOrderId: string) {
  return `order-cancel:${shopifyOrderId}`;
}

export async function recordShopifyCancellation(
  shop: string,
  cancel: { orderId: string; cancelledAt: Date | null },
  now: Date,
): Promise<Recorded> {
  const order = await appOrderFor(shop, cancel.orderId);
  if (!order) return { recorded: false, reason: "not an order the app created from a marketplace order" };
  await prisma.marketplaceOrder.updateMany({
    where: { id: order.id, shopifyCancelledAt: null },
    data: { shopifyCancelledAt: cancel.cancelledAt ?? now },
  });
  if (order.cancelledByApp)
    return { recorded: false, reason: "the app's own cancellation of the order (made on Mirakl)" };
  await recordToMirakl(
    shop,
    order,
    { kind: "ORDER_CANCEL", sourceKey: orderCancelSourceKey(cancel.orderId) },
    {
      actor: "STAFF",
      kind: "cancel-shopify",
      message: "Shopify: order cancelled; to cancel on the marketplace",
      detail: { shopifyOrderId: cancel.orderId },
    },
    now,
  );
  return { recorded: true };
}

// ---- the pass ----------------------------------------------------------------------------------------------

export interface RefundsResult {
  sent: number;
  adopted: number;
  mirrored: number;
  blocked: number;
  failed: number;
  nextDueAt: Date | null;
}

export async function runRefunds(
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
  admin?: Admin,
): Promise<RefundsResult> {
  const result: RefundsResult = { sent: 0, adopted: 0, mirrored: 0, blocked: 0, failed: 0, nextDueAt: null };
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { name: true, settings: true },
  });
  if (!row) return result;
  const settings = parseConnectionSettings(row.settings).refunds;
  let client = admin;
  const shopify = async () => (client ??= await shopifyClientForShop(connection.shop));
  const context: Context = { ...connection, marketplace: row.name, settings, mirakl, shopify, now };
  const retryAt: number[] = [];
  // Lost refunds/create and orders/cancelled webhooks, recorded before the sends below (sweep.server.ts).
  const sweep = await sweepShopifyRefunds(connection, shopify, now, {
    refund: recordShopifyRefund,
    cancellation: recordShopifyCancellation,
  }).catch((error: unknown) => onFailure(context, error));
  if (sweep.kind === "wait" || sweep.kind === "stop") retryAt.push(sweep.until.getTime());

  const toMirakl = await prisma.marketplaceRefund.findMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      direction: "TO_MIRAKL",
      status: { in: ["PENDING", "SENDING"] },
    },
    orderBy: { createdAt: "asc" },
    take: BATCH,
  });
  for (const refund of toMirakl) {
    const outcome = await sendToMirakl(context, refund).catch((error: unknown) => onFailure(context, error));
    if (outcome.kind === "sent") result.sent++;
    if (outcome.kind === "adopted") result.adopted++;
    if (outcome.kind === "blocked") result.blocked++;
    if (outcome.kind === "failed") result.failed++;
    if (outcome.kind === "wait") retryAt.push(outcome.until.getTime());
    if (outcome.kind === "stop") {
      retryAt.push(outcome.until.getTime());
      break;
    }
  }
  if (toMirakl.length === BATCH) retryAt.push(now.getTime());

  const dirty = await prisma.marketplaceOrder.findMany({
    where: { shop: connection.shop, connectionId: connection.id, refundsDirty: true },
    include: { lines: true },
    orderBy: { id: "asc" },
    take: BATCH,
  });
  for (const order of dirty) {
    const outcome = await mirrorToShopify(context, order).catch((error: unknown) => onFailure(context, error));
    if (outcome.kind === "mirrored") result.mirrored += outcome.count;
    if (outcome.kind === "failed") result.failed++;
    if (outcome.kind === "wait" || outcome.kind === "stop") {
      retryAt.push(outcome.until.getTime());
      if (outcome.kind === "stop") break;
    }
  }
  if (dirty.length === BATCH) retryAt.push(now.getTime());
  result.nextDueAt = retryAt.length ? new Date(Math.max(now.getTime(), Math.min(...retryAt))) : null;
  return result;
}

// ---- people ------------------------------------------------------------------------------------------------

/** The Order page: a refund waiting for a reason is sent with the one chosen. */
export async function chooseRefundReason(shop: string, refundId: string, reasonCode: string): Promise<boolean> {
  const row = await prisma.marketplaceRefund.findFirst({
    where: { id: refundId, shop, direction: "TO_MIRAKL", status: { in: ["BLOCKED", "FAILED"] } },
  });
  if (!row) return false;
  await prisma.marketplaceRefund.update({
    where: { id: row.id },
    data: { reasonCode, status: "PENDING", statusReason: null },
  });
  await workUnits.refunds.markDirty(row.connectionId, shop);
  return true;
}

/** Retry from the exceptions queue: a blocked or refused exchange is tried again at once. */
export async function retryRefund(shop: string, refundId: string): Promise<boolean> {
  const row = await prisma.marketplaceRefund.findFirst({ where: { id: refundId, shop } });
  if (!row) return false;
  if (row.direction === "TO_MIRAKL" && ["BLOCKED", "FAILED", "IGNORED"].includes(row.status))
    await prisma.marketplaceRefund.update({ where: { id: row.id }, data: { status: "PENDING" } });
  if (row.direction === "TO_SHOPIFY")
    await prisma.marketplaceOrder.update({ where: { id: row.orderId }, data: { refundsDirty: true } });
  await workUnits.refunds.markDirty(row.connectionId, shop);
  return true;
}
