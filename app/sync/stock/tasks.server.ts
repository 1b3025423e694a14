import prisma from "~/db.server";
import type { TaskHandler } from "~/worker/worker.server";
import { workUnits } from "~/worker/registry.server";
import { connectionTask } from "~/sync/connection-task.server";
import { pushStock, type StockPushDeps } from "~/sync/stock/push.server";
import { pushPrices } from "~/sync/stock/prices.server";
import { DELTA_EVERY_MS, FULL_EVERY_MS, reconcileStep, requestReconcile } from "~/sync/stock/reconcile.server";
import { createMissingOffers } from "~/sync/stock/offers.server";

/** Worker tasks of the stock and price sync: one unit per connection and kind, and the reconcile scheduler. */

/** What the stock tasks need from other flows, passed in where the tasks are wired (app/sync/index.server.ts). */
export interface StockTaskDeps extends StockPushDeps {
  /** Run by the scheduler for every enabled connection: restarts its other connection units left idle. */
  keepConnectionRunning(connection: { id: string; shop: string }, now: Date): Promise<void>;
}

const SCHEDULER_EVERY_MS = 5 * 60_000;

/** Hourly delta and nightly full reconciliations for every enabled connection of every installed shop. */
export function reconcileSchedulerTask(deps: Pick<StockTaskDeps, "keepConnectionRunning">): TaskHandler {
  return workUnits.reconcileScheduler.task(async (_unit, ctx) => {
    const now = ctx.now();
    const connections = await prisma.marketplaceConnection.findMany({
      where: { enabled: true },
      select: { id: true, shop: true },
    });
    for (const connection of connections) {
      // Every enabled connection reads its orders; a unit left idle while the connection was disabled restarts here.
      await deps.keepConnectionRunning(connection, now);
      const runs = await prisma.reconcileRun.findMany({
        where: { connectionId: connection.id },
        orderBy: { startedAt: "desc" },
        take: 20,
      });
      if (runs.some((r) => !r.finishedAt)) continue;
      const lastFull = runs.find((r) => r.kind !== "DELTA");
      const last = runs[0];
      if (!lastFull || now.getTime() - lastFull.startedAt.getTime() >= FULL_EVERY_MS)
        await requestReconcile(connection, "FULL", now);
      else if (!last || now.getTime() - last.startedAt.getTime() >= DELTA_EVERY_MS)
        await requestReconcile(connection, "DELTA", now);
    }
    return { nextDueAt: new Date(now.getTime() + SCHEDULER_EVERY_MS) };
  });
}

export function stockTasks(deps: StockTaskDeps): TaskHandler[] {
  return [
    connectionTask(workUnits.stockPush, (connection, mirakl, now) => pushStock(connection, mirakl, now, deps)),
    connectionTask(workUnits.pricePush, pushPrices),
    connectionTask(workUnits.offerCreate, createMissingOffers),
    connectionTask(workUnits.stockReconcile, async (connection, mirakl, now) => {
      const result = await reconcileStep(connection, mirakl, now);
      if (result.nextDueAt === null) {
        // A finished full run knows which offers are missing: offer creation (when enabled) picks them up.
        await workUnits.offerCreate.markDirty(connection.id, connection.shop, now);
      }
      return result;
    }),
    reconcileSchedulerTask(deps),
  ];
}
