import { z } from "zod";
import prisma from "~/db.server";
import { miraklCustomerSchema, type MiraklAddress } from "~/integrations/mirakl/schemas";
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
import { lineCommission, lineTaxes, orderMoney } from "./order-money";

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
    },
  });
  if (!order) return null;
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: order.connectionId, shop },
    select: { id: true, name: true, settings: true },
  });

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

export type OrderPage = NonNullable<Awaited<ReturnType<typeof loadOrderPage>>>;
