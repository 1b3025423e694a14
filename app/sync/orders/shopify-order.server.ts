import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { feedingVariants } from "~/domain/stock/offer-rows";
import { createShopifySkuResolver } from "~/domain/sku-mapping";
import { SHIPPED_RELEASE_REASON, SHOPIFY_ORDER_RELEASE_REASON } from "~/domain/stock/reservations";
import {
  ORDER_LINE_PROPERTY,
  inventoryBehaviourFor,
  planShopifyOrder,
  shopifyOrderDue,
  shopifySourceName,
  type InventoryBehaviour,
  type LineVariant,
  type MiraklOrderLike,
  type OrderNotice,
  type OrderProblem,
  type ProblemCause,
  type ShopifyOrderPlan,
} from "~/domain/orders/shopify-order";
import type { TimelineEntry } from "~/domain/orders/timeline";
import { listOverrides } from "~/connections/sku-mapping.server";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { LONGEST_IN_CALL_WAIT_MS, type ShopifyAdminClient } from "~/integrations/shopify/client";
import {
  ShopifyAccessLostError,
  ShopifyGraphqlError,
  ShopifyOutcomeUnknownError,
  ShopifyRateLimitedError,
  ShopifyRetriesExhaustedError,
  ShopifyUserErrorsError,
} from "~/integrations/shopify/errors";
import {
  fulfillmentOrderMove,
  orderCreate,
  orderFulfillmentPlacement,
  orderLineItems,
  ordersBySourceIdentifier,
  sourceIdentifierSearchQuery,
} from "~/integrations/shopify/operations";
import type { OrderCreateOptionsInput, OrderCreateOrderInput } from "~/types/admin.types";
import { logger } from "~/lib/logger.server";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { appendTimeline } from "~/sync/orders/mirror.server";
import { releaseOrderReservations } from "~/sync/reservations/holds.server";
import { workUnits } from "~/worker/registry.server";

/**
 * The Shopify order of each paid Mirakl order (issue 11), exactly once, on its own unit per connection.
 *
 * The mirror marks an order DUE when Mirakl shows it paid (SHIPPING). orderCreate is not idempotent, so:
 *  1. before the first send, Shopify is searched for an order with the Mirakl order id as source identifier
 *     (one made before a crash, or before the app's database was restored, is adopted, not made again);
 *  2. the intent is stored (SENDING, with the time and the inventory behaviour) before the call;
 *  3. the call is never resent blindly: an answer that does not say whether it ran leaves the intent, and the
 *     next pass searches again. Shopify's search lags behind a new order, so "not found" is believed only once
 *     SEARCH_SETTLE_MS have passed since the send; only then is it sent again.
 * Refusals (userErrors, a missing scope) create nothing: the order is FAILED with a typed exception and Retry.
 *
 * Stock moves once: the order commits the units (available → committed) while the reservation still holds
 * them (reserved), so for a moment they count twice as unavailable and never as sellable; then its fulfillment
 * orders are placed where the units were held, and the reservations are released, which gives the held units
 * back (reserved → available). on_hand never moves. An order some of whose lines shipped first leaves stock
 * alone (BYPASS): those reservations take the units out, as they do when no Shopify order is made.
 */

/** How long Shopify's order search may lag behind a new order before "not found" is believed. */
export const SEARCH_SETTLE_MS = 90_000;
/** Orders per pass: a development store takes 5 a minute, a paid plan many more. */
const BATCH = 25;
/** Shopify throttled or unreachable after the client's own retries: the pass stops and resumes after this. */
const TRANSPORT_RETRY_MS = 60_000;
/** Still THROTTLED after the client's waits: the cost bucket refills 1,000 points in 10 s on a Standard plan. */
const THROTTLED_RETRY_MS = 10_000;
const retryAfterExhausted = (error: ShopifyRetriesExhaustedError) =>
  error.lastFailure === "THROTTLED" ? THROTTLED_RETRY_MS : TRANSPORT_RETRY_MS;
