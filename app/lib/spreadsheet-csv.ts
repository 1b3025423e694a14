import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { fromSpreadsheetSafe, spreadsheetSafe } from "./spreadsheet-cells";

/**
 * The CSV files a merchant downloads, edits in a spreadsheet and imports back (SKU overrides, carrier maps): a
 * header row naming the columns, `,` or `;` between cells (spreadsheets in many locales save with `;`), formula
 * cells guarded on the way out and unguarded on the way in, so an export imports back exactly. Line numbers count
 * the header as line 1, as a spreadsheet shows them; line 0 is the file as a whole.
 */

export interface CsvProblem {
  line: number;
  message: string;
}

export function writeSpreadsheetCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => row.map(spreadsheetSafe)),
    { header: true, columns: [...columns] },
  );
}

export interface SpreadsheetCsvRow<Column extends string> {
  line: number;
  /** Every required column, and each optional one the file has; cells as the merchant meant them (guard removed). */
  cells: Record<Column, string> & Partial<Record<string, string>>;
}

/**
 * Reads an imported file: columns are found by header name (case and spaces do not count, order is free, other
 * columns are ignored). Every problem that stops the whole file is returned instead of rows.
 */
export function readSpreadsheetCsv<Column extends string>(
  csv: string,
  limits: {
    columns: readonly Column[];
    optionalColumns?: readonly string[];
    maxRows: number;
    maxChars: number;
    /** The refusal of a file over `maxChars`, in the words of what it should have been. */
    tooLarge: string;
  },
): { rows: SpreadsheetCsvRow<Column>[]; problems: CsvProblem[] } {
  const refuse = (line: number, message: string) => ({ rows: [], problems: [{ line, message }] });
  if (csv.trim() === "") return refuse(0, "Choose a CSV file to import");
  if (csv.length > limits.maxChars) return refuse(0, limits.tooLarge);
  let records: string[][];
  try {
    records = parse(csv.replace(/^\uFEFF/, ""), {
      delimiter: [",", ";"],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
    });
  } catch (error) {
    return refuse(0, `Not a readable CSV file: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (records.length === 0) return refuse(0, `The file is empty: it needs the header ${limits.columns.join(",")}`);
  const header = records[0]!.map((h) => h.trim().toLowerCase());
  if (limits.columns.some((column) => !header.includes(column)))
    return refuse(1, `The header must name the columns ${listed(limits.columns)} (found: ${records[0]!.join(", ")})`);
  if (records.length - 1 > limits.maxRows) return refuse(0, `At most ${limits.maxRows} rows per file`);
  const wanted = [...limits.columns, ...(limits.optionalColumns ?? [])]
    .map((column) => [column, header.indexOf(column)] as const)
    .filter(([, index]) => index >= 0);
  const rows = records.slice(1).map((record, i) => ({
    line: i + 2,
    cells: Object.fromEntries(
      wanted.map(([column, index]) => [column, fromSpreadsheetSafe(record[index] ?? "")]),
    ) as SpreadsheetCsvRow<Column>["cells"],
  }));
  return { rows, problems: [] };
}

const listed = (columns: readonly string[]) =>
  columns.length < 2 ? columns.join("") : `${columns.slice(0, -1).join(", ")} and ${columns.at(-1)}`;

/** The download of one of these files, named after what it holds and the connection: `sku-mapping-decathlon.csv`. */
export function spreadsheetCsvDownload(csv: string, what: string, connectionName: string): Response {
  const slug =
    connectionName
      .replace(/[^\w-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .toLowerCase() || "connection";
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${what}-${slug}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
