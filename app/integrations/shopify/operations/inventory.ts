import { adminOperation, type Gid, type PageInfo, type UserError } from "../operation";
import type { InventoryQuantityName } from "../quantity-names";

export interface InventoryQuantity {
  name: InventoryQuantityName;
  quantity: number;
  updatedAt: string | null;
}

export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";

/** A variant with the catalogue facts the stock and price decisions read (status, tracking, prices, barcode). */
export interface VariantWithItem {
  id: Gid;
  sku: string | null;
  title: string;
  displayName: string;
  barcode: string | null;
  /** Money scalars are decimal strings ("19.90"). */
  price: string;
  compareAtPrice: string | null;
  product: { id: Gid; title: string; status: ProductStatus };
  inventoryItem: { id: Gid; sku: string | null; tracked: boolean };
}

const variantFields = `#graphql
  id
  sku
  title
  displayName
  barcode
  price
  compareAtPrice
  product { id title status }
  inventoryItem { id sku tracked }
`;

/** SKUs are not unique in Shopify: callers must handle several variants for one SKU (the query matches exactly). */
export const variantsBySku = adminOperation<
  { productVariants: { nodes: VariantWithItem[]; pageInfo: PageInfo } },
  { query: string; first: number; after?: string | null }
>(`#graphql
query VariantsBySku($query: String!, $first: Int!, $after: String) {
  productVariants(query: $query, first: $first, after: $after) {
    nodes { ${variantFields} }
    pageInfo { hasNextPage endCursor }
  }
}`);

