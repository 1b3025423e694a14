/**
 * What `GET /api/admin-block/order?id=<Shopify order gid>` answers the admin order block
 * (extensions/mirakl-order-block). Types only, no imports: the extension's own TypeScript project reads
 * this file too, so the route and the block cannot drift apart.
 *
 * Nothing here is secret or personal: no API key, no customer, no address.
 */

/**
 * Whether fulfilments of this order reach Mirakl with the right carrier code: "sent" (Mirakl has them), "ready"
 * (a carrier map or a marketplace that takes any carrier: fulfil as usual), "blocked" (a fulfilment waits for its
 * carrier to be mapped, or Mirakl refused it), "not-configured" (nothing mapped yet on a marketplace that accepts
 * only its own carriers).
 */
export interface CarrierMappingStatus {
  status: "not-configured" | "ready" | "blocked" | "sent";
  message: string;
}

/** An exact decimal amount ("12.5") and how a merchant reads it ("12.50 EUR"). */
export interface BlockMoney {
  amount: string;
  formatted: string;
}

export interface OrderBlockOrder {
  /** The marketplace connection's name, e.g. "Decathlon". */
  marketplace: string;
  miraklOrderId: string;
  /** Mirakl's order state code, and its label as the app's Orders pages show it. */
  state: string;
  stateLabel: string;
  /** ISO instant, null when Mirakl gave none. */
  shippingDeadline: string | null;
  /** The deadline has passed and the order is not shipped yet. */
  shippingOverdue: boolean;
  currency: string;
  /** Null when Mirakl did not give the commission (never shown as 0). */
  commission: BlockMoney | null;
  /** Order total less the commission; null when the commission is unknown. */
  netToSeller: BlockMoney | null;
  /** The order's page in the app, e.g. "/app/orders/0190…". */
  orderPagePath: string;
  carrierMapping: CarrierMappingStatus;
}

export type OrderBlockResponse = { found: false } | { found: true; order: OrderBlockOrder };
