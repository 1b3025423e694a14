// The embedded database's own thread (see pglite-thread.server.ts): PGlite, the Prisma adapter and the priority
// gate live here, so the web thread never runs the database's WebAssembly. Loaded by path (with tsx), not bundled:
// relative imports only.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import {
  isDriverAdapterError,
  type DriverAdapterError,
  type SqlQuery,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import { gatedPGlite, inBackground } from "./priority-gate.server";
import { releasingQueryValues } from "./released-query-values.server";

const port = parentPort!;
const pglite = new PGlite((workerData as { dataDir: string }).dataDir);
const adapter = releasingQueryValues(new PrismaPGlite(gatedPGlite(pglite))).connect();
const transactions = new Map<number, Transaction>();
let nextTransaction = 1;

function transaction(id: number): Transaction {
  const tx = transactions.get(id);
  if (!tx) throw new Error(`pglite thread: transaction ${id} is not open`);
  return tx;
}

const operations = {
  async queryRaw(txId: number | null, query: SqlQuery) {
    return (txId === null ? await adapter : transaction(txId)).queryRaw(query);
  },
  async executeRaw(txId: number | null, query: SqlQuery) {
    return (txId === null ? await adapter : transaction(txId)).executeRaw(query);
  },
  async executeScript(script: string) {
    await (await adapter).executeScript(script);
  },
  async startTransaction(isolationLevel?: Parameters<Awaited<typeof adapter>["startTransaction"]>[0]) {
    const tx = await (await adapter).startTransaction(isolationLevel);
    const id = nextTransaction++;
    transactions.set(id, tx);
    return { id, options: tx.options };
  },
  async commit(txId: number) {
    const tx = transaction(txId);
    transactions.delete(txId);
    await tx.commit();
  },
  async rollback(txId: number) {
    const tx = transaction(txId);
    transactions.delete(txId);
    await tx.rollback();
  },
  // The migrations run on PGlite directly, outside Prisma (app/db/migrate.server.ts).
  async exec(sql: string) {
    await pglite.exec(sql);
  },
  async query(sql: string, params?: unknown[]) {
    return (await pglite.query(sql, params)).rows;
  },
  async close() {
    await pglite.close();
  },
};

export type ThreadOperations = typeof operations;

/** One call to this thread; `background` carries the caller's priority (priority-gate.server.ts). */
export type ThreadRequest = {
  [Op in keyof ThreadOperations]: { id: number; op: Op; args: Parameters<ThreadOperations[Op]>; background: boolean };
}[keyof ThreadOperations];

/** A failure as it can cross threads: Prisma's own error kind, kept whole, or an error's text. */
export type ThreadError =
  | { driverAdapterCause: DriverAdapterError["cause"] }
  | { name: string; message: string; stack?: string; code?: unknown };

export type ThreadReply = { id: number; value?: unknown; error?: ThreadError };

function describeError(error: unknown): ThreadError {
  if (isDriverAdapterError(error)) return { driverAdapterCause: error.cause };
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack, code: (e as { code?: unknown }).code };
}

port.on("message", (request: ThreadRequest) => {
  const operation = operations[request.op] as (...args: unknown[]) => Promise<unknown>;
  const run = () => operation(...request.args);
  (request.background ? inBackground(run) : run()).then(
    (value) => port.postMessage({ id: request.id, value } satisfies ThreadReply),
    (error: unknown) => port.postMessage({ id: request.id, error: describeError(error) } satisfies ThreadReply),
  );
});
