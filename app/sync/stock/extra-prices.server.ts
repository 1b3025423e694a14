import { createHash } from "node:crypto";
import prisma from "~/db.server";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import type { PriceRule } from "~/domain/price-rule";
import { EXTRA_PRICES_SAMPLE, type ExtraPricesPreview } from "~/domain/extra-prices";
import type { Connection } from "~/sync/stock/imports.server";

/**
 * The prices a first PRI01 would delete (see ~/domain/extra-prices), as the last offer export showed
 * them. Each offer's extras are kept on its global OfferStock row, in explanation.miraklExtraPrices
 * (the recompute keeps that key when it rewrites the explanation); an offer without extras has no key.
 */

export const EXTRA_PRICES_KEY = "miraklExtraPrices";
const HOLD_ENTITY_TYPE = "connection-prices";

/** Records what the export said for these offers (rows by id; null = no extra price). Only changed rows are written. */
export async function recordExtraPrices(
  connection: Connection,
  offers: readonly { id: string; extras: string[] | null }[],
  now: Date,
) {
  if (offers.length === 0) return;
  await prisma.$executeRaw`
    UPDATE "OfferStock" AS o SET
      "explanation" = CASE WHEN v.extras IS NULL THEN o."explanation" - ${EXTRA_PRICES_KEY}
                           ELSE o."explanation" || jsonb_build_object(${EXTRA_PRICES_KEY}::text, v.extras::jsonb) END,
      "updatedAt" = ${now}
    FROM unnest(${offers.map((o) => o.id)}::text[], ${offers.map((o) => (o.extras?.length ? JSON.stringify(o.extras) : null))}::text[]) AS v(id, extras)
    WHERE o."id" = v.id AND o."connectionId" = ${connection.id}
      AND (o."explanation" -> ${EXTRA_PRICES_KEY}) IS DISTINCT FROM v.extras::jsonb`;
}

/** Every offer of the connection with extra prices: count, a sample, and the fingerprint of the whole set. */
export async function extraPricesPreview(shop: string, connectionId: string): Promise<ExtraPricesPreview> {
  const rows = await prisma.$queryRaw<{ offerSku: string; extras: unknown }[]>`
    SELECT "offerSku", "explanation" -> ${EXTRA_PRICES_KEY} AS extras FROM "OfferStock"
    WHERE "shop" = ${shop} AND "connectionId" = ${connectionId} AND "warehouseCode" = ''
      AND ("explanation" -> ${EXTRA_PRICES_KEY}) IS NOT NULL
    ORDER BY "offerSku"`;
  const offers = rows
    .map((r) => ({
      offerSku: r.offerSku,
      extras: Array.isArray(r.extras) ? r.extras.filter((e): e is string => typeof e === "string") : [],
    }))
    .filter((o) => o.extras.length > 0);
  if (offers.length === 0) return { offerCount: 0, priceCount: 0, sample: [], fingerprint: "" };
  const hash = createHash("sha256");
  for (const offer of offers) hash.update(JSON.stringify([offer.offerSku, offer.extras]));
  return {
    offerCount: offers.length,
    priceCount: offers.reduce((sum, o) => sum + o.extras.length, 0),
    sample: offers.slice(0, EXTRA_PRICES_SAMPLE),
    fingerprint: hash.digest("hex"),
  };
}

/**
 * Whether price sync must wait for the merchant: true while offers have extra prices the stored
 * confirmation does not cover. Says so once as an exception (with the fix), resolved once confirmed.
 */
export async function priceSyncHeldForExtraPrices(connection: Connection, rule: PriceRule, now: Date) {
  const preview = await extraPricesPreview(connection.shop, connection.id);
  const held = preview.offerCount > 0 && rule.extraPricesReplaced?.fingerprint !== preview.fingerprint;
  if (!held) {
    await resolveExceptionsFor(connection.shop, HOLD_ENTITY_TYPE, connection.id, now);
    return false;
  }
  const first = preview.sample
    .slice(0, 3)
    .map((o) => `${o.offerSku} (${o.extras.join("; ")})`)
    .join(", ");
  await reportException(
    {
      shop: connection.shop,
      connectionId: connection.id,
      kind: "CONNECTION_MISCONFIGURED",
      severity: "WARNING",
      entityType: HOLD_ENTITY_TYPE,
      entityId: connection.id,
      message: `Price sync is on hold: ${preview.offerCount} offer(s) have ${preview.priceCount} price(s) set on Mirakl (channel, volume, scheduled or customer prices) that a price import would delete, e.g. ${first}.`,
      fixHint:
        "Open Stock & price settings for this connection, review the prices listed under Prices and confirm they may be replaced (or remove them in Mirakl's back office, or turn price sync off). Nothing is sent until then.",
      detail: { offerCount: preview.offerCount, priceCount: preview.priceCount, fingerprint: preview.fingerprint },
    },
    now,
  );
  return true;
}
