import { defineConfig } from "prisma/config";

// The Prisma CLI is used here only for `prisma generate` (offline with PRISMA_SCHEMA_ENGINE_BINARY set,
// see scripts/prisma-generate.sh). Migrations are applied by app/db/migrate.server.ts and created
// by scripts/migrations.ts through Prisma's WASM schema engine: the native engine cannot be downloaded offline.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
