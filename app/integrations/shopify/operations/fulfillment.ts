import { adminFragment, adminOperation } from "../operation";

const fulfillmentFields = adminFragment(`#graphql
fragment FulfillmentFields on Fulfillment {
  id name status createdAt updatedAt
  trackingInfo { company number url }
  order { id }
  fulfillmentLineItems(first: 100) { nodes { id quantity lineItem { id sku } } }
}`);

/**
 * Kept under Shopify's 1000-point single-query limit (5 × 50 lines); fulfillment details come from FulfillmentById.
 */
export const orderFulfillmentOrders = adminOperation(`#graphql
query OrderFulfillmentOrders($orderId: ID!) {
  order(id: $orderId) {
    id
    fulfillmentOrders(first: 5) {
      nodes {
        id status requestStatus
        assignedLocation { location { id } }
        supportedActions { action }
        lineItems(first: 50) { nodes { id sku totalQuantity remainingQuantity lineItem { id } } }
      }
    }
    fulfillments(first: 20) { id name status trackingInfo { company number url } }
  }
}`);

export const fulfillmentById = adminOperation(
  `#graphql
query FulfillmentById($id: ID!) {
  fulfillment(id: $id) { ...FulfillmentFields }
}`,
  fulfillmentFields,
);

export const fulfillmentCreate = adminOperation(
  `#graphql
mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { ...FulfillmentFields }
    userErrors { field message }
  }
}`,
  fulfillmentFields,
);

export const fulfillmentTrackingInfoUpdate = adminOperation(
  `#graphql
mutation FulfillmentTrackingInfoUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean!) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput, notifyCustomer: $notifyCustomer) {
    fulfillment { ...FulfillmentFields }
    userErrors { field message }
  }
}`,
  fulfillmentFields,
);

/**
 * An order's fulfilments, for the sweep that heals lost fulfillments/* webhooks. Sized by the caller to the order
 * (fulfilments × lines stays under Shopify's 1,000-point single-query limit).
 */
export const orderFulfillments = adminOperation(`#graphql
query OrderFulfillments($id: ID!, $fulfillments: Int!, $lineItems: Int!) {
  order(id: $id) {
    id
    fulfillments(first: $fulfillments) {
      id name status createdAt updatedAt
      trackingInfo { company number url }
      fulfillmentLineItems(first: $lineItems) { nodes { quantity lineItem { id } } }
    }
  }
}`);
