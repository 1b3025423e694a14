import { z } from "zod";
import prisma from "~/db.server";
import {
  miraklCancelationSchema,
  miraklCustomerSchema,
  miraklRefundSchema,
  type MiraklAddress,
  type MiraklCancelation,
  type MiraklRefund,
} from "~/integrations/mirakl/schemas";
import { refundReasonsFor, reasonText, type RefundReasons } from "~/connections/refund-reasons.server";
import { WAITING_ACCEPTANCE } from "~/domain/orders/acceptance";
import type { CheckOutcome } from "~/domain/orders/acceptance-rules";
import { toMoney } from "~/domain/money";
import {
  acceptanceCountdown,
  acceptanceWindowHours,
  decidedLines,
  shippingCountdown,
  shippingWarningHours,
} from "~/routes/app.orders._index/orders-page.server";
import { lineCommission, lineTaxes, orderMoney, sumKnown, sumTaxes } from "./order-money";

/** What the Order page shows of one order of the shop; null when the shop has no such order. */

const checkSchema = z.object({
  rule: z.string(),
  outcome: z.enum(["pass", "fail", "not-checked"]),
  code: z.string(),
  message: z.string(),
});

export interface DecisionCheck {
  rule: string;
  outcome: CheckOutcome;
  message: string;
}

/** The checks stored with a line's decision; an entry that does not read is left out, not shown half. */
export function decisionChecks(stored: unknown): DecisionCheck[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((entry) => {
    const parsed = checkSchema.safeParse(entry);
    return parsed.success
      ? [{ rule: parsed.data.rule, outcome: parsed.data.outcome, message: parsed.data.message }]
      : [];
  });
}

/** An address as the lines of a label; null when the marketplace did not share it. */
export function addressLines(address: MiraklAddress | null | undefined): string[] | null {
  if (!address) return null;
  const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(" ");
  const lines = [
    join(address.civility, address.firstname, address.lastname),
    join(address.company, address.company_2),
    join(address.street_1),
    join(address.street_2),
    join(address.zip_code, address.city),
    join(address.state),
    join(address.country ?? address.country_iso_code),
    join(address.phone),
  ].filter((line) => line !== "");
  return lines.length ? lines : null;
}

/** The customer as Mirakl gave it: a name, addresses when shared, and the anonymised notification alias. */
export function customerView(customer: unknown, notificationEmail: string | null) {
  const parsed = miraklCustomerSchema.safeParse(customer ?? {});
  const data = parsed.success ? parsed.data : null;
  const name = [data?.civility, data?.firstname, data?.lastname].filter(Boolean).join(" ");
  return {
    name: name || null,
    locale: data?.locale ?? null,
    shippingAddress: addressLines(data?.shipping_address),
    billingAddress: addressLines(data?.billing_address),
    emailAlias: notificationEmail,
  };
}

