/**
 * Splitting one connection's sellable pool over its Mirakl warehouses.
 *
 * Rule: reservations, buffer, holdback and cap are all applied ONCE, to the pool of every chosen
 * location (the single-pool result). That pool is then handed out to warehouses greedily, each
 * warehouse receiving at most its own physical capacity (the sum of `available` over its chosen
 * locations, floored at 0), largest capacity first, ties in mapping order. Hence:
 *  - the warehouses never add up to more than the single-pool result (the allocation stops at it);
 *  - no warehouse advertises more than it holds (Mirakl may route an order to any warehouse);
 *  - reservations, whose fulfilment location is unknown, are never "spread thin": they reduce the
 *    whole pool, so they can be served from anywhere.
 * Subtracting reservations/buffer per warehouse (proportionally) was rejected: rounding per warehouse
 * needs care to never exceed the pool, and a reservation fulfilled from a warehouse other than the
 * one it was charged to would let that warehouse oversell.
 * Largest-first concentrates the advertised stock where most physical stock sits, which leaves
 * the most slack where counts are most likely to be right.
 */

export interface WarehouseCapacity {
  code: string;
  /** Physical sellable units of the warehouse (≥ 0, integer). */
  capacity: number;
}

export interface WarehouseAllocation {
  code: string;
  capacity: number;
  quantity: number;
}

/** Allocates `pool` units (≥ 0, integer) over the warehouses; result in the input's order. */
export function allocatePool(pool: number, warehouses: readonly WarehouseCapacity[]): WarehouseAllocation[] {
  const order = warehouses
    .map((w, index) => ({ ...w, index }))
    .sort((a, b) => b.capacity - a.capacity || a.index - b.index);
  const quantities = new Array<number>(warehouses.length).fill(0);
  let left = Math.max(0, pool);
  for (const w of order) {
    const take = Math.min(left, Math.max(0, w.capacity));
    quantities[w.index] = take;
    left -= take;
  }
  return warehouses.map((w, i) => ({ code: w.code, capacity: w.capacity, quantity: quantities[i] }));
}
