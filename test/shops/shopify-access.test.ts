import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { Session } from "@shopify/shopify-api";
import { sessionStorage } from "~/shopify.server";
import { recordInstall } from "~/shops/installation.server";
import { catalogRefreshTask } from "~/sync/catalog/refresh.server";
import { workUnits } from "~/worker/registry.server";
import { Worker } from "~/worker/worker.server";
import { installShop } from "../helpers/app";
import { ShopifyFake } from "../shopify-fake";

/**
 * Background work that loses the shop's Shopify access (no offline session, a token Shopify refuses) says so:
 * one SHOPIFY_ACCESS_LOST exception per shop with a fix hint, through the real Shopify library and the app's
 * session storage, answered by the fake. It closes when a request goes through again or the merchant signs in anew.
 */

// The fake answers 401 to a token it did not issue, as Shopify does for a revoked one.
const fake = new ShopifyFake({ requireIssuedTokens: true });
let uninstallFake = () => {};
let clock = Date.now();
const worker = new Worker({ handlers: [catalogRefreshTask], id: "access-test", now: () => new Date(clock) });

beforeAll(async () => {
  await ensureDatabaseReady();
  uninstallFake = fake.install();
});
afterAll(() => uninstallFake());
// One test's failing unit must not be the one the next test's worker claims.
beforeEach(() => prisma.workUnit.deleteMany({ where: { kind: workUnits.catalogRefresh.kind } }));

/** The shop's catalogue refresh (a unit that talks to Shopify) is due now. */
async function refreshDue(shop: string) {
  await prisma.shop.update({ where: { shop }, data: { catalogRefreshRequestedAt: new Date(clock) } });
  await workUnits.catalogRefresh.markDirty(shop, new Date(clock));
}
const accessExceptions = (shop: string) => prisma.syncException.findMany({ where: { shop } });
const offlineToken = async (shop: string) =>
  (await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } })).accessToken;

describe("a lost Shopify access", () => {
  it("no offline session stored: one SHOPIFY_ACCESS_LOST with a fix hint, counted at each failed run, and no WORKER_TASK_FAILED", async () => {
    const shop = "no-session.myshopify.com";
    await recordInstall(shop, null);
    await refreshDue(shop);
    for (let run = 1; run <= 6; run++) {
      expect(await worker.runOnce()).toBe(true);
      clock += 16 * 60_000;
    }
    const exceptions = await accessExceptions(shop);
    expect(exceptions).toMatchObject([
      { kind: "SHOPIFY_ACCESS_LOST", severity: "CRITICAL", status: "OPEN", entityType: "Shop", occurrences: 6 },
    ]);
    expect(exceptions[0]!.message).toMatch(/no access token for this shop/);
    expect(exceptions[0]!.fixHint).toMatch(/Open the app from your Shopify admin/);
  });

  it("a token Shopify refuses (401): SHOPIFY_ACCESS_LOST, the token is cleared so the next visit signs in anew, and signing in closes it", async () => {
    const shop = fake.defaultShop;
    await installShop(shop); // a token the fake never issued: revoked
    await refreshDue(shop);
    expect(await worker.runOnce()).toBe(true);
    const [lost] = await accessExceptions(shop);
    expect(lost).toMatchObject({ kind: "SHOPIFY_ACCESS_LOST", status: "OPEN" });
    expect(lost!.message).toMatch(/HTTP 401/);
    expect(await offlineToken(shop)).toBe("");

    await installShop(shop); // the merchant opens the app: token exchange stores a new session, afterAuth records it
    expect(await accessExceptions(shop)).toMatchObject([{ kind: "SHOPIFY_ACCESS_LOST", status: "RESOLVED" }]);
  });

  it("closes by itself when a request goes through again", async () => {
    const shop = fake.defaultShop;
    await installShop(shop);
    await refreshDue(shop);
    clock += 16 * 60_000;
    expect(await worker.runOnce()).toBe(true);
    expect(await accessExceptions(shop)).toMatchObject([{ kind: "SHOPIFY_ACCESS_LOST", status: "OPEN" }]);

    // The token works again (stored without a sign-in this time, so only the request can close the exception).
    const token = `token-issued-${Date.now()}`;
    fake.issuedAccessTokens.add(token);
    const session = new Session({ id: `offline_${shop}`, shop, state: "test", isOnline: false });
    session.accessToken = token;
    session.scope = process.env.SCOPES;
    await sessionStorage.storeSession(session);
    clock += 16 * 60_000;
    expect(await worker.runOnce()).toBe(true);
    expect(await accessExceptions(shop)).toMatchObject([{ kind: "SHOPIFY_ACCESS_LOST", status: "RESOLVED" }]);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).catalogBulkOperationId).not.toBeNull();
  });

  it("an uninstalled shop is not reported: no access is expected there", async () => {
    const shop = "uninstalled.myshopify.com";
    await recordInstall(shop, null);
    await prisma.shop.update({ where: { shop }, data: { uninstalledAt: new Date() } });
    await refreshDue(shop);
    clock += 16 * 60_000;
    expect(await worker.runOnce()).toBe(true);
    expect(await accessExceptions(shop)).toEqual([]);
  });
});
