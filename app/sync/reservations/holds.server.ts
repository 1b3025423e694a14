import prisma from "~/db.server";
import type { MarketplaceReservation, SyncExceptionKind } from "~/generated/prisma/client";
import { parseConnectionSettings, type ConnectionSettings } from "~/domain/connection-settings";
import { reportException, resolveExceptionsForEntities } from "~/exceptions/exceptions.server";
import type { ShopifyAdminClient } from "~/integrations/shopify/client";
import {
  ShopifyGraphqlError,
  ShopifyRetriesExhaustedError,
  ShopifyUserErrorsError,
} from "~/integrations/shopify/errors";
import { idempotencyKeyFor } from "~/integrations/shopify/idempotency";
import {
  inventoryAdjustQuantities,
  inventoryMoveQuantities,
  type InventoryAdjustmentGroupResult,
  type MovableQuantityName,
} from "~/integrations/shopify/operations";
import { feedingVariants } from "~/domain/stock/offer-rows";
import { holdPlacementFor, holdStepFor, type HoldStep } from "~/domain/stock/hold-steps";
import { SHOPIFY_ORDER_RELEASE_REASON } from "~/domain/stock/reservations";
import { logger } from "~/lib/logger.server";
import { workUnits } from "~/worker/registry.server";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";

/**
 * Shopify holds of marketplace reservations. A reservation's units are subtracted from every
 * connection's sellable quantity (recompute), but Shopify's own checkout still sees them as
 * `available`: here they are moved to `reserved` at one of the connection's locations (the ledger
 * document is the Mirakl order line), and moved back once the reservation is released.
 *
 * Exactly once: before a move is sent, its location and quantity are stored (the intent: heldLocationId
 * and heldQuantity with heldAt still null) and the idempotency key is derived from the reservation and
 * its attempt count. A crash or a lost answer leaves the intent and the count as they were, so the next
 * pass sends the same move under the same key and Shopify replays the first result instead of moving
 * twice. Only an answer that says no move under that key was applied (userErrors) ends the attempt and
 * gives the next try a fresh key (see isAttempt).
 *
 * The move's result is recorded with the mirror level in one transaction: `available` as Shopify
 * reported it after the move, observed at the adjustment's createdAt (Shopify's clock). The
 * inventory_levels/update that Shopify sends for the move then shows no drop, so velocity protection does
 * not take it for a sale, and the recompute never sees the units both held and subtracted.
 */

/** Reservations per pass; each needs its own move (its own ledger document). */
const HOLD_BATCH = 50;
/** Nothing available to hold: looked at again after this (the recompute keeps subtracting the units meanwhile). */
const WAIT_FOR_STOCK_MS = 5 * 60_000;
/** Shopify unreachable or still throttling after the client's own retries: the pass stops and resumes after this. */
const TRANSPORT_RETRY_MS = 60_000;
/** Shopify refused the request itself (a revoked token, a scope not granted yet): the merchant has to act first. */
const REFUSED_REQUEST_RETRY_MS = 15 * 60_000;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 60 * 60_000;

const HOLD_EXCEPTION_KIND: SyncExceptionKind = "RESERVATION_HOLD_FAILED";
const ORDER_LINE_ENTITY = "MiraklOrderLine";

/** Shopify refuses gid://shopify/… ledger documents; ours name the app, the Mirakl object and its id. */
const orderGid = (miraklOrderId: string) => `gid://mirakl-bridge/MiraklOrder/${encodeURIComponent(miraklOrderId)}`;
const orderLineGid = (orderLineId: string) => `gid://mirakl-bridge/MiraklOrderLine/${encodeURIComponent(orderLineId)}`;

export interface HoldsResult {
  held: number;
  returned: number;
  failed: number;
  nextDueAt: Date | null;
}

type Admin = Pick<ShopifyAdminClient, "request">;
type Reservation = MarketplaceReservation;

/** A failure that is this reservation's own (a missing variant, a refused move): recorded on it. */
class HoldProblem extends Error {
  constructor(
    message: string,
    readonly fixHint: string,
    readonly severity: "WARNING" | "ERROR" = "ERROR",
  ) {
    super(message);
  }
}

/** Shopify answered a sent move without its result: it may have been applied, so it is replayed under the same key. */
class UnconfirmedChange extends HoldProblem {
  constructor(message: string) {
    super(message, "The app retries by itself.");
  }
}

