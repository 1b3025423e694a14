export {
  startMiraklSimulator,
  MiraklSimulator,
  DEFAULT_KEYS,
  DEFAULT_SHOPS,
  MIRAKL_PUBLISHED_LIMITS,
  SIM_RATE_PROFILES,
  SHIPPING_ERROR_CODES,
} from "./server";
export {
  DEBIT_REFUSED_REASON,
  MARKETPLACE_CARRIERS,
  MARKETPLACE_REASONS,
  SPEC_CARRIERS,
  SPEC_REASONS,
} from "./fixtures";
export type {
  RunningMiraklSimulator,
  SimulatorOptions,
  SimFaults,
  ScriptedFault,
  SimCall,
  SimRateRule,
  SimRateLimits,
  SimRateProfile,
  OperatorRefund,
  OperatorCancelation,
} from "./server";
export { IMPORT_OUTCOMES } from "./state";
export type {
  ImportOutcome,
  TaxCalculationRule,
  OrderTemplate,
  OrderLineTemplate,
  ScriptedImportOutcome,
  Timings,
} from "./state";
export type { PlatformSettings, SimCarrier, SimReason } from "./fixtures";
