import prisma from "~/db.server";
import type { TaskHandler } from "~/worker/worker.server";
import { workUnits } from "~/worker/registry.server";
import { connectionTask } from "~/sync/connection-task.server";
import { readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runOrderAcceptance } from "~/sync/orders/acceptance.server";
import { runShopifyOrders } from "~/sync/orders/shopify-order.server";

/** Worker tasks of the order flow: the intake (OR11 into the mirror) and the acceptance (OR21), per connection. */

export const orderIntakeTask = connectionTask(workUnits.orderIntake, async (connection, mirakl, now) => ({
  nextDueAt: (await readMarketplaceOrders(connection, mirakl, now)).nextDueAt,
}));

export const orderAcceptanceTask = connectionTask(workUnits.orderAcceptance, async (connection, mirakl, now) => ({
  nextDueAt: (await runOrderAcceptance(connection, mirakl, now)).nextDueAt,
}));

/** Shopify orders for paid Mirakl orders: Shopify only (the Mirakl client is not used). */
export const shopifyOrdersTask = connectionTask(workUnits.shopifyOrders, async (connection, _mirakl, now) => ({
  nextDueAt: (await runShopifyOrders(connection, now)).nextDueAt,
}));

export const orderTasks: TaskHandler[] = [orderIntakeTask, orderAcceptanceTask, shopifyOrdersTask];

/** A running intake is due within a minute or two; later than this it was left idle (connection disabled). */
const IDLE_AFTER_MS = 10 * 60_000;

/**
 * Starts the connection's order intake if it is not running (never started, or left idle while the
 * connection was disabled), and its acceptance unit with it (orders read while it was idle wait for it).
 * Marking a running intake due would be harmless (it polls at most once a minute).
 */
export async function ensureOrderIntake(connection: { id: string; shop: string }, now: Date) {
  const unit = await prisma.workUnit.findUnique({
    where: { key: workUnits.orderIntake.key(connection.id) },
    select: { dueAt: true },
  });
  if (!unit || unit.dueAt.getTime() > now.getTime() + IDLE_AFTER_MS) {
    await workUnits.orderIntake.markDirty(connection.id, connection.shop, now);
    await workUnits.orderAcceptance.markDirty(connection.id, connection.shop, now);
    await workUnits.shopifyOrders.markDirty(connection.id, connection.shop, now);
    await workUnits.fulfilments.markDirty(connection.id, connection.shop, now);
    await workUnits.refunds.markDirty(connection.id, connection.shop, now);
  }
}
