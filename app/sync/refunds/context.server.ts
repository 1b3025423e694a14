import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import type { RefundSettings } from "~/domain/connection-settings";
import { isOwnReversal, type MiraklLineReversal, type SentReversalIntent } from "~/domain/orders/refunds";
import type { TimelineEntry } from "~/domain/orders/timeline";
import { reportException } from "~/exceptions/exceptions.server";
import { MiraklError, type MiraklClient, type MiraklOrder } from "~/integrations/mirakl";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import { logger } from "~/lib/logger.server";
import { appendTimeline, storeOrders } from "~/sync/orders/mirror.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";

/**
 * What the refund flow's parts share (app/sync/refunds/): the pass's context, outcomes, settling a row with its
 * timeline entry and exception, and reading the order back from Mirakl.
 */

/** Orders (or refunds) handled per pass; more waiting → the unit runs again at once. */
export const BATCH = 25;
/** An OR28 whose outcome is unknown: Mirakl's answer is believed missing only after this. */
export const RESEND_AFTER_MS = 60_000;
/**
 * Shopify runs orderCancel as a job: the order shows `cancelledAt` once it ran, within seconds as a rule. A cancel
 * whose order still is not cancelled this long after it was sent did not happen (the job failed): it becomes an
 * exception instead of staying "sent" in silence while the merchant may ship an order the marketplace cancelled.
 */
export const CANCEL_CONFIRM_WITHIN_MS = 10 * 60_000;
/** Shopify unreachable or refusing for now: the pass resumes after this. */
export const SHOPIFY_RETRY_MS = 60_000;

export const REFUND_ENTITY = "MarketplaceRefund";
export const EXCEPTION_KIND = "REFUND_NOT_SENT" as const;
/** Put on refunds the app makes in Shopify, so their refunds/create is recognised as the app's own. */
export const MIRROR_NOTE_PREFIX = "Marketplace refund";

export type Admin = Pick<ShopifyAdminClient, "request">;
export interface Connection {
  id: string;
  shop: string;
}
export type RefundRow = Prisma.MarketplaceRefundGetPayload<object>;
export type OrderRow = Prisma.MarketplaceOrderGetPayload<{ include: { lines: true } }>;

/** What a Shopify refund's exchange stores in `request` before sending: OR30 then OR28 bodies, and the intents. */
export interface StoredIntent {
  refunds: Prisma.JsonArray;
  /** Lines refunded whole before shipping, cancelled instead (OR30). */
  cancelations?: Prisma.JsonArray;
  intents: SentReversalIntent[];
  orderTaxMode: string;
  /** Mirakl refused OR30 for this refund (partial cancelation off): everything goes as OR28. */
  lineCancelRefused?: boolean;
}

export interface Context extends Connection {
  marketplace: string;
  settings: RefundSettings;
  mirakl: MiraklClient;
  shopify: () => Promise<Admin>;
  now: Date;
}

export type Outcome =
  | { kind: "sent" | "adopted" | "blocked" | "failed" | "ignored" | "done" }
  /** `recheckAt`: what was sent still has to show in Shopify (a cancel's job): the order is read again then. */
  | { kind: "mirrored"; count: number; recheckAt?: Date }
  /** This one waits for another exchange of its order (the order's cancellation); that one's end wakes it. */
  | { kind: "held" }
  /** This one waits (an unknown outcome settling); the others go on. */
  | { kind: "wait"; until: Date }
  /** Mirakl or Shopify refuses every call for now: the pass ends. */
  | { kind: "stop"; until: Date };

