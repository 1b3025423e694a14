import { appEnv } from "~/config.server";
import { authenticate } from "~/shopify.server";

export const DEMO_SHOP = "mirakl-bridge-demo.myshopify.com";

export interface ShopContext {
  shop: string;
  demo: boolean;
  /**
   * Who acts, for audit trails (an order's timeline): the user's name or e-mail when the session is an online
   * one that names them; the app uses offline sessions, so usually "staff".
   */
  staff: string;
}

const demoServer = globalThis as unknown as { __miraklBridgeDemoLoopback?: boolean };

/** Set only by the demo server after it has bound to 127.0.0.1 (scripts/serve.ts). */
export function markDemoServerOnLoopback() {
  demoServer.__miraklBridgeDemoLoopback = true;
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The demo's stand-in for Shopify's embedded auth. Every condition must hold: demo mode on, not
 * production (the env schema refuses that pairing at start), a server that bound itself to the
 * loopback interface, and a loopback Host. `shopify app dev`, remix-serve or a deployed build never
 * set the loopback mark, so the demo path cannot open there.
 */
export function demoAuthAllowed(request: Request, env = appEnv()): boolean {
  if (env.MIRAKL_BRIDGE_DEMO !== "1" || env.NODE_ENV === "production") return false;
  if (!demoServer.__miraklBridgeDemoLoopback) return false;
  return loopbackHosts.has(new URL(request.url).hostname);
}

/** Every embedded page's loader and action starts here: who is the shop, or a Shopify auth response. */
export async function requireShop(request: Request): Promise<ShopContext> {
  if (demoAuthAllowed(request)) return { shop: DEMO_SHOP, demo: true, staff: "staff" };
  const { session } = await authenticate.admin(request);
  const user = session.onlineAccessInfo?.associated_user;
  const name = [user?.first_name, user?.last_name].filter(Boolean).join(" ");
  return { shop: session.shop, demo: false, staff: name || user?.email || "staff" };
}