/** A request refused whatever its content (a scope not granted): the merchant has to act first. */
const REFUSED_REQUEST_RETRY_MS = 15 * 60_000;

const EXCEPTION_KIND = "SHOPIFY_ORDER_FAILED" as const;
export const SHOPIFY_ORDER_ENTITY = "MarketplaceOrder";

type Admin = Pick<ShopifyAdminClient, "request">;
interface Connection {
  id: string;
  shop: string;
}
type OrderRow = Prisma.MarketplaceOrderGetPayload<{ include: { lines: true } }>;

export interface ShopifyOrdersResult {
  created: number;
  adopted: number;
  failed: number;
  nextDueAt: Date | null;
}

/** One pass over the connection's due orders (and the stock handoff of created ones). */
export async function runShopifyOrders(connection: Connection, now: Date, admin?: Admin): Promise<ShopifyOrdersResult> {
  const result: ShopifyOrdersResult = { created: 0, adopted: 0, failed: 0, nextDueAt: null };
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { name: true, settings: true },
  });
  if (!row) return result;
  const settings = parseConnectionSettings(row.settings);
  let client = admin;
  const shopify = async () => (client ??= await shopifyClientForShop(connection.shop));
  const context = { ...connection, marketplace: row.name, customerMode: settings.shopifyOrders.customer };
  const retryAt: number[] = [];

  const due = await prisma.marketplaceOrder.findMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      shopifyOrderStatus: { in: ["DUE", "SENDING"] },
      OR: [{ shopifyOrderDueAt: null }, { shopifyOrderDueAt: { lte: now } }],
    },
    include: { lines: true },
    orderBy: [{ shopifyOrderDueAt: "asc" }, { id: "asc" }],
    take: BATCH,
  });

  // Shopify answers every order the same way for a while (throttled, the orders-a-minute limit, a missing scope).
  let pausedUntil: number | null = null;
  for (const order of due) {
    try {
      const outcome = await settleOrder(context, order, shopify, now);
      if (outcome.kind === "created") result.created++;
      if (outcome.kind === "adopted") result.adopted++;
      if (outcome.kind === "failed") result.failed++;
      if (outcome.kind === "wait") retryAt.push(outcome.until.getTime());
    } catch (error) {
      pausedUntil = (await onShopWideFailure(context, order, error, now)).getTime();
      break; // every other order would fail the same way
    }
  }
  if (pausedUntil !== null) {
    result.nextDueAt = new Date(pausedUntil);
    return result;
  }
  if (due.length === BATCH) retryAt.push(now.getTime());

  // Orders created (here or by an earlier pass) whose reservations still hold their units.
  try {
    await handOffStock(context, shopify, now);
  } catch (error) {
    retryAt.push((await onShopWideFailure(context, null, error, now)).getTime());
  }

  const next = await prisma.marketplaceOrder.findFirst({
    where: { shop: connection.shop, connectionId: connection.id, shopifyOrderStatus: { in: ["DUE", "SENDING"] } },
    orderBy: { shopifyOrderDueAt: "asc" },
    select: { shopifyOrderDueAt: true },
  });
  if (next) retryAt.push(Math.max(now.getTime(), next.shopifyOrderDueAt?.getTime() ?? now.getTime()));
  result.nextDueAt = retryAt.length ? new Date(Math.max(now.getTime(), Math.min(...retryAt))) : null;
  return result;
}

interface Context extends Connection {
  marketplace: string;
  customerMode: "none" | "attach";
}

type Outcome = { kind: "created" | "adopted" | "failed" | "not-due" } | { kind: "wait"; until: Date };

