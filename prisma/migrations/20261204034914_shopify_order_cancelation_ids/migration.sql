-- AlterTable
ALTER TABLE "MarketplaceOrder" ADD COLUMN     "shopifyOrderCancelationIds" JSONB;
