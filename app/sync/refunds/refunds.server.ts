import prisma from "~/db.server";

/**
 * The Order page: a refund to Mirakl that waits for a reason is sent with the one a person chose. False when the
 * shop has no such refund waiting.
 */
export async function chooseRefundReason(shop: string, refundId: string, reasonCode: string): Promise<boolean> {
  const { count } = await prisma.marketplaceRefund.updateMany({
    where: { id: refundId, shop, direction: "TO_MIRAKL", status: "BLOCKED" },
    data: { reasonCode, status: "PENDING", statusReason: null },
  });
  // TODO(lead): wake the refund flow here, `await workUnits.refunds.markDirty(connectionId, shop)`, once the
  // `refunds` work unit exists in app/worker/registry.server.ts (not in this branch; keep the lead's version).
  return count === 1;
}
