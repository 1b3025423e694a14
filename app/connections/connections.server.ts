import prisma from "~/db.server";
import type { MarketplaceConnection } from "~/generated/prisma/client";
import { decryptSecret, encryptSecret } from "~/connections/secret-box.server";
import { resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { parseConnectionSettings, type ConnectionSettings } from "~/domain/connection-settings";

/** What may leave the server: everything but the key (and not even its ciphertext). */
export interface ConnectionSummary {
  id: string;
  name: string;
  baseUrl: string;
  miraklShopId: string | null;
  enabled: boolean;
  disabledReason: string | null;
  apiKeyUpdatedAt: string;
  /** False for an imported connection until the merchant enters its key. */
  hasApiKey: boolean;
  settings: ConnectionSettings;
}

/** Why an imported connection is disabled: its key did not travel with the export. */
export const API_KEY_REQUIRED = "API key required";
const DISABLED_BY_MERCHANT = "disabled by the merchant";
/** apiKeyEncrypted of a connection that has no key yet (imported); never decrypted. */
export const NO_KEY = "";

export interface ConnectionInput {
  name: string;
  baseUrl: string;
  miraklShopId?: string | null;
  apiKey: string;
  settings?: unknown;
}

// The row id is part of the associated data: a ciphertext moved onto another row does not decrypt.
export const keyContext = (row: { id: string; shop: string }) => `MarketplaceConnection:${row.shop}:${row.id}`;

/** The exception entity of a stored API key no configured key can decrypt (app/connections/key-rotation.server.ts). */
export const unreadableApiKeyEntityId = (connectionId: string) => `${connectionId}:api-key`;

export function toSummary(row: MarketplaceConnection): ConnectionSummary {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    miraklShopId: row.miraklShopId,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    apiKeyUpdatedAt: row.apiKeyUpdatedAt.toISOString(),
    hasApiKey: row.apiKeyEncrypted !== NO_KEY,
    settings: parseConnectionSettings(row.settings),
  };
}

export async function createConnection(shop: string, input: ConnectionInput): Promise<ConnectionSummary> {
  const settings = parseConnectionSettings(input.settings);
  const id = crypto.randomUUID();
  const row = await prisma.marketplaceConnection.create({
    data: {
      id,
      shop,
      name: input.name,
      baseUrl: input.baseUrl,
      miraklShopId: input.miraklShopId ?? null,
      apiKeyEncrypted: encryptSecret(input.apiKey, keyContext({ id, shop })),
      settings,
    },
  });
  return toSummary(row);
}

/** Updates a shop's connection; a blank apiKey keeps the stored one (the form never shows it). */
export async function updateConnection(
  shop: string,
  id: string,
  input: Partial<ConnectionInput> & { enabled?: boolean },
) {
  const existing = await prisma.marketplaceConnection.findFirst({ where: { id, shop } });
  if (!existing) return null;
  // What the last test learnt belongs to the old endpoint or key: forget it when either changes.
  const endpointChanged =
    Boolean(input.apiKey) ||
    (input.baseUrl !== undefined && input.baseUrl !== existing.baseUrl) ||
    (input.miraklShopId !== undefined && (input.miraklShopId ?? null) !== existing.miraklShopId);
  if (endpointChanged && input.settings !== undefined)
    input = {
      ...input,
      settings: {
        ...parseConnectionSettings(input.settings),
        lastCheck: null,
        partialAcceptanceForbidden: false,
        shippingPlatform: null,
      },
    };
  else if (endpointChanged)
    await mergeConnectionSettings(shop, id, {
      lastCheck: null,
      partialAcceptanceForbidden: false,
      shippingPlatform: null,
    });
  // An imported connection waits for its key; once it has one it is an ordinary disabled connection.
  const keyArrives =
    Boolean(input.apiKey) && existing.disabledReason === API_KEY_REQUIRED && input.enabled === undefined;
  const row = await prisma.marketplaceConnection.update({
    where: { id: existing.id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}),
      ...(input.miraklShopId !== undefined ? { miraklShopId: input.miraklShopId } : {}),
      ...(input.settings !== undefined ? { settings: parseConnectionSettings(input.settings) } : {}),
      ...(input.enabled !== undefined
        ? { enabled: input.enabled, disabledReason: input.enabled ? null : DISABLED_BY_MERCHANT }
        : {}),
      ...(keyArrives ? { disabledReason: DISABLED_BY_MERCHANT } : {}),
      ...(input.apiKey
        ? { apiKeyEncrypted: encryptSecret(input.apiKey, keyContext(existing)), apiKeyUpdatedAt: new Date() }
        : {}),
    },
  });
  if (input.apiKey) await resolveExceptionsFor(shop, "MarketplaceConnection", unreadableApiKeyEntityId(id));
  return toSummary(row);
}

