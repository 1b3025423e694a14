import { adminOperation, type Gid, type UserError } from "../operation";
import { syncedQuantityNames } from "../quantity-names";

export type BulkOperationStatus = "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";

export interface BulkOperationState {
  id: Gid;
  status: BulkOperationStatus;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

const bulkOperationFields = `#graphql
  id status errorCode objectCount rootObjectCount url partialDataUrl createdAt completedAt
`;

export const bulkOperationRunQuery = adminOperation<
  {
    bulkOperationRunQuery: { bulkOperation: Pick<BulkOperationState, "id" | "status"> | null; userErrors: UserError[] };
  },
  { query: string; groupObjects: boolean }
>(`#graphql
mutation BulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`);

export const bulkOperationById = adminOperation<{ bulkOperation: BulkOperationState | null }, { id: Gid }>(`#graphql
query BulkOperationById($id: ID!) {
  bulkOperation(id: $id) { ${bulkOperationFields} }
}`);

/**
 * The bulk query that exports every variant with its inventory levels. Bulk queries take connections without
 * `first`; with `groupObjects: false` (the 2026-07 default) each level is its own JSONL line whose `__parentId`
 * is the variant (inventoryItem is an object, not a connection, so it stays inline on the variant line).
 */
export const variantInventoryExportQuery = `#graphql
{
  productVariants {
    edges {
      node {
        id
        sku
        title
        barcode
        price
        compareAtPrice
        product { id title status }
        inventoryItem {
          id
          sku
          tracked
          inventoryLevels {
            edges {
              node {
                id
                location { id }
                quantities(names: [${syncedQuantityNames.map((n) => `"${n}"`).join(", ")}]) { name quantity updatedAt }
              }
            }
          }
        }
      }
    }
  }
}`;
