import { MIRAKL_MAX_QUANTITY, type ConnectionStockRules, type UntrackedRule } from "~/domain/stock/rules";
import { exposureWindowMs, velocityHold, type SaleEvent } from "~/domain/stock/velocity";
import { allocatePool, type WarehouseAllocation } from "~/domain/stock/warehouses";

export {
  MIRAKL_MAX_QUANTITY,
  defaultStockRules,
  stockRulesSchema,
  untrackedRuleSchema,
  warehouseMappingSchema,
} from "~/domain/stock/rules";
export type { ConnectionStockRules, UntrackedRule, WarehouseMapping } from "~/domain/stock/rules";
export type { WarehouseAllocation } from "~/domain/stock/warehouses";
export type { SaleEvent } from "~/domain/stock/velocity";
export {
  diffDesiredVsPushed,
  planStockImportBatch,
  MAX_STOCK_IMPORT_LINES,
  type StockImportRow,
  type StockImportPlan,
} from "~/domain/stock/import-plan";

/**
 * What one Shopify SKU may advertise on one marketplace connection (issue 5). Pure: the caller
 * gathers the snapshot and the rules; this decides and explains.
 *
 *   sellable = Σ available over the chosen locations
 *              − marketplace reservations not yet in Shopify (all connections of the shop)
 *              − units held for sales velocity (./stock/velocity.ts; when on and sales are given)
 *              − buffer (per-SKU override, else the connection's default)
 *   then 0 if at or below the low-stock holdback, then min(cap), never below 0, integers only.
 *
 * Decisions where the issue is silent (each one errs towards advertising less, never more):
 *  - A negative `available` (Shopify allows it when overselling is on) is summed as is, NOT clamped
 *    at 0 per location: those units are already sold, and nothing guarantees they will be restocked
 *    at that location rather than fulfilled (transferred, rerouted) from another chosen location.
 *    Clamping could advertise stock that is already owed; summing can only advertise less.
 *  - Only ACTIVE products sell. Draft, archived, unlisted, any unknown future status, a deleted
 *    product (status null) or a deleted variant → 0, not "excluded": Mirakl must stop selling it.
 *    These checks come before the untracked rule, so an archived untracked variant is 0, too.
 *  - Untracked variants: the configured fixed quantity, bounded by the cap only (reservations,
 *    buffer and holdback are about counted stock, which an untracked variant does not have).
 *  - Corrupt inventory data at a chosen location (a non-integer or non-finite `available`, the same
 *    location twice) or a corrupt reservation count → 0 with reason "invalid-inventory-data":
 *    no guess is safe, and the Stock page names the problem.
 *  - The holdback is applied before the cap (as the issue orders them), so a cap below the holdback
 *    still advertises the cap once the stock is above the holdback.
 *  - The result is also bounded by Mirakl's maximum quantity (1e9).
 *  - Buffer overrides are keyed by Shopify SKU (the SKU the merchant sees in Shopify).
 *  - Warehouses: see ./stock/warehouses.ts. Holdback and cap apply to the pool, not per warehouse.
 */

/** Shopify ProductStatus; unknown values are accepted and are simply not sellable. */
export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED" | (string & {});

export interface StockLevel {
  locationId: string;
  /** Shopify's `available` quantity at this location (never `on_hand`). May be negative. */
  available: number;
}

export interface SkuStockSnapshot {
  /** Shopify SKU; the key of buffer overrides. */
  sku: string;
  variantExists: boolean;
  /** null when the product no longer exists. */
  productStatus: ProductStatus | null;
  /** Shopify's inventoryItem.tracked. */
  tracked: boolean;
  /** Inventory levels of the variant, any locations (unchosen ones are ignored). */
  levels: readonly StockLevel[];
  /** Units on Mirakl order lines of ANY connection whose Shopify order does not exist yet. */
  reservedNotInShopify: number;
  /**
   * Recent sales on every channel and the time they are judged at, for sales-velocity protection.
   * Absent: no hold (a caller that does not observe sales, e.g. a one-off preview).
   */
  velocity?: { sales: readonly SaleEvent[]; now: number };
}

export type LocationNote =
  /** Chosen, and its `available` is summed (negative included). */
  | "counted"
  /** Chosen, but Shopify has no inventory level for the variant there: contributes 0. */
  | "not-stocked"
  /** Not chosen for this connection: contributes nothing. */
  | "not-chosen";

export interface LocationContribution {
  locationId: string;
  available: number | null;
  note: LocationNote;
}

export interface WarehouseExplanation extends WarehouseAllocation {
  /** Locations of the mapping that feed this warehouse (chosen ones). */
  locationIds: string[];
  /** Locations of the mapping that are not among the chosen locations: ignored. */
  ignoredLocationIds: string[];
}

