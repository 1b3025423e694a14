import { appEnv, usesEmbeddedDatabase } from "~/config.server";
import { closeDatabase, ensureDatabaseReady } from "~/db.server";
import { Worker, type TaskHandler } from "~/worker/worker.server";
import { logger } from "~/lib/logger.server";

const state = globalThis as unknown as { __miraklBridgeWorker?: Worker };

/** What a worker runs, from the composition root (app/sync/index.server.ts). */
export interface WorkerWiring {
  tasks: () => TaskHandler[];
  /** Creates the periodic units; idempotent. */
  schedulePeriodicWork: () => Promise<void>;
}

/**
 * PGlite is one backend in one process, so with the embedded database the worker must run inside
 * the web process. With PostgreSQL it runs as `npm run worker` processes unless WORKER_MODE=embedded (then one in
 * each web process when WEB_CONCURRENCY > 1; leases keep them from running a unit twice).
 */
export function startEmbeddedWorkerIfConfigured({ tasks, schedulePeriodicWork }: WorkerWiring): Worker | undefined {
  const env = appEnv();
  if (env.NODE_ENV === "test") return undefined;
  const mode = env.WORKER_MODE ?? (usesEmbeddedDatabase(env) ? "embedded" : "off");
  if (mode !== "embedded" || state.__miraklBridgeWorker) return state.__miraklBridgeWorker;
  const worker = new Worker({ handlers: tasks(), id: env.WORKER_ID, idleDelayMs: 500 });
  state.__miraklBridgeWorker = worker;
  ensureDatabaseReady()
    .then(() => schedulePeriodicWork())
    .then(() => {
      worker.start();
      logger.info("worker started in the web process", { worker: worker.id });
    })
    .catch((error) => logger.error("worker could not start: database not ready", { error: String(error) }));
  installShutdown(worker);
  return worker;
}

let pendingPoke: NodeJS.Timeout | undefined;

/**
 * Wakes the in-process worker, when there is one: right away, or once `afterMs` have passed (one timer for any
 * number of calls meanwhile: the webhook intake asks once per stored group, hundreds of times a second in a burst).
 */
export function pokeEmbeddedWorker(afterMs = 0) {
  const worker = state.__miraklBridgeWorker;
  if (!worker) return;
  if (afterMs <= 0) return worker.poke();
  pendingPoke ??= setTimeout(() => {
    pendingPoke = undefined;
    worker.poke();
  }, afterMs);
  pendingPoke.unref();
}

/**
 * Set by the HTTP server (server.ts) that hosts this process: on SIGTERM it stops taking requests, answers those in
 * hand, and only then calls `stopWorkerAndDatabase`. Without it the worker's own handler closed the database and
 * exited while a webhook in flight still had its row to store.
 */
const host = globalThis as unknown as { __miraklBridgeServerShutsDown?: boolean };

export function installShutdown(worker: Worker) {
  const shutdown = async (signal: string) => {
    if (host.__miraklBridgeServerShutsDown) return; // server.ts stops us once its requests are answered
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await stopThenCloseDatabase(worker, signal);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

/** server.ts, once its requests are answered: lets the in-process worker (if any) finish its unit, closes the database. */
export function stopWorkerAndDatabase() {
  return stopThenCloseDatabase(state.__miraklBridgeWorker);
}

async function stopThenCloseDatabase(worker: Worker | undefined, signal?: string) {
  if (worker) {
    logger.info("shutting down: finishing the unit in hand", { signal, worker: worker.id });
    await worker.stop();
  }
  await closeDatabase();
}
