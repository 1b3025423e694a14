import prisma from "~/db.server";
import { ordersRefundsByIds } from "~/integrations/shopify/operations";
import { logger } from "~/lib/logger.server";
import type { Admin, Connection, Outcome } from "~/sync/refunds/context.server";
import { recordShopifyCancellation, recordShopifyRefund } from "~/sync/refunds/recording.server";

/**
 * The refund sweep: heals a lost `refunds/create` or `orders/cancelled` webhook. Level-triggered like the
 * fulfilment sweep, but where that one reads one order per request, this one reads up to ORDERS_PER_REQUEST orders
 * in one `nodes(ids:)` request (refund ids, notes and the cancellation time are all it needs), so a shop with
 * thousands of open orders costs a few requests every SWEEP_EVERY_MS. What it finds goes through the webhooks' own
 * `recordShopifyRefund` / `recordShopifyCancellation`, so a refund seen by both stays one exchange and the app's own
 * refunds and cancellations are recognised in one place.
 */

/** How often an order's Shopify refunds and cancellation are read again, in case a webhook was lost. */
export const SWEEP_EVERY_MS = 30 * 60_000;
/** Orders per `nodes(ids:)` request. */
export const ORDERS_PER_REQUEST = 50;
/** Orders read per pass (three requests); more waiting → the next slice after SWEEP_SLICE_SPACING_MS. */
export const ORDERS_PER_PASS = 3 * ORDERS_PER_REQUEST;
/** Spaces full slices so the sweep (the heal path) does not take the shop's Shopify query budget for itself. */
export const SWEEP_SLICE_SPACING_MS = 15_000;
/** Refunds read per order; an order with more is logged (its later refunds rely on their webhook). */
const REFUNDS_PER_ORDER = 50;
/**
 * Mirakl order states (`MarketplaceOrder.state`, as the mirror stores `order_state`) after which no refund or
 * cancellation can reach Mirakl any more (Mirakl refunds nothing on a CLOSED order): not swept.
 */
const SETTLED_ORDER_STATES = ["CLOSED", "REFUSED", "CANCELED"];

function sweptOrders(connection: Connection) {
  return {
    shop: connection.shop,
    connectionId: connection.id,
    shopifyOrderStatus: "CREATED",
    shopifyOrderId: { not: null },
    state: { notIn: SETTLED_ORDER_STATES },
  };
}

/**
 * One pass of the sweep (up to ORDERS_PER_PASS orders): the connection's Shopify orders whose check is oldest (never checked first) and older
 * than SWEEP_EVERY_MS, each refund not yet known and a cancellation recorded as their webhook would have, and each
 * order stamped `refundsCheckedAt`. Answers when the sweep is next due (`wait` until then), or `done` when no order
 * is left to watch. A Shopify failure is thrown (the caller's `onFailure`); the slices read before it stay stamped.
 */
export async function sweepShopifyRefunds(
  connection: Connection,
  shopify: () => Promise<Admin>,
  now: Date,
): Promise<Outcome & ({ kind: "wait"; until: Date } | { kind: "done" })> {
  const stale = new Date(now.getTime() - SWEEP_EVERY_MS);
  const due = await prisma.marketplaceOrder.findMany({
    where: { ...sweptOrders(connection), OR: [{ refundsCheckedAt: null }, { refundsCheckedAt: { lte: stale } }] },
    select: { id: true, shopifyOrderId: true },
    orderBy: [{ refundsCheckedAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
    take: ORDERS_PER_PASS,
  });
  let found = 0;
  for (let start = 0; start < due.length; start += ORDERS_PER_REQUEST) {
    found += await sweepSlice(connection, shopify, due.slice(start, start + ORDERS_PER_REQUEST), now);
  }
  if (found)
    logger.info("refunds: the sweep found refunds or cancellations no webhook brought", { ...connection, found });

  if (due.length === ORDERS_PER_PASS) return { kind: "wait", until: new Date(now.getTime() + SWEEP_SLICE_SPACING_MS) };
  const oldest = await prisma.marketplaceOrder.findFirst({
    where: sweptOrders(connection),
    orderBy: { refundsCheckedAt: { sort: "asc", nulls: "first" } },
    select: { refundsCheckedAt: true },
  });
  if (!oldest) return { kind: "done" };
  const next = (oldest.refundsCheckedAt?.getTime() ?? 0) + SWEEP_EVERY_MS;
  return { kind: "wait", until: new Date(Math.max(now.getTime(), next)) };
}

/** One request: the orders' refunds and cancellation; what is new is recorded. Answers how many were recorded. */
async function sweepSlice(
  connection: Connection,
  shopify: () => Promise<Admin>,
  orders: { id: string; shopifyOrderId: string | null }[],
  now: Date,
): Promise<number> {
  const admin = await shopify();
  const ids = orders.flatMap((o) => (o.shopifyOrderId ? [o.shopifyOrderId] : []));
  const data = await admin.request(ordersRefundsByIds, { ids, refunds: REFUNDS_PER_ORDER });

  // What the app already holds for these orders: Shopify refunds recorded (TO_MIRAKL), its own mirror refunds
  // (TO_SHOPIFY result ids) and Shopify cancellations recorded, so only the unknown ones go through the recording.
  const exchanges = await prisma.marketplaceRefund.findMany({
    where: { shop: connection.shop, orderId: { in: orders.map((o) => o.id) } },
    select: { orderId: true, direction: true, kind: true, sourceKey: true, resultIds: true },
  });
  const known = new Set(
    exchanges.flatMap((e) => (e.direction === "TO_MIRAKL" ? [e.sourceKey] : ((e.resultIds as string[]) ?? []))),
  );
  const appOrderOf = new Map(orders.map((o) => [o.shopifyOrderId, o.id]));
  const cancelRecorded = new Set(
    exchanges.filter((e) => e.direction === "TO_MIRAKL" && e.kind === "ORDER_CANCEL").map((e) => e.orderId),
  );

  let found = 0;
  for (const node of data.nodes) {
    if (!node?.id) continue; // no longer an order in Shopify (deleted): nothing to carry over
    if (node.refunds.length === REFUNDS_PER_ORDER)
      logger.warn("refunds: the sweep reads an order's first refunds only", { ...connection, order: node.id });
    for (const refund of node.refunds) {
      if (known.has(refund.id)) continue;
      const outcome = await recordShopifyRefund(
        connection.shop,
        { id: refund.id, orderId: node.id, note: refund.note ?? null },
        now,
      );
      if (outcome.recorded) found++;
    }
    if (node.cancelledAt && !cancelRecorded.has(appOrderOf.get(node.id) ?? "")) {
      const outcome = await recordShopifyCancellation(
        connection.shop,
        { orderId: node.id, cancelledAt: new Date(node.cancelledAt as string) },
        now,
      );
      if (outcome.recorded) found++;
    }
  }
  await prisma.marketplaceOrder.updateMany({
    where: { shop: connection.shop, id: { in: orders.map((o) => o.id) } },
    data: { refundsCheckedAt: now },
  });
  return found;
}
