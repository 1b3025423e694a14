import prisma from "~/db.server";
import type { MiraklClient } from "~/integrations/mirakl";
import type { TaskHandler } from "~/worker/worker.server";
import { ensureScheduled, markDirty } from "~/worker/work-units.server";
import { ConnectionUnavailableError, miraklClientFor } from "~/sync/mirakl-client.server";
import { pushStock, STOCK_PUSH_KIND } from "~/sync/stock/push.server";
import { pushPrices, PRICE_PUSH_KIND } from "~/sync/stock/prices.server";
import {
  DELTA_EVERY_MS,
  FULL_EVERY_MS,
  reconcileStep,
  requestReconcile,
  STOCK_RECONCILE_KIND,
} from "~/sync/stock/reconcile.server";
import { ensureOrderIntake } from "~/sync/reservations/tasks.server";
import { createMissingOffers, OFFER_CREATE_KIND, offerCreateUnitKey } from "~/sync/stock/offers.server";

/** Worker tasks of the stock and price sync: one unit per connection and kind, keyed `<kind>:<connectionId>`. */

type ConnectionStep = (
  connection: { id: string; shop: string },
  mirakl: MiraklClient,
  now: Date,
) => Promise<{ nextDueAt: Date | null }>;

export function connectionTask(kind: string, leaseMs: number, step: ConnectionStep): TaskHandler {
  return {
    kind,
    leaseMs,
    async run(unit, ctx) {
      const connectionId = unit.key.slice(kind.length + 1);
      const shop = unit.shop!;
      let mirakl: MiraklClient;
      try {
        mirakl = await miraklClientFor(shop, connectionId);
      } catch (error) {
        if (error instanceof ConnectionUnavailableError) return { nextDueAt: null }; // disabled or deleted: idle until marked again
        throw error;
      }
      return step({ id: connectionId, shop }, mirakl, ctx.now());
    },
  };
}

export const stockPushTask = connectionTask(STOCK_PUSH_KIND, 120_000, pushStock);
export const pricePushTask = connectionTask(PRICE_PUSH_KIND, 120_000, pushPrices);
export const offerCreateTask = connectionTask(OFFER_CREATE_KIND, 120_000, createMissingOffers);
export const stockReconcileTask = connectionTask(STOCK_RECONCILE_KIND, 300_000, async (connection, mirakl, now) => {
  const result = await reconcileStep(connection, mirakl, now);
  if (result.nextDueAt === null) {
    // A finished full run knows which offers are missing: offer creation (when enabled) picks them up.
    await markDirty(offerCreateUnitKey(connection.id), OFFER_CREATE_KIND, connection.shop, now);
  }
  return result;
});

export const RECONCILE_SCHEDULER_KIND = "stock-reconcile-scheduler";
const SCHEDULER_EVERY_MS = 5 * 60_000;

/** Hourly delta and nightly full reconciliations for every enabled connection of every installed shop. */
export const reconcileSchedulerTask: TaskHandler = {
  kind: RECONCILE_SCHEDULER_KIND,
  leaseMs: 60_000,
  async run(_unit, ctx) {
    const now = ctx.now();
    const connections = await prisma.marketplaceConnection.findMany({
      where: { enabled: true },
      select: { id: true, shop: true },
    });
    for (const connection of connections) {
      // Every enabled connection reads its orders; a unit left idle while the connection was disabled restarts here.
      await ensureOrderIntake(connection, now);
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
  },
};

export const stockTasks: TaskHandler[] = [
  stockPushTask,
  pricePushTask,
  offerCreateTask,
  stockReconcileTask,
  reconcileSchedulerTask,
];

export async function scheduleStockWork(now = new Date()) {
  await ensureScheduled(RECONCILE_SCHEDULER_KIND, RECONCILE_SCHEDULER_KIND, null, now);
}
