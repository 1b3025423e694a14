import { QUANTITY_FIELD_PREFIX } from "~/demo/demo-marketplace-form";
import { z } from "zod";
import { demoAuthAllowed } from "~/auth.server";

/**
 * The demo's "marketplace front": `npm run demo` runs a Mirakl simulator in the same process, and this is how a
 * person buys there as a customer would, and sees what the marketplace holds (offers, orders and their states,
 * how orders are accepted). The simulator lives in test/ and never ships; scripts/demo.ts hands the app a handle
 * to it through `registerDemoMarketplace`. Without that handle, or outside the loopback demo (production refuses
 * demo mode), every entry point answers 404.
 */

export interface DemoMarketplaceOffer {
  sku: string;
  title: string;
  /** Decimal string in the shop's currency ("119.00"). */
  price: string;
  /** Units the marketplace sells now (what the last stock import said, less what orders took since). */
  quantity: number;
  active: boolean;
}

export interface DemoMarketplaceRefund {
  refundId: string;
  /** Decimal strings in the shop's currency: the price part and the shipping part. */
  amount: string;
  shipping: string;
  reasonCode: string;
  /** Mirakl's refund_state: WAITING_REFUND until the marketplace's payment provider confirms, then REFUNDED. */
  state: string;
  by: "seller" | "marketplace";
}

export interface DemoMarketplaceOrderLine {
  lineId: string;
  offerSku: string;
  title: string;
  quantity: number;
  state: string;
  /** What customer service can still refund on the line (price part), or null when the line cannot be refunded. */
  refundable: string | null;
  refunds: DemoMarketplaceRefund[];
  /** Units canceled, by anyone. */
  canceledUnits: number;
}

export interface DemoMarketplaceOrder {
  orderId: string;
  state: string;
  createdAt: string;
  /** Price and shipping of every line, as ordered. */
  total: string;
  /** Null while waiting, and when Mirakl decided by itself (automatic acceptance or refusal). */
  acceptanceDecidedAt: string | null;
  /** When Mirakl refuses the order itself if the seller has not decided (null once it left WAITING_ACCEPTANCE). */
  autoRefusalAt: string | null;
  placedBy: "person" | "demo";
  /** Whether the marketplace's operator can still cancel the whole order (not yet shipped nor ended). */
  operatorCanCancel: boolean;
  /** Why the order is in its state (Mirakl's `order_state_reason_label`), e.g. who canceled it. */
  stateReason: string | null;
  lines: DemoMarketplaceOrderLine[];
}

/** An RE01 reason as the page offers it. */
export interface DemoMarketplaceReason {
  code: string;
  label: string;
}

export interface DemoMarketplaceState {
  connectionName: string;
  shopId: number;
  shopName: string;
  currency: string;
  now: string;
  acceptance: {
    /** The platform's PC01 `order_acceptance`: AUTOMATIC skips the seller's decision. */
    mode: string;
    partialAcceptance: boolean;
    autoRefusalAfterMs: number;
  };
  autoOrders: {
    enabled: boolean;
    nextAt: string | null;
    last: { at: string; orderId: string | null; note: string } | null;
  };
  offers: DemoMarketplaceOffer[];
  /** The marketplace's RE01 reasons its customer service uses to refund and to cancel. */
  reasons: { refund: DemoMarketplaceReason[]; cancelation: DemoMarketplaceReason[] };
  /** The most recent orders, newest first. */
  orders: DemoMarketplaceOrder[];
  orderCount: number;
}

export interface DemoOrderLineRequest {
  offerSku: string;
  quantity: number;
}

/** What scripts/demo.ts implements over the Mirakl simulator. */
export interface DemoMarketplace {
  state(): DemoMarketplaceState;
  /** A customer's order on the marketplace; throws with a readable message when the marketplace refuses it. */
  placeOrder(lines: DemoOrderLineRequest[]): { orderId: string; state: string };
  setAutoOrders(enabled: boolean): void;
  /** The marketplace's auto-refusal deadline, for orders placed from now on. */
  setAutoRefusalAfter(ms: number): void;
  /** The operator cancels the whole order; throws with a readable message when the marketplace refuses. */
  cancelOrder(orderId: string, reasonCode: string): { orderId: string; state: string };
  /** Customer service refunds part of a line's price; throws with a readable message when the marketplace refuses. */
  refundLine(request: { lineId: string; amount: string; reasonCode: string }): { refundId: string; state: string };
}

