import prisma, { ensureDatabaseReady } from "~/db.server";
import { appEnv } from "~/config.server";
import { DEMO_SHOP } from "~/auth.server";
import { sessionStorage } from "~/shopify.server";
import { signedWebhookRequest } from "~/webhooks/signed-request.server";
import { Session } from "@shopify/shopify-api";
import { recordInstall } from "~/shops/installation.server";
import { receiveWebhook } from "~/webhooks/intake.server";
import type { WebhookTopic } from "~/integrations/shopify/webhook-payloads";
import {
  createConnection,
  loadConnectionCredentials,
  mergeConnectionSettings,
  updateConnection,
} from "~/connections/connections.server";
import { testConnection } from "~/connections/connection-check.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import type { ConnectionStockRules } from "~/domain/stock/rules";
import { locations } from "~/integrations/shopify/operations";
import { shopifyClientForShop } from "~/sync/catalog/mirror.server";
import { recomputeConnection } from "~/sync/stock/recompute.server";
import { requestReconcile } from "~/sync/stock/reconcile.server";
import { retargetConnection } from "~/sync/stock/retarget.server";
import { forgetMarketplaceOrders } from "~/sync/orders/forget.server";
import { miraklClientFor } from "~/connections/mirakl-client.server";
import { carrierMap, mapCarrier, refreshCarriers } from "~/sync/fulfilments/carriers.server";
import { companyKey } from "~/domain/orders/carriers";

/**
 * Seeds the demo shop through the product's real paths: an installed shop with an offline session
 * holding the token this run's Shopify (the demo's fake) issued, and webhooks signed with the demo
 * secret going through the real intake (so the exceptions seen in the demo are made exactly as in
 * production). Idempotent: fixed event ids dedupe on re-runs.
 */
