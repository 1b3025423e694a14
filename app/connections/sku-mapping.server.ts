import prisma from "~/db.server";
import { readSpreadsheetCsv, writeSpreadsheetCsv } from "~/lib/spreadsheet-csv";
import {
  MAPPING_CSV_TOO_LARGE,
  MAX_MAPPING_CSV_CHARS,
  validateOverrides,
  type OverrideProblem,
  type SkuOverride,
} from "~/domain/sku-mapping";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";

/**
 * SKU overrides per connection, and their CSV round trip for bulk edits. An import replaces the
 * connection's whole override set, atomically: a file with any problem changes nothing. Every change
 * marks the Shopify SKUs it affects for recompute, so the offers they feed are corrected (and pushed)
 * by the worker within the minute.
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

/** The file the merchant downloads: cells a spreadsheet would run as formulas are neutralised (the import undoes it). */
export async function exportOverridesCsv(shop: string, connectionId: string): Promise<string> {
  const rows = await listOverrides(shop, connectionId);
  return writeSpreadsheetCsv(
    MAPPING_CSV_HEADER,
    rows.map((r) => [r.shopifySku, r.offerSku]),
  );
}

export type ImportResult =
  | { ok: true; created: number; removed: number; unchanged: number; changedShopifySkus: string[] }
  | { ok: false; notFound?: true; problems: OverrideProblem[] };

/** Reads a CSV of overrides (header `shopify_sku,offer_sku`, see ~/lib/spreadsheet-csv) and validates the set. */
export function parseOverridesCsv(csv: string): {
  rows: (SkuOverride & { line: number })[];
  problems: OverrideProblem[];
} {
  const read = readSpreadsheetCsv(csv, {
    columns: MAPPING_CSV_HEADER,
    maxRows: MAX_IMPORT_ROWS,
    maxChars: MAX_MAPPING_CSV_CHARS,
    tooLarge: MAPPING_CSV_TOO_LARGE,
  });
  if (read.problems.length) return { rows: [], problems: read.problems };
  const rows = read.rows.map(({ line, cells }) => ({ line, shopifySku: cells.shopify_sku, offerSku: cells.offer_sku }));
  return { rows, problems: validateOverrides(rows) };
}

export async function importOverridesCsv(shop: string, connectionId: string, csv: string): Promise<ImportResult> {
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true },
  });
  if (!connection)
    return { ok: false, notFound: true, problems: [{ line: 0, message: "This connection does not exist" }] };
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
    prisma.skuMapping.createMany({
      data: rows.map((r) => ({ shop, connectionId, shopifySku: r.shopifySku, offerSku: r.offerSku })),
    }),
  ]);
  await markSkusForRecompute(shop, [...changed]);
  const unchanged = rows.filter((r) => before.has(pairKey(r))).length;
  return {
    ok: true,
    created: rows.length - unchanged,
    removed: existing.filter((o) => !after.has(pairKey(o))).length,
    unchanged,
    changedShopifySkus: [...changed].sort(),
  };
}

export type OverrideChange =
  { ok: true } | { ok: false; notFound?: true; errors: Partial<Record<"shopifySku" | "offerSku" | "form", string>> };

const connectionOf = (shop: string, connectionId: string) =>
  prisma.marketplaceConnection.findFirst({ where: { id: connectionId, shop }, select: { id: true } });

/** Adds one override; it must fit the existing set (each side unique, no chain), as an import would require. */
export async function addOverride(shop: string, connectionId: string, input: SkuOverride): Promise<OverrideChange> {
  if (!(await connectionOf(shop, connectionId)))
    return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  const override = { shopifySku: input.shopifySku.trim(), offerSku: input.offerSku.trim() };
  if (override.shopifySku === "") return { ok: false, errors: { shopifySku: "Enter the Shopify SKU" } };
  if (override.offerSku === "") return { ok: false, errors: { offerSku: "Enter the marketplace's offer SKU" } };
  if (override.shopifySku === override.offerSku)
    return { ok: false, errors: { offerSku: "A SKU already feeds the offer of the same name: no override is needed" } };
  const existing = await listOverrides(shop, connectionId);
  const sameShopify = existing.find((o) => o.shopifySku === override.shopifySku);
  if (sameShopify)
    return {
      ok: false,
      errors: {
        shopifySku: `${override.shopifySku} already feeds offer ${sameShopify.offerSku}: remove that override first`,
      },
    };
  const sameOffer = existing.find((o) => o.offerSku === override.offerSku);
  if (sameOffer)
    return {
      ok: false,
      errors: {
        offerSku: `Offer ${override.offerSku} is already fed by ${sameOffer.shopifySku}: one offer gets one quantity`,
      },
    };
  const rows = [...existing, override].map((o, i) => ({ ...o, line: i + 1 }));
  const problems = validateOverrides(rows);
  if (problems.length) {
    // What is left is a chain or a malformed SKU; name it on the field it concerns.
    const message = problems[0].message;
    return { ok: false, errors: /^Shopify SKU/.test(message) ? { shopifySku: message } : { offerSku: message } };
  }
  try {
    await prisma.skuMapping.create({ data: { shop, connectionId, ...override } });
  } catch (error) {
    // Two merchants adding the same override at once: the unique key keeps one.
    if ((error as { code?: string } | null)?.code === "P2002")
      return { ok: false, errors: { shopifySku: `${override.shopifySku} already has an override` } };
    throw error;
  }
  await markSkusForRecompute(shop, [override.shopifySku, override.offerSku]);
  return { ok: true };
}

/** Removes a Shopify SKU's override: it feeds the offer of its own name again. */
export async function removeOverride(shop: string, connectionId: string, shopifySku: string): Promise<OverrideChange> {
  if (!(await connectionOf(shop, connectionId)))
    return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  const existing = await prisma.skuMapping.findFirst({
    where: { shop, connectionId, shopifySku },
    select: { id: true, offerSku: true },
  });
  if (!existing) return { ok: false, errors: { form: `${shopifySku} has no override (any more)` } };
  await prisma.skuMapping.deleteMany({ where: { id: existing.id, shop } });
  await markSkusForRecompute(shop, [shopifySku, existing.offerSku]);
  return { ok: true };
}

export const OVERRIDES_PAGE_SIZE = 100;

/** One page of a connection's overrides for the mapping page, optionally filtered by either SKU. */
export async function pageOverrides(shop: string, connectionId: string, query: { q: string; page: number }) {
  const where = {
    shop,
    connectionId,
    ...(query.q
      ? {
          OR: [
            { shopifySku: { contains: query.q, mode: "insensitive" as const } },
            { offerSku: { contains: query.q, mode: "insensitive" as const } },
          ],
        }
      : {}),
  };
  const [rows, total, all] = await Promise.all([
    prisma.skuMapping.findMany({
      where,
      select: { shopifySku: true, offerSku: true },
      orderBy: { shopifySku: "asc" },
      skip: (query.page - 1) * OVERRIDES_PAGE_SIZE,
      take: OVERRIDES_PAGE_SIZE,
    }),
    prisma.skuMapping.count({ where }),
    prisma.skuMapping.count({ where: { shop, connectionId } }),
  ]);
  return { rows, total, all, pageCount: Math.max(1, Math.ceil(total / OVERRIDES_PAGE_SIZE)) };
}
