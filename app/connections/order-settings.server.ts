import prisma from "~/db.server";
import { parseConnectionSettings, type ConnectionSettings, type RefundSettings } from "~/domain/connection-settings";
import { workUnits } from "~/worker/registry.server";
import { mergeConnectionSettings } from "~/connections/connections.server";
import { refundReasonsFor, type Reason } from "~/connections/refund-reasons.server";
import {
  formValuesFrom,
  settingsFromForm,
  type OrderSettingsErrors,
  type OrderSettingsFormValues,
} from "~/connections/order-settings-form";

/** The connection's order acceptance settings page: what it shows and how a save is stored. */

/** How long the page waits for Mirakl's reasons before it shows without them (the read goes on for the next load). */
const REASONS_WAIT_MS = 5_000;

/** The reasons the refund settings choose from; when Mirakl cannot be read, why (the page says so). */
export type ReasonChoices = { ok: true; refund: Reason[]; cancelation: Reason[] } | { ok: false; problem: string };

export interface OrderSettingsPage {
  connection: { id: string; name: string };
  values: OrderSettingsFormValues;
  /** Minutes between order polls the connection slowed itself down to after Mirakl's 429s; null: none. */
  ordersPollSlowedToMinutes: number | null;
  /** PC01's order_acceptance as the last "Test connection" read it; null: not tested yet. */
  orderAcceptance: string | null;
  partialAcceptanceForbidden: boolean;
  reasons: ReasonChoices;
}

async function reasonChoices(shop: string, connectionId: string): Promise<ReasonChoices> {
  const read = await refundReasonsFor(shop, connectionId, { waitMs: REASONS_WAIT_MS });
  if (!read.ok) return read;
  return { ok: true, refund: read.reasons.refund, cancelation: read.reasons.cancelation };
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
      settings.refunds,
    ),
    ordersPollSlowedToMinutes: settings.ordersPollSlowedToMinutes,
    orderAcceptance: settings.lastCheck?.orderAcceptance ?? null,
    partialAcceptanceForbidden: settings.partialAcceptanceForbidden,
    reasons: await reasonChoices(shop, row.id),
  };
}

export type SaveOrderSettingsResult = { ok: true } | { ok: false; notFound?: boolean; errors: OrderSettingsErrors };

export async function saveOrderSettings(shop: string, connectionId: string, submitted: unknown) {
  const parsed = settingsFromForm(submitted);
  if (!parsed.ok) return parsed satisfies SaveOrderSettingsResult;
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { settings: true },
  });
  if (!row)
    return { ok: false, notFound: true, errors: { form: "No such connection" } } satisfies SaveOrderSettingsResult;
  const reasonErrors = await unknownReasons(shop, connectionId, parsed.refunds, parseConnectionSettings(row.settings));
  if (reasonErrors) return { ok: false, errors: reasonErrors } satisfies SaveOrderSettingsResult;
  // Saving the poll interval is the merchant's answer to a slowdown the intake applied by itself: it is forgotten.
  const saved = await mergeConnectionSettings(shop, connectionId, {
    acceptance: parsed.settings,
    ...parsed.budget,
    shopifyOrders: parsed.shopifyOrders,
    shippingDeadlineWarningHours: parsed.shippingDeadlineWarningHours,
    refunds: parsed.refunds,
    ordersPollSlowedToMinutes: null,
  });
  if (!saved)
    return { ok: false, notFound: true, errors: { form: "No such connection" } } satisfies SaveOrderSettingsResult;
  // The deadline alerts of orders in review and of orders to ship follow the new hours at once.
  await workUnits.orderAcceptance.markDirty(connectionId, shop);
  return { ok: true } satisfies SaveOrderSettingsResult;
}

/**
 * A newly chosen reason the marketplace does not offer the shop is refused on its field: Mirakl would refuse every
 * refund sent with it. A reason already saved is kept as it is (saving other settings must not fail on it), and
 * when Mirakl cannot be read the choice is taken on trust: the page offered only Mirakl's codes.
 */
async function unknownReasons(
  shop: string,
  connectionId: string,
  chosen: RefundSettings,
  stored: ConnectionSettings,
): Promise<OrderSettingsErrors | null> {
  const changed =
    (chosen.reasonCode !== null && chosen.reasonCode !== stored.refunds.reasonCode) ||
    (chosen.cancelationReasonCode !== null && chosen.cancelationReasonCode !== stored.refunds.cancelationReasonCode);
  if (!changed) return null;
  const read = await refundReasonsFor(shop, connectionId, { waitMs: REASONS_WAIT_MS });
  if (!read.ok) return null;
  const errors: OrderSettingsErrors = {};
  const offered = (reasons: Reason[], code: string) => reasons.some((r) => r.code === code);
  if (
    chosen.reasonCode !== null &&
    chosen.reasonCode !== stored.refunds.reasonCode &&
    !offered(read.reasons.refund, chosen.reasonCode)
  )
    errors.refundReasonCode = "The marketplace does not offer this refund reason to shops: choose one from the list";
  if (
    chosen.cancelationReasonCode !== null &&
    chosen.cancelationReasonCode !== stored.refunds.cancelationReasonCode &&
    !offered(read.reasons.cancelation, chosen.cancelationReasonCode)
  )
    errors.cancelationReasonCode =
      "The marketplace does not offer this cancellation reason to shops: choose one from the list";
  return Object.keys(errors).length ? errors : null;
}
