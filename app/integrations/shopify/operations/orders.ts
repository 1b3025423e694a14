import { adminFragment, adminOperation } from "../operation";

const orderSummaryFields = adminFragment(`#graphql
fragment OrderSummaryFields on Order {
  id name sourceName sourceIdentifier tags createdAt cancelledAt cancelReason
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet { shopMoney { amount currencyCode } }
}`);

/** Each line item with the properties that name the Mirakl order line it was made for. */
const orderLineItemFields = adminFragment(`#graphql
fragment OrderLineItemFields on LineItem {
  id sku quantity variant { id } customAttributes { key value }
}`);

/**
 * `inventoryBehaviour` and `sendReceipt` belong to `options`, not to the order input. Not idempotent: callers
 * store the intent first and send it with `resendWhenUnsure: false` (app/sync/orders/shopify-order.server.ts).
 */
export const orderCreate = adminOperation(
  `#graphql
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput!) {
  orderCreate(order: $order, options: $options) {
    order {
      ...OrderSummaryFields
      lineItems(first: 250) { nodes { ...OrderLineItemFields } }
    }
    userErrors { field message code }
  }
}`,
  orderSummaryFields,
  orderLineItemFields,
);

/** An order found by its source identifier: its line items, to link them to the Mirakl order lines. */
export const orderLineItems = adminOperation(
  `#graphql
query OrderLineItems($id: ID!) {
  order(id: $id) {
    ...OrderSummaryFields
    lineItems(first: 250) { nodes { ...OrderLineItemFields } }
  }
}`,
  orderSummaryFields,
  orderLineItemFields,
);

/**
 * Where Shopify routed the order's units. Shopify checks the requested cost (first × nodes) against the bucket
 * before running a query, so callers ask for about as many lines as the order has (at most 100: 3 × 100 stays
 * under the single-query limit), not always the most.
 */
export const orderFulfillmentPlacement = adminOperation(`#graphql
query OrderFulfillmentPlacement($id: ID!, $fulfillmentOrders: Int!, $lineItems: Int!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: $fulfillmentOrders) {
      nodes {
        id status
        assignedLocation { location { id } }
        lineItems(first: $lineItems) { nodes { id remainingQuantity lineItem { id } } }
      }
    }
  }
}`);

/** Moves (part of) a fulfillment order, and the units it commits, to another location. */
export const fulfillmentOrderMove = adminOperation(`#graphql
mutation FulfillmentOrderMove($id: ID!, $newLocationId: ID!, $fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]) {
  fulfillmentOrderMove(id: $id, newLocationId: $newLocationId, fulfillmentOrderLineItems: $fulfillmentOrderLineItems) {
    movedFulfillmentOrder { id assignedLocation { location { id } } }
    userErrors { field message }
  }
}`);

/**
 * Finds orders we created for a marketplace order. `source_identifier` is a documented `orders(query:)` filter
 * in 2026-07; callers still compare `sourceName`/`sourceIdentifier` on the result because search is fuzzy.
 */
export const ordersBySourceIdentifier = adminOperation(
  `#graphql
query OrdersBySourceIdentifier($query: String!, $first: Int!) {
  orders(query: $query, first: $first, sortKey: CREATED_AT, reverse: true) {
    nodes { ...OrderSummaryFields }
    pageInfo { hasNextPage endCursor }
  }
}`,
  orderSummaryFields,
);

export function sourceIdentifierSearchQuery(sourceIdentifier: string): string {
  return `source_identifier:"${sourceIdentifier.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export const orderById = adminOperation(
  `#graphql
query OrderById($id: ID!, $metafieldNamespace: String!, $metafieldKey: String!) {
  order(id: $id) {
    ...OrderSummaryFields
    metafield(namespace: $metafieldNamespace, key: $metafieldKey) { id value }
    lineItems(first: 250) { nodes { id sku quantity currentQuantity refundableQuantity variant { id } } }
  }
}`,
  orderSummaryFields,
);

/**
 * Cancels an order. Asynchronous at Shopify: the answer is a job, the order shows `cancelledAt` once it has run.
 * Not idempotent: callers store the intent first, send it with `resendWhenUnsure: false`, and read the order
 * (`orderCancellationFacts`) before sending again. `refundMethod` replaces the deprecated `refund` argument.
 */
export const orderCancel = adminOperation(`#graphql
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refundMethod: OrderCancelRefundMethodInput, $notifyCustomer: Boolean!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refundMethod: $refundMethod, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`);

/**
 * What decides whether an order can still be cancelled rather than refunded: whether it is cancelled already and
 * how many units left in fulfilments (Order.fulfillments is a plain list; 250 is far more than one order has).
 */
export const orderCancellationFacts = adminOperation(`#graphql
query OrderCancellationFacts($id: ID!) {
  order(id: $id) {
    id cancelledAt displayFulfillmentStatus
    fulfillments(first: 250) { id status totalQuantity }
  }
}`);

export const metafieldsSet = adminOperation(`#graphql
mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key value }
    userErrors { field message code }
  }
}`);

/**
 * The refund sweep (app/sync/refunds/sweep.server.ts): many orders' refunds and cancellation in one request, to
 * heal lost `refunds/create` and `orders/cancelled` webhooks. `Order.refunds` is a plain list (not a connection)
 * that only takes `first`; an id that is no longer an order answers null.
 */
export const ordersRefundsByIds = adminOperation(`#graphql
query OrdersRefundsByIds($ids: [ID!]!, $refunds: Int!) {
  nodes(ids: $ids) {
    ... on Order { id cancelledAt refunds(first: $refunds) { id note createdAt } }
  }
}`);
