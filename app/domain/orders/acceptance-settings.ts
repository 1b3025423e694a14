import { z } from "zod";
import { MIRAKL_MAX_QUANTITY } from "~/domain/stock/rules";

/**
 * What a merchant configures, per marketplace connection, about accepting Mirakl orders (issue 10).
 * Meant to be embedded in the connection's settings JSON (see connection-settings.ts) and validated at
 * that boundary; every field has a default so rows written before it existed still parse.
 *
 * The defaults follow the issue: accept what can be served, refuse what cannot, 10 % price tolerance,
 * no quantity limit, refuse the whole order when the platform forbids partial acceptance, 24 h window.
 */

/**
 * The rules a waiting order line is checked against, in the order they are checked. Each one can fail,
 * and the merchant chooses per rule what a failure means: refuse the line, or send it to manual review.
 */
export const ACCEPTANCE_RULES = [
  /** Zero, negative or fractional quantity, unreadable or negative unit price, no offer SKU, duplicate line id. */
  "invalidLine",
  /** The order is in a currency the connection does not use. */
  "currencyMismatch",
  /** The offer the line was ordered from is deleted or not one this connection knows. */
  "unknownOffer",
  /** No Shopify SKU through the SKU mapping, no variant with it, or several variants share it. */
  "skuNotFound",
  /** The Shopify product is draft, archived, unlisted, deleted, or the variant was deleted. */
  "productInactive",
  /** The line orders more units than the per-line limit. */
  "quantityOverLimit",
  /** The unit price paid is further from the price we advertise than the tolerance. */
  "priceOutOfTolerance",
  /** Not enough sellable units once every other open order is counted. */
  "insufficientStock",
] as const;
export type AcceptanceRule = (typeof ACCEPTANCE_RULES)[number];

export const failureActionSchema = z.enum(["refuse", "review"]);
/** What a failed rule does to its line: refuse it (the default), or hold it for a person to decide. */
export type FailureAction = z.infer<typeof failureActionSchema>;

const onFailedRuleShape = Object.fromEntries(
  ACCEPTANCE_RULES.map((rule) => [rule, failureActionSchema.default("refuse")]),
) as Record<AcceptanceRule, z.ZodDefault<typeof failureActionSchema>>;

// Unknown keys are dropped, not refused, as in the other settings: a row written by a newer version still parses.
export const onFailedRuleSchema = z.object(onFailedRuleShape);
export type OnFailedRule = z.infer<typeof onFailedRuleSchema>;

/** Largest acceptance window: Mirakl operators auto-refuse after 3 to 7 days; 30 days is beyond any of them. */
export const MAX_ACCEPTANCE_WINDOW_HOURS = 720;

/** A percentage with at most two decimals ("12.5", "0.25"): it is turned into exact basis points. */
const percentWithTwoDecimals = z
  .number()
  .min(0, "the price tolerance cannot be negative")
  .max(100, "the price tolerance is at most 100 %")
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, {
    message: "the price tolerance has at most two decimals",
  });

/** The tolerance in exact basis points (10 % → 1000), the unit the price rule computes with. */
export function toleranceBasisPoints(percent: number): bigint {
  return BigInt(Math.round(percent * 100));
}

export const acceptanceSettingsSchema = z.object({
  /**
   * How far (in %, either way) the unit price paid may be from the price we advertise for the offer.
   * 10 accepts 90.00 to 110.00 for an advertised 100.00, both ends included.
   */
  priceTolerancePercent: percentWithTwoDecimals.default(10),
  /** Most units one order line may order; null = no limit. */
  maxQuantityPerLine: z
    .number()
    .int("the quantity limit is a whole number of units")
    .min(1, "the quantity limit is at least 1 unit (leave it empty for no limit)")
    .max(MIRAKL_MAX_QUANTITY)
    .nullable()
    .default(null),
  /** Per rule: refuse the line when it fails, or send it to manual review. Default: refuse, for every rule. */
  onFailedRule: onFailedRuleSchema.default(() => onFailedRuleSchema.parse({})),
  /**
   * When the platform forbids partial acceptance and some line would be refused: refuse the whole order,
   * or send every line to review so a person decides the order as a whole.
   */
  whenPartialAcceptanceForbidden: z.enum(["refuse-all", "review-all"]).default("refuse-all"),
  /**
   * Hours the marketplace gives to accept an order before refusing it by itself. Mirakl does not publish
   * it (it is operator configuration), so the merchant sets it; it drives the deadline clock.
   */
  acceptanceWindowHours: z
    .number()
    .int("the acceptance window is a whole number of hours")
    .min(1, "the acceptance window is at least 1 hour")
    .max(MAX_ACCEPTANCE_WINDOW_HOURS, `the acceptance window is at most ${MAX_ACCEPTANCE_WINDOW_HOURS} hours`)
    .default(24),
});

export type AcceptanceSettings = z.infer<typeof acceptanceSettingsSchema>;

/** The settings with every default applied. */
export const defaultAcceptanceSettings = (): AcceptanceSettings => acceptanceSettingsSchema.parse({});

export interface SettingsFieldError {
  /** Dotted path of the field ("onFailedRule.insufficientStock"); "" for the whole object. */
  field: string;
  message: string;
}

export type AcceptanceSettingsParse =
  { ok: true; settings: AcceptanceSettings } | { ok: false; errors: SettingsFieldError[] };

/** Parses stored or submitted settings; null/undefined is "nothing configured" (every default). Never throws. */
export function parseAcceptanceSettings(value: unknown): AcceptanceSettingsParse {
  const parsed = acceptanceSettingsSchema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message })),
  };
}
