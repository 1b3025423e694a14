import { adminOperation, type Gid, type UserError } from "../operation";

export type FulfillmentOrderStatus =
  "CANCELLED" | "CLOSED" | "INCOMPLETE" | "IN_PROGRESS" | "ON_HOLD" | "OPEN" | "SCHEDULED";
export type FulfillmentStatus = "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING" | "SUCCESS";

export interface TrackingInfo {
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface FulfillmentSummary {
  id: Gid;
  name: string;
  status: FulfillmentStatus;
  createdAt: string;
  updatedAt: string;
  trackingInfo: TrackingInfo[];
  order: { id: Gid };
  fulfillmentLineItems: {
    nodes: Array<{ id: Gid; quantity: number | null; lineItem: { id: Gid; sku: string | null } }>;
  };
}

const fulfillmentFields = `#graphql
  id name status createdAt updatedAt
  trackingInfo { company number url }
  order { id }
  fulfillmentLineItems(first: 100) { nodes { id quantity lineItem { id sku } } }
`;

export interface FulfillmentOrderNode {
  id: Gid;
  status: FulfillmentOrderStatus;
  requestStatus: string;
  assignedLocation: { location: { id: Gid } | null };
  supportedActions: Array<{ action: string }>;
  lineItems: {
    nodes: Array<{
      id: Gid;
      sku: string | null;
      totalQuantity: number;
      remainingQuantity: number;
      lineItem: { id: Gid };
    }>;
  };
}

/**
 * Kept under Shopify's 1000-point single-query limit (5 × 50 lines); fulfillment details come from FulfillmentById.
 */
export const orderFulfillmentOrders = adminOperation<
  {
    order: {
      id: Gid;
      fulfillmentOrders: { nodes: FulfillmentOrderNode[] };
      fulfillments: Array<Pick<FulfillmentSummary, "id" | "name" | "status" | "trackingInfo">>;
    } | null;
  },
  { orderId: Gid }
>(`#graphql
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

export const fulfillmentById = adminOperation<{ fulfillment: FulfillmentSummary | null }, { id: Gid }>(`#graphql
query FulfillmentById($id: ID!) {
  fulfillment(id: $id) { ${fulfillmentFields} }
}`);

export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  numbers?: string[];
  url?: string | null;
  urls?: string[];
}

export const fulfillmentCreate = adminOperation<
  { fulfillmentCreate: { fulfillment: FulfillmentSummary | null; userErrors: UserError[] } },
  {
    fulfillment: {
      lineItemsByFulfillmentOrder: Array<{
        fulfillmentOrderId: Gid;
        fulfillmentOrderLineItems?: Array<{ id: Gid; quantity: number }>;
      }>;
      trackingInfo?: TrackingInput;
      notifyCustomer: boolean;
    };
    message?: string | null;
  }
>(`#graphql
mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { ${fulfillmentFields} }
    userErrors { field message }
  }
}`);

export const fulfillmentTrackingInfoUpdate = adminOperation<
  { fulfillmentTrackingInfoUpdate: { fulfillment: FulfillmentSummary | null; userErrors: UserError[] } },
  { fulfillmentId: Gid; trackingInfoInput: TrackingInput; notifyCustomer: boolean }
>(`#graphql
mutation FulfillmentTrackingInfoUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean!) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput, notifyCustomer: $notifyCustomer) {
    fulfillment { ${fulfillmentFields} }
    userErrors { field message }
  }
}`);
