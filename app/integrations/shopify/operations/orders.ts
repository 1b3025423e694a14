import { adminFragment, adminOperation } from "../operation";

const orderSummaryFields = adminFragment(`#graphql
fragment OrderSummaryFields on Order {
  id name sourceName sourceIdentifier tags createdAt cancelledAt cancelReason
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet { shopMoney { amount currencyCode } }
}`);

/** `inventoryBehaviour` and `sendReceipt` belong to `options`, not to the order input. */
export const orderCreate = adminOperation(
  `#graphql
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput!) {
  orderCreate(order: $order, options: $options) {
    order {
      ...OrderSummaryFields
      lineItems(first: 250) { nodes { id sku quantity variant { id } } }
    }
    userErrors { field message code }
  }
}`,
  orderSummaryFields,
);

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

export const orderCancel = adminOperation(`#graphql
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refund: Boolean!, $notifyCustomer: Boolean!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refund: $refund, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`);

export const metafieldsSet = adminOperation(`#graphql
mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key value }
    userErrors { field message code }
  }
}`);
