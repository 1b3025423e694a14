import prisma from "~/db.server";
import type { WorkUnit } from "~/generated/prisma/client";

/**
 * Level-triggered scheduling on one table. Webhooks and polls only call markDirty; a worker claims
 * a due unit under a lease that expires, so two workers never run the same unit and a killed
 * worker's unit is taken over once its lease runs out (later and later if it keeps killing workers).
 */

export interface ClaimedUnit extends WorkUnit {
  /** Fencing token: a worker whose lease was taken over can no longer complete or renew. */
  leaseToken: number;
  /** The previous run never finished (its worker died or hung until its lease ran out): it counts as a failure. */
  previousRunAbandoned: boolean;
}

/** The last error recorded for a run that never finished. */
export const ABANDONED_RUN_ERROR =
  "the run stopped without finishing: the worker process died or hung while running it (its lease ran out)";

/**
 * Makes the unit due at `dueAt` (now, or a little later to gather work), or keeps an earlier due time. Bumps
 * `version` so a run in progress reschedules it instead of losing the mark. While the unit runs, its due time is
 * that of the run after: the first mark of a run replaces the due time the run was claimed for, and the run's
 * completion keeps what the marks asked. Returns when the unit is due after the mark.
 */
export async function markDirty(key: string, kind: string, shop: string | null, dueAt = new Date()): Promise<Date> {
  const [row] = await prisma.$queryRaw<{ dueAt: Date }[]>`
    INSERT INTO "WorkUnit" ("key", "kind", "shop", "dueAt", "version", "createdAt")
    VALUES (${key}, ${kind}, ${shop}, ${dueAt}, 1, now())
    ON CONFLICT ("key") DO UPDATE
      SET "dueAt" = CASE
            WHEN "WorkUnit"."leaseExpiresAt" IS NOT NULL AND "WorkUnit"."dueAt" <= "WorkUnit"."lastStartedAt"
              THEN EXCLUDED."dueAt"
            ELSE LEAST("WorkUnit"."dueAt", EXCLUDED."dueAt")
          END,
          "version" = "WorkUnit"."version" + 1
    RETURNING "dueAt"`;
  return row.dueAt;
}

/** Ensures a periodic unit exists without pulling an already scheduled run earlier. */
export async function ensureScheduled(key: string, kind: string, shop: string | null, dueAt: Date) {
  await prisma.$executeRaw`
    INSERT INTO "WorkUnit" ("key", "kind", "shop", "dueAt", "createdAt")
    VALUES (${key}, ${kind}, ${shop}, ${dueAt}, now())
    ON CONFLICT ("key") DO NOTHING`;
}

/** The longest wait before a failed unit runs again. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;

/** Backoff after a failed attempt (the worker's default; the claim applies the same to a run that never finished). */
export const defaultRetryDelayMs = (attempt: number) => Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(attempt, 10));

/**
 * Claims the most overdue unit of the given kinds whose lease is free or expired. `attempts` counts the claims
 * since the unit last succeeded, so a run that never finished (its worker died: a unit that crashes the process)
 * is one of them, and backs off like a failure, counted from when its lease ran out: a unit that kills its worker
 * is not taken up again at once, in a loop. Its `lastError` says so.
 */
export async function claimDueUnit(
  owner: string,
  kinds: string[],
  leaseMs: number,
  now = new Date(),
): Promise<ClaimedUnit | null> {
  if (kinds.length === 0) return null;
  const expires = new Date(now.getTime() + leaseMs);
  const rows = await prisma.$queryRaw<ClaimedUnit[]>`
    WITH picked AS (
      SELECT "key", "leaseExpiresAt" IS NOT NULL AS "abandoned" FROM "WorkUnit"
      WHERE "dueAt" <= ${now}
        AND "kind" = ANY(${kinds})
        AND ("leaseExpiresAt" IS NULL
          OR "leaseExpiresAt" + make_interval(secs => LEAST(${MAX_RETRY_DELAY_MS / 1000}::float8, power(2, LEAST("attempts", 10)))) < ${now})
      ORDER BY "dueAt"
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "WorkUnit" AS w SET
      "leaseOwner" = ${owner},
      "leaseToken" = w."leaseToken" + 1,
      "leaseExpiresAt" = ${expires},
      "attempts" = w."attempts" + 1,
      "lastStartedAt" = ${now},
      "lastError" = CASE WHEN picked."abandoned" THEN ${ABANDONED_RUN_ERROR} ELSE w."lastError" END
    FROM picked
    WHERE w."key" = picked."key"
    RETURNING w.*, picked."abandoned" AS "previousRunAbandoned"`;
  return rows[0] ?? null;
}

