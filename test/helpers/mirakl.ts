import { createMiraklClient, unlimitedRateLimiter, type MiraklClientOptions } from "~/integrations/mirakl";

/**
 * The app's Mirakl client on the simulator for one connection: no pacing of its own (the simulator enforces
 * Mirakl's published call limits on its clock, so a flow that earns a 429 shows it) and no retries.
 */
export function simulatorClient(
  sim: { url: string; keys: { single: string } },
  connectionId: string,
  apiKey: string = sim.keys.single,
  options: Pick<MiraklClientOptions, "csvDelimiter"> = {},
) {
  return createMiraklClient({
    baseUrl: sim.url,
    apiKey,
    connectionId,
    limiter: unlimitedRateLimiter,
    retry: { retries: 0 },
    ...options,
  });
}
