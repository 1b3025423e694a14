import prisma from "~/db.server";
import type { WebhookDelivery } from "~/generated/prisma/client";
import type { WebhookPayload } from "~/integrations/shopify/webhook-payloads";
import type { TopicOutcome } from "~/webhooks/inbox.server";
import { isInstalledSince } from "~/shops/installation.server";
import { disableConnectionsForShop } from "~/connections/connections.server";

/**
 * app/uninstalled: the offline token is dead, so sessions go and every connection stops syncing.
 * A late delivery for a shop that reinstalled since must not undo the reinstall.
 */
export async function handleAppUninstalled(delivery: WebhookDelivery): Promise<TopicOutcome> {
  const eventAt = delivery.triggeredAt ?? delivery.receivedAt;
  if (await isInstalledSince(delivery.shop, eventAt)) {
    return { status: "IGNORED", reason: "the shop reinstalled the app after this uninstall" };
  }
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop: delivery.shop } }),
    prisma.shop.upsert({
      where: { shop: delivery.shop },
      create: { shop: delivery.shop, uninstalledAt: eventAt },
      update: { uninstalledAt: eventAt },
    }),
  ]);
  await disableConnectionsForShop(delivery.shop, "app uninstalled");
  return { status: "PROCESSED" };
}

/** app/scopes_update: keep stored sessions' scope current, as Shopify's template does. */
export async function handleScopesUpdate(
  delivery: WebhookDelivery,
  payload: WebhookPayload<"app/scopes_update">,
): Promise<TopicOutcome> {
  const scope = payload.current.join(",");
  await prisma.session.updateMany({ where: { shop: delivery.shop }, data: { scope } });
  await prisma.shop.updateMany({ where: { shop: delivery.shop }, data: { scopes: scope } });
  return { status: "PROCESSED" };
}
