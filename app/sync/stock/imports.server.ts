import prisma from "~/db.server";
import type { Prisma, StockImport, StockImportKind, SyncExceptionKind } from "~/generated/prisma/client";
import { MiraklError, throwIfWorkAborted, type ImportErrorReport, type MiraklClient } from "~/integrations/mirakl";
import {
  reportException,
  reportExceptions,
  resolveExceptionsFor,
  resolveExceptionsForEntities,
  type ExceptionReport,
} from "~/exceptions/exceptions.server";
import { connectionSettingsSchema, DEFAULT_IMPORT_AGE_LIMIT_MINUTES } from "~/domain/connection-settings";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";

/**
 * Mirakl's asynchronous imports (STO01 stock, PRI01 prices, OF24 offers) share one lifecycle, run here:
 * dirty lines go out in one file at most once a minute, the import is followed to completion
 * (status polls respect the operation's limit), error-report lines become exceptions for those
 * offers, and good lines are recorded as pushed with the value that was sent.
 *
 * Nothing may hold back the connection's later files for ever:
 * - an import Mirakl has not finished after the connection's age limit (default 30 minutes) is given up
 *   with an exception; its lines are still owed and go in the next file;
 * - an error report that cannot be had (404, a broken file, an outage) is asked for three times a minute
 *   apart; then the import is recorded without it, with an exception, and the next file goes out;
 * - the import row is written before sending (PREPARED). A row still PREPARED (the send failed, or the
 *   process died before recording it) is rebuilt from the current rows, after the channel's checks (the
 *   stock file's fresh order read), never resent as it was: its values may be minutes or hours old.
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
  /** The number an error report gives the first line sent: 2 in a CSV file (its header is line 1), 1 in OF24's JSON. */
  firstLineNumber: number;
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
  /**
   * The last look before the lines are written down and sent: returns those still to send (a line may be
   * dropped, e.g. an offer that exists on Mirakl after all, and is then the channel's to record).
   */
  confirmLines?(connection: Connection, mirakl: MiraklClient, lines: L[], now: Date): Promise<L[]>;
  send(mirakl: MiraklClient, lines: L[]): Promise<{ import_id: string }>;
  status(mirakl: MiraklClient, importId: string): Promise<ImportStatus>;
  errorReport(mirakl: MiraklClient, importId: string): Promise<ImportErrorReport>;
  /** Records lines Mirakl accepted, in one statement; must not move a row back to an older value. */
  recordPushed(connection: Connection, lines: readonly L[], now: Date): Promise<void>;
  /** Records refusals, in one statement, so the same value is not resent every minute. */
  recordRejected(connection: Connection, rejections: readonly RejectedLine<L>[], now: Date): Promise<void>;
  exceptionKinds: { lineRejected: SyncExceptionKind; importFailed: SyncExceptionKind };
  rejectedHint: string;
  /** What the merchant can do when Mirakl refuses a whole file (its lines stay owed). */
  fileRefusedHint: string;
  /** What the merchant can do when an import's error report could not be read (its lines are recorded as sent). */
  reportLostHint: string;
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
/** Attempts at an import's error report, a minute apart (STO03, PRI03 and OF03 are allowed once a minute). */
export const ERROR_REPORT_ATTEMPTS = 3;
export const ERROR_REPORT_RETRY_MS = 60_000;

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
      return startImport(channel, connection, mirakl, now, inFlight);
    const followed = await followImport(channel, connection, inFlight, mirakl, now, await importAgeLimitMs(connection));
    if (followed) return followed;
  }
  return startImport(channel, connection, mirakl, now);
}

/** The connection's age limit for an unfinished import (the default when its settings cannot be read). */
async function importAgeLimitMs(connection: Connection): Promise<number> {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connection.id, shop: connection.shop },
    select: { settings: true },
  });
  const settings = connectionSettingsSchema.safeParse(row?.settings ?? {});
  return (settings.success ? settings.data.importAgeLimitMinutes : DEFAULT_IMPORT_AGE_LIMIT_MINUTES) * 60_000;
}

/**
 * Prepares the next file from the dirty rows and sends it. `unsent`, a file prepared earlier that never reached
 * Mirakl (as far as we know), is rebuilt in place from the current rows, or dropped when nothing is owed any more.
 */
