-- AlterTable
ALTER TABLE "MarketplaceReservation" ADD COLUMN     "heldInventoryItemId" TEXT;
