// Prisma's own WASM schema engine driven through a driver adapter, standing in for the native
// `schema-engine` binary that cannot be downloaded on offline machines (../shared/docs/prisma-offline.md).
// Used to create migrations from schema.prisma and to prove the two agree; applying migrations at
// runtime is done by app/db/migrate.server.ts, which needs no engine at all.
import path from "node:path";
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, DriverAdapterError } from "@prisma/driver-adapter-utils";
import pg from "pg";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const schemaPath = path.join(repoRoot, "prisma/schema.prisma");
export const migrationsDir = path.join(repoRoot, "prisma/migrations");

type EngineTarget = { kind: "pglite" } | { kind: "postgres"; url: string };

let engineClass: any;
async function loadEngineClass() {
  if (engineClass) return engineClass;
  // Without this registry the engine's Rust panics are silent.
  (globalThis as any).PRISMA_WASM_PANIC_REGISTRY ??= {
    message: "",
    set_message(m: string) {
      this.message = m;
    },
  };
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const glue: any = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const module = new WebAssembly.Module(await readFile(path.join(dir, "schema_engine_bg.wasm")));
  const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as any).__wbindgen_start();
  engineClass = glue.SchemaEngine;
  return engineClass;
}

/** pglite-prisma-adapter 0.7 does not await exec() in executeScript: errors would be lost. */
function awaitScripts<T extends { executeScript(s: string): Promise<void> }>(
  adapter: T,
  exec: (s: string) => Promise<unknown>,
): T {
  adapter.executeScript = async (script: string) => {
    await exec(script);
  };
  return adapter;
}

class PGliteShadowFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "pglite-prisma-adapter";
  #open: PGlite[] = [];
  async #connect() {
    const db = new PGlite("memory://");
    this.#open.push(db);
    const adapter: any = await new PrismaPGlite(db).connect();
    return awaitScripts(adapter, (s) => db.exec(s));
  }
  connect() {
    return this.#connect();
  }
  connectToShadowDb() {
    return this.#connect();
  }
  async close() {
    for (const db of this.#open.splice(0)) await db.close().catch(() => {});
  }
}

/** adapter-pg under the engine: pg_catalog "char" (OID 18) is unmapped, and executeScript splits on ';'. */
class CharAsTextPool extends pg.Pool {
  async query(...args: any[]): Promise<any> {
    const res: any = await (super.query as any)(...args);
    for (const r of Array.isArray(res) ? res : [res])
      for (const f of r?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return res;
  }
}

class PostgresShadowFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  #pools: pg.Pool[] = [];
  #cleanups: (() => Promise<void>)[] = [];
  constructor(private url: string) {}
  async #connect(database?: string) {
    const u = new URL(this.url);
    if (database) u.pathname = `/${database}`;
    const pool = new CharAsTextPool({ connectionString: u.toString(), max: 1 });
    pool.on("error", () => {}); // the shadow database is force-dropped under idle clients at close
    this.#pools.push(pool);
    const adapter: any = await new PrismaPg(pool).connect();
    return awaitScripts(adapter, async (script) => {
      try {
        await pool.query(script); // one simple-protocol query = one implicit transaction, like the native engine
      } catch (e: any) {
        throw new DriverAdapterError({
          kind: "postgres",
          code: e.code ?? "",
          severity: e.severity ?? "ERROR",
          message: e.message,
          detail: e.detail,
          column: e.column,
          hint: e.hint,
        });
      }
    });
  }
  connect() {
    return this.#connect();
  }
  async connectToShadowDb() {
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    const name = `prisma_shadow_${crypto.randomUUID().replace(/-/g, "")}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    this.#cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await admin.end();
    });
    return this.#connect(name);
  }
  async close() {
    for (const p of this.#pools.splice(0)) await p.end().catch(() => {});
    for (const c of this.#cleanups.splice(0)) await c();
  }
}

export async function loadMigrationList(dir = migrationsDir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const lockContent = await readFile(path.join(dir, "migration_lock.toml"), "utf8").catch(() => null);
  const migrationDirectories = [];
  for (const e of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const content = await readFile(path.join(dir, e.name, "migration.sql"), "utf8").then(
      (value) => ({ tag: "ok" as const, value }),
      (err) => ({ tag: "error" as const, value: String(err.message) }),
    );
    migrationDirectories.push({ path: e.name, migrationFile: { path: "migration.sql", content } });
  }
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    migrationDirectories,
    shadowDbInitScript: "",
  };
}

/**
 * SQL that takes a database built from the migrations to what schema.prisma describes.
 * Empty means they agree.
 */
export async function diffMigrationsToSchema(target: EngineTarget = { kind: "pglite" }): Promise<string> {
  const Engine = await loadEngineClass();
  const factory = target.kind === "pglite" ? new PGliteShadowFactory() : new PostgresShadowFactory(target.url);
  const schemaFiles = [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }];
  const engine = await Engine.new(
    { datamodels: schemaFiles.map((f) => [f.path, f.content]) },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory as any),
  );
  try {
    const result = await engine.diff({
      from: { tag: "migrations", ...(await loadMigrationList()) },
      to: { tag: "schemaDatamodel", files: schemaFiles },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    const script: string = result.stdout ?? "";
    return script.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
  } finally {
    engine.free();
    await factory.close();
  }
}
