import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";
import { isBackground } from "~/db/priority-gate.server";
import { logger } from "~/lib/logger.server";
import type { ThreadOperations, ThreadReply, ThreadRequest } from "~/db/pglite-thread-main";

/**
 * The embedded PGlite in a thread of its own. PGlite runs the database as WebAssembly on the thread that calls it:
 * in the web process's main thread, every query of the worker (processing a webhook burst) kept that thread from
 * answering the burst's requests. Here the main thread only sends each query (with its priority) and awaits the
 * answer; PGlite, Prisma's PGlite adapter and the priority gate run in the database thread (pglite-thread-main.ts).
 * Prisma talks to it through a driver adapter that forwards each call.
 */
export class PGliteThread {
  #worker: Worker;
  #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  #nextId = 1;
  #exited?: Error;

  constructor(dataDir: string) {
    this.#worker = new Worker(threadEntry(), { workerData: { dataDir }, execArgv: threadExecArgv() });
    this.#worker.unref(); // referenced only while a call waits (see call)
    this.#worker.on("message", (reply: ThreadReply) => this.#settle(reply));
    this.#worker.on("error", (error) => {
      logger.error("database thread failed: every query now fails until the process restarts", {
        error: String(error),
      });
      this.#failAll(error);
    });
    this.#worker.on("exit", (code) => this.#failAll(new Error(`the database thread exited (code ${code})`)));
  }

  call<Op extends keyof ThreadOperations>(
    op: Op,
    ...args: Parameters<ThreadOperations[Op]>
  ): Promise<Awaited<ReturnType<ThreadOperations[Op]>>> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    const request = { id, op, args, background: isBackground() } as ThreadRequest;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref(); // an awaited call keeps the process alive
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage(request);
    });
  }

  async close() {
    await this.call("close").catch(() => {});
    this.#exited ??= new Error("the database is closed");
    await this.#worker.terminate();
  }

  #settle(reply: ThreadReply) {
    const waiting = this.#pending.get(reply.id);
    if (!waiting) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (!reply.error) return waiting.resolve(reply.value);
    const failure = reply.error;
    if ("driverAdapterCause" in failure) return waiting.reject(new DriverAdapterError(failure.driverAdapterCause));
    const error = Object.assign(new Error(failure.message), { name: failure.name, code: failure.code });
    if (failure.stack) error.stack = failure.stack;
    waiting.reject(error);
  }

  #failAll(error: Error) {
    this.#exited ??= error;
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }
}

const ADAPTER_NAME = "pglite-thread";

class ThreadQueryable {
  readonly provider = "postgres" as const;
  readonly adapterName = ADAPTER_NAME;
  constructor(
    protected readonly thread: PGliteThread,
    private readonly transactionId: number | null,
  ) {}

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.thread.call("queryRaw", this.transactionId, query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.thread.call("executeRaw", this.transactionId, query);
  }
}

class ThreadTransaction extends ThreadQueryable implements Transaction {
  constructor(
    thread: PGliteThread,
    private readonly id: number,
    readonly options: TransactionOptions,
  ) {
    super(thread, id);
  }

  commit() {
    return this.thread.call("commit", this.id);
  }

  rollback() {
    return this.thread.call("rollback", this.id);
  }
}

class ThreadAdapter extends ThreadQueryable implements SqlDriverAdapter {
  constructor(thread: PGliteThread) {
    super(thread, null);
  }

  executeScript(script: string) {
    return this.thread.call("executeScript", script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const { id, options } = await this.thread.call("startTransaction", isolationLevel);
    return new ThreadTransaction(this.thread, id, options);
  }

  getConnectionInfo() {
    return { supportsRelationJoins: true };
  }

  async dispose() {}
}

/** Prisma's driver adapter for a PGlite in its own thread. */
export class PGliteThreadAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = ADAPTER_NAME;
  constructor(private readonly thread: PGliteThread) {}

  async connect(): Promise<SqlDriverAdapter> {
    return new ThreadAdapter(this.thread);
  }
}

/** The thread's entry, found from here whether this runs from app/ (dev, tests) or from build/server/ (npm start). */
function threadEntry(): string {
  const relative = path.join("app", "db", "pglite-thread-main.ts");
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative);
    if (path.dirname(dir) === dir) throw new Error(`the database thread's entry (${relative}) was not found`);
  }
}

/** The thread loads TypeScript with tsx, with the process's own preloads (a thread accepts only some flags). */
function threadExecArgv(): string[] {
  const kept: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if ((flag === "--import" || flag === "--require") && argv[i + 1]) kept.push(flag, argv[++i]!);
    else if (/^--(import|require)=/.test(flag)) kept.push(flag);
  }
  const hasTsx = kept.some((a) => /(^|[=/])tsx(\/|$|\.)|^tsx$/.test(a));
  return hasTsx ? kept : ["--import", "tsx", ...kept];
}
