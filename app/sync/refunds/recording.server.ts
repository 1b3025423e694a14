import prisma from "~/db.server";
import type { TimelineEntry } from "~/domain/orders/timeline";
import { appendTimeline } from "~/sync/orders/mirror.server";
import { appEntry, MIRROR_NOTE_PREFIX } from "~/sync/refunds/context.server";
import type { TopicHandler } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";

/**
 * Shopify's refunds and cancellations of orders the app made from Mirakl, recorded as TO_MIRAKL exchanges for the
 * refund pass (from the webhooks, and from the sweep that heals lost ones). Idempotent: one row per Shopify refund
 * or cancellation; the app's own (its mirror of Mirakl refunds, its cancellation of an order Mirakl cancelled) are
 * recognised and left out.
 */

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
    // FAILED: Shopify refused it and the merchant is asked to cancel by hand (that cancel follows Mirakl's). One
    // that gave way to refunds (IGNORED) is not the app's: later refunds and cancels in Shopify are the merchant's.
    where: {
      shop,
      orderId: order.id,
      direction: "TO_SHOPIFY",
      kind: "ORDER_CANCEL",
      status: { in: ["SENDING", "SENT", "FAILED"] },
    },
    select: { id: true, status: true },
  });
  return { ...order, cancelledByApp: ownCancel !== null, ownCancelSent: ownCancel?.status === "SENT" };
}

/** Records a TO_MIRAKL exchange once (the same Shopify event delivered twice stays one row) and marks the unit. */
async function recordToMirakl(
  shop: string,
  order: { id: string; connectionId: string },
  row: { kind: "REFUND" | "ORDER_CANCEL"; sourceKey: string },
  entry: TimelineEntry,
  now: Date,
) {
  // One transaction: the Order page never lists the exchange without the timeline line that tells of it.
  const created = await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceRefund.createMany({
      data: [{ shop, connectionId: order.connectionId, orderId: order.id, direction: "TO_MIRAKL", ...row }],
      skipDuplicates: true,
    });
    if (count > 0) await appendTimeline(shop, order.id, [entry], now, tx);
    return count > 0;
  });
  if (!created) return;
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

/**
 * When the Shopify order shows it cancelled, recorded once. `confirmsAppsCancel`: the app sent that cancel (for the
 * marketplace's) and Shopify's job ran it: the timeline, which told the send, tells it done.
 */
export async function recordShopifyCancelledAt(
  shop: string,
  orderId: string,
  cancelledAt: Date,
  now: Date,
  confirmsAppsCancel: boolean,
) {
  await prisma.$transaction(async (tx) => {
    const recorded = await tx.marketplaceOrder.updateMany({
      where: { id: orderId, shop, shopifyCancelledAt: null },
      data: { shopifyCancelledAt: cancelledAt },
    });
    if (recorded.count > 0 && confirmsAppsCancel)
      await appendTimeline(
        shop,
        orderId,
        [appEntry("order-cancel-confirmed", "Shopify shows the order cancelled, as the app asked for the marketplace")],
        now,
        tx,
      );
  });
}

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
  await recordShopifyCancelledAt(shop, order.id, cancel.cancelledAt ?? now, now, order.ownCancelSent);
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
