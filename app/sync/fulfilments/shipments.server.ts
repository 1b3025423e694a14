import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseConnectionSettings, type ShippingPlatform } from "~/domain/connection-settings";
import {
  planOrderShipping,
  type FulfilmentRecord,
  type OrderShippingInput,
  type ShipLine,
  type ShipmentStatus,
  type ShippingStep,
  type TrackingToSend,
} from "~/domain/orders/fulfilment";
import { remainingQuantity } from "~/domain/orders/shopify-order";
import type { TimelineEntry } from "~/domain/orders/timeline";
import { mergeConnectionSettings } from "~/connections/connections.server";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { MiraklError, type MiraklClient, type MiraklOrder, type MiraklShipmentTracking } from "~/integrations/mirakl";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import { orderFulfillments } from "~/integrations/shopify/operations";
import { logger } from "~/lib/logger.server";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { appendTimeline, storeOrders } from "~/sync/orders/mirror.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import { carrierMap, currentCarriers } from "~/sync/fulfilments/carriers.server";
import type { TopicHandler } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";

/**
 * Shopify fulfilments of orders the app created from Mirakl, sent to Mirakl (issue 12), on the `fulfilments` unit
 * per connection. Level-triggered: `fulfillments/create|update` webhooks and the sweep only record Shopify's
 * fulfilment (MarketplaceShipment) and mark the order SYNCING; each pass plans every such order with the pure
 * `planOrderShipping` (app/domain/orders/fulfilment.ts), runs the steps and records what Mirakl acknowledged.
 *
 * Repeats are safe: OR23 sets the same tracking again, OR24 after a lost answer fails with ORDER_INVALID_STATE and
 * the order is re-read (OR11 by id) to see it shipped. ST01 creates a shipment on every call, so its intent is
 * stored first (SENDING, with the package reference it carries) and the next pass looks the shipment up (ST11)
 * before sending again. A blocked carrier or a Mirakl refusal is an exception naming the order and the carrier,
 * with Retry; a blocked fulfilment is planned again on every pass, so mapping its carrier sends it by itself.
 */

/** Orders planned per pass; more waiting → the unit runs again at once. */
const BATCH = 50;
/** Blocked orders re-resolved per pass (database reads only, unless a carrier was mapped). */
const BLOCKED_BATCH = 200;
/** Orders whose Shopify fulfilments the sweep reads per pass. */
const SWEEP_BATCH = 20;
/** A full sweep batch: the next one after this. */
const SWEEP_BATCH_SPACING_MS = 15_000;
/** How often an unshipped order's fulfilments are read from Shopify, in case a webhook was lost. */
export const SWEEP_INTERVAL_MS = 10 * 60_000;
/** PC01 is read again after this. */
const PLATFORM_MAX_AGE_MS = 24 * 60 * 60_000;
/** An ST01 whose answer was lost, or a Mirakl outage: the next pass after this. */
const RESEND_AFTER_MS = 30_000;

export const SHIPMENT_ENTITY = "MarketplaceShipment";
const EXCEPTION_KIND = "SHIPMENT_BLOCKED" as const;

type Admin = Pick<ShopifyAdminClient, "request">;
interface Connection {
  id: string;
  shop: string;
}
type ShipmentRow = Prisma.MarketplaceShipmentGetPayload<object>;
type OrderRow = Prisma.MarketplaceOrderGetPayload<{ include: { lines: true; shipments: true } }>;

// ---- Shopify's side: what was fulfilled ------------------------------------------------------------------

/** A Shopify fulfilment as a webhook or the sweep shows it. */
export interface ShopifyFulfilment {
  id: string;
  orderId: string;
  name: string | null;
  status: string;
  company: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  lines: readonly { lineItemId: string; quantity: number }[];
  createdAt: Date;
  updatedAt: Date;
}

export type RecordOutcome = { recorded: true; changed: boolean } | { recorded: false; reason: string };

/**
 * Stores Shopify's fulfilment of an order made from Mirakl and marks the order for the next pass (and the unit
 * due). A fulfilment of any other order is not ours; an older view than the stored one changes nothing.
 */
