import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import prisma from "~/db.server";
import { validateOverrides, type OverrideProblem, type SkuOverride } from "~/domain/sku-mapping";

/**
 * SKU overrides per connection, and their CSV round trip for bulk edits. An import replaces the
 * connection's whole override set, atomically: a file with any problem changes nothing.
 */

export const MAPPING_CSV_HEADER = ["shopify_sku", "offer_sku"] as const;
const MAX_IMPORT_ROWS = 100_000;

export async function listOverrides(shop: string, connectionId: string): Promise<SkuOverride[]> {
  return prisma.skuMapping.findMany({
    where: { shop, connectionId },
    select: { shopifySku: true, offerSku: true },
    orderBy: { shopifySku: "asc" },
  });
}

export async function exportOverridesCsv(shop: string, connectionId: string): Promise<string> {
  const rows = await listOverrides(shop, connectionId);
  return stringify(rows.map((r) => [r.shopifySku, r.offerSku]), { header: true, columns: [...MAPPING_CSV_HEADER] });
}

export type ImportResult =
  | { ok: true; created: number; removed: number; unchanged: number; changedShopifySkus: string[] }
  | { ok: false; problems: OverrideProblem[] };

/** Parses a CSV of overrides (header `shopify_sku,offer_sku`; `,` or `;`). Line numbers count the header as line 1. */
export function parseOverridesCsv(csv: string): { rows: (SkuOverride & { line: number })[]; problems: OverrideProblem[] } {
  let records: string[][];
  try {
    records = parse(csv.replace(/^\uFEFF/, ""), { delimiter: [",", ";"], relax_column_count: true, skip_empty_lines: true, trim: false });
  } catch (error) {
    return { rows: [], problems: [{ line: 0, message: `Not a readable CSV file: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (records.length === 0) return { rows: [], problems: [{ line: 0, message: "The file is empty: it needs the header shopify_sku,offer_sku" }] };
  const header = records[0].map((h) => h.trim().toLowerCase());
  const shopifyIndex = header.indexOf("shopify_sku");
  const offerIndex = header.indexOf("offer_sku");
  if (shopifyIndex < 0 || offerIndex < 0) {
    return { rows: [], problems: [{ line: 1, message: `The header must name the columns shopify_sku and offer_sku (found: ${records[0].join(", ")})` }] };
  }
  if (records.length - 1 > MAX_IMPORT_ROWS) return { rows: [], problems: [{ line: 0, message: `At most ${MAX_IMPORT_ROWS} rows per file` }] };
  const rows = records.slice(1).map((record, i) => ({ line: i + 2, shopifySku: record[shopifyIndex] ?? "", offerSku: record[offerIndex] ?? "" }));
  return { rows, problems: validateOverrides(rows) };
}

export async function importOverridesCsv(shop: string, connectionId: string, csv: string): Promise<ImportResult> {
  const connection = await prisma.marketplaceConnection.findFirst({ where: { id: connectionId, shop }, select: { id: true } });
  if (!connection) return { ok: false, problems: [{ line: 0, message: "This connection does not exist" }] };
  const { rows, problems } = parseOverridesCsv(csv);
  if (problems.length) return { ok: false, problems };

  const existing = await listOverrides(shop, connectionId);
  const pairKey = (o: SkuOverride) => `${o.shopifySku}\u0000${o.offerSku}`;
  const before = new Set(existing.map(pairKey));
  const after = new Set(rows.map(pairKey));
  // A pair that appears or disappears affects its Shopify SKU and the Shopify SKU named like its offer (shadowing).
  const changed = new Set<string>();
  for (const o of [...existing, ...rows]) {
    if (before.has(pairKey(o)) !== after.has(pairKey(o))) changed.add(o.shopifySku).add(o.offerSku);
  }

  await prisma.$transaction([
    prisma.skuMapping.deleteMany({ where: { shop, connectionId } }),
    prisma.skuMapping.createMany({ data: rows.map((r) => ({ shop, connectionId, shopifySku: r.shopifySku, offerSku: r.offerSku })) }),
  ]);
  const unchanged = rows.filter((r) => before.has(pairKey(r))).length;
  return {
    ok: true,
    created: rows.length - unchanged,
    removed: existing.filter((o) => !after.has(pairKey(o))).length,
    unchanged,
    changedShopifySkus: [...changed].sort(),
  };
}
