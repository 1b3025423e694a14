import { createHash } from "node:crypto";
import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import type { MiraklOrder } from "~/integrations/mirakl";
import {
  timelineEntries,
  type OrderSnapshot,
  type TimelineContext,
  type TimelineEntry,
} from "~/domain/orders/timeline";
import {
  isOwnReversal,
  orderTaxModeOf,
  reversalKey,
  reversalMoney,
  type SentReversalIntent,
} from "~/domain/orders/refunds";
import { WAITING_ACCEPTANCE } from "~/domain/orders/acceptance";
import { shopifyOrderDue } from "~/domain/orders/shopify-order";
import { workUnits } from "~/worker/registry.server";
import { keptReasonLabels } from "~/connections/refund-reasons.server";

/**
 * The order mirror: every Mirakl order a connection's intake reads, stored with its lines, money and an
 * append-only timeline (issue 10). Level-triggered and idempotent: an order whose payload did not change
 * since the last read writes nothing; a changed one is rewritten and its timeline gets what changed.
 *
 * The mirror also moves an order's acceptance forward where Mirakl's state decides it: an order with a
 * waiting line that the app never decided becomes PENDING (the acceptance unit decides it); one that
 * stopped waiting while the app or a person had not sent a decision is DECIDED_ON_MIRAKL (someone decided
 * in Mirakl's back office, or the marketplace refused it at its deadline). Once the app sent an OR21 it
 * never decides again, even if a late read still shows the order waiting.
 */

export type AcceptanceState = "NONE" | "PENDING" | "REVIEW" | "SENDING" | "SENT" | "DECIDED_ON_MIRAKL" | "AUTOMATIC";

/** States in which the app (or a person through it) still owes Mirakl a decision. */
export const UNDECIDED: readonly AcceptanceState[] = ["PENDING", "REVIEW"];

export interface StoreResult {
  created: number;
  changed: number;
  /** Some order now waits for the acceptance unit (new PENDING, or a SENDING one Mirakl moved). */
  acceptanceDue: boolean;
  /** Some order became due for its Shopify order (the Shopify order unit has work). */
  shopifyOrdersDue: boolean;
  /** Some order shows a new refund or cancelation (the refund unit has work; already marked). */
  refundsDue: boolean;
}

/** What decides whether a paid order gets its Shopify order by itself (the connection's, read by the intake). */
export interface ShopifyOrderPolicy {
  /** The connection makes Shopify orders (settings.shopifyOrders.create). */
  create: boolean;
  /** Orders placed before this instant (the connection's creation) may already be in Shopify: not made by themselves. */
  placedBefore: Date;
}

/**
 * The Shopify order status an order moves to when read: NONE becomes DUE once it is paid, or SKIPPED when the
 * connection makes no Shopify orders or the order is older than the connection (a person can still ask for one).
 * Any other status only moves through the Shopify order unit, so a stale read never takes it back.
 */
function shopifyOrderStatusOn(
  order: MiraklOrder,
  current: string,
  policy: ShopifyOrderPolicy | undefined,
): "DUE" | "SKIPPED" | null {
  if (current !== "NONE" || !policy || !shopifyOrderDue(order)) return null;
  const placedAt = Date.parse(order.created_date);
  if (!policy.create || (Number.isFinite(placedAt) && placedAt < policy.placedBefore.getTime())) return "SKIPPED";
  return "DUE";
}

function shopifyOrderEntry(status: "DUE" | "SKIPPED", order: MiraklOrder, policy: ShopifyOrderPolicy): TimelineEntry {
  if (status === "DUE")
    return {
      actor: "APP",
      kind: "shopify-order-due",
      message: "The customer paid: the Shopify order is being created",
      detail: {},
    };
  const older = Date.parse(order.created_date) < policy.placedBefore.getTime();
  return {
    actor: "APP",
    kind: "shopify-order-skipped",
    message: older
      ? "Placed before the connection existed, so it may already be in Shopify: no Shopify order was made by itself (Create in Shopify makes one)"
      : "The connection makes no Shopify orders (Order settings): none was made (Create in Shopify makes one)",
    detail: {},
  };
}

