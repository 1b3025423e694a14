import prisma from "~/db.server";
import { type Prisma, type WebhookDelivery } from "~/generated/prisma/client";
import type { WebhookPayload } from "~/integrations/shopify/webhook-payloads";
import type { TopicOutcome } from "~/webhooks/inbox.server";
import { resolveExceptionsFor } from "~/exceptions/exceptions.server";

/**
 * Mandatory compliance topics. Personal data we hold today lives in stored webhook payloads (order,
 * refund and fulfilment payloads carry names, emails and addresses) and in the Mirakl order mirror
 * (MarketplaceOrder.customer and payload: the marketplace's customer, deleted with the shop, and scrubbed
 * when a customers/redact names the Shopify order made from it).
 * Every request is recorded with what was done.
 */

/** Every table keyed by shop, in deletion order. A test checks this covers each model with a `shop` column. */
export const shopScopedModels = [
  "stockImport",
  "reconcileRun",
  "offerStock",
  "marketplaceRefund",
  "marketplaceShipment",
  "marketplaceOrderEvent",
  "marketplaceOrderLine",
  "marketplaceOrder",
  "marketplaceReservation",
  "shopifyInventoryLevel",
  "shopifyStockSale",
  "shopifyVariant",
  "skuMapping",
  "carrierMapping",
  "webhookDelivery",
  "syncException",
  "miraklCall",
  "workUnit",
  "marketplaceConnection",
  "session",
  "complianceRequest",
  "shop",
] as const;

const COMPLIANCE_TOPICS = new Set(["customers/data_request", "customers/redact", "shop/redact"]);

/**
 * The HMAC covers the body only, not the X-Shopify-Shop-Domain header: a genuine compliance body replayed with
 * another shop's header would erase or expose that other shop. Its signed `shop_domain` must name the same shop.
 */
export function complianceShopMismatch(topic: string, payload: unknown, shop: string): string | null {
  if (!COMPLIANCE_TOPICS.has(topic)) return null;
  const signed = (payload as { shop_domain?: unknown } | null)?.shop_domain;
  if (typeof signed === "string" && signed.toLowerCase() === shop.toLowerCase()) return null;
  return `the signed payload names shop ${JSON.stringify(signed ?? null)}, the request header ${shop}`;
}

/** Shopify sends shop/redact 48 hours after the uninstall it follows. */
export const SHOP_REDACT_DELAY_MS = 48 * 3_600_000;

/**
 * A shop that installed the app again after the uninstall this redact follows keeps its data. When app/uninstalled
 * never got through (it failed, or was lost), the uninstall is dated from the redact itself, so the request is
 * still honoured.
 */
async function reinstalledSinceUninstall(delivery: WebhookDelivery): Promise<boolean> {
  const row = await prisma.shop.findUnique({ where: { shop: delivery.shop } });
  if (!row || row.uninstalledAt !== null) return false;
  const requestedAt = delivery.triggeredAt ?? delivery.receivedAt;
  return row.installedAt.getTime() > requestedAt.getTime() - SHOP_REDACT_DELAY_MS;
}

export async function handleShopRedact(
  delivery: WebhookDelivery,
  payload: WebhookPayload<"shop/redact">,
): Promise<TopicOutcome> {
  const shop = delivery.shop;
  const mismatch = complianceShopMismatch("shop/redact", payload, shop);
  if (mismatch) return { status: "IGNORED", reason: mismatch };
  if (await reinstalledSinceUninstall(delivery)) {
    return { status: "IGNORED", reason: "the shop installed the app again after the uninstall this redact follows" };
  }
  const counts: Record<string, number> = {};
  await prisma.$transaction(async (tx) => {
    // Rows keyed by connection only (no personal data, but nothing of the shop is left behind).
    const connectionIds = (await tx.marketplaceConnection.findMany({ where: { shop }, select: { id: true } })).map(
      (c) => c.id,
    );
    await tx.miraklCarrier.deleteMany({ where: { connectionId: { in: connectionIds } } });
    await tx.miraklRateBucket.deleteMany({ where: { connectionId: { in: connectionIds } } });
    for (const model of shopScopedModels) {
      const { count } = await (
        tx[model] as unknown as { deleteMany(args: { where: { shop: string } }): Promise<{ count: number }> }
      ).deleteMany({ where: { shop } });
      counts[model] = count;
    }
    // The only row left about the shop: proof of what was erased, with no personal data in it.
    await tx.complianceRequest.create({
      data: {
        shop,
        topic: "shop/redact",
        completedAt: new Date(),
        actions: [{ action: "deleted all shop data", counts }],
      },
    });
  });
  return { status: "PROCESSED" };
}

