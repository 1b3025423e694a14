import { z } from "zod";
import { demoAuthAllowed } from "~/auth.server";
import {
  DEMO_FULFIL_CARRIERS,
  LINE_FIELD_PREFIX,
  OTHER_CARRIER,
  suggestedTrackingNumber,
} from "~/demo/demo-fulfil-form";
import { ORDER_CANCEL_REASONS, REFUND_LINE_FIELD_PREFIX, type OrderCancelReason } from "~/demo/demo-refund-form";

/**
 * The demo's "Shopify admin": `npm run demo` runs the app against an in-process Shopify fake, and this
 * is how a person changes stock there. The fake lives in test/ and never ships; scripts/demo.ts hands
 * the app a handle to it through `registerDemoShopify`. Without that handle, or outside the loopback
 * demo (production refuses demo mode), every entry point answers 404.
 */

export interface DemoLocation {
  id: string;
  name: string;
  isPrimary: boolean;
}

export interface DemoVariant {
  variantId: string;
  inventoryItemId: string;
  productTitle: string;
  productStatus: string;
  variantTitle: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  tracked: boolean;
  /** Shopify's `available` per location id; absent where the item is not stocked. */
  available: Record<string, number>;
}

export interface DemoStockChange {
  sku: string | null;
  locationName: string;
  availableBefore: number;
  availableAfter: number;
  /** The order a sale created in Shopify ("#1001"). */
  orderName?: string;
  /** HTTP status the app's webhook route answered to the signed inventory_levels/update; null when no stock moved, so Shopify sent none. */
  webhookStatus: number | null;
}

/** An order in the demo's Shopify, as the merchant's Orders list shows it. */
export interface DemoShopifyOrder {
  id: string;
  /** "#1001" */
  name: string;
  sourceName: string | null;
  /** For the orders the app creates: the Mirakl order id. */
  sourceIdentifier: string | null;
  createdAt: string;
  /** Shopify's displayFinancialStatus / displayFulfillmentStatus ("PAID", "UNFULFILLED"...). */
  financialStatus: string;
  fulfillmentStatus: string;
  total: { amount: string; currencyCode: string };
  /**
   * `toFulfil`: the line's units not fulfilled yet (Shopify's remaining quantity on open fulfillment orders);
   * `refundable`: its units not refunded yet.
   */
  lines: Array<{
    id: string;
    sku: string | null;
    title: string;
    quantity: number;
    unitPrice: string;
    toFulfil: number;
    refundable: number;
  }>;
  /** Shipping (with its tax) not refunded yet, in the order's currency. */
  shippingRefundable: string;
  cancelledAt: string | null;
  /** Shopify's OrderCancelReason ("CUSTOMER"...). */
  cancelReason: string | null;
  /** Oldest first. */
  refunds: DemoRefund[];
  tags: string[];
  /** Whether Shopify sent the buyer an order confirmation (orderCreate's `sendReceipt`). */
  receiptSent: boolean;
  /** Oldest first, cancelled ones included. */
  fulfillments: DemoFulfillment[];
}

export interface DemoFulfillment {
  id: string;
  /** "#1001.1" */
  name: string;
  status: "SUCCESS" | "CANCELLED";
  company: string | null;
  trackingNumber: string | null;
  lines: Array<{ sku: string | null; title: string; quantity: number }>;
}

export interface DemoRefund {
  id: string;
  createdAt: string;
  note: string | null;
  /** The money given back (its refund transactions), in the order's currency. */
  amount: string;
  /** Shipping refunded, without its tax. */
  shipping: string;
  lines: Array<{ sku: string | null; title: string; quantity: number; restockType: string }>;
}

/** A webhook Shopify sent for a change, and how the app answered: its HTTP status, or why the request failed. */
export interface DemoWebhookOutcome {
  topic: string;
  outcome: { status: number } | { error: string };
}

/** What a refund or a cancel did in Shopify, and the webhooks Shopify sent for it (none without a subscription). */
export interface DemoOrderChange {
  orderName: string;
  /** "refund of 2 units and shipping, 190.00 EUR" */
  summary: string;
  webhooks: DemoWebhookOutcome[];
}

