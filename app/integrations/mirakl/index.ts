export * from "./abort-scope";
export * from "./client";
export * from "./clock";
export * from "./csv";
export * from "./errors";
export * from "./limiter";
export * from "./money";
export * from "./operations";
export * from "./schemas";
export {
  guardedFetch,
  miraklUrlRefusal,
  STRICT_URL_POLICY,
  UrlRefusedError,
  type MiraklUrlPolicy,
  type ResolveAll,
} from "./url-guard";
export {
  DEFAULT_RETRY,
  type MiraklCallRecord,
  type MiraklRecorder,
  type RetryOptions,
  type TransportOptions,
} from "./transport";
