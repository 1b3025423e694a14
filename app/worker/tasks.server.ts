import type { TaskHandler } from "~/worker/worker.server";
import { inboxSweepTask, inboxTask, scheduleInboxSweep } from "~/webhooks/inbox.server";
import { registerTopicHandlers } from "~/webhooks/topics.server";
import { scheduleStockWork, stockTasks } from "~/sync/stock/tasks.server";
import { reservationTasks } from "~/sync/reservations/tasks.server";
import { stockRecomputeTask } from "~/sync/stock/recompute.server";
import { catalogRefreshTask } from "~/sync/stock/catalog-refresh.server";
import { miraklCallPruneTask, scheduleMiraklCallPrune } from "~/connections/activity-log.server";

/** Every kind of background work the worker runs. Sync flows add their tasks here. */
export function allTasks(): TaskHandler[] {
  registerTopicHandlers();
  return [
    inboxTask,
    inboxSweepTask,
    ...stockTasks,
    ...reservationTasks,
    stockRecomputeTask,
    catalogRefreshTask,
    miraklCallPruneTask,
  ];
}

/** Periodic units that must exist once; idempotent, called whenever a worker starts. */
export async function schedulePeriodicWork() {
  await scheduleInboxSweep();
  await scheduleStockWork();
  await scheduleMiraklCallPrune();
}
