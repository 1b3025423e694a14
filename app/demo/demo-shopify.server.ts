import { z } from "zod";
import { demoAuthAllowed } from "~/auth.server";

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
  lines: Array<{ sku: string | null; title: string; quantity: number; unitPrice: string }>;
  tags: string[];
  /** Whether Shopify sent the buyer an order confirmation (orderCreate's `sendReceipt`). */
  receiptSent: boolean;
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
  return { shop: store.shop, locations: store.locations(), variants: store.variants(), orders: store.orders() };
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

/** Applies the change in the fake Shopify; the fake then sends the signed webhook Shopify would send. */
export async function applyDemoStockAction(request: Request, form: FormData): Promise<DemoStockActionResult> {
  const store = demoShopifyFor(request);
  const parsed = demoStockActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
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
