import prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { paymentGateway } from "~/domain/orders/shopify-order";
import {
  orderTaxModeOf,
  planShopifyRefund,
  reversalKey,
  reversalsToMirror,
  shopifyRefundGroups,
} from "~/domain/orders/refunds";
import type { MiraklOrder } from "~/integrations/mirakl";
import { ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import { refundCreate } from "~/integrations/shopify/operations";
import { appendTimeline } from "~/sync/orders/mirror.server";
import {
  appEntry,
  sentIntents,
  settle,
  MIRROR_NOTE_PREFIX,
  type Context,
  type Outcome,
  type OrderRow,
} from "~/sync/refunds/context.server";

/**
 * Mirakl refunds and cancelations → Shopify: each Mirakl action not yet in Shopify and not the app's own becomes
 * one `refundCreate` whose idempotency key comes from the Mirakl ids.
 */

export async function mirrorToShopify(context: Context, order: OrderRow): Promise<Outcome> {
  const done = () => prisma.marketplaceOrder.update({ where: { id: order.id }, data: { refundsDirty: false } });
  if (!context.settings.mirrorToShopify || order.shopifyOrderStatus !== "CREATED" || !order.shopifyOrderId) {
    await done();
    return { kind: "done" };
  }
  const payload = order.payload as unknown as MiraklOrder;
  const rows = await prisma.marketplaceRefund.findMany({
    where: { orderId: order.id, direction: "TO_SHOPIFY" },
    select: { reversalKeys: true, status: true },
  });
  const mirroredKeys = new Set(rows.filter((r) => r.status === "SENT").flatMap((r) => r.reversalKeys as string[]));
  // The Shopify order was made without the units and money Mirakl had cancelled by then.
  const createdAt = order.shopifyOrderCreatedAt?.getTime() ?? 0;
  for (const line of payload.order_lines)
    for (const c of line.cancelations ?? [])
      if (c.created_date && Date.parse(c.created_date) <= createdAt) mirroredKeys.add(reversalKey("cancelation", c.id));
  const pending = reversalsToMirror(payload, { mirroredKeys, sentIntents: await sentIntents(order.id) });
  let count = 0;
  const lineItems = new Map(order.lines.flatMap((l) => (l.shopifyLineItemId ? [[l.lineId, l.shopifyLineItemId]] : [])));
  for (const group of shopifyRefundGroups(pending)) {
    const plan = planShopifyRefund({
      shopifyOrderId: order.shopifyOrderId,
      miraklOrderId: order.miraklOrderId,
      orderTaxMode: orderTaxModeOf(payload.order_tax_mode),
      reversals: group,
      lineItems,
      restock: context.settings.restockReturns,
      saleTransaction: { gateway: paymentGateway(context.marketplace) },
    });
    const input = { ...plan.input, note: `${MIRROR_NOTE_PREFIX}: ${plan.input.note}` };
    await prisma.marketplaceRefund.upsert({
      where: {
        shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
      },
      create: {
        shop: context.shop,
        connectionId: context.id,
        orderId: order.id,
        direction: "TO_SHOPIFY",
        sourceKey: plan.idempotencyKey,
        reversalKeys: plan.reversalKeys,
        status: "SENDING",
        request: input as unknown as Prisma.InputJsonValue,
        sentAt: context.now,
        attempts: 1,
        amount: input.transactions[0]?.amount ?? "0",
        currency: payload.currency_iso_code,
      },
      update: { status: "SENDING", sentAt: context.now, attempts: { increment: 1 } },
    });
    const admin = await context.shopify();
    let created;
    try {
      // Idempotent by key: a repeat after a lost answer returns the refund made the first time.
      created = await admin.request(refundCreate, { input, idempotencyKey: plan.idempotencyKey });
    } catch (error) {
      if (!(error instanceof ShopifyUserErrorsError)) throw error;
      const row = await prisma.marketplaceRefund.findUniqueOrThrow({
        where: {
          shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
        },
      });
      await settle(
        context,
        row,
        order,
        "FAILED",
        `Shopify refused the refund: ${error.message}`,
        "Read Shopify's message (often: more than is left to refund on the order). Adjust the Shopify order by hand if needed, then press Retry or dismiss this.",
      );
      continue;
    }
    const refundId = created.refundCreate?.refund?.id;
    await prisma.marketplaceRefund.update({
      where: {
        shop_direction_sourceKey: { shop: context.shop, direction: "TO_SHOPIFY", sourceKey: plan.idempotencyKey },
      },
      data: { status: "SENT", statusReason: null, resultIds: refundId ? [refundId] : [] },
    });
    const what = group.map((g) => `${g.kind} ${g.reversal.id} on line ${g.lineId}`).join(", ");
    await appendTimeline(
      context.shop,
      order.id,
      [
        appEntry(
          "refund-mirrored",
          `Marketplace ${what} shown in Shopify as a refund of ${input.transactions[0]?.amount ?? "0"} ${payload.currency_iso_code}`,
          { refundId },
        ),
      ],
      context.now,
    );
    count++;
  }
  await done();
  return { kind: "mirrored", count };
}
