import prisma from "~/db.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { workUnits } from "~/worker/registry.server";
import { mergeConnectionSettings } from "~/connections/connections.server";
import {
  formValuesFrom,
  settingsFromForm,
  type OrderSettingsErrors,
  type OrderSettingsFormValues,
} from "~/connections/order-settings-form";

/** The connection's order acceptance settings page: what it shows and how a save is stored. */

export interface OrderSettingsPage {
  connection: { id: string; name: string };
  values: OrderSettingsFormValues;
  /** Minutes between order polls the connection slowed itself down to after Mirakl's 429s; null: none. */
  ordersPollSlowedToMinutes: number | null;
  /** PC01's order_acceptance as the last "Test connection" read it; null: not tested yet. */
  orderAcceptance: string | null;
  partialAcceptanceForbidden: boolean;
}

export async function loadOrderSettingsPage(shop: string, connectionId: string): Promise<OrderSettingsPage | null> {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true, name: true, settings: true },
  });
  if (!row) return null;
  const settings = parseConnectionSettings(row.settings);
  return {
    connection: { id: row.id, name: row.name },
    values: formValuesFrom(
      settings.acceptance,
      settings,
      settings.shopifyOrders,
      settings.shippingDeadlineWarningHours,
    ),
    ordersPollSlowedToMinutes: settings.ordersPollSlowedToMinutes,
    orderAcceptance: settings.lastCheck?.orderAcceptance ?? null,
    partialAcceptanceForbidden: settings.partialAcceptanceForbidden,
  };
}

export type SaveOrderSettingsResult = { ok: true } | { ok: false; notFound?: boolean; errors: OrderSettingsErrors };

export async function saveOrderSettings(shop: string, connectionId: string, submitted: unknown) {
  const parsed = settingsFromForm(submitted);
  if (!parsed.ok) return parsed satisfies SaveOrderSettingsResult;
  // Saving the poll interval is the merchant's answer to a slowdown the intake applied by itself: it is forgotten.
  const saved = await mergeConnectionSettings(shop, connectionId, {
    acceptance: parsed.settings,
    ...parsed.budget,
    shopifyOrders: parsed.shopifyOrders,
    shippingDeadlineWarningHours: parsed.shippingDeadlineWarningHours,
    ordersPollSlowedToMinutes: null,
  });
  if (!saved)
    return { ok: false, notFound: true, errors: { form: "No such connection" } } satisfies SaveOrderSettingsResult;
  // The deadline alerts of orders in review and of orders to ship follow the new hours at once.
  await workUnits.orderAcceptance.markDirty(connectionId, shop);
  return { ok: true } satisfies SaveOrderSettingsResult;
}
