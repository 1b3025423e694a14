import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { appEnv } from "~/config.server";
import { recordInstall } from "~/shops/installation.server";

export const apiVersion = ApiVersion.July26;

/** The scopes the whole product needs; shopify.app.toml declares the same list (a test keeps them equal). */
export const appScopes = [
  "read_products",
  "read_inventory",
  // Marketplace reservations are held in Shopify (available → reserved) so its checkout cannot sell them.
  "write_inventory",
  "read_locations",
  "read_orders",
  "write_orders",
  "read_fulfillments",
  "read_merchant_managed_fulfillment_orders",
  "write_merchant_managed_fulfillment_orders",
  "read_third_party_fulfillment_orders",
  "read_marketplace_fulfillment_orders",
];

/**
 * Shopify's Prisma session storage polls for its table as soon as it is constructed; on a fresh
 * database the migrations have not run yet. Build it only once they have.
 */
class MigratedPrismaSessionStorage implements SessionStorage {
  // The storage is generic over the Prisma client; ours comes from the legacy-client shim, typed loosely on purpose.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  #inner?: Promise<PrismaSessionStorage<any>>;
  #storage() {
    this.#inner ??= ensureDatabaseReady().then(() => new PrismaSessionStorage(prisma));
    return this.#inner;
  }
  async storeSession(session: Session) {
    return (await this.#storage()).storeSession(session);
  }
  async loadSession(id: string) {
    return (await this.#storage()).loadSession(id);
  }
  async deleteSession(id: string) {
    return (await this.#storage()).deleteSession(id);
  }
  async deleteSessions(ids: string[]) {
    return (await this.#storage()).deleteSessions(ids);
  }
  async findSessionsByShop(shop: string) {
    return (await this.#storage()).findSessionsByShop(shop);
  }
}

export const sessionStorage = new MigratedPrismaSessionStorage();

const env = appEnv();

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: env.SCOPES?.split(",") ?? appScopes,
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordInstall(session.shop, session.scope ?? null);
    },
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
