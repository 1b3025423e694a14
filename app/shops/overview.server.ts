import prisma from "~/db.server";
import { connectionSettingsSchema, stockRulesConfigured } from "~/domain/connection-settings";
import { listCustomerDataRequests } from "~/shops/compliance.server";

/** Sync health at a glance for one shop: what is open, what is waiting, what is failing. */
export async function shopOverview(shop: string, now = new Date()) {
  const [
    openBySeverity,
    pendingDeliveries,
    oldestPending,
    failingUnits,
    connections,
    enabledConnections,
    dataRequests,
  ] = await Promise.all([
    prisma.syncException.groupBy({ by: ["severity"], where: { shop, status: "OPEN" }, _count: { _all: true } }),
    prisma.webhookDelivery.count({ where: { shop, status: "PENDING" } }),
    prisma.webhookDelivery.findFirst({
      where: { shop, status: "PENDING" },
      orderBy: { receivedAt: "asc" },
      select: { receivedAt: true },
    }),
    prisma.workUnit.findMany({
      where: { shop, lastError: { not: null } },
      select: { key: true, lastError: true, dueAt: true },
      take: 10,
    }),
    prisma.marketplaceConnection.groupBy({ by: ["enabled"], where: { shop }, _count: { _all: true } }),
    prisma.marketplaceConnection.findMany({
      where: { shop, enabled: true },
      select: { id: true, name: true, settings: true },
      orderBy: { name: "asc" },
    }),
    listCustomerDataRequests(shop),
  ]);
  // Enabled connections whose stock is held because nobody chose their locations (see stockRulesConfigured).
  const stockNotConfigured = enabledConnections
    .filter((c) => {
      const settings = connectionSettingsSchema.safeParse(c.settings ?? {});
      return settings.success && !stockRulesConfigured(settings.data);
    })
    .map((c) => ({ id: c.id, name: c.name }));
  return {
    openExceptions: Object.fromEntries(openBySeverity.map((r) => [r.severity, r._count._all])) as Record<
      string,
      number
    >,
    inbox: {
      pending: pendingDeliveries,
      oldestPendingSeconds: oldestPending
        ? Math.round((now.getTime() - oldestPending.receivedAt.getTime()) / 1000)
        : null,
    },
    failingUnits: failingUnits.map((u) => ({ key: u.key, lastError: u.lastError, nextTryAt: u.dueAt.toISOString() })),
    stockNotConfigured,
    dataRequests,
    connections: {
      enabled: connections.find((c) => c.enabled)?._count._all ?? 0,
      disabled: connections.find((c) => !c.enabled)?._count._all ?? 0,
    },
  };
}
