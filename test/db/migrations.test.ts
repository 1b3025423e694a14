import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openDatabase } from "~/db.server";
import { applyMigrations, listMigrations, MigrationError } from "~/db/migrate.server";
import { diffMigrationsToSchema } from "../../scripts/prisma/schema-engine";
import { createScratchDatabase, postgresSkipReason, postgresUrl } from "../helpers/postgres";

if (!postgresUrl) console.warn(`[migrations.test] ${postgresSkipReason}`);

async function checkBookkeeping(database: ReturnType<typeof openDatabase>) {
  const target = database.migrationTarget();
  const migrations = await listMigrations();
  expect(await applyMigrations(target)).toEqual(migrations.map((m) => m.name));
  expect(await applyMigrations(target)).toEqual([]); // a second deploy has nothing to do
  const rows = await target.query<any>("SELECT * FROM _prisma_migrations ORDER BY migration_name");
  expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
  for (const [i, row] of rows.entries()) {
    const file = readFileSync(`prisma/migrations/${row.migration_name}/migration.sql`, "utf8");
    expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
    expect(row.checksum).toBe(migrations[i].checksum);
    expect(row.finished_at).not.toBeNull();
    expect(row.applied_steps_count).toBe(1);
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
  }
  // The schema the client expects is really there: a round trip through Prisma.
  const shop = await database.prisma.shop.create({ data: { shop: "migrated.myshopify.com" } });
  expect(shop.uninstalledAt).toBeNull();
}

describe("migrations on PGlite", () => {
  it("apply from scratch with prisma migrate deploy's bookkeeping", async () => {
    const database = openDatabase({ pgliteDataDir: "memory://" });
    try {
      await checkBookkeeping(database);
    } finally {
      await database.close();
    }
  });

  it("refuse to run past a failed migration (P3009), as Prisma does", async () => {
    const database = openDatabase({ pgliteDataDir: "memory://" });
    try {
      const target = database.migrationTarget();
      await applyMigrations(target);
      await target.query(
        "INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('00000000-0000-4000-8000-000000000000', 'x', '99990101000000_broken')",
      );
      await expect(applyMigrations(target)).rejects.toThrow(MigrationError);
      await expect(applyMigrations(target)).rejects.toThrow(/P3009/);
    } finally {
      await database.close();
    }
  });

  it("agree with schema.prisma (Prisma's schema engine diff is empty)", async () => {
    expect(await diffMigrationsToSchema({ kind: "pglite" })).toBe("");
  });
});

describe.skipIf(!postgresUrl)("migrations on PostgreSQL", () => {
  it("apply from scratch with prisma migrate deploy's bookkeeping", async () => {
    const scratch = await createScratchDatabase();
    const database = openDatabase({ databaseUrl: scratch.url });
    try {
      await checkBookkeeping(database);
      // Several processes starting at once: the advisory lock serialises them, nothing is applied twice.
      const again = await Promise.all([
        applyMigrations(database.migrationTarget()),
        applyMigrations(database.migrationTarget()),
      ]);
      expect(again).toEqual([[], []]);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });

  it("agree with schema.prisma (Prisma's schema engine diff on a PostgreSQL shadow database is empty)", async () => {
    expect(await diffMigrationsToSchema({ kind: "postgres", url: postgresUrl! })).toBe("");
  });
});
