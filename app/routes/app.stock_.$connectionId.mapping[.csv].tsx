import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportOverridesCsv } from "~/connections/sku-mapping.server";
import { spreadsheetCsvDownload } from "~/lib/spreadsheet-csv";
import { requireShopConnection } from "./app.stock_.$connectionId.mapping/connection.server";

/** The connection's SKU overrides as CSV (shopify_sku,offer_sku): the file the import takes back. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, connection } = await requireShopConnection({ request, params });
  return spreadsheetCsvDownload(await exportOverridesCsv(shop, connection.id), "sku-mapping", connection.name);
};
