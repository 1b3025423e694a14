import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { toMoney } from "~/domain/money";
import { parseConnectionSettings, type RefundSettings } from "~/domain/connection-settings";
import { paymentGateway } from "~/domain/orders/shopify-order";
import {
  isOwnReversal,
  orderTaxModeOf,
  planMiraklRefunds,
  planShopifyRefund,
  reversalKey,
  reversalsToMirror,
  shopifyRefundGroups,
  type MiraklLineReversal,
  type MiraklRefundPlan,
  type SentReversalIntent,
  type ShopifyRefundRequest,
} from "~/domain/orders/refunds";
import type { TimelineEntry } from "~/domain/orders/timeline";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { MiraklError, type MiraklClient, type MiraklOrder } from "~/integrations/mirakl";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import { ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import { refundById, refundCreate } from "~/integrations/shopify/operations";
import { logger } from "~/lib/logger.server";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { appendTimeline, storeOrders } from "~/sync/orders/mirror.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import type { TopicHandler } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";

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

/** Orders (or refunds) handled per pass; more waiting → the unit runs again at once. */
const BATCH = 25;
/** An OR28 whose outcome is unknown: Mirakl's answer is believed missing only after this. */
export const RESEND_AFTER_MS = 60_000;
/** Shopify unreachable or refusing for now: the pass resumes after this. */
const SHOPIFY_RETRY_MS = 60_000;

export const REFUND_ENTITY = "MarketplaceRefund";
const EXCEPTION_KIND = "REFUND_NOT_SENT" as const;
/** Put on refunds the app makes in Shopify, so their refunds/create is recognised as the app's own. */
export const MIRROR_NOTE_PREFIX = "Marketplace refund";

type Admin = Pick<ShopifyAdminClient, "request">;
interface Connection {
  id: string;
  shop: string;
}
type RefundRow = Prisma.MarketplaceRefundGetPayload<object>;
type OrderRow = Prisma.MarketplaceOrderGetPayload<{ include: { lines: true } }>;

interface StoredIntent {
  refunds: Prisma.JsonArray;
  intents: SentReversalIntent[];
  orderTaxMode: string;
}

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

export async function recordShopifyRefund(
  shop: string,
  refund: { id: string; orderId: string; note: string | null },
  now: Date,
): Promise<{ recorded: true } | { recorded: false; reason: string }> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { shop, shopifyOrderId: refund.orderId },
    select: { id: true, connectionId: true },
  });
  if (!order) return { recorded: false, reason: "not an order the app created from a marketplace order" };
  const mirrored = await prisma.marketplaceRefund.findFirst({
    where: { shop, orderId: order.id, direction: "TO_SHOPIFY", resultIds: { array_contains: [refund.id] } },
    select: { id: true },
  });
  // The app's own mirror of a Mirakl refund (its note says so even before the mirror recorded the refund's id).
  if (mirrored || refund.note?.startsWith(MIRROR_NOTE_PREFIX))
    return { recorded: false, reason: "the app's own mirror of a marketplace refund" };
  const created = await prisma.marketplaceRefund.createMany({
    data: [{ shop, connectionId: order.connectionId, orderId: order.id, direction: "TO_MIRAKL", sourceKey: refund.id }],
    skipDuplicates: true, // the same refund delivered twice
  });
  if (created.count > 0) {
    await appendTimeline(
      shop,
      order.id,
      [
        {
          actor: "STAFF",
          kind: "refund-shopify",
          message: "Shopify: refund made; to send to the marketplace",
          detail: { refundId: refund.id },
        },
      ],
      now,
    );
    await workUnits.refunds.markDirty(order.connectionId, shop, now);
  }
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

interface Context extends Connection {
  marketplace: string;
  settings: RefundSettings;
  mirakl: MiraklClient;
  shopify: () => Promise<Admin>;
  now: Date;
}

type Outcome =
  | { kind: "sent" | "adopted" | "blocked" | "failed" | "ignored" | "done" }
  | { kind: "mirrored"; count: number }
  /** This one waits (an unknown outcome settling); the others go on. */
  | { kind: "wait"; until: Date }
  /** Mirakl or Shopify refuses every call for now: the pass ends. */
  | { kind: "stop"; until: Date };

