import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
import { appEnv } from "~/config.server";
import { applyMigrations, type MigrationTarget } from "~/db/migrate.server";
import { gatedPGlite } from "~/db/priority-gate.server";
import { releasingQueryValues } from "~/db/released-query-values.server";
import { PGliteThread, PGliteThreadAdapterFactory } from "~/db/pglite-thread.server";

export type Db = PrismaClient;

interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  migrationTarget(): MigrationTarget;
  close(): Promise<void>;
  ready?: Promise<string[]>;
}

/**
 * PGlite (file-backed, in-process) unless DATABASE_URL names a PostgreSQL server. `memory://` as
 * PGLITE_DATA_DIR gives a throwaway database (tests).
 */
export function openDatabase(options: { databaseUrl?: string; pgliteDataDir?: string } = {}): Database {
  const env = appEnv();
  const databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    const prisma = new PrismaClient({ adapter: releasingQueryValues(new PrismaPg(pool)) });
    return {
      prisma,
      kind: "postgres",
      migrationTarget: () => ({
        exec: async (sql) => void (await pool.query(sql)),
        query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
        withLock: async (fn) => {
          // Same advisory lock id as Prisma's schema engine, held on one dedicated session.
          const client = await pool.connect();
          try {
            await client.query("SELECT pg_advisory_lock(72707369)");
            return await fn();
          } finally {
            await client.query("SELECT pg_advisory_unlock(72707369)").catch(() => {});
            client.release();
          }
        },
      }),
      close: async () => {
        await prisma.$disconnect();
        await pool.end().catch(() => {});
      },
    };
  }
  const dataDir = options.pgliteDataDir ?? env.PGLITE_DATA_DIR;
  if (!dataDir.startsWith("memory://")) mkdirSync(path.resolve(dataDir), { recursive: true });
  if (env.PGLITE_THREAD === "on") {
    // The database's WebAssembly on a thread of its own: the web thread stays free to answer (pglite-thread.server.ts).
    const thread = new PGliteThread(dataDir);
    return {
      prisma: new PrismaClient({ adapter: new PGliteThreadAdapterFactory(thread) }),
      kind: "pglite",
      migrationTarget: () => ({
        exec: (sql) => thread.call("exec", sql),
        query: async <T>(sql: string, params?: unknown[]) => (await thread.call("query", sql, params)) as T[],
        withLock: (fn) => fn(), // one process owns a PGlite directory
      }),
      close: () => thread.close(),
    };
  }
  // Loaded only here (unit tests): PGlite's module alone is about 35 MB of a process's memory, which a worker on
  // PostgreSQL and a web process with the database thread never use.
  const pglite = import("@electric-sql/pglite").then(({ PGlite }) => new PGlite(dataDir));
  pglite.catch(() => {}); // a failure surfaces at the first query or migration, not as an unhandled rejection
  // Requests' queries go before the worker's (see priority-gate.server.ts): one backend serves both.
  const adapter: SqlDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "pglite-prisma-adapter",
    connect: async () => {
      const [{ PrismaPGlite }, database] = await Promise.all([import("pglite-prisma-adapter"), pglite]);
      return releasingQueryValues(new PrismaPGlite(gatedPGlite(database))).connect();
    },
  };
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    kind: "pglite",
    migrationTarget: () => ({
      exec: async (sql) => void (await (await pglite).exec(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await (await pglite).query<T>(sql, params)).rows,
      withLock: (fn) => fn(), // one process owns a PGlite directory
    }),
    close: async () => {
      await prisma.$disconnect();
      await pglite.then((database) => database.close()).catch(() => {});
    },
  };
}

// One database per process; kept on globalThis in development so Vite HMR does not open a second
// PGlite on the same directory (which would corrupt it).
const globalForDb = globalThis as unknown as { __miraklBridgeDb?: Database };

function database(): Database {
  if (process.env.NODE_ENV === "development") return (globalForDb.__miraklBridgeDb ??= openDatabase());
  return (localDb ??= openDatabase());
}
let localDb: Database | undefined;

/** Applies pending migrations once per process; every entry point awaits it before serving. */
export function ensureDatabaseReady(): Promise<string[]> {
  const d = database();
  d.ready ??= applyMigrations(d.migrationTarget());
  return d.ready;
}

export async function closeDatabase(): Promise<void> {
  const d = process.env.NODE_ENV === "development" ? globalForDb.__miraklBridgeDb : localDb;
  if (!d) return;
  await d.close();
  if (globalForDb.__miraklBridgeDb === d) globalForDb.__miraklBridgeDb = undefined;
  if (localDb === d) localDb = undefined;
}

/** The app's Prisma client. A Proxy so importing this module never opens the database by itself. */
const prisma = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = database().prisma as unknown as Record<string | symbol, unknown>;
    const value = client[prop];
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export default prisma;
