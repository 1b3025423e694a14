-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SyncExceptionKind" ADD VALUE 'ORDER_UNREADABLE';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'ORDER_LINE_REFUSED';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'ORDER_REVIEW_DUE';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'ORDER_ACCEPTANCE_FAILED';
ALTER TYPE "SyncExceptionKind" ADD VALUE 'OFFER_CREATION_REJECTED';

-- AlterTable
ALTER TABLE "MarketplaceConnection" ADD COLUMN     "waitingSweptAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MarketplaceOrder" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "miraklOrderId" TEXT NOT NULL,
    "commercialId" TEXT,
    "state" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "paymentWorkflow" TEXT,
    "taxMode" TEXT,
    "price" TEXT NOT NULL,
    "shippingPrice" TEXT NOT NULL,
    "totalPrice" TEXT NOT NULL,
    "totalCommission" TEXT,
    "shippingTypeLabel" TEXT,
    "notificationEmail" TEXT,
    "customer" JSONB NOT NULL DEFAULT '{}',
    "createdOnMiraklAt" TIMESTAMP(3) NOT NULL,
    "updatedOnMiraklAt" TIMESTAMP(3) NOT NULL,
    "acceptanceDecidedAt" TIMESTAMP(3),
    "customerDebitedAt" TIMESTAMP(3),
    "shippingDeadline" TIMESTAMP(3),
    "payload" JSONB NOT NULL,
    "payloadHash" TEXT NOT NULL,
    "firstReadAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptance" TEXT NOT NULL DEFAULT 'NONE',
    "needsAttention" BOOLEAN NOT NULL DEFAULT false,
    "or21Body" JSONB,
    "or21By" TEXT,
    "or21RequestedAt" TIMESTAMP(3),
    "or21Attempts" INTEGER NOT NULL DEFAULT 0,
    "or21Error" TEXT,

    CONSTRAINT "MarketplaceOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketplaceOrderLine" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineId" TEXT NOT NULL,
    "lineIndex" INTEGER NOT NULL,
    "offerSku" TEXT NOT NULL,
    "productTitle" TEXT,
    "quantity" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "unitPrice" TEXT NOT NULL,
    "price" TEXT NOT NULL,
    "shippingPrice" TEXT NOT NULL,
    "totalPrice" TEXT NOT NULL,
    "commissionFee" TEXT,
    "commissionVat" TEXT,
    "taxes" JSONB NOT NULL DEFAULT '[]',
    "shippingTaxes" JSONB NOT NULL DEFAULT '[]',
    "decision" TEXT,
    "decisionSummary" TEXT,
    "decisionChecks" JSONB,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,

    CONSTRAINT "MarketplaceOrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketplaceOrderEvent" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "MarketplaceOrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MarketplaceOrder_shop_createdOnMiraklAt_idx" ON "MarketplaceOrder"("shop", "createdOnMiraklAt");

-- CreateIndex
CREATE INDEX "MarketplaceOrder_shop_connectionId_acceptance_idx" ON "MarketplaceOrder"("shop", "connectionId", "acceptance");

-- CreateIndex
CREATE INDEX "MarketplaceOrder_shop_needsAttention_createdOnMiraklAt_idx" ON "MarketplaceOrder"("shop", "needsAttention", "createdOnMiraklAt");

-- CreateIndex
CREATE INDEX "MarketplaceOrder_shop_commercialId_idx" ON "MarketplaceOrder"("shop", "commercialId");

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceOrder_connectionId_miraklOrderId_key" ON "MarketplaceOrder"("connectionId", "miraklOrderId");

-- CreateIndex
CREATE INDEX "MarketplaceOrderLine_orderId_lineIndex_idx" ON "MarketplaceOrderLine"("orderId", "lineIndex");

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceOrderLine_connectionId_lineId_key" ON "MarketplaceOrderLine"("connectionId", "lineId");

-- CreateIndex
CREATE INDEX "MarketplaceOrderEvent_orderId_seq_idx" ON "MarketplaceOrderEvent"("orderId", "seq");

-- AddForeignKey
ALTER TABLE "MarketplaceOrderLine" ADD CONSTRAINT "MarketplaceOrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "MarketplaceOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarketplaceOrderEvent" ADD CONSTRAINT "MarketplaceOrderEvent_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "MarketplaceOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;