export async function recordShopifyFulfilment(
  shop: string,
  fulfilment: ShopifyFulfilment,
  now: Date,
  options: { markDue?: boolean } = {},
): Promise<RecordOutcome> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { shop, shopifyOrderId: fulfilment.orderId },
    select: { id: true, connectionId: true, lines: { select: { lineId: true, shopifyLineItemId: true } } },
  });
  if (!order) return { recorded: false, reason: "not an order the app created from a marketplace order" };
  const lineOf = new Map(order.lines.flatMap((l) => (l.shopifyLineItemId ? [[l.shopifyLineItemId, l.lineId]] : [])));
  const units = new Map<string, number>();
  for (const line of fulfilment.lines) {
    const lineId = lineOf.get(line.lineItemId);
    if (lineId && line.quantity > 0) units.set(lineId, (units.get(lineId) ?? 0) + line.quantity);
  }
  const lines: ShipLine[] = [...units].map(([lineId, quantity]) => ({ lineId, quantity }));
  const desired = {
    name: fulfilment.name,
    shopifyStatus: fulfilment.status.toUpperCase(),
    company: fulfilment.company?.trim() || null,
    trackingNumber: fulfilment.trackingNumber?.trim() || null,
    trackingUrl: fulfilment.trackingUrl?.trim() || null,
    lines: lines as unknown as Prisma.InputJsonValue,
  };
  const existing = await prisma.marketplaceShipment.findUnique({
    where: { shop_shopifyFulfillmentId: { shop, shopifyFulfillmentId: fulfilment.id } },
  });
  if (existing && existing.shopifyUpdatedAt > fulfilment.updatedAt) return { recorded: true, changed: false };
  const changed =
    !existing ||
    existing.shopifyStatus !== desired.shopifyStatus ||
    existing.company !== desired.company ||
    existing.trackingNumber !== desired.trackingNumber ||
    existing.trackingUrl !== desired.trackingUrl ||
    JSON.stringify(existing.lines) !== JSON.stringify(lines);
  if (!changed) return { recorded: true, changed: false };

  // One transaction: the shipment, the order's fulfilment state and the timeline line that tells of them.
  const wrote = await prisma.$transaction(async (tx) => {
    if (existing) {
      // A change is planned again; what Mirakl already has (SHIPPED, or an ST01 in flight) is kept as it is.
      const status: ShipmentStatus =
        existing.status === "SHIPPED" || existing.status === "SENDING" ? existing.status : "PENDING";
      await tx.marketplaceShipment.update({
        where: { id: existing.id },
        data: { ...desired, shopifyUpdatedAt: fulfilment.updatedAt, status },
      });
    } else {
      const { count } = await tx.marketplaceShipment.createMany({
        data: [
          {
            ...desired,
            shop,
            connectionId: order.connectionId,
            orderId: order.id,
            shopifyFulfillmentId: fulfilment.id,
            fulfilledAt: fulfilment.createdAt,
            shopifyUpdatedAt: fulfilment.updatedAt,
            firstSeenAt: now,
          },
        ],
        skipDuplicates: true, // the same fulfilment from the webhook and the sweep at once
      });
      if (count === 0) return false; // the other one recorded it (and tells it)
    }
    await tx.marketplaceOrder.update({ where: { id: order.id }, data: { fulfilmentStatus: "SYNCING" } });
    await appendTimeline(shop, order.id, [shopifyEntry(fulfilment, existing !== null)], now, tx);
    return true;
  });
  if (!wrote) return { recorded: true, changed: false };
  if (options.markDue !== false) await workUnits.fulfilments.markDirty(order.connectionId, shop, now);
  return { recorded: true, changed: true };
}

function shopifyEntry(fulfilment: ShopifyFulfilment, seenBefore: boolean): TimelineEntry {
  const what = fulfilment.name ?? "A fulfilment";
  const carrier = [fulfilment.company, fulfilment.trackingNumber].filter(Boolean).join(" ");
  const status = fulfilment.status.toUpperCase();
  const message =
    status !== "SUCCESS"
      ? `Shopify: ${what} is ${status.toLowerCase()}`
      : seenBefore
        ? `Shopify: ${what} changed${carrier ? ` (now ${carrier})` : ""}`
        : `Shopify: ${what} fulfilled${carrier ? ` with ${carrier}` : " without tracking"}`;
  return {
    actor: "STAFF",
    kind: "fulfilled",
    message,
    detail: { fulfillmentId: fulfilment.id, company: fulfilment.company, trackingNumber: fulfilment.trackingNumber },
  };
}

