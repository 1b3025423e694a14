import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { MiraklError, type MiraklClient, type MiraklOrder } from "~/integrations/mirakl";
import { parseConnectionSettings, type ConnectionSettings } from "~/domain/connection-settings";
import {
  catalogFrom,
  decideOrderAcceptance,
  WAITING_ACCEPTANCE,
  type AcceptanceOrder,
  type LineDecision,
  type Or21Body,
  type OrderAcceptance,
  type PlatformAcceptance,
} from "~/domain/orders/acceptance";
import { acceptanceClock, type DeadlineLevel } from "~/domain/orders/acceptance-deadline";
import type { TimelineEntry } from "~/domain/orders/timeline";
import { reportException, resolveExceptionsForEntities } from "~/exceptions/exceptions.server";
import { mergeConnectionSettings } from "~/connections/connections.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import { appendTimeline, storeOrders, type AcceptanceState } from "~/sync/orders/mirror.server";
import { loadAcceptanceFacts } from "~/sync/orders/acceptance-facts.server";
import { checkShippingAlerts } from "~/sync/orders/shipping-alerts.server";

/**
 * The acceptance unit (issue 10): decides every waiting order of a connection and sends Mirakl the
 * decision (OR21), on its own work unit so that nothing downstream (Shopify, the stock push) can delay it.
 *
 * OR21 is guarded by Mirakl's state (a second OR21 on a decided order is refused), so the intent is stored
 * first (`SENDING` with the body) and a lost answer is settled by re-reading the order: no waiting line
 * left means the decision is there, ours or someone's; still waiting means it was not applied, send again.
 * A decision is taken once: an order the app sent a decision for is never decided again.
 */

/** Orders decided per pass: the rest follow at once in the next pass (the unit stays due). */
const BATCH = 100;
/** A lost OR21 is looked at again after this long (re-read first, then sent again). */
const RESEND_AFTER_MS = 30_000;
/** An OR21 that failed this many times for a reason that is not Mirakl's refusal becomes an exception. */
const ATTEMPTS_BEFORE_EXCEPTION = 3;

export interface AcceptanceRunResult {
  decided: number;
  sent: number;
  inReview: number;
  nextDueAt: Date | null;
}

export const ORDER_ENTITY = "MarketplaceOrder";

const asJson = (value: unknown) => value as Prisma.InputJsonValue;

type OrderRow = Prisma.MarketplaceOrderGetPayload<{ include: { lines: true } }>;

export function platformOf(settings: ConnectionSettings): PlatformAcceptance {
  return {
    orderAcceptance: settings.lastCheck?.orderAcceptance ?? null,
    partialAcceptance: settings.partialAcceptanceForbidden ? "forbidden" : "allowed",
  };
}

function acceptanceOrderOf(row: OrderRow): AcceptanceOrder {
  return {
    id: row.miraklOrderId,
    currency: row.currency,
    lines: [...row.lines]
      .sort((a, b) => a.lineIndex - b.lineIndex)
      .map((line) => ({
        id: line.lineId,
        offerSku: line.offerSku,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        state: line.state,
      })),
  };
}

const appEntry = (kind: string, message: string, detail: Record<string, unknown> = {}): TimelineEntry => ({
  actor: "APP",
  kind,
  message,
  detail,
});

