-- DropIndex
DROP INDEX "OfferStock_connectionId_offerSku_key";

-- AlterTable
ALTER TABLE "OfferStock" ADD COLUMN     "warehouseCode" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "OfferStock_connectionId_offerSku_warehouseCode_key" ON "OfferStock"("connectionId", "offerSku", "warehouseCode");
