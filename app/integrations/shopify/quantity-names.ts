/**
 * Inventory quantity names. The schema types them as plain strings (`quantities(names: [String!]!)`), so a typo
 * would pass schema validation and silently return nothing: keep them in this union instead.
 * https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps
 */
export const inventoryQuantityNames = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "quality_control",
  "incoming",
  "on_hand",
] as const;

export type InventoryQuantityName = (typeof inventoryQuantityNames)[number];

/** The names the sync reads for every level. */
export const syncedQuantityNames = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "safety_stock",
  "on_hand",
] as const satisfies readonly InventoryQuantityName[];

/** Names that `inventorySetQuantities` / `inventoryAdjustQuantities` accept as the quantity being written. */
export type WritableQuantityName = Extract<
  InventoryQuantityName,
  "available" | "on_hand" | "damaged" | "safety_stock" | "quality_control" | "reserved" | "incoming"
>;

export function isInventoryQuantityName(name: string): name is InventoryQuantityName {
  return (inventoryQuantityNames as readonly string[]).includes(name);
}
