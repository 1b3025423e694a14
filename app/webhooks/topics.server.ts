import { onWebhookTopic } from "~/webhooks/inbox.server";
import { handleAppUninstalled, handleScopesUpdate } from "~/shops/lifecycle.server";
import { handleCustomersDataRequest, handleCustomersRedact, handleShopRedact } from "~/shops/compliance.server";
import { stockWebhookHandlers } from "~/sync/stock/shopify-webhooks.server";

/** Which flow consumes which topic. Sync flows add their topics here as they land. */
export function registerTopicHandlers() {
  onWebhookTopic("app/uninstalled", handleAppUninstalled);
  onWebhookTopic("app/scopes_update", handleScopesUpdate);
  onWebhookTopic("shop/redact", handleShopRedact);
  onWebhookTopic("customers/redact", handleCustomersRedact);
  onWebhookTopic("customers/data_request", handleCustomersDataRequest);
  const stock = stockWebhookHandlers();
  onWebhookTopic("inventory_levels/update", stock.inventoryLevelsUpdate);
  onWebhookTopic("products/update", stock.productsUpdate);
  onWebhookTopic("products/delete", stock.productsDelete);
}