export async function runOrderAcceptance(
  connection: { id: string; shop: string },
  mirakl: MiraklClient,
  now: Date,
): Promise<AcceptanceRunResult> {
  const result: AcceptanceRunResult = { decided: 0, sent: 0, inReview: 0, nextDueAt: null };
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { settings: true, name: true },
  });
  if (!row) return result;
  let settings: ConnectionSettings;
  try {
    settings = parseConnectionSettings(row.settings);
  } catch {
    // The stock flow reports unreadable settings (CONNECTION_MISCONFIGURED); look again in a minute.
    return { ...result, nextDueAt: new Date(now.getTime() + 60_000) };
  }
  const due: Date[] = [];

  // 1. Decisions already taken whose OR21 is not confirmed (a lost answer, a crash after "sent").
  const sending = await prisma.marketplaceOrder.findMany({
    where: { shop: connection.shop, connectionId: connection.id, acceptance: "SENDING" },
    include: { lines: true },
    orderBy: { createdOnMiraklAt: "asc" },
    take: BATCH,
  });
  for (const order of sending) {
    const outcome = await sendDecision(connection, mirakl, settings, order, now);
    if (outcome.sent) result.sent++;
    if (outcome.retryAt) due.push(outcome.retryAt);
    if (outcome.stop) return { ...result, nextDueAt: outcome.retryAt ?? new Date(now.getTime() + 60_000) };
  }

  // 2. Orders waiting for the app to decide, oldest first.
  const pending = await prisma.marketplaceOrder.findMany({
    where: { shop: connection.shop, connectionId: connection.id, acceptance: "PENDING" },
    include: { lines: true },
    orderBy: [{ createdOnMiraklAt: "asc" }, { id: "asc" }],
    take: BATCH,
  });
  if (pending.length === BATCH) due.push(now);
  if (pending.length) {
    const facts = await loadAcceptanceFacts(
      connection,
      settings,
      pending.flatMap((o) => o.lines.map((l) => l.offerSku)),
    );
    for (const order of pending) {
      const platform = platformOf(settings);
      // PC01 may say the marketplace accepts by itself while this order waits all the same (the setting
      // changed, or it applies per channel): left alone it would be refused at the deadline, so it is decided.
      if (platform.orderAcceptance === "AUTOMATIC" && order.lines.some((l) => l.state === WAITING_ACCEPTANCE)) {
        platform.orderAcceptance = null;
        await appendTimeline(
          connection.shop,
          order.id,
          [
            appEntry(
              "automatic-but-waiting",
              "The marketplace is said to accept orders by itself (PC01), yet this order waits for the seller: the app decides it",
            ),
          ],
          now,
        );
      }
      const acceptance = decideOrderAcceptance({
        order: acceptanceOrderOf(order),
        platform,
        connectionCurrency: settings.currencyIsoCode,
        settings: settings.acceptance,
        catalog: catalogFrom(facts.catalogFor(order)),
      });
      for (const line of acceptance.lines) facts.noteDecision(connection.id, line.lineId, line.decision);
      const stored = await recordDecision(connection, row.name, order, acceptance, now);
      result.decided++;
      if (stored === "REVIEW") result.inReview++;
      if (stored !== "SENDING") continue;
      const fresh = await prisma.marketplaceOrder.findUniqueOrThrow({
        where: { id: order.id },
        include: { lines: true },
      });
      const outcome = await sendDecision(connection, mirakl, settings, fresh, now);
      if (outcome.sent) result.sent++;
      if (outcome.retryAt) due.push(outcome.retryAt);
      if (outcome.stop) return { ...result, nextDueAt: outcome.retryAt ?? new Date(now.getTime() + 60_000) };
    }
  }

  // 3. The deadline clock of orders a person must decide.
  const reviewDue = await checkReviewDeadlines(connection, row.name, settings, now);
  if (reviewDue) due.push(reviewDue);

  // 4. Shipping deadlines and incidents of accepted orders (the unit comes back at the next threshold).
  const shippingDue = await checkShippingAlerts(connection, row.name, settings, now);
  if (shippingDue) due.push(shippingDue);

  result.nextDueAt = due.length ? new Date(Math.min(...due.map((d) => d.getTime()))) : null;
  return result;
}