export type SellableStep =
  | { step: "variant-missing" }
  | { step: "product-inactive"; status: string | null }
  | { step: "invalid-inventory-data"; problem: string }
  | { step: "untracked"; rule: UntrackedRule }
  | { step: "locations"; locations: LocationContribution[]; total: number }
  | { step: "reservations"; units: number; after: number }
  | {
      step: "velocity";
      units: number;
      soldUnits: number;
      sales: number;
      lookbackSeconds: number;
      windowSeconds: number;
      after: number;
    }
  | { step: "buffer"; units: number; source: "default" | "override"; after: number }
  | { step: "floor"; before: number; after: 0 }
  | { step: "holdback"; threshold: number; applied: boolean; after: number }
  | { step: "cap"; cap: number; applied: boolean; after: number }
  | { step: "warehouses"; pool: number; allocations: WarehouseExplanation[]; unallocated: number };

/** Why a SKU advertises 0: the first step that brought the quantity to 0. */
export type ZeroReason =
  | "variant-missing"
  | "product-inactive"
  | "invalid-inventory-data"
  | "untracked-fixed-zero"
  | "no-locations-chosen"
  | "no-stock"
  | "reservations"
  | "velocity"
  | "buffer"
  | "holdback"
  | "cap"
  /** Warehouse mode: the pool is positive but no warehouse holds any of it. */
  | "no-warehouse-stock";

export type SellableResult =
  | {
      kind: "push";
      /** What the connection advertises in total (the sum of `warehouses` when warehouses are mapped). */
      quantity: number;
      /** Per-warehouse quantities, in mapping order; null when the connection pushes one global quantity. */
      warehouses: { code: string; quantity: number }[] | null;
      zeroReason: ZeroReason | null;
      steps: SellableStep[];
      /** When a velocity hold in this result may change by itself (epoch ms): recompute then. */
      velocityReviewAt?: number | null;
    }
  | {
      /** Not pushed at all (untracked variant, rule "exclude"): distinct from advertising 0. */
      kind: "excluded";
      reason: "untracked-excluded";
      steps: SellableStep[];
    };

const isCount = (n: number) => Number.isInteger(n);

function finish(
  rules: ConnectionStockRules,
  quantity: number,
  zeroReason: ZeroReason | null,
  steps: SellableStep[],
): Extract<SellableResult, { kind: "push" }> {
  return {
    kind: "push",
    quantity,
    warehouses: rules.warehouses.length ? rules.warehouses.map((w) => ({ code: w.code, quantity: 0 })) : null,
    zeroReason: quantity === 0 ? zeroReason : null,
    steps,
  };
}

/** Validates the data this decision depends on; returns a problem or null. */
function inventoryProblem(snapshot: SkuStockSnapshot, chosen: ReadonlySet<string>): string | null {
  const r = snapshot.reservedNotInShopify;
  if (!isCount(r) || r < 0) return `reservation count ${r} is not a whole number of units`;
  const seen = new Set<string>();
  for (const level of snapshot.levels) {
    if (!chosen.has(level.locationId)) continue;
    if (seen.has(level.locationId)) return `location ${level.locationId} appears twice in the inventory levels`;
    seen.add(level.locationId);
    if (!isCount(level.available))
      return `available ${level.available} at location ${level.locationId} is not a whole number`;
  }
  return null;
}

