import prisma from "~/db.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import type { MiraklClient } from "~/integrations/mirakl";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { workUnits } from "~/worker/registry.server";
import { BATCH, onFailure, type Admin, type Connection, type Context } from "~/sync/refunds/context.server";
import { sendToMirakl } from "~/sync/refunds/shopify-refunds.server";
import { cancelOnMirakl } from "~/sync/refunds/shopify-cancellation.server";
import { mirrorToShopify } from "~/sync/refunds/mirakl-reversals.server";
import { sweepShopifyRefunds } from "~/sync/refunds/sweep.server";

export { REFUND_ENTITY, RESEND_AFTER_MS, MIRROR_NOTE_PREFIX } from "~/sync/refunds/context.server";
export {
  orderCancelledWebhook,
  orderCancelSourceKey,
  recordShopifyCancellation,
  recordShopifyRefund,
  refundWebhook,
} from "~/sync/refunds/recording.server";

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
  const sweep = await sweepShopifyRefunds(connection, shopify, now).catch((error: unknown) =>
    onFailure(context, error),
  );
  if (sweep.kind === "wait" || sweep.kind === "stop") retryAt.push(sweep.until.getTime());

  const toMirakl = await prisma.marketplaceRefund.findMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      direction: "TO_MIRAKL",
      status: { in: ["PENDING", "SENDING"] },
      // A refund held by its order's cancellation that waits for a person is looked at again once that is solved.
      NOT: {
        kind: "REFUND",
        order: {
          refunds: { some: { direction: "TO_MIRAKL", kind: "ORDER_CANCEL", status: { in: ["BLOCKED", "FAILED"] } } },
        },
      },
    },
    // An order's cancellation before its refunds: the refunds are planned against what the cancellation leaves.
    orderBy: [{ kind: "asc" }, { createdAt: "asc" }],
    take: BATCH,
  });
  let held = 0;
  for (const refund of toMirakl) {
    const outcome = await (refund.kind === "ORDER_CANCEL" ? cancelOnMirakl : sendToMirakl)(context, refund).catch(
      (error: unknown) => onFailure(context, error),
    );
    if (outcome.kind === "held") held++;
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
  // Refunds held by a cancellation sent in this pass go next.
  if (held > 0 && result.sent + result.adopted > 0) retryAt.push(now.getTime());

  const dirty = await prisma.marketplaceOrder.findMany({
    where: { shop: connection.shop, connectionId: connection.id, refundsDirty: true },
    include: { lines: true },
    orderBy: { id: "asc" },
    take: BATCH,
  });
  for (const order of dirty) {
    const outcome = await mirrorToShopify(context, order).catch((error: unknown) => onFailure(context, error));
    if (outcome.kind === "mirrored") result.mirrored += outcome.count;
    if (outcome.kind === "mirrored" && outcome.recheckAt) retryAt.push(outcome.recheckAt.getTime());
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
