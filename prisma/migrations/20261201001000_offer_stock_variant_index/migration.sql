-- CreateIndex
CREATE INDEX "OfferStock_shop_variantId_idx" ON "OfferStock"("shop", "variantId");
