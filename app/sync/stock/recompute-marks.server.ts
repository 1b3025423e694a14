import prisma from "~/db.server";
import { workUnits } from "~/worker/registry.server";

/**
 * Order flow and reservations: these SKUs' offers are recomputed on every connection. Kept apart from the
 * recompute so that the flows that change what a SKU may sell (reservations, mapping) do not import it.
 */
export async function markSkusForRecompute(
  shop: string,
  shopifySkus: readonly string[],
  now = new Date(),
): Promise<number> {
  const skus = [...new Set(shopifySkus)].filter((s) => s !== "");
  if (skus.length === 0) return 0;
  // The variants carrying the SKU now, and those that fed it before (so a renamed SKU's offers are revisited).
  const count = await prisma.$executeRaw`
    UPDATE "ShopifyVariant" SET "changeVersion" = "changeVersion" + 1, "updatedAt" = ${now}
    WHERE "shop" = ${shop} AND (
      "sku" = ANY(${skus}::text[])
      OR "variantId" IN (SELECT "variantId" FROM "OfferStock" WHERE "shop" = ${shop} AND "shopifySku" = ANY(${skus}::text[]) AND "variantId" IS NOT NULL)
    )`;
  if (count > 0) await workUnits.stockRecompute.markDirty(shop, now);
  return count;
}
