import prisma from "~/db.server";
import type { TaskHandler } from "~/worker/worker.server";
import { markDirty } from "~/worker/work-units.server";
import { connectionTask } from "~/sync/stock/tasks.server";
import { readMarketplaceOrders } from "~/sync/reservations/intake.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { ORDER_INTAKE_KIND, orderIntakeUnitKey, RESERVATION_HOLDS_KIND } from "~/sync/reservations/keys";

/** Worker tasks of the reservation flow: the order intake per connection, the Shopify holds per shop. */

export const orderIntakeTask = connectionTask(ORDER_INTAKE_KIND, 120_000, async (connection, mirakl, now) => ({
  nextDueAt: (await readMarketplaceOrders(connection, mirakl, now)).nextDueAt,
}));

export const reservationHoldsTask: TaskHandler = {
  kind: RESERVATION_HOLDS_KIND,
  leaseMs: 120_000,
  async run(unit, ctx) {
    const { nextDueAt } = await reconcileShopifyHolds(unit.shop!, ctx.now());
    return { nextDueAt };
  },
};

export const reservationTasks: TaskHandler[] = [orderIntakeTask, reservationHoldsTask];

/** A running intake is due within a minute or two; later than this it was left idle (connection disabled). */
const IDLE_AFTER_MS = 10 * 60_000;

/**
 * Starts the connection's order intake if it is not running (never started, or left idle while the
 * connection was disabled). Marking a running one due would be harmless (it polls at most once a minute).
 */
export async function ensureOrderIntake(connection: { id: string; shop: string }, now: Date) {
  const unit = await prisma.workUnit.findUnique({
    where: { key: orderIntakeUnitKey(connection.id) },
    select: { dueAt: true },
  });
  if (!unit || unit.dueAt.getTime() > now.getTime() + IDLE_AFTER_MS)
    await markDirty(orderIntakeUnitKey(connection.id), ORDER_INTAKE_KIND, connection.shop, now);
}
