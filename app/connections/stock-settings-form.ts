import { z } from "zod";
import {
  MAX_IMPORT_AGE_LIMIT_MINUTES,
  MIN_IMPORT_AGE_LIMIT_MINUTES,
  offerCreationSchema,
  type ConnectionSettings,
} from "~/domain/connection-settings";
import { moneyForDisplay } from "~/domain/money";
import { offerPriceFor, priceRuleSchema, type PriceRule } from "~/domain/price-rule";
import { MIRAKL_MAX_QUANTITY, stockRulesSchema, type ConnectionStockRules } from "~/domain/stock/rules";
import {
  DEFAULT_EXPOSURE_WINDOW_MS,
  MAX_EXPOSURE_WINDOW_SECONDS,
  MIN_EXPOSURE_WINDOW_SECONDS,
} from "~/domain/stock/velocity";

/**
 * The "Stock & price settings" form of one connection: what the page edits (strings, as typed) and how
 * it becomes the domain's settings. Pure and free of server code, because the page component shares the
 * types and the defaults; the server runs `settingsFromForm` on every save. The domain schemas
 * (stock rules, price rule, offer creation) have the last word; this layer only turns text into numbers
 * with messages a merchant can act on and points every problem at the field it belongs to.
 */

export const roundingOptions = ["cents", "99", "whole"] as const;

export interface StockSettingsFormValues {
  locationIds: string[];
  buffer: string;
  bufferOverrides: { sku: string; units: string }[];
  lowStockHoldback: string;
  /** "" = no cap. */
  cap: string;
  untrackedMode: "fixed" | "exclude";
  untrackedQuantity: string;
  warehouses: { code: string; locationIds: string[] }[];
  velocityEnabled: boolean;
  /** Seconds; "" = the default derived from Mirakl's import cadence. */
  velocityWindowSeconds: string;
  pricesEnabled: boolean;
  markupPercent: string;
  rounding: (typeof roundingOptions)[number];
  mirrorSales: boolean;
  /**
   * The fingerprint of the extra prices (channel, volume, scheduled, customer) the merchant confirms a
   * price push may replace, as the page listed them; "" = nothing confirmed on this submission.
   */
  confirmExtraPrices: string;
  offersEnabled: boolean;
  stateCode: string;
  leadtimeToShip: string;
  /** Minutes an import may stay unfinished on Mirakl before it is given up. */
  importAgeLimitMinutes: string;
}

/**
 * Field keys: "buffer", "cap", "bufferOverrides.2.units", "warehouses.0.code", ... and "form" for what
 * belongs to no single field.
 */
export type SettingsFieldErrors = Record<string, string>;

/** What a submitted form may look like (it comes from the browser: nothing is trusted, missing parts are empty). */
export const settingsFormValuesSchema = z.object({
  locationIds: z.array(z.string().max(200)).max(1000).default([]),
  buffer: z.string().max(50).default(""),
  bufferOverrides: z
    .array(z.object({ sku: z.string().max(500).default(""), units: z.string().max(50).default("") }))
    .max(5000)
    .default([]),
  lowStockHoldback: z.string().max(50).default(""),
  cap: z.string().max(50).default(""),
  untrackedMode: z.enum(["fixed", "exclude"]).default("fixed"),
  untrackedQuantity: z.string().max(50).default(""),
  warehouses: z
    .array(
      z.object({
        code: z.string().max(500).default(""),
        locationIds: z.array(z.string().max(200)).max(1000).default([]),
      }),
    )
    .max(200)
    .default([]),
  // Missing from an older page's submission: protection stays on (the domain's default), never silently off.
  velocityEnabled: z.boolean().default(true),
  velocityWindowSeconds: z.string().max(50).default(""),
  pricesEnabled: z.boolean().default(false),
  markupPercent: z.string().max(50).default(""),
  rounding: z.enum(roundingOptions).default("cents"),
  mirrorSales: z.boolean().default(false),
  confirmExtraPrices: z.string().max(200).default(""),
  offersEnabled: z.boolean().default(false),
  stateCode: z.string().max(100).default(""),
  leadtimeToShip: z.string().max(50).default(""),
  // Missing from an older page's submission: the stored limit is kept (see settingsFromForm's caller).
  importAgeLimitMinutes: z.string().max(50).optional(),
});