export async function onFailure(context: Context, error: unknown): Promise<Outcome> {
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
export async function readOrder(context: Context, miraklOrderId: string): Promise<MiraklOrder | null> {
  const [order] = await context.mirakl.getOrdersByIds([miraklOrderId]);
  if (order) await storeOrders(context, [order], context.now);
  return order ?? null;
}

/**
 * Every intent the app stored for an order's refunds and cancellations (to recognise what it made on Mirakl). An
 * OR29 has no per-line intent: the cancelation ids it made, once known, stand for it.
 */
export async function sentIntents(shop: string, orderId: string): Promise<SentReversalIntent[]> {
  const rows = await prisma.marketplaceRefund.findMany({
    where: { shop, orderId, direction: "TO_MIRAKL" },
    select: { request: true, resultIds: true },
  });
  return rows.flatMap((row): SentReversalIntent[] => {
    const stored = row.request as unknown as (Partial<StoredIntent> & { action?: string }) | null;
    const ids = (row.resultIds as string[]) ?? [];
    if (stored?.action === "OR29")
      return ids.length
        ? [
            {
              kind: "cancelation",
              lineId: "",
              amount: "0",
              shippingAmount: "0",
              reasonCode: "",
              createdAt: "",
              recordedIds: ids,
            },
          ]
        : [];
    return (stored?.intents ?? []).map((intent) => ({ ...intent, recordedIds: ids.length ? ids : intent.recordedIds }));
  });
}

/**
 * Mirakl refused an OR30 before making anything (the shop may not cancel single lines): the exchange goes back to
 * PENDING, remembering it, and its next pass refunds the lines instead (OR28). The timeline says so.
 */
export async function refundInsteadOfLineCancel(
  context: Context,
  row: RefundRow,
  order: OrderRow,
  kind: "cancel-not-sent" | "refund-not-sent",
  message: string,
): Promise<Outcome> {
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceRefund.update({
      where: { id: row.id },
      data: {
        status: "PENDING",
        request: { lineCancelRefused: true },
        statusReason: `Mirakl refused cancelling the lines: ${message}`,
      },
    });
    const line = `Mirakl refused cancelling the lines (OR30): ${message}; refunding them instead`;
    await appendTimeline(context.shop, order.id, [appEntry(kind, line)], context.now, tx);
  });
  return { kind: "wait", until: context.now };
}

export async function settle(
  context: Context,
  refund: RefundRow,
  order: OrderRow,
  status: "FAILED" | "BLOCKED" | "IGNORED",
  reason: string,
  fixHint?: string,
  severity: "ERROR" | "WARNING" = "ERROR",
): Promise<Outcome> {
  // With its timeline line or not at all: once the status is stored, a later settle would not tell it again.
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceRefund.update({ where: { id: refund.id }, data: { status, statusReason: reason } });
    if (refund.status !== status)
      await appendTimeline(context.shop, order.id, [appEntry("refund-not-sent", reason)], context.now, tx);
  });
  if (fixHint) await report(context, refund, order, reason, fixHint, severity);
  return { kind: status === "BLOCKED" ? "blocked" : status === "FAILED" ? "failed" : "ignored" };
}

export async function report(
  context: Context,
  refund: RefundRow,
  order: OrderRow,
  reason: string,
  fixHint: string,
  severity: "ERROR" | "WARNING",
) {
  const direction =
    refund.kind === "ORDER_CANCEL"
      ? refund.direction === "TO_MIRAKL"
        ? "Shopify's cancellation of the order"
        : "The marketplace's cancellation of the order"
      : refund.direction === "TO_MIRAKL"
        ? "A Shopify refund"
        : "A marketplace refund";
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

/** What the app is about to send, as it will recognise it on Mirakl after a lost answer (`isOwnReversal`). */
export function reversalIntent(
  kind: SentReversalIntent["kind"],
  entry: { order_line_id: string; amount: string; shipping_amount: string; reason_code: string },
  now: Date,
): SentReversalIntent {
  return {
    kind,
    lineId: entry.order_line_id,
    amount: entry.amount,
    shippingAmount: entry.shipping_amount,
    reasonCode: entry.reason_code,
    createdAt: now.toISOString(),
    recordedIds: [],
  };
}

/** The ids of the refunds and cancelations Mirakl shows that match the app's intents (an answer that was lost). */
export function landedReversals(order: MiraklOrder, intents: readonly SentReversalIntent[]): string[] {
  const ids: string[] = [];
  for (const line of order.order_lines) {
    const listed: MiraklLineReversal[] = [
      ...(line.refunds ?? []).map((r) => ({
        kind: "refund" as const,
        lineId: line.order_line_id,
        reversal: r as never,
      })),
      ...(line.cancelations ?? []).map((c) => ({
        kind: "cancelation" as const,
        lineId: line.order_line_id,
        reversal: c as never,
      })),
    ];
    for (const candidate of listed)
      if (isOwnReversal(candidate, intents)) ids.push((candidate.reversal as { id: string }).id);
  }
  return ids;
}

export function appEntry(kind: string, message: string, detail: Record<string, unknown> = {}): TimelineEntry {
  return { actor: "APP", kind, message, detail };
}