/** The sweep: unshipped orders' fulfilments read from Shopify, oldest check first, so a lost webhook is healed. */
async function sweepShopifyFulfilments(connection: Connection, shopify: () => Promise<Admin>, now: Date) {
  const stale = new Date(now.getTime() - SWEEP_INTERVAL_MS);
  const orders = await prisma.marketplaceOrder.findMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      shopifyOrderStatus: "CREATED",
      state: "SHIPPING",
      OR: [{ fulfilmentsCheckedAt: null }, { fulfilmentsCheckedAt: { lte: stale } }],
    },
    select: { id: true, shopifyOrderId: true, _count: { select: { lines: true } } },
    orderBy: [{ fulfilmentsCheckedAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
    take: SWEEP_BATCH,
  });
  let changed = 0;
  for (const order of orders) {
    if (!order.shopifyOrderId) continue;
    const admin = await shopify();
    const lineItems = Math.min(100, Math.max(5, order._count.lines + 5)); // fee lines too
    const data = await admin.request(orderFulfillments, { id: order.shopifyOrderId, fulfillments: 10, lineItems });
    for (const f of data.order?.fulfillments ?? []) {
      const tracking = f.trackingInfo[0];
      const outcome = await recordShopifyFulfilment(
        connection.shop,
        {
          id: f.id,
          orderId: order.shopifyOrderId,
          name: f.name,
          status: f.status,
          company: tracking?.company ?? null,
          trackingNumber: tracking?.number ?? null,
          trackingUrl: tracking?.url ?? null,
          lines: f.fulfillmentLineItems.nodes.map((n) => ({ lineItemId: n.lineItem.id, quantity: n.quantity })),
          createdAt: new Date(f.createdAt as string),
          updatedAt: new Date(f.updatedAt as string),
        },
        now,
        { markDue: false },
      );
      if (outcome.recorded && outcome.changed) changed++;
    }
    await prisma.marketplaceOrder.update({ where: { id: order.id }, data: { fulfilmentsCheckedAt: now } });
  }
  if (changed)
    logger.info("fulfilments: the sweep found fulfilments no webhook brought", { shop: connection.shop, changed });
  return { more: orders.length === SWEEP_BATCH };
}

// ---- Mirakl's side: the pass ------------------------------------------------------------------------------

export interface FulfilmentsResult {
  planned: number;
  shipped: number;
  blocked: number;
  failed: number;
  nextDueAt: Date | null;
}

/** One pass over the connection's orders with fulfilment work, and a slice of the sweep. */
export async function runFulfilments(
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
  admin?: Admin,
): Promise<FulfilmentsResult> {
  const result: FulfilmentsResult = { planned: 0, shipped: 0, blocked: 0, failed: 0, nextDueAt: null };
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { name: true, settings: true },
  });
  if (!row) return result;
  let client = admin;
  const shopify = async () => (client ??= await shopifyClientForShop(connection.shop));
  const retryAt: number[] = [];

  let sweepMore = false;
  try {
    sweepMore = (await sweepShopifyFulfilments(connection, shopify, now)).more;
  } catch (error) {
    // Shopify unreachable or throttled: the webhooks still arrive; the sweep resumes on a later pass.
    logger.warn("fulfilments: sweep failed", { shop: connection.shop, error: (error as Error).message });
    retryAt.push(now.getTime() + 60_000);
  }

  const orders = [
    ...(await ordersWith(connection, "SYNCING", BATCH)),
    ...(await ordersWith(connection, "BLOCKED", BLOCKED_BATCH)),
  ];
  if (orders.length > 0) {
    const settings = parseConnectionSettings(row.settings);
    const context = await shippingContext(connection, row.name, settings, mirakl, now);
    if ("retryAt" in context) retryAt.push(context.retryAt.getTime());
    else {
      const reread: string[] = [];
      for (const order of orders) {
        const outcome = await settleOrder(context, order, mirakl, now);
        result.planned++;
        if (outcome.status === "SHIPPED") result.shipped++;
        if (outcome.status === "BLOCKED") result.blocked++;
        if (outcome.status === "FAILED") result.failed++;
        if (outcome.reread) reread.push(order.miraklOrderId);
        if (outcome.retryAt) retryAt.push(outcome.retryAt.getTime());
        if (outcome.stop) break;
      }
      await rereadOrders(connection, mirakl, reread, now);
    }
  }

  const synced = await prisma.marketplaceOrder.count({
    where: { shop: connection.shop, connectionId: connection.id, fulfilmentStatus: "SYNCING" },
  });
  if (synced > 0 && !retryAt.length) retryAt.push(now.getTime() + 1000);
  // The sweep is the heal path (webhooks are the fast one): its batches are spaced so a shop with thousands of
  // open orders does not spend its Shopify query budget on it.
  if (sweepMore) retryAt.push(now.getTime() + SWEEP_BATCH_SPACING_MS);
  const nextSweep = await nextSweepAt(connection);
  if (nextSweep) retryAt.push(Math.max(now.getTime(), nextSweep.getTime()));
  result.nextDueAt = retryAt.length ? new Date(Math.max(now.getTime(), Math.min(...retryAt))) : null;
  return result;
}

