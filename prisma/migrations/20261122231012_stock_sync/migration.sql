-- CreateEnum
CREATE TYPE "StockImportStatus" AS ENUM ('PREPARED', 'SENT', 'COMPLETE', 'FAILED');

-- CreateEnum
CREATE TYPE "StockImportKind" AS ENUM ('STOCK', 'PRICE', 'OFFER');

-- CreateEnum
CREATE TYPE "ReconcileKind" AS ENUM ('DELTA', 'FULL', 'MANUAL');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SyncExceptionKind" ADD VALUE 'SKU_NOT_ON_MARKETPLACE';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'OFFER_WITHOUT_VARIANT';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'DUPLICATE_SHOPIFY_SKU';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'STOCK_IMPORT_LINE_REJECTED';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'STOCK_IMPORT_FAILED';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'PRICE_IMPORT_LINE_REJECTED';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'RECONCILE_FAILED';

-- CreateTable
CREATE TABLE "SkuMapping" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "shopifySku" TEXT NOT NULL,
    "offerSku" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SkuMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopifyVariant" (
    "variantId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "sku" TEXT,
    "barcode" TEXT,
    "title" TEXT,
    "productStatus" TEXT NOT NULL,
    "tracked" BOOLEAN NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "price" TEXT,
    "compareAtPrice" TEXT,
    "deletedAt" TIMESTAMP(3),
    "changeVersion" INTEGER NOT NULL DEFAULT 1,
    "computedVersion" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyVariant_pkey" PRIMARY KEY ("variantId")
);

-- CreateTable
CREATE TABLE "ShopifyInventoryLevel" (
    "shop" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "observedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyInventoryLevel_pkey" PRIMARY KEY ("inventoryItemId","locationId")
);

-- CreateTable
CREATE TABLE "MarketplaceReservation" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "miraklOrderId" TEXT NOT NULL,
    "orderLineId" TEXT NOT NULL,
    "shopifySku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "releasedAt" TIMESTAMP(3),

    CONSTRAINT "MarketplaceReservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfferStock" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "offerSku" TEXT NOT NULL,
    "shopifySku" TEXT,
    "variantId" TEXT,
    "desiredQuantity" INTEGER,
    "desiredVersion" INTEGER NOT NULL DEFAULT 0,
    "desiredAt" TIMESTAMP(3),
    "explanation" JSONB NOT NULL DEFAULT '{}',
    "desiredPrice" TEXT,
    "pushedQuantity" INTEGER,
    "pushedVersion" INTEGER NOT NULL DEFAULT 0,
    "pushedAt" TIMESTAMP(3),
    "pushedPrice" TEXT,
    "lastPushError" TEXT,
    "miraklQuantity" INTEGER,
    "miraklPrice" TEXT,
    "miraklObservedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfferStock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockImport" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "kind" "StockImportKind" NOT NULL DEFAULT 'STOCK',
    "status" "StockImportStatus" NOT NULL DEFAULT 'PREPARED',
    "miraklImportId" TEXT,
    "lines" JSONB NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "errorLines" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "StockImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconcileRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "kind" "ReconcileKind" NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,
    "phase" TEXT NOT NULL DEFAULT 'starting',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "skusCompared" INTEGER NOT NULL DEFAULT 0,
    "drifts" INTEGER NOT NULL DEFAULT 0,
    "pushed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "ReconcileRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SkuMapping_shop_connectionId_idx" ON "SkuMapping"("shop", "connectionId");

-- CreateIndex
CREATE UNIQUE INDEX "SkuMapping_connectionId_shopifySku_key" ON "SkuMapping"("connectionId", "shopifySku");

-- CreateIndex
CREATE UNIQUE INDEX "SkuMapping_connectionId_offerSku_key" ON "SkuMapping"("connectionId", "offerSku");

-- CreateIndex
CREATE INDEX "ShopifyVariant_shop_sku_idx" ON "ShopifyVariant"("shop", "sku");

-- CreateIndex
CREATE INDEX "ShopifyVariant_shop_changeVersion_computedVersion_idx" ON "ShopifyVariant"("shop", "changeVersion", "computedVersion");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyVariant_shop_inventoryItemId_key" ON "ShopifyVariant"("shop", "inventoryItemId");

-- CreateIndex
CREATE INDEX "ShopifyInventoryLevel_shop_idx" ON "ShopifyInventoryLevel"("shop");

-- CreateIndex
CREATE INDEX "MarketplaceReservation_shop_shopifySku_releasedAt_idx" ON "MarketplaceReservation"("shop", "shopifySku", "releasedAt");

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceReservation_connectionId_orderLineId_key" ON "MarketplaceReservation"("connectionId", "orderLineId");

-- CreateIndex
CREATE INDEX "OfferStock_shop_connectionId_idx" ON "OfferStock"("shop", "connectionId");

-- CreateIndex
CREATE INDEX "OfferStock_connectionId_shopifySku_idx" ON "OfferStock"("connectionId", "shopifySku");

-- CreateIndex
CREATE UNIQUE INDEX "OfferStock_connectionId_offerSku_key" ON "OfferStock"("connectionId", "offerSku");

-- CreateIndex
CREATE INDEX "StockImport_connectionId_kind_status_idx" ON "StockImport"("connectionId", "kind", "status");

-- CreateIndex
CREATE INDEX "StockImport_shop_createdAt_idx" ON "StockImport"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "ReconcileRun_connectionId_startedAt_idx" ON "ReconcileRun"("connectionId", "startedAt");

-- CreateIndex
CREATE INDEX "ReconcileRun_shop_idx" ON "ReconcileRun"("shop");
