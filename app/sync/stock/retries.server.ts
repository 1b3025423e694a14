import prisma from "~/db.server";
import type { RetryHandler } from "~/exceptions/retries.server";
import { workUnits } from "~/worker/registry.server";
import { requeueOfferStock } from "~/sync/stock/push.server";
import { requeueOfferCreation } from "~/sync/stock/offers.server";
import { requestManualReconcile } from "~/sync/stock/reconcile.server";

/** Retry from the exceptions queue for what the stock and price sync reports (registered in app/sync/index.server.ts). */

/**
 * A refused offer: resent with its current value on the connection's next stock or price file; an offer Mirakl
 * refused to create (OF24) is asked for again with the next offer creation.
 */
export const retryRefusedOffer: RetryHandler = async (shop, entityId, { connectionId, kind }) => {
  if (!connectionId) return false;
  if (kind === "OFFER_CREATION_REJECTED") {
    const requeued = await requeueOfferCreation(shop, connectionId, entityId);
    if (requeued) await workUnits.offerCreate.markDirty(connectionId, shop);
    return requeued !== null;
  }
  const price = kind === "PRICE_IMPORT_LINE_REJECTED";
  const requeued = await requeueOfferStock(shop, connectionId, entityId, price ? "price" : "stock");
  if (requeued) await (price ? workUnits.pricePush : workUnits.stockPush).markDirty(connectionId, shop);
  return requeued !== null;
};

/**
 * Connection-wide problems (a failed import, a key or settings since fixed) carry "<connectionId>" or
 * "<connectionId>:<what>" as their entity id: every push unit of the connection is marked due now.
 */
export const retryConnection: RetryHandler = async (shop, entityId) => {
  const connectionId = entityId.split(":")[0];
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop, enabled: true },
    select: { id: true },
  });
  if (!connection) return false;
  await workUnits.stockPush.markDirty(connectionId, shop);
  await workUnits.pricePush.markDirty(connectionId, shop);
  return true;
};

/** A reconciliation that did not complete: "Reconcile now". */
export const retryReconcile: RetryHandler = async (shop, connectionId) =>
  (await requestManualReconcile(shop, connectionId)) !== null;