async function startImport<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  mirakl: MiraklClient,
  now: Date,
  unsent?: StockImport,
) {
  const nothingToSend = async (nextDueAt: Date | null = null) => {
    if (unsent) await prisma.stockImport.deleteMany({ where: { id: unsent.id, status: "PREPARED" } });
    return { nextDueAt };
  };
  let lines = await channel.dirtyLines(connection, channel.maxLines, now);
  if (lines.length === 0) return nothingToSend();
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
      if (lines.length === 0) return nothingToSend();
    }
  }
  if (channel.confirmLines) {
    try {
      const confirmed = await channel.confirmLines(connection, mirakl, lines, now);
      // Dropped lines made room for others, which get their own look next time.
      if (confirmed.length === 0) return nothingToSend(new Date(now.getTime() + 1_000));
      lines = confirmed;
    } catch (error) {
      if (!(error instanceof MiraklError)) throw error;
      return { nextDueAt: await reportMiraklFailure(connection, error, `checks before ${channel.label}`, now) };
    }
  }
  const data = { lines: lines as unknown as Prisma.InputJsonValue, lineCount: lines.length };
  // Import rows are written by the unit's current lease holder only: one that lost it stops here.
  throwIfWorkAborted();
  const prepared = unsent
    ? await prisma.stockImport.update({ where: { id: unsent.id }, data: { ...data, createdAt: now, error: null } })
    : await prisma.stockImport.create({
        data: { shop: connection.shop, connectionId: connection.id, kind: channel.kind, status: "PREPARED", ...data },
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
    // Lost the lease meanwhile: the row stays PREPARED, and its holder resends the same absolute values (a no-op).
    throwIfWorkAborted();
    // Mirakl answers a file identical to an import still in progress with that import's id. If that is one we
    // gave up on, waiting for it again would hold back every later file once more: the lines stay owed and go
    // with the next file, which differs as soon as anything changes.
    const givenUp = await prisma.stockImport.findFirst({
      where: {
        connectionId: connection.id,
        kind: channel.kind,
        miraklImportId: created.import_id,
        status: "FAILED",
        id: { not: stockImport.id },
      },
      select: { id: true },
    });
    await prisma.stockImport.update({
      where: { id: stockImport.id },
      data: givenUp
        ? {
            status: "FAILED",
            miraklImportId: created.import_id,
            sentAt: now,
            completedAt: now,
            error: `Mirakl took this file for import ${created.import_id}, already given up for its age: not waited for again`,
          }
        : { status: "SENT", miraklImportId: created.import_id, sentAt: now, error: null },
    });
    await resolveExceptionsFor(connection.shop, entity.entityType, entity.entityId, now);
    return { nextDueAt: new Date(now.getTime() + (givenUp ? channel.intervalMs : channel.statusPollMs)) };
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
        fixHint: channel.fileRefusedHint,
        detail: { importId: stockImport.id, miraklCode: error.miraklCode ?? null },
      });
      return { nextDueAt: new Date(now.getTime() + channel.intervalMs) };
    }
    // Auth, rate limit, outage: the prepared import is kept, and rebuilt from the current rows next time.
    return {
      nextDueAt: await reportMiraklFailure(connection, error, `${channel.operations.send} ${channel.label}`, now),
    };
  }
}

/**
 * A schedule while the import is still running (or its error report still owed); null once it is settled, so the
 * next file may go.
 */
