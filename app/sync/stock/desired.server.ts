import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { workUnits } from "~/worker/registry.server";

/**
 * The desired side of `OfferStock`: what each offer (and warehouse) of a connection should
 * advertise. `desiredVersion` moves only when the quantity changes, so the pusher sends a line only
 * when Mirakl needs a new value; the explanation (why this quantity) is kept up to date regardless.
 */

export interface DesiredStock {
  offerSku: string;
  /** "" for the offer's global quantity, else the Mirakl warehouse code. */
  warehouseCode: string;
  /** null: excluded (nothing is pushed for this offer). */
  quantity: number | null;
  shopifySku: string | null;
  variantId: string | null;
  explanation: unknown;
}

export interface SetDesiredResult {
  /** Rows created or updated (quantity, explanation or source changed). */
  written: number;
  /** Rows whose quantity changed: these are dirty for the pusher. */
  changed: number;
}

/** Rows per statement (PostgreSQL allows 65,535 bind parameters; each array is one). */
const WRITE_SLICE = 2_000;

/**
 * Writes desired quantities for one connection and marks its push unit dirty when any quantity
 * changed. A changed quantity also clears the last push error: a refused value is not resent, a new
 * one is.
 */
export async function setDesiredStock(
  connection: { id: string; shop: string },
  rows: readonly DesiredStock[],
  now = new Date(),
): Promise<SetDesiredResult> {
  const unique = [...new Map(rows.map((r) => [`${r.offerSku}\u0000${r.warehouseCode}`, r])).values()];
  for (const row of unique) {
    if (row.offerSku === "") throw new Error("an offer SKU cannot be empty");
    if (row.quantity !== null && (!Number.isInteger(row.quantity) || row.quantity < 0)) {
      throw new Error(`desired quantity ${row.quantity} for offer ${row.offerSku} is not a whole number of units`);
    }
  }
  let written = 0;
  let changed = 0;
  for (let i = 0; i < unique.length; i += WRITE_SLICE) {
    const slice = unique.slice(i, i + WRITE_SLICE);
    const [result] = await prisma.$queryRaw<{ written: number; changed: number }[]>`
      WITH incoming AS (
        SELECT * FROM unnest(
          ${slice.map(() => randomUUID())}::text[], ${slice.map((r) => r.offerSku)}::text[], ${slice.map((r) => r.warehouseCode)}::text[],
          ${slice.map((r) => r.quantity)}::int[], ${slice.map((r) => r.shopifySku)}::text[], ${slice.map((r) => r.variantId)}::text[],
          ${slice.map((r) => JSON.stringify(r.explanation ?? {}))}::text[]
        ) AS i("id", "offerSku", "warehouseCode", "quantity", "shopifySku", "variantId", "explanation")
      ),
      before AS (
        -- One unique-index lookup per incoming row (OFFSET 0 keeps the planner from turning this into a scan
        -- of all the connection's offers, which it did with PGlite's never-analyzed statistics).
        SELECT o."offerSku", o."warehouseCode", o."desiredQuantity"
        FROM incoming i CROSS JOIN LATERAL (
          SELECT o."offerSku", o."warehouseCode", o."desiredQuantity" FROM "OfferStock" o
          WHERE o."connectionId" = ${connection.id} AND o."offerSku" = i."offerSku" AND o."warehouseCode" = i."warehouseCode"
          OFFSET 0
        ) o
      ),
      written AS (
        INSERT INTO "OfferStock" AS o
          ("id", "shop", "connectionId", "offerSku", "warehouseCode", "shopifySku", "variantId", "desiredQuantity", "desiredVersion", "desiredAt", "explanation", "createdAt", "updatedAt")
        SELECT i."id", ${connection.shop}, ${connection.id}, i."offerSku", i."warehouseCode", i."shopifySku", i."variantId", i."quantity", 1, ${now}, i."explanation"::jsonb, ${now}, ${now}
        FROM incoming i
        ON CONFLICT ("connectionId", "offerSku", "warehouseCode") DO UPDATE SET
          "desiredVersion" = o."desiredVersion" + CASE WHEN o."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity" THEN 1 ELSE 0 END,
          "desiredAt" = CASE WHEN o."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity" THEN EXCLUDED."desiredAt" ELSE o."desiredAt" END,
          "lastPushError" = CASE WHEN o."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity" THEN NULL ELSE o."lastPushError" END,
          "desiredQuantity" = EXCLUDED."desiredQuantity",
          -- The offer export's extra prices (./extra-prices.server) are not the recompute's to drop.
          "explanation" = CASE WHEN (o."explanation" -> 'miraklExtraPrices') IS NULL THEN EXCLUDED."explanation"
                               ELSE EXCLUDED."explanation" || jsonb_build_object('miraklExtraPrices', o."explanation" -> 'miraklExtraPrices') END,
          "shopifySku" = EXCLUDED."shopifySku",
          "variantId" = EXCLUDED."variantId",
          "updatedAt" = EXCLUDED."updatedAt"
        WHERE o."shop" = EXCLUDED."shop"
          AND (o."desiredQuantity", o."explanation" - 'miraklExtraPrices', o."shopifySku", o."variantId")
              IS DISTINCT FROM (EXCLUDED."desiredQuantity", EXCLUDED."explanation", EXCLUDED."shopifySku", EXCLUDED."variantId")
        RETURNING o."offerSku", o."warehouseCode", o."desiredQuantity"
      )
      SELECT count(*)::int AS written,
             (count(*) FILTER (WHERE b."offerSku" IS NULL OR b."desiredQuantity" IS DISTINCT FROM w."desiredQuantity"))::int AS changed
      FROM written w LEFT JOIN before b USING ("offerSku", "warehouseCode")`;
    written += result.written;
    changed += result.changed;
  }
  if (changed > 0) await workUnits.stockPush.markDirty(connection.id, connection.shop, now);
  return { written, changed };
}
