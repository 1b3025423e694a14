import { z } from "zod";

/** The Stock page's URL query, shared by its loader and its tabs (so it cannot live in a .server module). */
export const stockFilters = ["all", "pending", "drifted", "error", "unmapped", "excluded"] as const;
export type StockFilter = (typeof stockFilters)[number];

export const stockQuerySchema = z.object({
  connection: z.string().max(64).optional(),
  filter: z.enum(stockFilters).catch("all").default("all"),
  q: z.string().trim().max(100).catch("").default(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type StockQuery = z.infer<typeof stockQuerySchema>;