type Customer = WebhookPayload<"customers/redact">["customer"];

/**
 * Deliveries whose payload names this customer or one of the listed orders, whatever their status (FAILED ones
 * included). A body that was not JSON is kept as text (`unparseableBody`): it counts when the text contains the
 * customer's email, or the customer's or an order's id as a whole number.
 */
async function deliveriesMentioning(
  shop: string,
  customer: Customer,
  orderIds: string[],
): Promise<Pick<WebhookDelivery, "id" | "topic" | "receivedAt" | "status">[]> {
  const email = customer.email?.toLowerCase() ?? null;
  const orderGids = orderIds.map((id) => `gid://shopify/Order/${id}`);
  const ids = orderIds.length ? orderIds : ["-"];
  const gids = orderGids.length ? orderGids : ["-"];
  const numbers = [customer.id, ...orderIds].filter((id) => /^\d+$/.test(id));
  const wholeNumber = numbers.length ? `(^|[^0-9])(${numbers.join("|")})([^0-9]|$)` : null;
  return prisma.$queryRaw`
    SELECT "id", "topic", "receivedAt", "status" FROM "WebhookDelivery"
    WHERE "shop" = ${shop} AND "redactedAt" IS NULL AND (
      "payload"->'customer'->>'id' = ${customer.id}
      OR (${email}::text IS NOT NULL AND (lower("payload"->>'email') = ${email} OR lower("payload"->>'contact_email') = ${email}
          OR lower("payload"->'customer'->>'email') = ${email}))
      OR "payload"->>'order_id' = ANY(${ids})
      OR "payload"->>'admin_graphql_api_id' = ANY(${gids})
      OR ("payload"->>'unparseableBody' IS NOT NULL AND (
        (${email}::text IS NOT NULL AND strpos(lower("payload"->>'unparseableBody'), ${email}) > 0)
        OR (${wholeNumber}::text IS NOT NULL AND "payload"->>'unparseableBody' ~ ${wholeNumber})
      ))
    )
    ORDER BY "receivedAt"`;
}

export async function handleCustomersRedact(
  delivery: WebhookDelivery,
  payload: WebhookPayload<"customers/redact">,
): Promise<TopicOutcome> {
  const mismatch = complianceShopMismatch("customers/redact", payload, delivery.shop);
  if (mismatch) return { status: "IGNORED", reason: mismatch };
  const found = await deliveriesMentioning(delivery.shop, payload.customer, payload.orders_to_redact);
  const now = new Date();
  for (const row of found) {
    const original = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } });
    const gid = (original.payload as Record<string, unknown> | null)?.admin_graphql_api_id ?? null;
    // A delivery not processed yet (pending, or failed and waiting for Retry) never will be: nothing is left of it.
    const unprocessed = original.status === "PENDING" || original.status === "FAILED";
    await prisma.webhookDelivery.update({
      where: { id: row.id },
      data: {
        payload: { redacted: true, admin_graphql_api_id: gid } as Prisma.InputJsonValue,
        redactedAt: now,
        ...(unprocessed ? { status: "IGNORED", error: "redacted before processing (customers/redact)" } : {}),
      },
    });
    if (original.status === "FAILED") await resolveExceptionsFor(delivery.shop, "WebhookDelivery", row.id, now);
  }
  const orders = await redactMarketplaceCustomers(delivery.shop, payload.orders_to_redact);
  await prisma.complianceRequest.create({
    data: {
      shop: delivery.shop,
      topic: "customers/redact",
      customerRef: payload.customer.id,
      completedAt: now,
      actions: [
        { action: "redacted stored webhook payloads", deliveries: found.map((f) => f.id) },
        { action: "redacted the marketplace customer of Mirakl orders", orders },
      ],
    },
  });
  return { status: "PROCESSED" };
}

