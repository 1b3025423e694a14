/**
 * The bulk query that exports every variant with its inventory levels. Bulk queries take connections without
 * `first`; with `groupObjects: false` (the 2026-07 default) each level is its own JSONL line whose `__parentId`
 * is the variant (inventoryItem is an object, not a connection, so it stays inline on the variant line).
 * It is a string argument, not an operation of its own: anonymous like Shopify's bulk examples, so .graphqlrc.ts
 * leaves this file out of codegen (which refuses an anonymous operation beside named ones). The quantity names are
 * `syncedQuantityNames`, written out because a static document cannot interpolate them; a test keeps them equal.
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
                quantities(names: ["available", "committed", "reserved", "damaged", "safety_stock", "on_hand"]) { name quantity updatedAt }
              }
            }
          }
        }
      }
    }
  }
}`;