/** One pass over the shop's holds: returns released ones, holds open ones, at most HOLD_BATCH. */
export async function reconcileShopifyHolds(shop: string, now: Date, admin?: Admin): Promise<HoldsResult> {
  const result: HoldsResult = { held: 0, returned: 0, failed: 0, nextDueAt: null };
  const retryAt: number[] = [];
  let client: Admin | undefined = admin;
  const shopify = async () => (client ??= await shopifyClientForShop(shop));

  // Each query below fetches the reservations holdStepFor sends to one step (it decides; they only narrow).
  // Released before any move was sent: nothing to give back. One with an intent is not here: the move may
  // have reached Shopify, so it is replayed first (below) and then returned.
  const neverHeld = (
    await prisma.marketplaceReservation.findMany({
      where: { shop, releasedAt: { not: null }, heldAt: null, heldLocationId: null, holdReleasedAt: null },
      select: {
        id: true,
        connectionId: true,
        orderLineId: true,
        quantity: true,
        releasedAt: true,
        releaseReason: true,
        heldLocationId: true,
        heldQuantity: true,
        heldAt: true,
        holdReleasedAt: true,
      },
    })
  ).filter((r) => holdStepFor(r) === "close");
  if (neverHeld.length) {
    await prisma.marketplaceReservation.updateMany({
      where: { shop, id: { in: neverHeld.map((r) => r.id) }, holdReleasedAt: null },
      data: { holdReleasedAt: now },
    });
    // Why it could not be held does not matter any more.
    for (const [connectionId, lines] of groupByConnection(neverHeld)) {
      await resolveExceptionsForEntities(
        { shop, connectionId, kind: HOLD_EXCEPTION_KIND },
        ORDER_LINE_ENTITY,
        lines,
        now,
      );
    }
  }

  // Fewest attempts first: new reservations are not starved by ones that keep failing or waiting for stock.
  const order = [{ holdAttempts: "asc" as const }, { createdAt: "asc" as const }, { id: "asc" as const }];
  const toReturn = await prisma.marketplaceReservation.findMany({
    where: { shop, releasedAt: { not: null }, heldAt: { not: null }, holdReleasedAt: null },
    orderBy: order,
    take: HOLD_BATCH,
  });
  // A line partly cancelled after its hold: the cancelled units go back (the rest stays held).
  const toShrink = await prisma.marketplaceReservation.findMany({
    where: {
      shop,
      releasedAt: null,
      heldAt: { not: null },
      holdReleasedAt: null,
      heldQuantity: { gt: prisma.marketplaceReservation.fields.quantity },
    },
    orderBy: order,
    take: HOLD_BATCH,
  });
  const toHold = await prisma.marketplaceReservation.findMany({
    where: { shop, heldAt: null, holdReleasedAt: null, OR: [{ releasedAt: null }, { heldLocationId: { not: null } }] },
    orderBy: order,
    take: Math.max(0, HOLD_BATCH - toReturn.length - toShrink.length),
  });
  const settingsOf = connectionSettingsLoader(shop);
  let progressed = false;

  const steps = [...toReturn, ...toShrink, ...toHold].map((r) => [r, holdStepFor(r)] as const);
  for (const [reservation, step] of steps) {
    try {
      if (step === "none" || step === "close") continue; // the queries above fetch neither
      if (step !== "hold") {
        if (step === "shrink") await shrinkHold(shop, reservation, await shopify(), now);
        else await returnHold(shop, reservation, step, await shopify(), now);
        result.returned++;
        progressed = true;
        continue;
      }
      const outcome = await hold(shop, reservation, settingsOf, shopify, now);
      if (outcome === "waiting") {
        retryAt.push(now.getTime() + WAIT_FOR_STOCK_MS);
        if (reservation.holdAttempts === 0) progressed = true;
        continue;
      }
      result.held++;
      progressed = true;
      // Released while its move was in doubt: the units go back right away.
      if (reservation.releasedAt !== null) retryAt.push(now.getTime());
    } catch (error) {
      const shopWide = error instanceof ShopifyRetriesExhaustedError || error instanceof ShopifyGraphqlError;
      if (!(error instanceof HoldProblem || error instanceof ShopifyUserErrorsError || shopWide)) throw error;
      result.failed++;
      const attempted = isAttempt(error, step, reservation);
      await recordFailure(shop, reservation, step === "hold" ? "hold" : "unhold", error, attempted, now);
      const delay = attempted
        ? backoffMs(reservation.holdAttempts + 1)
        : error instanceof ShopifyGraphqlError
          ? REFUSED_REQUEST_RETRY_MS
          : TRANSPORT_RETRY_MS;
      retryAt.push(now.getTime() + delay);
      if (shopWide) {
        // Throttled for good, unreachable, or refused whatever the input: every other move would fail the same way.
        logger.warn("reservation holds: Shopify failed, the pass stops", { shop, error: error.message });
        break;
      }
    }
  }

  // A full batch that made progress may have more behind it; otherwise only the timers above bring it back.
  if (steps.length >= HOLD_BATCH && progressed) retryAt.push(now.getTime());
  result.nextDueAt = retryAt.length ? new Date(Math.min(...retryAt)) : null;
  return result;
}