/**
 * The Mirakl orders whose Shopify order is named: the marketplace's customer (name, addresses, e-mail alias) is
 * removed from the mirror and from the stored OR11 payload. Returns the Mirakl order ids.
 */
async function redactMarketplaceCustomers(shop: string, shopifyOrderIds: readonly string[]): Promise<string[]> {
  const gids = shopifyOrderIds.map((id) => `gid://shopify/Order/${id}`);
  if (gids.length === 0) return [];
  const rows = await prisma.$queryRaw<{ miraklOrderId: string }[]>`
    UPDATE "MarketplaceOrder"
    SET "customer" = '{}'::jsonb, "notificationEmail" = NULL,
        "payload" = "payload" - 'customer' - 'customer_notification_email'
    WHERE "shop" = ${shop} AND "shopifyOrderId" = ANY(${gids})
    RETURNING "miraklOrderId"`;
  return rows.map((row) => row.miraklOrderId);
}

export async function handleCustomersDataRequest(
  delivery: WebhookDelivery,
  payload: WebhookPayload<"customers/data_request">,
): Promise<TopicOutcome> {
  const mismatch = complianceShopMismatch("customers/data_request", payload, delivery.shop);
  if (mismatch) return { status: "IGNORED", reason: mismatch };
  const found = await deliveriesMentioning(delivery.shop, payload.customer, payload.orders_requested);
  await prisma.complianceRequest.create({
    data: {
      shop: delivery.shop,
      topic: "customers/data_request",
      customerRef: payload.customer.id,
      requestRef: payload.data_request?.id ?? null,
      completedAt: new Date(),
      actions: [
        {
          action: "listed personal data held",
          holdings: found.map((f) => ({
            kind: "webhook payload",
            id: f.id,
            topic: f.topic,
            receivedAt: f.receivedAt.toISOString(),
          })),
        },
      ],
    },
  });
  return { status: "PROCESSED" };
}

type Holding = { kind: string; id: string; topic: string; receivedAt: string };

/** The shop's customer data requests, newest first, for the page that offers their files. */
export async function listCustomerDataRequests(shop: string, take = 20) {
  const rows = await prisma.complianceRequest.findMany({
    where: { shop, topic: "customers/data_request" },
    orderBy: { receivedAt: "desc" },
    select: { id: true, customerRef: true, requestRef: true, receivedAt: true },
    take,
  });
  return rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
}

/**
 * The file the merchant hands to the customer: every stored payload found for the request, as held now. A payload
 * deleted since (retention) or scrubbed (customers/redact) is listed as no longer held. Null when the request is
 * not this shop's.
 */
export async function customerDataExport(shop: string, requestId: string) {
  const request = await prisma.complianceRequest.findFirst({
    where: { id: requestId, shop, topic: "customers/data_request" },
  });
  if (!request) return null;
  const holdings = ((request.actions as { holdings?: Holding[] }[] | null) ?? []).flatMap((a) => a.holdings ?? []);
  const rows = await prisma.webhookDelivery.findMany({
    where: { shop, id: { in: holdings.map((h) => h.id) }, redactedAt: null },
    select: { id: true, payload: true },
  });
  const payloads = new Map(rows.map((r) => [r.id, r.payload]));
  return {
    app: "Mirakl Bridge for Shopify",
    shop,
    customerId: request.customerRef,
    dataRequestId: request.requestRef,
    requestedAt: request.receivedAt.toISOString(),
    generatedAt: new Date().toISOString(),
    personalData: holdings.map((h) =>
      payloads.has(h.id)
        ? { source: `Shopify ${h.topic} webhook`, receivedAt: h.receivedAt, data: payloads.get(h.id) }
        : { source: `Shopify ${h.topic} webhook`, receivedAt: h.receivedAt, data: null, note: "no longer held" },
    ),
  };
}
