// Applies prisma/migrations/<name>/migration.sql in order and keeps `_prisma_migrations` exactly as
// Prisma's schema engine does (same DDL, uuid ids, sha256 checksums, applied_steps_count, logs on
// failure, refusal to run past a failed migration), so `prisma migrate deploy` and this applier can
// take turns on one database. Needs no schema engine, so it works offline and on PGlite.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** The smallest database surface the applier needs; implemented for PGlite and node-postgres. */
export interface MigrationTarget {
  /** Runs a multi-statement script as one implicit transaction (simple query protocol). */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Serialises concurrent appliers (several app/worker processes starting at once). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

// Verbatim from prisma-engines (sql-schema-connector, flavour/postgres.rs).
const MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export const defaultMigrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");

export class MigrationError extends Error {
  constructor(
    readonly code: "P3005" | "P3009" | "P3018",
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = "MigrationError";
  }
}

export async function listMigrations(
  dir = defaultMigrationsDir,
): Promise<{ name: string; script: string; checksum: string }[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b)); // @prisma/migrate's order
  return Promise.all(
    names.map(async (name) => {
      const script = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, script, checksum: createHash("sha256").update(script).digest("hex") };
    }),
  );
}

export async function applyMigrations(db: MigrationTarget, dir = defaultMigrationsDir): Promise<string[]> {
  const migrations = await listMigrations(dir);
  return db.withLock(async () => {
    const tables = await db.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    );
    if (!tables.some((t) => t.tablename === "_prisma_migrations")) {
      if (tables.length > 0)
        throw new MigrationError("P3005", "the database schema is not empty and has no migration history");
      await db.exec(MIGRATIONS_TABLE_DDL);
    }
    const rows = await db.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      "SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at",
    );
    const failed = rows.filter((r) => r.finished_at == null && r.rolled_back_at == null);
    if (failed.length) {
      throw new MigrationError(
        "P3009",
        `failed migrations in the target database: ${failed.map((r) => r.migration_name).join(", ")}`,
      );
    }
    const applied = new Set(rows.filter((r) => r.rolled_back_at == null).map((r) => r.migration_name));
    const done: string[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.name))) {
      const id = randomUUID();
      await db.query(
        "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)",
        [id, m.checksum, m.name],
      );
      try {
        await db.exec(m.script);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        await db.query("UPDATE _prisma_migrations SET logs = $1 WHERE id = $2", [message, id]);
        throw new MigrationError("P3018", `migration ${m.name} failed: ${message}`);
      }
      await db.query("UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1", [id]);
      await db.query("UPDATE _prisma_migrations SET finished_at = now() WHERE id = $1", [id]);
      done.push(m.name);
    }
    return done;
  });
}
