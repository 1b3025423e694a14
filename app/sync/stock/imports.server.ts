import prisma from "~/db.server";
import type { Prisma, StockImport, StockImportKind, SyncExceptionKind } from "~/generated/prisma/client";
import { MiraklError, type ImportErrorReport, type MiraklClient } from "~/integrations/mirakl";
import {
  reportException,
  reportExceptions,
  resolveExceptionsFor,
  resolveExceptionsForEntities,
  type ExceptionReport,
} from "~/exceptions/exceptions.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";

/**
 * Mirakl's asynchronous file imports (STO01 stock, PRI01 prices) share one lifecycle, run here:
 * dirty lines go out in one file at most once a minute, the import is followed to completion
 * (status polls respect the operation's limit), error-report lines become exceptions for those
 * offers, and good lines are recorded as pushed with the value that was sent. The import row is
 * written before sending, so a crash between "sent" and "recorded" resends the same absolute
 * values — a no-op for Mirakl.
 */

export interface ImportLine {
  offerSku: string;
  warehouseCode: string;
}

export interface ImportStatus {
  status: string;
  has_error_report: boolean;
  lines_in_error?: number | null;
}

export interface ImportChannel<L extends ImportLine> {
  kind: StockImportKind;
  /** "stock import", "price import": for messages. */
  label: string;
  operations: { send: string; status: string; report: string };
  /** Minimum time between two files, and between two status polls. */
  intervalMs: number;
  statusPollMs: number;
  maxLines: number;
  dirtyLines(connection: Connection, limit: number, now: Date): Promise<L[]>;
  /**
   * Runs right before a file is prepared (dirty lines exist and the interval has passed): `reread` when it
   * changed what the file should say (the dirty lines are read again), `notBefore` to hold the file back.
   */
  beforePrepare?(
    connection: Connection,
    mirakl: MiraklClient,
    now: Date,
  ): Promise<{ reread: boolean; notBefore?: Date }>;
  send(mirakl: MiraklClient, lines: L[]): Promise<{ import_id: string }>;
  status(mirakl: MiraklClient, importId: string): Promise<ImportStatus>;
  errorReport(mirakl: MiraklClient, importId: string): Promise<ImportErrorReport>;
  /** Records lines Mirakl accepted, in one statement; must not move a row back to an older value. */
  recordPushed(connection: Connection, lines: readonly L[], now: Date): Promise<void>;
  /** Records refusals, in one statement, so the same value is not resent every minute. */
  recordRejected(connection: Connection, rejections: readonly RejectedLine<L>[], now: Date): Promise<void>;
  exceptionKinds: { lineRejected: SyncExceptionKind; importFailed: SyncExceptionKind };
  rejectedHint: string;
}

export interface RejectedLine<L extends ImportLine> {
  line: L;
  reason: string;
}

export interface Connection {
  id: string;
  shop: string;
}

export const offerEntityId = (line: ImportLine) =>
  line.warehouseCode ? `${line.offerSku}@${line.warehouseCode}` : line.offerSku;
const lineKey = (line: ImportLine) => `${line.offerSku}\u0000${line.warehouseCode}`;

/** Lines recorded per round of statements once an import completes (an import holds up to 10,000). */
const RECORD_SLICE = 2_000;

export async function runImportChannel<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
): Promise<{ nextDueAt: Date | null }> {
  const inFlight = await prisma.stockImport.findFirst({
    where: { connectionId: connection.id, kind: channel.kind, status: { in: ["PREPARED", "SENT"] } },
    orderBy: { createdAt: "asc" },
  });
  if (inFlight) {
    if (inFlight.status === "PREPARED" || !inFlight.miraklImportId)
      return sendImport(channel, connection, inFlight, mirakl, now);
    const followed = await followImport(channel, connection, inFlight, mirakl, now);
    if (followed) return followed;
  }
  return startImport(channel, connection, mirakl, now);
}

