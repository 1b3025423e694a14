import prisma from "~/db.server";
import { resolveShopifyAccessLost } from "~/shops/shopify-access.server";

/** Called after OAuth/token exchange: a reinstall clears the uninstalled mark. */
export async function recordInstall(shop: string, scopes: string | null, at = new Date()) {
  await prisma.shop.upsert({
    where: { shop },
    create: { shop, installedAt: at, scopes },
    update: { scopes, uninstalledAt: null, installedAt: at },
  });
  await resolveShopifyAccessLost(shop, at); // a fresh token: background work reaches Shopify again
}

export async function isInstalledSince(shop: string, eventAt: Date | null): Promise<boolean> {
  if (!eventAt) return false;
  const row = await prisma.shop.findUnique({ where: { shop } });
  return !!row && row.uninstalledAt === null && row.installedAt > eventAt;
}