function ordersWith(connection: Connection, fulfilmentStatus: string, take: number): Promise<OrderRow[]> {
  return prisma.marketplaceOrder.findMany({
    where: { shop: connection.shop, connectionId: connection.id, fulfilmentStatus },
    include: { lines: true, shipments: true },
    orderBy: { id: "asc" },
    take,
  });
}

async function nextSweepAt(connection: Connection): Promise<Date | null> {
  const oldest = await prisma.marketplaceOrder.findFirst({
    where: { shop: connection.shop, connectionId: connection.id, shopifyOrderStatus: "CREATED", state: "SHIPPING" },
    orderBy: { fulfilmentsCheckedAt: { sort: "asc", nulls: "first" } },
    select: { fulfilmentsCheckedAt: true },
  });
  if (!oldest) return null;
  return new Date((oldest.fulfilmentsCheckedAt?.getTime() ?? 0) + SWEEP_INTERVAL_MS);
}

interface ShippingContext extends Connection {
  marketplace: string;
  platform: ShippingPlatform;
  input: Pick<OrderShippingInput, "map" | "carriers" | "policy" | "mode">;
}

/** The platform's shipping rules (PC01, daily), carriers (SH21, daily) and the carrier map. */
async function shippingContext(
  connection: Connection,
  marketplace: string,
  settings: ReturnType<typeof parseConnectionSettings>,
  mirakl: MiraklClient,
  now: Date,
): Promise<ShippingContext | { retryAt: Date }> {
  let platform = settings.shippingPlatform;
  if (!platform || now.getTime() - Date.parse(platform.readAt) >= PLATFORM_MAX_AGE_MS) {
    try {
      const { features } = await mirakl.getPlatformConfiguration();
      platform = {
        readAt: now.toISOString(),
        multiShipment: features.shipment?.multi_shipment === true,
        alternativeCarriers: features.disable_seller_alternative_carrier !== true,
      };
      await mergeConnectionSettings(connection.shop, connection.id, { shippingPlatform: platform });
    } catch (error) {
      if (!(error instanceof MiraklError)) throw error;
      if (!platform)
        return { retryAt: await reportMiraklFailure(connection, error, "PC01 platform configuration", now) };
      // A day-old reading is still the best knowledge: shipping goes on with it.
    }
  }
  const carriers = await currentCarriers(connection, mirakl, now);
  const map = await carrierMap(connection.shop, connection.id);
  return {
    ...connection,
    marketplace,
    platform,
    input: {
      mode: platform.multiShipment ? "shipments" : "order",
      carriers,
      map,
      policy: {
        alternativeCarriersAllowed: platform.alternativeCarriers,
        defaultCarrierCode: settings.defaultCarrierCode,
      },
    },
  };
}

interface SettleOutcome {
  status: string;
  reread: boolean;
  retryAt: Date | null;
  /** Mirakl refuses every call for now (key, rate limit): the pass ends. */
  stop: boolean;
}

const asTracking = (value: unknown): TrackingToSend | null =>
  value && typeof value === "object" ? (value as TrackingToSend) : null;

function recordOf(row: ShipmentRow): FulfilmentRecord {
  return {
    id: row.id,
    name: row.name,
    active: row.shopifyStatus === "SUCCESS",
    company: row.company,
    trackingNumber: row.trackingNumber,
    trackingUrl: row.trackingUrl,
    lines: (row.lines as unknown as ShipLine[]) ?? [],
    fulfilledAt: row.fulfilledAt,
    status: row.status as ShipmentStatus,
    trackingSent: asTracking(row.trackingSent),
    miraklShipmentId: row.miraklShipmentId,
  };
}

