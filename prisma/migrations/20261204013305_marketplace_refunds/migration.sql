-- AlterEnum
ALTER TYPE "SyncExceptionKind" ADD VALUE 'REFUND_NOT_SENT';

-- AlterTable
ALTER TABLE "MarketplaceOrder" ADD COLUMN     "refundsDirty" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "MarketplaceRefund" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "reversalKeys" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "statusReason" TEXT,
    "reasonCode" TEXT,
    "request" JSONB,
    "sentAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "resultIds" JSONB NOT NULL DEFAULT '[]',
    "amount" TEXT,
    "currency" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketplaceRefund_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MarketplaceRefund_connectionId_status_idx" ON "MarketplaceRefund"("connectionId", "status");

-- CreateIndex
CREATE INDEX "MarketplaceRefund_orderId_idx" ON "MarketplaceRefund"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceRefund_shop_direction_sourceKey_key" ON "MarketplaceRefund"("shop", "direction", "sourceKey");

-- CreateIndex
CREATE INDEX "MarketplaceOrder_connectionId_refundsDirty_idx" ON "MarketplaceOrder"("connectionId", "refundsDirty");

-- AddForeignKey
ALTER TABLE "MarketplaceRefund" ADD CONSTRAINT "MarketplaceRefund_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "MarketplaceOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;