/** What a fulfilment change did in Shopify, and how the app answered the webhook Shopify sent for it. */
export interface DemoFulfilmentChange {
  orderName: string;
  fulfillmentName: string;
  topic: "fulfillments/create" | "fulfillments/update";
  /** The app's HTTP status, or why the request failed; null when Shopify sent no webhook. */
  webhook: { status: number } | { error: string } | null;
}

/** What scripts/demo-shopify.ts implements over the Shopify fake. */
export interface DemoShopifyStore {
  shop: string;
  locations(): DemoLocation[];
  variants(): DemoVariant[];
  /** Every order of the shop, newest first. */
  orders(): DemoShopifyOrder[];
  /** The merchant sets `available` at a location (an inventory adjustment in the admin). */
  setAvailable(input: { variantId: string; locationId: string; available: number }): Promise<DemoStockChange>;
  /** A customer buys units in the online store: an order commits them at the primary location. */
  sell(input: { variantId: string; quantity: number }): Promise<DemoStockChange>;
  /** The merchant fulfils some or all of an order's remaining units with a carrier and tracking number. */
  fulfil(input: {
    orderId: string;
    company: string;
    trackingNumber: string;
    lines: Array<{ lineItemId: string; quantity: number }>;
  }): Promise<DemoFulfilmentChange>;
  /** The merchant corrects a fulfilment's tracking number (the carrier stays). */
  updateTracking(input: { fulfillmentId: string; trackingNumber: string }): Promise<DemoFulfilmentChange>;
  /** The merchant cancels a fulfilment: its units are to fulfil again. */
  cancelFulfillment(input: { fulfillmentId: string }): Promise<DemoFulfilmentChange>;
  /**
   * The merchant refunds units of an order (and optionally the shipping left), restocking them or not, as the
   * Shopify admin's Refund screen does: the money given back is what they cost, capped at what was paid.
   */
  refund(input: {
    orderId: string;
    lines: Array<{ lineItemId: string; quantity: number }>;
    refundShipping: boolean;
    restock: boolean;
    note: string | null;
  }): Promise<DemoOrderChange>;
  /** The merchant cancels the whole order (Shopify's orderCancel). */
  cancelOrder(input: {
    orderId: string;
    reason: OrderCancelReason;
    restock: boolean;
    refund: boolean;
    staffNote: string | null;
  }): Promise<DemoOrderChange>;
}

const registry = globalThis as unknown as { __miraklBridgeDemoShopify?: DemoShopifyStore };

export function registerDemoShopify(store: DemoShopifyStore) {
  registry.__miraklBridgeDemoShopify = store;
}

/** The demo store for this request, or a 404: nothing here exists outside the loopback demo. */
export function demoShopifyFor(request: Request): DemoShopifyStore {
  const store = registry.__miraklBridgeDemoShopify;
  if (!store || !demoAuthAllowed(request)) throw new Response("Not Found", { status: 404 });
  return store;
}

/** For the navigation: whether to offer the demo store's page at all. */
export function demoShopifyAvailable(request: Request): boolean {
  return Boolean(registry.__miraklBridgeDemoShopify) && demoAuthAllowed(request);
}

export function loadDemoShopifyPage(request: Request) {
  const store = demoShopifyFor(request);
  const orders = store.orders().map((order) => ({
    ...order,
    // One number per carrier for the order's next fulfilment: stable across reloads, new after each fulfilment.
    suggestedTracking: Object.fromEntries(
      DEMO_FULFIL_CARRIERS.map((carrier) => [
        carrier,
        suggestedTrackingNumber(carrier, `${order.id}|${order.fulfillments.length}`),
      ]),
    ),
  }));
  return {
    shop: store.shop,
    locations: store.locations(),
    variants: store.variants(),
    orders,
    carriers: [...DEMO_FULFIL_CARRIERS],
  };
}

const quantity = z.coerce.number().int("whole units only").min(0, "0 or more").max(100_000, "at most 100,000");

