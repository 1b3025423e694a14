import { moneyForDisplay, type MiraklMoney } from "~/domain/money";

/**
 * ISO 4217 minor units, for display only: most currencies have 2 decimals; these have none or 3.
 * Amounts are never rounded to these digits (a comparison uses every digit Mirakl sent).
 */
const NO_DECIMALS: ReadonlySet<string> = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMALS: ReadonlySet<string> = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function currencyFractionDigits(currencyIsoCode: string): number {
  const code = currencyIsoCode.toUpperCase();
  if (NO_DECIMALS.has(code)) return 0;
  if (THREE_DECIMALS.has(code)) return 3;
  return 2;
}

/** "19.90 EUR", "1.250 KWD", "1200 JPY"; an amount with more digits than its currency keeps them ("19.995 EUR"). */
export function formatAmount(amount: MiraklMoney, currencyIsoCode: string): string {
  const digits = Math.max(currencyFractionDigits(currencyIsoCode), amount.split(".")[1]?.length ?? 0);
  return `${moneyForDisplay(amount, digits)} ${currencyIsoCode}`;
}