const registry = globalThis as unknown as { __miraklBridgeDemoMarketplace?: DemoMarketplace };

export function registerDemoMarketplace(marketplace: DemoMarketplace) {
  registry.__miraklBridgeDemoMarketplace = marketplace;
}

/** The demo marketplace for this request, or a 404: nothing here exists outside the loopback demo. */
export function demoMarketplaceFor(request: Request): DemoMarketplace {
  const marketplace = registry.__miraklBridgeDemoMarketplace;
  if (!marketplace || !demoAuthAllowed(request)) throw new Response("Not Found", { status: 404 });
  return marketplace;
}

/** For the navigation: whether to offer the demo marketplace's page at all. */
export function demoMarketplaceAvailable(request: Request): boolean {
  return Boolean(registry.__miraklBridgeDemoMarketplace) && demoAuthAllowed(request);
}

export function loadDemoMarketplacePage(request: Request): DemoMarketplaceState {
  return demoMarketplaceFor(request).state();
}

/** Form field holding the quantity ordered of one offer: `quantity:<offer sku>`; empty means "not picked". */
export const MAX_UNITS_PER_LINE = 1000;
const MAX_LINES = 200;
const MAX_AUTO_REFUSAL_MINUTES = 30 * 24 * 60;

export type DemoMarketplaceActionResult =
  | { ok: true; intent: "place-order"; orderId: string; message: string }
  | { ok: true; intent: "auto-orders" | "auto-refusal" | "cancel-order" | "refund-line"; message: string }
  | { ok: false; error: string };

const intentSchema = z.enum(["place-order", "auto-orders", "auto-refusal", "cancel-order", "refund-line"]);