/** Stores the decision on the order's lines and timeline; returns the order's new acceptance state. */
async function recordDecision(
  connection: { id: string; shop: string },
  connectionName: string,
  order: OrderRow,
  acceptance: OrderAcceptance,
  now: Date,
): Promise<AcceptanceState> {
  const next: AcceptanceState =
    acceptance.status === "final"
      ? "SENDING"
      : acceptance.status === "needs-review"
        ? "REVIEW"
        : acceptance.status === "skipped"
          ? "AUTOMATIC"
          : "DECIDED_ON_MIRAKL";
  const entries: TimelineEntry[] = [
    appEntry(acceptance.status === "needs-review" ? "review" : "decided", acceptance.message, {
      status: acceptance.status,
      ...("outcome" in acceptance ? { outcome: acceptance.outcome } : {}),
    }),
    ...acceptance.lines.map((line) =>
      appEntry("line-decision", line.summary, { lineId: line.lineId, decision: line.decision }),
    ),
  ];
  // Compare-and-set on PENDING: a person's decision or another worker's made meanwhile stands, lines included.
  // The decision, its lines and the timeline lines that explain them are written together.
  const claimed = await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: connection.shop, acceptance: "PENDING" },
      data: {
        acceptance: next,
        needsAttention: next === "REVIEW",
        ...(acceptance.or21
          ? {
              or21Body: acceptance.or21 as unknown as Prisma.InputJsonValue,
              or21By: "app",
              or21RequestedAt: now,
              or21Attempts: 0,
              or21Error: null,
            }
          : {}),
      },
    });
    if (count === 0) return false;
    for (const line of acceptance.lines)
      await tx.marketplaceOrderLine.updateMany({
        where: { shop: connection.shop, connectionId: connection.id, lineId: line.lineId, orderId: order.id },
        data: {
          decision: line.decision,
          decisionSummary: line.summary,
          decisionChecks: line.checks as unknown as Prisma.InputJsonValue,
          decidedAt: now,
          decidedBy: "app",
        },
      });
    await appendTimeline(connection.shop, order.id, entries, now, tx);
    return true;
  });
  if (!claimed) return order.acceptance as AcceptanceState;
  await reportRefusedLines(connection, connectionName, order, acceptance.lines, now);
  return next;
}

/** A line refused for something the merchant can fix (unknown SKU, no stock, …) is worth knowing about. */
async function reportRefusedLines(
  connection: { id: string; shop: string },
  connectionName: string,
  order: OrderRow,
  lines: readonly LineDecision[],
  now: Date,
) {
  for (const line of lines.filter((l) => l.decision === "refuse")) {
    const first = line.failures[0] ?? line.orderReason;
    await reportException(
      {
        shop: connection.shop,
        connectionId: connection.id,
        kind: "ORDER_LINE_REFUSED",
        severity: "WARNING",
        // A refused line is done (Mirakl has the decision): nothing to retry, only to read and dismiss.
        entityType: "MarketplaceOrderLine",
        entityId: `${order.id}:${line.lineId}`,
        message: `${connectionName} order ${order.miraklOrderId}: line ${line.lineId} (${line.offerSku}, ${line.quantity} ordered) was refused: ${line.reasons.map((r) => r.message).join("; ")}`,
        fixHint: fixHintFor(first?.code ?? ""),
        detail: asJson({
          orderId: order.id,
          miraklOrderId: order.miraklOrderId,
          lineId: line.lineId,
          checks: line.checks,
        }),
      },
      now,
    );
  }
}

function fixHintFor(code: string): string {
  if (code.startsWith("sku"))
    return "Give the Shopify variant this SKU, or map the offer SKU to the right Shopify SKU on the connection's SKU mapping page; later orders are then accepted.";
  if (code.startsWith("product"))
    return "Make the product active in Shopify if you sell it on the marketplace, or remove the offer from the marketplace.";
  if (code.startsWith("stock"))
    return "Check the stock at the connection's locations in Shopify; the offer's quantity on the marketplace is corrected by the next stock push.";
  if (code.startsWith("price"))
    return "The marketplace charged a price far from the one you advertise: check the offer's price on Mirakl, or widen the price tolerance in the connection's order settings.";
  if (code.startsWith("currency"))
    return "The order is in another currency than the connection's: check the connection points at the right Mirakl shop.";
  if (code.startsWith("quantity"))
    return "Raise the per-line quantity limit in the connection's order settings if such orders are welcome.";
  return "Read the reasons on the order page; send such lines to review instead in the connection's order settings if a person should decide them.";
}

interface SendOutcome {
  sent: boolean;
  retryAt: Date | null;
  /** Mirakl said to wait (429, auth): stop this pass. */
  stop: boolean;
}

