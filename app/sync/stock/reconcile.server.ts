import { advertisedUnitPrice } from "~/domain/price-rule";
import { extraPricesOf } from "~/domain/extra-prices";
import { recordExtraPrices } from "~/sync/stock/extra-prices.server";
import prisma from "~/db.server";
import type { Prisma, ReconcileKind, ReconcileRun } from "~/generated/prisma/client";
import { MiraklError, type MiraklClient, type MiraklExportedOffer } from "~/integrations/mirakl";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { reportMiraklFailure } from "~/sync/mirakl-failures.server";
import { workUnits } from "~/worker/registry.server";

/**
 * Drift reconciliation for one connection: Mirakl's offer export (OF52 → OF53 → OF54) compared with
 * what we want advertised. A drifted offer is marked dirty and pushed by the next import; the run is
 * recorded with its figures. A full run first waits for a fresh Shopify catalogue (one bulk export per
 * shop, shared by every connection) and for the recompute to catch up, so "desired" is current.
 * Each phase is a short step: waits are schedules, never sleeps, so the worker stays free.
 */

export const DELTA_EVERY_MS = 60 * 60_000;
export const FULL_EVERY_MS = 24 * 60 * 60_000;
/** OF53 may be called every 10 s. */
const EXPORT_POLL_MS = 10_000;
const WAIT_POLL_MS = 5_000;
/** How many offers an exception's detail lists by name (the count is always complete). */
const SAMPLE = 50;
/**
 * Offers compared per query (PostgreSQL allows 65,535 bind parameters). The export chunk is read as it downloads,
 * so this is also how many offers are held at once, whatever the size of the chunk.
 */
const COMPARE_SLICE = 5_000;

export type MiraklOfferExportApi = Pick<
  MiraklClient,
  "startOfferExport" | "getOfferExportStatus" | "streamOfferExportChunk"
>;

interface RunState {
  trackingId?: string;
  urls?: string[];
  chunk?: number;
  since?: string;
  /** Offers on Mirakl that no Shopify variant feeds: complete count, first names. */
  orphanCount?: number;
  orphanSample?: string[];
}

interface Connection {
  id: string;
  shop: string;
}

/** Starts a run unless one is already going (then returns it). "Reconcile now" and the scheduler call this. */
export async function requestReconcile(
  connection: Connection,
  kind: ReconcileKind,
  now = new Date(),
): Promise<ReconcileRun> {
  const running = await prisma.reconcileRun.findFirst({
    where: { connectionId: connection.id, finishedAt: null },
    orderBy: { startedAt: "desc" },
  });
  if (running) return running;
  const since =
    kind === "DELTA"
      ? (
          await prisma.reconcileRun.findFirst({
            where: { connectionId: connection.id, finishedAt: { not: null }, error: null },
            orderBy: { startedAt: "desc" },
          })
        )?.startedAt
      : undefined;
  const run = await prisma.reconcileRun.create({
    data: {
      shop: connection.shop,
      connectionId: connection.id,
      kind: kind === "DELTA" && !since ? "FULL" : kind, // a first run has nothing to be a delta of
      startedAt: now,
      phase: kind === "DELTA" && since ? "mirakl-export" : "catalog",
      state: (since ? { since: since.toISOString() } : {}) as Prisma.InputJsonValue,
    },
  });
  await workUnits.stockReconcile.markDirty(connection.id, connection.shop, now);
  return run;
}

/** "Reconcile now": only for an enabled connection of this shop. */
export async function requestManualReconcile(
  shop: string,
  connectionId: string,
  now = new Date(),
): Promise<ReconcileRun | null> {
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop, enabled: true },
    select: { id: true, shop: true },
  });
  if (!connection) return null;
  // OF52 allows one full export a day: within a day of the last full one, "Reconcile now" asks for what
  // changed since the last run (a delta), which Mirakl allows at any time.
  const lastFull = await prisma.reconcileRun.findFirst({
    where: { connectionId, shop, kind: { in: ["FULL", "MANUAL"] }, finishedAt: { not: null }, error: null },
    orderBy: { startedAt: "desc" },
    select: { startedAt: true },
  });
  const fullAllowed = !lastFull || now.getTime() - lastFull.startedAt.getTime() >= FULL_EXPORT_INTERVAL_MS;
  return requestReconcile(connection, fullAllowed ? "MANUAL" : "DELTA", now);
}

