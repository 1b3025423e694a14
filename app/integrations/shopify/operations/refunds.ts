import { adminFragment, adminOperation } from "../operation";

// 100 refund lines keeps the query under Shopify's 1000-point single-query limit. The order's `taxesIncluded`
// says whether the subtotals hold their tax; the shipping refund is in refundShippingLines.
const refundFields = adminFragment(`#graphql
fragment RefundFields on Refund {
  id createdAt note
  order { id taxesIncluded cancelledAt }
  totalRefundedSet { shopMoney { amount currencyCode } }
  refundLineItems(first: 100) {
    nodes {
      quantity restockType lineItem { id sku }
      subtotalSet { shopMoney { amount currencyCode } }
      totalTaxSet { shopMoney { amount currencyCode } }
    }
  }
  refundShippingLines(first: 5) {
    nodes { subtotalAmountSet { shopMoney { amount } } taxAmountSet { shopMoney { amount } } }
  }
  transactions(first: 20) { nodes { id kind status amountSet { shopMoney { amount currencyCode } } } }
}`);

export const refundById = adminOperation(
  `#graphql
query RefundById($id: ID!) {
  refund(id: $id) { ...RefundFields }
}`,
  refundFields,
);

/** Required to carry an idempotency key since 2026-04: a retried refund must never pay out twice. */
export const refundCreate = adminOperation(
  `#graphql
mutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
    refund { ...RefundFields }
    userErrors { field message }
  }
}`,
  refundFields,
);
