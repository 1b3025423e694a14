import type { LocationsQuery } from "~/types/admin.generated";
import { adminOperation } from "../operation";

export type ShopLocation = LocationsQuery["locations"]["nodes"][number];

export const locations = adminOperation(`#graphql
query Locations($first: Int!, $after: String, $includeInactive: Boolean!) {
  locations(first: $first, after: $after, includeInactive: $includeInactive) {
    nodes { id name isActive isPrimary fulfillsOnlineOrders shipsInventory }
    pageInfo { hasNextPage endCursor }
  }
}`);