/** Mirakl allows one full offer export (OF52 without last_request_date) a day. */
export const FULL_EXPORT_INTERVAL_MS = 24 * 3_600_000;

/** One step of the connection's current run; returns when to take the next one. */
export async function reconcileStep(
  connection: Connection,
  mirakl: MiraklOfferExportApi,
  now: Date,
): Promise<{ nextDueAt: Date | null }> {
  const run = await prisma.reconcileRun.findFirst({
    where: { connectionId: connection.id, finishedAt: null },
    orderBy: { startedAt: "desc" },
  });
  if (!run) return { nextDueAt: null };
  // Two requests that raced each other can both have opened a run: only the newest goes on, the others are
  // closed here, or the scheduler would wait for ever on a run nobody advances.
  await prisma.reconcileRun.updateMany({
    where: { connectionId: connection.id, finishedAt: null, id: { not: run.id } },
    data: { finishedAt: now, phase: "failed", progress: 1, error: "superseded by a newer reconciliation" },
  });
  const state = run.state as RunState;
  const later = (ms: number) => ({ nextDueAt: new Date(now.getTime() + ms) });
  try {
    switch (run.phase) {
      case "catalog": {
        const shop = await prisma.shop.findUnique({ where: { shop: connection.shop } });
        if (shop?.catalogRefreshedAt && shop.catalogRefreshedAt >= run.startedAt) {
          await advance(run, "recompute", 0.3);
          return later(0);
        }
        if (!shop?.catalogRefreshRequestedAt || shop.catalogRefreshRequestedAt < run.startedAt) {
          await prisma.shop.upsert({
            where: { shop: connection.shop },
            create: { shop: connection.shop, catalogRefreshRequestedAt: now },
            update: { catalogRefreshRequestedAt: now },
          });
          await workUnits.catalogRefresh.markDirty(connection.shop, now);
        }
        return later(WAIT_POLL_MS);
      }
      case "recompute": {
        const pending = await prisma.shopifyVariant.count({
          where: { shop: connection.shop, changeVersion: { gt: prisma.shopifyVariant.fields.computedVersion } },
        });
        if (pending > 0) return later(WAIT_POLL_MS);
        await advance(run, "mirakl-export", 0.4);
        return later(0);
      }
      case "mirakl-export": {
        // Inactive offers too: a sold-out offer is inactive on Mirakl but still ours, and must be compared
        // (not reported as missing) so that it comes back when Shopify restocks.
        const trackingId = await mirakl.startOfferExport({
          include_inactive_offers: true,
          ...(state.since ? { last_request_date: state.since } : {}),
        });
        await advance(run, "mirakl-wait", 0.45, { ...state, trackingId });
        return later(EXPORT_POLL_MS);
      }
      case "mirakl-wait": {
        const status = await mirakl.getOfferExportStatus(state.trackingId!);
        if (status.status === "FAILED") {
          return finish(
            connection,
            run,
            now,
            `Mirakl's offer export failed: ${status.error?.detail ?? status.error?.code ?? "no detail"}`,
          );
        }
        if (status.status !== "COMPLETED") return later(EXPORT_POLL_MS);
        await advance(run, "compare", 0.5, { ...state, urls: status.urls ?? [], chunk: 0 });
        return later(0);
      }
      case "compare": {
        const urls = state.urls ?? [];
        const chunk = state.chunk ?? 0;
        if (chunk < urls.length) {
          // The whole chunk in this step, a slice at a time as it downloads; a failure redoes the chunk (comparing
          // again is harmless: quantities are recorded again, a drift already marked is no longer settled).
          const counts: CompareCounts = { compared: 0, drifts: 0, orphanCount: 0, orphanSample: [] };
          let slice: MiraklExportedOffer[] = [];
          const compareSlice = async () => {
            addCounts(counts, await compareOffers(connection, slice, now));
            slice = [];
          };
          for await (const offer of mirakl.streamOfferExportChunk(urls[chunk])) {
            slice.push(offer);
            if (slice.length >= COMPARE_SLICE) await compareSlice();
          }
          if (slice.length > 0) await compareSlice();
          await prisma.reconcileRun.update({
            where: { id: run.id },
            data: {
              skusCompared: { increment: counts.compared },
              drifts: { increment: counts.drifts },
              pushed: { increment: counts.drifts },
              progress: 0.5 + 0.45 * ((chunk + 1) / urls.length),
              state: {
                ...state,
                chunk: chunk + 1,
                orphanCount: (state.orphanCount ?? 0) + counts.orphanCount,
                orphanSample: [...(state.orphanSample ?? []), ...counts.orphanSample].slice(0, SAMPLE),
              } as Prisma.InputJsonValue,
            },
          });
          return later(0);
        }
        await reportUnmatched(connection, run, state, now);
        return finish(connection, run, now, null);
      }
      default:
        return finish(connection, run, now, `unknown phase ${run.phase}`);
    }
  } catch (error) {
    if (!(error instanceof MiraklError)) throw error;
    return { nextDueAt: await reportMiraklFailure(connection, error, `reconcile (${run.phase})`, now) };
  }
}