/**
 * The order flow calls this right after the Shopify order of a Mirakl order exists: its open lines stop
 * being reservations (Shopify's order commits the units now), their SKUs are recomputed, and the next
 * pass of the holds gives back the units they held.
 */
export function releaseReservationsOfShopifyOrder(
  shop: string,
  connectionId: string,
  miraklOrderId: string,
  now: Date,
) {
  return releaseOrderReservations(shop, connectionId, miraklOrderId, SHOPIFY_ORDER_RELEASE_REASON, now);
}

/**
 * Ends the open reservations of a Mirakl order (only those of `lineIds` when given) for `reason`: the holds
 * then give the units back (SHOPIFY_ORDER: its Shopify order commits them) or take them out of stock
 * (SHIPPED). Their SKUs are recomputed. Returns how many were released.
 */
export async function releaseOrderReservations(
  shop: string,
  connectionId: string,
  miraklOrderId: string,
  reason: string,
  now: Date,
  lineIds?: readonly string[],
): Promise<number> {
  const open = await prisma.marketplaceReservation.findMany({
    where: {
      shop,
      connectionId,
      miraklOrderId,
      releasedAt: null,
      ...(lineIds ? { orderLineId: { in: [...lineIds] } } : {}),
    },
    select: { id: true, shopifySku: true },
  });
  if (open.length === 0) return 0;
  const { count } = await prisma.marketplaceReservation.updateMany({
    where: { shop, id: { in: open.map((r) => r.id) }, releasedAt: null },
    data: { releasedAt: now, releaseReason: reason },
  });
  await markSkusForRecompute(
    shop,
    open.map((r) => r.shopifySku),
    now,
  );
  await workUnits.reservationHolds.markDirty(shop, now);
  return count;
}

async function hold(
  shop: string,
  r: Reservation,
  settingsOf: SettingsLoader,
  shopify: () => Promise<Admin>,
  now: Date,
): Promise<"held" | "waiting"> {
  const variant = await variantOf(shop, r.shopifySku);
  // With an intent the move may already be applied: it is sent again as it was, whatever changed since.
  if (r.heldLocationId === null && !variant.tracked) {
    throw new HoldProblem(
      `Shopify does not track the stock of SKU "${r.shopifySku}", so the ${r.quantity} unit(s) of Mirakl order line ${r.orderLineId} cannot be held there.`,
      "Turn on inventory tracking for the variant in Shopify if its stock is counted; the hold is retried by itself.",
      "WARNING",
    );
  }
  let locationId = r.heldLocationId;
  let quantity = r.heldQuantity;
  if (locationId === null) {
    // No move sent yet: the location and quantity come from the mirror (holdPlacementFor).
    const settings = await settingsOf(r.connectionId);
    const chosen = settings.stock.locationIds;
    const levels = chosen.length
      ? await prisma.shopifyInventoryLevel.findMany({
          where: { shop, inventoryItemId: variant.inventoryItemId, locationId: { in: chosen } },
          select: { locationId: true, available: true },
        })
      : [];
    const placement = holdPlacementFor(r.quantity, chosen, levels);
    if (placement.kind === "no-location") {
      throw new HoldProblem(
        `The connection of Mirakl order line ${r.orderLineId} sells from no Shopify location, so its ${r.quantity} unit(s) of "${r.shopifySku}" cannot be held in Shopify.`,
        "Choose the connection's locations in Stock & price settings; the hold is retried by itself.",
      );
    }
    if (placement.kind === "not-stocked") {
      throw new HoldProblem(
        `SKU "${r.shopifySku}" is not stocked at any location the connection sells from, so the ${r.quantity} unit(s) of Mirakl order line ${r.orderLineId} cannot be held in Shopify.`,
        "Stock the variant at one of the connection's locations in Shopify, or add its location in Stock & price settings; the hold is retried by itself.",
      );
    }
    if (placement.kind === "wait") {
      await prisma.marketplaceReservation.updateMany({
        where: { id: r.id, shop, heldAt: null },
        data: { holdAttempts: { increment: 1 } },
      });
      return "waiting";
    }
    ({ locationId, quantity } = placement);
    await prisma.marketplaceReservation.updateMany({
      where: { id: r.id, shop, heldAt: null },
      data: { heldLocationId: locationId, heldInventoryItemId: variant.inventoryItemId, heldQuantity: quantity },
    });
  }

  const inventoryItemId =
    r.heldLocationId !== null && r.heldInventoryItemId ? r.heldInventoryItemId : variant.inventoryItemId;
  const group = await move(await shopify(), r, "hold", { inventoryItemId, locationId, quantity });
  await prisma.$transaction([
    prisma.marketplaceReservation.updateMany({
      where: { id: r.id, shop, heldAt: null },
      data: {
        heldAt: now,
        heldLocationId: locationId,
        heldInventoryItemId: inventoryItemId,
        heldQuantity: quantity,
        holdError: null,
        holdAttempts: 0,
      },
    }),
    ...mirrorAvailable(shop, group, inventoryItemId, locationId),
  ]);
  await settled(shop, r, now);
  return "held";
}

