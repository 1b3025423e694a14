import { randomUUID } from "node:crypto";
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
  const existing = await prisma.syncException.findUnique({
    where: { shop_fingerprint: { shop: report.shop, fingerprint } },
  });
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
    } catch (e) {
      if ((e as { code?: string } | null)?.code !== "P2002") throw e; // a concurrent report created it: fall through to the update
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

/**
 * reportException for many problems in one statement, with the same rules: new ones open, repeats
 * count, resolved ones reopen, dismissed ones stay dismissed. For bursts (an import's error report).
 */
export async function reportExceptions(reports: readonly ExceptionReport[], now = new Date()): Promise<number> {
  // One row per fingerprint: ON CONFLICT cannot touch the same row twice in one statement.
  const unique = [...new Map(reports.map((r) => [`${r.shop}\u0000${exceptionFingerprint(r)}`, r])).values()];
  let written = 0;
  for (let i = 0; i < unique.length; i += EXCEPTION_SLICE) {
    const slice = unique.slice(i, i + EXCEPTION_SLICE);
    written += await prisma.$executeRaw`
      INSERT INTO "SyncException" AS e
        ("id", "shop", "connectionId", "kind", "severity", "entityType", "entityId", "fingerprint", "message", "fixHint", "detail", "firstSeenAt", "lastSeenAt")
      SELECT r.id, r.shop, r."connectionId", r.kind::"SyncExceptionKind", r.severity::"SyncExceptionSeverity", r."entityType", r."entityId",
             r.fingerprint, r.message, r."fixHint", r.detail::jsonb, ${now}, ${now}
      FROM unnest(
        ${slice.map(() => randomUUID())}::text[], ${slice.map((r) => r.shop)}::text[], ${slice.map((r) => r.connectionId ?? null)}::text[],
        ${slice.map((r) => r.kind)}::text[], ${slice.map((r) => r.severity)}::text[], ${slice.map((r) => r.entityType)}::text[],
        ${slice.map((r) => r.entityId)}::text[], ${slice.map((r) => exceptionFingerprint(r))}::text[], ${slice.map((r) => r.message)}::text[],
        ${slice.map((r) => r.fixHint)}::text[], ${slice.map((r) => JSON.stringify(r.detail ?? {}))}::text[]
      ) AS r("id", "shop", "connectionId", "kind", "severity", "entityType", "entityId", "fingerprint", "message", "fixHint", "detail")
      ON CONFLICT ("shop", "fingerprint") DO UPDATE SET
        "message" = EXCLUDED."message",
        "fixHint" = EXCLUDED."fixHint",
        "severity" = EXCLUDED."severity",
        "detail" = EXCLUDED."detail",
        "lastSeenAt" = EXCLUDED."lastSeenAt",
        "occurrences" = e."occurrences" + 1,
        "resolvedAt" = CASE WHEN e."status" = 'RESOLVED' THEN NULL ELSE e."resolvedAt" END,
        "status" = CASE WHEN e."status" = 'RESOLVED' THEN 'OPEN'::"SyncExceptionStatus" ELSE e."status" END`;
  }
  return written;
}

/** Rows per statement in the bulk helpers (each column is one array parameter, so this bounds size, not parameters). */
const EXCEPTION_SLICE = 5_000;

/** The underlying work succeeded: close what was open about that entity. */
export async function resolveExceptionsFor(shop: string, entityType: string, entityId: string, now = new Date()) {
  const { count } = await prisma.syncException.updateMany({
    where: { shop, entityType, entityId, status: "OPEN" },
    data: { status: "RESOLVED", resolvedAt: now },
  });
  return count;
}

/**
 * resolveExceptionsFor for many entities of one type at once (e.g. every line of a completed import), limited to
 * one connection and kind: an offer's stock going through on one marketplace says nothing about its price, or
 * about the same SKU on another marketplace.
 */
export async function resolveExceptionsForEntities(
  scope: { shop: string; connectionId: string; kind: SyncExceptionKind },
  entityType: string,
  entityIds: readonly string[],
  now = new Date(),
): Promise<number> {
  let resolved = 0;
  for (let i = 0; i < entityIds.length; i += EXCEPTION_SLICE) {
    const slice = entityIds.slice(i, i + EXCEPTION_SLICE);
    resolved += await prisma.$executeRaw`
      UPDATE "SyncException" AS e SET "status" = 'RESOLVED', "resolvedAt" = ${now}
      FROM unnest(${slice}::text[]) AS r("entityId")
      WHERE e."shop" = ${scope.shop} AND e."connectionId" = ${scope.connectionId} AND e."kind"::text = ${scope.kind}
        AND e."entityType" = ${entityType} AND e."entityId" = r."entityId" AND e."status" = 'OPEN'`;
  }
  return resolved;
}

export const exceptionStatuses = ["OPEN", "RESOLVED", "DISMISSED"] as const satisfies readonly SyncExceptionStatus[];
