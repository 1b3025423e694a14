import prisma from "~/db.server";

/** Sync health at a glance for one shop: what is open, what is waiting, what is failing. */
export async function shopOverview(shop: string, now = new Date()) {
  const [openBySeverity, pendingDeliveries, oldestPending, failingUnits, connections] = await Promise.all([
    prisma.syncException.groupBy({ by: ["severity"], where: { shop, status: "OPEN" }, _count: { _all: true } }),
    prisma.webhookDelivery.count({ where: { shop, status: "PENDING" } }),
    prisma.webhookDelivery.findFirst({ where: { shop, status: "PENDING" }, orderBy: { receivedAt: "asc" }, select: { receivedAt: true } }),
    prisma.workUnit.findMany({ where: { shop, lastError: { not: null } }, select: { key: true, lastError: true, dueAt: true }, take: 10 }),
    prisma.marketplaceConnection.groupBy({ by: ["enabled"], where: { shop }, _count: { _all: true } }),
  ]);
  return {
    openExceptions: Object.fromEntries(openBySeverity.map((r) => [r.severity, r._count._all])) as Record<string, number>,
    inbox: {
      pending: pendingDeliveries,
      oldestPendingSeconds: oldestPending ? Math.round((now.getTime() - oldestPending.receivedAt.getTime()) / 1000) : null,
    },
    failingUnits: failingUnits.map((u) => ({ key: u.key, lastError: u.lastError, nextTryAt: u.dueAt.toISOString() })),
    connections: {
      enabled: connections.find((c) => c.enabled)?._count._all ?? 0,
      disabled: connections.find((c) => !c.enabled)?._count._all ?? 0,
    },
  };
}