/**
 * Ends a released reservation's hold: the units go back to available (refused, cancelled, or its Shopify
 * order now commits them), or, for a line that shipped with no Shopify order, leave stock for good
 * (reserved and on hand go down; available does not move).
 */
async function returnHold(shop: string, r: Reservation, step: "return" | "consume", admin: Admin, now: Date) {
  const inventoryItemId = r.heldInventoryItemId ?? (await variantOf(shop, r.shopifySku)).inventoryItemId;
  const locationId = r.heldLocationId!;
  const what = { inventoryItemId, locationId, quantity: r.heldQuantity };
  const group = step === "consume" ? await consumeShipped(admin, r, what) : await move(admin, r, "unhold", what);
  await prisma.$transaction([
    prisma.marketplaceReservation.updateMany({
      where: { id: r.id, shop, holdReleasedAt: null },
      data: { holdReleasedAt: now, holdError: null, holdAttempts: 0 },
    }),
    ...mirrorAvailable(shop, group, inventoryItemId, locationId),
  ]);
  await settled(shop, r, now);
}

/** Gives back the units of a held line that were cancelled since (heldQuantity − quantity), once. */
async function shrinkHold(shop: string, r: Reservation, admin: Admin, now: Date) {
  const inventoryItemId = r.heldInventoryItemId ?? (await variantOf(shop, r.shopifySku)).inventoryItemId;
  const locationId = r.heldLocationId!;
  const surplus = r.heldQuantity - r.quantity;
  const key = idempotencyKeyFor("reservation-shrink", r.id, r.heldQuantity, r.quantity, r.holdAttempts);
  const group = await move(admin, r, "unhold", { inventoryItemId, locationId, quantity: surplus }, key);
  await prisma.$transaction([
    prisma.marketplaceReservation.updateMany({
      where: { id: r.id, shop, heldQuantity: r.heldQuantity },
      data: { heldQuantity: r.quantity },
    }),
    ...mirrorAvailable(shop, group, inventoryItemId, locationId),
  ]);
  await settled(shop, r, now);
}

/** A line shipped before any Shopify order was made for it: its held units leave Shopify's stock (reserved − n). */
async function consumeShipped(
  admin: Admin,
  r: Reservation,
  what: { inventoryItemId: string; locationId: string; quantity: number },
): Promise<InventoryAdjustmentGroupResult> {
  const { inventoryAdjustQuantities: payload } = await admin.request(inventoryAdjustQuantities, {
    idempotencyKey: idempotencyKeyFor("reservation-shipped", r.id, r.holdAttempts),
    input: {
      name: "reserved",
      reason: "other",
      referenceDocumentUri: orderGid(r.miraklOrderId),
      changes: [
        {
          inventoryItemId: what.inventoryItemId,
          locationId: what.locationId,
          delta: -what.quantity,
          changeFromQuantity: null,
          ledgerDocumentUri: orderLineGid(r.orderLineId),
        },
      ],
    },
  });
  if (!payload.inventoryAdjustmentGroup)
    throw new UnconfirmedChange(
      `Shopify did not confirm taking the shipped units of Mirakl order line ${r.orderLineId} out of stock.`,
    );
  return payload.inventoryAdjustmentGroup;
}

