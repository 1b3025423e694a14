// `npm run db:deploy`: applies pending migrations to the configured database (PGlite by default,
// DATABASE_URL for PostgreSQL), with the same bookkeeping as `prisma migrate deploy`.
import { closeDatabase, ensureDatabaseReady } from "../../app/db.server.ts";

const applied = await ensureDatabaseReady();
console.log(applied.length ? `applied: ${applied.join(", ")}` : "No pending migrations to apply.");
await closeDatabase();
