import prisma from "~/db.server";
import type { RetryHandler } from "~/exceptions/retries.server";
import { workUnits } from "~/worker/registry.server";

/** A reservation Shopify could not hold (or give back): the holds pass tries it again. */
export const retryOrderLineHold: RetryHandler = async (shop, orderLineId, { connectionId }) => {
  const open = await prisma.marketplaceReservation.count({
    where: { shop, orderLineId, ...(connectionId ? { connectionId } : {}), holdReleasedAt: null },
  });
  if (open === 0) return false;
  await workUnits.reservationHolds.markDirty(shop);
  return true;
};
