import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportOverridesCsv } from "~/connections/sku-mapping.server";
import { requireShopConnection } from "./app.stock_.$connectionId.mapping/connection.server";

/** The connection's SKU overrides as CSV (shopify_sku,offer_sku): the file the import takes back. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, connection } = await requireShopConnection({ request, params });
  const csv = await exportOverridesCsv(shop, connection.id);
  const fileName = `sku-mapping-${
    connection.name
      .replace(/[^\w-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .toLowerCase() || "connection"
  }.csv`;
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
};