/** `query` syntax for an exact SKU match; quotes keep SKUs with spaces or colons intact. */
export function skuSearchQuery(skus: readonly string[]): string {
  return skus.map((sku) => `sku:"${sku.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" OR ");
}

export const variantsByIds = adminOperation<
  { nodes: Array<(VariantWithItem & { __typename: "ProductVariant" }) | null> },
  { ids: Gid[] }
>(`#graphql
query VariantsByIds($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ProductVariant { ${variantFields} }
  }
}`);

/**
 * One product's status and variants, read when `products/update` says something changed: the payload has no
 * tracking flag and may list only some variants, and a read is current whatever order deliveries arrive in.
 */
export const productVariantsForSync = adminOperation<
  {
    product: {
      id: Gid;
      status: ProductStatus;
      variants: { nodes: VariantWithItem[]; pageInfo: PageInfo };
    } | null;
  },
  { id: Gid; first: number; after?: string | null }
>(`#graphql
query ProductVariantsForSync($id: ID!, $first: Int!, $after: String) {
  product(id: $id) {
    id
    status
    variants(first: $first, after: $after) {
      nodes { ${variantFields} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`);

export interface InventoryLevelNode {
  id: Gid;
  location: { id: Gid; name: string };
  quantities: InventoryQuantity[];
}

export interface InventoryItemWithLevels {
  __typename: "InventoryItem";
  id: Gid;
  sku: string | null;
  tracked: boolean;
  variant: VariantWithItem | null;
  inventoryLevels: { nodes: InventoryLevelNode[]; pageInfo: PageInfo };
}

/** Levels of several inventory items across locations, with the named quantities asked for. */
export const inventoryItemsWithLevels = adminOperation<
  { nodes: Array<InventoryItemWithLevels | null> },
  { ids: Gid[]; quantityNames: InventoryQuantityName[]; levelsFirst: number }
>(`#graphql
query InventoryItemsWithLevels($ids: [ID!]!, $quantityNames: [String!]!, $levelsFirst: Int!) {
  nodes(ids: $ids) {
    __typename
    ... on InventoryItem {
      id
      sku
      tracked
      variant { ${variantFields} }
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
}`);

/** One level by its GID, as named in the `inventory_levels/update` webhook. */
export const inventoryLevelById = adminOperation<
  {
    inventoryLevel: {
      id: Gid;
      item: { id: Gid; sku: string | null; variant: { id: Gid } | null };
      location: { id: Gid };
      quantities: InventoryQuantity[];
    } | null;
  },
  { id: Gid; quantityNames: InventoryQuantityName[] }
>(`#graphql
query InventoryLevelById($id: ID!, $quantityNames: [String!]!) {
  inventoryLevel(id: $id) {
    id
    item { id sku variant { id } }
    location { id }
    quantities(names: $quantityNames) { name quantity updatedAt }
  }
}`);

export interface InventoryAdjustmentGroupResult {
  id: Gid;
  /** Shopify's clock at the change: the mirror orders its level writes by it. */
  createdAt: string;
  reason: string;
  referenceDocumentUri: string | null;
  changes: Array<{
    name: string;
    delta: number;
    quantityAfterChange: number | null;
    item: { id: Gid } | null;
    location: { id: Gid } | null;
  }>;
}

const adjustmentGroupFields = `#graphql
  id
  createdAt
  reason
  referenceDocumentUri
  changes { name delta quantityAfterChange item { id } location { id } }
`;

/**
 * Compare-and-set write of absolute quantities. `changeFromQuantity` makes Shopify refuse the write when the
 * quantity moved since we read it; the idempotency key makes a retried request a no-op (required since 2026-04).
 */
export const inventorySetQuantities = adminOperation<
  {
    inventorySetQuantities: {
      inventoryAdjustmentGroup: InventoryAdjustmentGroupResult | null;
      userErrors: UserError[];
    };
  },
  {
    idempotencyKey: string;
    input: {
      name: Extract<InventoryQuantityName, "available" | "on_hand">;
      reason: string;
      referenceDocumentUri?: string | null;
      quantities: Array<{ inventoryItemId: Gid; locationId: Gid; quantity: number; changeFromQuantity: number | null }>;
    };
  }
>(`#graphql
mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { ${adjustmentGroupFields} }
    userErrors { field message code }
  }
}`);

export const inventoryAdjustQuantities = adminOperation<
  {
    inventoryAdjustQuantities: {
      inventoryAdjustmentGroup: InventoryAdjustmentGroupResult | null;
      userErrors: UserError[];
    };
  },
  {
    idempotencyKey: string;
    input: {
      name: InventoryQuantityName;
      reason: string;
      referenceDocumentUri?: string | null;
      changes: Array<{
        inventoryItemId: Gid;
        locationId: Gid;
        delta: number;
        changeFromQuantity?: number | null;
        ledgerDocumentUri?: string | null;
      }>;
    };
  }
>(`#graphql
mutation InventoryAdjustQuantities($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { ${adjustmentGroupFields} }
    userErrors { field message code }
  }
}`);

/** The states inventoryMoveQuantities moves between (committed and incoming belong to orders and transfers). */
export type MovableQuantityName = Extract<
  InventoryQuantityName,
  "available" | "reserved" | "damaged" | "safety_stock" | "quality_control"
>;

export interface InventoryMoveTerminal {
  name: MovableQuantityName;
  locationId: Gid;
  /** Mandatory at Shopify even when null (null skips the compare-and-swap check), so not optional here. */
  changeFromQuantity: number | null;
  /** Required for every name but `available`, refused for `available`; never gid://shopify/…. */
  ledgerDocumentUri?: string | null;
}

/**
 * Moves units between states at one location (or one state between locations), e.g. available → reserved to
 * hold them. The idempotency key (required since 2026-04) makes a retried move a replay instead of a second move.
 */
export const inventoryMoveQuantities = adminOperation<
  {
    inventoryMoveQuantities: {
      inventoryAdjustmentGroup: InventoryAdjustmentGroupResult | null;
      userErrors: UserError[];
    };
  },
  {
    idempotencyKey: string;
    input: {
      reason: string;
      referenceDocumentUri: string;
      changes: Array<{
        inventoryItemId: Gid;
        quantity: number;
        from: InventoryMoveTerminal;
        to: InventoryMoveTerminal;
      }>;
    };
  }
>(`#graphql
mutation InventoryMoveQuantities($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { ${adjustmentGroupFields} }
    userErrors { field message code }
  }
}`);