export async function seedDemo({ appUrl, accessToken, scope }: { appUrl: string; accessToken: string; scope: string }) {
  const env = appEnv();
  if (env.MIRAKL_BRIDGE_DEMO !== "1") throw new Error("seedDemo only runs in demo mode");
  await ensureDatabaseReady();
  const notes: string[] = [];

  await recordInstall(DEMO_SHOP, scope);
  // Replaced on every start: the previous run's token died with the previous run's Shopify.
  const session = new Session({ id: `offline_${DEMO_SHOP}`, shop: DEMO_SHOP, state: "demo", isOnline: false });
  session.accessToken = accessToken;
  session.scope = scope;
  await sessionStorage.storeSession(session);
  notes.push("installed shop with an offline session");

  const deliveries: { topic: WebhookTopic; eventId: string; payload: unknown }[] = [
    {
      // Shopify sent a level without its GID: rejected at the door, kept, and queued as an exception.
      topic: "inventory_levels/update",
      eventId: "demo-event-inventory-1",
      payload: {
        inventory_item_id: 808950810,
        location_id: 655441491,
        available: 7,
        updated_at: "2026-11-22T09:00:00Z",
      },
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
    const response = await receiveWebhook(
      signedWebhookRequest({ appUrl, secret: env.SHOPIFY_API_SECRET, shop: DEMO_SHOP, ...d }),
      d.topic,
    );
    if (response.status !== 200) throw new Error(`demo webhook ${d.eventId} answered ${response.status}`);
  }
  notes.push(`${deliveries.length} webhooks through the real intake`);
  const open = await prisma.syncException.count({ where: { shop: DEMO_SHOP, status: "OPEN" } });
  notes.push(`${open} open exceptions`);
  return { shop: DEMO_SHOP, notes };
}

/**
 * The demo shop's locations as the app reads them from Shopify, through its own offline session and
 * Admin client: the same path every sync takes, so it also proves the app reaches this run's Shopify.
 */
export async function readDemoShopLocations() {
  const client = await shopifyClientForShop(DEMO_SHOP);
  const { locations: page } = await client.request(locations, { first: 50, includeInactive: false });
  return page.nodes;
}

export const DEMO_CONNECTION_NAME = "Decathlon (demo)";

/**
 * What the demo marketplace may sell: the warehouse's stock only (the Paris shop keeps its own), one unit
 * held back per SKU, nothing advertised at 2 units or fewer, and made-to-order (untracked) items at 5.
 */
export function demoStockRules(warehouseLocationId: string): Partial<ConnectionStockRules> {
  return {
    locationIds: [warehouseLocationId],
    buffer: 1,
    lowStockHoldback: 2,
    untracked: { mode: "fixed", quantity: 5 },
  };
}

/**
 * The demo's marketplace connection, pointing at the Mirakl simulator `npm run demo` starts. Idempotent:
 * found by name, re-pointed at this run's simulator and re-keyed only when the key differs, then tested
 * so the connection page shows the simulator's shop straight away. Stock rules are set when the
 * connection has none yet (a merchant's later changes are kept), and every start asks for a full
 * reconciliation: this run's Shopify and simulator are new, the database is not.
 */
export async function seedDemoMiraklConnection({
  baseUrl,
  apiKey,
  stockRules,
  locationNames = {},
}: {
  baseUrl: string;
  apiKey: string;
  stockRules: Partial<ConnectionStockRules>;
  /** Shopify location names by id, for the explanations (order decisions, Stock page). */
  locationNames?: Record<string, string>;
}) {
  if (appEnv().MIRAKL_BRIDGE_DEMO !== "1") throw new Error("seedDemoMiraklConnection only runs in demo mode");
  await ensureDatabaseReady();
  const existing = await prisma.marketplaceConnection.findFirst({
    where: { shop: DEMO_SHOP, name: DEMO_CONNECTION_NAME },
  });
  let id: string;
  if (!existing) {
    id = (
      await createConnection(DEMO_SHOP, {
        name: DEMO_CONNECTION_NAME,
        baseUrl,
        apiKey,
        settings: { stock: stockRules, locationNames },
      })
    ).id;
  } else {
    id = existing.id;
    // A key sealed under an older demo encryption key cannot be read: re-key in that case too.
    const stored = await loadConnectionCredentials(DEMO_SHOP, id).catch(() => null);
    const settings = parseConnectionSettings(existing.settings);
    const unconfigured = settings.stock.locationIds.length === 0;
    await updateConnection(DEMO_SHOP, id, {
      baseUrl,
      ...(stored?.apiKey === apiKey ? {} : { apiKey }),
      ...(unconfigured
        ? { settings: { ...settings, stock: { ...settings.stock, ...stockRules }, locationNames } }
        : {}),
    });
    if (!unconfigured && Object.keys(settings.locationNames).length === 0)
      await mergeConnectionSettings(DEMO_SHOP, id, { locationNames });
    // This run's simulator is new: what was pushed to and observed on the previous one is gone with it.
    await retargetConnection({ id, shop: DEMO_SHOP }, "the demo's Mirakl simulator was restarted");
    await forgetMarketplaceOrders({ id, shop: DEMO_SHOP });
  }
  const outcome = await testConnection(DEMO_SHOP, id);
  await recomputeConnection(DEMO_SHOP, id);
  if (!existing) await requestReconcile({ id, shop: DEMO_SHOP }, "FULL");
  const carriers = outcome.ok ? await seedDemoCarrierMap(id) : [];
  return { id, name: DEMO_CONNECTION_NAME, ok: outcome.ok, carriersMapped: carriers };
}

/**
 * Shopify's names for the carriers the demo's merchant ships with, and the demo marketplace's codes for them
 * (the simulator's MARKETPLACE_CARRIERS). "Mondial Relay", which the demo Shopify page also offers, is left out
 * on purpose: its fulfilments show an unmapped carrier on a marketplace that refuses unregistered ones.
 */
export const DEMO_CARRIER_MAP: Readonly<Record<string, string>> = {
  UPS: "UPS",
  "DHL Express": "DHL",
  Colissimo: "COLISSIMO",
  Chronopost: "CHRONOPOST",
};

/**
 * Confirms the demo's carrier map. The marketplace's carriers are read first from this run's simulator (SH21, the
 * app's own path), because a mapping must name a carrier the connection has read: seeding the rows by hand would
 * go stale if the simulator's list changed. Confirmed mappings already there (a person's edits) are kept, the
 * app's unconfirmed suggestions are confirmed to the demo's codes, and a removed mapping comes back on the next start. Returns the companies mapped now; none when SH21 could not be read (reported).
 */
export async function seedDemoCarrierMap(connectionId: string, now = new Date()): Promise<string[]> {
  const connection = { id: connectionId, shop: DEMO_SHOP };
  const carriers = await refreshCarriers(connection, await miraklClientFor(DEMO_SHOP, connectionId), now);
  if (!carriers) return [];
  const confirmed = new Set(
    (await carrierMap(DEMO_SHOP, connectionId)).filter((m) => m.confirmed).map((m) => m.companyKey),
  );
  const mapped: string[] = [];
  for (const [company, code] of Object.entries(DEMO_CARRIER_MAP)) {
    if (confirmed.has(companyKey(company))) continue;
    const result = await mapCarrier(DEMO_SHOP, connectionId, company, code, now);
    if (!result.ok) throw new Error(`demo carrier map: ${result.problem}`);
    mapped.push(company);
  }
  return mapped;
}