export async function loadOrderPage(shop: string, id: string, now: Date) {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id, shop },
    include: {
      lines: { orderBy: { lineIndex: "asc" } },
      events: { orderBy: [{ at: "asc" }, { seq: "asc" }] },
      shipments: { orderBy: [{ fulfilledAt: "asc" }, { id: "asc" }] },
      refunds: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!order) return null;
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: order.connectionId, shop },
    select: { id: true, name: true, settings: true },
  });
  const reasons = connection ? await reasonsForPage(shop, connection.id, order) : null;

  return {
    order: {
      id: order.id,
      marketplace: connection?.name ?? "Removed connection",
      /** Null when the connection was removed (nothing to link to). */
      connectionId: connection?.id ?? null,
      miraklOrderId: order.miraklOrderId,
      commercialId: order.commercialId,
      state: order.state,
      currency: order.currency,
      taxMode: order.taxMode,
      paymentWorkflow: order.paymentWorkflow,
      acceptance: order.acceptance,
      decided: decidedLines(order.lines),
      needsAttention: order.needsAttention,
      acceptanceError: order.or21Error,
      createdOnMiraklAt: order.createdOnMiraklAt.toISOString(),
      acceptanceDecidedAt: order.acceptanceDecidedAt?.toISOString() ?? null,
      shippingDeadline: order.shippingDeadline?.toISOString() ?? null,
      deadline: acceptanceCountdown(order, acceptanceWindowHours(connection?.settings), now),
      /** The countdown to Mirakl's shipping deadline while the order is to ship. */
      shipping: shippingCountdown(order, shippingWarningHours(connection?.settings), now),
    },
    shopifyOrder: shopifyOrderView(order),
    fulfilment: fulfilmentView(order),
    refunds: refundsView(order, reasons),
    lines: order.lines.map((line) => ({
      id: line.id,
      lineId: line.lineId,
      lineIndex: line.lineIndex,
      offerSku: line.offerSku,
      productTitle: line.productTitle,
      quantity: line.quantity,
      state: line.state,
      waiting: line.state === WAITING_ACCEPTANCE,
      unitPrice: toMoney(line.unitPrice),
      price: toMoney(line.price),
      shippingPrice: toMoney(line.shippingPrice),
      taxes: lineTaxes(line),
      commission: lineCommission(line),
      decision: line.decision,
      decisionSummary: line.decisionSummary,
      checks: decisionChecks(line.decisionChecks),
      decidedAt: line.decidedAt?.toISOString() ?? null,
      decidedBy: line.decidedBy,
    })),
    money: orderMoney(order),
    customer: customerView(order.customer, order.notificationEmail),
    timeline: order.events.map((event) => ({
      id: event.id,
      at: event.at.toISOString(),
      actor: event.actor,
      message: event.message,
    })),
  };
}

/** The order's Shopify order: where it stands, and why when it could not be made. */
export function shopifyOrderView(order: {
  shopifyOrderStatus: string;
  shopifyOrderId: string | null;
  shopifyOrderName: string | null;
  shopifyOrderCreatedAt: Date | null;
  shopifyOrderError: string | null;
  shopifyOrderAttempts: number;
  shopifyInventoryBehaviour: string | null;
}) {
  // Stored as "CAUSE: message" (the cause drives the next attempt); the page shows the message.
  const separator = order.shopifyOrderError?.indexOf(": ") ?? -1;
  return {
    status: order.shopifyOrderStatus,
    id: order.shopifyOrderId,
    name: order.shopifyOrderName,
    createdAt: order.shopifyOrderCreatedAt?.toISOString() ?? null,
    error:
      order.shopifyOrderError && separator > 0 ? order.shopifyOrderError.slice(separator + 2) : order.shopifyOrderError,
    attempts: order.shopifyOrderAttempts,
    committedByOrder: order.shopifyInventoryBehaviour === "DECREMENT_IGNORING_POLICY",
  };
}

/** The order's Shopify fulfilments and what Mirakl was told of each. */
export function fulfilmentView(order: {
  fulfilmentStatus: string;
  fulfilmentNote: string | null;
  lines: readonly { lineId: string; offerSku: string; productTitle: string | null }[];
  shipments: readonly {
    id: string;
    name: string | null;
    shopifyStatus: string;
    company: string | null;
    trackingNumber: string | null;
    lines: unknown;
    fulfilledAt: Date;
    status: string;
    statusReason: string | null;
    miraklShipmentId: string | null;
  }[];
}) {
  const lineName = new Map(order.lines.map((l) => [l.lineId, l.productTitle ?? l.offerSku]));
  return {
    status: order.fulfilmentStatus,
    note: order.fulfilmentNote,
    shipments: order.shipments.map((s) => ({
      id: s.id,
      name: s.name,
      cancelledInShopify: s.shopifyStatus !== "SUCCESS",
      company: s.company,
      trackingNumber: s.trackingNumber,
      units: (Array.isArray(s.lines) ? (s.lines as { lineId: string; quantity: number }[]) : []).map(
        (l) => `${l.quantity} × ${lineName.get(l.lineId) ?? l.lineId}`,
      ),
      fulfilledAt: s.fulfilledAt.toISOString(),
      status: s.status,
      reason: s.statusReason,
      miraklShipmentId: s.miraklShipmentId,
      retryable: s.status === "FAILED" || s.status === "BLOCKED",
    })),
  };
}

// ---- refunds and cancellations ------------------------------------------------------------------------------