export const demoStockActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("set"),
    variantId: z.string().min(1).max(200),
    locationId: z.string().min(1).max(200),
    available: quantity,
  }),
  z.object({
    intent: z.literal("sell"),
    variantId: z.string().min(1).max(200),
    quantity: quantity.refine((n) => n > 0, "at least 1"),
  }),
]);

export type DemoStockActionResult = { ok: true; message: string } | { ok: false; error: string };
export type DemoShopifyActionResult = DemoStockActionResult;

const shopifyId = z.string().min(1).max(200);
const trackingNumber = z.string().trim().min(1, "enter a tracking number").max(100, "at most 100 characters");

const fulfilmentActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("fulfil"),
    orderId: shopifyId,
    carrier: z.string().min(1, "choose a carrier").max(100),
    otherCarrier: z.string().trim().max(100).optional(),
    trackingNumber,
  }),
  z.object({ intent: z.literal("tracking"), fulfillmentId: shopifyId, trackingNumber }),
  z.object({ intent: z.literal("cancelFulfillment"), fulfillmentId: shopifyId }),
]);

const fulfilmentIntents = new Set(["fulfil", "tracking", "cancelFulfillment"]);
const orderChangeIntents = new Set(["refund", "cancelOrder"]);
const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");

/** Every action of the demo Shopify page: stock changes, fulfilments, refunds and cancels. */
export async function applyDemoShopifyAction(request: Request, form: FormData): Promise<DemoShopifyActionResult> {
  const intent = String(form.get("intent"));
  if (fulfilmentIntents.has(intent)) return applyDemoFulfilmentAction(request, form);
  if (orderChangeIntents.has(intent)) return applyDemoOrderChangeAction(request, form);
  return applyDemoStockAction(request, form);
}

const yesNo = z.enum(["yes", "no"]).transform((v) => v === "yes");
const orderChangeActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("refund"),
    orderId: shopifyId,
    refundShipping: yesNo,
    restock: yesNo,
    note: z.string().trim().max(255, "at most 255 characters").optional(),
  }),
  z.object({
    intent: z.literal("cancelOrder"),
    orderId: shopifyId,
    reason: z.enum(ORDER_CANCEL_REASONS.map((r) => r.value) as [OrderCancelReason, ...OrderCancelReason[]]),
    restock: yesNo,
    refund: yesNo,
    staffNote: z.string().trim().max(255, "at most 255 characters").optional(),
  }),
]);

/**
 * Refunds or cancels in the fake Shopify; the fake then sends the app the signed refunds/create and/or
 * orders/cancelled Shopify would send, and this says how the app answered each.
 */
