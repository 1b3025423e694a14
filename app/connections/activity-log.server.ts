import prisma from "~/db.server";
import type { MiraklCallRecord, MiraklRecorder } from "~/integrations/mirakl";
import { workUnits } from "~/worker/registry.server";
import { logger } from "~/lib/logger.server";

/**
 * The per-connection activity log: every HTTP exchange with Mirakl, as the client records it
 * (method, path + query, status, Mirakl's error code and message, timing). The client never puts the
 * API key in a record; `scrub` is a second guard should a message ever echo it back.
 */

/** Kept for this long… */
export const MIRAKL_CALL_RETENTION_DAYS = 14;
/** …and at most this many per connection (a chatty connection must not grow the table without bound). */
export const MIRAKL_CALLS_KEPT_PER_CONNECTION = 2000;
const MESSAGE_MAX = 1000;

function scrub(text: string | undefined, secret: string | undefined): string | null {
  if (!text) return null;
  const clean = secret ? text.split(secret).join("[redacted]") : text;
  return clean.length > MESSAGE_MAX ? `${clean.slice(0, MESSAGE_MAX)}…` : clean;
}

export async function recordMiraklCall(shop: string, record: MiraklCallRecord, secret?: string) {
  await prisma.miraklCall.create({
    data: {
      shop,
      connectionId: record.connectionId,
      operation: record.operation,
      method: record.method,
      path: scrub(record.path, secret) ?? "",
      status: record.status,
      durationMs: Math.max(0, Math.round(record.durationMs)),
      miraklErrorCode: scrub(record.miraklErrorCode, secret),
      miraklMessage: scrub(record.miraklMessage, secret),
      attempt: record.attempt,
      at: record.at,
    },
  });
}

/** A recorder for the client that writes to the activity log; a failed write is logged, never thrown. */
export function activityRecorder(shop: string, secret?: string): MiraklRecorder {
  return async (record) => {
    try {
      await recordMiraklCall(shop, record, secret);
    } catch (error) {
      logger.warn("could not write the Mirakl activity log", {
        shop,
        connectionId: record.connectionId,
        error: (error as Error).message,
      });
    }
  };
}

export interface MiraklCallView {
  id: string;
  operation: string;
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  miraklErrorCode: string | null;
  miraklMessage: string | null;
  attempt: number;
  at: string;
}

export async function latestMiraklCalls(shop: string, connectionId: string, take = 25): Promise<MiraklCallView[]> {
  const rows = await prisma.miraklCall.findMany({
    where: { shop, connectionId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take,
  });
  return rows.map(({ shop: _shop, connectionId: _connectionId, at, ...row }) => ({ ...row, at: at.toISOString() }));
}

/** Deletes what is older than the retention, then everything beyond the newest N of each connection. */
export async function pruneMiraklCalls(now = new Date(), keepPerConnection = MIRAKL_CALLS_KEPT_PER_CONNECTION) {
  const cutoff = new Date(now.getTime() - MIRAKL_CALL_RETENTION_DAYS * 86_400_000);
  const { count: expired } = await prisma.miraklCall.deleteMany({ where: { at: { lt: cutoff } } });
  const overflow = await prisma.$executeRaw`
    DELETE FROM "MiraklCall" WHERE "id" IN (
      SELECT "id" FROM (
        SELECT "id", row_number() OVER (PARTITION BY "connectionId" ORDER BY "at" DESC, "id" DESC) AS "rank"
        FROM "MiraklCall"
      ) AS ranked WHERE ranked."rank" > ${keepPerConnection}
    )`;
  return { expired, overflow };
}

const PRUNE_EVERY_MS = 60 * 60_000;

export const miraklCallPruneTask = workUnits.miraklCallPrune.task(async (_unit, ctx) => {
  const now = ctx.now();
  await pruneMiraklCalls(now);
  return { nextDueAt: new Date(now.getTime() + PRUNE_EVERY_MS) };
});
