import type { InventoryAdjustmentGroupFieldsFragment, ProductVariantFieldsFragment } from "~/types/admin.generated";
import type { InventoryMoveQuantityTerminalInput } from "~/types/admin.types";
import { adminFragment, adminOperation } from "../operation";
import type { InventoryQuantityName } from "../quantity-names";

/** A variant with the catalogue facts the stock and price decisions read (status, tracking, prices, barcode). */
export type VariantWithItem = ProductVariantFieldsFragment;
export type ProductStatus = VariantWithItem["product"]["status"];

/** Money scalars are decimal strings ("19.90"). */
const productVariantFields = adminFragment(`#graphql
fragment ProductVariantFields on ProductVariant {
  id
  sku
  title
  displayName
  barcode
  price
  compareAtPrice
  product { id title status }
  inventoryItem { id sku tracked }
}`);

/** SKUs are not unique in Shopify: callers must handle several variants for one SKU (the query matches exactly). */
export const variantsBySku = adminOperation(
  `#graphql
query VariantsBySku($query: String!, $first: Int!, $after: String) {
  productVariants(query: $query, first: $first, after: $after) {
    nodes { ...ProductVariantFields }
    pageInfo { hasNextPage endCursor }
  }
}`,
  productVariantFields,
);

/** `query` syntax for an exact SKU match; quotes keep SKUs with spaces or colons intact. */
export function skuSearchQuery(skus: readonly string[]): string {
  return skus.map((sku) => `sku:"${sku.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" OR ");
}

export const variantsByIds = adminOperation(
  `#graphql
query VariantsByIds($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ProductVariant { ...ProductVariantFields }
  }
}`,
  productVariantFields,
);

/**
 * One product's status and variants, read when `products/update` says something changed: the payload has no
 * tracking flag and may list only some variants, and a read is current whatever order deliveries arrive in.
 */
export const productVariantsForSync = adminOperation(
  `#graphql
query ProductVariantsForSync($id: ID!, $first: Int!, $after: String) {
  product(id: $id) {
    id
    status
    variants(first: $first, after: $after) {
      nodes { ...ProductVariantFields }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
  productVariantFields,
);

/** Levels of several inventory items across locations, with the named quantities asked for. */
export const inventoryItemsWithLevels = adminOperation(
  `#graphql
query InventoryItemsWithLevels($ids: [ID!]!, $quantityNames: [String!]!, $levelsFirst: Int!) {
  nodes(ids: $ids) {
    __typename
    ... on InventoryItem {
      id
      sku
      tracked
      variant { ...ProductVariantFields }
      inventoryLevels(first: $levelsFirst) {
        nodes {
          id
          location { id name }
          quantities(names: $quantityNames) { name quantity updatedAt }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`,
  productVariantFields,
);

/** One level by its GID, as named in the `inventory_levels/update` webhook. */
export const inventoryLevelById = adminOperation(`#graphql
query InventoryLevelById($id: ID!, $quantityNames: [String!]!) {
  inventoryLevel(id: $id) {
    id
    item { id sku variant { id } }
    location { id }
    quantities(names: $quantityNames) { name quantity updatedAt }
  }
}`);

/** `createdAt` is Shopify's clock at the change: the mirror orders its level writes by it. */
const inventoryAdjustmentGroupFields = adminFragment(`#graphql
fragment InventoryAdjustmentGroupFields on InventoryAdjustmentGroup {
  id
  createdAt
  reason
  referenceDocumentUri
  changes { name delta quantityAfterChange item { id } location { id } }
}`);

export type InventoryAdjustmentGroupResult = InventoryAdjustmentGroupFieldsFragment;

/**
 * Compare-and-set write of absolute quantities. `changeFromQuantity` makes Shopify refuse the write when the
 * quantity moved since we read it; the idempotency key makes a retried request a no-op (required since 2026-04).
 */
export const inventorySetQuantities = adminOperation(
  `#graphql
mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { ...InventoryAdjustmentGroupFields }
    userErrors { field message code }
  }
}`,
  inventoryAdjustmentGroupFields,
);

export const inventoryAdjustQuantities = adminOperation(
  `#graphql
mutation InventoryAdjustQuantities($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { ...InventoryAdjustmentGroupFields }
    userErrors { field message code }
  }
}`,
  inventoryAdjustmentGroupFields,
);

/** The states inventoryMoveQuantities moves between (committed and incoming belong to orders and transfers). */
export type MovableQuantityName = Extract<
  InventoryQuantityName,
  "available" | "reserved" | "damaged" | "safety_stock" | "quality_control"
>;

/** The schema's terminal input, narrowed to the names a move accepts. */
export interface InventoryMoveTerminal extends InventoryMoveQuantityTerminalInput {
  name: MovableQuantityName;
  /** Mandatory at Shopify even when null (null skips the compare-and-swap check), so not optional here. */
  changeFromQuantity: number | null;
  /** Required for every name but `available`, refused for `available`; never gid://shopify/…. */
  ledgerDocumentUri?: string | null;
}

/**
 * Moves units between states at one location (or one state between locations), e.g. available → reserved to
 * hold them. The idempotency key (required since 2026-04) makes a retried move a replay instead of a second move.
 */
export const inventoryMoveQuantities = adminOperation(
  `#graphql
mutation InventoryMoveQuantities($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { ...InventoryAdjustmentGroupFields }
    userErrors { field message code }
  }
}`,
  inventoryAdjustmentGroupFields,
);
