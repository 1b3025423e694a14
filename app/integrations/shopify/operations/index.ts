import { variantInventoryExportQuery } from "../bulk-queries";
import type { AdminOperation } from "../operation";
import * as bulk from "./bulk";
import * as fulfillment from "./fulfillment";
import * as inventory from "./inventory";
import * as locations from "./locations";
import * as orders from "./orders";
import * as refunds from "./refunds";

export * from "./bulk";
export * from "./fulfillment";
export * from "./inventory";
export * from "./locations";
export * from "./orders";
export * from "./refunds";

function operationsIn(module: Record<string, unknown>): AdminOperation<unknown, unknown>[] {
  return Object.values(module).filter(
    (value): value is AdminOperation<unknown, unknown> =>
      typeof value === "object" && value !== null && "document" in value && "kind" in value && "name" in value,
  );
}

/** Every Admin operation the product sends; the schema test walks this list, so nothing escapes validation. */
export const allAdminOperations: readonly AdminOperation<unknown, unknown>[] = [
  ...operationsIn(bulk),
  ...operationsIn(fulfillment),
  ...operationsIn(inventory),
  ...operationsIn(locations),
  ...operationsIn(orders),
  ...operationsIn(refunds),
];

/** Documents sent as data rather than as operations (the bulk query string), validated the same way. */
export const embeddedAdminDocuments: Readonly<Record<string, string>> = {
  variantInventoryExportQuery,
};
