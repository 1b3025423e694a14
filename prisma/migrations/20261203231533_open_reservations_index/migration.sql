-- CreateIndex
CREATE INDEX "MarketplaceReservation_connectionId_releasedAt_miraklOrderI_idx" ON "MarketplaceReservation"("connectionId", "releasedAt", "miraklOrderId");
