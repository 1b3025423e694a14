import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { defaultAcceptanceSettings } from "~/domain/orders/acceptance-settings";
import {
  acceptanceClock,
  remainingText,
  WARNING_AT_PERCENT,
  type DeadlineLevel,
} from "~/domain/orders/acceptance-deadline";
import { formatAmount } from "~/domain/orders/currency";
import {
  DEFAULT_SHIPPING_WARNING_HOURS,
  ENDED_STATES,
  SHIPPING,
  shippingClock,
  shippingText,
  type ShippingLevel,
} from "~/domain/orders/shipping-deadline";
import { UNDECIDED, type AcceptanceState } from "~/sync/orders/mirror.server";
import { CLOCK_RUNNING, type DecidedLines } from "~/components/order-status";
import { encodeCursor, type OrderCursor, type OrdersQuery } from "./orders-query";

/** What the Orders page shows; every query is scoped by shop. The Order page and the Overview reuse the clock. */

export const ORDERS_PAGE_SIZE = 50;

export interface ConnectionClock {
  id: string;
  name: string;
  /** The connection's acceptance window (hours), which drives its orders' deadline clock. */
  windowHours: number;
  /** Hours before the shipping deadline at which an order to ship is flagged. */
  shippingWarningHours: number;
}

/** A connection whose settings no longer parse keeps the default window rather than hiding its orders' clocks. */
export function acceptanceWindowHours(settings: unknown): number {
  try {
    return parseConnectionSettings(settings).acceptance.acceptanceWindowHours;
  } catch {
    return defaultAcceptanceSettings().acceptanceWindowHours;
  }
}

export function shippingWarningHours(settings: unknown): number {
  try {
    return parseConnectionSettings(settings).shippingDeadlineWarningHours;
  } catch {
    return DEFAULT_SHIPPING_WARNING_HOURS;
  }
}

export async function connectionClocks(shop: string): Promise<ConnectionClock[]> {
  const rows = await prisma.marketplaceConnection.findMany({
    where: { shop },
    select: { id: true, name: true, settings: true },
    orderBy: { name: "asc" },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    windowHours: acceptanceWindowHours(row.settings),
    shippingWarningHours: shippingWarningHours(row.settings),
  }));
}

export interface Countdown {
  text: string;
  level: DeadlineLevel;
  /** When the marketplace may refuse the order by itself (ISO). */
  at: string;
}

/** The countdown of an order Mirakl has not seen decided yet; null once the decision is applied or not ours. */
export function acceptanceCountdown(
  order: { acceptance: string; createdOnMiraklAt: Date },
  windowHours: number,
  now: Date,
): Countdown | null {
  if (!CLOCK_RUNNING.includes(order.acceptance as AcceptanceState)) return null;
  const clock = acceptanceClock(order.createdOnMiraklAt, windowHours, now);
  return { text: remainingText(clock), level: clock.level, at: clock.deadline.toISOString() };
}

export interface ShippingCountdown {
  text: string;
  level: ShippingLevel;
  /** Mirakl's shipping deadline (ISO). */
  at: string;
}

/** The shipping countdown of an order still to ship; null when it is not to ship or has no deadline. */
export function shippingCountdown(
  order: { state: string; shippingDeadline: Date | null; lines: readonly { state: string }[] },
  warningHours: number,
  now: Date,
): ShippingCountdown | null {
  const clock = shippingClock(
    { state: order.state, lineStates: order.lines.map((l) => l.state), shippingDeadline: order.shippingDeadline },
    warningHours,
    now,
  );
  return clock && { text: shippingText(clock), level: clock.level, at: clock.deadline.toISOString() };
}

/**
 * Orders to ship whose shipping deadline is within their connection's warning hours, or passed: the same
 * orders the shipping alerts flag (app/sync/orders/shipping-alerts.server.ts).
 */
export function shipsSoonWhere(
  shop: string,
  connections: readonly ConnectionClock[],
  now: Date,
): Prisma.MarketplaceOrderWhereInput {
  if (connections.length === 0) return { shop, id: { in: [] } };
  return {
    shop,
    state: { notIn: [...ENDED_STATES] },
    AND: [
      { OR: [{ state: SHIPPING }, { lines: { some: { state: SHIPPING } } }] },
      {
        OR: connections.map((c) => ({
          connectionId: c.id,
          shippingDeadline: { lte: new Date(now.getTime() + c.shippingWarningHours * 3_600_000) },
        })),
      },
    ],
  };
}

