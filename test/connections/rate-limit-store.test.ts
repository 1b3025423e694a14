import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDatabaseRateLimitStore } from "~/connections/rate-limit-store.server";
import { createInMemoryRateLimitStore, createRateLimiter, HOUR, MIRAKL_RATE_RULES } from "~/integrations/mirakl";
import { postgresSkipReason, postgresUrl, suiteOnDatabase } from "../helpers/postgres";

/**
 * Mirakl's limits are per key: two workers (two processes, each with its own store object) pacing the same
 * connection must share one schedule. Each store here stands for one process; the database is what they share.
 */

if (!postgresUrl) console.warn(`[rate-limit-store.test] ${postgresSkipReason}`);

const T0 = Date.parse("2026-12-03T10:00:00Z");

function sharedPacingSuite(database: "pglite" | "postgres") {
  suiteOnDatabase(database, "mb_rate_limit");

  it("two processes booking OR11 for one connection get slots a minute apart, never the same one", async () => {
    const connectionId = randomUUID();
    const processA = createDatabaseRateLimitStore();
    const processB = createDatabaseRateLimitStore();
    const key = { connectionId, bucket: "OR11" };
    const slots = await Promise.all([
      processA.reserve(key, MIRAKL_RATE_RULES.OR11!, T0),
      processB.reserve(key, MIRAKL_RATE_RULES.OR11!, T0),
      processA.reserve(key, MIRAKL_RATE_RULES.OR11!, T0),
      processB.reserve(key, MIRAKL_RATE_RULES.OR11!, T0),
    ]);
    expect([...slots].sort((a, b) => a - b)).toEqual([T0, T0 + 60_000, T0 + 120_000, T0 + 180_000]);
    // Another connection (another key) is paced on its own.
    expect(await processB.reserve({ connectionId: randomUUID(), bucket: "OR11" }, MIRAKL_RATE_RULES.OR11!, T0)).toBe(
      T0,
    );
  });

  it("per-process memory would not: the same two bookings collide (why the database store exists)", async () => {
    const connectionId = randomUUID();
    const key = { connectionId, bucket: "OR11" };
    const a = await createInMemoryRateLimitStore().reserve(key, MIRAKL_RATE_RULES.OR11!, T0);
    const b = await createInMemoryRateLimitStore().reserve(key, MIRAKL_RATE_RULES.OR11!, T0);
    expect(a).toBe(b);
  });

  it("a 429's back-off and an hourly cap hold across processes", async () => {
    const connectionId = randomUUID();
    const processA = createDatabaseRateLimitStore();
    const processB = createDatabaseRateLimitStore();
    const or11 = { connectionId, bucket: "OR11" };
    await processA.blockUntil(or11, T0 + 5 * 60_000);
    expect(await processB.reserve(or11, MIRAKL_RATE_RULES.OR11!, T0)).toBe(T0 + 5 * 60_000);

    const tl02 = { connectionId, bucket: "TL02" };
    const rule = { maxPerHour: 3 };
    const booked = [];
    for (let i = 0; i < 4; i++) booked.push(await (i % 2 ? processA : processB).reserve(tl02, rule, T0 + i));
    expect(booked).toEqual([T0, T0 + 1, T0 + 2, T0 + HOUR]);
  });

  it("a limiter on the database store waits as the shared schedule says", async () => {
    let now = T0;
    const slept: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    };
    const connectionId = randomUUID();
    const workerA = createRateLimiter({ clock, store: createDatabaseRateLimitStore() });
    const workerB = createRateLimiter({ clock, store: createDatabaseRateLimitStore() });
    await workerA.acquire({ connectionId, bucket: "STO01" });
    await workerB.acquire({ connectionId, bucket: "STO01" });
    expect(slept).toEqual([60_000]);
  });
}

describe("Mirakl call pacing shared through the database (PGlite)", () => sharedPacingSuite("pglite"));
describe.skipIf(!postgresUrl)("Mirakl call pacing shared through the database (PostgreSQL)", () =>
  sharedPacingSuite("postgres"),
);
