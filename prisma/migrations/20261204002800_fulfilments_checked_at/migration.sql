-- AlterTable
ALTER TABLE "MarketplaceOrder" ADD COLUMN     "fulfilmentsCheckedAt" TIMESTAMP(3);