async function onFailure(context: Context, error: unknown): Promise<Outcome> {
  if (error instanceof MiraklError) {
    const until = await reportMiraklFailure(context, error, "refunds", context.now);
    return { kind: "stop", until };
  }
  logger.warn("refunds: pass interrupted", { shop: context.shop, error: (error as Error).message });
  if ((error as { name?: string }).name?.startsWith("Shopify"))
    return { kind: "stop", until: new Date(context.now.getTime() + SHOPIFY_RETRY_MS) };
  throw error;
}

/** The order as Mirakl shows it now, stored in the mirror on the way. */
async function readOrder(context: Context, miraklOrderId: string): Promise<MiraklOrder | null> {
  const [order] = await context.mirakl.getOrdersByIds([miraklOrderId]);
  if (order) await storeOrders(context, [order], context.now);
  return order ?? null;
}

/** Every intent the app stored for an order's refunds (to recognise its own refunds on Mirakl). */
async function sentIntents(orderId: string): Promise<SentReversalIntent[]> {
  const rows = await prisma.marketplaceRefund.findMany({
    where: { orderId, direction: "TO_MIRAKL" },
    select: { request: true, resultIds: true },
  });
  return rows.flatMap((row) => {
    const stored = row.request as unknown as StoredIntent | null;
    const ids = (row.resultIds as string[]) ?? [];
    return (stored?.intents ?? []).map((intent) => ({ ...intent, recordedIds: ids.length ? ids : intent.recordedIds }));
  });
}

/** Shopify's refund as Mirakl lines, amounts and taxes. */
async function shopifyRefundRequest(
  context: Context,
  refund: RefundRow,
  order: OrderRow,
): Promise<{ request: ShopifyRefundRequest; total: string; currency: string } | null> {
  const admin = await context.shopify();
  const data = await admin.request(refundById, { id: refund.sourceKey });
  const found = data.refund;
  if (!found) return null;
  const lineOf = new Map(order.lines.flatMap((l) => (l.shopifyLineItemId ? [[l.shopifyLineItemId, l.lineId]] : [])));
  const lines = found.refundLineItems.nodes.flatMap((n) => {
    const lineId = lineOf.get(n.lineItem.id);
    return lineId
      ? [
          {
            lineId,
            quantity: n.quantity,
            amount: toMoney(n.subtotalSet.shopMoney.amount as string),
            taxAmount: toMoney((n.totalTaxSet?.shopMoney.amount as string | undefined) ?? "0"),
          },
        ]
      : [];
  });
  const sum = (values: readonly string[]) => values.reduce((s, v) => s + Number(v), 0);
  const shippingAmount = sum(
    found.refundShippingLines.nodes.map((n) => n.subtotalAmountSet.shopMoney.amount as string),
  );
  const shippingTax = sum(found.refundShippingLines.nodes.map((n) => n.taxAmountSet.shopMoney.amount as string));
  return {
    request: {
      lines,
      shipping: { amount: toMoney(shippingAmount.toFixed(2)), taxAmount: toMoney(shippingTax.toFixed(2)) },
      amountsIncludeTax: found.order.taxesIncluded,
    },
    total: found.totalRefundedSet.shopMoney.amount as string,
    currency: found.totalRefundedSet.shopMoney.currencyCode,
  };
}

