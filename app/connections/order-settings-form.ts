import { z } from "zod";
import {
  ACCEPTANCE_RULES,
  acceptanceSettingsSchema,
  type AcceptanceRule,
  type AcceptanceSettings,
  type FailureAction,
} from "~/domain/orders/acceptance-settings";
import { refundSettingsSchema, type RefundSettings, type ShopifyOrderSettings } from "~/domain/connection-settings";
import { DEFAULT_SHIPPING_WARNING_HOURS, MAX_SHIPPING_WARNING_HOURS } from "~/domain/orders/shipping-deadline";

/**
 * The "Order acceptance" form of one connection: what the page edits (text as typed) and how it becomes
 * the domain's acceptance settings. Pure, shared by the page and the server; the domain schema has the last
 * word, this layer turns text into numbers with messages a merchant can act on, each on its field.
 */

/** What each rule means to a merchant, in the order the decision checks them. */
export const ruleLabels: Record<AcceptanceRule, { label: string; help: string }> = {
  invalidLine: {
    label: "Invalid line",
    help: "Zero, negative or fractional quantity, unreadable price, no SKU: Mirakl should never send these.",
  },
  currencyMismatch: { label: "Other currency", help: "The order is not in the connection's currency." },
  unknownOffer: { label: "Unknown offer", help: "The offer is not one of this connection's offers." },
  skuNotFound: {
    label: "SKU not in Shopify",
    help: "No Shopify variant has the SKU (through the SKU mapping), or several do.",
  },
  productInactive: { label: "Product not active", help: "The Shopify product is draft, archived or deleted." },
  quantityOverLimit: { label: "Quantity over the limit", help: "The line orders more units than the limit below." },
  priceOutOfTolerance: {
    label: "Price far from ours",
    help: "The unit price paid is further from the price we advertise than the tolerance below.",
  },
  insufficientStock: {
    label: "Not enough stock",
    help: "Fewer sellable units at the connection's locations than ordered, once every other open order is counted.",
  },
};

export interface OrderSettingsFormValues {
  /** Minutes between order polls (1–15). */
  ordersPollMinutes: string;
  /** Share of Mirakl's call allowance this app may use (10–100 %). */
  miraklBudgetPercent: string;
  priceTolerancePercent: string;
  /** "" = no limit. */
  maxQuantityPerLine: string;
  acceptanceWindowHours: string;
  whenPartialAcceptanceForbidden: AcceptanceSettings["whenPartialAcceptanceForbidden"];
  onFailedRule: Record<AcceptanceRule, FailureAction>;
  /** A Shopify order for each paid Mirakl order. */
  createShopifyOrders: boolean;
  shopifyCustomer: ShopifyOrderSettings["customer"];
  /** Hours before an order's shipping deadline at which it is flagged (0 to the maximum). */
  shippingDeadlineWarningHours: string;
  /** RE01 REFUND code sent with Shopify refunds; "" = ask each time (on the order's page). */
  refundReasonCode: string;
  /** RE01 CANCELATION code sent with cancellations; "" = ask each time. */
  cancelationReasonCode: string;
  /** Mirakl's refunds and cancelations appear in Shopify as refunds. */
  mirrorRefundsToShopify: boolean;
  /** Units Mirakl refunds on a shipped line go back to Shopify stock. */
  restockReturns: boolean;
}

export type OrderSettingsErrors = Record<string, string>;

export interface CallBudget {
  ordersPollMinutes: number;
  miraklBudgetPercent: number;
}

export function formValuesFrom(
  settings: AcceptanceSettings,
  budget: CallBudget,
  shopifyOrders: ShopifyOrderSettings,
  shippingDeadlineWarningHours = DEFAULT_SHIPPING_WARNING_HOURS,
  refunds: RefundSettings = refundSettingsSchema.parse({}),
): OrderSettingsFormValues {
  return {
    refundReasonCode: refunds.reasonCode ?? "",
    cancelationReasonCode: refunds.cancelationReasonCode ?? "",
    mirrorRefundsToShopify: refunds.mirrorToShopify,
    restockReturns: refunds.restockReturns,
    shippingDeadlineWarningHours: String(shippingDeadlineWarningHours),
    createShopifyOrders: shopifyOrders.create,
    shopifyCustomer: shopifyOrders.customer,
    ordersPollMinutes: String(budget.ordersPollMinutes),
    miraklBudgetPercent: String(budget.miraklBudgetPercent),
    priceTolerancePercent: String(settings.priceTolerancePercent),
    maxQuantityPerLine: settings.maxQuantityPerLine === null ? "" : String(settings.maxQuantityPerLine),
    acceptanceWindowHours: String(settings.acceptanceWindowHours),
    whenPartialAcceptanceForbidden: settings.whenPartialAcceptanceForbidden,
    onFailedRule: { ...settings.onFailedRule },
  };
}

