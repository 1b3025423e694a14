import { z } from "zod";
import { MAX_EXPOSURE_WINDOW_SECONDS, MIN_EXPOSURE_WINDOW_SECONDS } from "~/domain/stock/velocity";

/**
 * What a merchant configures, per marketplace connection, about the stock it advertises. Embedded
 * in the connection's settings JSON (see connection-settings.ts) and validated at that boundary;
 * every field has a default so older rows still parse.
 *
 * The defaults never push stock blindly: no location is chosen, so nothing is sellable (every SKU
 * advertises 0 with the reason "no-locations-chosen") until the merchant picks the locations that
 * fulfil this marketplace. "All active locations" was rejected as a default: it would silently
 * include a retail shop or a returns location whose stock is not meant for the marketplace.
 */

/** Mirakl's upper bound for an offer quantity (integrator-quoted; quantity integer ≥ 0, ≤ 1e9). */
export const MIRAKL_MAX_QUANTITY = 1_000_000_000;

const quantity = z.number().int().min(0).max(MIRAKL_MAX_QUANTITY);

/** Shopify location ids as the sync stores them (GIDs or numeric strings): opaque, non-empty. */
const locationId = z.string().trim().min(1).max(200);

/**
 * A Mirakl warehouse code. "" is excluded on purpose: in STO01 an empty warehouse-code is the
 * global (warehouse-less) quantity, so it cannot name a warehouse.
 */
const warehouseCode = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\s;,|"]+$/, "a warehouse code has no spaces or CSV separators");

export const untrackedRuleSchema = z.discriminatedUnion("mode", [
  /** Advertise a fixed quantity for variants whose inventory Shopify does not track. */
  z.object({ mode: z.literal("fixed"), quantity }),
  /** Do not push those SKUs at all: Mirakl keeps whatever the merchant maintains there by hand. */
  z.object({ mode: z.literal("exclude") }),
]);
export type UntrackedRule = z.infer<typeof untrackedRuleSchema>;

export const warehouseMappingSchema = z.object({
  code: warehouseCode,
  locationIds: z.array(locationId).min(1),
});
export type WarehouseMapping = z.infer<typeof warehouseMappingSchema>;

/**
 * Sales-velocity protection (see ./velocity.ts). On by default, also for connections saved before it
 * existed: the oversell it prevents is the one no buffer set by hand tracks.
 */
export const velocityProtectionSchema = z.object({
  enabled: z.boolean().default(true),
  /** How long a sale elsewhere can stay invisible to this marketplace, in seconds; null = derived from the push cadence. */
  windowSeconds: z
    .number()
    .int()
    .min(MIN_EXPOSURE_WINDOW_SECONDS)
    .max(MAX_EXPOSURE_WINDOW_SECONDS)
    .nullable()
    .default(null),
});
export type VelocityProtection = z.infer<typeof velocityProtectionSchema>;

export const stockRulesSchema = z
  .object({
    /** Shopify locations whose `available` stock this connection may sell. Empty = nothing sellable. */
    locationIds: z.array(locationId).default([]),
    /** Units always kept back from this marketplace, per SKU. */
    buffer: quantity.default(0),
    /** Per Shopify SKU buffer; wins over `buffer` even when smaller (0 = no buffer for that SKU). */
    bufferOverrides: z.record(z.string().min(1), quantity).default({}),
    /** When the sellable quantity is at or below this, advertise 0 (0 = off). */
    lowStockHoldback: quantity.default(0),
    /** Never advertise more than this (null = no cap). */
    cap: quantity.nullable().default(null),
    /**
     * Variants Shopify does not track. Default: a fixed 0 rather than "exclude", because excluding
     * leaves whatever quantity Mirakl last had (possibly a stale positive one) on sale.
     */
    untracked: untrackedRuleSchema.default({ mode: "fixed", quantity: 0 }),
    /**
     * Per-warehouse stock (Mirakl warehouse code → Shopify locations). Empty = one global quantity.
     * Only locations also listed in `locationIds` count; each location belongs to one warehouse.
     */
    warehouses: z.array(warehouseMappingSchema).default([]),
    velocityProtection: velocityProtectionSchema.default({ enabled: true, windowSeconds: null }),
  })
  .superRefine((rules, ctx) => {
    const chosen = new Set<string>();
    rules.locationIds.forEach((id, i) => {
      if (chosen.has(id))
        ctx.addIssue({ code: "custom", path: ["locationIds", i], message: `location ${id} is listed twice` });
      chosen.add(id);
    });
    const codes = new Set<string>();
    const owner = new Map<string, string>();
    rules.warehouses.forEach((warehouse, w) => {
      if (codes.has(warehouse.code))
        ctx.addIssue({
          code: "custom",
          path: ["warehouses", w, "code"],
          message: `warehouse ${warehouse.code} is listed twice`,
        });
      codes.add(warehouse.code);
      warehouse.locationIds.forEach((id, i) => {
        // One location in two warehouses would count its stock twice: the sum could oversell.
        const first = owner.get(id);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["warehouses", w, "locationIds", i],
            message: `location ${id} already feeds warehouse ${first}`,
          });
        } else owner.set(id, warehouse.code);
      });
    });
  });

export type ConnectionStockRules = z.infer<typeof stockRulesSchema>;

/** The rules with every default applied: nothing chosen, nothing sellable. */
export const defaultStockRules = (): ConnectionStockRules => stockRulesSchema.parse({});
