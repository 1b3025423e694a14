export {
  ShopifyFake,
  flattenBulkResult,
  ORDER_RATE_LIMIT_MESSAGE,
  type ShopifyFakeOptions,
  type FakeGraphqlRequest,
  type LostAnswerOptions,
  type FakeWebhookTopic,
  type FakeWebhookDelivery,
} from "./fake";
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
export {
  createOrder,
  cancelOrder,
  createFulfillment,
  updateTracking,
  cancelFulfillment,
  createRefund,
  refundableMoney,
  refundableShipping,
  type CancelOrderOptions,
  moveFulfillmentOrder,
  fulfillmentStatusOf,
  routeOrder,
  orderTotals,
  type CreateOrderInput,
  type CreateOrderOptions,
} from "./actions";
