import { z } from "zod";
import prisma from "~/db.server";
import { SyncExceptionKind, SyncExceptionStatus, type Prisma } from "~/generated/prisma/client";
import { pokeEmbeddedWorker } from "~/worker/embedded.server";
import { retryFor } from "~/exceptions/retries.server";

/** What the exceptions page may ask for; everything is scoped by the authenticated shop. */
export const exceptionFiltersSchema = z.object({
  status: z
    .enum(["ALL", ...Object.values(SyncExceptionStatus)])
    .catch("OPEN")
    .default("OPEN"),
  kind: z.array(z.enum(SyncExceptionKind)).catch([]).default([]),
  connectionId: z.array(z.string().max(64)).catch([]).default([]),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type ExceptionFilters = z.infer<typeof exceptionFiltersSchema>;

export function parseExceptionFilters(search: URLSearchParams): ExceptionFilters {
  return exceptionFiltersSchema.parse({
    status: search.get("status") ?? undefined,
    kind: search.getAll("kind"),
    connectionId: search.getAll("connectionId"),
    page: search.get("page") ?? undefined,
  });
}

export const PAGE_SIZE = 50;

export async function listExceptions(shop: string, filters: ExceptionFilters) {
  const where: Prisma.SyncExceptionWhereInput = {
    shop,
    ...(filters.status !== "ALL" ? { status: filters.status as SyncExceptionStatus } : {}),
    ...(filters.kind.length ? { kind: { in: filters.kind as SyncExceptionKind[] } } : {}),
    ...(filters.connectionId.length ? { connectionId: { in: filters.connectionId } } : {}),
  };
  const [rows, total, counts] = await Promise.all([
    prisma.syncException.findMany({
      where,
      orderBy: [{ lastSeenAt: "desc" }, { id: "desc" }],
      skip: (filters.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        severity: true,
        status: true,
        connectionId: true,
        entityType: true,
        entityId: true,
        message: true,
        occurrences: true,
        lastSeenAt: true,
      },
    }),
    prisma.syncException.count({ where }),
    prisma.syncException.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  return {
    rows,
    total,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    countsByStatus: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Partial<
      Record<SyncExceptionStatus, number>
    >,
  };
}

export async function getException(shop: string, id: string) {
  return prisma.syncException.findFirst({ where: { id, shop } });
}

export const exceptionActionSchema = z.object({
  intent: z.enum(["retry", "dismiss", "resolve", "reopen"]),
  ids: z.array(z.string().min(1).max(64)).min(1, "Select at least one exception").max(500),
});
export type ExceptionAction = z.infer<typeof exceptionActionSchema>;

export interface ActionResult {
  intent: ExceptionAction["intent"];
  affected: number;
  /** Selected rows that could not take the action (e.g. nothing to retry behind them). */
  skipped: number;
}

export async function applyExceptionAction(
  shop: string,
  action: ExceptionAction,
  now = new Date(),
): Promise<ActionResult> {
  // Only this shop's rows: an id from another shop simply matches nothing.
  const rows = await prisma.syncException.findMany({ where: { shop, id: { in: action.ids } } });
  const ids = rows.map((r) => r.id);
  const skippedForeign = action.ids.length - rows.length;
  switch (action.intent) {
    case "dismiss": {
      const { count } = await prisma.syncException.updateMany({
        where: { shop, id: { in: ids }, status: { not: "DISMISSED" } },
        data: { status: "DISMISSED", dismissedAt: now },
      });
      return { intent: action.intent, affected: count, skipped: action.ids.length - count };
    }
    case "resolve": {
      const { count } = await prisma.syncException.updateMany({
        where: { shop, id: { in: ids }, status: { not: "RESOLVED" } },
        data: { status: "RESOLVED", resolvedAt: now },
      });
      return { intent: action.intent, affected: count, skipped: action.ids.length - count };
    }
    case "reopen": {
      const { count } = await prisma.syncException.updateMany({
        where: { shop, id: { in: ids }, status: { not: "OPEN" } },
        data: { status: "OPEN", resolvedAt: null, dismissedAt: null },
      });
      return { intent: action.intent, affected: count, skipped: action.ids.length - count };
    }
    case "retry": {
      let affected = 0;
      for (const row of rows) {
        const retry = retryFor(row.entityType);
        const requeued = retry ? await retry(shop, row.entityId, row) : false;
        if (requeued) {
          affected++;
          await prisma.syncException.update({
            where: { id: row.id },
            data: {
              status: "OPEN",
              lastRetryAt: now,
              retryCount: { increment: 1 },
              resolvedAt: null,
              dismissedAt: null,
            },
          });
        }
      }
      if (affected) pokeEmbeddedWorker();
      return { intent: action.intent, affected, skipped: rows.length - affected + skippedForeign };
    }
  }
}

export { isRetryable } from "~/exceptions/retries.server";

export async function connectionNames(shop: string): Promise<Record<string, string>> {
  const rows = await prisma.marketplaceConnection.findMany({ where: { shop }, select: { id: true, name: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}
