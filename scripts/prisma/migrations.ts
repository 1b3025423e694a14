// npm run db:migration -- <name>   writes prisma/migrations/<timestamp>_<name>/migration.sql from schema.prisma
// npm run db:check                 exits 2 when schema.prisma has changes no migration covers
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffMigrationsToSchema, migrationsDir } from "./schema-engine.ts";

const [command, name] = process.argv.slice(2);
const sql = await diffMigrationsToSchema(
  process.env.DATABASE_URL ? { kind: "postgres", url: process.env.DATABASE_URL } : { kind: "pglite" },
);

if (command === "check") {
  if (sql) {
    console.error("schema.prisma and prisma/migrations disagree; a new migration would contain:\n" + sql);
    process.exit(2);
  }
  console.log("schema.prisma and prisma/migrations agree.");
} else if (command === "create" && name && /^[a-z0-9_]+$/.test(name)) {
  if (!sql) {
    console.log("No schema change: no migration written.");
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), sql + "\n");
  console.log(`created ${path.relative(process.cwd(), dir)}/migration.sql`);
} else {
  console.error("usage: migrations.ts check | create <snake_case_name>");
  process.exit(1);
}
