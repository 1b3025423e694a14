import { MIRAKL_MAX_QUANTITY } from "~/domain/stock/rules";

/**
 * What to send to Mirakl's STO01 (stock import: CSV `offer-sku;quantity;warehouse-code;update-delete`,
 * one file per call, once a minute). Mirakl documents no line limit; we keep files at or below
 * 10,000 lines, a size every operator accepts (same bound as the push channel).
 */
export const MAX_STOCK_IMPORT_LINES = 10_000;

/**
 * Which keys (offer SKUs, or any per-line key such as `sku@warehouse`) need a push:
 *  - `changed`: the desired quantity differs from the last pushed one, or was never pushed
 *    (`pushed` has no entry, or a null one);
 *  - `vanished`: pushed before but no longer desired (e.g. now excluded). They are reported, not
 *    made dirty: there is no quantity to send, and the caller decides (an excluded SKU is left alone,
 *    a deleted variant gets an explicit 0 from sellableQuantity, so it is in `changed` instead).
 * Both sorted (code unit order) so the result does not depend on map insertion order.
 */
export function diffDesiredVsPushed(
  desired: ReadonlyMap<string, number>,
  pushed: ReadonlyMap<string, number | null>,
): { changed: string[]; vanished: string[] } {
  const changed: string[] = [];
  for (const [key, quantity] of desired) {
    const last = pushed.get(key);
    if (last === undefined || last === null || last !== quantity) changed.push(key);
  }
  const vanished: string[] = [];
  for (const [key, last] of pushed) if (last !== null && !desired.has(key)) vanished.push(key);
  return { changed: changed.sort(byCodeUnits), vanished: vanished.sort(byCodeUnits) };
}

export interface StockImportRow {
  offerSku: string;
  /** "" = the offer's global quantity (no warehouse-code column value). */
  warehouseCode: string;
  quantity: number;
}

export interface StockImportPlan {
  batches: StockImportRow[][];
  /**
   * Offer/warehouse pairs given more than once with different quantities: the smallest quantity is
   * kept (the safe one) and the pair is reported here, as the caller has a bug to look at.
   */
  conflicts: { offerSku: string; warehouseCode: string; quantities: number[] }[];
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits dirty rows into STO01 files of at most `maxLines` lines.
 *  - All lines of one offer go in the same file, never split over two: STO01 expects an offer's
 *    lines grouped, and a half-applied offer (one warehouse updated, another stale) is avoided.
 *  - Deterministic: offers keep the order of their first appearance in `rows` (callers pass the
 *    oldest change first, so a steady stream of new changes cannot starve old ones); an offer's lines
 *    are sorted by warehouse code, global line ("") first. Files are filled in that order, a new file
 *    starting when the next offer would not fit.
 *  - Quantities must be integers in [0, 1e9] and maxLines a positive integer: anything else is a
 *    programming error and throws, as does an offer with more lines than fit in one file.
 */
export function planStockImportBatch(
  rows: readonly StockImportRow[],
  maxLines: number = MAX_STOCK_IMPORT_LINES,
): StockImportPlan {
  if (!Number.isInteger(maxLines) || maxLines < 1)
    throw new RangeError(`maxLines must be a positive integer, got ${maxLines}`);
  const offers = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    if (!Number.isInteger(row.quantity) || row.quantity < 0 || row.quantity > MIRAKL_MAX_QUANTITY) {
      throw new RangeError(`quantity ${row.quantity} for offer ${row.offerSku} is not a valid Mirakl stock quantity`);
    }
    let lines = offers.get(row.offerSku);
    if (!lines) offers.set(row.offerSku, (lines = new Map()));
    const quantities = lines.get(row.warehouseCode) ?? [];
    quantities.push(row.quantity);
    lines.set(row.warehouseCode, quantities);
  }

  const batches: StockImportRow[][] = [];
  const conflicts: StockImportPlan["conflicts"] = [];
  let current: StockImportRow[] = [];
  for (const [offerSku, lines] of offers) {
    const group: StockImportRow[] = [...lines.keys()].sort(byCodeUnits).map((warehouseCode) => {
      const quantities = lines.get(warehouseCode)!;
      const distinct = [...new Set(quantities)];
      if (distinct.length > 1) conflicts.push({ offerSku, warehouseCode, quantities: distinct.sort((a, b) => a - b) });
      return { offerSku, warehouseCode, quantity: Math.min(...quantities) };
    });
    if (group.length > maxLines)
      throw new RangeError(`offer ${offerSku} has ${group.length} lines, more than one file of ${maxLines} holds`);
    if (current.length + group.length > maxLines) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length) batches.push(current);
  return { batches, conflicts };
}