async function settleOrder(
  context: Context,
  order: OrderRow,
  shopify: () => Promise<Admin>,
  now: Date,
): Promise<Outcome> {
  const payload = order.payload as unknown as MiraklOrderLike;
  if (order.shopifyOrderStatus === "DUE" && !shopifyOrderDue(payload)) {
    // Cancelled or refunded whole since it was paid: nothing left to ship, nothing to make.
    await prisma.$transaction(async (tx) => {
      const { count } = await tx.marketplaceOrder.updateMany({
        where: { id: order.id, shop: context.shop, shopifyOrderStatus: "DUE" },
        data: { shopifyOrderStatus: "NONE", shopifyOrderDueAt: null },
      });
      if (count > 0)
        await appendTimeline(
          context.shop,
          order.id,
          [app("shopify-order-not-due", "Nothing is left to ship: no Shopify order is made")],
          now,
          tx,
        );
    });
    return { kind: "not-due" };
  }

  // Before any send, and after a send whose outcome is unknown: is it in Shopify already?
  const found = await findExisting(await shopify(), context, order);
  if (found) {
    await recordCreated(context, order, found, order.shopifyInventoryBehaviour, "adopted", now);
    return { kind: "adopted" };
  }
  if (order.shopifyOrderStatus === "SENDING" && order.shopifyOrderSentAt) {
    const settledAt = order.shopifyOrderSentAt.getTime() + SEARCH_SETTLE_MS;
    if (settledAt > now.getTime()) {
      await prisma.marketplaceOrder.updateMany({
        where: { id: order.id, shop: context.shop, shopifyOrderStatus: "SENDING" },
        data: { shopifyOrderDueAt: new Date(settledAt) },
      });
      return { kind: "wait", until: new Date(settledAt) };
    }
  }

  const behaviour = inventoryBehaviourFor(payload);
  const variants = await resolveVariants(context, order);
  const mapping = planShopifyOrder(payload, {
    marketplace: context.marketplace,
    variants,
    customerMode: context.customerMode,
    inventoryBehaviour: behaviour,
    addressAsNoteOnly: order.shopifyOrderError?.startsWith("ADDRESS_REJECTED") === true,
    now,
  });
  if (!mapping.ok) {
    await recordFailure(context, order, mapping.problems, now);
    return { kind: "failed" };
  }

  // The intent: stored before the call, so a crash or a lost answer is looked up before any second send.
  const intent = await prisma.marketplaceOrder.updateMany({
    where: {
      id: order.id,
      shop: context.shop,
      shopifyOrderStatus: order.shopifyOrderStatus,
      shopifyOrderSentAt: order.shopifyOrderSentAt,
    },
    data: {
      shopifyOrderStatus: "SENDING",
      shopifyOrderSentAt: now,
      shopifyOrderDueAt: new Date(now.getTime() + SEARCH_SETTLE_MS),
      shopifyOrderAttempts: { increment: 1 },
      shopifyInventoryBehaviour: behaviour,
      shopifyOrderCancelationIds: payload.order_lines.flatMap((line) =>
        (line.cancelations ?? []).flatMap((c) => (c.id ? [c.id] : [])),
      ),
    },
  });
  if (intent.count === 0) return { kind: "wait", until: now }; // another worker took it meanwhile

  let created: FoundOrder;
  try {
    const { orderCreate: payloadOut } = await (
      await shopify()
    ).request(
      orderCreate,
      {
        order: mapping.plan.order as unknown as OrderCreateOrderInput,
        options: mapping.plan.options as OrderCreateOptionsInput,
      },
      { resendWhenUnsure: false, maxRetryAfterMs: LONGEST_IN_CALL_WAIT_MS },
    );
    if (!payloadOut.order) throw new ShopifyOutcomeUnknownError("OrderCreate", "no order in the answer");
    created = { ...payloadOut.order, lineItems: payloadOut.order.lineItems.nodes };
  } catch (error) {
    return onSendFailure(context, order, error, now);
  }
  await recordCreated(context, order, created, behaviour, "created", now, mapping.plan);
  return { kind: "created" };
}

interface FoundOrder {
  id: string;
  name: string;
  sourceName?: string | null;
  lineItems: { id: string; customAttributes: { key: string; value?: string | null }[] }[];
}