/**
 * The latest time an order may have appeared on Mirakl for its clock to be at the warning level or beyond
 * at `now`: the same comparison as `deadlineLevel` (elapsed × 100 ≥ window × 50 %, in whole milliseconds),
 * turned into a bound on `createdOnMiraklAt` so the database can filter on it.
 */
export function warningReachedBy(windowHours: number, now: Date): Date {
  const windowMs = Math.round(windowHours * 3_600_000);
  return new Date(now.getTime() - Math.ceil((windowMs * WARNING_AT_PERCENT) / 100));
}

/**
 * Orders at risk of the marketplace's auto-refusal: still undecided (the app or a person owes Mirakl a
 * decision) and past the warning level of their connection's clock. An order already being sent is not at
 * risk from us any more, so it is left out.
 */
export function atRiskWhere(
  shop: string,
  connections: readonly ConnectionClock[],
  now: Date,
): Prisma.MarketplaceOrderWhereInput {
  // No connection, no clock: an empty OR would match nothing anyway, but say it plainly.
  if (connections.length === 0) return { shop, id: { in: [] } };
  return {
    shop,
    acceptance: { in: [...UNDECIDED] },
    OR: connections.map((c) => ({
      connectionId: c.id,
      createdOnMiraklAt: { lte: warningReachedBy(c.windowHours, now) },
    })),
  };
}

/** The Overview's count: waiting orders whose deadline is near or passed. */
export async function countOrdersAtRisk(shop: string, now: Date): Promise<number> {
  return prisma.marketplaceOrder.count({ where: atRiskWhere(shop, await connectionClocks(shop), now) });
}

function filterWhere(
  shop: string,
  query: OrdersQuery,
  connections: readonly ConnectionClock[],
  now: Date,
): Prisma.MarketplaceOrderWhereInput {
  const conditions: Prisma.MarketplaceOrderWhereInput[] = [{ shop }];
  if (query.marketplace) conditions.push({ connectionId: query.marketplace });
  if (query.state) conditions.push({ state: query.state });
  if (query.review) conditions.push({ OR: [{ acceptance: "REVIEW" }, { needsAttention: true }] });
  if (query.deadline) conditions.push(atRiskWhere(shop, connections, now));
  if (query.ships) conditions.push(shipsSoonWhere(shop, connections, now));
  if (query.q)
    // Mirakl ids only: the Shopify order created from a Mirakl order is not stored yet (next issue); its id
    // joins this search when it is.
    conditions.push({
      OR: [
        { miraklOrderId: { contains: query.q, mode: "insensitive" } },
        { commercialId: { contains: query.q, mode: "insensitive" } },
      ],
    });
  return { AND: conditions };
}

/**
 * Rows strictly after the cursor in the list's order (older), or strictly before it (newer). The plain bound
 * on `createdOnMiraklAt` repeats what the OR implies so the database starts its index scan at the cursor
 * (`[shop, createdOnMiraklAt]`) instead of filtering every newer row: a deep page costs what the first does.
 */
function beyondCursor(cursor: OrderCursor, direction: "older" | "newer"): Prisma.MarketplaceOrderWhereInput {
  return direction === "older"
    ? {
        createdOnMiraklAt: { lte: cursor.at },
        OR: [{ createdOnMiraklAt: { lt: cursor.at } }, { id: { lt: cursor.id } }],
      }
    : {
        createdOnMiraklAt: { gte: cursor.at },
        OR: [{ createdOnMiraklAt: { gt: cursor.at } }, { id: { gt: cursor.id } }],
      };
}

const rowSelect = {
  id: true,
  connectionId: true,
  miraklOrderId: true,
  commercialId: true,
  state: true,
  currency: true,
  totalPrice: true,
  createdOnMiraklAt: true,
  shippingDeadline: true,
  acceptance: true,
  needsAttention: true,
  shopifyOrderStatus: true,
  shopifyOrderId: true,
  shopifyOrderName: true,
  fulfilmentStatus: true,
  fulfilmentNote: true,
  lines: { select: { quantity: true, decision: true, state: true } },
} satisfies Prisma.MarketplaceOrderSelect;

