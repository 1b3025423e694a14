import { createMiraklClient, unlimitedRateLimiter } from "~/integrations/mirakl";
import type { RunningMiraklSimulator } from "../simulators/mirakl";

/**
 * The app's Mirakl client on the simulator for one connection: no pacing of its own (the simulator enforces
 * Mirakl's published call limits on its clock, so a flow that earns a 429 shows it) and no retries.
 */
export function simulatorClient(sim: RunningMiraklSimulator, connectionId: string, apiKey: string = sim.keys.single) {
  return createMiraklClient({
    baseUrl: sim.url,
    apiKey,
    connectionId,
    limiter: unlimitedRateLimiter,
    retry: { retries: 0 },
  });
}