/** The payload's fingerprint: the same order read twice hashes the same. */
export function payloadHash(order: MiraklOrder): string {
  return createHash("sha256").update(JSON.stringify(order)).digest("hex");
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const date = (value: string | null | undefined): Date | null => {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms) : null;
};

const reversalOf = (reversal: NonNullable<MiraklOrder["order_lines"][number]["cancelations"]>[number]) => ({
  id: reversal.id,
  ...reversalMoney(reversal),
  quantity: reversal.quantity ?? null,
  reasonCode: reversal.reason_code ?? null,
});

export function snapshotOf(order: MiraklOrder): OrderSnapshot {
  return {
    miraklOrderId: order.order_id,
    state: order.order_state,
    currency: order.currency_iso_code,
    taxMode: orderTaxModeOf(order.order_tax_mode),
    totalPrice: order.total_price,
    customerDebitedAt: order.customer_debited_date ?? null,
    hasIncident: order.has_incident === true,
    lines: order.order_lines.map((line) => ({
      lineId: line.order_line_id,
      offerSku: line.offer_sku,
      state: line.order_line_state,
      quantity: line.quantity,
      cancelations: (line.cancelations ?? []).map(reversalOf),
      // refund_state, or the deprecated 3-value state from a marketplace that sends only that.
      refunds: (line.refunds ?? []).map((r) => ({ ...reversalOf(r), state: r.refund_state ?? r.state ?? null })),
    })),
  };
}

const isWaiting = (order: MiraklOrder) =>
  order.order_lines.some((line) => line.order_line_state === WAITING_ACCEPTANCE);

function orderFields(order: MiraklOrder, hash: string) {
  return {
    commercialId: text(order.commercial_id),
    state: order.order_state,
    currency: order.currency_iso_code,
    paymentWorkflow: text(order.payment_workflow),
    taxMode: text(order.order_tax_mode),
    price: order.price,
    shippingPrice: order.shipping_price,
    totalPrice: order.total_price,
    totalCommission: order.total_commission ?? null,
    shippingTypeLabel: text(order.shipping_type_label),
    notificationEmail: text(order.customer_notification_email),
    customer: (order.customer ?? {}) as Prisma.InputJsonValue,
    createdOnMiraklAt: date(order.created_date) ?? new Date(0),
    updatedOnMiraklAt: date(order.last_updated_date) ?? date(order.created_date) ?? new Date(0),
    acceptanceDecidedAt: date(order.acceptance_decision_date),
    customerDebitedAt: date(order.customer_debited_date),
    shippingDeadline: date(order.shipping_deadline),
    payload: order as unknown as Prisma.InputJsonValue,
    payloadHash: hash,
  };
}

function lineFields(line: MiraklOrder["order_lines"][number], index: number) {
  return {
    lineIndex: line.order_line_index ?? index + 1,
    offerSku: line.offer_sku,
    productTitle: text(line.product_title),
    quantity: line.quantity,
    state: line.order_line_state,
    unitPrice: line.price_unit,
    price: line.price,
    shippingPrice: line.shipping_price,
    totalPrice: line.total_price,
    commissionFee: line.commission_fee ?? null,
    commissionVat: line.commission_vat ?? null,
    taxes: line.taxes as unknown as Prisma.InputJsonValue,
    shippingTaxes: line.shipping_taxes as unknown as Prisma.InputJsonValue,
  };
}

const eventRows = (shop: string, orderId: string, entries: readonly TimelineEntry[], now: Date) =>
  entries.map((entry) => ({
    shop,
    orderId,
    at: now,
    actor: entry.actor,
    kind: entry.kind,
    message: entry.message,
    detail: entry.detail as Prisma.InputJsonValue,
  }));

