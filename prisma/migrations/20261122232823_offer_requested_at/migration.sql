-- AlterTable
ALTER TABLE "OfferStock" ADD COLUMN     "offerRequestedAt" TIMESTAMP(3);