/**
 * Writes some top-level settings of a connection and leaves the others as they are in the database:
 * one `settings || patch` statement, so two writers of different keys (a stock settings save and a
 * "Test connection" finishing meanwhile) never overwrite each other's values with a stale copy. The
 * merged result is validated first. Returns the settings as stored, or null when the connection is not
 * this shop's.
 */
export async function mergeConnectionSettings(
  shop: string,
  id: string,
  patch: Partial<ConnectionSettings>,
): Promise<ConnectionSettings | null> {
  const row = await prisma.marketplaceConnection.findFirst({ where: { id, shop }, select: { settings: true } });
  if (!row) return null;
  const merged = parseConnectionSettings({ ...parseConnectionSettings(row.settings), ...patch });
  const written = Object.fromEntries(Object.keys(patch).map((key) => [key, merged[key as keyof ConnectionSettings]]));
  const stored = await prisma.$queryRaw<{ settings: unknown }[]>`
    UPDATE "MarketplaceConnection" SET "settings" = "settings" || ${JSON.stringify(written)}::jsonb, "updatedAt" = now()
    WHERE "id" = ${id} AND "shop" = ${shop}
    RETURNING "settings"`;
  return stored.length ? parseConnectionSettings(stored[0]!.settings) : null;
}

export async function listConnections(shop: string): Promise<ConnectionSummary[]> {
  const rows = await prisma.marketplaceConnection.findMany({ where: { shop }, orderBy: { name: "asc" } });
  return rows.map(toSummary);
}

/** Server-side only (sync workers, "Test connection"): the decrypted key never goes further. */
export async function loadConnectionCredentials(shop: string, id: string) {
  const row = await prisma.marketplaceConnection.findFirst({ where: { id, shop } });
  if (!row) return null;
  if (row.apiKeyEncrypted === NO_KEY) return { ...toSummary(row), apiKey: "" };
  return { ...toSummary(row), apiKey: decryptSecret(row.apiKeyEncrypted, keyContext(row)) };
}

export async function disableConnectionsForShop(shop: string, reason: string) {
  const { count } = await prisma.marketplaceConnection.updateMany({
    where: { shop, enabled: true },
    data: { enabled: false, disabledReason: reason },
  });
  return count;
}

/** An imported connection's row: everything but the key, which stays with the shop it came from; disabled until one is entered. */
export function keylessConnectionData(shop: string, input: Omit<ConnectionInput, "apiKey">) {
  return {
    shop,
    name: input.name,
    baseUrl: input.baseUrl,
    miraklShopId: input.miraklShopId ?? null,
    apiKeyEncrypted: NO_KEY,
    enabled: false,
    disabledReason: API_KEY_REQUIRED,
    settings: parseConnectionSettings(input.settings),
  };
}

export async function getConnection(shop: string, id: string): Promise<ConnectionSummary | null> {
  const row = await prisma.marketplaceConnection.findFirst({ where: { id, shop } });
  return row ? toSummary(row) : null;
}
