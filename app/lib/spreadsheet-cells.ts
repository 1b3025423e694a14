/**
 * Files the merchant downloads are opened in spreadsheets, which run a cell starting with =, +, - or @ (or a tab or
 * carriage return) as a formula: a SKU like `=HYPERLINK(…)` would become a live link or worse (CSV injection).
 * Such a cell is written with a leading `'`, which spreadsheets take as "text". A cell that already starts with
 * quotes before one of those characters gets one more, so that an import takes exactly one away and every value
 * round-trips. Only for downloads: files sent to Mirakl must stay exact (a negative number is a negative number).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** The cell as a downloaded CSV should hold it. */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The value a cell of one of our downloads stood for (the inverse of `spreadsheetSafe`). */
export function fromSpreadsheetSafe(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}