async function sendToMirakl(context: Context, refund: RefundRow): Promise<Outcome> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: refund.orderId, shop: context.shop },
    include: { lines: true },
  });
  if (!order) return { kind: "ignored" };
  const current = await readOrder(context, order.miraklOrderId);
  if (!current) return settle(context, refund, order, "FAILED", `Mirakl no longer shows order ${order.miraklOrderId}`);

  // A send whose outcome is unknown: Mirakl's refunds say whether it landed.
  if (refund.status === "SENDING") {
    const stored = refund.request as unknown as StoredIntent;
    const landed = landedRefunds(current, stored.intents);
    if (landed.length > 0) {
      await prisma.marketplaceRefund.update({
        where: { id: refund.id },
        data: {
          status: "SENT",
          statusReason: "Mirakl shows the refund (the answer to the OR28 was lost)",
          resultIds: landed,
        },
      });
      await appendTimeline(
        context.shop,
        order.id,
        [appEntry("refund-sent", `Refund found on Mirakl after a lost answer (${landed.join(", ")})`)],
        context.now,
      );
      await resolveExceptionsFor(context.shop, REFUND_ENTITY, refund.id, context.now);
      return { kind: "adopted" };
    }
    const settleAt = (refund.sentAt?.getTime() ?? 0) + RESEND_AFTER_MS;
    if (context.now.getTime() < settleAt) return { kind: "wait", until: new Date(settleAt) };
    // Not there a minute after the send: it did not land; planned again below from what Mirakl shows now.
  }

  const reasonCode = refund.reasonCode ?? context.settings.reasonCode;
  if (!reasonCode) {
    return settle(
      context,
      refund,
      order,
      "BLOCKED",
      "No refund reason: the marketplace needs one with every refund",
      "Choose the refund reason on the order's page (it is sent at once), or set a default refund reason in the connection's order settings.",
    );
  }
  const facts = await shopifyRefundRequest(context, refund, order);
  if (!facts) return settle(context, refund, order, "IGNORED", "Shopify no longer shows this refund");
  const plan = planMiraklRefunds({
    order: current,
    request: facts.request,
    reasonCode,
    cancelationReasonCode: context.settings.cancelationReasonCode,
  });
  if (plan.lines.length === 0) {
    const why = plan.skipped.map((s) => s.message).join("; ") || "nothing in it is refundable on Mirakl";
    return settle(
      context,
      refund,
      order,
      "IGNORED",
      `Nothing sent to Mirakl: ${why}`,
      "Mirakl has refunded (or cancelled) everything this refund asks for, or the lines cannot be refunded there. Refund the customer through the marketplace operator if money is still owed, then dismiss this.",
      "WARNING",
    );
  }

  const intent: StoredIntent = {
    orderTaxMode: plan.orderTaxMode,
    refunds: plan.lines.map((l) => l.refund) as unknown as Prisma.JsonArray,
    intents: plan.lines.map((l) => ({
      kind: "refund",
      lineId: l.refund.order_line_id,
      amount: l.refund.amount,
      shippingAmount: l.refund.shipping_amount,
      reasonCode,
      createdAt: context.now.toISOString(),
      recordedIds: [],
    })),
  };
  await prisma.marketplaceRefund.update({
    where: { id: refund.id },
    data: {
      status: "SENDING",
      sentAt: context.now,
      attempts: { increment: 1 },
      reasonCode,
      request: intent as unknown as Prisma.InputJsonValue,
      amount: facts.total,
      currency: facts.currency,
    },
  });
  let answer;
  try {
    answer = await context.mirakl.refundOrderLines(
      plan.lines.map((l) => l.refund),
      { orderTaxMode: plan.orderTaxMode },
    );
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    // Refused before anything was made (4xx other than 429): say so; anything else may have landed: look next pass.
    if (error.kind === "validation" || error.kind === "not_found" || error.kind === "permanent") {
      return settle(
        context,
        refund,
        order,
        "FAILED",
        `Mirakl refused the refund (OR28): ${error.miraklMessage ?? error.message}`,
        "Read Mirakl's message: usually the line is no longer refundable (closed) or the reason is not allowed. Fix it on the marketplace or in the connection's settings, then press Retry.",
      );
    }
    const until = await reportMiraklFailure(context, error, `OR28 for order ${order.miraklOrderId}`, context.now);
    return {
      kind: error.kind === "auth" || error.kind === "rate_limited" ? "stop" : "wait",
      until: new Date(Math.max(until.getTime(), context.now.getTime() + RESEND_AFTER_MS)),
    };
  }
  const ids = answer.refunds.map((r) => r.refund_id);
  await prisma.marketplaceRefund.update({
    where: { id: refund.id },
    data: { status: "SENT", statusReason: capsNote(plan), resultIds: ids },
  });
  await appendTimeline(
    context.shop,
    order.id,
    [
      appEntry(
        "refund-sent",
        `Refund sent to Mirakl (OR28): ${describePlan(plan, current.currency_iso_code)}, reason ${reasonCode}`,
        { refundIds: ids },
      ),
    ],
    context.now,
  );
  await resolveExceptionsFor(context.shop, REFUND_ENTITY, refund.id, context.now);
  if (plan.lines.some((l) => l.caps.length > 0)) {
    await report(
      context,
      refund,
      order,
      capsNote(plan)!,
      "Shopify refunded more than Mirakl had left on these lines; the customer was refunded only what Mirakl allows. Check the difference with the marketplace operator, then dismiss this.",
      "WARNING",
    );
  }
  return { kind: "sent" };
}