/** The form as the stored settings fill it. */
export function formValuesFromSettings(
  settings: Pick<ConnectionSettings, "stock" | "prices" | "offers" | "importAgeLimitMinutes">,
): StockSettingsFormValues {
  const { stock, prices, offers } = settings;
  return {
    locationIds: [...stock.locationIds],
    buffer: String(stock.buffer),
    bufferOverrides: Object.entries(stock.bufferOverrides)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([sku, units]) => ({ sku, units: String(units) })),
    lowStockHoldback: String(stock.lowStockHoldback),
    cap: stock.cap === null ? "" : String(stock.cap),
    untrackedMode: stock.untracked.mode,
    untrackedQuantity: stock.untracked.mode === "fixed" ? String(stock.untracked.quantity) : "0",
    warehouses: stock.warehouses.map((w) => ({ code: w.code, locationIds: [...w.locationIds] })),
    velocityEnabled: stock.velocityProtection.enabled,
    velocityWindowSeconds:
      stock.velocityProtection.windowSeconds === null ? "" : String(stock.velocityProtection.windowSeconds),
    pricesEnabled: prices.enabled,
    markupPercent: String(prices.markupPercent),
    rounding: prices.rounding,
    mirrorSales: prices.mirrorSales,
    confirmExtraPrices: "",
    offersEnabled: offers.enabled,
    stateCode: offers.stateCode,
    leadtimeToShip: String(offers.leadtimeToShip),
    importAgeLimitMinutes: String(settings.importAgeLimitMinutes),
  };
}

export type SettingsFromForm =
  | {
      ok: true;
      stock: ConnectionStockRules;
      prices: PriceRule;
      offers: ConnectionSettings["offers"];
      importAgeLimitMinutes: number;
    }
  | { ok: false; errors: SettingsFieldErrors };

const formatMax = MIRAKL_MAX_QUANTITY.toLocaleString("en-US");

