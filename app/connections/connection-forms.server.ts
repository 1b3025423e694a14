import {
  connectionFormValues,
  editConnectionSchema,
  fieldErrorsOf,
  newConnectionSchema,
  type FieldErrors,
} from "~/connections/connection-form";
import {
  createConnection,
  getConnection,
  updateConnection,
  type ConnectionSummary,
} from "~/connections/connections.server";
import { miraklUrlPolicy } from "~/connections/mirakl-client.server";
import { miraklUrlRefusal } from "~/integrations/mirakl";
import { recomputeConnection } from "~/sync/stock/recompute.server";
import { retargetConnection } from "~/sync/stock/retarget.server";
import { forgetMarketplaceOrders, resumeWatchingOrders, stopWatchingOrders } from "~/sync/orders/forget.server";

/** The connection forms' server side: validate with zod, then store; a name clash is a field error. */

export type SaveResult =
  { ok: true; connection: ConnectionSummary } | { ok: false; errors: FieldErrors; notFound?: boolean };

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

const nameTaken = (name: string): FieldErrors => ({ name: `A connection named "${name}" already exists in this shop` });

/** The URL policy's refusal as a field error: the same check every Mirakl call goes through (SSRF). */
async function baseUrlErrors(baseUrl: string): Promise<FieldErrors | null> {
  const refusal = await miraklUrlRefusal(baseUrl, miraklUrlPolicy());
  return refusal
    ? {
        baseUrl: `${refusal}. Use the marketplace's public Mirakl address, such as https://<marketplace>-prod.mirakl.net`,
      }
    : null;
}

export async function createConnectionFromForm(shop: string, form: FormData): Promise<SaveResult> {
  const parsed = newConnectionSchema.safeParse(connectionFormValues(form));
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const refused = await baseUrlErrors(parsed.data.baseUrl);
  if (refused) return { ok: false, errors: refused };
  try {
    return { ok: true, connection: await createConnection(shop, parsed.data) };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: nameTaken(parsed.data.name) };
    throw error;
  }
}

export async function updateConnectionFromForm(shop: string, id: string, form: FormData): Promise<SaveResult> {
  const existing = await getConnection(shop, id);
  if (!existing) return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  const parsed = editConnectionSchema.safeParse(connectionFormValues(form));
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  const refused = await baseUrlErrors(parsed.data.baseUrl);
  if (refused) return { ok: false, errors: refused };
  if (!parsed.data.apiKey && !existing.hasApiKey)
    return { ok: false, errors: { apiKey: "Enter this connection's API key" } };
  try {
    const connection = await updateConnection(shop, id, parsed.data);
    if (!connection)
      return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
    if (connection.baseUrl !== existing.baseUrl || connection.miraklShopId !== existing.miraklShopId) {
      await retargetConnection({ id, shop }, "the connection now points at another Mirakl instance or shop");
      await forgetMarketplaceOrders({ id, shop });
    }
    return { ok: true, connection };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: nameTaken(parsed.data.name) };
    throw error;
  }
}

/**
 * Enabling needs a key: an imported connection cannot start syncing before it has one. The recompute
 * skips disabled connections, so enabling one recomputes all of its offers (and releases what was left
 * to push) rather than advertising what was true when it was disabled.
 */
export async function setConnectionEnabled(shop: string, id: string, enabled: boolean): Promise<SaveResult> {
  const existing = await getConnection(shop, id);
  if (!existing) return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  if (enabled && !existing.hasApiKey)
    return { ok: false, errors: { apiKey: "Enter the API key before enabling this connection" } };
  const connection = await updateConnection(shop, id, { enabled });
  if (!connection) return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  if (enabled && !existing.enabled) {
    await resumeWatchingOrders({ id, shop });
    await recomputeConnection(shop, id);
  }
  if (!enabled && existing.enabled) await stopWatchingOrders({ id, shop });
  return { ok: true, connection };
}
