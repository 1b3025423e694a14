import { z } from "zod";
import { ORDER_FILTER_STATES } from "~/components/order-status";

/**
 * The Orders page's URL query, shared by its loader and its filters (so it cannot live in a .server module).
 * A value that does not parse is dropped, never an error page: a hand-edited link still shows orders.
 *
 * Paging is by keyset, not by page number, so page 2,000 of 100,000 orders costs what page 1 does: `after`
 * is the last row of the page before (the next page), `before` the first row of the page after (the previous
 * page). A cursor is `<createdOnMiraklAt in ms>_<order id>`, the list's sort key.
 */

export interface OrderCursor {
  at: Date;
  id: string;
}

const CURSOR = /^(\d{1,15})_([\w-]{1,64})$/;

export function encodeCursor(row: { createdOnMiraklAt: Date; id: string }): string {
  return `${row.createdOnMiraklAt.getTime()}_${row.id}`;
}

const cursorSchema = z
  .string()
  .regex(CURSOR)
  .transform((value): OrderCursor => {
    const [, ms, id] = CURSOR.exec(value)!;
    return { at: new Date(Number(ms)), id: id! };
  })
  .optional()
  .catch(undefined);

const flag = (on: string) =>
  z
    .string()
    .optional()
    .transform((value) => value === on)
    .catch(false);

export const ordersQuerySchema = z.object({
  /** A connection id: only that marketplace's orders. */
  marketplace: z.string().min(1).max(64).optional().catch(undefined),
  state: z.enum(ORDER_FILTER_STATES).optional().catch(undefined),
  /** `review=1`: orders a person must look at (lines in review, or an acceptance problem). */
  review: flag("1"),
  /** `deadline=soon`: waiting orders whose acceptance clock passed its warning level. */
  deadline: flag("soon"),
  /** `ships=soon`: orders to ship whose shipping deadline is within the connection's warning hours, or passed. */
  ships: flag("soon"),
  q: z.string().trim().max(100).catch("").default(""),
  after: cursorSchema,
  before: cursorSchema,
});
export type OrdersQuery = z.infer<typeof ordersQuerySchema>;

export function parseOrdersQuery(params: URLSearchParams): OrdersQuery {
  return ordersQuerySchema.parse(Object.fromEntries(params));
}