/** A count of units typed by the merchant: digits only, 0 … Mirakl's maximum. */
function units(text: string, what: string): { value: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { error: `Enter ${what} (0 for none)` };
  if (!/^\d+$/.test(trimmed)) return { error: `${capitalise(what)} is a whole number of units, 0 or more` };
  const value = Number(trimmed);
  if (value > MIRAKL_MAX_QUANTITY) return { error: `${capitalise(what)} is at most ${formatMax}` };
  return { value };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Maps a domain issue path back onto the form's field keys. */
function fieldOfStockIssue(path: readonly PropertyKey[], overrideIndex: ReadonlyMap<string, number>): string {
  const [head, second, third] = path;
  if (head === "bufferOverrides" && typeof second === "string")
    return `bufferOverrides.${overrideIndex.get(second) ?? 0}.units`;
  if (head === "warehouses" && typeof second === "number")
    return third === "code" ? `warehouses.${second}.code` : `warehouses.${second}.locationIds`;
  if (head === "untracked") return "untrackedQuantity";
  if (head === "velocityProtection") return "velocityWindowSeconds";
  if (typeof head === "string") return head;
  return "form";
}

export function settingsFromForm(values: StockSettingsFormValues): SettingsFromForm {
  const errors: SettingsFieldErrors = {};
  const set = (field: string, message: string) => {
    errors[field] ??= message;
  };
  const number = (field: string, text: string, what: string) => {
    const parsed = units(text, what);
    if ("error" in parsed) set(field, parsed.error);
    return "value" in parsed ? parsed.value : 0;
  };

  const buffer = number("buffer", values.buffer, "the buffer");
  const lowStockHoldback = number("lowStockHoldback", values.lowStockHoldback, "the low-stock holdback");
  const cap = values.cap.trim() === "" ? null : number("cap", values.cap, "the cap");
  const untrackedQuantity =
    values.untrackedMode === "fixed"
      ? number("untrackedQuantity", values.untrackedQuantity, "the quantity for untracked variants")
      : 0;

  // Per-SKU buffers: a row left entirely blank is ignored (added, then not used).
  const bufferOverrides: Record<string, number> = {};
  const overrideIndex = new Map<string, number>();
  values.bufferOverrides.forEach((row, i) => {
    const sku = row.sku.trim();
    if (sku === "" && row.units.trim() === "") return;
    if (sku === "") set(`bufferOverrides.${i}.sku`, "Enter the Shopify SKU this buffer is for");
    else if (overrideIndex.has(sku)) set(`bufferOverrides.${i}.sku`, `${sku} already has its own buffer above`);
    const value = number(`bufferOverrides.${i}.units`, row.units, "this SKU's buffer");
    if (sku !== "" && !overrideIndex.has(sku)) {
      overrideIndex.set(sku, i);
      bufferOverrides[sku] = value;
    }
  });

  const chosen = new Set(values.locationIds);
  const warehouses = values.warehouses
    .map((w, i) => ({ index: i, code: w.code.trim(), locationIds: [...new Set(w.locationIds)] }))
    .filter((w) => w.code !== "" || w.locationIds.length > 0);
  for (const w of warehouses) {
    if (w.code === "") set(`warehouses.${w.index}.code`, "Enter the Mirakl warehouse code");
    if (w.locationIds.length === 0)
      set(`warehouses.${w.index}.locationIds`, "Choose the locations that supply this warehouse");
    // The domain ignores a mapped location that is not chosen; saying so beats silently counting nothing.
    const unchosen = w.locationIds.filter((id) => !chosen.has(id));
    if (unchosen.length)
      set(
        `warehouses.${w.index}.locationIds`,
        "Only chosen locations can supply a warehouse: tick them under Locations first",
      );
  }

  // The exposure window: blank = derived from Mirakl's import cadence; otherwise whole seconds within bounds.
  const windowText = values.velocityWindowSeconds.trim();
  let windowSeconds: number | null = null;
  if (windowText !== "") {
    if (!/^\d+$/.test(windowText))
      set(
        "velocityWindowSeconds",
        `The window is a whole number of seconds, or empty for the default (${DEFAULT_EXPOSURE_WINDOW_MS / 1000} s)`,
      );
    else if (Number(windowText) < MIN_EXPOSURE_WINDOW_SECONDS || Number(windowText) > MAX_EXPOSURE_WINDOW_SECONDS)
      set(
        "velocityWindowSeconds",
        `The window is between ${MIN_EXPOSURE_WINDOW_SECONDS} and ${MAX_EXPOSURE_WINDOW_SECONDS} seconds`,
      );
    else windowSeconds = Number(windowText);
  }

  const markupText = values.markupPercent.trim();
  let markupPercent = 0;
  if (markupText === "") set("markupPercent", "Enter the markup in percent (0 for none)");
  else if (!/^-?\d+(\.\d{1,2})?$/.test(markupText))
    set("markupPercent", "The markup is a percentage such as 15 or 12.5 (at most 2 decimals)");
  else markupPercent = Number(markupText);
  const leadtimeText = values.leadtimeToShip.trim();
  let leadtimeToShip = 0;
  if (!/^\d+$/.test(leadtimeText)) set("leadtimeToShip", "Enter the days to ship as a whole number");
  else leadtimeToShip = Number(leadtimeText);
  const ageLimitText = values.importAgeLimitMinutes.trim();
  const importAgeLimitMinutes = Number(ageLimitText);
  if (
    !/^\d+$/.test(ageLimitText) ||
    importAgeLimitMinutes < MIN_IMPORT_AGE_LIMIT_MINUTES ||
    importAgeLimitMinutes > MAX_IMPORT_AGE_LIMIT_MINUTES
  )
    set(
      "importAgeLimitMinutes",
      `The import time limit is a whole number of minutes between ${MIN_IMPORT_AGE_LIMIT_MINUTES} and ${MAX_IMPORT_AGE_LIMIT_MINUTES}`,
    );

  // The domain's own rules (duplicates, one location per warehouse, ranges) decide the rest, in the same
  // answer: a field that did not read as a number keeps its first message (set() never overwrites).
  const stock = stockRulesSchema.safeParse({
    locationIds: values.locationIds,
    buffer,
    bufferOverrides,
    lowStockHoldback,
    cap,
    untracked: values.untrackedMode === "fixed" ? { mode: "fixed", quantity: untrackedQuantity } : { mode: "exclude" },
    warehouses: warehouses.map((w) => ({ code: w.code, locationIds: w.locationIds })),
    velocityProtection: { enabled: values.velocityEnabled, windowSeconds },
  });
  if (!stock.success) {
    const formIndex = new Map(warehouses.map((w, i) => [i, w.index]));
    for (const issue of stock.error.issues) {
      const path =
        issue.path[0] === "warehouses" && typeof issue.path[1] === "number"
          ? ["warehouses", formIndex.get(issue.path[1]) ?? issue.path[1], ...issue.path.slice(2)]
          : issue.path;
      set(fieldOfStockIssue(path, overrideIndex), issue.message);
    }
  }
  const prices = priceRuleSchema.safeParse({
    enabled: values.pricesEnabled,
    markupPercent,
    rounding: values.rounding,
    mirrorSales: values.mirrorSales,
  });
  if (!prices.success) {
    for (const issue of prices.error.issues)
      set(
        issue.path[0] === "markupPercent" ? "markupPercent" : "form",
        issue.path[0] === "markupPercent" ? "The markup is between −90 % and 1000 %" : issue.message,
      );
  }
  const offers = offerCreationSchema.safeParse({
    enabled: values.offersEnabled,
    stateCode: values.stateCode.trim(),
    leadtimeToShip,
  });
  if (!offers.success) {
    for (const issue of offers.error.issues) {
      if (issue.path[0] === "stateCode")
        set("stateCode", "The offer condition is a code of letters, digits or _ (at most 20), such as 11");
      else if (issue.path[0] === "leadtimeToShip") set("leadtimeToShip", "Days to ship are between 0 and 60");
      else set("form", issue.message);
    }
  }
  if (!stock.success || !prices.success || !offers.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, stock: stock.data, prices: prices.data, offers: offers.data, importAgeLimitMinutes };
}

/** What a sample Shopify price becomes under the rule being edited, so the merchant sees the effect. */
export function pricePreview(values: StockSettingsFormValues): string | null {
  const rule = priceRuleSchema.safeParse({
    enabled: true,
    markupPercent: Number(values.markupPercent),
    rounding: values.rounding,
    mirrorSales: values.mirrorSales,
  });
  if (!rule.success || values.markupPercent.trim() === "") return null;
  const regular = offerPriceFor({ price: "19.90", compareAtPrice: null }, rule.data);
  const sale = offerPriceFor({ price: "15.90", compareAtPrice: "19.90" }, rule.data);
  if (!regular || !sale) return null;
  // Canonical decimals ("19.9") are for Mirakl; a merchant reads prices with their cents.
  const shown = moneyForDisplay;
  return `A Shopify price of 19.90 is offered at ${shown(regular.price)}. On sale at 15.90 (was 19.90): ${shown(sale.price)}${sale.discountPrice ? ` with a discount price of ${shown(sale.discountPrice)}` : ", the sale is not mirrored"}.`;
}