export async function applyDemoOrderChangeAction(request: Request, form: FormData): Promise<DemoShopifyActionResult> {
  const store = demoShopifyFor(request);
  const parsed = orderChangeActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, error: issues(parsed.error) };
  const action = parsed.data;
  let change: DemoOrderChange;
  try {
    if (action.intent === "refund") {
      const lines: Array<{ lineItemId: string; quantity: number }> = [];
      for (const [name, value] of form) {
        if (!name.startsWith(REFUND_LINE_FIELD_PREFIX)) continue;
        const units = quantity.safeParse(value);
        if (!units.success) return { ok: false, error: `${name}: ${units.error.issues[0]!.message}` };
        if (units.data > 0)
          lines.push({ lineItemId: name.slice(REFUND_LINE_FIELD_PREFIX.length), quantity: units.data });
      }
      if (lines.length === 0 && !action.refundShipping)
        return { ok: false, error: "Enter at least one unit to refund, or refund the shipping" };
      change = await store.refund({ ...action, lines, note: action.note || null });
    } else {
      change = await store.cancelOrder({ ...action, staffNote: action.staffNote || null });
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const done = `Order ${change.orderName}: ${change.summary}.`;
  if (change.webhooks.length === 0) return { ok: true, message: `${done} Shopify sent no webhook (no subscription).` };
  const answers = change.webhooks.map(({ topic, outcome }) =>
    "error" in outcome
      ? `Shopify's ${topic} did not reach the app: ${outcome.error}.`
      : outcome.status === 200
        ? `Shopify sent ${topic} and the app accepted it.`
        : `Shopify sent ${topic} but the app answered ${outcome.status}.`,
  );
  const accepted = change.webhooks.every(({ outcome }) => "status" in outcome && outcome.status === 200);
  return accepted
    ? { ok: true, message: `${done} ${answers.join(" ")}` }
    : { ok: false, error: `${done} ${answers.join(" ")}` };
}

/**
 * Fulfils, re-tracks or cancels in the fake Shopify; the fake then sends the app the signed fulfillments/create or
 * fulfillments/update Shopify would send, and this says how the app answered it.
 */
export async function applyDemoFulfilmentAction(request: Request, form: FormData): Promise<DemoShopifyActionResult> {
  const store = demoShopifyFor(request);
  const parsed = fulfilmentActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, error: issues(parsed.error) };
  const action = parsed.data;
  let change: DemoFulfilmentChange;
  try {
    if (action.intent === "fulfil") {
      const company = action.carrier === OTHER_CARRIER ? (action.otherCarrier ?? "") : action.carrier;
      if (!company) return { ok: false, error: "otherCarrier: enter the carrier's name" };
      const lines: Array<{ lineItemId: string; quantity: number }> = [];
      for (const [name, value] of form) {
        if (!name.startsWith(LINE_FIELD_PREFIX)) continue;
        const units = quantity.safeParse(value);
        if (!units.success) return { ok: false, error: `${name}: ${units.error.issues[0]!.message}` };
        if (units.data > 0) lines.push({ lineItemId: name.slice(LINE_FIELD_PREFIX.length), quantity: units.data });
      }
      if (lines.length === 0) return { ok: false, error: "Enter at least one unit to fulfil" };
      change = await store.fulfil({ orderId: action.orderId, company, trackingNumber: action.trackingNumber, lines });
    } else if (action.intent === "tracking") {
      change = await store.updateTracking(action);
    } else {
      change = await store.cancelFulfillment(action);
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const done =
    action.intent === "fulfil"
      ? `Order ${change.orderName}: fulfilment ${change.fulfillmentName} created.`
      : action.intent === "tracking"
        ? `Fulfilment ${change.fulfillmentName}: tracking number now ${action.trackingNumber}.`
        : `Fulfilment ${change.fulfillmentName} cancelled: its units are to fulfil again.`;
  if (!change.webhook) return { ok: true, message: `${done} Shopify sent no webhook (no subscription).` };
  if ("error" in change.webhook)
    return { ok: false, error: `${done} Shopify's ${change.topic} did not reach the app: ${change.webhook.error}.` };
  if (change.webhook.status !== 200)
    return {
      ok: false,
      error: `${done} Shopify sent ${change.topic} but the app answered ${change.webhook.status}.`,
    };
  return { ok: true, message: `${done} Shopify sent ${change.topic} and the app accepted it.` };
}

/** Applies the change in the fake Shopify; the fake then sends the signed webhook Shopify would send. */
export async function applyDemoStockAction(request: Request, form: FormData): Promise<DemoStockActionResult> {
  const store = demoShopifyFor(request);
  const parsed = demoStockActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, error: issues(parsed.error) };
  let change: DemoStockChange;
  try {
    change = parsed.data.intent === "set" ? await store.setAvailable(parsed.data) : await store.sell(parsed.data);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const what = `${change.orderName ? `Order ${change.orderName}: ` : ""}${change.sku ?? "the variant"} at ${change.locationName}: available ${change.availableBefore} → ${change.availableAfter}.`;
  if (change.webhookStatus === null)
    return {
      ok: true,
      message: `${what} Shopify does not track this variant's inventory, so it sent no inventory webhook.`,
    };
  if (change.webhookStatus !== 200)
    return {
      ok: false,
      error: `${what} Shopify sent inventory_levels/update but the app answered ${change.webhookStatus}.`,
    };
  return { ok: true, message: `${what} Shopify sent inventory_levels/update and the app accepted it.` };
}
