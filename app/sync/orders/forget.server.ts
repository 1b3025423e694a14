import prisma from "~/db.server";
import { workUnits } from "~/worker/registry.server";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";

/**
 * A connection stops watching its marketplace's orders: disabled by the merchant, or pointed at another
 * Mirakl instance or shop. Its open reservations are released (their units go back to available in
 * Shopify and to every other marketplace: nobody reads those orders any more to release them later) and
 * its order cursor is forgotten, so the next start reads every unshipped order afresh (the first poll).
 */

export const CONNECTION_DISABLED = "CONNECTION_DISABLED";
export const CONNECTION_RETARGETED = "CONNECTION_RETARGETED";

type Connection = { id: string; shop: string };

async function releaseOpenReservations(connection: Connection, reason: string, now: Date) {
  const open = await prisma.marketplaceReservation.findMany({
    where: { shop: connection.shop, connectionId: connection.id, releasedAt: null },
    select: { shopifySku: true },
  });
  if (open.length === 0) return 0;
  await prisma.marketplaceReservation.updateMany({
    where: { shop: connection.shop, connectionId: connection.id, releasedAt: null },
    data: { releasedAt: now, releaseReason: reason },
  });
  await markSkusForRecompute(connection.shop, [...new Set(open.map((r) => r.shopifySku))], now);
  await workUnits.reservationHolds.markDirty(connection.shop, now);
  return open.length;
}

const forgetCursor = (connection: Connection) =>
  prisma.marketplaceConnection.updateMany({
    where: { id: connection.id, shop: connection.shop },
    data: { ordersCursor: null, ordersPolledAt: null, waitingSweptAt: null },
  });

/**
 * Released reservations whose Shopify hold is settled (given back, or never placed) and that no read will
 * ever look at again: deleting them lets the next first poll reserve their lines afresh.
 */
const deleteSettled = (connection: Connection, reasons: string[]) =>
  prisma.marketplaceReservation.deleteMany({
    where: {
      shop: connection.shop,
      connectionId: connection.id,
      releaseReason: { in: reasons },
      OR: [{ heldAt: null }, { holdReleasedAt: { not: null } }],
    },
  });

/** The merchant disabled the connection. */
export async function stopWatchingOrders(connection: Connection, now = new Date()) {
  const released = await releaseOpenReservations(connection, CONNECTION_DISABLED, now);
  await forgetCursor(connection);
  return released;
}

/** The merchant enabled the connection again: its unshipped orders are read (and reserved) afresh. */
export async function resumeWatchingOrders(connection: Connection, now = new Date()) {
  await deleteSettled(connection, [CONNECTION_DISABLED]);
  await forgetCursor(connection);
  await workUnits.orderIntake.markDirty(connection.id, connection.shop, now);
}

/**
 * The connection points at another Mirakl instance or shop: the orders mirrored from the old one describe
 * another marketplace (their ids may even come again there), so they are dropped with their reservations.
 */
export async function forgetMarketplaceOrders(connection: Connection, now = new Date()) {
  await releaseOpenReservations(connection, CONNECTION_RETARGETED, now);
  await deleteSettled(connection, [CONNECTION_RETARGETED, CONNECTION_DISABLED]);
  await prisma.marketplaceOrder.deleteMany({ where: { shop: connection.shop, connectionId: connection.id } });
  await forgetCursor(connection);
  await workUnits.orderIntake.markDirty(connection.id, connection.shop, now);
}
