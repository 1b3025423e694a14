import { companyKey, type MarketplaceCarrier } from "./carriers";

/**
 * A carrier map as a file (issue 12: agencies set up many shops): every row is checked against the marketplace's
 * carriers before anything is applied, and every problem is named with its line, so a file is taken whole or not
 * at all.
 */

export interface CarrierMapFileRow {
  /** In the file, header = line 1. */
  line: number;
  company: string;
  miraklCode: string;
  /** "yes"/"no" (also true/false, 1/0); empty: yes, a person wrote the row. */
  confirmed: string;
}

export interface CarrierMapImportEntry {
  company: string;
  companyKey: string;
  miraklCode: string;
  confirmed: boolean;
}

export interface CarrierMapProblem {
  /** 0: the file as a whole. */
  line: number;
  message: string;
}

export const MAX_CARRIER_MAP_ROWS = 5_000;
/** Checked in the browser before the upload, and again on the server. */
export const MAX_CARRIER_MAP_CSV_CHARS = 1_000_000;
export const CARRIER_MAP_CSV_TOO_LARGE = `This file is too large to be a carrier map (at most ${MAX_CARRIER_MAP_ROWS} rows)`;

const MAX_COMPANY_LENGTH = 255;
const YES = new Set(["", "yes", "y", "true", "1"]);
const NO = new Set(["no", "n", "false", "0"]);

export function validateCarrierMapRows(
  rows: readonly CarrierMapFileRow[],
  carriers: readonly MarketplaceCarrier[],
): { entries: CarrierMapImportEntry[]; problems: CarrierMapProblem[] } {
  const problems: CarrierMapProblem[] = [];
  if (carriers.length === 0)
    problems.push({
      line: 0,
      message: "The marketplace's carriers have not been read yet: read them on the Carriers page, then import again",
    });
  const codes = new Set(carriers.map((c) => c.code));
  const firstLineOf = new Map<string, { line: number; company: string }>();
  const entries: CarrierMapImportEntry[] = [];
  for (const row of rows) {
    const company = row.company.trim();
    const miraklCode = row.miraklCode.trim();
    const key = companyKey(company);
    const rowProblems: string[] = [];
    if (!company) rowProblems.push("The Shopify company is empty");
    else if (!key) rowProblems.push(`"${company}" has no letter or digit: it cannot name a carrier`);
    else if (company.length > MAX_COMPANY_LENGTH)
      rowProblems.push(`The Shopify company is longer than ${MAX_COMPANY_LENGTH} characters`);
    if (key) {
      const first = firstLineOf.get(key);
      if (first) rowProblems.push(`"${company}" is the same company as "${first.company}" on line ${first.line}`);
      else firstLineOf.set(key, { line: row.line, company });
    }
    if (!miraklCode) rowProblems.push("The marketplace carrier code is empty");
    else if (carriers.length > 0 && !codes.has(miraklCode)) {
      const sameButCase = carriers.find((c) => c.code.toLowerCase() === miraklCode.toLowerCase());
      rowProblems.push(
        `${miraklCode} is not one of the marketplace's carriers${sameButCase ? ` (did you mean ${sameButCase.code}?)` : ""}`,
      );
    }
    const confirmed = row.confirmed.trim().toLowerCase();
    if (!YES.has(confirmed) && !NO.has(confirmed))
      rowProblems.push(`The confirmed column says "${row.confirmed.trim()}": write yes or no`);
    for (const message of rowProblems) problems.push({ line: row.line, message });
    if (rowProblems.length === 0) entries.push({ company, companyKey: key, miraklCode, confirmed: YES.has(confirmed) });
  }
  return { entries, problems };
}
