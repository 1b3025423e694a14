import { Socket } from "node:net";
import pg from "pg";
import { closeDatabase, ensureDatabaseReady } from "~/db.server";

/** The bench's databases: the PostgreSQL it finds, and a fresh database of its own on it (dropped after). */

const POSTGRES_FALLBACK = "postgresql://postgres@127.0.0.1:5432/postgres";

/** Where a PostgreSQL answers: BENCH_POSTGRES_URL, DATABASE_URL, or the CI's server on 127.0.0.1:5432. */
export async function postgresUrl(): Promise<string | null> {
  // bench/run.ts passes DATABASE_URL on as BENCH_POSTGRES_URL (bench/env.ts clears DATABASE_URL in scenarios).
  const configured = process.env.BENCH_POSTGRES_URL;
  if (configured) return configured;
  const socket = new Socket();
  const answers = await new Promise<boolean>((resolve) => {
    socket.setTimeout(1000);
    socket.once("connect", () => resolve(true));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => resolve(false));
    socket.connect(5432, "127.0.0.1");
  }).finally(() => socket.destroy());
  return answers ? POSTGRES_FALLBACK : null;
}

export interface BenchDatabase {
  env: Record<string, string>;
  /** Points the app's own database module (this process) at this database. */
  use(): Promise<void>;
  dispose(): Promise<void>;
}

export async function useAppDatabase(env: Record<string, string>) {
  await closeDatabase();
  delete process.env.DATABASE_URL;
  Object.assign(process.env, env);
  await ensureDatabaseReady();
}

/** A fresh database `name` on the server at adminUrl (an existing one of that name is dropped first). */
export async function postgresDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench: ${name} is not a plain database name`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString() };
  return {
    env,
    use: () => useAppDatabase(env),
    dispose: async () => {
      await closeDatabase();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