/**
 * Sends the stored OR21 intent, or settles it by reading the order when an earlier attempt may have
 * landed. Never blind: after any attempt whose answer was lost, the order is re-read first.
 */
export async function sendDecision(
  connection: { id: string; shop: string },
  mirakl: MiraklClient,
  settings: ConnectionSettings,
  order: OrderRow,
  now: Date,
): Promise<SendOutcome> {
  const body = order.or21Body as unknown as Or21Body | null;
  if (!body) {
    await prisma.marketplaceOrder.updateMany({
      where: { id: order.id, shop: connection.shop, acceptance: "SENDING" },
      data: { acceptance: "PENDING" },
    });
    return { sent: false, retryAt: now, stop: false };
  }
  if (order.or21Attempts > 0) {
    if (order.or21RequestedAt && now.getTime() - order.or21RequestedAt.getTime() < RESEND_AFTER_MS * order.or21Attempts)
      return {
        sent: false,
        retryAt: new Date(order.or21RequestedAt.getTime() + RESEND_AFTER_MS * order.or21Attempts),
        stop: false,
      };
    const settled = await settleByReading(connection, mirakl, order, body, now);
    if (settled !== "still-waiting") return settled;
  }
  await prisma.marketplaceOrder.update({
    where: { id: order.id },
    data: { or21Attempts: { increment: 1 }, or21RequestedAt: now },
  });
  try {
    await mirakl.acceptOrderLines(order.miraklOrderId, body.order_lines);
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    return onSendFailure(connection, mirakl, settings, order, body, error, now);
  }
  await markSent(connection, order, body, now, "OR21 sent");
  return { sent: true, retryAt: null, stop: false };
}

