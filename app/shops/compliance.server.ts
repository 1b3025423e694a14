import prisma from "~/db.server";
import { type Prisma, type WebhookDelivery } from "~/generated/prisma/client";
import type { WebhookPayload } from "~/integrations/shopify/webhook-payloads";
import type { TopicOutcome } from "~/webhooks/inbox.server";

/**
 * Mandatory compliance topics. Personal data we hold today lives in stored webhook payloads (order,
 * refund and fulfilment payloads carry names, emails and addresses); marketplace order copies join
 * this list when the order flow lands. Every request is recorded with what was done.
 */

/** Every table keyed by shop, in deletion order. A test checks this covers each model with a `shop` column. */
export const shopScopedModels = [
  "stockImport",
  "reconcileRun",
  "offerStock",
  "marketplaceReservation",
  "shopifyInventoryLevel",
  "shopifyStockSale",
  "shopifyVariant",
  "skuMapping",
  "webhookDelivery",
  "syncException",
  "miraklCall",
  "workUnit",
  "marketplaceConnection",
  "session",
  "complianceRequest",
  "shop",
] as const;

export async function handleShopRedact(delivery: WebhookDelivery): Promise<TopicOutcome> {
  const shop = delivery.shop;
  const installed = await prisma.shop.findUnique({ where: { shop } });
  if (installed && installed.uninstalledAt === null) {
    return { status: "IGNORED", reason: "the shop is installed again; Shopify does not redact a reinstalled shop" };
  }
  const counts: Record<string, number> = {};
  await prisma.$transaction(async (tx) => {
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

/** Deliveries whose payload names this customer or one of the listed orders. */
async function deliveriesMentioning(
  shop: string,
  customer: Customer,
  orderIds: string[],
): Promise<Pick<WebhookDelivery, "id" | "topic" | "receivedAt">[]> {
  const email = customer.email?.toLowerCase() ?? null;
  const orderGids = orderIds.map((id) => `gid://shopify/Order/${id}`);
  const ids = orderIds.length ? orderIds : ["-"];
  const gids = orderGids.length ? orderGids : ["-"];
  return prisma.$queryRaw`
    SELECT "id", "topic", "receivedAt" FROM "WebhookDelivery"
    WHERE "shop" = ${shop} AND "redactedAt" IS NULL AND (
      "payload"->'customer'->>'id' = ${customer.id}
      OR (${email}::text IS NOT NULL AND (lower("payload"->>'email') = ${email} OR lower("payload"->>'contact_email') = ${email}
          OR lower("payload"->'customer'->>'email') = ${email}))
      OR "payload"->>'order_id' = ANY(${ids})
      OR "payload"->>'admin_graphql_api_id' = ANY(${gids})
    )
    ORDER BY "receivedAt"`;
}

export async function handleCustomersRedact(
  delivery: WebhookDelivery,
  payload: WebhookPayload<"customers/redact">,
): Promise<TopicOutcome> {
  const found = await deliveriesMentioning(delivery.shop, payload.customer, payload.orders_to_redact);
  const now = new Date();
  for (const row of found) {
    const original = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } });
    const gid = (original.payload as Record<string, unknown> | null)?.admin_graphql_api_id ?? null;
    await prisma.webhookDelivery.update({
      where: { id: row.id },
      data: {
        payload: { redacted: true, admin_graphql_api_id: gid } as Prisma.InputJsonValue,
        redactedAt: now,
        ...(original.status === "PENDING"
          ? { status: "IGNORED", error: "redacted before processing (customers/redact)" }
          : {}),
      },
    });
  }
  await prisma.complianceRequest.create({
    data: {
      shop: delivery.shop,
      topic: "customers/redact",
      customerRef: payload.customer.id,
      completedAt: now,
      actions: [{ action: "redacted stored webhook payloads", deliveries: found.map((f) => f.id) }],
    },
  });
  return { status: "PROCESSED" };
}

export async function handleCustomersDataRequest(
  delivery: WebhookDelivery,
  payload: WebhookPayload<"customers/data_request">,
): Promise<TopicOutcome> {
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