/** Our order for this Mirakl order, if Shopify has one: same source identifier and source name, not cancelled. */
async function findExisting(admin: Admin, context: Context, order: OrderRow): Promise<FoundOrder | null> {
  const { orders } = await admin.request(ordersBySourceIdentifier, {
    query: sourceIdentifierSearchQuery(order.miraklOrderId),
    first: 10,
  });
  const sourceName = shopifySourceName(context.marketplace);
  // Search is fuzzy: only an exact match counts.
  const match = orders.nodes.find((o) => o.sourceIdentifier === order.miraklOrderId && o.sourceName === sourceName);
  if (!match) return null;
  const { order: full } = await admin.request(orderLineItems, { id: match.id });
  return { id: match.id, name: match.name, lineItems: full?.lineItems.nodes ?? [] };
}

/** Each line's Shopify variant: the SKU that feeds its offer (SKU mapping), then the one live variant with it. */
async function resolveVariants(context: Context, order: OrderRow): Promise<Map<string, LineVariant>> {
  const shopifySkuOf = createShopifySkuResolver(await listOverrides(context.shop, context.id));
  const skus = new Map(order.lines.map((line) => [line.lineId, shopifySkuOf(line.offerSku)]));
  const wanted = [...new Set([...skus.values()].filter((sku): sku is string => sku !== null))];
  const live = await prisma.shopifyVariant.findMany({
    where: { shop: context.shop, sku: { in: wanted }, deletedAt: null },
    select: { variantId: true, sku: true, tracked: true, productStatus: true, inventoryItemId: true },
  });
  const variants = new Map<string, LineVariant>();
  for (const [lineId, sku] of skus) {
    if (sku === null) {
      variants.set(lineId, { kind: "missing", shopifySku: null });
      continue;
    }
    const candidates = feedingVariants(live.filter((v) => v.sku === sku));
    if (candidates.length === 0) variants.set(lineId, { kind: "missing", shopifySku: sku });
    else if (candidates.length > 1)
      variants.set(lineId, { kind: "ambiguous", shopifySku: sku, count: candidates.length });
    else
      variants.set(lineId, {
        kind: "variant",
        variantId: candidates[0]!.variantId,
        sku,
        tracked: candidates[0]!.tracked,
      });
  }
  return variants;
}

async function recordCreated(
  context: Context,
  order: OrderRow,
  created: FoundOrder,
  behaviour: string | null,
  how: "created" | "adopted",
  now: Date,
  plan?: ShopifyOrderPlan,
) {
  const lineItemOf = new Map<string, string>();
  for (const item of created.lineItems) {
    const lineId = item.customAttributes.find((a) => a.key === ORDER_LINE_PROPERTY)?.value;
    if (lineId) lineItemOf.set(lineId, item.id);
  }
  // One transaction: the Order page never shows the Shopify order without the timeline line that tells of it.
  const recorded = await prisma.$transaction(async (tx) => {
    const claimed = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: context.shop, shopifyOrderStatus: { in: ["DUE", "SENDING", "FAILED"] } },
      data: {
        shopifyOrderStatus: "CREATED",
        shopifyOrderId: created.id,
        shopifyOrderName: created.name,
        shopifyOrderCreatedAt: now,
        shopifyOrderDueAt: null,
        shopifyOrderError: null,
        // An adopted order made before any intent was stored: its stock effect is unknown, so nothing is handed off.
        shopifyInventoryBehaviour: behaviour ?? "BYPASS",
      },
    });
    if (claimed.count === 0) return false; // someone recorded it first
    for (const [lineId, itemId] of lineItemOf)
      await tx.marketplaceOrderLine.updateMany({
        where: { orderId: order.id, shop: context.shop, lineId },
        data: { shopifyLineItemId: itemId },
      });
    const entries: TimelineEntry[] = [
      app(
        `shopify-order-${how}`,
        how === "created"
          ? `Created Shopify order ${created.name}${plan ? ` (${plan.paid} ${order.currency} paid, commission ${plan.commission}, net ${plan.netToSeller})` : ""}; no receipt sent to the customer`
          : `Found Shopify order ${created.name} already made for this Mirakl order: it was kept, not made again`,
        { shopifyOrderId: created.id, shopifyOrderName: created.name, inventoryBehaviour: behaviour ?? "BYPASS" },
      ),
    ];
    await appendTimeline(context.shop, order.id, entries, now, tx);
    return true;
  });
  if (!recorded) return;
  await resolveExceptionsFor(context.shop, SHOPIFY_ORDER_ENTITY, order.id, now);
  for (const notice of plan?.notices ?? []) await reportNotice(context, order, notice, now);
  logger.info("shopify order recorded", {
    shop: context.shop,
    miraklOrderId: order.miraklOrderId,
    how,
    name: created.name,
  });

  // Lines that shipped while the intent was in doubt kept their reservations (the intake waits for the outcome):
  // with an order that leaves stock alone, they take their units out of stock now.
  if ((behaviour ?? "BYPASS") === "BYPASS") {
    const payload = order.payload as unknown as MiraklOrderLike;
    const shipped = payload.order_lines
      .filter((line) => line.shipped_date || ["SHIPPED", "TO_COLLECT", "RECEIVED"].includes(line.order_line_state))
      .map((line) => line.order_line_id);
    if (shipped.length)
      await releaseOrderReservations(
        context.shop,
        context.id,
        order.miraklOrderId,
        SHIPPED_RELEASE_REASON,
        now,
        shipped,
      );
  }
}