/** The refund ids Mirakl shows for an intent whose answer was lost. */
function landedRefunds(order: MiraklOrder, intents: readonly SentReversalIntent[]): string[] {
  const ids: string[] = [];
  for (const line of order.order_lines)
    for (const refund of line.refunds ?? []) {
      const candidate: MiraklLineReversal = { kind: "refund", lineId: line.order_line_id, reversal: refund as never };
      if (isOwnReversal(candidate, intents)) ids.push(refund.id);
    }
  return ids;
}

function capsNote(plan: MiraklRefundPlan): string | null {
  const capped = plan.lines.filter((l) => l.caps.length > 0);
  if (!capped.length) return null;
  return `Capped at what Mirakl had left: ${capped
    .map(
      (l) => `${l.refund.order_line_id} ${l.caps.map((c) => `${c.component} ${c.requested} → ${c.sent}`).join(", ")}`,
    )
    .join("; ")}`;
}

function describePlan(plan: MiraklRefundPlan, currency: string): string {
  return plan.lines
    .map((l) => {
      const shipping = Number(l.refund.shipping_amount) > 0 ? ` + shipping ${l.refund.shipping_amount}` : "";
      return `${l.refund.amount}${shipping} ${currency} on line ${l.refund.order_line_id}`;
    })
    .join(", ");
}

async function settle(
  context: Context,
  refund: RefundRow,
  order: OrderRow,
  status: "FAILED" | "BLOCKED" | "IGNORED",
  reason: string,
  fixHint?: string,
  severity: "ERROR" | "WARNING" = "ERROR",
): Promise<Outcome> {
  await prisma.marketplaceRefund.update({ where: { id: refund.id }, data: { status, statusReason: reason } });
  if (refund.status !== status)
    await appendTimeline(context.shop, order.id, [appEntry("refund-not-sent", reason)], context.now);
  if (fixHint) await report(context, refund, order, reason, fixHint, severity);
  return { kind: status === "BLOCKED" ? "blocked" : status === "FAILED" ? "failed" : "ignored" };
}

async function report(
  context: Context,
  refund: RefundRow,
  order: OrderRow,
  reason: string,
  fixHint: string,
  severity: "ERROR" | "WARNING",
) {
  const direction = refund.direction === "TO_MIRAKL" ? "A Shopify refund" : "A marketplace refund";
  await reportException(
    {
      shop: context.shop,
      connectionId: context.id,
      kind: EXCEPTION_KIND,
      severity,
      entityType: REFUND_ENTITY,
      entityId: refund.id,
      message: `Order ${order.miraklOrderId}${order.shopifyOrderName ? ` (${order.shopifyOrderName})` : ""} on ${context.marketplace}: ${direction} was not carried over. ${reason}.`,
      fixHint,
      detail: {
        orderId: order.id,
        miraklOrderId: order.miraklOrderId,
        direction: refund.direction,
        source: refund.sourceKey,
      },
    },
    context.now,
  );
}

function appEntry(kind: string, message: string, detail: Record<string, unknown> = {}): TimelineEntry {
  return { actor: "APP", kind, message, detail };
}

// ---- Mirakl → Shopify --------------------------------------------------------------------------------------