const NEWEST_FIRST = [
  { createdOnMiraklAt: "desc" },
  { id: "desc" },
] satisfies Prisma.MarketplaceOrderOrderByWithRelationInput[];
const OLDEST_FIRST = [
  { createdOnMiraklAt: "asc" },
  { id: "asc" },
] satisfies Prisma.MarketplaceOrderOrderByWithRelationInput[];

export function decidedLines(lines: readonly { decision: string | null }[]): DecidedLines {
  return {
    accepted: lines.filter((line) => line.decision === "accept").length,
    refused: lines.filter((line) => line.decision === "refuse").length,
  };
}

/**
 * One page of the shop's orders, newest first (by when they appeared on Mirakl, then id). Read one row past
 * the page to know whether another page follows, instead of counting 100,000 rows.
 */
export async function loadOrdersPage(shop: string, query: OrdersQuery, now: Date, pageSize = ORDERS_PAGE_SIZE) {
  const connections = await connectionClocks(shop);
  const where = filterWhere(shop, query, connections, now);
  const read = (cursor: OrderCursor | undefined, direction: "older" | "newer") =>
    prisma.marketplaceOrder.findMany({
      where: cursor ? { AND: [where, beyondCursor(cursor, direction)] } : where,
      orderBy: direction === "older" ? NEWEST_FIRST : OLDEST_FIRST,
      take: pageSize + 1,
      select: rowSelect,
    });

  let rows: Awaited<ReturnType<typeof read>>;
  let hasPrevious: boolean;
  let hasNext: boolean;
  if (!query.after && query.before) {
    const newer = await read(query.before, "newer");
    if (newer.length > pageSize) {
      rows = newer.slice(0, pageSize).reverse();
      hasPrevious = true;
      hasNext = true; // the page we came back from
    } else {
      // Back at the top: show the first page itself, full, rather than its last few rows.
      const first = await read(undefined, "older");
      rows = first.slice(0, pageSize);
      hasPrevious = false;
      hasNext = first.length > pageSize;
    }
  } else {
    const older = await read(query.after, "older");
    rows = older.slice(0, pageSize);
    hasPrevious = Boolean(query.after);
    hasNext = older.length > pageSize;
  }

  const filtered = Boolean(
    query.marketplace || query.state || query.review || query.deadline || query.ships || query.q,
  );
  // An empty page says why: no order at all yet, or none matching (only then is the extra read needed).
  const hasOrders =
    rows.length > 0 ||
    ((filtered || Boolean(query.after || query.before)) &&
      (await prisma.marketplaceOrder.findFirst({ where: { shop }, select: { id: true } })) !== null);

  const byId = new Map(connections.map((c) => [c.id, c]));
  const defaultWindow = defaultAcceptanceSettings().acceptanceWindowHours;
  const defaultShippingWarning = DEFAULT_SHIPPING_WARNING_HOURS;
  return {
    connections: connections.map(({ id, name }) => ({ id, name })),
    rows: rows.map((order) => {
      const connection = byId.get(order.connectionId);
      return {
        id: order.id,
        marketplace: connection?.name ?? "Removed connection",
        miraklOrderId: order.miraklOrderId,
        commercialId: order.commercialId,
        state: order.state,
        acceptance: order.acceptance,
        decided: decidedLines(order.lines),
        needsAttention: order.needsAttention,
        shopifyOrder: {
          status: order.shopifyOrderStatus,
          id: order.shopifyOrderId,
          name: order.shopifyOrderName,
        },
        fulfilment:
          order.shopifyOrderStatus === "CREATED"
            ? { status: order.fulfilmentStatus, note: order.fulfilmentNote }
            : null,
        lineCount: order.lines.length,
        units: order.lines.reduce((sum, line) => sum + line.quantity, 0),
        total: formatAmount(order.totalPrice, order.currency),
        createdOnMiraklAt: order.createdOnMiraklAt.toISOString(),
        deadline: acceptanceCountdown(order, connection?.windowHours ?? defaultWindow, now),
        shipping: shippingCountdown(order, connection?.shippingWarningHours ?? defaultShippingWarning, now),
      };
    }),
    previousCursor: hasPrevious && rows.length ? encodeCursor(rows[0]!) : null,
    nextCursor: hasNext && rows.length ? encodeCursor(rows[rows.length - 1]!) : null,
    filtered,
    hasOrders,
  };
}

export type OrdersPage = Awaited<ReturnType<typeof loadOrdersPage>>;
export type OrderListRow = OrdersPage["rows"][number];
