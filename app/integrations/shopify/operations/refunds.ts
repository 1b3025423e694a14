import { adminOperation, type Gid, type Money, type UserError } from "../operation";

export type RefundLineItemRestockType = "CANCEL" | "LEGACY_RESTOCK" | "NO_RESTOCK" | "RETURN";

export interface RefundDetail {
  id: Gid;
  createdAt: string;
  note: string | null;
  order: { id: Gid };
  totalRefundedSet: { shopMoney: Money };
  refundLineItems: {
    nodes: Array<{
      quantity: number;
      restockType: RefundLineItemRestockType;
      lineItem: { id: Gid; sku: string | null };
      subtotalSet: { shopMoney: Money };
    }>;
  };
  transactions: { nodes: Array<{ id: Gid; kind: string; status: string; amountSet: { shopMoney: Money } }> };
}

// 100 refund lines keeps the query under Shopify's 1000-point single-query limit.
const refundFields = `#graphql
  id createdAt note
  order { id }
  totalRefundedSet { shopMoney { amount currencyCode } }
  refundLineItems(first: 100) { nodes { quantity restockType lineItem { id sku } subtotalSet { shopMoney { amount currencyCode } } } }
  transactions(first: 20) { nodes { id kind status amountSet { shopMoney { amount currencyCode } } } }
`;

export const refundById = adminOperation<{ refund: RefundDetail | null }, { id: Gid }>(`#graphql
query RefundById($id: ID!) {
  refund(id: $id) { ${refundFields} }
}`);

/** Required to carry an idempotency key since 2026-04: a retried refund must never pay out twice. */
export const refundCreate = adminOperation<
  { refundCreate: { refund: RefundDetail | null; userErrors: UserError[] } },
  {
    idempotencyKey: string;
    input: {
      orderId: Gid;
      note?: string | null;
      notify: boolean;
      currency?: string;
      refundLineItems?: Array<{
        lineItemId: Gid;
        quantity: number;
        restockType?: RefundLineItemRestockType;
        locationId?: Gid | null;
      }>;
      shipping?: { amount?: string; fullRefund?: boolean };
      transactions?: Array<{ orderId: Gid; parentId?: Gid | null; amount: string; gateway: string; kind: "REFUND" }>;
    };
  }
>(`#graphql
mutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
    refund { ${refundFields} }
    userErrors { field message }
  }
}`);