/**
 * Created orders that commit their units while reservations still hold them: their fulfillment orders are
 * placed where the units were held, then the reservations are released (their holds go back). Level-triggered:
 * a pass interrupted half-way is finished by the next one.
 */
async function handOffStock(context: Context, shopify: () => Promise<Admin>, now: Date) {
  // Open reservations belong to orders in flight (bounded), created ones to every order ever made: start from them.
  const openOrders = await prisma.marketplaceReservation.findMany({
    where: { shop: context.shop, connectionId: context.id, releasedAt: null },
    select: { miraklOrderId: true },
    distinct: ["miraklOrderId"],
  });
  if (openOrders.length === 0) return;
  const orders = await prisma.marketplaceOrder.findMany({
    where: {
      shop: context.shop,
      connectionId: context.id,
      miraklOrderId: { in: openOrders.map((r) => r.miraklOrderId) },
      shopifyOrderStatus: "CREATED",
      shopifyInventoryBehaviour: "DECREMENT_IGNORING_POLICY",
    },
    include: { lines: { select: { lineId: true, shopifyLineItemId: true } } },
    take: BATCH,
  });
  if (orders.length === 0) return;
  const open = await prisma.marketplaceReservation.findMany({
    where: {
      shop: context.shop,
      connectionId: context.id,
      releasedAt: null,
      miraklOrderId: { in: orders.map((o) => o.miraklOrderId) },
    },
    select: { miraklOrderId: true, orderLineId: true, heldLocationId: true, heldQuantity: true, heldAt: true },
  });
  for (const order of orders) {
    const held = open.filter((r) => r.miraklOrderId === order.miraklOrderId && r.heldAt && r.heldLocationId);
    if (held.length && order.shopifyOrderId) await placeFulfillment(context, order, held, await shopify(), now);
    await releaseOrderReservations(context.shop, context.id, order.miraklOrderId, SHOPIFY_ORDER_RELEASE_REASON, now);
  }
}

