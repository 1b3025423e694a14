import prisma from "~/db.server";
import { parseConnectionSettings, stockRulesConfigured } from "~/domain/connection-settings";
import { shopifyAdminForShop, type ShopifyAdminClient } from "~/integrations/shopify/client";
import { shopifyAccessWatch } from "~/shops/shopify-access.server";
import type { OperationData } from "~/integrations/shopify/operation";
import { locations as locationsOperation, type ShopLocation } from "~/integrations/shopify/operations";
import { logger } from "~/lib/logger.server";
import { recomputeConnection } from "~/sync/stock/recompute.server";
import { extraPricesPreview } from "~/sync/stock/extra-prices.server";
import { mergeConnectionSettings } from "~/connections/connections.server";
import {
  formValuesFromSettings,
  settingsFormValuesSchema,
  settingsFromForm,
  type SettingsFieldErrors,
} from "~/connections/stock-settings-form";

/**
 * The "Stock & price settings" of one connection: what the page shows (the stored rules and the shop's
 * Shopify locations) and the save, which validates, stores and has every offer of the connection
 * recomputed so the change reaches the marketplace with the next stock import. Every query is scoped
 * by shop: another shop's connection does not exist here.
 */

export interface LocationOption {
  id: string;
  name: string;
  /** False for a location Shopify deactivated (its stock is still counted if chosen). */
  active: boolean;
  /** "shopify": read live; "known": only known from the inventory mirror or the saved rules (Shopify unreachable, or deleted there). */
  source: "shopify" | "known";
}

export type ShopLocationsResult = { ok: true; locations: ShopLocation[] } | { ok: false; message: string };

/** Builds the shop's Admin client; tests pass one onto the Shopify fake. */
export type LocationsClientFactory = (shop: string) => Promise<ShopifyAdminClient>;

/**
 * A merchant waits on this page: two tries and short backoffs, not the worker's patient defaults, and a
 * hard time limit, so an unreachable Shopify becomes a clear message within seconds.
 */
const PAGE_CLIENT_OPTIONS = { maxAttempts: 2, baseBackoffMs: 300, maxBackoffMs: 1_000 };
const LOCATIONS_TIMEOUT_MS = 10_000;
const LOCATIONS_PAGE_SIZE = 250;
const MAX_LOCATION_PAGES = 20;
/** The save re-checks the chosen locations against what the page showed a moment ago. */
const LOCATIONS_CACHE_MS = 5 * 60_000;

const defaultClientFactory: LocationsClientFactory = async (shop) => {
  const { unauthenticated } = await import("~/shopify.server");
  return shopifyAdminForShop(shop, unauthenticated.admin, {
    ...PAGE_CLIENT_OPTIONS,
    accessWatch: shopifyAccessWatch(shop),
  });
};

const locationsCache = new Map<string, { at: number; locations: ShopLocation[] }>();