/** What a submitted form may look like (from the browser: nothing trusted, missing parts are defaults). */
const submittedSchema = z.object({
  ordersPollMinutes: z.string().max(20).default("1"),
  miraklBudgetPercent: z.string().max(20).default("100"),
  priceTolerancePercent: z.string().max(20).default(""),
  maxQuantityPerLine: z.string().max(20).default(""),
  acceptanceWindowHours: z.string().max(20).default(""),
  whenPartialAcceptanceForbidden: z.enum(["refuse-all", "review-all"]).default("refuse-all"),
  onFailedRule: z.record(z.string(), z.enum(["refuse", "review"])).default({}),
  createShopifyOrders: z.boolean().default(true),
  shopifyCustomer: z.enum(["none", "attach"]).default("none"),
  // An older page's submission lacks it: the default, as a connection that never set it has.
  shippingDeadlineWarningHours: z.string().max(20).default(String(DEFAULT_SHIPPING_WARNING_HOURS)),
  // Pages from before the refund settings send none of these: the defaults, as a connection that never set them.
  refundReasonCode: z.string().max(200).default(""),
  cancelationReasonCode: z.string().max(200).default(""),
  mirrorRefundsToShopify: z.boolean().default(true),
  restockReturns: z.boolean().default(false),
});

const DECIMAL = /^\d+(\.\d+)?$/;
const WHOLE = /^\d+$/;

export type OrderSettingsParse =
  | {
      ok: true;
      settings: AcceptanceSettings;
      budget: CallBudget;
      shopifyOrders: ShopifyOrderSettings;
      shippingDeadlineWarningHours: number;
      refunds: RefundSettings;
    }
  | { ok: false; errors: OrderSettingsErrors };

function wholeIn(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

export function settingsFromForm(submitted: unknown): OrderSettingsParse {
  const form = submittedSchema.safeParse(submitted ?? {});
  if (!form.success) return { ok: false, errors: { form: "The form could not be read: reload the page" } };
  const values = form.data;
  const errors: OrderSettingsErrors = {};
  const tolerance = values.priceTolerancePercent.trim().replace(",", ".");
  if (!DECIMAL.test(tolerance)) errors.priceTolerancePercent = "Enter a percentage, e.g. 10";
  const limit = values.maxQuantityPerLine.trim();
  if (limit !== "" && !WHOLE.test(limit)) errors.maxQuantityPerLine = "Enter a whole number of units, or leave empty";
  const window = values.acceptanceWindowHours.trim();
  if (!WHOLE.test(window)) errors.acceptanceWindowHours = "Enter a whole number of hours, e.g. 24";
  const ordersPollMinutes = wholeIn(values.ordersPollMinutes, 1, 15);
  if (ordersPollMinutes === null) errors.ordersPollMinutes = "Enter a whole number of minutes from 1 to 15";
  const miraklBudgetPercent = wholeIn(values.miraklBudgetPercent, 10, 100);
  if (miraklBudgetPercent === null) errors.miraklBudgetPercent = "Enter a whole percentage from 10 to 100";
  const shippingDeadlineWarningHours = wholeIn(values.shippingDeadlineWarningHours, 0, MAX_SHIPPING_WARNING_HOURS);
  if (shippingDeadlineWarningHours === null)
    errors.shippingDeadlineWarningHours = `Enter a whole number of hours from 0 to ${MAX_SHIPPING_WARNING_HOURS}`;
  const refunds = refundSettingsSchema.safeParse({
    reasonCode: values.refundReasonCode.trim() || null,
    cancelationReasonCode: values.cancelationReasonCode.trim() || null,
    mirrorToShopify: values.mirrorRefundsToShopify,
    restockReturns: values.restockReturns,
  });
  if (!refunds.success)
    for (const issue of refunds.error.issues) {
      const field = issue.path[0] === "cancelationReasonCode" ? "cancelationReasonCode" : "refundReasonCode";
      errors[field] ??= "Not a reason code of the marketplace: choose one from the list";
    }
  if (Object.keys(errors).length || !refunds.success) return { ok: false, errors };

  const onFailedRule = Object.fromEntries(
    ACCEPTANCE_RULES.map((rule) => [rule, values.onFailedRule[rule] ?? "refuse"]),
  );
  const parsed = acceptanceSettingsSchema.safeParse({
    priceTolerancePercent: Number(tolerance),
    maxQuantityPerLine: limit === "" ? null : Number(limit),
    acceptanceWindowHours: Number(window),
    whenPartialAcceptanceForbidden: values.whenPartialAcceptanceForbidden,
    onFailedRule,
  });
  if (parsed.success)
    return {
      ok: true,
      settings: parsed.data,
      budget: { ordersPollMinutes: ordersPollMinutes!, miraklBudgetPercent: miraklBudgetPercent! },
      shopifyOrders: { create: values.createShopifyOrders, customer: values.shopifyCustomer },
      shippingDeadlineWarningHours: shippingDeadlineWarningHours!,
      refunds: refunds.data,
    };
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] === "onFailedRule" ? "form" : String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
