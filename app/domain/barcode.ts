/**
 * GTIN barcodes (EAN-13, UPC-A) as Mirakl's product id types. Only a barcode with a valid check
 * digit may create an offer: a typo would attach the offer to someone else's product.
 */
export type ProductIdType = "EAN" | "UPC";

export function gtinCheckDigitValid(digits: string): boolean {
  if (!/^\d{8,14}$/.test(digits)) return false;
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // Weights 3,1,3,1… from the right of the body.
    const weight = (body.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

export function productIdFromBarcode(
  barcode: string | null | undefined,
): { productId: string; productIdType: ProductIdType } | null {
  const digits = (barcode ?? "").replace(/[\s-]/g, "");
  if (!gtinCheckDigitValid(digits)) return null;
  if (digits.length === 13) return { productId: digits, productIdType: "EAN" };
  if (digits.length === 12) return { productId: digits, productIdType: "UPC" };
  return null;
}
