import prisma from "~/db.server";
import { bookSlot, type BucketState, type RateLimitStore } from "~/integrations/mirakl";

/**
 * Mirakl's call limits are per API key, not per process: with several workers (PostgreSQL), each pacing in its
 * own memory would together call Mirakl several times as often as allowed. Here every connection's bucket is a
 * row, booked under a row lock (`SELECT … FOR UPDATE`), so all processes share one schedule. The booking rule
 * itself is the limiter's (`bookSlot`).
 */
export function createDatabaseRateLimitStore(): RateLimitStore {
  const locked = async (
    key: { connectionId: string; bucket: string },
    change: (state: BucketState) => { state: BucketState; slot: number },
  ) =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO "MiraklRateBucket" ("connectionId", "bucket", "nextAt", "booked", "updatedAt")
        VALUES (${key.connectionId}, ${key.bucket}, 0, '[]'::jsonb, now())
        ON CONFLICT ("connectionId", "bucket") DO NOTHING`;
      const [row] = await tx.$queryRaw<{ nextAt: bigint; booked: unknown }[]>`
        SELECT "nextAt", "booked" FROM "MiraklRateBucket"
        WHERE "connectionId" = ${key.connectionId} AND "bucket" = ${key.bucket}
        FOR UPDATE`;
      const booked = Array.isArray(row?.booked) ? row.booked.filter((at): at is number => typeof at === "number") : [];
      const { state, slot } = change({ next: Number(row?.nextAt ?? 0), booked });
      await tx.$executeRaw`
        UPDATE "MiraklRateBucket"
        SET "nextAt" = ${BigInt(state.next)}, "booked" = ${JSON.stringify(state.booked)}::jsonb, "updatedAt" = now()
        WHERE "connectionId" = ${key.connectionId} AND "bucket" = ${key.bucket}`;
      return slot;
    });
  return {
    reserve: (key, rule, now) => locked(key, (state) => bookSlot(state, rule, now)),
    async blockUntil(key, until) {
      await locked(key, (state) => ({ state: { ...state, next: Math.max(state.next, until) }, slot: until }));
    },
  };
}