/** Moves the order's fulfillment order lines to the locations where their units were held, where Shopify routed them elsewhere. */
async function placeFulfillment(
  context: Context,
  order: {
    id: string;
    miraklOrderId: string;
    shopifyOrderId: string | null;
    shopifyOrderName: string | null;
    lines: { lineId: string; shopifyLineItemId: string | null }[];
  },
  held: { orderLineId: string; heldLocationId: string | null; heldQuantity: number }[],
  admin: Admin,
  now: Date,
) {
  // Each fulfillment order holds some of the order's lines: as many as the order has is enough for one.
  const lineItems = Math.min(100, Math.max(1, order.lines.length));
  const fulfillmentOrders = Math.min(3, new Set(held.map((r) => r.heldLocationId)).size + 1);
  const { order: placed } = await admin.request(orderFulfillmentPlacement, {
    id: order.shopifyOrderId!,
    fulfillmentOrders,
    lineItems,
  });
  if (!placed) return;
  const itemOf = new Map(order.lines.map((line) => [line.lineId, line.shopifyLineItemId]));
  // fulfillment order → target location → its line items to move there
  const moves = new Map<string, Map<string, { id: string; quantity: number }[]>>();
  for (const reservation of held) {
    const lineItemId = itemOf.get(reservation.orderLineId);
    if (!lineItemId) continue;
    for (const fo of placed.fulfillmentOrders.nodes) {
      if (fo.status !== "OPEN" || fo.assignedLocation.location?.id === reservation.heldLocationId) continue;
      const foLine = fo.lineItems.nodes.find((l) => l.lineItem.id === lineItemId && l.remainingQuantity > 0);
      if (!foLine) continue;
      const byLocation = moves.get(fo.id) ?? new Map<string, { id: string; quantity: number }[]>();
      const lines = byLocation.get(reservation.heldLocationId!) ?? [];
      lines.push({ id: foLine.id, quantity: Math.min(foLine.remainingQuantity, reservation.heldQuantity) });
      byLocation.set(reservation.heldLocationId!, lines);
      moves.set(fo.id, byLocation);
    }
  }
  for (const [fulfillmentOrderId, byLocation] of moves) {
    for (const [locationId, lines] of byLocation) {
      try {
        await admin.request(fulfillmentOrderMove, {
          id: fulfillmentOrderId,
          newLocationId: locationId,
          fulfillmentOrderLineItems: lines,
        });
        await appendTimeline(
          context.shop,
          order.id,
          [
            app(
              "shopify-order-placed",
              `Shopify order ${order.shopifyOrderName} ships from the location where its units were held`,
              { locationId },
            ),
          ],
          now,
        );
      } catch (error) {
        if (!(error instanceof ShopifyUserErrorsError)) throw error;
        // The order stands and its units are counted once; only the location differs from where they were held.
        await reportNotice(
          context,
          order,
          {
            message: `Shopify routed ${order.shopifyOrderName} to another location than the one holding its units, and refused to move it there: ${error.message}`,
            fixHint:
              "Check which location ships the order in Shopify and move its fulfillment order if needed; stock counts stay right either way.",
          },
          now,
          "LOCATION_WITHOUT_STOCK",
        );
      }
    }
  }
}

async function onSendFailure(context: Context, order: OrderRow, error: unknown, now: Date): Promise<Outcome> {
  if (error instanceof ShopifyOutcomeUnknownError) {
    // It may have been made: looked up (after the search settles) before any second send.
    logger.warn("orderCreate outcome unknown, looked up before any resend", {
      shop: context.shop,
      miraklOrderId: order.miraklOrderId,
      error: error.message,
    });
    return { kind: "wait", until: new Date(now.getTime() + SEARCH_SETTLE_MS) };
  }
  // Everything below was refused before it ran: the intent is given up, the next send needs no look-up wait.
  if (error instanceof ShopifyRateLimitedError || error instanceof ShopifyRetriesExhaustedError) {
    const until = new Date(
      now.getTime() + (error instanceof ShopifyRateLimitedError ? error.retryAfterMs : retryAfterExhausted(error)),
    );
    await prisma.marketplaceOrder.updateMany({
      where: { id: order.id, shop: context.shop, shopifyOrderStatus: "SENDING" },
      data: { shopifyOrderStatus: "DUE", shopifyOrderSentAt: null, shopifyOrderDueAt: until },
    });
    if (!(error instanceof ShopifyRateLimitedError)) throw error; // throttled: the bucket refills by itself
    // The orders-a-minute limit: every due order waits the minute out (Shopify would refuse each, and an intake
    // marking the unit meanwhile must not spend a call on it); those then due together go in the order first read.
    await prisma.marketplaceOrder.updateMany({
      where: {
        shop: context.shop,
        connectionId: context.id,
        shopifyOrderStatus: "DUE",
        OR: [{ shopifyOrderDueAt: null }, { shopifyOrderDueAt: { lt: until } }],
      },
      data: { shopifyOrderDueAt: until },
    });
    throw new PassPaused(until);
  }
  if (error instanceof ShopifyUserErrorsError) {
    await recordFailure(context, order, [problemFromUserErrors(error)], now);
    return { kind: "failed" };
  }
  if (error instanceof ShopifyGraphqlError && !(error instanceof ShopifyAccessLostError)) {
    await recordFailure(context, order, [problemFromGraphqlError(error)], now);
    throw new PassPaused(new Date(now.getTime() + REFUSED_REQUEST_RETRY_MS));
  }
  throw error;
}

