-- AlterTable
ALTER TABLE "MarketplaceConnection" ADD COLUMN     "ordersCursor" TIMESTAMP(3),
ADD COLUMN     "ordersPolledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "MarketplaceReservation" ADD COLUMN     "heldAt" TIMESTAMP(3),
ADD COLUMN     "heldLocationId" TEXT,
ADD COLUMN     "heldQuantity" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "holdAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "holdError" TEXT,
ADD COLUMN     "holdReleasedAt" TIMESTAMP(3),
ADD COLUMN     "lineState" TEXT NOT NULL DEFAULT 'WAITING_ACCEPTANCE',
ADD COLUMN     "offerSku" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "releaseReason" TEXT;

-- CreateIndex
CREATE INDEX "MarketplaceReservation_shop_heldAt_holdReleasedAt_idx" ON "MarketplaceReservation"("shop", "heldAt", "holdReleasedAt");