async function startImport<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
) {
  let lines = await channel.dirtyLines(connection, channel.maxLines, now);
  if (lines.length === 0) return { nextDueAt: null };
  const lastSent = await prisma.stockImport.findFirst({
    where: { connectionId: connection.id, kind: channel.kind, sentAt: { not: null } },
    orderBy: { sentAt: "desc" },
    select: { sentAt: true },
  });
  const earliest = lastSent?.sentAt ? lastSent.sentAt.getTime() + channel.intervalMs : 0;
  if (earliest > now.getTime()) return { nextDueAt: new Date(earliest) };
  if (channel.beforePrepare) {
    const ready = await channel.beforePrepare(connection, mirakl, now);
    if (ready.notBefore && ready.notBefore.getTime() > now.getTime()) return { nextDueAt: ready.notBefore };
    if (ready.reread) {
      lines = await channel.dirtyLines(connection, channel.maxLines, now);
      if (lines.length === 0) return { nextDueAt: null };
    }
  }
  const prepared = await prisma.stockImport.create({
    data: {
      shop: connection.shop,
      connectionId: connection.id,
      kind: channel.kind,
      status: "PREPARED",
      lines: lines as unknown as Prisma.InputJsonValue,
      lineCount: lines.length,
    },
  });
  return sendImport(channel, connection, prepared, mirakl, now);
}

async function sendImport<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  stockImport: StockImport,
  mirakl: MiraklClient,
  now: Date,
) {
  const lines = stockImport.lines as unknown as L[];
  const entity = { entityType: "StockImport", entityId: `${connection.id}:${channel.kind}` };
  try {
    const created = await channel.send(mirakl, lines);
    await prisma.stockImport.update({
      where: { id: stockImport.id },
      data: { status: "SENT", miraklImportId: created.import_id, sentAt: now, error: null },
    });
    await resolveExceptionsFor(connection.shop, entity.entityType, entity.entityId, now);
    return { nextDueAt: new Date(now.getTime() + channel.statusPollMs) };
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    if (error.kind === "validation") {
      // Mirakl refused the whole file: its rows stay dirty, the import is closed, a person is told.
      await prisma.stockImport.update({
        where: { id: stockImport.id },
        data: { status: "FAILED", error: error.message, sentAt: now, completedAt: now },
      });
      await reportException({
        shop: connection.shop,
        connectionId: connection.id,
        kind: channel.exceptionKinds.importFailed,
        severity: "ERROR",
        ...entity,
        message: `Mirakl refused the ${channel.label} file (${stockImport.lineCount} lines): ${error.miraklMessage ?? error.message}`,
        fixHint:
          "Check the marketplace's import settings (CSV delimiter, offer SKU column). The values are sent again with the next file.",
        detail: { importId: stockImport.id, miraklCode: error.miraklCode ?? null },
      });
      return { nextDueAt: new Date(now.getTime() + channel.intervalMs) };
    }
    // Auth, rate limit, outage: the prepared import is kept and resent as it is.
    return {
      nextDueAt: await reportMiraklFailure(connection, error, `${channel.operations.send} ${channel.label}`, now),
    };
  }
}

