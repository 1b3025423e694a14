import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import {
  MiraklError,
  MiraklRateLimitedError,
  type MiraklClient,
  type MiraklOrder,
  type UnreadableOrder,
} from "~/integrations/mirakl";
import { parseConnectionSettings, type ConnectionSettings } from "~/domain/connection-settings";
import { mergeConnectionSettings } from "~/connections/connections.server";
import { reportException, reportExceptions, resolveExceptionsForEntities } from "~/exceptions/exceptions.server";
import {
  decideReservation,
  SHIPPED_RELEASE_REASON,
  SHOPIFY_ORDER_RELEASE_REASON,
  UNSHIPPED_ORDER_STATES,
  type ReservationDecision,
} from "~/domain/stock/reservations";
import { createShopifySkuResolver } from "~/domain/sku-mapping";
import { listOverrides } from "~/connections/sku-mapping.server";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import { workUnits } from "~/worker/registry.server";
import { storeOrders, UNDECIDED } from "~/sync/orders/mirror.server";

/**
 * Order intake: reads the connection's Mirakl orders (OR11) into the order mirror (./mirror.server.ts,
 * which hands waiting orders to the acceptance unit) and keeps one MarketplaceReservation per order line
 * the shop owes, so that units a marketplace sold leave every connection's sellable quantity
 * (and are held in Shopify, holds.server.ts) long before the Shopify order exists. Level-triggered: the
 * cursor only says where to start reading; every line read is compared with its stored reservation, so a
 * line read twice (overlapping polls, two workers) changes nothing.
 *
 * It runs once a minute on its own unit, and right before each stock import is prepared (push.server.ts):
 * an order placed since the last read would otherwise be overwritten by the import's absolute quantity,
 * and the marketplace would sell the same units again.
 */

/** Mirakl allows an OR11 poll once a minute (docs: "async once per minute"). */
export const ORDER_POLL_INTERVAL_MS = 60_000;
/** The slowest a connection slows itself down to after Mirakl's 429s. */
const MAX_SLOWED_POLL_MINUTES = 60;

/**
 * Minutes between polls for this connection: the merchant's setting (some keys get one OR11 each 15
 * minutes), stretched by the call budget, or slower once Mirakl's 429s taught us so.
 */
export function orderPollIntervalMs(settings: ConnectionSettings): number {
  const configured = Math.ceil(
    (settings.ordersPollMinutes * ORDER_POLL_INTERVAL_MS * 100) / settings.miraklBudgetPercent,
  );
  return Math.max(configured, (settings.ordersPollSlowedToMinutes ?? 0) * 60_000);
}
/** The cursor trails the latest update read by this much (Mirakl may list an update late); a line read twice is a no-op. */
export const ORDER_CURSOR_OVERLAP_MS = 2 * 60_000;
/**
 * Every this often, one minute's poll asks for every order still WAITING_ACCEPTANCE instead of the updates
 * since the cursor, so an order a cursor poll missed (Mirakl listing an update late, beyond the overlap) is
 * still decided in time. It costs no extra call: the updates it skipped are read by the next poll (overlap).
 */
export const WAITING_SWEEP_INTERVAL_MS = 15 * 60_000;
/** How far back, at most, the poll after a connection's first reads orders (paid ones included). */
export const FIRST_POLL_LOOKBACK_MS = 3 * 24 * 3600_000;

export interface Connection {
  id: string;
  shop: string;
}

export interface IntakeResult {
  /** False when the last poll is less than a minute old (or another worker is polling now). */
  polled: boolean;
  lines: number;
  opened: number;
  updated: number;
  released: number;
  /** Shopify SKUs whose reservations changed (already marked for recompute). */
  changedSkus: string[];
  /** When the orders were last read (by this call or an earlier one); null: never. */
  polledAt: Date | null;
  nextDueAt: Date;
}

const notPolled = (polledAt: Date | null, nextDueAt: Date): IntakeResult => ({
  polled: false,
  lines: 0,
  opened: 0,
  updated: 0,
  released: 0,
  changedSkus: [],
  polledAt,
  nextDueAt,
});