/** How long the page waits for Mirakl's reasons when a refund waits for one (a choice needs the list). */
const REASONS_WAIT_MS = 2_000;

export const REFUND_DIRECTIONS: Record<string, string> = {
  TO_MIRAKL: "Shopify → Mirakl",
  TO_SHOPIFY: "Mirakl → Shopify",
};

/**
 * The RE01 type a TO_MIRAKL exchange's reason is of: a Shopify cancellation carried as OR30 (or blocked for a
 * CANCELATION reason) says so in its stored intent; everything else is a refund.
 */
export function reasonTypeOf(row: { kind: string; request: unknown }): "REFUND" | "CANCELATION" {
  const request = (row.request ?? {}) as { reasonType?: string; action?: string };
  return row.kind === "ORDER_CANCEL" && (request.reasonType === "CANCELATION" || request.action === "OR30")
    ? "CANCELATION"
    : "REFUND";
}

/** Mirakl's refund states as a merchant reads them: its payment provider has paid, or not yet. */
export function refundStateLabel(state: string | null | undefined): string | null {
  if (!state) return null;
  if (state === "REFUNDED") return "Refunded";
  if (state.startsWith("WAITING_REFUND")) return "Refund pending";
  return state;
}

/**
 * A TO_MIRAKL exchange the flow blocked for want of a reason (the marketplace needs one with every refund; the flow
 * blocks a Shopify refund for nothing else), or that Mirakl refused (often the reason): the page offers the choice.
 */
export function waitsForReason(row: { direction: string; status: string; reasonCode: string | null }): boolean {
  return (
    row.direction === "TO_MIRAKL" && ((row.status === "BLOCKED" && row.reasonCode === null) || row.status === "FAILED")
  );
}

type Reversal = { kind: "refund"; data: MiraklRefund } | { kind: "cancelation"; data: MiraklCancelation };

const payloadLinesSchema = z.looseObject({ order_lines: z.array(z.unknown()) });
const payloadLineSchema = z.looseObject({
  order_line_id: z.string().min(1),
  refunds: z.unknown().optional(),
  cancelations: z.unknown().optional(),
});

/** The refunds and cancelations Mirakl lists on each line of the stored OR11 order; one that does not read is left out. */
export function reversalsOf(payload: unknown): { lineId: string; reversals: Reversal[] }[] {
  const parsed = payloadLinesSchema.safeParse(payload);
  if (!parsed.success) return [];
  const each = <T>(list: unknown, read: (entry: unknown) => T | null): T[] =>
    Array.isArray(list)
      ? list.flatMap((entry) => {
          const value = read(entry);
          return value === null ? [] : [value];
        })
      : [];
  const lines = each(parsed.data.order_lines, (entry) => {
    const line = payloadLineSchema.safeParse(entry);
    return line.success ? line.data : null;
  });
  return lines.map((line) => ({
    lineId: line.order_line_id,
    reversals: [
      ...each(line.cancelations, (entry): Reversal | null => {
        const r = miraklCancelationSchema.safeParse(entry);
        return r.success ? { kind: "cancelation", data: r.data } : null;
      }),
      ...each(line.refunds, (entry): Reversal | null => {
        const r = miraklRefundSchema.safeParse(entry);
        return r.success ? { kind: "refund", data: r.data } : null;
      }),
    ],
  }));
}

const idsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

interface RefundRow {
  id: string;
  direction: string;
  kind: string;
  request: unknown;
  status: string;
  statusReason: string | null;
  reasonCode: string | null;
  amount: string | null;
  currency: string | null;
  resultIds: unknown;
  reversalKeys: unknown;
  createdAt: Date;
  sentAt: Date | null;
}

/**
 * The order's refunds and cancellations: what Mirakl lists per line (who made each, its money, reason and state)
 * and each exchange the app carried or is carrying between Shopify and Mirakl.
 */