/** Stops the pass until `until` (Shopify answers every order the same way for now). */
class PassPaused extends Error {
  constructor(readonly until: Date) {
    super(`paused until ${until.toISOString()}`);
  }
}

/** A failure that stops the whole pass: when it resumes. Unknown errors propagate (the worker records them). */
async function onShopWideFailure(context: Context, order: OrderRow | null, error: unknown, now: Date): Promise<Date> {
  if (error instanceof PassPaused) return error.until;
  if (error instanceof ShopifyAccessLostError) return new Date(now.getTime() + REFUSED_REQUEST_RETRY_MS);
  if (error instanceof ShopifyRetriesExhaustedError || error instanceof ShopifyOutcomeUnknownError) {
    logger.warn("shopify orders: Shopify unavailable, the pass stops", {
      shop: context.shop,
      miraklOrderId: order?.miraklOrderId,
      error: error.message,
    });
    return new Date(
      now.getTime() + (error instanceof ShopifyRetriesExhaustedError ? retryAfterExhausted(error) : TRANSPORT_RETRY_MS),
    );
  }
  if (error instanceof ShopifyGraphqlError) {
    if (order) await recordFailure(context, order, [problemFromGraphqlError(error)], now);
    return new Date(now.getTime() + REFUSED_REQUEST_RETRY_MS);
  }
  throw error;
}

function problemFromUserErrors(error: ShopifyUserErrorsError): OrderProblem {
  const fields = error.errors.map((e) => (e.field ?? []).join("."));
  const has = (pattern: RegExp) => fields.some((f) => pattern.test(f));
  const detail = error.errors.map((e) => e.message).join("; ");
  let cause: ProblemCause = "REFUSED";
  let fixHint = "Read Shopify's message, fix the cause in Shopify (or the order on Mirakl), then Retry.";
  if (has(/currency/i) || /currency/i.test(detail)) {
    cause = "CURRENCY_NOT_ENABLED";
    fixHint = "Let the shop sell in the order's currency (Shopify Markets / payments settings), then Retry.";
  } else if (has(/address/i)) {
    cause = "ADDRESS_REJECTED";
    fixHint = "Retry creates the order with the address written in its note instead; check it before shipping.";
  } else if (error.hasCode("INVENTORY_CLAIM_FAILED")) {
    cause = "LOCATION_WITHOUT_STOCK";
    fixHint = "Stock the variant at a location that fulfils online orders, then Retry.";
  } else if (has(/variant|lineItems/i)) {
    cause = "VARIANT_MISSING";
    fixHint =
      "The variant sold is gone from Shopify: restore it or map the offer to another SKU in SKU mapping, then Retry.";
  }
  return { cause, message: `Shopify refused the order: ${detail}`, fixHint };
}