/** Polls OR11 if the connection's last poll is at least a minute old, and brings its reservations in line. */
export async function readMarketplaceOrders(
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
): Promise<IntakeResult> {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { ordersCursor: true, ordersPolledAt: true, waitingSweptAt: true, createdAt: true, settings: true },
  });
  if (!row) return notPolled(null, new Date(now.getTime() + ORDER_POLL_INTERVAL_MS));
  const settings = parseConnectionSettings(row.settings);
  const interval = orderPollIntervalMs(settings);
  const dueAt = row.ordersPolledAt ? row.ordersPolledAt.getTime() + interval : 0;
  if (dueAt > now.getTime()) return notPolled(row.ordersPolledAt, new Date(dueAt));
  // Claim this minute's poll (compare-and-set): Mirakl counts calls, so two workers must not both ask.
  const claimed = await prisma.marketplaceConnection.updateMany({
    where: { id: connection.id, shop: connection.shop, ordersPolledAt: row.ordersPolledAt },
    data: { ordersPolledAt: now },
  });
  if (claimed.count === 0) return notPolled(now, new Date(now.getTime() + interval)); // another worker reads them now

  let orders: MiraklOrder[];
  let cursor: Date | null;
  // An order that fails its schema is reported, never dropped silently, and blocks none of the others.
  const unreadable: UnreadableOrder[] = [];
  const call = { onUnreadableOrder: (order: UnreadableOrder) => void unreadable.push(order) };
  const sweep =
    row.ordersCursor !== null &&
    (row.waitingSweptAt === null || now.getTime() - row.waitingSweptAt.getTime() >= WAITING_SWEEP_INTERVAL_MS);
  try {
    if (sweep) {
      orders = await mirakl.listAllOrders({ orderStateCodes: ["WAITING_ACCEPTANCE"] }, call);
      // Orders we still think undecided that no longer wait were decided elsewhere: read them by id
      // (look-ups by id are Mirakl's "synchronous" use, outside the poll's budget).
      const stillWaiting = new Set(orders.map((o) => o.order_id));
      const left = (
        await prisma.marketplaceOrder.findMany({
          where: { shop: connection.shop, connectionId: connection.id, acceptance: { in: [...UNDECIDED] } },
          select: { miraklOrderId: true },
        })
      )
        .map((o) => o.miraklOrderId)
        .filter((id) => !stillWaiting.has(id));
      if (left.length) orders = [...orders, ...(await mirakl.getOrdersByIds(left, call))];
      cursor = null;
    } else if (row.ordersCursor) {
      // On Mirakl's clock, never ours (a clock ahead of Mirakl's would skip updates for good): the latest
      // update read, less an overlap; the client's poll keeps the old cursor when nothing was read.
      const polled = await mirakl.pollOrderUpdates(row.ordersCursor, {}, call);
      orders = polled.orders;
      cursor = new Date(Math.max(row.ordersCursor.getTime(), Date.parse(polled.cursor) - ORDER_CURSOR_OVERLAP_MS));
    } else {
      // The first poll asks for every order not shipped yet, paid ones included (UNSHIPPED_ORDER_STATES says
      // why); the next one reads everything updated since the connection was created (at most
      // FIRST_POLL_LOOKBACK_MS back).
      orders = await mirakl.listAllOrders({ orderStateCodes: UNSHIPPED_ORDER_STATES }, call);
      cursor = new Date(Math.max(row.createdAt.getTime(), now.getTime() - FIRST_POLL_LOOKBACK_MS));
    }
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    const retryAt = await reportMiraklFailure(connection, error, "OR11 order intake", now);
    const pace =
      error instanceof MiraklRateLimitedError
        ? await slowDownAfter429(connection, settings, interval, error, now)
        : interval;
    // Every reader (the intake unit, the push before its file) waits as told, e.g. a 429's Retry-After.
    const waitFrom = new Date(Math.max(now.getTime(), retryAt.getTime() - pace));
    await prisma.marketplaceConnection.updateMany({
      where: { id: connection.id, shop: connection.shop },
      data: { ordersPolledAt: waitFrom },
    });
    return { ...notPolled(now, retryAt), polled: true };
  }

  await reportUnreadableOrders(connection, unreadable, now);
  const stored = await storeOrders(connection, orders, now, {
    create: settings.shopifyOrders.create,
    placedBefore: row.createdAt,
  });
  if (orders.length)
    await resolveExceptionsForEntities(
      { ...connection, connectionId: connection.id, kind: "ORDER_UNREADABLE" },
      "MiraklOrder",
      orders.map((order) => `${connection.id}:${order.order_id}`),
      now,
    );
  // A new or changed order may also have shipped, been cancelled or had an incident opened or closed: the
  // acceptance unit's shipping and incident alerts follow it.
  if (stored.acceptanceDue || stored.created + stored.changed > 0)
    await workUnits.orderAcceptance.markDirty(connection.id, connection.shop, now);
  if (stored.shopifyOrdersDue) await workUnits.shopifyOrders.markDirty(connection.id, connection.shop, now);
  const result = await applyOrders(connection, orders, row.createdAt, now);
  await prisma.marketplaceConnection.updateMany({
    where: { id: connection.id, shop: connection.shop },
    // The first poll reads every waiting order too: the first sweep is due a sweep interval later.
    data: cursor
      ? { ordersCursor: cursor, ...(row.ordersCursor ? {} : { waitingSweptAt: now }) }
      : { waitingSweptAt: now },
  });
  if (result.changedSkus.length) {
    await markSkusForRecompute(connection.shop, result.changedSkus, now);
    await workUnits.reservationHolds.markDirty(connection.shop, now);
  }
  return { ...result, polled: true, polledAt: now, nextDueAt: new Date(now.getTime() + interval) };
}

