// The messages between the engine-memory bench's two processes (bench/engine-memory.ts, the engine, measured;
// bench/engine-memory-fakes.ts, the fakes). Kept apart so neither loads the other's code.
import type { ReconcileConfig } from "./reconcile-run";

/** Issue 15's goal for the engine's peak RSS at 100k SKUs. */
export const ENGINE_PEAK_RSS_GOAL_MB = 256;

/** Header naming the host a request was meant for (the Shopify shop, or the bulk files' storage host). */
export const FAKE_HOST_HEADER = "x-bench-fake-host";

export type FakesRequest =
  | { type: "start"; config: ReconcileConfig }
  | { type: "advanceTo"; ms: number }
  | { type: "clearCalls" }
  | { type: "nextImportCompletion" }
  | { type: "miraklFigures" }
  | { type: "drift" }
  | { type: "mismatches"; page: { offerSku: string; desiredQuantity: number | null }[] }
  | { type: "peakRss"; reset: boolean };

export interface FakesStarted {
  shopifyUrl: string;
  apiVersion: string;
  accessToken: string;
  miraklUrl: string;
  miraklKey: string;
  now: number;
  locationId: string;
  seedMs: number;
}
