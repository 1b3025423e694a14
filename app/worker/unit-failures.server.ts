import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { logger } from "~/lib/logger.server";
import { runUnitNow, type ClaimedUnit } from "~/worker/work-units.server";

/**
 * A unit that keeps failing must not fail silently: after this many attempts in a row without success (failed,
 * or never finished because the worker died) it is a WORKER_TASK_FAILED exception, closed when it succeeds again.
 * Fewer would report every passing outage; the backoff (2, 4, 8, 16 s) reaches it within about half a minute.
 */
export const FAILURES_BEFORE_EXCEPTION = 5;

/** The exception's entity: the unit itself (Retry runs it now, see `runUnitNow`). */
export const WORK_UNIT_ENTITY = "WorkUnit";

/** Records a unit's run of failures once it is long enough; never throws (the worker must go on). */
export async function noteUnitFailures(
  unit: ClaimedUnit,
  failuresInARow: number,
  lastError: string,
  connectionId: string | null,
  now: Date,
) {
  if (failuresInARow < FAILURES_BEFORE_EXCEPTION) return;
  if (!unit.shop) {
    // App-wide work has no shop to show it to: the operator's logs are where it goes.
    logger.error("worker: an app-wide unit keeps failing", {
      unit: unit.key,
      kind: unit.kind,
      failuresInARow,
      error: lastError,
    });
    return;
  }
  await reportException(
    {
      shop: unit.shop,
      connectionId,
      kind: "WORKER_TASK_FAILED",
      severity: "ERROR",
      entityType: WORK_UNIT_ENTITY,
      entityId: unit.key,
      message: `The background task "${unit.kind}" has not succeeded ${failuresInARow} times in a row. Last error: ${lastError}`,
      fixHint:
        "It keeps retrying by itself, less and less often (at most every 15 minutes). The last error usually names what to fix: a connection's settings or API key, the app's access to Shopify. Retry runs it again now; this closes by itself once it succeeds. If it keeps failing or stopping the worker, report it with this message.",
      detail: { unit: unit.key, kind: unit.kind, failuresInARow, lastError },
    },
    now,
  ).catch((error) => logger.error("worker: could not record a failing unit", { unit: unit.key, error: String(error) }));
}

/** The unit succeeded after failing: its exception, if one was raised, closes. Never throws. */
export async function noteUnitSucceeded(unit: ClaimedUnit, now: Date) {
  if (!unit.shop || unit.attempts <= 1) return; // no failure before this run: nothing can be open
  await resolveExceptionsFor(unit.shop, WORK_UNIT_ENTITY, unit.key, now).catch((error) =>
    logger.error("worker: could not close a failing unit's exception", { unit: unit.key, error: String(error) }),
  );
}

/** Retry from the exception queue (registered by the composition root): the shop's unit runs now. */
export const retryWorkUnit = (shop: string, unitKey: string) => runUnitNow(shop, unitKey);
