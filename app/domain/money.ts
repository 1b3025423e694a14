import { z } from "zod";

/**
 * Money (Mirakl amounts, Shopify prices) is carried as a canonical decimal string ("12.5", "-3", "0.07").
 *
 * Mirakl sends amounts as JSON numbers ("with decimals"). `String(n)` of a parsed
 * JSON number is the shortest round-trip representation, which reproduces the
 * decimal Mirakl wrote exactly for up to 15 significant digits — far beyond any
 * price. We never do arithmetic on floats: convert to integer minor units with
 * `moneyToMinorUnits` (bigint), compute, and convert back.
 */
export type MiraklMoney = string;

const DECIMAL = /^-?\d+(\.\d+)?$/;

function canonicalDecimal(raw: string): string {
  const negative = raw.startsWith("-");
  const unsigned = negative ? raw.slice(1) : raw;
  const [intPart, fracPart = ""] = unsigned.split(".");
  const integer = intPart.replace(/^0+(?=\d)/, "");
  const fraction = fracPart.replace(/0+$/, "");
  const body = fraction ? `${integer}.${fraction}` : integer;
  return negative && body !== "0" ? `-${body}` : body;
}

/** Parses a JSON number or numeric string into a canonical decimal string, or throws. */
export function toMoney(value: number | string): MiraklMoney {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite amount: ${value}`);
    const text = String(value);
    // Exponent notation only appears for |x| >= 1e21 or < 1e-6: never a price.
    if (!DECIMAL.test(text)) throw new Error(`amount out of range: ${text}`);
    return canonicalDecimal(text);
  }
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) throw new Error(`not a decimal amount: ${JSON.stringify(value)}`);
  return canonicalDecimal(trimmed);
}

/** zod schema: a Mirakl amount (JSON number, or numeric string if Mirakl ever drifts) → decimal string. */
export const moneySchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return toMoney(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message, input: value });
    return z.NEVER;
  }
});

/** Exact conversion to integer minor units; throws if the amount has more digits than `fractionDigits`. */
export function moneyToMinorUnits(amount: MiraklMoney, fractionDigits = 2): bigint {
  const canonical = toMoney(amount);
  const negative = canonical.startsWith("-");
  const [intPart, fracPart = ""] = (negative ? canonical.slice(1) : canonical).split(".");
  if (fracPart.length > fractionDigits) {
    throw new Error(`amount ${amount} has more than ${fractionDigits} fraction digits`);
  }
  const minor = BigInt(intPart + fracPart.padEnd(fractionDigits, "0"));
  return negative ? -minor : minor;
}

export function minorUnitsToMoney(minor: bigint, fractionDigits = 2): MiraklMoney {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(fractionDigits + 1, "0");
  const raw = fractionDigits === 0 ? digits : `${digits.slice(0, -fractionDigits)}.${digits.slice(-fractionDigits)}`;
  return canonicalDecimal(negative ? `-${raw}` : raw);
}

/** The exact sum, at the largest number of decimals among the amounts (1.234 + 10.5 is summed in thousandths). */
export function sumMoney(amounts: readonly MiraklMoney[]): MiraklMoney {
  const digits = Math.max(0, ...amounts.map((amount) => toMoney(amount).split(".")[1]?.length ?? 0));
  return minorUnitsToMoney(
    amounts.reduce((total, amount) => total + moneyToMinorUnits(amount, digits), 0n),
    digits,
  );
}

/**
 * JSON value for an amount in a request body. `Number()` of a decimal string with
 * ≤15 significant digits serialises back to the same digits, so nothing is lost.
 */
export function moneyToJson(amount: MiraklMoney): number {
  return Number(toMoney(amount));
}

/** A canonical amount ("19.9", "20") as a merchant reads it, with its cents ("19.90", "20.00"). */
export function moneyForDisplay(amount: MiraklMoney, fractionDigits = 2): string {
  const [units, cents = ""] = amount.split(".");
  return fractionDigits > 0 ? `${units}.${cents.padEnd(fractionDigits, "0")}` : units!;
}
