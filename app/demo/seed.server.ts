import prisma, { ensureDatabaseReady } from "~/db.server";
import { appEnv } from "~/config.server";
import { DEMO_SHOP } from "~/auth.server";
import { sessionStorage } from "~/shopify.server";
import { signedWebhookRequest } from "~/webhooks/signed-request.server";
import { Session } from "@shopify/shopify-api";
import { recordInstall } from "~/shops/installation.server";
import { receiveWebhook } from "~/webhooks/intake.server";
import type { WebhookTopic } from "~/integrations/shopify/webhook-payloads";
import { createConnection, loadConnectionCredentials, updateConnection } from "~/connections/connections.server";
import { testConnection } from "~/connections/connection-check.server";

/**
 * Seeds the demo shop through the product's real paths: an installed shop with an offline session,
 * and webhooks signed with the demo secret going through the real intake (so the exceptions seen
 * in the demo are made exactly as in production). Idempotent: fixed event ids dedupe on re-runs.
 */
export async function seedDemo({ appUrl }: { appUrl: string }) {
  const env = appEnv();
  if (env.MIRAKL_BRIDGE_DEMO !== "1") throw new Error("seedDemo only runs in demo mode");
  await ensureDatabaseReady();
  const notes: string[] = [];

  await recordInstall(DEMO_SHOP, "read_products,read_inventory,read_orders,write_orders");
  const session = new Session({ id: `offline_${DEMO_SHOP}`, shop: DEMO_SHOP, state: "demo", isOnline: false });
  session.accessToken = "demo-offline-token";
  session.scope = "read_products,read_inventory,read_orders,write_orders";
  await sessionStorage.storeSession(session);
  notes.push("installed shop with an offline session");

  const deliveries: { topic: WebhookTopic; eventId: string; payload: unknown }[] = [
    {
      // Shopify sent a level without its GID: rejected at the door, kept, and queued as an exception.
      topic: "inventory_levels/update",
      eventId: "demo-event-inventory-1",
      payload: { inventory_item_id: 808950810, location_id: 655441491, available: 7, updated_at: "2026-11-22T09:00:00Z" },
    },
    {
      topic: "refunds/create",
      eventId: "demo-event-refund-1",
      payload: {
        admin_graphql_api_id: "gid://shopify/Refund/509562969",
        order_id: 450789469,
        created_at: "2026-11-22T09:05:00Z",
        refund_line_items: [{ line_item_id: 466157049, quantity: "two" }],
        transactions: [],
      },
    },
    {
      topic: "inventory_levels/update",
      eventId: "demo-event-inventory-2",
      payload: {
        admin_graphql_api_id: "gid://shopify/InventoryLevel/655441491?inventory_item_id=808950810",
        inventory_item_id: 808950810,
        location_id: 655441491,
        available: 5,
        updated_at: "2026-11-22T09:10:00Z",
      },
    },
  ];
  for (const d of deliveries) {
    const response = await receiveWebhook(signedWebhookRequest({ appUrl, secret: env.SHOPIFY_API_SECRET, shop: DEMO_SHOP, ...d }), d.topic);
    if (response.status !== 200) throw new Error(`demo webhook ${d.eventId} answered ${response.status}`);
  }
  notes.push(`${deliveries.length} webhooks through the real intake`);
  const open = await prisma.syncException.count({ where: { shop: DEMO_SHOP, status: "OPEN" } });
  notes.push(`${open} open exceptions`);
  return { shop: DEMO_SHOP, notes };
}

export const DEMO_CONNECTION_NAME = "Decathlon (demo)";

/**
 * The demo's marketplace connection, pointing at the Mirakl simulator `npm run demo` starts. Idempotent:
 * found by name, re-pointed at this run's simulator and re-keyed only when the key differs, then tested
 * so the connection page shows the simulator's shop straight away.
 */
export async function seedDemoMiraklConnection({ baseUrl, apiKey }: { baseUrl: string; apiKey: string }) {
  if (appEnv().MIRAKL_BRIDGE_DEMO !== "1") throw new Error("seedDemoMiraklConnection only runs in demo mode");
  await ensureDatabaseReady();
  const existing = await prisma.marketplaceConnection.findFirst({ where: { shop: DEMO_SHOP, name: DEMO_CONNECTION_NAME } });
  let id: string;
  if (!existing) {
    id = (await createConnection(DEMO_SHOP, { name: DEMO_CONNECTION_NAME, baseUrl, apiKey })).id;
  } else {
    id = existing.id;
    // A key sealed under an older demo encryption key cannot be read: re-key in that case too.
    const stored = await loadConnectionCredentials(DEMO_SHOP, id).catch(() => null);
    await updateConnection(DEMO_SHOP, id, { baseUrl, ...(stored?.apiKey === apiKey ? {} : { apiKey }) });
  }
  const outcome = await testConnection(DEMO_SHOP, id);
  return { id, name: DEMO_CONNECTION_NAME, ok: outcome.ok };
}
