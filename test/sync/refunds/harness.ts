import prisma from "~/db.server";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import type { WebhookDelivery } from "~/generated/prisma/client";
import type { MiraklClient } from "~/integrations/mirakl";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { parseShopifyJson, parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { refreshProduct } from "~/sync/catalog/mirror.server";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runShopifyOrders } from "~/sync/orders/shopify-order.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { orderCancelledWebhook, refundWebhook } from "~/sync/refunds/refunds.server";
import { ShopifyFake, shopifyJson } from "../../shopify-fake";
import { cancelOrder, createRefund } from "../../shopify-fake/actions";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * What the refund flow's integration tests share: a Mirakl simulator and a Shopify fake on one clock, a shop with
 * its products mirrored and one connection selling them (refund reason 15, mirror on), and the moves the tests make
 * on either side (an order paid and in Shopify, a refund or cancel in Shopify and its webhook, a poll).
 */
export interface RefundsEnv {
  sim: RunningMiraklSimulator;
  fake: ShopifyFake;
  shop: string;
  connection: { id: string; shop: string };
  mirakl: MiraklClient;
  admin: ShopifyAdminClient;
  warehouse: string;
  /** Variant gid per SKU. */
  variants: Record<string, string>;
  now(): Date;
}

let created = 0;

export async function startRefundsEnv(prefix: string, skus: readonly string[] = ["TENT"]): Promise<RefundsEnv> {
  const shop = `${prefix}-${++created}.myshopify.com`;
  const sim = await startMiraklSimulator({ port: 0 });
  const now = () => new Date(sim.control.now());
  for (const sku of skus) sim.control.addOffer(sim.shops.main, { shop_sku: sku, quantity: 50, price: 40 });
  const fake = new ShopifyFake({ shop, now: () => sim.control.now(), currency: "USD" });
  // Ids unique across the test file's shops (one database).
  for (let i = 0; i < 1000 * created; i++) fake.store.nextNumericId();
  const admin = new ShopifyAdminClient(fake.admin(shop), { shop, buckets: new CostBuckets(), sleep: async () => {} });
  const warehouse = fake.store.addLocation({ name: "Warehouse" }).id;
  const variants: Record<string, string> = {};
  for (const sku of skus) {
    const product = fake.store.addProduct({
      title: sku,
      variants: [{ sku, price: "40", stock: { [warehouse]: { available: 10 } } }],
    });
    variants[sku] = product.variants[0]!.id;
    await refreshProduct(shop, admin, product.product.id, now());
  }
  const connection = await createConnection(shop, {
    name: "Decathlon",
    baseUrl: sim.url,
    apiKey: sim.keys.single,
  }).then((c) => ({ id: c.id, shop }));
  await mergeConnectionSettings(shop, connection.id, {
    currencyIsoCode: "USD",
    stock: { locationIds: [warehouse] } as never,
    refunds: { reasonCode: "15", cancelationReasonCode: null, mirrorToShopify: true, restockReturns: false },
  });
  const mirakl = simulatorClient(sim, connection.id);
  sim.control.advanceClock(60_000);
  await readMarketplaceOrders(connection, mirakl, now());
  return { sim, fake, shop, connection, mirakl, admin, warehouse, variants, now };
}

export const shopifyOrderOf = (env: RefundsEnv, miraklOrderId: string) =>
  [...env.fake.store.orders.values()].find((o) => o.sourceIdentifier === miraklOrderId)!;

export const refundRows = (env: RefundsEnv) =>
  prisma.marketplaceRefund.findMany({ where: { shop: env.shop }, orderBy: { createdAt: "asc" } });

/** The next poll reads what happened on Mirakl. */
export async function poll(env: RefundsEnv) {
  env.sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
  await readMarketplaceOrders(env.connection, env.mirakl, env.now());
}