async function advance(run: ReconcileRun, phase: string, progress: number, state?: RunState) {
  await prisma.reconcileRun.update({
    where: { id: run.id },
    data: { phase, progress, ...(state ? { state: state as Prisma.InputJsonValue } : {}) },
  });
}

async function finish(connection: Connection, run: ReconcileRun, now: Date, error: string | null) {
  await prisma.reconcileRun.update({
    where: { id: run.id },
    data: {
      phase: error ? "failed" : "done",
      progress: 1,
      finishedAt: now,
      durationMs: now.getTime() - run.startedAt.getTime(),
      error,
    },
  });
  if (error) {
    await reportException({
      shop: connection.shop,
      connectionId: connection.id,
      kind: "RECONCILE_FAILED",
      severity: "WARNING",
      entityType: "ReconcileRun",
      entityId: connection.id,
      message: `Stock reconciliation did not complete: ${error}`,
      fixHint:
        "Stock changes are still pushed as they happen; only the drift check was skipped. Use Reconcile now to try again.",
      detail: { runId: run.id, kind: run.kind },
    });
  } else {
    await resolveExceptionsFor(connection.shop, "ReconcileRun", connection.id, now);
  }
  if (run.drifts > 0 || !error) await workUnits.stockPush.markDirty(connection.id, connection.shop, now);
  return { nextDueAt: null };
}

interface CompareCounts {
  /** Offers compared (deleted ones left out). */
  compared: number;
  drifts: number;
  /** Offers with no Shopify variant behind them: all counted, the first SAMPLE named. */
  orphanCount: number;
  orphanSample: string[];
}

function addCounts(total: CompareCounts, more: CompareCounts) {
  total.compared += more.compared;
  total.drifts += more.drifts;
  total.orphanCount += more.orphanCount;
  if (total.orphanSample.length < SAMPLE)
    total.orphanSample.push(...more.orphanSample.slice(0, SAMPLE - total.orphanSample.length));
}

/**
 * Records Mirakl's quantity on each offer and marks drift: an offer whose row is settled (nothing
 * pending, nothing refused) but whose Mirakl quantity differs from what we want is pushed again.
 */
