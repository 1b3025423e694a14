import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import {
  ABANDONED_RUN_ERROR,
  claimDueUnit,
  completeUnit,
  defaultRetryDelayMs,
  renewLease,
  type ClaimedUnit,
} from "~/worker/work-units.server";
import { noteUnitFailures, noteUnitSucceeded } from "~/worker/unit-failures.server";
import { ShopifyAccessLostError } from "~/integrations/shopify/errors";
import { logger } from "~/lib/logger.server";
import { inBackground } from "~/db/priority-gate.server";

export interface TaskContext {
  /** Aborted when the lease is lost or the worker is shutting down: stop at the next safe point. */
  signal: AbortSignal;
  now: () => Date;
}

export interface TaskHandler {
  kind: string;
  /** How long a claim lasts without renewal; renewed every leaseMs/3 while the task runs. */
  leaseMs: number;
  /** Returns when the unit should run again (null: only when marked dirty). */
  run(unit: ClaimedUnit, ctx: TaskContext): Promise<{ nextDueAt: Date | null }>;
  /** Backoff after a failure; defaults to exponential up to 15 minutes. */
  retryDelayMs?(attempt: number): number;
  /** The marketplace connection a unit of this kind stands for, if any (its failures are shown against it). */
  connectionIdOf?(key: string): string;
}

export interface WorkerOptions {
  handlers: TaskHandler[];
  id?: string;
  idleDelayMs?: number;
  now?: () => Date;
  /** Units run side by side, so a slow Mirakl call never holds up a stock push or the inbox. */
  concurrency?: number;
}

export class Worker {
  readonly id: string;
  #handlers: Map<string, TaskHandler>;
  #idleDelayMs: number;
  #now: () => Date;
  #stopping = false;
  #concurrency: number;
  #loop?: Promise<void>;
  #wakers = new Set<() => void>();

  constructor(options: WorkerOptions) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#handlers = new Map(options.handlers.map((h) => [h.kind, h]));
    this.#idleDelayMs = options.idleDelayMs ?? 1000;
    this.#now = options.now ?? (() => new Date());
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
  }

  start() {
    // Background: with the embedded database, requests' queries (webhook acknowledgements) go before the worker's.
    this.#loop ??= Promise.all(Array.from({ length: this.#concurrency }, () => inBackground(() => this.#run()))).then(
      () => undefined,
    );
    return this;
  }

  /** Finishes the unit in hand (its lease is released), claims nothing more. */
  async stop() {
    this.#stopping = true;
    this.#wakeAll();
    await this.#loop;
  }

  /**
   * Skips the idle wait of one loop: used right after work was marked dirty in this process. One is enough: a loop
   * that claims a unit wakes the next, so due units still spread over the loops, and a burst of marks does not
   * cost every idle loop an empty claim each.
   */
  poke() {
    const [wake] = this.#wakers;
    wake?.();
  }

  #wakeAll() {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Claims and runs one due unit; false when nothing was due. Exposed for tests and drain loops. */
  async runOnce(): Promise<boolean> {
    const kinds = [...this.#handlers.keys()];
    const leaseMs = Math.max(...[...this.#handlers.values()].map((h) => h.leaseMs));
    const unit = await claimDueUnit(this.id, kinds, leaseMs, this.#now());
    if (!unit) return false;
    this.poke(); // more may be due: an idle loop looks
    const handler = this.#handlers.get(unit.kind)!;
    if (unit.previousRunAbandoned) {
      // Nothing recorded the failure of a run whose worker died: it is counted here, before running it again.
      logger.warn("worker: the unit's previous run never finished", { unit: unit.key, attempt: unit.attempts });
      await noteUnitFailures(
        unit,
        unit.attempts - 1,
        ABANDONED_RUN_ERROR,
        this.#connectionIdOf(unit, handler),
        this.#now(),
      );
    }
    await this.#execute(unit, handler);
    return true;
  }

  async #run() {
    while (!this.#stopping) {
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        logger.error("worker: claim failed", { worker: this.id, error: String(error) });
      }
      if (!worked && !this.#stopping) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.#wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, this.#idleDelayMs);
          this.#wakers.add(wake);
        });
      }
    }
  }

  async #execute(unit: ClaimedUnit, handler: TaskHandler) {
    const controller = new AbortController();
    const renewEvery = Math.max(50, Math.floor(handler.leaseMs / 3));
    const heartbeat = setInterval(async () => {
      const held = await renewLease(unit, handler.leaseMs, this.#now()).catch(() => false);
      if (!held) controller.abort(new Error("lease lost"));
    }, renewEvery);
    const started = Date.now();
    try {
      const { nextDueAt } = await handler.run(unit, { signal: controller.signal, now: this.#now });
      await completeUnit(unit, { nextDueAt }, this.#now());
      await noteUnitSucceeded(unit, this.#now());
      logger.debug("worker: unit done", { unit: unit.key, ms: Date.now() - started });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (controller.signal.aborted) {
        // The lease went to another worker (or this one is stopping): the unit is theirs now, not a failure.
        logger.info("worker: unit stopped, its lease was lost", { unit: unit.key, error: message });
        return;
      }
      const delay = (handler.retryDelayMs ?? defaultRetryDelayMs)(unit.attempts);
      logger.warn("worker: unit failed", { unit: unit.key, attempt: unit.attempts, retryInMs: delay, error: message });
      await completeUnit(
        unit,
        { nextDueAt: new Date(this.#now().getTime() + delay), error: message },
        this.#now(),
      ).catch(() => {});
      // A lost Shopify access is already the shop's SHOPIFY_ACCESS_LOST exception: the cause, not this symptom.
      if (!(error instanceof ShopifyAccessLostError))
        await noteUnitFailures(unit, unit.attempts, message, this.#connectionIdOf(unit, handler), this.#now());
    } finally {
      clearInterval(heartbeat);
    }
  }

  #connectionIdOf(unit: ClaimedUnit, handler: TaskHandler): string | null {
    try {
      return handler.connectionIdOf?.(unit.key) ?? null;
    } catch {
      return null;
    }
  }
}