/** Stores what the intake read. Orders are compared with their stored payload; unchanged ones write nothing. */
export async function storeOrders(
  connection: { id: string; shop: string },
  orders: readonly MiraklOrder[],
  now: Date,
  shopifyOrders?: ShopifyOrderPolicy,
): Promise<StoreResult> {
  const result: StoreResult = {
    created: 0,
    changed: 0,
    acceptanceDue: false,
    shopifyOrdersDue: false,
    refundsDue: false,
  };
  if (orders.length === 0) return result;
  // Read at most once per batch, only when a reversal is to be told, and only from memory (no Mirakl call).
  let labels: TimelineContext["reasonLabels"] | null | undefined;
  const reasonLabels = () => {
    if (labels === undefined) labels = keptReasonLabels(connection.shop, connection.id);
    return labels ?? undefined;
  };
  const stored = new Map(
    (
      await prisma.marketplaceOrder.findMany({
        where: {
          shop: connection.shop,
          connectionId: connection.id,
          miraklOrderId: { in: orders.map((o) => o.order_id) },
        },
        select: {
          id: true,
          miraklOrderId: true,
          payloadHash: true,
          payload: true,
          acceptance: true,
          updatedOnMiraklAt: true,
          shopifyOrderStatus: true,
        },
      })
    ).map((row) => [row.miraklOrderId, row]),
  );
  for (const order of orders) {
    const hash = payloadHash(order);
    const previous = stored.get(order.order_id);
    if (previous?.payloadHash === hash) continue;
    // A read older than what is stored (an overlapping poll answered late) would take the order back in time.
    const updatedAt = date(order.last_updated_date);
    if (previous && updatedAt && updatedAt < previous.updatedOnMiraklAt) continue;
    const waiting = isWaiting(order);
    const shopifyOrder = shopifyOrderStatusOn(order, previous?.shopifyOrderStatus ?? "NONE", shopifyOrders);
    const shopifyOrderFields = shopifyOrder ? { shopifyOrderStatus: shopifyOrder, shopifyOrderDueAt: now } : {};
    if (shopifyOrder === "DUE") result.shopifyOrdersDue = true;
    if (!previous) {
      const acceptance: AcceptanceState = waiting ? "PENDING" : "NONE";
      // Nothing can have been sent for an order never stored: every reversal on it was made on the marketplace.
      const entries = timelineEntries(null, snapshotOf(order), {
        ownReversals: new Set(),
        reasonLabels: reasonLabels(),
      });
      if (shopifyOrder) entries.push(shopifyOrderEntry(shopifyOrder, order, shopifyOrders!));
      try {
        await prisma.marketplaceOrder.create({
          data: {
            shop: connection.shop,
            connectionId: connection.id,
            miraklOrderId: order.order_id,
            ...orderFields(order, hash),
            ...shopifyOrderFields,
            acceptance,
            firstReadAt: now,
            lastChangedAt: now,
            lines: {
              create: order.order_lines.map((line, i) => ({
                shop: connection.shop,
                connectionId: connection.id,
                lineId: line.order_line_id,
                ...lineFields(line, i),
              })),
            },
            events: {
              create: eventRows(connection.shop, "", entries, now).map(({ orderId: _o, shop, ...e }) => ({
                shop,
                ...e,
              })),
            },
          },
        });
      } catch (error) {
        // Another reader stored it first (unique per connection and order): what it wrote stands.
        if ((error as { code?: string }).code === "P2002") continue;
        throw error;
      }
      result.created++;
      if (waiting) result.acceptanceDue = true;
      continue;
    }

    const before = snapshotOf(previous.payload as unknown as MiraklOrder);
    const after = snapshotOf(order);
    // A refund or cancelation appeared: the refund flow carries it to Shopify (or recognises it as its own).
    const reversalsChanged = reversalIds(before) !== reversalIds(after);
    const context: TimelineContext = reversalsChanged
      ? { ownReversals: await ownReversalsOf(connection.shop, previous.id, order), reasonLabels: reasonLabels() }
      : {};
    const entries = timelineEntries(before, after, context);
    if (reversalsChanged) result.refundsDue = true;
    const prior = previous.acceptance as AcceptanceState;
    let acceptance = prior;
    if (waiting && prior === "NONE") acceptance = "PENDING";
    if (!waiting && UNDECIDED.includes(prior)) {
      acceptance = "DECIDED_ON_MIRAKL";
      entries.push({
        actor: "MIRAKL",
        kind: "decided-on-mirakl",
        message:
          "No line waits for acceptance any more, but the app sent no decision: it was decided in Mirakl's back office or refused by the marketplace at its deadline",
        detail: {},
      });
    }
    if (shopifyOrder) entries.push(shopifyOrderEntry(shopifyOrder, order, shopifyOrders!));
    if (acceptance === "PENDING" || prior === "SENDING") result.acceptanceDue = true;
    await prisma.$transaction([
      prisma.marketplaceOrder.update({
        where: { id: previous.id },
        data: {
          ...orderFields(order, hash),
          acceptance,
          lastChangedAt: now,
          ...(reversalsChanged ? { refundsDirty: true } : {}),
          ...(acceptance === "DECIDED_ON_MIRAKL" ? { needsAttention: false } : {}),
        },
      }),
      // Only from NONE: the Shopify order unit may have moved it on since it was read above.
      ...(shopifyOrder
        ? [
            prisma.marketplaceOrder.updateMany({
              where: { id: previous.id, shopifyOrderStatus: "NONE" },
              data: shopifyOrderFields,
            }),
          ]
        : []),
      ...order.order_lines.map((line, i) =>
        prisma.marketplaceOrderLine.upsert({
          where: { connectionId_lineId: { connectionId: connection.id, lineId: line.order_line_id } },
          create: {
            shop: connection.shop,
            connectionId: connection.id,
            orderId: previous.id,
            lineId: line.order_line_id,
            ...lineFields(line, i),
          },
          update: lineFields(line, i),
        }),
      ),
      prisma.marketplaceOrderEvent.createMany({ data: eventRows(connection.shop, previous.id, entries, now) }),
    ]);
    result.changed++;
  }
  if (result.refundsDue) await workUnits.refunds.markDirty(connection.id, connection.shop, now);
  return result;
}