function problemFromGraphqlError(error: ShopifyGraphqlError): OrderProblem {
  if (error.codes.includes("ACCESS_DENIED"))
    return {
      cause: "SCOPE_MISSING",
      message: `Shopify refused to create orders for the app: ${error.message}`,
      fixHint: "Open the app in Shopify admin and approve the orders permission (write_orders), then Retry.",
    };
  return {
    cause: "REFUSED",
    message: `Shopify refused the request: ${error.message}`,
    fixHint: "Retry; if it keeps failing, report it with this message.",
  };
}

async function recordFailure(context: Context, order: OrderRow, problems: readonly OrderProblem[], now: Date) {
  const first = problems[0]!;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: context.shop, shopifyOrderStatus: { in: ["DUE", "SENDING"] } },
      data: {
        shopifyOrderStatus: "FAILED",
        shopifyOrderSentAt: null,
        shopifyOrderDueAt: null,
        shopifyOrderError: `${first.cause}: ${problems.map((p) => p.message).join(" ")}`.slice(0, 2000),
      },
    });
    if (count > 0)
      await appendTimeline(
        context.shop,
        order.id,
        [
          app("shopify-order-failed", `No Shopify order was made: ${problems.map((p) => p.message).join(" ")}`, {
            causes: problems.map((p) => p.cause),
          }),
        ],
        now,
        tx,
      );
  });
  await reportException(
    {
      shop: context.shop,
      connectionId: context.id,
      kind: EXCEPTION_KIND,
      severity: "ERROR",
      entityType: SHOPIFY_ORDER_ENTITY,
      entityId: order.id,
      message: `${context.marketplace} order ${order.miraklOrderId} is paid but has no Shopify order: ${problems.map((p) => p.message).join(" ")}`,
      fixHint: first.fixHint,
      detail: {
        miraklOrderId: order.miraklOrderId,
        causes: problems.map((p) => ({ cause: p.cause, lineId: p.lineId ?? null })),
      },
    },
    now,
  );
}

async function reportNotice(
  context: Context,
  order: { id: string; miraklOrderId: string },
  notice: OrderNotice,
  now: Date,
  cause = "NOTICE",
) {
  await reportException(
    {
      shop: context.shop,
      connectionId: context.id,
      kind: EXCEPTION_KIND,
      severity: "WARNING",
      entityType: "MarketplaceOrderNotice",
      entityId: `${order.id}:${notice.lineId ?? cause}`,
      message: `${context.marketplace} order ${order.miraklOrderId}: ${notice.message}`,
      fixHint: notice.fixHint,
      detail: { miraklOrderId: order.miraklOrderId, orderId: order.id, lineId: notice.lineId ?? null, cause },
    },
    now,
  );
}

function app(kind: string, message: string, detail: Record<string, unknown> = {}): TimelineEntry {
  return { actor: "APP", kind, message, detail };
}

/**
 * Retry, or "Create in Shopify" on the order page: a failed or skipped order is made due now (it is looked up
 * in Shopify before any send, so asking twice never makes two). False when there is nothing to make.
 */
export async function requestShopifyOrder(shop: string, orderId: string, by: "retry" | "staff", now = new Date()) {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: orderId, shop },
    select: { id: true, connectionId: true, shopifyOrderStatus: true },
  });
  if (!order || !["FAILED", "SKIPPED", "DUE", "SENDING"].includes(order.shopifyOrderStatus)) return false;
  const requested = await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop, shopifyOrderStatus: order.shopifyOrderStatus },
      data: {
        shopifyOrderStatus: order.shopifyOrderStatus === "SENDING" ? "SENDING" : "DUE",
        shopifyOrderDueAt: now,
      },
    });
    if (count > 0 && by === "staff")
      await appendTimeline(
        shop,
        order.id,
        [
          {
            actor: "STAFF",
            kind: "shopify-order-requested",
            message: "Asked for the Shopify order to be made",
            detail: {},
          },
        ],
        now,
        tx,
      );
    return count > 0;
  });
  if (!requested) return false;
  await workUnits.shopifyOrders.markDirty(order.connectionId, shop, now);
  return true;
}

export type { InventoryBehaviour };