export function sellableQuantity(snapshot: SkuStockSnapshot, rules: ConnectionStockRules): SellableResult {
  const steps: SellableStep[] = [];

  if (!snapshot.variantExists) {
    steps.push({ step: "variant-missing" });
    return finish(rules, 0, "variant-missing", steps);
  }
  if (snapshot.productStatus !== "ACTIVE") {
    steps.push({ step: "product-inactive", status: snapshot.productStatus });
    return finish(rules, 0, "product-inactive", steps);
  }

  if (!snapshot.tracked) {
    steps.push({ step: "untracked", rule: rules.untracked });
    if (rules.untracked.mode === "exclude") return { kind: "excluded", reason: "untracked-excluded", steps };
    let value = Math.min(rules.untracked.quantity, MIRAKL_MAX_QUANTITY);
    let reason: ZeroReason | null = value === 0 ? "untracked-fixed-zero" : null;
    if (rules.cap !== null) {
      const applied = value > rules.cap;
      value = Math.min(value, rules.cap);
      steps.push({ step: "cap", cap: rules.cap, applied, after: value });
      if (applied && value === 0) reason = "cap";
    }
    // No per-location stock to split: the merchant's first (primary) warehouse advertises it all.
    const result = finish(rules, value, reason, steps);
    if (result.kind === "push" && result.warehouses?.length) result.warehouses[0].quantity = value;
    return result;
  }

  const chosen = new Set(rules.locationIds);
  const problem = inventoryProblem(snapshot, chosen);
  if (problem) {
    steps.push({ step: "invalid-inventory-data", problem });
    return finish(rules, 0, "invalid-inventory-data", steps);
  }

  // 1. Σ available over the chosen locations (negative values subtract; see the header).
  const levelAt = new Map(snapshot.levels.map((l) => [l.locationId, l.available]));
  const locations: LocationContribution[] = [
    ...rules.locationIds.map((id): LocationContribution =>
      levelAt.has(id)
        ? { locationId: id, available: levelAt.get(id)!, note: "counted" }
        : { locationId: id, available: null, note: "not-stocked" },
    ),
    ...snapshot.levels
      .filter((l) => !chosen.has(l.locationId))
      .map((l): LocationContribution => ({ locationId: l.locationId, available: l.available, note: "not-chosen" })),
  ];
  const total = locations.reduce((sum, l) => (l.note === "counted" ? sum + l.available! : sum), 0);
  steps.push({ step: "locations", locations, total });
  let value = total;
  let reason: ZeroReason | null =
    rules.locationIds.length === 0 ? "no-locations-chosen" : value <= 0 ? "no-stock" : null;

  // 2. Reservations not yet in Shopify, then 3. the buffer.
  value -= snapshot.reservedNotInShopify;
  steps.push({ step: "reservations", units: snapshot.reservedNotInShopify, after: value });
  if (reason === null && value <= 0) reason = "reservations";

  // 2b. Units expected to sell elsewhere before a lower quantity can reach this marketplace.
  let velocityReviewAt: number | null = null;
  if (rules.velocityProtection.enabled && snapshot.velocity) {
    const hold = velocityHold(
      snapshot.velocity.sales,
      snapshot.velocity.now,
      exposureWindowMs(rules.velocityProtection.windowSeconds),
      chosen,
    );
    velocityReviewAt = hold.changesAt;
    if (hold.sales > 0) {
      value -= hold.units;
      steps.push({
        step: "velocity",
        units: hold.units,
        soldUnits: hold.soldUnits,
        sales: hold.sales,
        lookbackSeconds: hold.lookbackMs / 1000,
        windowSeconds: hold.exposureMs / 1000,
        after: value,
      });
      if (reason === null && value <= 0) reason = "velocity";
    }
  }

  const hasOverride = Object.hasOwn(rules.bufferOverrides, snapshot.sku);
  const buffer = hasOverride ? rules.bufferOverrides[snapshot.sku] : rules.buffer;
  value -= buffer;
  steps.push({ step: "buffer", units: buffer, source: hasOverride ? "override" : "default", after: value });
  if (reason === null && value <= 0) reason = "buffer";

  if (value < 0) {
    steps.push({ step: "floor", before: value, after: 0 });
    value = 0;
  }

  // 4. Low-stock holdback: at or below the threshold, advertise nothing.
  const holdbackApplies = value > 0 && value <= rules.lowStockHoldback;
  if (holdbackApplies) {
    value = 0;
    reason ??= "holdback";
  }
  steps.push({ step: "holdback", threshold: rules.lowStockHoldback, applied: holdbackApplies, after: value });

  // 5. Cap (and Mirakl's own maximum).
  if (rules.cap !== null) {
    const applied = value > rules.cap;
    value = Math.min(value, rules.cap);
    steps.push({ step: "cap", cap: rules.cap, applied, after: value });
    if (applied && value === 0) reason ??= "cap";
  }
  value = Math.min(value, MIRAKL_MAX_QUANTITY);

  // Only a caller that gave sales hears when to look again.
  const review = snapshot.velocity ? { velocityReviewAt } : {};
  if (!rules.warehouses.length) return { ...finish(rules, value, reason, steps), ...review };

  // 6. Per-warehouse split of the pool: never more than the pool, never more than a warehouse holds.
  const pool = value;
  const mappings = rules.warehouses.map((w) => {
    const feeding = w.locationIds.filter((id) => chosen.has(id));
    const capacity = Math.max(
      0,
      feeding.reduce((sum, id) => sum + (levelAt.get(id) ?? 0), 0),
    );
    return {
      code: w.code,
      capacity,
      locationIds: feeding,
      ignoredLocationIds: w.locationIds.filter((id) => !chosen.has(id)),
    };
  });
  const allocations = allocatePool(pool, mappings);
  const explained: WarehouseExplanation[] = allocations.map((a, i) => ({
    ...a,
    locationIds: mappings[i].locationIds,
    ignoredLocationIds: mappings[i].ignoredLocationIds,
  }));
  const advertised = allocations.reduce((sum, a) => sum + a.quantity, 0);
  steps.push({ step: "warehouses", pool, allocations: explained, unallocated: pool - advertised });
  if (reason === null && advertised === 0) reason = "no-warehouse-stock";
  return {
    kind: "push",
    quantity: advertised,
    warehouses: allocations.map((a) => ({ code: a.code, quantity: a.quantity })),
    zeroReason: advertised === 0 ? reason : null,
    steps,
    ...review,
  };
}
