-- AlterEnum
ALTER TYPE "SyncExceptionKind" ADD VALUE 'SHOPIFY_ORDER_FAILED';

-- AlterTable
ALTER TABLE "MarketplaceOrder" ADD COLUMN     "shopifyInventoryBehaviour" TEXT,
ADD COLUMN     "shopifyOrderAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shopifyOrderCreatedAt" TIMESTAMP(3),
ADD COLUMN     "shopifyOrderDueAt" TIMESTAMP(3),
ADD COLUMN     "shopifyOrderError" TEXT,
ADD COLUMN     "shopifyOrderId" TEXT,
ADD COLUMN     "shopifyOrderName" TEXT,
ADD COLUMN     "shopifyOrderSentAt" TIMESTAMP(3),
ADD COLUMN     "shopifyOrderStatus" TEXT NOT NULL DEFAULT 'NONE';

-- AlterTable
ALTER TABLE "MarketplaceOrderLine" ADD COLUMN     "shopifyLineItemId" TEXT;

-- CreateIndex
CREATE INDEX "MarketplaceOrder_shop_shopifyOrderId_idx" ON "MarketplaceOrder"("shop", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "MarketplaceOrder_connectionId_shopifyOrderStatus_shopifyOrd_idx" ON "MarketplaceOrder"("connectionId", "shopifyOrderStatus", "shopifyOrderDueAt");
