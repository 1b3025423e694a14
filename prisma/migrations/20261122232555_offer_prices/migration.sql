-- AlterTable
ALTER TABLE "OfferStock" ADD COLUMN     "desiredDiscountPrice" TEXT,
ADD COLUMN     "lastPriceError" TEXT,
ADD COLUMN     "pricePushedAt" TIMESTAMP(3),
ADD COLUMN     "pushedDiscountPrice" TEXT;
