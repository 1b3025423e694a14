import prisma from "~/db.server";
import { formatAmount } from "~/domain/orders/currency";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { orderStateLabel } from "~/components/order-status";
import { orderMoney } from "~/routes/app.orders.$id/order-money";
import type { BlockMoney, CarrierMappingStatus, OrderBlockResponse } from "./contract";

/** What the admin order block shows of the Mirakl order behind a Shopify order of the shop. */

/** Mirakl states in which the order still has to be shipped: only then is a passed deadline "overdue". */
const NOT_SHIPPED_YET: ReadonlySet<string> = new Set([
  "STAGING",
  "WAITING_ACCEPTANCE",
  "WAITING_DEBIT",
  "WAITING_DEBIT_PAYMENT",
  "SHIPPING",
]);

export function shippingOverdue(state: string, shippingDeadline: Date | null, now: Date): boolean {
  return shippingDeadline !== null && NOT_SHIPPED_YET.has(state) && shippingDeadline.getTime() < now.getTime();
}

export const NO_CARRIER_MAP_MESSAGE =
  "No carrier mapped for this marketplace yet: map your carriers on the Carriers page before you fulfil";

/** Whether this order's fulfilments reach Mirakl with the right carrier, in the block's few words. */
export async function carrierMappingStatus(
  shop: string,
  order: { connectionId: string; fulfilmentStatus: string; fulfilmentNote: string | null },
  settings: unknown,
): Promise<CarrierMappingStatus> {
  switch (order.fulfilmentStatus) {
    case "SHIPPED":
      return { status: "sent", message: "Shipped on the marketplace with its carrier and tracking" };
    case "PARTIAL":
      return { status: "sent", message: order.fulfilmentNote ?? "Partly fulfilled; the rest follows when fulfilled" };
    case "BLOCKED":
    case "FAILED":
      return {
        status: "blocked",
        message: order.fulfilmentNote ?? "A fulfilment was not sent to the marketplace: see the order in the app",
      };
  }
  const mapped = await prisma.carrierMapping.count({
    where: { shop, connectionId: order.connectionId, confirmedAt: { not: null } },
  });
  if (mapped > 0)
    return { status: "ready", message: `${mapped} carrier${mapped > 1 ? "s" : ""} mapped: fulfil as usual` };
  const parsed = parseConnectionSettings(settings);
  if (parsed.defaultCarrierCode) return { status: "ready", message: "Fulfilments ship with the default carrier" };
  if (parsed.shippingPlatform?.alternativeCarriers)
    return { status: "ready", message: "The marketplace takes any carrier by name: fulfil as usual" };
  return { status: "not-configured", message: NO_CARRIER_MAP_MESSAGE };
}

const money = (amount: string | null, currency: string): BlockMoney | null =>
  amount === null ? null : { amount, formatted: formatAmount(amount, currency) };

/**
 * The Mirakl order the app created `shopifyOrderId` from, within `shop` only: another shop's order, like a
 * Shopify order that did not come from Mirakl, is `found: false`.
 */
export async function loadOrderBlock(shop: string, shopifyOrderId: string, now: Date): Promise<OrderBlockResponse> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { shop, shopifyOrderId },
    select: {
      id: true,
      connectionId: true,
      miraklOrderId: true,
      state: true,
      currency: true,
      price: true,
      shippingPrice: true,
      totalPrice: true,
      totalCommission: true,
      shippingDeadline: true,
      fulfilmentStatus: true,
      fulfilmentNote: true,
      lines: { select: { taxes: true, shippingTaxes: true, commissionFee: true, commissionVat: true } },
    },
  });
  if (!order) return { found: false };
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: order.connectionId, shop },
    select: { name: true, settings: true },
  });
  const { commission, netToSeller } = orderMoney(order);
  return {
    found: true,
    order: {
      marketplace: connection?.name ?? "Removed connection",
      miraklOrderId: order.miraklOrderId,
      state: order.state,
      stateLabel: orderStateLabel(order.state),
      shippingDeadline: order.shippingDeadline?.toISOString() ?? null,
      shippingOverdue: shippingOverdue(order.state, order.shippingDeadline, now),
      currency: order.currency,
      commission: money(commission, order.currency),
      netToSeller: money(netToSeller, order.currency),
      orderPagePath: `/app/orders/${encodeURIComponent(order.id)}`,
      carrierMapping: await carrierMappingStatus(shop, order, connection?.settings),
    },
  };
}