const describeBody = (body: Or21Body) => {
  const accepted = body.order_lines.filter((l) => l.accepted).map((l) => l.id);
  const refused = body.order_lines.filter((l) => !l.accepted).map((l) => l.id);
  return [
    accepted.length ? `accepted ${accepted.join(", ")}` : "",
    refused.length ? `refused ${refused.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
};

async function markSent(
  connection: { id: string; shop: string },
  order: OrderRow,
  body: Or21Body,
  now: Date,
  what: string,
) {
  const actor = order.or21By && order.or21By !== "app" ? "STAFF" : "APP";
  // One transaction: the Orders page never shows the decision sent without the timeline line that explains it.
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: connection.shop, acceptance: "SENDING" },
      data: { acceptance: "SENT", needsAttention: false, or21Error: null },
    });
    await appendTimeline(
      connection.shop,
      order.id,
      [{ actor, kind: "or21", message: `${what}: ${describeBody(body)}`, detail: { by: order.or21By, body } }],
      now,
      tx,
    );
  });
  await resolveAcceptanceExceptions(connection, order.id, now);
}

/**
 * Re-reads the order (OR11 by id) to learn whether an earlier OR21 landed. No waiting line left: the
 * decision is there (ours when the line states match it). Otherwise the caller sends again.
 */
async function settleByReading(
  connection: { id: string; shop: string },
  mirakl: MiraklClient,
  order: OrderRow,
  body: Or21Body,
  now: Date,
): Promise<SendOutcome | "still-waiting"> {
  let read: MiraklOrder[];
  try {
    read = await mirakl.getOrdersByIds([order.miraklOrderId]);
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    const retryAt = await reportMiraklFailure(connection, error, `OR11 re-read of order ${order.miraklOrderId}`, now);
    return { sent: false, retryAt, stop: error.kind === "rate_limited" || error.kind === "auth" };
  }
  const current = read.find((o) => o.order_id === order.miraklOrderId);
  if (!current) return "still-waiting";
  await storeOrders(connection, [current], now);
  if (current.order_lines.some((line) => line.order_line_state === WAITING_ACCEPTANCE)) return "still-waiting";
  const ours = body.order_lines.every((decision) => {
    const line = current.order_lines.find((l) => l.order_line_id === decision.id);
    return line && (line.order_line_state === "REFUSED") === !decision.accepted;
  });
  if (ours) {
    await markSent(connection, order, body, now, "Mirakl shows the decision (the answer to the OR21 was lost)");
    return { sent: true, retryAt: null, stop: false };
  }
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: connection.shop, acceptance: "SENDING" },
      data: { acceptance: "DECIDED_ON_MIRAKL", needsAttention: false },
    });
    if (count > 0)
      await appendTimeline(
        connection.shop,
        order.id,
        [
          appEntry(
            "decided-on-mirakl",
            "The order was decided on Mirakl before the app's decision landed (back office or deadline): the app's decision was not applied",
            { body },
          ),
        ],
        now,
        tx,
      );
  });
  await resolveAcceptanceExceptions(connection, order.id, now);
  return { sent: false, retryAt: null, stop: false };
}

async function onSendFailure(
  connection: { id: string; shop: string },
  mirakl: MiraklClient,
  settings: ConnectionSettings,
  order: OrderRow,
  body: Or21Body,
  error: MiraklError,
  now: Date,
): Promise<SendOutcome> {
  if (error.kind === "rate_limited" || error.kind === "auth") {
    const retryAt = await reportMiraklFailure(connection, error, `OR21 on order ${order.miraklOrderId}`, now);
    return { sent: false, retryAt, stop: true };
  }
  if (error.kind === "validation" || error.kind === "not_found") {
    // Refused by Mirakl: maybe because the decision is already there (a repeat). Read before concluding.
    const settled = await settleByReading(connection, mirakl, order, body, now);
    if (settled !== "still-waiting") return settled;
    if (error.miraklCode === "ORDER_PARTIAL_ACCEPTANCE_DISABLED") {
      if (!settings.partialAcceptanceForbidden)
        await mergeConnectionSettings(connection.shop, connection.id, { partialAcceptanceForbidden: true });
      settings.partialAcceptanceForbidden = true;
      const byApp = !order.or21By || order.or21By === "app";
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.marketplaceOrder.updateMany({
          where: { id: order.id, shop: connection.shop, acceptance: "SENDING" },
          data: byApp
            ? { acceptance: "PENDING", or21Body: Prisma.DbNull, or21Error: null }
            : {
                acceptance: "REVIEW",
                needsAttention: true,
                or21Body: Prisma.DbNull,
                or21Error: error.miraklMessage ?? error.message,
              },
        });
        if (count > 0)
          await appendTimeline(
            connection.shop,
            order.id,
            [
              appEntry(
                "partial-acceptance-forbidden",
                byApp
                  ? "Mirakl forbids partial acceptance on this marketplace: the order is decided again as a whole (and so are later orders)"
                  : "Mirakl forbids partial acceptance on this marketplace: accept every line or refuse every line",
                { miraklCode: error.miraklCode },
              ),
            ],
            now,
            tx,
          );
      });
      return { sent: false, retryAt: now, stop: false };
    }
    await failToReview(
      connection,
      order,
      body,
      `Mirakl refused the decision: ${error.miraklMessage ?? error.message}`,
      error,
      now,
    );
    return { sent: false, retryAt: null, stop: false };
  }
  // Transient (5xx, timeout, connection reset) or an unreadable answer: the decision may have landed.
  if (order.or21Attempts + 1 >= ATTEMPTS_BEFORE_EXCEPTION)
    await reportAcceptanceFailure(
      connection,
      order,
      body,
      error,
      `The decision on order ${order.miraklOrderId} could not be sent to Mirakl (${order.or21Attempts + 1} attempts): ${error.message}`,
      "Usually a marketplace outage: the app keeps trying (reading the order first, so it is never decided twice). If it lasts, decide the order in Mirakl's back office before its deadline.",
      now,
    );
  await prisma.marketplaceOrder.update({ where: { id: order.id }, data: { or21Error: error.message } });
  return { sent: false, retryAt: new Date(now.getTime() + RESEND_AFTER_MS * (order.or21Attempts + 1)), stop: false };
}

async function failToReview(
  connection: { id: string; shop: string },
  order: OrderRow,
  body: Or21Body,
  problem: string,
  error: MiraklError,
  now: Date,
) {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: connection.shop, acceptance: "SENDING" },
      data: { acceptance: "REVIEW", needsAttention: true, or21Body: Prisma.DbNull, or21Error: problem },
    });
    if (count > 0)
      await appendTimeline(
        connection.shop,
        order.id,
        [appEntry("or21-refused", problem, { body, miraklCode: error.miraklCode ?? null })],
        now,
        tx,
      );
  });
  await reportAcceptanceFailure(
    connection,
    order,
    body,
    error,
    `Order ${order.miraklOrderId}: ${problem}`,
    "Open the order and decide it again (Accept / Refuse), or decide it in Mirakl's back office before its deadline.",
    now,
  );
}

function reportAcceptanceFailure(
  connection: { id: string; shop: string },
  order: OrderRow,
  body: Or21Body,
  error: MiraklError,
  message: string,
  fixHint: string,
  now: Date,
) {
  return reportException(
    {
      shop: connection.shop,
      connectionId: connection.id,
      kind: "ORDER_ACCEPTANCE_FAILED",
      severity: "ERROR",
      entityType: ORDER_ENTITY,
      entityId: order.id,
      message,
      fixHint,
      detail: asJson({
        miraklOrderId: order.miraklOrderId,
        body,
        status: error.status ?? null,
        miraklCode: error.miraklCode ?? null,
      }),
    },
    now,
  );
}

const LEVEL_SEVERITY: Record<Exclude<DeadlineLevel, "none">, "WARNING" | "ERROR" | "CRITICAL"> = {
  warning: "WARNING",
  error: "ERROR",
  expired: "CRITICAL",
};

/**
 * Orders in review raise a warning at half their acceptance window and an error at 90 %; returns when the
 * next level is reached by one of them (the unit wakes up then).
 */
async function checkReviewDeadlines(
  connection: { id: string; shop: string },
  connectionName: string,
  settings: ConnectionSettings,
  now: Date,
): Promise<Date | null> {
  const inReview = await prisma.marketplaceOrder.findMany({
    where: { shop: connection.shop, connectionId: connection.id, acceptance: "REVIEW" },
    select: { id: true, miraklOrderId: true, createdOnMiraklAt: true },
  });
  const windowHours = settings.acceptance.acceptanceWindowHours;
  const windowMs = windowHours * 3_600_000;
  let next: number | null = null;
  for (const order of inReview) {
    const clock = acceptanceClock(order.createdOnMiraklAt, windowHours, now);
    const start = order.createdOnMiraklAt.getTime();
    for (const at of [start + windowMs * 0.5, start + windowMs * 0.9, start + windowMs])
      if (at > now.getTime()) {
        next = next === null ? at : Math.min(next, at);
        break;
      }
    if (clock.level === "none") continue;
    await reportException(
      {
        shop: connection.shop,
        connectionId: connection.id,
        kind: "ORDER_REVIEW_DUE",
        severity: LEVEL_SEVERITY[clock.level],
        entityType: ORDER_ENTITY,
        entityId: order.id,
        message:
          clock.level === "expired"
            ? `${connectionName} order ${order.miraklOrderId} waited for review past its acceptance deadline (${clock.deadline.toISOString()}): the marketplace may refuse it by itself`
            : `${connectionName} order ${order.miraklOrderId} waits for a person to accept or refuse it: deadline ${clock.deadline.toISOString()}`,
        fixHint: "Open the order, read why it is in review, and Accept or Refuse it before the deadline.",
        detail: { miraklOrderId: order.miraklOrderId, deadline: clock.deadline.toISOString(), level: clock.level },
      },
      now,
    );
  }
  return next === null ? null : new Date(next);
}

/**
 * The decision is on Mirakl: the acceptance's own exceptions about the order close (not the order's others, a
 * Shopify order or shipping alert, which their flows close).
 */
async function resolveAcceptanceExceptions(connection: { id: string; shop: string }, orderId: string, now: Date) {
  for (const kind of ["ORDER_ACCEPTANCE_FAILED", "ORDER_REVIEW_DUE"] as const)
    await resolveExceptionsForEntities(
      { shop: connection.shop, connectionId: connection.id, kind },
      ORDER_ENTITY,
      [orderId],
      now,
    );
}
