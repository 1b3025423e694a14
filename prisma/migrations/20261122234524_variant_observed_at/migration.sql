-- AlterTable
ALTER TABLE "ShopifyVariant" ADD COLUMN     "observedAt" TIMESTAMP(3);