/** A marketplace order paid (SHIPPING) and read, its units held, and its Shopify order made. */
export async function paidOrderInShopify(
  env: RefundsEnv,
  lines: Array<{ offer_sku: string; quantity: number }>,
  paymentWorkflow?: "PAY_ON_DELIVERY",
) {
  const id = env.sim.control.createOrder({
    lines: lines.map((l) => ({ ...l, price_unit: 40, tax_rate: 20 })),
    state: "SHIPPING",
    ...(paymentWorkflow ? { payment_workflow: paymentWorkflow } : {}),
  }).id;
  await poll(env);
  await reconcileShopifyHolds(env.shop, env.now(), env.admin);
  await runShopifyOrders(env.connection, env.now(), env.admin);
  return id;
}

/** The merchant refunds `units` of the order's first line in Shopify (optionally the shipping too). */
export function refundInShopify(
  env: RefundsEnv,
  miraklOrderId: string,
  units: number,
  options: { shipping?: boolean; note?: string } = {},
) {
  const order = shopifyOrderOf(env, miraklOrderId);
  const result = createRefund(env.fake.store, {
    orderId: order.id,
    note: options.note ?? "Customer changed their mind",
    refundLineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: units, restockType: "NO_RESTOCK" }],
    ...(options.shipping ? { shipping: { fullRefund: true } } : {}),
  });
  if (!("ok" in result) || !result.ok) throw new Error(`refund refused: ${JSON.stringify(result)}`);
  return result.ok;
}

/** The merchant cancels the order in Shopify (with its refund, as the admin offers by default). */
export function cancelInShopify(env: RefundsEnv, miraklOrderId: string, refund = true) {
  const result = cancelOrder(env.fake.store, shopifyOrderOf(env, miraklOrderId).id, "CUSTOMER", true, { refund });
  if (!("ok" in result) || !result.ok) throw new Error(`cancel refused: ${JSON.stringify(result)}`);
  return result.ok;
}

const delivery = (env: RefundsEnv, topic: string) =>
  ({ shop: env.shop, topic, triggeredAt: env.now(), receivedAt: env.now() }) as WebhookDelivery;

/** The refunds/create Shopify sends for a refund, through the app's handler (payload parsed as the route does). */
export async function deliverRefund(env: RefundsEnv, refundId: string) {
  const refund = [...env.fake.store.orders.values()].flatMap((o) => o.refunds).find((r) => r.id === refundId)!;
  const parsed = parseWebhookPayload(
    "refunds/create",
    parseShopifyJson(shopifyJson(env.fake.webhooks.payloads(env.shop).refundCreate(refund))),
  );
  if (!parsed.success) throw new Error(parsed.error.message);
  return refundWebhook(delivery(env, "refunds/create"), parsed.data);
}

/** The orders/cancelled Shopify sends for the order, through the app's handler. */
export async function deliverCancelled(env: RefundsEnv, miraklOrderId: string) {
  const parsed = parseWebhookPayload(
    "orders/cancelled",
    parseShopifyJson(
      shopifyJson(env.fake.webhooks.payloads(env.shop).orderCancelled(shopifyOrderOf(env, miraklOrderId))),
    ),
  );
  if (!parsed.success) throw new Error(parsed.error.message);
  return orderCancelledWebhook(delivery(env, "orders/cancelled"), parsed.data);
}

/** A delivery the fake makes by itself (`fake.webhooks.subscribe`), handed to the app's handler as the route would. */
export async function receiveDelivery(env: RefundsEnv, request: Request) {
  const topic = request.headers.get("X-Shopify-Topic") as "refunds/create" | "orders/cancelled";
  const parsed = parseWebhookPayload(topic, parseShopifyJson(await request.text()));
  if (!parsed.success) throw new Error(parsed.error.message);
  const outcome =
    topic === "refunds/create"
      ? await refundWebhook(delivery(env, topic), parsed.data as never)
      : await orderCancelledWebhook(delivery(env, topic), parsed.data as never);
  return { topic, ...outcome };
}
