import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The signal of the work a Mirakl request runs under (a worker's unit: aborted when its lease is lost or the
 * worker shuts down). Every request made inside `withMiraklAbortSignal` stops with it — waiting for the limiter,
 * sleeping before a retry, or on the wire — without each flow threading the signal through every call.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

export function withMiraklAbortSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return scope.run(signal, work);
}

/** The signal of the enclosing work, if any. */
export function ambientMiraklSignal(): AbortSignal | undefined {
  return scope.getStore();
}

/**
 * Throws the abort reason when the enclosing work was aborted: called before writing what a Mirakl answer
 * means, so a worker that lost its lease stops instead of writing over its successor's rows.
 */
export function throwIfWorkAborted(): void {
  scope.getStore()?.throwIfAborted();
}
