import prisma from "~/db.server";
import type { RetryHandler } from "~/exceptions/retries.server";
import { workUnits } from "~/worker/registry.server";
import { requestShopifyOrder } from "~/sync/orders/shopify-order.server";

/**
 * An order whose decision could not be sent (or waits for a person): the acceptance unit looks at it again
 * now. A decision being sent is retried at once (re-reading the order first, never a blind second OR21).
 */
export const retryOrderAcceptance: RetryHandler = async (shop, orderId, exception) => {
  if (exception.kind === "SHOPIFY_ORDER_FAILED") return requestShopifyOrder(shop, orderId, "retry");
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: orderId, shop },
    select: { connectionId: true, acceptance: true },
  });
  if (!order || !["PENDING", "REVIEW", "SENDING"].includes(order.acceptance)) return false;
  if (order.acceptance === "SENDING")
    await prisma.marketplaceOrder.updateMany({ where: { id: orderId, shop }, data: { or21RequestedAt: new Date(0) } });
  await workUnits.orderAcceptance.markDirty(order.connectionId, shop);
  return true;
};

/** An order Mirakl sent unreadable: the intake's next poll sweeps every waiting order again (it is one of them). */
export const retryUnreadableOrder: RetryHandler = async (shop, entityId, { connectionId }) => {
  if (!connectionId || !entityId.startsWith(`${connectionId}:`)) return false;
  const { count } = await prisma.marketplaceConnection.updateMany({
    where: { id: connectionId, shop },
    data: { waitingSweptAt: null },
  });
  if (count === 0) return false;
  await workUnits.orderIntake.markDirty(connectionId, shop);
  return true;
};