/** A schedule while the import is still running; null once it is settled. */
async function followImport<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  stockImport: StockImport,
  mirakl: MiraklClient,
  now: Date,
) {
  const importId = stockImport.miraklImportId!;
  const lastAsked = (stockImport.checkedAt ?? stockImport.sentAt ?? now).getTime();
  if (now.getTime() - lastAsked < channel.statusPollMs)
    return { nextDueAt: new Date(lastAsked + channel.statusPollMs) };
  await prisma.stockImport.update({ where: { id: stockImport.id }, data: { checkedAt: now } });
  let status: ImportStatus;
  try {
    status = await channel.status(mirakl, importId);
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    return {
      nextDueAt: await reportMiraklFailure(connection, error, `${channel.operations.status} import status`, now),
    };
  }
  if (status.status !== "COMPLETE" && status.status !== "FAILED")
    return { nextDueAt: new Date(now.getTime() + channel.statusPollMs) };

  const lines = stockImport.lines as unknown as L[];
  if (status.status === "FAILED") {
    await prisma.stockImport.update({
      where: { id: stockImport.id },
      data: { status: "FAILED", completedAt: now, error: "Mirakl reported the import as FAILED" },
    });
    await reportException({
      shop: connection.shop,
      connectionId: connection.id,
      kind: channel.exceptionKinds.importFailed,
      severity: "ERROR",
      entityType: "StockImport",
      entityId: `${connection.id}:${channel.kind}`,
      message: `Mirakl could not process ${channel.label} ${importId} (${lines.length} lines).`,
      fixHint:
        "The values stay pending and go out with the next file. If this repeats, look at the import in the Mirakl back office.",
      detail: { importId: stockImport.id, miraklImportId: importId },
    });
    return null;
  }

  const rejected = new Map<string, string>();
  if (status.has_error_report || (status.lines_in_error ?? 0) > 0) {
    try {
      const report = await channel.errorReport(mirakl, importId);
      const findLine = rejectedLineFinder(lines);
      for (const row of report.rows) {
        const line = findLine(row);
        if (line) rejected.set(lineKey(line), row.reason);
      }
    } catch (error) {
      if (!(error instanceof MiraklError)) throw error;
      // Without the report good lines cannot be told from bad ones: ask again later.
      return {
        nextDueAt: await reportMiraklFailure(connection, error, `${channel.operations.report} error report`, now),
      };
    }
  }
  // A few set-based statements per slice instead of two per line. A crash part-way leaves the import
  // SENT: the next step records it again, which the row updates make a no-op.
  for (let i = 0; i < lines.length; i += RECORD_SLICE) {
    const slice = lines.slice(i, i + RECORD_SLICE);
    const pushed: L[] = [];
    const refused: RejectedLine<L>[] = [];
    for (const line of slice) {
      const reason = rejected.get(lineKey(line));
      if (reason) refused.push({ line, reason });
      else pushed.push(line);
    }
    if (refused.length) {
      await channel.recordRejected(connection, refused, now);
      await reportExceptions(
        refused.map(({ line, reason }) => lineRejectedException(channel, connection, importId, line, reason)),
        now,
      );
    }
    if (pushed.length) {
      await channel.recordPushed(connection, pushed, now);
      const scope = { shop: connection.shop, connectionId: connection.id, kind: channel.exceptionKinds.lineRejected };
      await resolveExceptionsForEntities(scope, "OfferStock", pushed.map(offerEntityId), now);
    }
  }
  await prisma.stockImport.update({
    where: { id: stockImport.id },
    data: { status: "COMPLETE", completedAt: now, errorLines: rejected.size },
  });
  return null;
}

function lineRejectedException<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  importId: string,
  line: L,
  reason: string,
): ExceptionReport {
  return {
    shop: connection.shop,
    connectionId: connection.id,
    kind: channel.exceptionKinds.lineRejected,
    severity: "WARNING",
    entityType: "OfferStock",
    entityId: offerEntityId(line),
    message: `Mirakl rejected the ${channel.label} line for offer ${line.offerSku}${line.warehouseCode ? ` (warehouse ${line.warehouseCode})` : ""}: ${reason}`,
    fixHint: channel.rejectedHint,
    detail: { ...line, miraklImportId: importId } as unknown as Prisma.InputJsonValue,
  };
}

/**
 * Error report rows carry the original columns: the line with that SKU and warehouse, else the first
 * with that SKU; without the columns, the line number (header is line 1). Indexed once, since a
 * report can name thousands of the file's 10,000 lines.
 */
function rejectedLineFinder<L extends ImportLine>(lines: readonly L[]) {
  const byKey = new Map<string, L>();
  const bySku = new Map<string, L>();
  for (const line of lines) {
    if (!byKey.has(lineKey(line))) byKey.set(lineKey(line), line);
    if (!bySku.has(line.offerSku)) bySku.set(line.offerSku, line);
  }
  return (row: { line: number | null; values: Record<string, string> }): L | undefined => {
    const sku = row.values["offer-sku"];
    if (sku !== undefined)
      return byKey.get(lineKey({ offerSku: sku, warehouseCode: row.values["warehouse-code"] ?? "" })) ?? bySku.get(sku);
    return row.line !== null ? lines[row.line - 2] : undefined;
  };
}
