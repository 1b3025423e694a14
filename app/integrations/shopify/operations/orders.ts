import { adminOperation, type Gid, type Money, type PageInfo, type UserError } from "../operation";

export type OrderCancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";
export type InventoryBehaviour = "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";
export type OrderCreateFinancialStatus =
  "AUTHORIZED" | "EXPIRED" | "PAID" | "PARTIALLY_PAID" | "PARTIALLY_REFUNDED" | "PENDING" | "REFUNDED" | "VOIDED";

export interface MoneyBagInput {
  shopMoney: { amount: string; currencyCode: string };
  presentmentMoney?: { amount: string; currencyCode: string };
}

export interface MailingAddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

/** The subset of `OrderCreateOrderInput` the Mirakl import uses; field names are the schema's. */
export interface OrderCreateOrderInput {
  currency?: string;
  email?: string | null;
  phone?: string | null;
  name?: string;
  note?: string | null;
  tags?: string[];
  sourceName?: string;
  sourceIdentifier?: string;
  sourceUrl?: string | null;
  processedAt?: string;
  financialStatus?: OrderCreateFinancialStatus;
  taxesIncluded?: boolean;
  test?: boolean;
  shippingAddress?: MailingAddressInput;
  billingAddress?: MailingAddressInput;
  customAttributes?: Array<{ key: string; value: string }>;
  lineItems: Array<{
    variantId?: Gid;
    sku?: string | null;
    title?: string;
    quantity: number;
    priceSet: MoneyBagInput;
    requiresShipping?: boolean;
    taxable?: boolean;
    taxLines?: Array<{ title: string; rate: string; priceSet?: MoneyBagInput; channelLiable?: boolean }>;
  }>;
  shippingLines?: Array<{
    title: string;
    code?: string | null;
    source?: string | null;
    priceSet: MoneyBagInput;
    taxLines?: Array<{ title: string; rate: string; priceSet?: MoneyBagInput }>;
  }>;
  transactions?: Array<{
    kind: "SALE" | "AUTHORIZATION" | "CAPTURE";
    status?: "SUCCESS" | "PENDING";
    gateway?: string;
    amountSet: MoneyBagInput;
    processedAt?: string;
    test?: boolean;
  }>;
  metafields?: Array<{ namespace: string; key: string; type: string; value: string }>;
}

export interface OrderSummary {
  id: Gid;
  name: string;
  sourceName: string | null;
  sourceIdentifier: string | null;
  tags: string[];
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: OrderCancelReason | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  totalPriceSet: { shopMoney: Money };
}

const orderSummaryFields = `#graphql
  id name sourceName sourceIdentifier tags createdAt cancelledAt cancelReason
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet { shopMoney { amount currencyCode } }
`;

/** `inventoryBehaviour` and `sendReceipt` belong to `options`, not to the order input. */
export const orderCreate = adminOperation<
  {
    orderCreate: {
      order:
        | (OrderSummary & {
            lineItems: { nodes: Array<{ id: Gid; sku: string | null; quantity: number; variant: { id: Gid } | null }> };
          })
        | null;
      userErrors: UserError[];
    };
  },
  {
    order: OrderCreateOrderInput;
    options: { inventoryBehaviour: InventoryBehaviour; sendReceipt: false; sendFulfillmentReceipt: false };
  }
>(`#graphql
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput!) {
  orderCreate(order: $order, options: $options) {
    order {
      ${orderSummaryFields}
      lineItems(first: 250) { nodes { id sku quantity variant { id } } }
    }
    userErrors { field message code }
  }
}`);

/**
 * Finds orders we created for a marketplace order. `source_identifier` is a documented `orders(query:)` filter
 * in 2026-07; callers still compare `sourceName`/`sourceIdentifier` on the result because search is fuzzy.
 */
export const ordersBySourceIdentifier = adminOperation<
  { orders: { nodes: OrderSummary[]; pageInfo: PageInfo } },
  { query: string; first: number }
>(`#graphql
query OrdersBySourceIdentifier($query: String!, $first: Int!) {
  orders(query: $query, first: $first, sortKey: CREATED_AT, reverse: true) {
    nodes { ${orderSummaryFields} }
    pageInfo { hasNextPage endCursor }
  }
}`);

export function sourceIdentifierSearchQuery(sourceIdentifier: string): string {
  return `source_identifier:"${sourceIdentifier.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export interface OrderDetail extends OrderSummary {
  metafield: { id: Gid; value: string } | null;
  lineItems: {
    nodes: Array<{
      id: Gid;
      sku: string | null;
      quantity: number;
      currentQuantity: number;
      refundableQuantity: number;
      variant: { id: Gid } | null;
    }>;
  };
}

export const orderById = adminOperation<
  { order: OrderDetail | null },
  { id: Gid; metafieldNamespace: string; metafieldKey: string }
>(`#graphql
query OrderById($id: ID!, $metafieldNamespace: String!, $metafieldKey: String!) {
  order(id: $id) {
    ${orderSummaryFields}
    metafield(namespace: $metafieldNamespace, key: $metafieldKey) { id value }
    lineItems(first: 250) { nodes { id sku quantity currentQuantity refundableQuantity variant { id } } }
  }
}`);

export const orderCancel = adminOperation<
  { orderCancel: { job: { id: Gid; done: boolean } | null; orderCancelUserErrors: UserError[] } },
  {
    orderId: Gid;
    reason: OrderCancelReason;
    restock: boolean;
    refund: boolean;
    notifyCustomer: boolean;
    staffNote?: string | null;
  }
>(`#graphql
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refund: Boolean!, $notifyCustomer: Boolean!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refund: $refund, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`);

export const metafieldsSet = adminOperation<
  {
    metafieldsSet: {
      metafields: Array<{ id: Gid; namespace: string; key: string; value: string }> | null;
      userErrors: UserError[];
    };
  },
  {
    metafields: Array<{
      ownerId: Gid;
      namespace: string;
      key: string;
      type: string;
      value: string;
      compareDigest?: string | null;
    }>;
  }
>(`#graphql
mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key value }
    userErrors { field message code }
  }
}`);
