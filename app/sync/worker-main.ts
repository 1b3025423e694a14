// `npm run worker`: a worker process for production on PostgreSQL. Start as many as you like; leases
// keep them from running the same unit twice, and a killed worker's unit is retried after its lease.
// package.json starts it with a capped V8 heap, glibc's allocator held to two arenas, and Prisma's query compiler
// (WebAssembly) left on V8's baseline compiler: its optimizing recompiles took 30-50 MB of native memory at their
// peak for no measurable CPU gain. bench/results.md, "Engine memory at 100k SKUs".
import { getHeapStatistics } from "node:v8";
import { appEnv, usesEmbeddedDatabase } from "~/config.server";
import { ensureDatabaseReady } from "~/db.server";
import { Worker } from "~/worker/worker.server";
import { installShutdown } from "~/worker/embedded.server";
import { allTasks, schedulePeriodicWork } from "~/sync/index.server";
import { logger } from "~/lib/logger.server";

let env: ReturnType<typeof appEnv>;
try {
  env = appEnv();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
if (usesEmbeddedDatabase(env)) {
  console.error(
    "npm run worker needs DATABASE_URL (PostgreSQL). With the embedded PGlite database the worker already runs inside the web process.",
  );
  process.exit(1);
}
await ensureDatabaseReady();
await schedulePeriodicWork();
const worker = new Worker({ handlers: allTasks(), id: env.WORKER_ID }).start();
installShutdown(worker);
// The heap limit `npm run worker` sets (WORKER_MAX_OLD_SPACE_MB), so an operator sees what a worker may grow to.
const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
logger.info("worker started", { worker: worker.id, heapLimitMb });
