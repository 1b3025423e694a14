import type { TaskHandler } from "~/worker/worker.server";
import { workUnits } from "~/worker/registry.server";
import { connectionTask } from "~/sync/connection-task.server";
import { runRefunds } from "~/sync/refunds/refunds.server";

/** Worker tasks of the refund flow: Shopify refunds to Mirakl and Mirakl refunds into Shopify, per connection. */
export const refundsTask = connectionTask(workUnits.refunds, async (connection, mirakl, now) => ({
  nextDueAt: (await runRefunds(connection, mirakl, now)).nextDueAt,
}));

export const refundTasks: TaskHandler[] = [refundsTask];
