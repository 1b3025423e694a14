import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { closeDatabase, ensureDatabaseReady } from "~/db.server";

/**
 * PostgreSQL for the tests that need a real server. .ci/run sets TEST_POSTGRES_URL when one answers
 * on 127.0.0.1:5432; without it those tests skip and say why.
 */
export const postgresUrl = process.env.TEST_POSTGRES_URL;
export const postgresSkipReason = "TEST_POSTGRES_URL is not set (no PostgreSQL server): skipped the PostgreSQL variant";

/** A fresh, uniquely named database; dropped by the returned cleanup. */
export async function createScratchDatabase(prefix = "mb_test"): Promise<{ url: string; drop(): Promise<void> }> {
  if (!postgresUrl) throw new Error(postgresSkipReason);
  const name = `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Runs the enclosing describe on the embedded PGlite, or on a scratch PostgreSQL database created before its
 * tests and dropped after them (the app's database is switched to it meanwhile, through DATABASE_URL).
 */
export function suiteOnDatabase(database: "pglite" | "postgres", prefix: string) {
  let dropScratch: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (database === "postgres") {
      await closeDatabase();
      const scratch = await createScratchDatabase(prefix);
      dropScratch = scratch.drop;
      process.env.DATABASE_URL = scratch.url;
    }
    await ensureDatabaseReady();
  }, 120_000);
  afterAll(async () => {
    if (database !== "postgres") return;
    await closeDatabase();
    delete process.env.DATABASE_URL;
    await dropScratch?.();
  });
}
