import "@shopify/shopify-app-remix/adapters/node";
import { Session } from "@shopify/shopify-api";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { ShopifyFake } from "./fake";

/**
 * A real `shopifyApp` (memory session storage, the fake's key and secret) whose outgoing requests go to the
 * fake. Use it to exercise library paths (`unauthenticated.admin`, `authenticate.webhook`, token exchange)
 * without the app's Prisma storage. Call `uninstall()` afterwards.
 */
/** testConfig's memory storage is one shared instance and its class is not exported: this is the same, per app. */
class MapSessionStorage implements SessionStorage {
  readonly #sessions = new Map<string, Session>();
  async storeSession(session: Session) {
    this.#sessions.set(session.id, session);
    return true;
  }
  async loadSession(id: string) {
    return this.#sessions.get(id);
  }
  async deleteSession(id: string) {
    this.#sessions.delete(id);
    return true;
  }
  async deleteSessions(ids: string[]) {
    for (const id of ids) this.#sessions.delete(id);
    return true;
  }
  async findSessionsByShop(shop: string) {
    return [...this.#sessions.values()].filter((session) => session.shop === shop);
  }
}

export async function createFakeShopifyApp(fake: ShopifyFake, options: { withOfflineSession?: boolean } = {}) {
  const uninstall = fake.install();
  const app = shopifyApp(
    testConfig({
      apiKey: fake.apiKey,
      apiSecretKey: fake.apiSecret,
      apiVersion: ApiVersion.July26,
      scopes: fake.scopes.split(","),
      future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
      logger: { level: LogSeverity.Error },
      // testConfig's storage is one module-wide instance; each fake app gets its own.
      sessionStorage: new MapSessionStorage(),
    }),
  );
  if (options.withOfflineSession ?? true) {
    const accessToken = "fake_access_token_offline";
    fake.issuedAccessTokens.add(accessToken);
    await app.sessionStorage!.storeSession(
      new Session({
        id: `offline_${fake.defaultShop}`,
        shop: fake.defaultShop,
        state: "",
        isOnline: false,
        accessToken,
        scope: fake.scopes,
      }),
    );
  }
  return { app, uninstall };
}
