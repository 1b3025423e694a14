-- AlterTable
ALTER TABLE "MarketplaceOrder" ADD COLUMN     "refundsCheckedAt" TIMESTAMP(3),
ADD COLUMN     "shopifyCancelledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "MarketplaceRefund" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'REFUND';