async function mirrorToShopify(context: Context, order: OrderRow): Promise<Outcome> {
  const done = () => prisma.marketplaceOrder.update({ where: { id: order.id }, data: { refundsDirty: false } });
  if (!context.settings.mirrorToShopify || order.shopifyOrderStatus !== "CREATED" || !order.shopifyOrderId) {
    await done();
    return { kind: "done" };
  }
  const payload = order.payload as unknown as MiraklOrder;
  const rows = await prisma.marketplaceRefund.findMany({
    where: { orderId: order.id, direction: "TO_SHOPIFY" },
    select: { reversalKeys: true, status: true },
  });
  const mirroredKeys = new Set(rows.filter((r) => r.status === "SENT").flatMap((r) => r.reversalKeys as string[]));
  // The Shopify order was made without the units and money Mirakl had cancelled by then.
  const createdAt = order.shopifyOrderCreatedAt?.getTime() ?? 0;
  for (const line of payload.order_lines)
    for (const c of line.cancelations ?? [])
      if (c.created_date && Date.parse(c.created_date) <= createdAt) mirroredKeys.add(reversalKey("cancelation", c.id));
  const pending = reversalsToMirror(payload, { mirroredKeys, sentIntents: await sentIntents(order.id) });
  let count = 0;
  const lineItems = new Map(order.lines.flatMap((l) => (l.shopifyLineItemId ? [[l.lineId, l.shopifyLineItemId]] : [])));
  for (const group of shopifyRefundGroups(pending)) {
    const plan = planShopifyRefund({
      shopifyOrderId: order.shopifyOrderId,
      miraklOrderId: order.miraklOrderId,
      orderTaxMode: orderTaxModeOf(payload.order_tax_mode),
      reversals: group,
      lineItems,
      restock: context.settings.restockReturns,
      saleTransaction: { gateway: paymentGateway(context.marketplace) },
    });
    const input = { ...plan.input, note: `${MIRROR_NOTE_PREFIX}: ${plan.input.note}` };
    await prisma.marketplaceRefund.upsert({
      where: {
        shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
      },
      create: {
        shop: context.shop,
        connectionId: context.id,
        orderId: order.id,
        direction: "TO_SHOPIFY",
        sourceKey: plan.idempotencyKey,
        reversalKeys: plan.reversalKeys,
        status: "SENDING",
        request: input as unknown as Prisma.InputJsonValue,
        sentAt: context.now,
        attempts: 1,
        amount: input.transactions[0]?.amount ?? "0",
        currency: payload.currency_iso_code,
      },
      update: { status: "SENDING", sentAt: context.now, attempts: { increment: 1 } },
    });
    const admin = await context.shopify();
    let created;
    try {
      // Idempotent by key: a repeat after a lost answer returns the refund made the first time.
      created = await admin.request(refundCreate, { input, idempotencyKey: plan.idempotencyKey });
    } catch (error) {
      if (!(error instanceof ShopifyUserErrorsError)) throw error;
      const row = await prisma.marketplaceRefund.findUniqueOrThrow({
        where: {
          shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
        },
      });
      await settle(
        context,
        row,
        order,
        "FAILED",
        `Shopify refused the refund: ${error.message}`,
        "Read Shopify's message (often: more than is left to refund on the order). Adjust the Shopify order by hand if needed, then press Retry or dismiss this.",
      );
      continue;
    }
    const refundId = created.refundCreate?.refund?.id;
    await prisma.marketplaceRefund.update({
      where: {
        shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
      },
      data: { status: "SENT", statusReason: null, resultIds: refundId ? [refundId] : [] },
    });
    const what = group.map((g) => `${g.kind} ${g.reversal.id} on line ${g.lineId}`).join(", ");
    await appendTimeline(
      context.shop,
      order.id,
      [
        appEntry(
          "refund-mirrored",
          `Marketplace ${what} shown in Shopify as a refund of ${input.transactions[0]?.amount ?? "0"} ${payload.currency_iso_code}`,
          { refundId },
        ),
      ],
      context.now,
    );
    count++;
  }
  await done();
  return { kind: "mirrored", count };
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
