import { AsyncLocalStorage } from "node:async_hooks";
import type { PGlite } from "@electric-sql/pglite";

/**
 * PGlite is one backend: every query and every transaction of the process runs one at a time, first come first
 * served. Under a webhook burst the worker, processing the very deliveries that arrive, had as many turns as
 * the requests, so acknowledgements waited behind its queries. The gate keeps the one-at-a-time rule but lets
 * work started under `inBackground` (the worker) go only when no other query waits, and only after the event
 * loop had a turn to read incoming requests: a request's query runs before the worker's next one. Every `BACKGROUND_TURN_EVERY` foreground grants while background work waits,
 * one background query goes anyway, so a steady stream of requests slows the worker but never stops it.
 *
 * A query already running is never interrupted: worker transactions must stay short (one statement where it can).
 */
const background = new AsyncLocalStorage<true>();

/** Runs `fn` (and everything it starts) as background work: its database turns come after waiting requests. */
export function inBackground<T>(fn: () => T): T {
  return background.run(true, fn);
}

/** True inside `inBackground`: the database thread is told so with each call (pglite-thread.server.ts). */
export function isBackground(): boolean {
  return background.getStore() === true;
}

export const BACKGROUND_TURN_EVERY = 8;

export class PriorityGate {
  #busy = false;
  #foreground: (() => void)[] = [];
  #background: (() => void)[] = [];
  #foregroundGrantsInARow = 0;
  #yieldScheduled = false;

  async run<T>(fn: () => Promise<T>, isBackground = background.getStore() === true): Promise<T> {
    await new Promise<void>((resolve) => {
      (isBackground ? this.#background : this.#foreground).push(resolve);
      this.#dispatch();
    });
    try {
      return await fn();
    } finally {
      this.#busy = false;
      this.#dispatch();
    }
  }

  #backgroundIsOwed() {
    return this.#background.length > 0 && this.#foregroundGrantsInARow >= BACKGROUND_TURN_EVERY;
  }

  #dispatch() {
    if (this.#busy) return;
    if (this.#foreground.length > 0 && !this.#backgroundIsOwed()) {
      this.#busy = true;
      this.#foregroundGrantsInARow++;
      this.#foreground.shift()!();
      return;
    }
    if (this.#background.length === 0 || this.#yieldScheduled) return;
    // A background turn only after the event loop had one: PGlite answers through promises alone, so a worker
    // chaining queries would otherwise keep the process from even reading the requests waiting on its sockets.
    this.#yieldScheduled = true;
    setImmediate(() => {
      this.#yieldScheduled = false;
      if (this.#busy) return; // a request took the gate meanwhile; its release dispatches again
      if (this.#foreground.length > 0 && !this.#backgroundIsOwed()) return this.#dispatch();
      this.#busy = true;
      this.#foregroundGrantsInARow = 0;
      this.#background.shift()!();
    });
  }
}

/**
 * The same PGlite with `query`, `exec` and `transaction` taken through one gate (a transaction holds it to its
 * end, so its own statements, made on the transaction object, never queue behind it).
 */
export function gatedPGlite(pglite: PGlite, gate = new PriorityGate()): PGlite {
  const gated = new Set<PropertyKey>(["query", "exec", "transaction"]);
  return new Proxy(pglite, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (!gated.has(prop)) return bound;
      return (...args: unknown[]) => gate.run(() => bound(...args) as Promise<unknown>);
    },
  });
}