async function applyOrders(
  connection: Connection,
  orders: readonly MiraklOrder[],
  connectionCreatedAt: Date,
  now: Date,
) {
  const lines = orders.flatMap((order) => order.order_lines.map((line) => ({ order, line })));
  const counts = { lines: lines.length, opened: 0, updated: 0, released: 0, changedSkus: [] as string[] };
  if (lines.length === 0) return counts;
  const known = new Map(
    (
      await prisma.marketplaceReservation.findMany({
        where: {
          shop: connection.shop,
          connectionId: connection.id,
          orderLineId: { in: lines.map((l) => l.line.order_line_id) },
        },
        select: { id: true, orderLineId: true, quantity: true, lineState: true, releasedAt: true, shopifySku: true },
      })
    ).map((r) => [r.orderLineId, r]),
  );
  const shopifySkuOf = createShopifySkuResolver(await listOverrides(connection.shop, connection.id));
  const shopifyOrders = await shopifyOrderStockOf(connection, orders);
  const changed = new Set<string>();
  const toOpen: Prisma.MarketplaceReservationCreateManyInput[] = [];
  for (const { order, line } of lines) {
    const stored = known.get(line.order_line_id);
    const decision: ReservationDecision = decideReservation(
      {
        state: line.order_line_state,
        quantity: line.quantity,
        canceledQuantity: (line.cancelations ?? []).reduce((sum, c) => sum + (c.quantity ?? 0), 0),
        placedBeforeConnection: Date.parse(order.created_date) < connectionCreatedAt.getTime(),
        shipped: Boolean(line.shipped_date),
      },
      stored ? { quantity: stored.quantity, lineState: stored.lineState, released: stored.releasedAt !== null } : null,
    );
    switch (decision.kind) {
      case "open": {
        const shopifySku = shopifySkuOf(line.offer_sku);
        if (shopifySku === null) break; // an offer no Shopify SKU feeds: nothing of ours to reserve
        // The sale's time feeds velocity protection: Mirakl's creation date, never later than now.
        const created = Date.parse(order.created_date);
        const placedAt = Number.isFinite(created) ? Math.min(created, now.getTime()) : now.getTime();
        toOpen.push({
          shop: connection.shop,
          connectionId: connection.id,
          miraklOrderId: order.order_id,
          orderLineId: line.order_line_id,
          offerSku: line.offer_sku,
          shopifySku,
          quantity: decision.units,
          lineState: line.order_line_state,
          createdAt: new Date(placedAt),
        });
        changed.add(shopifySku);
        counts.opened++;
        break;
      }
      case "update":
        await prisma.marketplaceReservation.update({
          where: { id: stored!.id },
          data: { quantity: decision.units, lineState: line.order_line_state },
        });
        if (decision.units !== stored!.quantity) changed.add(stored!.shopifySku);
        counts.updated++;
        break;
      case "release": {
        // A shipped line whose Shopify order commits its units gives its hold back (the order takes them out of
        // stock when fulfilled); while that order is being made, the Shopify order unit settles it.
        const stock = decision.reason === SHIPPED_RELEASE_REASON ? shopifyOrders.get(order.order_id) : undefined;
        if (stock === "in-doubt") break;
        const reason = stock === "committed" ? SHOPIFY_ORDER_RELEASE_REASON : decision.reason;
        await prisma.marketplaceReservation.update({
          where: { id: stored!.id },
          data: { releasedAt: now, releaseReason: reason, lineState: line.order_line_state },
        });
        changed.add(stored!.shopifySku);
        counts.released++;
        break;
      }
      case "ignore":
      case "unchanged":
        break;
    }
  }
  // skipDuplicates: a line another worker opened meanwhile stays as that worker wrote it.
  if (toOpen.length) await prisma.marketplaceReservation.createMany({ data: toOpen, skipDuplicates: true });
  counts.changedSkus = [...changed];
  return counts;
}

