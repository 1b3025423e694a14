import type { IncomingMessage } from "node:http";

/** Where Shopify sends webhooks: `/webhooks/<topic>` (shopify.app.toml's subscriptions, the Remix routes). */
export const WEBHOOK_PATH_PREFIX = "/webhooks/";

/**
 * Cheap enough for every request, and free of app state (server.ts imports it outside the app's bundle): whether
 * the request may be a webhook delivery, for the intake to look at before express.
 */
export const mayBeWebhook = (req: IncomingMessage) =>
  req.method === "POST" && !!req.url?.startsWith(WEBHOOK_PATH_PREFIX);
