import type { SellableResult, SellableStep, ZeroReason } from "~/domain/sellable-quantity";

/**
 * Turns the explanation stored on an OfferStock row (written by the recompute: the domain's result and
 * its steps) into words a merchant can check against Shopify, e.g.
 * "12 available at Warehouse − 1 reserved − buffer 2 = 9". Pure; the stored JSON is read defensively,
 * since rows written by older versions (or by hand) may not have every field.
 */

export interface OfferExplanation {
  /** One line: the arithmetic, or why nothing is advertised. */
  summary: string;
  /** Every step, in order, for a detail view. */
  details: string[];
}

type LocationNames = Readonly<Record<string, string>>;

/** "Warehouse" when the name is known, else the short id ("location 7001"): never a raw GID. */
export function locationLabel(id: string, names: LocationNames): string {
  const name = names[id];
  if (name) return name;
  const tail = /\/(\d+)$/.exec(id)?.[1];
  return `location ${tail ?? id}`;
}

const zeroReasonText: Record<ZeroReason, string> = {
  "variant-missing": "the Shopify variant no longer exists",
  "product-inactive": "the Shopify product is not active",
  "invalid-inventory-data": "Shopify's inventory data for it is unreadable",
  "untracked-fixed-zero": "Shopify does not track its inventory and the rule for untracked variants says 0",
  "no-locations-chosen": "no Shopify location is chosen for this marketplace",
  "no-stock": "there is no stock at the chosen locations",
  reservations: "marketplace orders not yet in Shopify reserve it all",
  velocity: "it is selling fast elsewhere, faster than a stock import can follow",
  buffer: "the buffer keeps it all back",
  holdback: "the stock is at or below the low-stock holdback",
  cap: "the cap is 0",
  "no-warehouse-stock": "no mapped warehouse holds any of it",
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stepText(step: SellableStep, names: LocationNames): string | null {
  switch (step.step) {
    case "variant-missing":
      return "The Shopify variant no longer exists: 0";
    case "product-inactive":
      return `The Shopify product is ${step.status ? step.status.toLowerCase() : "deleted"}: 0`;
    case "invalid-inventory-data":
      return `Inventory data cannot be used (${step.problem}): 0`;
    case "untracked":
      return step.rule.mode === "exclude"
        ? "Shopify does not track this variant's inventory: its marketplace quantity is left as it is (not pushed)"
        : `Shopify does not track this variant's inventory: fixed quantity ${step.rule.quantity}`;
    case "locations": {
      const counted = step.locations.filter((l) => l.note === "counted");
      const notStocked = step.locations.filter((l) => l.note === "not-stocked");
      const ignored = step.locations.filter((l) => l.note === "not-chosen");
      const parts = [
        counted.length === 0 && notStocked.length === 0
          ? "No location chosen: 0 available"
          : `${step.total} available at the chosen locations`,
        ...counted.map((l) => `${l.available} at ${locationLabel(l.locationId, names)}`),
        ...notStocked.map((l) => `${locationLabel(l.locationId, names)} does not stock it`),
      ];
      if (ignored.length)
        parts.push(
          `not counted (not chosen): ${ignored.map((l) => `${l.available} at ${locationLabel(l.locationId, names)}`).join(", ")}`,
        );
      return parts.join("; ");
    }
    case "reservations":
      return step.units ? `− ${step.units} reserved by marketplace orders not yet in Shopify → ${step.after}` : null;
    case "velocity":
      return step.units
        ? `− ${step.units} held for sales velocity (${salesLine(step)}) → ${step.after}`
        : `Sales velocity: ${salesLine(step)}`;
    case "buffer":
      return step.units
        ? `− buffer ${step.units}${step.source === "override" ? " (this SKU's own buffer)" : ""} → ${step.after}`
        : step.source === "override"
          ? "No buffer for this SKU (its own buffer is 0)"
          : null;
    case "floor":
      return `Never below 0: ${step.before} → 0`;
    case "holdback":
      return step.applied ? `At or below the low-stock holdback of ${step.threshold}: 0` : null;
    case "cap":
      return step.applied ? `Capped at ${step.cap}` : null;
    case "warehouses":
      return `Split across warehouses: ${step.allocations.map((a) => `${a.code} ${a.quantity}`).join(", ")}${step.unallocated ? ` (${step.unallocated} not held by any mapped warehouse)` : ""}`;
  }
}

/** "5 sold in the last 2 min 40 s"; "1 sale is no rate yet" for the ramp. */
function salesLine(step: Extract<SellableStep, { step: "velocity" }>): string {
  const seconds = Math.round(step.lookbackSeconds);
  const span =
    seconds % 60 === 0
      ? `${seconds / 60} min`
      : seconds > 60
        ? `${Math.floor(seconds / 60)} min ${seconds % 60} s`
        : `${seconds} s`;
  const sold = `${step.soldUnits} sold in the last ${span}`;
  return step.units ? sold : `${sold}, ${step.sales === 1 ? "a single sale is" : "too few sales are"} no rate yet`;
}

/** The arithmetic in one line, for a row of the Stock page. */
function arithmetic(result: Extract<SellableResult, { kind: "push" }>, names: LocationNames): string {
  const locations = result.steps.find((s): s is Extract<SellableStep, { step: "locations" }> => s.step === "locations");
  const terms: string[] = [];
  if (locations) {
    const counted = locations.locations.filter((l) => l.note === "counted");
    terms.push(
      counted.length
        ? counted.map((l) => `${l.available} at ${locationLabel(l.locationId, names)}`).join(" + ")
        : "0 available",
    );
  }
  for (const step of result.steps) {
    if (step.step === "reservations" && step.units) terms.push(`− ${step.units} reserved`);
    if (step.step === "velocity" && step.units)
      terms.push(`− ${step.units} held for sales velocity (${salesLine(step)})`);
    if (step.step === "buffer" && step.units) terms.push(`− buffer ${step.units}`);
  }
  let line = locations ? `${terms.join(" ")}` : "";
  for (const step of result.steps) {
    if (step.step === "untracked" && step.rule.mode === "fixed") line = `untracked: fixed ${step.rule.quantity}`;
    if (step.step === "holdback" && step.applied) line += `, held back (≤ ${step.threshold})`;
    if (step.step === "cap" && step.applied) line += `, capped at ${step.cap}`;
  }
  return `${line} = ${result.quantity}`;
}

export function explainOfferStock(stored: unknown, names: LocationNames = {}): OfferExplanation | null {
  if (!isObject(stored)) return null;
  if (stored.zeroReason === "duplicate-shopify-sku") {
    const count = Array.isArray(stored.variantIds) ? stored.variantIds.length : 2;
    return {
      summary: `0: ${count} Shopify variants share the SKU ${String(stored.shopifySku ?? "")}; make it unique`,
      details: [
        `${count} Shopify variants carry this SKU, so the marketplace cannot be told which one it sells. Give each variant its own SKU.`,
      ],
    };
  }
  if (stored.zeroReason === "no-longer-fed") {
    return {
      summary: "0: no Shopify SKU feeds this offer any more",
      details: ["The Shopify SKU that fed this offer was renamed, deleted or mapped to another offer."],
    };
  }
  const result = stored.result;
  if (!isObject(result) || !Array.isArray(result.steps)) return null;
  const steps = result.steps as SellableStep[];
  const details = steps.map((step) => stepText(step, names)).filter((line): line is string => line !== null);
  if (result.kind === "excluded") {
    return {
      summary: "Not pushed: Shopify does not track this variant and untracked variants are left to the marketplace",
      details,
    };
  }
  const push = result as Extract<SellableResult, { kind: "push" }>;
  if (typeof push.quantity !== "number") return null;
  const reason = push.zeroReason ? zeroReasonText[push.zeroReason] : null;
  const early =
    steps.length > 0 && ["variant-missing", "product-inactive", "invalid-inventory-data"].includes(steps[0].step);
  const summary =
    early && reason
      ? `0: ${reason}`
      : reason && push.zeroReason === "no-locations-chosen"
        ? `0: ${reason}`
        : `${arithmetic(push, names)}${reason ? ` (${reason})` : ""}`;
  details.push(`Advertised: ${push.quantity}`);
  return { summary, details };
}