/** Mirakl's lines as the mirror last read them, with the units each still has to ship. */
function linesOf(order: OrderRow, payload: MiraklOrder | null) {
  return order.lines.map((line) => {
    const read = payload?.order_lines.find((l) => l.order_line_id === line.lineId);
    return {
      lineId: line.lineId,
      state: line.state,
      toShip: read ? remainingQuantity(read) : line.quantity,
    };
  });
}

/** Plans the order, runs the steps, plans again with what landed, and records the outcome. */
async function settleOrder(
  context: ShippingContext,
  order: OrderRow,
  mirakl: MiraklClient,
  now: Date,
): Promise<SettleOutcome> {
  const fulfilments = order.shipments.map(recordOf);
  const input: OrderShippingInput = {
    ...context.input,
    miraklOrderId: order.miraklOrderId,
    orderState: order.state,
    lines: linesOf(order, order.payload as unknown as MiraklOrder),
    fulfilments,
    orderTrackingSent: asTracking(order.orderTrackingSent),
  };
  const plan = planOrderShipping(input);
  const outcome: SettleOutcome = { status: plan.orderStatus, reread: false, retryAt: null, stop: false };
  const refused = new Map<string, string>(); // fulfilment id → Mirakl's refusal
  const timeline: TimelineEntry[] = [];
  for (const step of plan.steps) {
    const ran = await runStep(context, order, input, step, mirakl, now, timeline);
    if (ran.kind === "done") continue;
    if (ran.kind === "refused") {
      const ids =
        "fulfilmentId" in step ? [step.fulfilmentId] : input.fulfilments.filter((f) => f.active).map((f) => f.id);
      for (const id of ids) refused.set(id, ran.message);
      if (ran.reread) outcome.reread = true;
      if (step.kind !== "create-shipment" && step.kind !== "update-shipment-tracking") break;
      continue;
    }
    // Mirakl did not say (outage, rate limit, lost answer): the next pass picks the order up where it stands.
    outcome.retryAt = ran.retryAt;
    outcome.stop = ran.stop;
    break;
  }
  if (plan.steps.some((s) => s.kind === "ship-order") && input.orderState !== "SHIPPING") outcome.reread = true;

  for (const [id, message] of refused) {
    const f = input.fulfilments.find((x) => x.id === id);
    if (f) (f as { status: ShipmentStatus }).status = "FAILED";
    refused.set(id, message);
  }
  const final = planOrderShipping(input);
  const stillSyncing = outcome.retryAt !== null || final.steps.length > 0;
  const orderStatus = stillSyncing ? "SYNCING" : final.orderStatus;
  outcome.status = orderStatus;

  const byId = new Map(order.shipments.map((s) => [s.id, s]));
  for (const decision of final.decisions) {
    const row = byId.get(decision.fulfilmentId);
    const f = input.fulfilments.find((x) => x.id === decision.fulfilmentId)!;
    if (!row) continue;
    const status: ShipmentStatus = refused.has(row.id) ? "FAILED" : decision.status;
    const reason = refused.get(row.id) ?? decision.reason;
    await prisma.marketplaceShipment.update({
      where: { id: row.id },
      data: {
        status,
        statusReason: reason,
        trackingSent: (f.trackingSent ?? undefined) as Prisma.InputJsonValue | undefined,
        miraklShipmentId: f.miraklShipmentId,
        shippedAt: status === "SHIPPED" ? (row.shippedAt ?? now) : row.shippedAt,
        attempts: status === row.status ? row.attempts : row.attempts + (status === "FAILED" ? 1 : 0),
      },
    });
    if (status !== row.status && (status === "BLOCKED" || status === "FAILED"))
      timeline.push({
        actor: "APP",
        kind: "shipment-blocked",
        message: `${row.name ?? "A fulfilment"}: ${reason}`,
        detail: { cause: decision.block?.cause ?? "MIRAKL_REFUSED" },
      });
    await syncException(context, order, row, status, reason, decision.block, now);
  }
  // The order's fulfilment state and the timeline lines that explain it are written together.
  await prisma.$transaction(async (tx) => {
    await tx.marketplaceOrder.update({
      where: { id: order.id },
      data: {
        fulfilmentStatus: orderStatus,
        fulfilmentNote: refused.size ? [...refused.values()][0] : final.note,
        orderTrackingSent: (input.orderTrackingSent ?? undefined) as Prisma.InputJsonValue | undefined,
      },
    });
    await appendTimeline(context.shop, order.id, timeline, now, tx);
  });
  return outcome;
}

