import prisma from "~/db.server";
import { workUnits } from "~/worker/registry.server";
import { requestReconcile } from "~/sync/stock/reconcile.server";

/**
 * A connection now points at another Mirakl instance or shop (base URL or shop id changed, or the demo's
 * simulator restarted). What we pushed and observed was about the old one: imports and exports in flight
 * there are closed (their ids mean nothing to the new one), every offer is marked to be pushed again,
 * and a full reconciliation learns what the new one has.
 */
export async function retargetConnection(connection: { id: string; shop: string }, reason: string, now = new Date()) {
  const where = { shop: connection.shop, connectionId: connection.id };
  await prisma.$transaction([
    prisma.stockImport.updateMany({
      where: { ...where, status: { in: ["PREPARED", "SENT"] } },
      data: { status: "FAILED", completedAt: now, error: reason },
    }),
    prisma.reconcileRun.updateMany({
      where: { ...where, finishedAt: null },
      data: { finishedAt: now, phase: "failed", progress: 1, error: reason },
    }),
    prisma.offerStock.updateMany({
      where,
      data: {
        desiredVersion: { increment: 1 },
        pushedQuantity: null,
        pushedAt: null,
        lastPushError: null,
        pushedPrice: null,
        pushedDiscountPrice: null,
        pricePushedAt: null,
        lastPriceError: null,
        offerRequestedAt: null,
        miraklQuantity: null,
        miraklPrice: null,
        miraklObservedAt: null,
      },
    }),
  ]);
  await workUnits.stockPush.markDirty(connection.id, connection.shop, now);
  await workUnits.pricePush.markDirty(connection.id, connection.shop, now);
  await requestReconcile(connection, "FULL", now);
}
