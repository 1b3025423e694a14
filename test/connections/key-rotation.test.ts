import { afterEach, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import {
  createConnection,
  keylessConnectionData,
  loadConnectionCredentials,
  updateConnection,
} from "~/connections/connections.server";
import { apiKeyReencryptTask } from "~/connections/key-rotation.server";
import { loadKeys } from "~/connections/secret-box.server";
import { schedulePeriodicWork } from "~/sync/index.server";
import { workUnits } from "~/worker/registry.server";
import { Worker } from "~/worker/worker.server";

/**
 * After a key rotation every stored API key is sealed again under the current key by a background unit, so the
 * old key can be dropped; a key no configured key opens is reported on its connection and does not stop the others.
 */

const CURRENT = process.env.ENCRYPTION_KEY!;
const OLD = Buffer.alloc(32, 7).toString("base64");
const LOST = Buffer.alloc(32, 9).toString("base64");
const currentPrefix = `v1:${loadKeys().current.id}:`;
let testCount = 0;

/** A connection whose key was stored while `key` was the app's encryption key. */
async function storedUnder(key: string, shop: string, apiKey: string) {
  process.env.ENCRYPTION_KEY = key;
  try {
    return await createConnection(shop, { name: `Marketplace ${apiKey}`, baseUrl: "https://m.mirakl.test", apiKey });
  } finally {
    process.env.ENCRYPTION_KEY = CURRENT;
  }
}
const ciphertextOf = async (id: string) =>
  (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id } })).apiKeyEncrypted;
const runRotation = async () => {
  await workUnits.apiKeyReencrypt.markDue();
  expect(await new Worker({ handlers: [apiKeyReencryptTask], id: "rotation-test" }).runOnce()).toBe(true);
};

beforeAll(async () => {
  await ensureDatabaseReady();
});
afterEach(() => {
  process.env.ENCRYPTION_KEY = CURRENT;
  delete process.env.ENCRYPTION_KEYS_PREVIOUS;
});

describe("API keys after an encryption key rotation", () => {
  it("are sealed again under the current key in the background; one no key opens is reported and skipped", async () => {
    const n = ++testCount;
    const [shopA, shopB, shopC] = ["a", "b", "c"].map((s) => `rotation-${n}-${s}.myshopify.com`);
    const oldA = await storedUnder(OLD, shopA, "key-a");
    const oldB = await storedUnder(OLD, shopB, "key-b");
    const lost = await storedUnder(LOST, shopC, "key-c"); // sealed under a key nobody kept
    const fresh = await storedUnder(CURRENT, shopC, "key-d");
    const keyless = await prisma.marketplaceConnection.create({
      data: keylessConnectionData(shopC, { name: "Imported", baseUrl: "https://i.mirakl.test" }),
    });
    const before = {
      lost: await ciphertextOf(lost.id),
      fresh: await ciphertextOf(fresh.id),
      updatedAt: (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: oldA.id } })).apiKeyUpdatedAt,
    };

    // The rotation: a new current key, the old one kept for decryption only (and a malformed entry among them).
    process.env.ENCRYPTION_KEYS_PREVIOUS = `not-a-key, ${OLD}`;
    await runRotation();

    for (const connection of [oldA, oldB]) expect(await ciphertextOf(connection.id)).toMatch(currentPrefix);
    expect(await ciphertextOf(lost.id)).toBe(before.lost);
    expect(await ciphertextOf(fresh.id)).toBe(before.fresh);
    expect(await ciphertextOf(keyless.id)).toBe("");
    const [unreadable, ...others] = await prisma.syncException.findMany({
      where: { shop: { in: [shopA, shopB, shopC] } },
    });
    expect(others).toEqual([]);
    expect(unreadable).toMatchObject({
      shop: shopC,
      connectionId: lost.id,
      kind: "CONNECTION_MISCONFIGURED",
      status: "OPEN",
      entityId: `${lost.id}:api-key`,
    });
    expect(unreadable!.message).toMatch(/cannot be decrypted/);
    expect(unreadable!.fixHint).toMatch(/Enter the connection's API key again/);
    // The key itself did not change: nothing pretends it was re-entered.
    expect((await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: oldA.id } })).apiKeyUpdatedAt).toEqual(
      before.updatedAt,
    );

    // The old key can now go: every readable key opens under the current one alone.
    delete process.env.ENCRYPTION_KEYS_PREVIOUS;
    expect((await loadConnectionCredentials(shopA, oldA.id))?.apiKey).toBe("key-a");
    expect((await loadConnectionCredentials(shopB, oldB.id))?.apiKey).toBe("key-b");
    expect((await loadConnectionCredentials(shopC, fresh.id))?.apiKey).toBe("key-d");

    // The unit comes back hourly; the merchant re-entering the lost key closes its exception.
    const unit = await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.apiKeyReencrypt.key } });
    expect(unit.dueAt.getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
    await updateConnection(shopC, lost.id, { apiKey: "key-c-again" });
    expect(await prisma.syncException.findUniqueOrThrow({ where: { id: unreadable!.id } })).toMatchObject({
      status: "RESOLVED",
    });
    await runRotation();
    expect(await prisma.syncException.count({ where: { shop: shopC, status: "OPEN" } })).toBe(0);
  });

  it("a malformed entry in ENCRYPTION_KEYS_PREVIOUS does not stop the keys the other entries sealed from opening", async () => {
    const shop = `rotation-${++testCount}.myshopify.com`;
    const old = await storedUnder(OLD, shop, "key-old");
    process.env.ENCRYPTION_KEYS_PREVIOUS = `${OLD},short`;
    expect((await loadConnectionCredentials(shop, old.id))?.apiKey).toBe("key-old");
  });

  it("runs as soon as a worker starts, a rotation being a restart with new variables", async () => {
    await prisma.workUnit.updateMany({
      where: { key: workUnits.apiKeyReencrypt.key },
      data: { dueAt: new Date(Date.now() + 60 * 60_000) },
    });
    await schedulePeriodicWork();
    const unit = await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.apiKeyReencrypt.key } });
    expect(unit.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
