// `npm start` with WEB_CONCURRENCY > 1: the primary process forks that many web processes, which share the
// listening socket (node:cluster hands connections out), keeps them running and stops them together. The primary
// serves nothing and never opens the database; the decisions it takes are the pure functions below.
import cluster, { type Worker as ClusterProcess } from "node:cluster";
import { logger } from "~/lib/logger.server";

/** A web process that lived this long before dying was healthy: its next crash starts the backoff afresh. */
export const STABLE_AFTER_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** Wait before restarting a web process after its n-th crash in a row: 1 s, doubling, at most 30 s. */
export function restartDelayMs(consecutiveCrashes: number): number {
  const doublings = Math.max(0, consecutiveCrashes - 1);
  return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.min(doublings, 30));
}

export type AfterExit =
  | { action: "none" }
  | { action: "give-up"; reason: string }
  | { action: "restart"; delayMs: number; consecutiveCrashes: number };

/**
 * What the primary does when one web process exits. Stopping: nothing (it is the exit we asked for). A process
 * that never listened while the cluster was still starting: the whole start failed (bad configuration, port in
 * use, missing build), and restarting would only repeat it, so the primary gives up. Otherwise the process died
 * unexpectedly and is restarted after a backoff that grows while it keeps dying soon after starting.
 */
export function afterWebProcessExit(exit: {
  stopping: boolean;
  clusterUp: boolean;
  listened: boolean;
  livedMs: number;
  consecutiveCrashes: number;
}): AfterExit {
  if (exit.stopping) return { action: "none" };
  if (!exit.clusterUp && !exit.listened)
    return { action: "give-up", reason: "a web process exited before it listened, while the server was starting" };
  const consecutiveCrashes = exit.livedMs >= STABLE_AFTER_MS ? 1 : exit.consecutiveCrashes + 1;
  return { action: "restart", delayMs: restartDelayMs(consecutiveCrashes), consecutiveCrashes };
}

/**
 * The environment of the web process in a slot. A configured WORKER_ID names one worker; with WORKER_MODE=embedded
 * every web process runs its own, so each gets the name with its slot (leases and logs tell them apart).
 */
export function webProcessEnv(slot: number, workerId: string | undefined): Record<string, string> {
  return { WEB_PROCESS_SLOT: String(slot), ...(workerId ? { WORKER_ID: `${workerId}-web${slot}` } : {}) };
}

export interface WebProcessSupervisor {
  /** Forwards the signal to every web process and resolves with the exit code for the primary once all are gone. */
  stop(signal: NodeJS.Signals): Promise<number>;
}

/** Forks `count` web processes running this same entry script (process.argv[1]) and watches over them. */
export function superviseWebProcesses(options: {
  count: number;
  workerId: string | undefined;
  /** Once, when every web process listens. */
  onListening: (address: { address: string; port: number }) => void;
  /** After giving up on a start that failed: the exit code for the primary. */
  onGiveUp: (exitCode: number) => void;
  /** How long web processes get to finish their requests (and an embedded worker its unit) before SIGKILL. */
  stopTimeoutMs?: number;
}): WebProcessSupervisor {
  interface Slot {
    process?: ClusterProcess;
    startedAt: number;
    listened: boolean;
    consecutiveCrashes: number;
    restartTimer?: NodeJS.Timeout;
  }
  const slots: Slot[] = Array.from({ length: options.count }, () => ({
    startedAt: 0,
    listened: false,
    consecutiveCrashes: 0,
  }));
  let clusterUp = false;
  let stopping: Promise<number> | undefined;
  let forced = false;

  const fork = (index: number) => {
    const slot = slots[index];
    slot.restartTimer = undefined;
    slot.startedAt = Date.now();
    slot.listened = false;
    const child = cluster.fork(webProcessEnv(index + 1, options.workerId));
    slot.process = child;
    child.once("listening", (address) => {
      slot.listened = true;
      if (clusterUp || !slots.every((s) => s.listened)) return;
      clusterUp = true;
      options.onListening({ address: address.address ?? "0.0.0.0", port: address.port });
    });
    child.once("exit", (code, signal) => {
      if (slot.process === child) slot.process = undefined;
      const next = afterWebProcessExit({
        stopping: stopping !== undefined,
        clusterUp,
        listened: slot.listened,
        livedMs: Date.now() - slot.startedAt,
        consecutiveCrashes: slot.consecutiveCrashes,
      });
      if (next.action === "none") return;
      const fields = { webProcess: index + 1, pid: child.process.pid, code, signal };
      if (next.action === "give-up") {
        logger.error(`web processes: ${next.reason}; stopping the others`, fields);
        void stop("SIGTERM").then(() => options.onGiveUp(1));
        return;
      }
      slot.consecutiveCrashes = next.consecutiveCrashes;
      logger.error("web process exited unexpectedly; restarting it", {
        ...fields,
        restartInMs: next.delayMs,
        consecutiveCrashes: next.consecutiveCrashes,
      });
      slot.restartTimer = setTimeout(() => fork(index), next.delayMs);
    });
  };

  const stop = (signal: NodeJS.Signals): Promise<number> => {
    stopping ??= (async () => {
      for (const slot of slots) clearTimeout(slot.restartTimer);
      const running = slots.flatMap((s) => (s.process && !s.process.isDead() ? [s.process] : []));
      const exits = running.map((p) => new Promise<void>((resolve) => p.once("exit", () => resolve())));
      for (const p of running) p.process.kill(signal);
      const killer = setTimeout(() => {
        forced = true;
        logger.error("web processes: still running after the stop timeout; killing them", { signal });
        for (const p of running) if (!p.isDead()) p.process.kill("SIGKILL");
      }, options.stopTimeoutMs ?? 35_000);
      await Promise.all(exits);
      clearTimeout(killer);
      return forced ? 1 : 0;
    })();
    return stopping;
  };

  for (let i = 0; i < options.count; i++) fork(i);
  return { stop };
}