function groupByConnection(rows: readonly { connectionId: string; orderLineId: string }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) groups.set(row.connectionId, [...(groups.get(row.connectionId) ?? []), row.orderLineId]);
  return groups;
}

/** The reservation's units changed place: its SKU is recomputed, and an open exception about it is resolved. */
async function settled(shop: string, r: Reservation, now: Date) {
  await markSkusForRecompute(shop, [r.shopifySku], now);
  await resolveExceptionsForEntities(
    { shop, connectionId: r.connectionId, kind: HOLD_EXCEPTION_KIND },
    ORDER_LINE_ENTITY,
    [r.orderLineId],
    now,
  );
}

async function move(
  admin: Admin,
  r: Reservation,
  step: "hold" | "unhold",
  what: { inventoryItemId: string; locationId: string; quantity: number },
  idempotencyKey = idempotencyKeyFor(`reservation-${step}`, r.id, r.holdAttempts),
): Promise<InventoryAdjustmentGroupResult> {
  const [from, to]: MovableQuantityName[] = step === "hold" ? ["available", "reserved"] : ["reserved", "available"];
  // changeFromQuantity must be sent, and null: a compare value read from the mirror would differ on the retry of
  // a lost answer (a parameter mismatch for the key), and a move is relative anyway.
  const terminal = (name: MovableQuantityName) => ({
    name,
    locationId: what.locationId,
    changeFromQuantity: null,
    ...(name === "available" ? {} : { ledgerDocumentUri: orderLineGid(r.orderLineId) }),
  });
  const { inventoryMoveQuantities: payload } = await admin.request(inventoryMoveQuantities, {
    idempotencyKey,
    input: {
      reason: step === "hold" ? "reservation_created" : "reservation_deleted",
      referenceDocumentUri: orderGid(r.miraklOrderId),
      changes: [
        { inventoryItemId: what.inventoryItemId, quantity: what.quantity, from: terminal(from), to: terminal(to) },
      ],
    },
  });
  if (!payload.inventoryAdjustmentGroup)
    throw new UnconfirmedChange(`Shopify did not confirm the ${step} of Mirakl order line ${r.orderLineId}.`);
  return payload.inventoryAdjustmentGroup;
}

/**
 * The level's `available` after the move, as Shopify reported it and at Shopify's time: older webhooks are then
 * ignored and the one for this move shows no drop. A newer observation already in the mirror is kept.
 */
function mirrorAvailable(
  shop: string,
  group: InventoryAdjustmentGroupResult,
  inventoryItemId: string,
  locationId: string,
) {
  const after = group.changes.find(
    (c) => c.name === "available" && c.location?.id === locationId && c.item?.id === inventoryItemId,
  )?.quantityAfterChange;
  const observedAt = new Date(group.createdAt);
  if (after == null || Number.isNaN(observedAt.getTime())) return [];
  return [
    prisma.shopifyInventoryLevel.updateMany({
      where: { shop, inventoryItemId, locationId, observedAt: { lte: observedAt } },
      data: { available: after, observedAt },
    }),
  ];
}

/** The one live variant of the SKU (an active one before archived leftovers, as the recompute decides). */
async function variantOf(shop: string, sku: string) {
  const live = await prisma.shopifyVariant.findMany({
    where: { shop, sku, deletedAt: null },
    select: { variantId: true, inventoryItemId: true, tracked: true, productStatus: true },
  });
  const candidates = feedingVariants(live);
  if (candidates.length === 0) {
    throw new HoldProblem(
      `No Shopify variant has the SKU "${sku}", so the units a marketplace sold under it cannot be held (or given back) in Shopify.`,
      `Give the variant the SKU "${sku}" in Shopify, or map the offer to the right SKU in SKU mapping; the hold is retried by itself.`,
    );
  }
  if (candidates.length > 1) {
    throw new HoldProblem(
      `${candidates.length} Shopify variants share the SKU "${sku}", so it is unclear which one holds the units a marketplace sold.`,
      "Give each variant its own SKU in Shopify; the hold is retried by itself.",
    );
  }
  return candidates[0]!;
}