type StepOutcome =
  | { kind: "done" }
  | { kind: "refused"; message: string; reread: boolean }
  | { kind: "unsure"; retryAt: Date; stop: boolean };

const miraklTracking = (t: TrackingToSend): MiraklShipmentTracking => ({
  carrier_code: t.carrierCode,
  carrier_name: t.carrierName,
  tracking_number: t.trackingNumber,
  tracking_url: t.trackingUrl,
});

/** One step against Mirakl; what landed is written into `input` so planning again sees it. */
async function runStep(
  context: ShippingContext,
  order: OrderRow,
  input: OrderShippingInput,
  step: ShippingStep,
  mirakl: MiraklClient,
  now: Date,
  timeline: TimelineEntry[],
): Promise<StepOutcome> {
  const fulfilment = (id: string) =>
    input.fulfilments.find((f) => f.id === id) as FulfilmentRecord & {
      -readonly [K in keyof FulfilmentRecord]: FulfilmentRecord[K];
    };
  try {
    switch (step.kind) {
      case "set-order-tracking": {
        const t = step.tracking;
        await mirakl.setTracking(order.miraklOrderId, {
          ...(t.carrierCode ? { carrier_code: t.carrierCode } : {}),
          ...(t.carrierName ? { carrier_name: t.carrierName } : {}),
          ...(t.trackingUrl && !t.carrierCode ? { carrier_url: t.trackingUrl } : {}),
          ...(t.trackingNumber ? { tracking_number: t.trackingNumber } : {}),
        });
        input.orderTrackingSent = t;
        fulfilment(step.fulfilmentId).trackingSent = t;
        timeline.push(
          appEntry("tracking-sent", `Tracking sent to Mirakl (OR23): ${describeTracking(t)}`, { tracking: t }),
        );
        return { kind: "done" };
      }
      case "ship-order": {
        await mirakl.shipOrder(order.miraklOrderId);
        input.orderState = "SHIPPED";
        timeline.push(
          appEntry("shipped-sent", "Mirakl was told the order shipped (OR24): every unit is fulfilled in Shopify"),
        );
        return { kind: "done" };
      }
      case "create-shipment":
        return await createShipment(context, order, step, fulfilment(step.fulfilmentId), mirakl, now, timeline);
      case "update-shipment-tracking": {
        const answer = await mirakl.updateShipmentTracking([
          { id: step.shipmentId, tracking: miraklTracking(step.tracking) },
        ]);
        const error = answer.shipment_errors.find((e) => e.id === step.shipmentId);
        if (error)
          return {
            kind: "refused",
            message: `Mirakl refused the tracking update (ST23): ${error.message}`,
            reread: false,
          };
        fulfilment(step.fulfilmentId).trackingSent = step.tracking;
        timeline.push(
          appEntry(
            "tracking-sent",
            `Tracking of shipment ${step.shipmentId} updated on Mirakl (ST23): ${describeTracking(step.tracking)}`,
          ),
        );
        return { kind: "done" };
      }
    }
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    if (error.kind === "validation" || error.kind === "not_found" || error.kind === "permanent") {
      // A refused OR24/OR23 may be our own earlier call that landed: the order is read again before it counts.
      if (step.kind === "ship-order" || step.kind === "set-order-tracking") {
        const current = await readOrder(context, mirakl, order.miraklOrderId, now);
        // Shipped (our lost answer, or someone on Mirakl) or cancelled meanwhile: planning again says what it means.
        if (current && current.order_state !== "SHIPPING") {
          input.orderState = current.order_state;
          return { kind: "done" };
        }
      }
      return {
        kind: "refused",
        message: `Mirakl refused ${error.operation}: ${error.miraklMessage ?? error.message}`,
        reread: true,
      };
    }
    const retryAt = await reportMiraklFailure(
      context,
      error,
      `${error.operation} for order ${order.miraklOrderId}`,
      now,
    );
    return {
      kind: "unsure",
      retryAt:
        error.kind === "transient" ? new Date(Math.min(retryAt.getTime(), now.getTime() + RESEND_AFTER_MS)) : retryAt,
      stop: error.kind === "auth" || error.kind === "rate_limited",
    };
  }
}

async function readOrder(context: ShippingContext, mirakl: MiraklClient, miraklOrderId: string, now: Date) {
  try {
    const [current] = await mirakl.getOrdersByIds([miraklOrderId]);
    if (current) await storeOrders(context, [current], now);
    return current ?? null;
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    return null;
  }
}

