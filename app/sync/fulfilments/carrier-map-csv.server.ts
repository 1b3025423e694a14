import prisma from "~/db.server";
import {
  CARRIER_MAP_CSV_TOO_LARGE,
  MAX_CARRIER_MAP_CSV_CHARS,
  MAX_CARRIER_MAP_ROWS,
  validateCarrierMapRows,
  type CarrierMapProblem,
} from "~/domain/orders/carrier-map-import";
import { readSpreadsheetCsv, writeSpreadsheetCsv } from "~/lib/spreadsheet-csv";
import { workUnits } from "~/worker/registry.server";
import { storedCarriers } from "./carriers.server";

/**
 * A connection's carrier map as a CSV file, for agencies that set up many shops on the same marketplace: exported
 * with its suggestions (confirmed = no) so it imports back exactly; an import replaces the whole map, atomically,
 * and only once every row names a company and one of the marketplace's carriers.
 */

/** `mirakl_carrier_label` is for the person reading the file; an import ignores it. */
export const CARRIER_MAP_CSV_COLUMNS = ["shopify_company", "mirakl_carrier_code", "confirmed"] as const;
const LABEL_COLUMN = "mirakl_carrier_label";

export async function exportCarrierMapCsv(shop: string, connectionId: string): Promise<string> {
  const [mappings, carriers] = await Promise.all([
    prisma.carrierMapping.findMany({ where: { shop, connectionId }, orderBy: { company: "asc" } }),
    storedCarriers(connectionId),
  ]);
  const labelOf = new Map(carriers.map((c) => [c.code, c.label]));
  return writeSpreadsheetCsv(
    [...CARRIER_MAP_CSV_COLUMNS, LABEL_COLUMN],
    mappings.map((m) => [m.company, m.miraklCode, m.confirmedAt ? "yes" : "no", labelOf.get(m.miraklCode) ?? ""]),
  );
}

export type CarrierMapImportResult =
  | { ok: true; added: number; changed: number; removed: number; unchanged: number }
  | { ok: false; notFound?: true; problems: CarrierMapProblem[] };

export async function importCarrierMapCsv(
  shop: string,
  connectionId: string,
  csv: string,
  now = new Date(),
): Promise<CarrierMapImportResult> {
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true },
  });
  if (!connection)
    return { ok: false, notFound: true, problems: [{ line: 0, message: "This connection does not exist" }] };
  const read = readSpreadsheetCsv(csv, {
    columns: ["shopify_company", "mirakl_carrier_code"],
    optionalColumns: ["confirmed"],
    maxRows: MAX_CARRIER_MAP_ROWS,
    maxChars: MAX_CARRIER_MAP_CSV_CHARS,
    tooLarge: CARRIER_MAP_CSV_TOO_LARGE,
  });
  if (read.problems.length) return { ok: false, problems: read.problems };
  const { entries, problems } = validateCarrierMapRows(
    read.rows.map(({ line, cells }) => ({
      line,
      company: cells.shopify_company,
      miraklCode: cells.mirakl_carrier_code,
      confirmed: cells.confirmed ?? "",
    })),
    await storedCarriers(connectionId),
  );
  if (problems.length) return { ok: false, problems };

  const existing = new Map(
    (await prisma.carrierMapping.findMany({ where: { shop, connectionId } })).map((m) => [m.companyKey, m]),
  );
  const counts = { added: 0, changed: 0, unchanged: 0 };
  const writes = entries.map((entry) => {
    const before = existing.get(entry.companyKey);
    const same = before && before.miraklCode === entry.miraklCode && (before.confirmedAt !== null) === entry.confirmed;
    counts[!before ? "added" : same ? "unchanged" : "changed"]++;
    // A mapping confirmed before and still the same keeps when it was confirmed.
    const confirmedAt = entry.confirmed ? (same ? before.confirmedAt : now) : null;
    const company = entry.company;
    return prisma.carrierMapping.upsert({
      where: { connectionId_companyKey: { connectionId, companyKey: entry.companyKey } },
      create: { shop, connectionId, companyKey: entry.companyKey, company, miraklCode: entry.miraklCode, confirmedAt },
      update: { company, miraklCode: entry.miraklCode, confirmedAt },
    });
  });
  const kept = entries.map((e) => e.companyKey);
  await prisma.$transaction([
    prisma.carrierMapping.deleteMany({ where: { shop, connectionId, companyKey: { notIn: kept } } }),
    ...writes,
  ]);
  // Newly mapped companies release the shipments they blocked on the fulfilment unit's next run: now.
  await workUnits.fulfilments.markDirty(connectionId, shop, now);
  return { ok: true, ...counts, removed: [...existing.keys()].filter((key) => !kept.includes(key)).length };
}