type SettingsLoader = (connectionId: string) => Promise<ConnectionSettings>;

/** Each connection's settings are read (and parsed) once per pass. */
function connectionSettingsLoader(shop: string): SettingsLoader {
  const cache = new Map<string, Promise<ConnectionSettings>>();
  const load = async (connectionId: string) => {
    const connection = await prisma.marketplaceConnection.findFirst({
      where: { id: connectionId, shop },
      select: { settings: true },
    });
    if (!connection)
      throw new HoldProblem(
        `The reservation's connection ${connectionId} no longer exists.`,
        "Nothing to do if the connection was deleted on purpose: dismiss this exception.",
        "WARNING",
      );
    try {
      return parseConnectionSettings(connection.settings);
    } catch (error) {
      throw new HoldProblem(
        `The connection's stock settings cannot be read, so no location is known to hold the units in: ${error instanceof Error ? error.message : String(error)}`,
        "Open the connection's Stock & price settings and save them again; the hold is retried by itself.",
      );
    }
  };
  return (connectionId) => {
    let settings = cache.get(connectionId);
    if (!settings) cache.set(connectionId, (settings = load(connectionId)));
    return settings;
  };
}

/**
 * Does this failure end the attempt (the next try gets a fresh key)? Only when no move under the current key can
 * have been applied: Shopify answered it with userErrors (a replay of an applied move would have answered its
 * success), or the problem was found before any move of this hold was sent. A lost answer, a request refused
 * whatever its content (a token, a scope), or one still running at Shopify says nothing about an earlier send
 * under the same key: that key is kept, so the retry is replayed rather than applied twice.
 */
function isAttempt(error: Error, step: HoldStep, r: Reservation): boolean {
  if (error instanceof UnconfirmedChange) return false; // sent: it may have been applied
  if (error instanceof ShopifyUserErrorsError) return !error.hasCode("IDEMPOTENCY_CONCURRENT_REQUEST");
  return error instanceof HoldProblem && step === "hold" && r.heldLocationId === null;
}

/**
 * Records a failed step on the reservation and in the exception queue (one exception per order line, counted).
 * A finished attempt of a hold gives up its intent: the next try chooses location and quantity again.
 */
async function recordFailure(
  shop: string,
  r: Reservation,
  step: "hold" | "unhold",
  error: Error,
  attempted: boolean,
  now: Date,
) {
  const attempts = attempted ? r.holdAttempts + 1 : r.holdAttempts;
  const keepIntent = step === "unhold" || !attempted;
  const where = step === "hold" ? { id: r.id, shop, heldAt: null } : { id: r.id, shop, holdReleasedAt: null };
  await prisma.marketplaceReservation.updateMany({
    where,
    data: {
      holdError: error.message.slice(0, 1000),
      holdAttempts: attempts,
      ...(keepIntent ? {} : { heldLocationId: null, heldQuantity: 0 }),
    },
  });
  const what = step === "hold" ? `hold ${r.quantity} unit(s)` : `give back the ${r.heldQuantity} unit(s) held`;
  const problem = error instanceof HoldProblem ? error : null;
  await reportException(
    {
      shop,
      connectionId: r.connectionId,
      kind: HOLD_EXCEPTION_KIND,
      severity: problem?.severity ?? "ERROR",
      entityType: ORDER_LINE_ENTITY,
      entityId: r.orderLineId,
      message: problem
        ? problem.message
        : `Shopify did not ${what} of "${r.shopifySku}" for Mirakl order line ${r.orderLineId} (order ${r.miraklOrderId}): ${error.message}`,
      fixHint: problem
        ? problem.fixHint
        : step === "hold"
          ? "Until it is held, Shopify's checkout can sell these units although the marketplace sold them. Check the variant's inventory at the connection's locations in Shopify; the hold is retried by itself."
          : "The units stay reserved in Shopify until this succeeds. Check the variant's reserved quantity at its location in Shopify; the app retries by itself.",
      detail: {
        reservationId: r.id,
        step,
        miraklOrderId: r.miraklOrderId,
        shopifySku: r.shopifySku,
        attempts,
        locationId: r.heldLocationId,
      },
    },
    now,
  );
}

function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}