async function followImport<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  stockImport: StockImport,
  mirakl: MiraklClient,
  now: Date,
  ageLimitMs: number,
) {
  // Mirakl finished it already (completedAt is when we saw that); only its error report is owed.
  if (stockImport.completedAt) return readReportAndRecord(channel, connection, stockImport, mirakl, now, false);

  const importId = stockImport.miraklImportId!;
  const sentAt = (stockImport.sentAt ?? stockImport.createdAt).getTime();
  const expired = now.getTime() - sentAt >= ageLimitMs;
  const lastAsked = (stockImport.checkedAt ?? stockImport.sentAt ?? now).getTime();
  // Past the limit too, Mirakl is asked once more (within the call limit) before the import is given up.
  if (now.getTime() - lastAsked < channel.statusPollMs)
    return { nextDueAt: new Date(lastAsked + channel.statusPollMs) };
  await prisma.stockImport.update({ where: { id: stockImport.id }, data: { checkedAt: now } });
  let status: ImportStatus;
  try {
    status = await channel.status(mirakl, importId);
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    if (expired)
      return giveUpImport(
        channel,
        connection,
        stockImport,
        now,
        ageLimitMs,
        `its status could not be read: ${error.message}`,
      );
    return {
      nextDueAt: await reportMiraklFailure(connection, error, `${channel.operations.status} import status`, now),
    };
  }
  throwIfWorkAborted();
  if (status.status !== "COMPLETE" && status.status !== "FAILED") {
    if (expired) return giveUpImport(channel, connection, stockImport, now, ageLimitMs, `still ${status.status}`);
    return { nextDueAt: new Date(now.getTime() + channel.statusPollMs) };
  }

  const lines = stockImport.lines as unknown as L[];
  if (status.status === "FAILED") {
    await prisma.stockImport.update({
      where: { id: stockImport.id },
      data: { status: "FAILED", completedAt: now, error: "Mirakl reported the import as FAILED" },
    });
    await reportException(
      {
        shop: connection.shop,
        connectionId: connection.id,
        kind: channel.exceptionKinds.importFailed,
        severity: "ERROR",
        entityType: "StockImport",
        entityId: `${connection.id}:${channel.kind}`,
        message: `Mirakl could not process ${channel.label} ${importId} (${lineCount(lines.length)}).`,
        fixHint:
          "The values stay pending and go out with the next file. If this repeats, look at the import in the Mirakl back office.",
        detail: { importId: stockImport.id, miraklImportId: importId },
      },
      now,
    );
    return null;
  }
  // Imports finish again: an earlier one given up for its age is history.
  await resolveExceptionsFor(connection.shop, "StockImport", stuckEntityId(connection, channel), now);
  if (!status.has_error_report && (status.lines_in_error ?? 0) === 0) {
    await recordOutcome(channel, connection, stockImport, new Map(), now);
    return null;
  }
  const settled = await prisma.stockImport.update({
    where: { id: stockImport.id },
    data: { completedAt: now, errorLines: status.lines_in_error ?? 0 },
  });
  return readReportAndRecord(channel, connection, settled, mirakl, now, true);
}

const lineCount = (count: number) => `${count} line${count === 1 ? "" : "s"}`;

const stuckEntityId = (connection: Connection, channel: { kind: StockImportKind }) =>
  `${connection.id}:${channel.kind}:unfinished`;

/**
 * Mirakl has not finished the import within the age limit: it is closed, its lines stay owed (they go in the
 * next file, computed from the current rows), and the merchant is told. Closed by the next import that finishes.
 */
async function giveUpImport<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  stockImport: StockImport,
  now: Date,
  ageLimitMs: number,
  state: string,
) {
  const minutes = Math.round(ageLimitMs / 60_000);
  await prisma.stockImport.update({
    where: { id: stockImport.id },
    data: { status: "FAILED", completedAt: now, error: `No result from Mirakl after ${minutes} minutes (${state})` },
  });
  await reportException(
    {
      shop: connection.shop,
      connectionId: connection.id,
      kind: channel.exceptionKinds.importFailed,
      severity: "ERROR",
      entityType: "StockImport",
      entityId: stuckEntityId(connection, channel),
      message: `Mirakl has not finished ${channel.label} ${stockImport.miraklImportId} (${lineCount(stockImport.lineCount)}) after ${minutes} minutes (${state}). It is no longer waited for: its values go out again with the next file, as they are now.`,
      fixHint:
        "Look at the import in the Mirakl back office: if the marketplace's imports stay waiting, ask the operator. The limit is the connection's import time limit (Stock & price settings). This closes by itself once an import finishes again.",
      detail: { importId: stockImport.id, miraklImportId: stockImport.miraklImportId, ageLimitMinutes: minutes, state },
    },
    now,
  );
  return null;
}

/**
 * Reads the error report of a finished import and records every line: refused ones as exceptions, the others as
 * pushed. A report that cannot be had is asked for ERROR_REPORT_ATTEMPTS times, a minute apart (counted from
 * when Mirakl was seen finishing the import); then the lines are recorded as pushed, since Mirakl took all but
 * `errorLines` of them and will not say which, and an exception says so.
 */