/**
 * Whose stock the Shopify order of each order moves: "committed" when it exists and commits the units,
 * "in-doubt" while it is being made (its inventory behaviour is not settled). Absent: no Shopify order.
 */
async function shopifyOrderStockOf(
  connection: Connection,
  orders: readonly MiraklOrder[],
): Promise<Map<string, "committed" | "in-doubt">> {
  const rows = await prisma.marketplaceOrder.findMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      miraklOrderId: { in: orders.map((o) => o.order_id) },
      shopifyOrderStatus: { in: ["SENDING", "CREATED"] },
    },
    select: { miraklOrderId: true, shopifyOrderStatus: true, shopifyInventoryBehaviour: true },
  });
  const stock = new Map<string, "committed" | "in-doubt">();
  for (const row of rows) {
    if (row.shopifyOrderStatus === "SENDING") stock.set(row.miraklOrderId, "in-doubt");
    else if (row.shopifyInventoryBehaviour === "DECREMENT_IGNORING_POLICY") stock.set(row.miraklOrderId, "committed");
  }
  return stock;
}

/**
 * Orders Mirakl sent in a shape we cannot trust (a missing id, a non-numeric amount): one exception each,
 * with what is wrong. They are read again by the next sweep of waiting orders, so a fixed one goes through.
 */
async function reportUnreadableOrders(connection: Connection, unreadable: readonly UnreadableOrder[], now: Date) {
  if (unreadable.length === 0) return;
  await reportExceptions(
    unreadable.map((order) => ({
      shop: connection.shop,
      connectionId: connection.id,
      kind: "ORDER_UNREADABLE" as const,
      severity: "ERROR" as const,
      entityType: "MiraklOrder",
      entityId: `${connection.id}:${order.orderId ?? "unknown"}`,
      message: `Mirakl sent order ${order.orderId ?? "(no id)"} in a form the app cannot read safely, so it is neither accepted nor refused by the app: ${order.problems.join("; ")}`,
      fixHint:
        "Decide the order in Mirakl's back office before its acceptance deadline, and tell the marketplace operator (their API sent invalid data). The app reads it again every 15 minutes.",
      detail: { orderId: order.orderId, problems: order.problems },
    })),
    now,
  );
}

/**
 * Mirakl refused a poll at our pace and asks to wait longer than the pace itself (a key limited below the
 * published maximum, or another tool spending its allowance): the connection polls slower from now on, at
 * the pace Mirakl's answer reveals (our interval plus its Retry-After) and at least twice as slow as before,
 * and says so. A 429 asking for less than the pace is a momentary overlap, waited out without slowing down.
 * Returns the interval polls now keep.
 */
async function slowDownAfter429(
  connection: Connection,
  settings: ConnectionSettings,
  interval: number,
  error: MiraklRateLimitedError,
  now: Date,
): Promise<number> {
  if (error.retryAfterMs <= interval) return interval;
  const current = Math.ceil(interval / 60_000);
  const revealed = Math.ceil((interval + error.retryAfterMs) / 60_000);
  const slowed = Math.min(MAX_SLOWED_POLL_MINUTES, Math.max(current * 2, revealed));
  if (slowed <= (settings.ordersPollSlowedToMinutes ?? 0)) return interval;
  await mergeConnectionSettings(connection.shop, connection.id, { ordersPollSlowedToMinutes: slowed });
  await reportException(
    {
      shop: connection.shop,
      connectionId: connection.id,
      kind: "MIRAKL_RATE_LIMITED",
      severity: "WARNING",
      entityType: "MarketplaceConnection",
      entityId: `${connection.id}:orders-poll`,
      message: `Mirakl refused order polls every ${current} min (it asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s): this connection now reads its orders every ${slowed} min, so orders are accepted and stock files sent that much later.`,
      fixHint:
        "Ask the marketplace operator what OR11 allowance this API key has, or stop another tool using the same key; then set the order poll interval (connection → Order acceptance) and save: the slowdown is forgotten on save.",
      detail: { retryAfterMs: error.retryAfterMs, previousMinutes: current, slowedToMinutes: slowed },
    },
    now,
  );
  return slowed * 60_000;
}
