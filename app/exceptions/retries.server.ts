import type { SyncExceptionKind } from "~/generated/prisma/client";

/**
 * Retry from the exceptions queue re-marks the work behind an exception; the exception closes itself when
 * that work succeeds. The work belongs to the flows, so each flow registers how to retry the entities it
 * reports (app/sync/index.server.ts wires them): this layer never imports a flow.
 */
export type RetryHandler = (
  shop: string,
  entityId: string,
  exception: { connectionId: string | null; kind: SyncExceptionKind },
) => Promise<boolean>;

const retryByEntityType = new Map<string, RetryHandler>();

/**
 * Idempotent for the same handler; a second, different handler for one entity type is a wiring mistake. The same
 * named function made again replaces it: that is its module evaluated anew (Vite's dev server reloading an edited
 * flow), which must not take every page down until a restart.
 */
export function registerRetry(entityType: string, handler: RetryHandler) {
  const registered = retryByEntityType.get(entityType);
  const reloaded = registered !== undefined && registered.name !== "" && registered.name === handler.name;
  if (registered && registered !== handler && !reloaded)
    throw new Error(`a retry for ${entityType} is already registered`);
  retryByEntityType.set(entityType, handler);
}

export function retryFor(entityType: string): RetryHandler | undefined {
  return retryByEntityType.get(entityType);
}

export function isRetryable(entityType: string): boolean {
  return retryByEntityType.has(entityType);
}

/** The entity types that have a retry (for tests and diagnostics). */
export function retryableEntityTypes(): string[] {
  return [...retryByEntityType.keys()];
}