/** Every refund and cancelation id of the order, in one comparable string. */
const reversalIds = (snapshot: OrderSnapshot) =>
  snapshot.lines
    .map((l) => `${l.lineId}:${l.cancelations.map((c) => c.id).join(",")}|${l.refunds.map((r) => r.id).join(",")}`)
    .join(";");

const idsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/**
 * reversalKey of each refund and cancelation on the order that the app sent itself (its TO_MIRAKL exchanges): by
 * the ids Mirakl answered, or, when the answer was lost, by the stored intent (line, amounts, reason, after it).
 * Only asked for an order whose reversals changed.
 */
async function ownReversalsOf(shop: string, orderId: string, order: MiraklOrder): Promise<Set<string>> {
  const rows = await prisma.marketplaceRefund.findMany({
    where: { shop, orderId, direction: "TO_MIRAKL" },
    select: { request: true, resultIds: true },
  });
  const intents: SentReversalIntent[] = [];
  // Ids answered for a send whose intent says nothing of its kind: recognised by id, of either kind.
  const bareIds = new Set<string>();
  for (const row of rows) {
    const ids = idsIn(row.resultIds);
    const stored = (row.request as { intents?: SentReversalIntent[] } | null)?.intents;
    if (!Array.isArray(stored) || stored.length === 0) ids.forEach((id) => bareIds.add(id));
    else intents.push(...stored.map((intent) => ({ ...intent, recordedIds: ids.length ? ids : intent.recordedIds })));
  }
  const own = new Set<string>();
  for (const line of order.order_lines) {
    const listed = [
      ...(line.cancelations ?? []).map((reversal) => ({ kind: "cancelation" as const, reversal })),
      ...(line.refunds ?? []).map((reversal) => ({ kind: "refund" as const, reversal })),
    ];
    for (const { kind, reversal } of listed)
      if (bareIds.has(reversal.id) || isOwnReversal({ kind, lineId: line.order_line_id, reversal }, intents))
        own.add(reversalKey(kind, reversal.id));
  }
  return own;
}

/**
 * Appends entries to an order's timeline (the acceptance unit's and the staff's actions). `db` is the transaction
 * to write in when the entry must appear together with the state it tells of.
 */
export async function appendTimeline(
  shop: string,
  orderId: string,
  entries: readonly TimelineEntry[],
  now: Date,
  db: Pick<Prisma.TransactionClient, "marketplaceOrderEvent"> = prisma,
) {
  if (entries.length === 0) return;
  await db.marketplaceOrderEvent.createMany({ data: eventRows(shop, orderId, entries, now) });
}