/** Applies what the page asked: an order placed as a customer, or one of the demo marketplace's switches. */
export async function applyDemoMarketplaceAction(
  request: Request,
  form: FormData,
): Promise<DemoMarketplaceActionResult> {
  const marketplace = demoMarketplaceFor(request);
  const intent = intentSchema.safeParse(form.get("intent"));
  if (!intent.success) return { ok: false, error: "Unknown action: reload the page and try again." };
  if (intent.data === "auto-orders") {
    const enabled = form.get("enabled");
    if (enabled !== "on" && enabled !== "off") return { ok: false, error: "Automatic orders can be turned on or off." };
    marketplace.setAutoOrders(enabled === "on");
    return {
      ok: true,
      intent: "auto-orders",
      message:
        enabled === "on"
          ? "The demo places an order by itself every few minutes."
          : "The demo no longer places orders by itself.",
    };
  }
  if (intent.data === "auto-refusal") return setAutoRefusal(marketplace, form.get("minutes"));
  if (intent.data === "cancel-order") return cancelOrder(marketplace, form);
  if (intent.data === "refund-line") return refundLine(marketplace, form);

  const lines = parseOrderLines(form);
  if (!lines.ok) return lines;
  const offers = new Map(marketplace.state().offers.map((offer) => [offer.sku, offer]));
  for (const line of lines.lines) {
    const offer = offers.get(line.offerSku);
    if (!offer) return { ok: false, error: `Offer ${line.offerSku} is not on the marketplace: reload the page.` };
    const forSale = offer.active ? offer.quantity : 0;
    if (line.quantity > forSale)
      return {
        ok: false,
        error: `Only ${forSale} unit(s) of ${line.offerSku} are for sale on the marketplace; ${line.quantity} ordered.`,
      };
  }
  let placed: { orderId: string; state: string };
  try {
    placed = marketplace.placeOrder(lines.lines);
  } catch (error) {
    return {
      ok: false,
      error: `The marketplace refused the order: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return {
    ok: true,
    intent: "place-order",
    orderId: placed.orderId,
    message:
      placed.state === "WAITING_ACCEPTANCE"
        ? "It waits for the seller to accept or refuse its lines: the app reads it within a minute and decides."
        : `The marketplace put it in ${placed.state}.`,
  };
}

/** The lines a person picked: every filled quantity must be a whole number of units, at least one line. */
export function parseOrderLines(
  form: FormData,
): { ok: true; lines: DemoOrderLineRequest[] } | { ok: false; error: string } {
  const lines: DemoOrderLineRequest[] = [];
  for (const [name, value] of form.entries()) {
    if (!name.startsWith(QUANTITY_FIELD_PREFIX)) continue;
    const offerSku = name.slice(QUANTITY_FIELD_PREFIX.length).trim();
    const text = typeof value === "string" ? value.trim() : "";
    if (!offerSku || text === "") continue;
    if (lines.length >= MAX_LINES) return { ok: false, error: `At most ${MAX_LINES} lines in one order.` };
    const quantity = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_UNITS_PER_LINE)
      return {
        ok: false,
        error: `Quantity for ${offerSku}: "${text}" is not a whole number of units from 1 to ${MAX_UNITS_PER_LINE} (leave it empty to skip the offer).`,
      };
    if (lines.some((line) => line.offerSku === offerSku))
      return { ok: false, error: `Offer ${offerSku} appears twice: give one quantity per offer.` };
    lines.push({ offerSku, quantity });
  }
  if (lines.length === 0) return { ok: false, error: "Nothing picked: enter a quantity for at least one offer." };
  return { ok: true, lines };
}

function setAutoRefusal(marketplace: DemoMarketplace, raw: FormDataEntryValue | null): DemoMarketplaceActionResult {
  const text = typeof raw === "string" ? raw.trim() : "";
  const minutes = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > MAX_AUTO_REFUSAL_MINUTES)
    return {
      ok: false,
      error: `Auto-refusal: "${text}" is not a whole number of minutes from 1 to ${MAX_AUTO_REFUSAL_MINUTES} (30 days).`,
    };
  marketplace.setAutoRefusalAfter(minutes * 60_000);
  return {
    ok: true,
    intent: "auto-refusal",
    message: `Orders placed from now on are refused by the marketplace itself if the seller has not decided within ${minutes} minute(s).`,
  };
}

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value.trim() : "");
const refusedBy = (error: unknown) =>
  `The marketplace refused: ${error instanceof Error ? error.message : String(error)}`;

/** The operator cancels a whole order, with one of the marketplace's cancelation reasons. */
function cancelOrder(marketplace: DemoMarketplace, form: FormData): DemoMarketplaceActionResult {
  const orderId = text(form.get("orderId"));
  const state = marketplace.state();
  const order = state.orders.find((entry) => entry.orderId === orderId);
  if (!order)
    return { ok: false, error: `Order ${orderId || "(none)"} is not among the recent orders: reload the page.` };
  const reason = state.reasons.cancelation.find((entry) => entry.code === text(form.get("reasonCode")));
  if (!reason) return { ok: false, error: "Pick a cancelation reason from the marketplace's list." };
  try {
    marketplace.cancelOrder(orderId, reason.code);
  } catch (error) {
    return { ok: false, error: refusedBy(error) };
  }
  return {
    ok: true,
    intent: "cancel-order",
    message: `The marketplace's operator canceled ${orderId} ("${reason.label}"). The app reads it with its next order poll (within a minute).`,
  };
}

/** Customer service refunds part of a line's price, with one of the marketplace's refund reasons. */
function refundLine(marketplace: DemoMarketplace, form: FormData): DemoMarketplaceActionResult {
  const lineId = text(form.get("lineId"));
  const state = marketplace.state();
  const line = state.orders.flatMap((order) => order.lines).find((entry) => entry.lineId === lineId);
  if (!line) return { ok: false, error: `Line ${lineId || "(none)"} is not among the recent orders: reload the page.` };
  if (line.refundable === null) return { ok: false, error: `Line ${lineId} cannot be refunded now (${line.state}).` };
  const amount = text(form.get("amount")).replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0)
    return { ok: false, error: `Refund amount: "${amount}" is not an amount above 0 with at most 2 decimals.` };
  if (Number(amount) > Number(line.refundable))
    return { ok: false, error: `At most ${line.refundable} ${state.currency} is left to refund on ${lineId}.` };
  const reason = state.reasons.refund.find((entry) => entry.code === text(form.get("reasonCode")));
  if (!reason) return { ok: false, error: "Pick a refund reason from the marketplace's list." };
  try {
    marketplace.refundLine({ lineId, amount, reasonCode: reason.code });
  } catch (error) {
    return { ok: false, error: refusedBy(error) };
  }
  return {
    ok: true,
    intent: "refund-line",
    message: `Customer service refunded ${amount} ${state.currency} on ${lineId} ("${reason.label}"): waiting for the marketplace's payment provider, then refunded.`,
  };
}
