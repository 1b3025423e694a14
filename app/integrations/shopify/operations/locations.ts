import { adminOperation, type Gid, type PageInfo } from "../operation";

export interface ShopLocation {
  id: Gid;
  name: string;
  isActive: boolean;
  isPrimary: boolean;
  fulfillsOnlineOrders: boolean;
  shipsInventory: boolean;
}

export const locations = adminOperation<
  { locations: { nodes: ShopLocation[]; pageInfo: PageInfo } },
  { first: number; after?: string | null; includeInactive: boolean }
>(`#graphql
query Locations($first: Int!, $after: String, $includeInactive: Boolean!) {
  locations(first: $first, after: $after, includeInactive: $includeInactive) {
    nodes { id name isActive isPrimary fulfillsOnlineOrders shipsInventory }
    pageInfo { hasNextPage endCursor }
  }
}`);