async function compareOffers(connection: Connection, offers: MiraklExportedOffer[], now: Date): Promise<CompareCounts> {
  let drifts = 0;
  const orphans: string[] = [];
  for (let i = 0; i < offers.length; i += COMPARE_SLICE) {
    const slice = offers.slice(i, i + COMPARE_SLICE);
    const rows = await prisma.offerStock.findMany({
      where: { connectionId: connection.id, warehouseCode: "", offerSku: { in: slice.map((o) => o.shop_sku) } },
      select: {
        id: true,
        offerSku: true,
        desiredQuantity: true,
        desiredVersion: true,
        pushedVersion: true,
        lastPushError: true,
      },
    });
    const bySku = new Map(rows.map((r) => [r.offerSku, r]));
    const ids: string[] = [];
    const quantities: (number | null)[] = [];
    const prices: (string | null)[] = [];
    const drifted: boolean[] = [];
    const versions: number[] = [];
    const extraPrices: { id: string; extras: string[] | null }[] = [];
    for (const offer of slice) {
      const row = bySku.get(offer.shop_sku);
      if (!row) {
        if (!offer.deleted) orphans.push(offer.shop_sku); // no Shopify variant behind it: reported once per run
        continue;
      }
      const miraklQuantity = offer.deleted ? null : (offer.quantity ?? 0);
      const settled = row.desiredVersion === row.pushedVersion && !row.lastPushError;
      const drift =
        settled && miraklQuantity !== null && row.desiredQuantity !== null && row.desiredQuantity !== miraklQuantity;
      if (drift) drifts++;
      ids.push(row.id);
      quantities.push(miraklQuantity);
      // What a customer pays today: the order acceptance checks the price paid against it.
      prices.push(offer.deleted ? null : advertisedUnitPrice(offer.prices, now));
      // What a price push would delete (PRI01 replaces every price): price sync waits for the merchant's word.
      extraPrices.push({ id: row.id, extras: offer.deleted ? null : extraPricesOf(offer.prices) });
      drifted.push(drift);
      versions.push(row.desiredVersion);
    }
    if (ids.length === 0) continue;
    // Not tied to the version compare-and-set below: a price push must never miss what it would delete.
    await recordExtraPrices(connection, extraPrices, now);
    // One statement per slice. Compare-and-set on the version read: a change since then is already on its way.
    await prisma.$executeRaw`
      UPDATE "OfferStock" AS o SET
        "miraklQuantity" = v.quantity,
        "miraklPrice" = v.price,
        "miraklObservedAt" = ${now},
        "desiredVersion" = o."desiredVersion" + CASE WHEN v.drifted THEN 1 ELSE 0 END,
        "updatedAt" = ${now}
      FROM unnest(${ids}::text[], ${quantities}::int[], ${prices}::text[], ${drifted}::bool[], ${versions}::int[]) AS v(id, quantity, price, drifted, version)
      WHERE o."id" = v.id AND o."desiredVersion" = v.version`;
  }
  return {
    compared: offers.filter((o) => !o.deleted).length,
    drifts,
    orphanCount: orphans.length,
    orphanSample: orphans.slice(0, SAMPLE),
  };
}

/** Both directions of mismatch, as one counted exception each per connection (not one row per SKU). */
async function reportUnmatched(connection: Connection, run: ReconcileRun, state: RunState, now: Date) {
  if (run.kind === "DELTA") return; // a delta export only lists changed offers: absence means nothing
  // Counted, and the first SAMPLE named: a first install against an empty marketplace has every SKU here.
  const notOnMarketplace = {
    connectionId: connection.id,
    warehouseCode: "",
    desiredQuantity: { not: null },
    OR: [{ miraklObservedAt: null }, { miraklObservedAt: { lt: run.startedAt } }],
  } satisfies Prisma.OfferStockWhereInput;
  const missing = await prisma.offerStock.count({ where: notOnMarketplace });
  const missingSample = missing
    ? await prisma.offerStock.findMany({
        where: notOnMarketplace,
        select: { offerSku: true },
        orderBy: { offerSku: "asc" },
        take: SAMPLE,
      })
    : [];
  await reportOrResolve(
    connection,
    now,
    "SKU_NOT_ON_MARKETPLACE",
    missing,
    missingSample.map((r) => r.offerSku),
    (count) => ({
      message: `${count} Shopify SKU${count === 1 ? " has" : "s have"} no offer on this marketplace, so their stock cannot be sent.`,
      fixHint:
        "Create the offers on the marketplace (or enable offer creation for variants with a barcode), or map each Shopify SKU to its existing offer SKU under Stock → SKU mapping.",
    }),
  );
  await reportOrResolve(
    connection,
    now,
    "OFFER_WITHOUT_VARIANT",
    state.orphanCount ?? 0,
    state.orphanSample ?? [],
    (count) => ({
      message: `${count} offer${count === 1 ? "" : "s"} on this marketplace match${count === 1 ? "es" : ""} no Shopify variant: the app does not manage their stock.`,
      fixHint:
        "Give the Shopify variant the same SKU, or map it to the offer SKU under Stock → SKU mapping. Offers you sell from elsewhere can be dismissed.",
    }),
  );
}

async function reportOrResolve(
  connection: Connection,
  now: Date,
  kind: "SKU_NOT_ON_MARKETPLACE" | "OFFER_WITHOUT_VARIANT",
  count: number,
  sample: string[],
  text: (count: number) => { message: string; fixHint: string },
) {
  const entity = { entityType: "MarketplaceConnection", entityId: `${connection.id}:${kind}` };
  if (count === 0) {
    await resolveExceptionsFor(connection.shop, entity.entityType, entity.entityId, now);
    return;
  }
  await reportException({
    shop: connection.shop,
    connectionId: connection.id,
    kind,
    severity: "WARNING",
    ...entity,
    ...text(count),
    detail: { count, firstSkus: sample },
  });
}
