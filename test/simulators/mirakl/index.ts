export {
  startMiraklSimulator,
  MiraklSimulator,
  DEFAULT_KEYS,
  DEFAULT_SHOPS,
  MIRAKL_PUBLISHED_LIMITS,
  SIM_RATE_PROFILES,
} from "./server";
export type {
  RunningMiraklSimulator,
  SimulatorOptions,
  SimFaults,
  ScriptedFault,
  SimCall,
  SimRateRule,
  SimRateLimits,
  SimRateProfile,
} from "./server";
export { IMPORT_OUTCOMES } from "./state";
export type { ImportOutcome, OrderTemplate, OrderLineTemplate, ScriptedImportOutcome, Timings } from "./state";
export type { PlatformSettings } from "./fixtures";
