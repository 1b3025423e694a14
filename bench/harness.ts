import type { Server } from "node:http";
import { startMiraklSimulator, type RunningMiraklSimulator, type SimulatorOptions } from "../test/simulators/mirakl";
import type { SimImport } from "../test/simulators/mirakl/state";

export { startEngine, type Engine, type EngineClock, type EngineOptions } from "./engine";

/** The virtual clock shared by the engine, the Mirakl simulator (frozen, moved by advanceClock) and the Shopify fake. */
export class VirtualClock {
  constructor(
    public ms: number,
    private readonly sim: RunningMiraklSimulator,
  ) {}
  date = () => new Date(this.ms);
  now = () => this.ms;
  /** Moves the shared clock forward (never back); the simulator applies what became due. */
  advanceTo(ms: number) {
    if (ms <= this.ms) return;
    this.sim.control.advanceClock(ms - this.ms);
    this.ms = ms;
  }
}

/**
 * The simulator, with idle HTTP connections kept for 10 minutes. Node's default (5 s of real time)
 * closes sockets while the engine is busy for seconds between two calls (a 100,000-variant recompute),
 * and the client's next request can race the close ("fetch failed"): a bench artefact, not Mirakl's
 * behaviour, which would show up as MIRAKL_UNREACHABLE retries.
 */
export async function startBenchSimulator(options: SimulatorOptions): Promise<RunningMiraklSimulator> {
  const sim = await startMiraklSimulator(options);
  const server = (sim.simulator as unknown as { server: Server }).server;
  server.keepAliveTimeout = 10 * 60_000;
  return sim;
}

/** STO01 imports the simulator has, for tracking when a quantity became visible to buyers. */
export function stockImports(sim: RunningMiraklSimulator, shopId = sim.shops.main): SimImport[] {
  return [...sim.simulator.state.shop(shopId).imports.values()].filter((entry) => entry.kind === "STOCK");
}

/** When the simulator will apply the earliest pending import (virtual ms), or null. */
export function nextImportCompletion(sim: RunningMiraklSimulator, shopId = sim.shops.main): number | null {
  const delay = sim.simulator.state.timings.importDelayMs;
  let next: number | null = null;
  for (const entry of sim.simulator.state.shop(shopId).imports.values()) {
    if (entry.status !== "WAITING" && entry.status !== "RUNNING") continue;
    const due = entry.created + delay;
    if (next === null || due < next) next = due;
  }
  return next;
}

/** Calls the simulator received, by operation, and how many it answered 429. */
export function miraklCallCounts(sim: RunningMiraklSimulator): {
  byOperation: Record<string, number>;
  rateLimited: number;
} {
  const byOperation: Record<string, number> = {};
  let rateLimited = 0;
  for (const call of sim.control.calls()) {
    byOperation[call.operation] = (byOperation[call.operation] ?? 0) + 1;
    if (call.status === 429) rateLimited++;
  }
  return { byOperation, rateLimited };
}

/** Deterministic PRNG (mulberry32): the same seed gives both policies the same customers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
