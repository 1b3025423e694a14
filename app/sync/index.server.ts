import { registerRetry } from "~/exceptions/retries.server";
import { ensurePeriodicUnits, workUnits } from "~/worker/registry.server";
import { retryWorkUnit, WORK_UNIT_ENTITY } from "~/worker/unit-failures.server";
import type { TaskHandler } from "~/worker/worker.server";
import { startEmbeddedWorkerIfConfigured as startEmbeddedWorker } from "~/worker/embedded.server";
import { inboxSweepTask, inboxTask, onWebhookTopic, onWebhookTopicBatch, retryDelivery } from "~/webhooks/inbox.server";
import { handleAppUninstalled, handleScopesUpdate } from "~/shops/lifecycle.server";
import { handleCustomersDataRequest, handleCustomersRedact, handleShopRedact } from "~/shops/compliance.server";
import { miraklCallPruneTask } from "~/connections/activity-log.server";
import { apiKeyReencryptTask } from "~/connections/key-rotation.server";
import { catalogRefreshTask } from "~/sync/catalog/refresh.server";
import { catalogWebhookHandlers } from "~/sync/catalog/shopify-webhooks.server";
import { stockRecomputeTask } from "~/sync/stock/recompute.server";
import { stockTasks, type StockTaskDeps } from "~/sync/stock/tasks.server";
import { retryConnection, retryReconcile, retryRefusedOffer } from "~/sync/stock/retries.server";
import { recordShopifySales } from "~/sync/stock/velocity.server";
import { readMarketplaceOrders } from "~/sync/orders/intake.server";
import { ensureOrderIntake, orderTasks } from "~/sync/orders/tasks.server";
import { reservationTasks } from "~/sync/reservations/tasks.server";
import { retryOrderLineHold } from "~/sync/reservations/retries.server";
import { retryOrderAcceptance, retryUnreadableOrder } from "~/sync/orders/retries.server";
import { ORDER_ENTITY } from "~/sync/orders/acceptance.server";
import { fulfilmentTasks } from "~/sync/fulfilments/tasks.server";
import { refundTasks } from "~/sync/refunds/tasks.server";
import { orderCancelledWebhook, REFUND_ENTITY, refundWebhook, retryRefund } from "~/sync/refunds/refunds.server";
import { fulfilmentWebhook, retryShipment, SHIPMENT_ENTITY } from "~/sync/fulfilments/shipments.server";

/**
 * The composition root: every flow's worker tasks, webhook topics and exception retries are wired here,
 * and what one flow needs from another is passed in here, so flows never import each other's internals
 * and the worker layer stays generic. A new flow adds its tasks, topics and retries below; its work-unit
 * kinds are declared in app/worker/registry.server.ts.
 */

/** What the stock flow needs from the reservation flow. */
export const stockFlowDeps: StockTaskDeps = {
  // A stock file waits for a fresh order read, or it would overwrite the orders placed since (push.server.ts).
  readOrders: readMarketplaceOrders,
  // The reconcile scheduler keeps every enabled connection's order intake running.
  keepConnectionRunning: ensureOrderIntake,
};

/** Which flow consumes which Shopify topic, and how each kind of exception is retried. Idempotent. */
export function registerFlows() {
  onWebhookTopic("app/uninstalled", handleAppUninstalled);
  onWebhookTopic("app/scopes_update", handleScopesUpdate);
  onWebhookTopic("shop/redact", handleShopRedact);
  onWebhookTopic("customers/redact", handleCustomersRedact);
  onWebhookTopic("customers/data_request", handleCustomersDataRequest);
  const catalog = catalogWebhookHandlers({ onLevelDrops: recordShopifySales });
  onWebhookTopic("inventory_levels/update", catalog.inventoryLevelsUpdate);
  onWebhookTopicBatch("inventory_levels/update", catalog.inventoryLevelsUpdateBatch);
  onWebhookTopic("inventory_levels/disconnect", catalog.inventoryLevelsDisconnect);
  onWebhookTopic("locations/deactivate", catalog.locationsDeactivate);
  onWebhookTopic("products/update", catalog.productsUpdate);
  onWebhookTopic("products/delete", catalog.productsDelete);
  onWebhookTopic("fulfillments/create", fulfilmentWebhook);
  onWebhookTopic("fulfillments/update", fulfilmentWebhook);
  onWebhookTopic("refunds/create", refundWebhook);
  onWebhookTopic("orders/cancelled", orderCancelledWebhook);

  registerRetry("OfferStock", retryRefusedOffer);
  registerRetry("StockImport", retryConnection);
  registerRetry("MarketplaceConnection", retryConnection);
  registerRetry("ReconcileRun", retryReconcile);
  registerRetry("MiraklOrderLine", retryOrderLineHold);
  registerRetry(ORDER_ENTITY, retryOrderAcceptance);
  registerRetry("MiraklOrder", retryUnreadableOrder);
  registerRetry("WebhookDelivery", retryDelivery);
  registerRetry(WORK_UNIT_ENTITY, retryWorkUnit);
  registerRetry(SHIPMENT_ENTITY, retryShipment);
  registerRetry(REFUND_ENTITY, retryRefund);
}

/** Every kind of background work the worker runs (their kinds are declared in the worker's registry). */
export function allTasks(): TaskHandler[] {
  registerFlows();
  return [
    inboxTask,
    inboxSweepTask,
    ...stockTasks(stockFlowDeps),
    ...orderTasks,
    ...reservationTasks,
    ...fulfilmentTasks,
    ...refundTasks,
    stockRecomputeTask,
    catalogRefreshTask,
    miraklCallPruneTask,
    apiKeyReencryptTask,
  ];
}

/**
 * Periodic units that must exist once; idempotent, called whenever a worker starts. A key rotation means a
 * restart with new variables, so the API keys are sealed again under the current key right away.
 */
export async function schedulePeriodicWork() {
  await ensurePeriodicUnits();
  await workUnits.apiKeyReencrypt.markDue();
}

/**
 * The web process: flows are registered (a route's Retry needs them even when no worker runs here), and
 * the worker starts inside the process when the configuration says so (app/worker/embedded.server.ts).
 */
export function startEmbeddedWorkerIfConfigured() {
  registerFlows();
  return startEmbeddedWorker({ tasks: allTasks, schedulePeriodicWork });
}
