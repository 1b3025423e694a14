-- AlterTable
ALTER TABLE "ShopifyVariant" ADD COLUMN     "velocityReviewAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ShopifyStockSale" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "soldAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyStockSale_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShopifyStockSale_shop_inventoryItemId_soldAt_idx" ON "ShopifyStockSale"("shop", "inventoryItemId", "soldAt");

-- CreateIndex
CREATE INDEX "ShopifyStockSale_shop_soldAt_idx" ON "ShopifyStockSale"("shop", "soldAt");

-- CreateIndex
CREATE INDEX "ShopifyVariant_shop_velocityReviewAt_idx" ON "ShopifyVariant"("shop", "velocityReviewAt");
