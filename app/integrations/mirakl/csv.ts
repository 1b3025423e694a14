import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** Field separator for Mirakl CSV files; the operator chooses it (PC01 features.operator_csv_delimiter). */
export type CsvDelimiter = ";" | ",";

export function csvDelimiterFromPlatform(setting: string | null | undefined): CsvDelimiter {
  return setting === "COMMA" ? "," : ";";
}

export function buildCsv(
  columns: readonly string[],
  rows: readonly Record<string, string | number | null | undefined>[],
  delimiter: CsvDelimiter,
): string {
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? "")),
    { header: true, columns: [...columns], delimiter, record_delimiter: "unix" },
  );
}

/** One row of an STO03/PRI03 error report: line number, reason, then the original columns. */
export interface MiraklImportErrorRow {
  /** Line number in the submitted file (header = line 1), as Mirakl reports it. */
  line: number | null;
  reason: string;
  /** Original columns of the failing line, by header name. */
  values: Record<string, string>;
}

/**
 * Error reports have no fixed header names for the first two columns across
 * operators, so they are read by position; the remaining columns by header.
 */
export function parseImportErrorReport(csv: string, delimiter?: CsvDelimiter): MiraklImportErrorRow[] {
  const text = csv.replace(/^\uFEFF/, "");
  if (!text.trim()) return [];
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? undefined : text.indexOf("\n"));
  const separator = delimiter ?? (firstLine.includes(";") ? ";" : ",");
  const records: string[][] = parse(text, { delimiter: separator, relax_column_count: true, skip_empty_lines: true });
  const [header, ...rows] = records;
  return rows.map((row) => {
    const values: Record<string, string> = {};
    header.slice(2).forEach((name, index) => {
      values[name] = row[index + 2] ?? "";
    });
    const line = Number.parseInt(row[0] ?? "", 10);
    return { line: Number.isNaN(line) ? null : line, reason: row[1] ?? "", values };
  });
}

/**
 * OF03, the error report of an offer import (OF24, OF01): the offer file's columns with, among them (Mirakl's
 * example puts them last), `error-line` and `error-message`. Read by header name; a file without an
 * `error-message` column is not an error report.
 */
export function parseOfferImportErrorReport(csv: string): MiraklImportErrorRow[] {
  const text = csv.replace(/^\uFEFF/, "");
  if (!text.trim()) return [];
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? undefined : text.indexOf("\n"));
  const separator = firstLine.includes(";") ? ";" : ",";
  const records: string[][] = parse(text, { delimiter: separator, relax_column_count: true, skip_empty_lines: true });
  const [header, ...rows] = records;
  const reasonAt = header.indexOf("error-message");
  const lineAt = header.indexOf("error-line");
  if (reasonAt === -1) throw new Error("no error-message column");
  return rows.map((row) => {
    const values: Record<string, string> = {};
    header.forEach((name, index) => {
      if (index !== reasonAt && index !== lineAt) values[name] = row[index] ?? "";
    });
    const line = lineAt === -1 ? Number.NaN : Number.parseInt(row[lineAt] ?? "", 10);
    return { line: Number.isNaN(line) ? null : line, reason: row[reasonAt] ?? "", values };
  });
}
