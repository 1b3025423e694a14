import { z } from "zod";
import { minorUnitsToMoney, moneySchema, moneyToMinorUnits, sumMoney, toMoney, type MiraklMoney } from "~/domain/money";

/**
 * The Order page's arithmetic on Mirakl amounts, exact: every amount is turned into integer minor units at
 * the largest number of decimals among the operands (a commission of 1.234 next to a price of 10.5 is summed
 * in thousandths), computed as bigint, and turned back into a canonical decimal string. Never a float.
 */

const fractionDigits = (amount: MiraklMoney) => toMoney(amount).split(".")[1]?.length ?? 0;

export function subtractMoney(from: MiraklMoney, amount: MiraklMoney): MiraklMoney {
  const digits = Math.max(fractionDigits(from), fractionDigits(amount));
  return minorUnitsToMoney(moneyToMinorUnits(from, digits) - moneyToMinorUnits(amount, digits), digits);
}

/** A line's taxes as stored (Mirakl's `taxes[]` / `shipping_taxes[]`: code, amount, rate). */
const taxListSchema = z.array(z.looseObject({ amount: moneySchema }));

/** The sum of a taxes list; null when it cannot be read (shown as unknown, never as 0). */
export function sumTaxes(taxes: unknown): MiraklMoney | null {
  const parsed = taxListSchema.safeParse(taxes ?? []);
  return parsed.success ? sumMoney(parsed.data.map((tax) => tax.amount)) : null;
}

/** The sum, or null when any part is unknown: a partial sum would read as the whole. */
export function sumKnown(amounts: readonly (MiraklMoney | null)[]): MiraklMoney | null {
  return amounts.every((amount): amount is MiraklMoney => amount !== null) ? sumMoney(amounts) : null;
}

export interface OrderMoneyInput {
  price: MiraklMoney;
  shippingPrice: MiraklMoney;
  totalPrice: MiraklMoney;
  totalCommission: MiraklMoney | null;
  lines: readonly {
    taxes: unknown;
    shippingTaxes: unknown;
    commissionFee: MiraklMoney | null;
    commissionVat: MiraklMoney | null;
  }[];
}

/** A line's commission as Mirakl charges it: the fee and the tax on it; null when Mirakl gave neither. */
export function lineCommission(line: { commissionFee: MiraklMoney | null; commissionVat: MiraklMoney | null }) {
  if (line.commissionFee === null && line.commissionVat === null) return null;
  return sumMoney([line.commissionFee ?? "0", line.commissionVat ?? "0"]);
}

/** A line's taxes: those on the product and those on its shipping. */
export function lineTaxes(line: { taxes: unknown; shippingTaxes: unknown }) {
  return sumKnown([sumTaxes(line.taxes), sumTaxes(line.shippingTaxes)]);
}

/**
 * The order's money as the seller reads it. Commission: the order's `total_commission` when Mirakl gave
 * it, else the sum of the lines' (fee + tax). Net to seller = total − commission, before refunds and fees
 * (the payout itself is Mirakl's accounting, not this page's).
 */
export function orderMoney(order: OrderMoneyInput) {
  const commission = order.totalCommission ?? sumKnown(order.lines.map(lineCommission));
  return {
    price: toMoney(order.price),
    shipping: toMoney(order.shippingPrice),
    taxes: sumKnown(order.lines.map(lineTaxes)),
    total: toMoney(order.totalPrice),
    commission,
    netToSeller: commission === null ? null : subtractMoney(order.totalPrice, commission),
  };
}