/**
 * ST01, at most once per fulfilment: the intent (SENDING, package reference) is stored first; after a lost answer
 * the shipment is looked up by that reference before anything is sent again.
 */
async function createShipment(
  context: ShippingContext,
  order: OrderRow,
  step: Extract<ShippingStep, { kind: "create-shipment" }>,
  fulfilment: FulfilmentRecord & { -readonly [K in keyof FulfilmentRecord]: FulfilmentRecord[K] },
  mirakl: MiraklClient,
  now: Date,
  timeline: TimelineEntry[],
): Promise<StepOutcome> {
  const row = order.shipments.find((s) => s.id === step.fulfilmentId)!;
  const reference = row.packageReference ?? packageReferenceFor(row);
  if (step.lookFirst) {
    const found = (await mirakl.listShipments({ orderIds: [order.miraklOrderId] })).find((s) =>
      s.shipment_lines.some((l) => l.package_reference === reference),
    );
    if (found) {
      fulfilment.miraklShipmentId = found.id;
      fulfilment.trackingSent = step.tracking;
      timeline.push(
        appEntry(
          "shipment-found",
          `Shipment ${found.id} found on Mirakl for ${row.name ?? "the fulfilment"} (the answer to its ST01 was lost)`,
        ),
      );
      if (found.status === "SHIPPING") return await shipShipment(found.id, order.miraklOrderId, mirakl, timeline);
      return { kind: "done" };
    }
  }
  await prisma.marketplaceShipment.update({
    where: { id: row.id },
    data: { status: "SENDING", packageReference: reference, sentAt: now },
  });
  fulfilment.status = "SENDING";
  const answer = await mirakl.createShipments([
    {
      order_id: order.miraklOrderId,
      shipment_lines: step.lines.map((l) => ({
        order_line_id: l.lineId,
        quantity: l.quantity,
        package_reference: reference,
      })),
      tracking: miraklTracking(step.tracking),
      shipped: true,
    },
  ]);
  const created = answer.shipment_success.find((s) => s.order_id === order.miraklOrderId);
  if (!created) {
    const refusal = answer.shipment_errors.find((e) => e.order_id === order.miraklOrderId);
    return {
      kind: "refused",
      message: `Mirakl refused the shipment (ST01): ${refusal?.message ?? "no reason given"}`,
      reread: true,
    };
  }
  fulfilment.miraklShipmentId = created.id;
  fulfilment.trackingSent = step.tracking;
  const units = step.lines.reduce((s, l) => s + l.quantity, 0);
  timeline.push(
    appEntry(
      "shipment-sent",
      `Shipment ${created.id} made on Mirakl (ST01) for ${row.name ?? "a fulfilment"}: ${units} unit${units > 1 ? "s" : ""}, ${describeTracking(step.tracking)}`,
    ),
  );
  if (created.status === "SHIPPING") return await shipShipment(created.id, order.miraklOrderId, mirakl, timeline);
  return { kind: "done" };
}

async function shipShipment(
  id: string,
  miraklOrderId: string,
  mirakl: MiraklClient,
  timeline: TimelineEntry[],
): Promise<StepOutcome> {
  const answer = await mirakl.shipShipments([id]);
  const error = answer.shipment_errors.find((e) => e.id === id);
  if (error) {
    // A retried ST24 after a lost success is refused as "already shipped": the shipment says what happened.
    const current = (await mirakl.listShipments({ orderIds: [miraklOrderId] })).find((s) => s.id === id);
    if (current?.status !== "SHIPPED")
      return {
        kind: "refused",
        message: `Mirakl refused to ship shipment ${id} (ST24): ${error.message}`,
        reread: true,
      };
  }
  timeline.push(appEntry("shipment-shipped", `Shipment ${id} shipped on Mirakl (ST24)`));
  return { kind: "done" };
}

/** Shopify's name for the fulfilment ("#1001.1"), which people recognise in Mirakl's back office; unique per order. */
function packageReferenceFor(row: ShipmentRow): string {
  return row.name ?? `shopify-${row.shopifyFulfillmentId.split("/").pop()}`;
}

