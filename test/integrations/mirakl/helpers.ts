import {
  createManualClock,
  createMiraklClient,
  createRateLimiter,
  type MiraklCallRecord,
  type MiraklClientOptions,
} from "~/integrations/mirakl";
import { startMiraklSimulator, type SimulatorOptions } from "../../simulators/mirakl";

export const START = "2026-01-05T09:00:00Z";

/**
 * A simulator plus a client whose clock is tied to the simulator's: every sleep
 * (limiter wait, backoff, Retry-After) moves both forward at once, so tests
 * exercise real waiting logic without waiting.
 */
export async function setupMirakl(options: { sim?: SimulatorOptions; client?: Partial<MiraklClientOptions> } = {}) {
  const sim = await startMiraklSimulator({ startTime: START, ...options.sim });
  const clock = createManualClock(sim.control.now(), (ms) => sim.control.advanceClock(ms));
  const records: MiraklCallRecord[] = [];
  const client = createMiraklClient({
    baseUrl: sim.url,
    apiKey: sim.keys.single,
    connectionId: "conn-test",
    clock,
    limiter: createRateLimiter({ clock }),
    recorder: (record) => {
      records.push(record);
    },
    random: () => 0.5,
    ...options.client,
  });
  return { sim, clock, client, records };
}