async function readReportAndRecord<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  stockImport: StockImport,
  mirakl: MiraklClient,
  now: Date,
  firstAttempt: boolean,
) {
  const importId = stockImport.miraklImportId!;
  if (!firstAttempt) {
    const lastAsked = (stockImport.checkedAt ?? stockImport.completedAt!).getTime();
    if (now.getTime() - lastAsked < ERROR_REPORT_RETRY_MS)
      return { nextDueAt: new Date(lastAsked + ERROR_REPORT_RETRY_MS) };
    await prisma.stockImport.update({ where: { id: stockImport.id }, data: { checkedAt: now } });
  }
  const lines = stockImport.lines as unknown as L[];
  const rejected = new Map<string, string>();
  try {
    const report = await channel.errorReport(mirakl, importId);
    const findLine = rejectedLineFinder(lines, channel.firstLineNumber);
    for (const row of report.rows) {
      const line = findLine(row);
      if (line) rejected.set(lineKey(line), row.reason);
    }
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    const failure = `${channel.operations.report} error report: ${error.miraklMessage ?? error.message}`;
    const lastAttempt =
      now.getTime() - stockImport.completedAt!.getTime() >= (ERROR_REPORT_ATTEMPTS - 1) * ERROR_REPORT_RETRY_MS;
    if (!lastAttempt) {
      await prisma.stockImport.update({ where: { id: stockImport.id }, data: { error: failure } });
      const retryAt = now.getTime() + ERROR_REPORT_RETRY_MS;
      // A key refused is the connection's problem, said once there; Mirakl asking to wait is obeyed.
      if (error.kind === "auth" || error.kind === "rate_limited") {
        const told = await reportMiraklFailure(connection, error, `${channel.operations.report} error report`, now);
        return { nextDueAt: new Date(Math.max(retryAt, told.getTime())) };
      }
      return { nextDueAt: new Date(retryAt) };
    }
    await reportException(
      {
        shop: connection.shop,
        connectionId: connection.id,
        kind: channel.exceptionKinds.importFailed,
        severity: "WARNING",
        entityType: "StockImport",
        entityId: `${connection.id}:${channel.kind}:report`,
        message: `Mirakl rejected ${stockImport.errorLines} of the ${lines.length} lines of ${channel.label} ${importId}, but its error report could not be read after ${ERROR_REPORT_ATTEMPTS} attempts (${failure}). The lines are recorded as sent and the next file goes out.`,
        fixHint: channel.reportLostHint,
        detail: { importId: stockImport.id, miraklImportId: importId, linesInError: stockImport.errorLines, failure },
      },
      now,
    );
    await recordOutcome(channel, connection, stockImport, rejected, now, failure);
    return null;
  }
  await recordOutcome(channel, connection, stockImport, rejected, now);
  return null;
}

/**
 * Records a finished import's lines: refused ones (by line key, with Mirakl's reason) as exceptions, the others as
 * pushed; then the import is COMPLETE. A few set-based statements per slice instead of two per line; a crash
 * part-way leaves the import SENT, and the next step records it again, which the row updates make a no-op.
 */
async function recordOutcome<L extends ImportLine>(
  channel: ImportChannel<L>,
  connection: Connection,
  stockImport: StockImport,
  rejected: ReadonlyMap<string, string>,
  now: Date,
  reportFailure: string | null = null,
) {
  const importId = stockImport.miraklImportId!;
  const lines = stockImport.lines as unknown as L[];
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
    data: {
      status: "COMPLETE",
      completedAt: stockImport.completedAt ?? now,
      errorLines: reportFailure ? stockImport.errorLines : rejected.size,
      error: reportFailure,
    },
  });
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
 * with that SKU; without the columns, the line number. Indexed once, since a
 * report can name thousands of the file's 10,000 lines.
 */
function rejectedLineFinder<L extends ImportLine>(lines: readonly L[], firstLineNumber: number) {
  const byKey = new Map<string, L>();
  const bySku = new Map<string, L>();
  for (const line of lines) {
    if (!byKey.has(lineKey(line))) byKey.set(lineKey(line), line);
    if (!bySku.has(line.offerSku)) bySku.set(line.offerSku, line);
  }
  return (row: { line: number | null; values: Record<string, string> }): L | undefined => {
    // STO03/PRI03 name the offer "offer-sku"; OF03 (the offer file's columns) "sku".
    const sku = row.values["offer-sku"] ?? row.values["sku"];
    if (sku !== undefined)
      return byKey.get(lineKey({ offerSku: sku, warehouseCode: row.values["warehouse-code"] ?? "" })) ?? bySku.get(sku);
    return row.line !== null ? lines[row.line - firstLineNumber] : undefined;
  };
}
