export {
  startMiraklSimulator,
  MiraklSimulator,
  DEFAULT_KEYS,
  DEFAULT_SHOPS,
  MIRAKL_PUBLISHED_LIMITS,
  SIM_RATE_PROFILES,
  SHIPPING_ERROR_CODES,
} from "./server";
export { MARKETPLACE_CARRIERS, SPEC_CARRIERS } from "./fixtures";
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
export type { PlatformSettings, SimCarrier } from "./fixtures";
