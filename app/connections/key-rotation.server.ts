import prisma from "~/db.server";
import { keyContext, NO_KEY, unreadableApiKeyEntityId } from "~/connections/connections.server";
import { decryptSecret, encryptSecret, loadKeys, SecretBoxError } from "~/connections/secret-box.server";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import { logger } from "~/lib/logger.server";
import { workUnits } from "~/worker/registry.server";

/**
 * After a key rotation (a new ENCRYPTION_KEY, the old one moved to ENCRYPTION_KEYS_PREVIOUS) every stored API key
 * is sealed again under the current key in the background, so the old key can then be dropped. A key that no
 * configured key opens is reported on its connection and skipped: the others go on.
 */

/** Rows read per query; the pass goes through all of them (a keyset cursor). */
const PAGE = 200;
/** Runs at every worker start (a rotation means a restart) and then hourly. */
const EVERY_MS = 60 * 60_000;

export interface ReencryptResult {
  reencrypted: number;
  unreadable: number;
}

export async function reencryptApiKeys(now = new Date(), keys = loadKeys()): Promise<ReencryptResult> {
  const current = `v1:${keys.current.id}:`;
  const result: ReencryptResult = { reencrypted: 0, unreadable: 0 };
  let after = "";
  for (;;) {
    const rows = await prisma.marketplaceConnection.findMany({
      where: {
        id: { gt: after },
        apiKeyEncrypted: { not: NO_KEY },
        NOT: { apiKeyEncrypted: { startsWith: current } },
      },
      select: { id: true, shop: true, name: true, apiKeyEncrypted: true },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    if (rows.length === 0) return result;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) {
      let sealed: string;
      try {
        sealed = encryptSecret(decryptSecret(row.apiKeyEncrypted, keyContext(row), keys), keyContext(row), keys);
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        result.unreadable++;
        await reportUnreadable(row, error, now);
        continue;
      }
      // Compare-and-set: a key the merchant entered meanwhile is not replaced by the old one.
      const { count } = await prisma.marketplaceConnection.updateMany({
        where: { id: row.id, shop: row.shop, apiKeyEncrypted: row.apiKeyEncrypted },
        data: { apiKeyEncrypted: sealed },
      });
      if (count === 0) continue;
      result.reencrypted++;
      await resolveExceptionsFor(row.shop, "MarketplaceConnection", unreadableApiKeyEntityId(row.id), now);
    }
  }
}

async function reportUnreadable(row: { id: string; shop: string; name: string }, error: SecretBoxError, now: Date) {
  await reportException(
    {
      shop: row.shop,
      connectionId: row.id,
      kind: "CONNECTION_MISCONFIGURED",
      severity: "CRITICAL",
      entityType: "MarketplaceConnection",
      entityId: unreadableApiKeyEntityId(row.id),
      message: `The stored Mirakl API key of ${row.name} cannot be decrypted with any configured encryption key (${error.message}), so nothing is synced with this marketplace.`,
      fixHint:
        "Enter the connection's API key again (Connections → the connection → API key). If the app's encryption key was changed, the operator can instead add the old one to ENCRYPTION_KEYS_PREVIOUS.",
    },
    now,
  );
}

export const apiKeyReencryptTask = workUnits.apiKeyReencrypt.task(async (_unit, ctx) => {
  const result = await reencryptApiKeys(ctx.now());
  if (result.reencrypted || result.unreadable) logger.info("API keys sealed under the current key", { ...result });
  return { nextDueAt: new Date(ctx.now().getTime() + EVERY_MS) };
});
