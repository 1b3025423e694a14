-- AlterTable
ALTER TABLE "MarketplaceOrder" ADD COLUMN     "fulfilmentNote" TEXT,
ADD COLUMN     "fulfilmentStatus" TEXT NOT NULL DEFAULT 'NONE',
ADD COLUMN     "orderTrackingSent" JSONB;

-- CreateTable
CREATE TABLE "MarketplaceShipment" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "shopifyFulfillmentId" TEXT NOT NULL,
    "name" TEXT,
    "shopifyStatus" TEXT NOT NULL,
    "company" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "lines" JSONB NOT NULL DEFAULT '[]',
    "fulfilledAt" TIMESTAMP(3) NOT NULL,
    "shopifyUpdatedAt" TIMESTAMP(3) NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "statusReason" TEXT,
    "trackingSent" JSONB,
    "miraklShipmentId" TEXT,
    "packageReference" TEXT,
    "sentAt" TIMESTAMP(3),
    "shippedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketplaceShipment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MarketplaceShipment_connectionId_status_idx" ON "MarketplaceShipment"("connectionId", "status");

-- CreateIndex
CREATE INDEX "MarketplaceShipment_orderId_idx" ON "MarketplaceShipment"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceShipment_shop_shopifyFulfillmentId_key" ON "MarketplaceShipment"("shop", "shopifyFulfillmentId");

-- CreateIndex
CREATE INDEX "MarketplaceOrder_shop_connectionId_fulfilmentStatus_idx" ON "MarketplaceOrder"("shop", "connectionId", "fulfilmentStatus");

-- AddForeignKey
ALTER TABLE "MarketplaceShipment" ADD CONSTRAINT "MarketplaceShipment_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "MarketplaceOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;
