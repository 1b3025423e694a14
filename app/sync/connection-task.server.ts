import { withMiraklAbortSignal, type MiraklClient } from "~/integrations/mirakl";
import type { TaskHandler } from "~/worker/worker.server";
import type { ConnectionUnitKind } from "~/worker/registry.server";
import { ConnectionUnavailableError, miraklClientFor } from "~/sync/mirakl-client.server";

export type ConnectionStep = (
  connection: { id: string; shop: string },
  mirakl: MiraklClient,
  now: Date,
) => Promise<{ nextDueAt: Date | null }>;

/** A task of a per-connection kind: runs `step` with the connection's Mirakl client, for any flow. */
export function connectionTask(unitKind: ConnectionUnitKind, step: ConnectionStep): TaskHandler {
  return unitKind.task(async (unit, ctx) => {
    const connectionId = unitKind.idOf(unit.key);
    const shop = unit.shop!;
    let mirakl: MiraklClient;
    try {
      mirakl = await miraklClientFor(shop, connectionId);
    } catch (error) {
      if (error instanceof ConnectionUnavailableError) return { nextDueAt: null }; // disabled or deleted: idle until marked again
      throw error;
    }
    // Every Mirakl call of the step stops when the unit's lease is lost (or the worker shuts down).
    return withMiraklAbortSignal(ctx.signal, () => step({ id: connectionId, shop }, mirakl, ctx.now()));
  });
}
