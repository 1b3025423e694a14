import prisma from "~/db.server";

/** Called after OAuth/token exchange: a reinstall clears the uninstalled mark. */
export async function recordInstall(shop: string, scopes: string | null, at = new Date()) {
  await prisma.shop.upsert({
    where: { shop },
    create: { shop, installedAt: at, scopes },
    update: { scopes, uninstalledAt: null, installedAt: at },
  });
}

export async function isInstalledSince(shop: string, eventAt: Date | null): Promise<boolean> {
  if (!eventAt) return false;
  const row = await prisma.shop.findUnique({ where: { shop } });
  return !!row && row.uninstalledAt === null && row.installedAt > eventAt;
}
