export { ShopifyFake, flattenBulkResult, type ShopifyFakeOptions, type FakeGraphqlRequest } from "./fake";
export { FakeShopStore } from "./store";
export type * from "./store";
export {
  signWebhook,
  deliverWebhook,
  webhookRequest,
  shopifyJson,
  type SignedWebhook,
  type WebhookTarget,
  type WebhookDeliveryInit,
} from "./webhooks";
export { createOrder, cancelOrder, createFulfillment, updateTracking, createRefund } from "./actions";
