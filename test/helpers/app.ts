import { getJwt } from "@shopify/shopify-api/test-helpers";
import { Session } from "@shopify/shopify-api";
import { ensureDatabaseReady } from "~/db.server";
import { sessionStorage } from "~/shopify.server";
import { recordInstall } from "~/shops/installation.server";
import { signedWebhookRequest } from "~/webhooks/signed-request.server";

export const APP_URL = process.env.SHOPIFY_APP_URL!;
const apiKey = () => process.env.SHOPIFY_API_KEY!;
const secret = () => process.env.SHOPIFY_API_SECRET!;

/** A shop that installed the app: offline session stored, as after token exchange. */
export async function installShop(shop: string) {
  await ensureDatabaseReady();
  const session = new Session({ id: `offline_${shop}`, shop, state: "test", isOnline: false });
  session.accessToken = `token-for-${shop}`;
  session.scope = process.env.SCOPES;
  await sessionStorage.storeSession(session);
  await recordInstall(shop, session.scope ?? null, new Date(Date.now() - 60_000));
}

/** A request as the embedded admin sends it: App Bridge's session token (a JWT signed with the app secret). */
export async function embeddedRequest(
  shop: string,
  path: string,
  init: { method?: string; form?: Record<string, string | string[]> } = {},
) {
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), apiKey(), secret());
  const url = new URL(path, APP_URL);
  if (!init.method || init.method === "GET") {
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", shop);
    url.searchParams.set("host", Buffer.from(`${shop}/admin`).toString("base64url"));
    url.searchParams.set("id_token", token);
    return new Request(url, { headers: { Authorization: `Bearer ${token}` } });
  }
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(init.form ?? {})) for (const item of [v].flat()) body.append(k, item);
  return new Request(url, {
    method: init.method,
    body,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
  });
}

export function webhookRequest(
  shop: string,
  topic: string,
  payload: unknown,
  options: { eventId?: string; secret?: string; body?: string; triggeredAt?: Date } = {},
) {
  return signedWebhookRequest({
    appUrl: APP_URL,
    secret: options.secret ?? secret(),
    shop,
    topic,
    payload,
    ...options,
  });
}

/** Remix loaders/actions return or throw Responses; tests want the status either way. */
export async function settle(p: Promise<unknown> | unknown): Promise<Response> {
  try {
    const value = await p;
    return value instanceof Response ? value : new Response(JSON.stringify(value), { status: 200 });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