/** The shop's locations, live from Shopify (active and inactive); never throws. */
export async function readShopLocations(
  shop: string,
  options: { client?: LocationsClientFactory; maxAgeMs?: number; now?: number } = {},
): Promise<ShopLocationsResult> {
  const now = options.now ?? Date.now();
  const cached = locationsCache.get(shop);
  if (cached && options.maxAgeMs !== undefined && now - cached.at <= options.maxAgeMs)
    return { ok: true, locations: cached.locations };
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = async () => {
      const client = await (options.client ?? defaultClientFactory)(shop);
      const found: ShopLocation[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_LOCATION_PAGES; page++) {
        const data: OperationData<typeof locationsOperation> = await client.request(locationsOperation, {
          first: LOCATIONS_PAGE_SIZE,
          after,
          includeInactive: true,
        });
        found.push(...data.locations.nodes);
        if (!data.locations.pageInfo.hasNextPage) break;
        after = data.locations.pageInfo.endCursor;
      }
      return found;
    };
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${LOCATIONS_TIMEOUT_MS / 1000} s`)),
        LOCATIONS_TIMEOUT_MS,
      );
    });
    const locations = await Promise.race([read(), timeout]);
    locationsCache.set(shop, { at: now, locations });
    return { ok: true, locations };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    logger.warn("stock settings: reading the shop's locations failed", { shop, error: detail });
    return {
      ok: false,
      message: `Shopify could not be reached to list your locations (${detail}). Try again in a moment; the locations already chosen are kept.`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Tests start from a cold cache. */
export function forgetCachedLocations(shop?: string) {
  if (shop) {
    locationsCache.delete(shop);
    lastNameLookupFailure.delete(shop);
  } else {
    locationsCache.clear();
    lastNameLookupFailure.clear();
  }
}

/** After a failed lookup, the Stock page shows ids for a while rather than wait on Shopify at every load. */
const NAME_LOOKUP_BACKOFF_MS = 60_000;
const lastNameLookupFailure = new Map<string, number>();

/**
 * Location names for the Stock page's explanations: those saved with the rules, then what this process
 * read lately. A chosen location without a name (rules set elsewhere) gets a short live lookup; when
 * Shopify is slow the page does not wait for it (the lookup still fills the cache for the next load).
 */
export async function locationNamesForDisplay(
  shop: string,
  settings: { stock: { locationIds: readonly string[] }; locationNames: Readonly<Record<string, string>> },
  options: { client?: LocationsClientFactory; waitMs?: number; now?: number } = {},
): Promise<Record<string, string>> {
  const names: Record<string, string> = { ...settings.locationNames };
  const remember = (locations: readonly ShopLocation[]) => {
    for (const l of locations) names[l.id] = l.name;
  };
  remember(locationsCache.get(shop)?.locations ?? []);
  if (settings.stock.locationIds.every((id) => names[id])) return names;
  const now = options.now ?? Date.now();
  if (now - (lastNameLookupFailure.get(shop) ?? -Infinity) < NAME_LOOKUP_BACKOFF_MS) return names;
  const lookup = readShopLocations(shop, { client: options.client }).then((live) => {
    if (!live.ok) lastNameLookupFailure.set(shop, Date.now());
    return live;
  });
  const live = await Promise.race([
    lookup,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), options.waitMs ?? 1_500).unref()),
  ]);
  if (live?.ok) remember(live.locations);
  return names;
}

/** Locations the sync already knows: the inventory mirror's. */
async function mirroredLocationIds(shop: string): Promise<string[]> {
  const rows = await prisma.shopifyInventoryLevel.findMany({
    where: { shop },
    distinct: ["locationId"],
    select: { locationId: true },
    orderBy: { locationId: "asc" },
  });
  return rows.map((r) => r.locationId);
}

function locationOptions(
  live: ShopLocationsResult,
  knownIds: readonly string[],
  savedNames: Readonly<Record<string, string>>,
): LocationOption[] {
  const options: LocationOption[] = live.ok
    ? [...live.locations]
        .sort(
          (a, b) =>
            Number(b.isPrimary) - Number(a.isPrimary) ||
            Number(b.isActive) - Number(a.isActive) ||
            a.name.localeCompare(b.name),
        )
        .map((l) => ({ id: l.id, name: l.name, active: l.isActive, source: "shopify" as const }))
    : [];
  const listed = new Set(options.map((o) => o.id));
  for (const id of knownIds) {
    if (listed.has(id)) continue;
    listed.add(id);
    options.push({ id, name: savedNames[id] ?? id, active: true, source: "known" });
  }
  return options;
}

export async function loadStockSettingsPage(
  shop: string,
  connectionId: string,
  options: { client?: LocationsClientFactory } = {},
) {
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true, name: true, enabled: true, settings: true },
  });
  if (!row) return null;
  const settings = parseConnectionSettings(row.settings);
  const [live, mirrored, overrideCount, extraPrices] = await Promise.all([
    readShopLocations(shop, { client: options.client }),
    mirroredLocationIds(shop),
    prisma.skuMapping.count({ where: { shop, connectionId } }),
    extraPricesPreview(shop, connectionId),
  ]);
  const saved = [...settings.stock.locationIds, ...settings.stock.warehouses.flatMap((w) => w.locationIds)];
  return {
    connection: { id: row.id, name: row.name, enabled: row.enabled },
    values: formValuesFromSettings(settings),
    configuredAt: settings.stockConfiguredAt,
    configured: stockRulesConfigured(settings),
    currency: settings.currencyIsoCode,
    locations: locationOptions(live, [...saved, ...mirrored], settings.locationNames),
    locationsError: live.ok ? null : live.message,
    overrideCount,
    // What a price push would delete on Mirakl, and whether the merchant already confirmed exactly this.
    extraPrices: {
      ...extraPrices,
      confirmedAt:
        extraPrices.offerCount > 0 && settings.prices.extraPricesReplaced?.fingerprint === extraPrices.fingerprint
          ? settings.prices.extraPricesReplaced.confirmedAt
          : null,
    },
  };
}

export type SaveStockSettingsResult =
  { ok: true; variantsToRecompute: number } | { ok: false; notFound?: true; errors: SettingsFieldErrors };

/**
 * Validates and stores the form, marks the rules as configured (from now on the connection's stock is
 * pushed, zeros included), and has all of its offers recomputed. A bad submit changes nothing.
 */
export async function saveStockSettings(
  shop: string,
  connectionId: string,
  submitted: unknown,
  options: { client?: LocationsClientFactory; now?: Date } = {},
): Promise<SaveStockSettingsResult> {
  const values = settingsFormValuesSchema.safeParse(submitted);
  if (!values.success)
    return { ok: false, errors: { form: "The form could not be read; reload the page and try again" } };
  // A page loaded before the import time limit was on it does not send one: the stored limit stays.
  const storedLimit = async () =>
    prisma.marketplaceConnection
      .findFirst({ where: { id: connectionId, shop }, select: { settings: true } })
      .then((row) => parseConnectionSettings(row?.settings).importAgeLimitMinutes);
  const parsed = settingsFromForm({
    ...values.data,
    importAgeLimitMinutes: values.data.importAgeLimitMinutes ?? String(await storedLimit()),
  });
  if (!parsed.ok) return parsed;

  // A chosen location must be one of this shop's: live from Shopify when it answers; otherwise one the
  // sync already knows (saved before, or in the inventory mirror), so an outage never blocks other edits.
  // Asked before the settings are read: Shopify may take seconds, and a "Test connection" saving its
  // findings meanwhile must not be overwritten with what was read before.
  const live = await readShopLocations(shop, { client: options.client, maxAgeMs: LOCATIONS_CACHE_MS });
  const row = await prisma.marketplaceConnection.findFirst({
    where: { id: connectionId, shop },
    select: { id: true, settings: true },
  });
  if (!row) return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  const current = parseConnectionSettings(row.settings);
  const known = new Set(
    live.ok
      ? live.locations.map((l) => l.id)
      : [
          ...current.stock.locationIds,
          ...current.stock.warehouses.flatMap((w) => w.locationIds),
          ...(await mirroredLocationIds(shop)),
        ],
  );
  const unknown = parsed.stock.locationIds.filter((id) => !known.has(id));
  if (unknown.length) {
    const names = unknown.map((id) => current.locationNames[id] ?? id).join(", ");
    return {
      ok: false,
      errors: {
        locationIds: live.ok
          ? `Shopify has no location ${names} (any more): untick it`
          : `Location ${names} is not known to the app; reload the page once Shopify answers`,
      },
    };
  }

  const now = options.now ?? new Date();
  // PRI01 deletes every price it is not sent: price sync starts only once the merchant has confirmed the
  // extra prices listed on the page, and a confirmation covers exactly the list they saw.
  const extraPrices = await extraPricesPreview(shop, connectionId);
  const submittedConfirmation = values.data.confirmExtraPrices;
  if (submittedConfirmation && submittedConfirmation !== extraPrices.fingerprint) {
    return {
      ok: false,
      errors: {
        confirmExtraPrices:
          "The prices on Mirakl changed since this page was loaded: reload it, review the new list and confirm again",
      },
    };
  }
  const extraPricesReplaced =
    submittedConfirmation && extraPrices.offerCount > 0
      ? { fingerprint: extraPrices.fingerprint, offerCount: extraPrices.offerCount, confirmedAt: now.toISOString() }
      : current.prices.extraPricesReplaced;
  if (
    parsed.prices.enabled &&
    !current.prices.enabled &&
    extraPrices.offerCount > 0 &&
    extraPricesReplaced?.fingerprint !== extraPrices.fingerprint
  ) {
    return {
      ok: false,
      errors: {
        confirmExtraPrices: `${extraPrices.offerCount} offer(s) have prices on Mirakl that the first price push would delete: review them under Prices and confirm, or leave price sync off`,
      },
    };
  }
  const locationNames = {
    ...current.locationNames,
    ...(live.ok ? Object.fromEntries(live.locations.map((l) => [l.id, l.name.slice(0, 255)])) : {}),
  };
  // Only the keys this form owns are written: a "Test connection" finishing meanwhile keeps its findings.
  const stored = await mergeConnectionSettings(shop, connectionId, {
    stock: parsed.stock,
    prices: { ...parsed.prices, extraPricesReplaced },
    offers: parsed.offers,
    importAgeLimitMinutes: parsed.importAgeLimitMinutes,
    stockConfiguredAt: now.toISOString(),
    locationNames,
  });
  if (!stored) return { ok: false, notFound: true, errors: { form: "This connection does not exist (any more)" } };
  // Every offer of the connection may change (locations, buffers, prices): the worker recomputes them and
  // marks the stock and price pushes, so the marketplace has the new values within about a minute.
  const variantsToRecompute = await recomputeConnection(shop, connectionId, now);
  return { ok: true, variantsToRecompute };
}