/** Extends a lease still held; false means it was lost (expired and taken over) and work must stop. */
export async function renewLease(unit: ClaimedUnit, leaseMs: number, now = new Date()): Promise<boolean> {
  const count = await prisma.$executeRaw`
    UPDATE "WorkUnit" SET "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)}
    WHERE "key" = ${unit.key} AND "leaseOwner" = ${unit.leaseOwner} AND "leaseToken" = ${unit.leaseToken}`;
  return count === 1;
}

/**
 * Releases the lease and schedules the next run: `nextDueAt` if nothing marked the unit dirty
 * while it ran (version unchanged), otherwise when the marks asked (see markDirty), or `nextDueAt` if sooner.
 * `null` leaves it idle until marked.
 * A failed run keeps its backoff even when marked dirty meanwhile: a busy shop's webhooks must not
 * turn a failing unit into a tight loop (the dirty mark is served at the backoff time).
 */
export async function completeUnit(
  unit: ClaimedUnit,
  outcome: { nextDueAt: Date | null; error?: string | null },
  now = new Date(),
): Promise<boolean> {
  const idle = new Date("9999-12-31T00:00:00Z");
  const next = outcome.nextDueAt ?? idle;
  const durationMs = unit.lastStartedAt ? now.getTime() - unit.lastStartedAt.getTime() : null;
  const count = await prisma.$executeRaw`
    UPDATE "WorkUnit" SET
      "dueAt" = CASE WHEN "version" = ${unit.version} OR ${outcome.error ?? null}::text IS NOT NULL THEN ${next} ELSE LEAST("dueAt", ${next}) END,
      "leaseOwner" = NULL,
      "leaseExpiresAt" = NULL,
      "lastFinishedAt" = ${now},
      "lastError" = ${outcome.error ?? null},
      "lastDurationMs" = ${durationMs},
      "attempts" = CASE WHEN ${outcome.error ?? null}::text IS NULL THEN 0 ELSE "attempts" END
    WHERE "key" = ${unit.key} AND "leaseOwner" = ${unit.leaseOwner} AND "leaseToken" = ${unit.leaseToken}`;
  return count === 1;
}

/**
 * Takes a unit's lease outside its schedule, for work that must never run beside the unit itself: due or not
 * (created idle when missing), its schedule, version and attempts are left as they are. Null while the unit
 * runs or another holder has it. Give it back with `returnLease`; a holder that dies frees it when it expires.
 */
export async function borrowLease(
  key: string,
  kind: string,
  shop: string | null,
  owner: string,
  leaseMs: number,
  now = new Date(),
): Promise<ClaimedUnit | null> {
  const idle = new Date("9999-12-31T00:00:00Z");
  const expires = new Date(now.getTime() + leaseMs);
  const rows = await prisma.$queryRaw<ClaimedUnit[]>`
    INSERT INTO "WorkUnit" ("key", "kind", "shop", "dueAt", "createdAt", "leaseOwner", "leaseToken", "leaseExpiresAt")
    VALUES (${key}, ${kind}, ${shop}, ${idle}, ${now}, ${owner}, 1, ${expires})
    ON CONFLICT ("key") DO UPDATE SET
      "leaseOwner" = EXCLUDED."leaseOwner",
      "leaseToken" = "WorkUnit"."leaseToken" + 1,
      "leaseExpiresAt" = EXCLUDED."leaseExpiresAt"
    WHERE "WorkUnit"."leaseExpiresAt" IS NULL OR "WorkUnit"."leaseExpiresAt" < ${now}
    RETURNING *, false AS "previousRunAbandoned"`;
  return rows[0] ?? null;
}

/** Gives a borrowed lease back, touching nothing else (a lease taken over meanwhile is left to its new holder). */
export async function returnLease(unit: ClaimedUnit): Promise<void> {
  await prisma.$executeRaw`
    UPDATE "WorkUnit" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
    WHERE "key" = ${unit.key} AND "leaseOwner" = ${unit.leaseOwner} AND "leaseToken" = ${unit.leaseToken}`;
}

/**
 * Retry from the exception queue: the shop's unit runs now, whatever its backoff; a lease left by a worker that
 * died is cleared, one still held is left to its run (which then reschedules, as for any mark).
 */
export async function runUnitNow(shop: string, key: string, now = new Date()): Promise<boolean> {
  const count = await prisma.$executeRaw`
    UPDATE "WorkUnit" SET
      "dueAt" = ${now},
      "version" = "version" + 1,
      "leaseOwner" = CASE WHEN "leaseExpiresAt" < ${now} THEN NULL ELSE "leaseOwner" END,
      "leaseExpiresAt" = CASE WHEN "leaseExpiresAt" < ${now} THEN NULL ELSE "leaseExpiresAt" END
    WHERE "key" = ${key} AND "shop" = ${shop}`;
  return count === 1;
}

export async function deleteUnitsForShop(shop: string) {
  await prisma.workUnit.deleteMany({ where: { shop } });
}