export function refundsView(
  order: {
    payload: unknown;
    lines: readonly { lineId: string; offerSku: string; productTitle: string | null }[];
    refunds: readonly RefundRow[];
  },
  reasons: { read: RefundReasons | null; problem: string | null } | null,
) {
  const labels = reasons?.read?.labels ?? null;
  const lineName = new Map(order.lines.map((l) => [l.lineId, l.productTitle ?? l.offerSku]));
  // What the app made on Mirakl (OR28/OR30 answers' ids), and what it showed in Shopify ("refund:<id>" keys).
  const sentByApp = new Set(
    order.refunds.filter((r) => r.direction === "TO_MIRAKL").flatMap((r) => idsIn(r.resultIds)),
  );
  const mirrored = new Set(
    order.refunds.filter((r) => r.direction === "TO_SHOPIFY").flatMap((r) => idsIn(r.reversalKeys)),
  );
  const marketplace = reversalsOf(order.payload)
    .filter((line) => line.reversals.length > 0)
    .map((line) => ({
      lineId: line.lineId,
      name: lineName.get(line.lineId) ?? line.lineId,
      reversals: line.reversals.map(({ kind, data }) => {
        const key = `${kind}:${data.id}`;
        const byApp = sentByApp.has(data.id) || sentByApp.has(key);
        return {
          key,
          kind,
          id: data.id,
          amount: data.amount === null || data.amount === undefined ? null : toMoney(data.amount),
          shippingAmount:
            data.shipping_amount === null || data.shipping_amount === undefined ? null : toMoney(data.shipping_amount),
          taxes: sumKnown([sumTaxes(data.taxes), sumTaxes(data.shipping_taxes)]),
          quantity: data.quantity ?? null,
          reason: reasonText(data.reason_code, labels?.[kind === "refund" ? "REFUND" : "CANCELATION"] ?? null),
          state: kind === "refund" ? refundStateLabel((data as MiraklRefund).refund_state) : "Cancelled",
          refunded: kind === "refund" ? (data as MiraklRefund).refund_state === "REFUNDED" : true,
          date: data.created_date ?? null,
          by: byApp ? "Sent by the app" : "Marketplace",
          shownInShopify: !byApp && mirrored.has(key),
        };
      }),
    }));
  const exchanges = order.refunds.map((r) => {
    const waiting = waitsForReason(r);
    const reasonType = reasonTypeOf(r);
    const choices = (reasonType === "CANCELATION" ? reasons?.read?.cancelation : reasons?.read?.refund) ?? [];
    return {
      id: r.id,
      direction: REFUND_DIRECTIONS[r.direction] ?? r.direction,
      what: r.kind === "ORDER_CANCEL" ? "Order cancelled" : "Refund",
      status: r.status,
      statusReason: r.statusReason,
      reason: reasonText(r.reasonCode, r.direction === "TO_MIRAKL" ? (labels?.[reasonType] ?? null) : null),
      amount: r.amount,
      currency: r.currency,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
      waitsForReason: waiting,
      /** A person chooses the reason; null: the reasons could not be read (the problem says why). */
      reasonChoices: waiting && reasons?.read ? choices : null,
    };
  });
  return {
    marketplace,
    exchanges,
    /** Why reasons are shown as codes, or cannot be chosen; null when they were read (or not needed). */
    reasonsProblem: reasons?.problem ?? null,
  };
}

/**
 * Mirakl's reasons, only when the page has something to name or a reason to offer. They come from memory once read
 * (a day); a page that needs to offer a choice waits a moment for Mirakl, any other shows codes until the read is done.
 */
async function reasonsForPage(
  shop: string,
  connectionId: string,
  order: { payload: unknown; refunds: readonly RefundRow[] },
): Promise<{ read: RefundReasons | null; problem: string | null } | null> {
  const needChoice = order.refunds.some(waitsForReason);
  const needLabels =
    order.refunds.some((r) => r.reasonCode) ||
    reversalsOf(order.payload).some((line) => line.reversals.some((r) => r.data.reason_code));
  if (!needChoice && !needLabels) return null;
  const read = await refundReasonsFor(shop, connectionId, { waitMs: needChoice ? REASONS_WAIT_MS : 0 });
  return read.ok ? { read: read.reasons, problem: null } : { read: null, problem: needChoice ? read.problem : null };
}

export type OrderPage = NonNullable<Awaited<ReturnType<typeof loadOrderPage>>>;
