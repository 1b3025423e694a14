export { startMiraklSimulator, MiraklSimulator, DEFAULT_KEYS, DEFAULT_SHOPS, MIRAKL_PUBLISHED_LIMITS } from "./server";
export type {
  RunningMiraklSimulator,
  SimulatorOptions,
  SimFaults,
  ScriptedFault,
  SimCall,
  SimRateRule,
} from "./server";
export type { OrderTemplate, OrderLineTemplate, Timings } from "./state";
export type { PlatformSettings } from "./fixtures";
