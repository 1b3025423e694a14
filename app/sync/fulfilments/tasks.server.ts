import type { TaskHandler } from "~/worker/worker.server";
import { workUnits } from "~/worker/registry.server";
import { connectionTask } from "~/sync/connection-task.server";
import { runFulfilments } from "~/sync/fulfilments/shipments.server";

/** Worker tasks of the fulfilment flow: Shopify fulfilments to Mirakl tracking and shipments, per connection. */
export const fulfilmentsTask = connectionTask(workUnits.fulfilments, async (connection, mirakl, now) => ({
  nextDueAt: (await runFulfilments(connection, mirakl, now)).nextDueAt,
}));

export const fulfilmentTasks: TaskHandler[] = [fulfilmentsTask];
