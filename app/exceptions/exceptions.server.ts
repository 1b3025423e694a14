import prisma from "~/db.server";
import type { Prisma, SyncExceptionKind, SyncExceptionSeverity, SyncExceptionStatus } from "~/generated/prisma/client";
import { exceptionFingerprint } from "~/domain/exception-fingerprint";

export interface ExceptionReport {
  shop: string;
  connectionId?: string | null;
  kind: SyncExceptionKind;
  severity: SyncExceptionSeverity;
  entityType: string;
  entityId: string;
  message: string;
  fixHint: string;
  detail?: Prisma.InputJsonValue;
}

/**
 * Records a failure in the one queue. A repeat of an open problem bumps its count; a problem that
 * comes back after being resolved reopens; a dismissed one stays dismissed (the operator chose to
 * ignore it) but still counts, so the list shows it is recurring.
 */
export async function reportException(report: ExceptionReport, now = new Date()) {
  const fingerprint = exceptionFingerprint(report);
  const base = {
    message: report.message,
    fixHint: report.fixHint,
    severity: report.severity,
    detail: report.detail ?? {},
    lastSeenAt: now,
  };
  const existing = await prisma.syncException.findUnique({ where: { shop_fingerprint: { shop: report.shop, fingerprint } } });
  if (!existing) {
    try {
      return await prisma.syncException.create({
        data: {
          ...base,
          shop: report.shop,
          connectionId: report.connectionId ?? null,
          kind: report.kind,
          entityType: report.entityType,
          entityId: report.entityId,
          fingerprint,
          firstSeenAt: now,
        },
      });
    } catch (e: any) {
      if (e?.code !== "P2002") throw e; // a concurrent report created it: fall through to the update
    }
  }
  return prisma.syncException.update({
    where: { shop_fingerprint: { shop: report.shop, fingerprint } },
    data: {
      ...base,
      occurrences: { increment: 1 },
      ...(existing?.status === "RESOLVED" ? { status: "OPEN", resolvedAt: null } : {}),
    },
  });
}

/** The underlying work succeeded: close what was open about that entity. */
export async function resolveExceptionsFor(shop: string, entityType: string, entityId: string, now = new Date()) {
  const { count } = await prisma.syncException.updateMany({
    where: { shop, entityType, entityId, status: "OPEN" },
    data: { status: "RESOLVED", resolvedAt: now },
  });
  return count;
}

export const exceptionStatuses = ["OPEN", "RESOLVED", "DISMISSED"] as const satisfies readonly SyncExceptionStatus[];
