import type { TaskHandler } from "~/worker/worker.server";
import { workUnits } from "~/worker/registry.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";

/** Worker tasks of the reservation flow: the Shopify holds per shop (the order intake is in app/sync/orders). */

export const reservationHoldsTask = workUnits.reservationHolds.task(async (unit, ctx) => {
  const { nextDueAt } = await reconcileShopifyHolds(unit.shop!, ctx.now());
  return { nextDueAt };
});

export const reservationTasks: TaskHandler[] = [reservationHoldsTask];
