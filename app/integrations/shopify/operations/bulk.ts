import type { BulkOperationFieldsFragment } from "~/types/admin.generated";
import { adminFragment, adminOperation } from "../operation";

export type BulkOperationState = BulkOperationFieldsFragment;
export type BulkOperationStatus = BulkOperationState["status"];

const bulkOperationFields = adminFragment(`#graphql
fragment BulkOperationFields on BulkOperation {
  id status errorCode objectCount rootObjectCount url partialDataUrl createdAt completedAt
}`);

export const bulkOperationRunQuery = adminOperation(`#graphql
mutation BulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`);

export const bulkOperationById = adminOperation(
  `#graphql
query BulkOperationById($id: ID!) {
  bulkOperation(id: $id) { ...BulkOperationFields }
}`,
  bulkOperationFields,
);