/** Orders whose shipping Mirakl may show differently now: one OR11 look-up (by id, not paced) into the mirror. */
async function rereadOrders(connection: Connection, mirakl: MiraklClient, ids: readonly string[], now: Date) {
  for (let i = 0; i < ids.length; i += 100) {
    try {
      const read = await mirakl.getOrdersByIds(ids.slice(i, i + 100));
      await storeOrders(connection, read, now);
    } catch (error) {
      if (!(error instanceof MiraklError)) throw error;
      return; // the intake's next poll brings the same news
    }
  }
}

function describeTracking(t: TrackingToSend): string {
  const carrier = t.carrierCode
    ? `carrier ${t.carrierCode}`
    : `carrier "${t.carrierName}" (not one of the marketplace's)`;
  return `${carrier}, tracking ${t.trackingNumber ?? "none"}`;
}

function appEntry(kind: string, message: string, detail: Record<string, unknown> = {}): TimelineEntry {
  return { actor: "APP", kind, message, detail };
}

/** One exception per fulfilment that cannot go: raised while it is blocked or refused, resolved once it goes. */
async function syncException(
  context: ShippingContext,
  order: OrderRow,
  row: ShipmentRow,
  status: ShipmentStatus,
  reason: string,
  block: { cause: string; company: string | null; fixHint: string } | undefined,
  now: Date,
) {
  const stuck = status === "BLOCKED" || status === "FAILED" || block?.cause === "ORDER_CANCELLED";
  if (!stuck) {
    await resolveExceptionsFor(context.shop, SHIPMENT_ENTITY, row.id, now);
    return;
  }
  const orderName = `${order.miraklOrderId}${order.shopifyOrderName ? ` (${order.shopifyOrderName})` : ""}`;
  const carrier = row.company ? ` with ${row.company}` : "";
  const fixHint =
    block?.fixHint ??
    "Read Mirakl's message; fix the fulfilment in Shopify (carrier, tracking number, lines) or the order on Mirakl, then press Retry.";
  await reportException(
    {
      shop: context.shop,
      connectionId: context.id,
      kind: EXCEPTION_KIND,
      severity: "ERROR",
      entityType: SHIPMENT_ENTITY,
      entityId: row.id,
      message: `Order ${orderName} on ${context.marketplace}: ${row.name ?? "a fulfilment"}${carrier} was not sent to Mirakl. ${reason}.`,
      fixHint,
      detail: {
        orderId: order.id,
        miraklOrderId: order.miraklOrderId,
        fulfilment: row.name,
        company: row.company,
        trackingNumber: row.trackingNumber,
        cause: block?.cause ?? "MIRAKL_REFUSED",
      },
    },
    now,
  );
}

/** Retry from the exceptions queue (or the Order page): the fulfilment is planned again at once. */
export async function retryShipment(shop: string, shipmentId: string): Promise<boolean> {
  const row = await prisma.marketplaceShipment.findFirst({ where: { id: shipmentId, shop } });
  if (!row) return false;
  await prisma.marketplaceShipment.update({
    where: { id: row.id },
    data: { status: row.status === "FAILED" || row.status === "BLOCKED" ? "PENDING" : row.status },
  });
  await prisma.marketplaceOrder.update({ where: { id: row.orderId }, data: { fulfilmentStatus: "SYNCING" } });
  await workUnits.fulfilments.markDirty(row.connectionId, shop);
  return true;
}

/** `fulfillments/create` and `fulfillments/update`: recorded for the next pass; other orders' fulfilments ignored. */
export const fulfilmentWebhook: TopicHandler<"fulfillments/create" | "fulfillments/update"> = async (
  delivery,
  payload,
) => {
  const seen = delivery.triggeredAt ?? delivery.receivedAt;
  const outcome = await recordShopifyFulfilment(
    delivery.shop,
    {
      id: payload.admin_graphql_api_id,
      orderId: `gid://shopify/Order/${payload.order_id}`,
      name: payload.name ?? null,
      status: payload.status,
      company: payload.tracking_company ?? null,
      trackingNumber: payload.tracking_number ?? payload.tracking_numbers[0] ?? null,
      trackingUrl: payload.tracking_url ?? payload.tracking_urls[0] ?? null,
      lines: payload.line_items.map((l) => ({ lineItemId: l.admin_graphql_api_id, quantity: l.quantity })),
      createdAt: payload.created_at ? new Date(payload.created_at) : seen,
      updatedAt: payload.updated_at ? new Date(payload.updated_at) : seen,
    },
    new Date(),
  );
  return outcome.recorded ? { status: "PROCESSED" } : { status: "IGNORED", reason: outcome.reason };
};
