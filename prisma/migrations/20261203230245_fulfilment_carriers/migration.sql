-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SyncExceptionKind" ADD VALUE 'SHIPPING_DEADLINE_DUE';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'ORDER_INCIDENT_OPEN';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'SHIPMENT_BLOCKED';

-- CreateTable
CREATE TABLE "MiraklCarrier" (
    "connectionId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "standardCode" TEXT,
    "trackingUrl" TEXT,
    "readAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MiraklCarrier_pkey" PRIMARY KEY ("connectionId","code")
);

-- CreateTable
CREATE TABLE "CarrierMapping" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "companyKey" TEXT NOT NULL,
    "company" TEXT NOT NULL,
    "miraklCode" TEXT NOT NULL,
    "confirmedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CarrierMapping_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CarrierMapping_shop_connectionId_idx" ON "CarrierMapping"("shop", "connectionId");

-- CreateIndex
CREATE UNIQUE INDEX "CarrierMapping_connectionId_companyKey_key" ON "CarrierMapping"("connectionId", "companyKey");
