import prisma from "~/db.server";
import type { Prisma, SyncExceptionKind, SyncExceptionSeverity } from "~/generated/prisma/client";
import type { ConnectionSettings } from "~/domain/connection-settings";
import {
  ENDED_STATES,
  hasOpenIncident,
  INCIDENT_OPEN,
  SHIPPING,
  shippingClock,
  type ShippingLevel,
} from "~/domain/orders/shipping-deadline";
import { reportException, resolveExceptionsForEntities } from "~/exceptions/exceptions.server";

/**
 * The shipping deadline and incident alerts of a connection's orders (issue 12), level-triggered: each pass
 * looks at the mirror as it is (orders to ship, orders with an incident) and makes the exception queue say
 * the same: SHIPPING_DEADLINE_DUE (WARNING near the deadline, ERROR past it) and ORDER_INCIDENT_OPEN (ERROR),
 * each resolved once the order no longer matches (shipped, cancelled, incident closed). Run by the acceptance
 * unit, which the intake marks due whenever it stored a changed order; the returned instant (the next
 * deadline threshold) brings the unit back when nothing changed meanwhile.
 */

const ORDER_ENTITY = "MarketplaceOrder";

const SEVERITY: Record<Exclude<ShippingLevel, "none">, SyncExceptionSeverity> = {
  "due-soon": "WARNING",
  overdue: "ERROR",
};

/** What the queue already says per order (open or dismissed), so an unchanged alert is not written again. */
async function alertsOf(connection: { id: string; shop: string }, kind: SyncExceptionKind) {
  const rows = await prisma.syncException.findMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      kind,
      entityType: ORDER_ENTITY,
      status: { in: ["OPEN", "DISMISSED"] },
    },
    select: { entityId: true, severity: true, status: true },
  });
  return new Map(rows.map((row) => [row.entityId, row]));
}

export async function checkShippingAlerts(
  connection: { id: string; shop: string },
  connectionName: string,
  settings: ConnectionSettings,
  now: Date,
): Promise<Date | null> {
  const scope = { shop: connection.shop, connectionId: connection.id };
  const warningMs = settings.shippingDeadlineWarningHours * 3_600_000;
  const toShipWhere = {
    ...scope,
    state: { notIn: [...ENDED_STATES] },
    OR: [{ state: SHIPPING }, { lines: { some: { state: SHIPPING } } }],
  } satisfies Prisma.MarketplaceOrderWhereInput;
  // Only orders already within the warning hours are looked at one by one; of the others, the nearest deadline
  // is all that matters (when the unit must come back), so a shop with thousands to ship reads only the due ones.
  const warnFrom = new Date(now.getTime() + warningMs);
  const toShip = await prisma.marketplaceOrder.findMany({
    where: { ...toShipWhere, shippingDeadline: { lte: warnFrom } },
    select: {
      id: true,
      miraklOrderId: true,
      state: true,
      shippingDeadline: true,
      lines: { select: { state: true } },
    },
  });
  const nearest = await prisma.marketplaceOrder.findFirst({
    where: { ...toShipWhere, shippingDeadline: { gt: warnFrom } },
    orderBy: { shippingDeadline: "asc" },
    select: { shippingDeadline: true },
  });
  const deadlineAlerts = await alertsOf(connection, "SHIPPING_DEADLINE_DUE");
  const stillDue = new Set<string>();
  let next: number | null = nearest?.shippingDeadline ? nearest.shippingDeadline.getTime() - warningMs : null;
  for (const order of toShip) {
    const clock = shippingClock(
      { state: order.state, lineStates: order.lines.map((l) => l.state), shippingDeadline: order.shippingDeadline },
      settings.shippingDeadlineWarningHours,
      now,
    );
    if (!clock) continue;
    if (clock.nextChangeAt) next = Math.min(next ?? Infinity, clock.nextChangeAt.getTime());
    if (clock.level === "none") continue;
    stillDue.add(order.id);
    const severity = SEVERITY[clock.level];
    if (deadlineAlerts.get(order.id)?.severity === severity) continue;
    const deadline = clock.deadline.toISOString();
    await reportException(
      {
        ...scope,
        kind: "SHIPPING_DEADLINE_DUE",
        severity,
        entityType: ORDER_ENTITY,
        entityId: order.id,
        message:
          clock.level === "overdue"
            ? `${connectionName} order ${order.miraklOrderId} is not shipped and its shipping deadline (${deadline}) has passed: the marketplace counts it late`
            : `${connectionName} order ${order.miraklOrderId} is still to ship: its shipping deadline is ${deadline}`,
        fixHint:
          "Fulfil the order in Shopify with its tracking number (the shipment goes to Mirakl), or ship it in Mirakl's back office; cancel it there if it cannot ship.",
        detail: { miraklOrderId: order.miraklOrderId, deadline, level: clock.level },
      },
      now,
    );
  }
  await resolveExceptionsForEntities(
    { ...scope, kind: "SHIPPING_DEADLINE_DUE" },
    ORDER_ENTITY,
    [...deadlineAlerts.keys()].filter((id) => !stillDue.has(id)),
    now,
  );

  await checkIncidents(connection, connectionName, now);
  return next === null ? null : new Date(next);
}

async function checkIncidents(connection: { id: string; shop: string }, connectionName: string, now: Date) {
  const scope = { shop: connection.shop, connectionId: connection.id };
  const candidates = await prisma.marketplaceOrder.findMany({
    where: {
      ...scope,
      // Ended orders are left out, so the scan covers the orders still in progress, not the shop's history.
      state: { notIn: [...ENDED_STATES] },
      OR: [{ payload: { path: ["has_incident"], equals: true } }, { lines: { some: { state: INCIDENT_OPEN } } }],
    },
    select: { id: true, miraklOrderId: true, payload: true, lines: { select: { lineId: true, state: true } } },
  });
  const incidentAlerts = await alertsOf(connection, "ORDER_INCIDENT_OPEN");
  const open = new Set<string>();
  for (const order of candidates) {
    const hasIncident = (order.payload as { has_incident?: unknown } | null)?.has_incident === true;
    if (!hasOpenIncident({ hasIncident, lineStates: order.lines.map((l) => l.state) })) continue;
    open.add(order.id);
    if (incidentAlerts.has(order.id)) continue;
    const lines = order.lines.filter((l) => l.state === INCIDENT_OPEN).map((l) => l.lineId);
    await reportException(
      {
        ...scope,
        kind: "ORDER_INCIDENT_OPEN",
        severity: "ERROR",
        entityType: ORDER_ENTITY,
        entityId: order.id,
        message: `${connectionName} order ${order.miraklOrderId}: the customer opened an incident${lines.length ? ` on line ${lines.join(", ")}` : ""}`,
        fixHint:
          "Answer the incident in Mirakl's back office (the order's messages): the marketplace expects the seller's answer within its delay, and may refund the customer at the seller's cost otherwise. This closes by itself when the incident is closed.",
        detail: { miraklOrderId: order.miraklOrderId, lines },
      },
      now,
    );
  }
  await resolveExceptionsForEntities(
    { ...scope, kind: "ORDER_INCIDENT_OPEN" },
    ORDER_ENTITY,
    [...incidentAlerts.keys()].filter((id) => !open.has(id)),
    now,
  );
}
