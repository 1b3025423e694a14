import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "~/auth.server";
import prisma from "~/db.server";
import { spreadsheetCsvDownload } from "~/lib/spreadsheet-csv";
import { exportCarrierMapCsv } from "~/sync/fulfilments/carrier-map-csv.server";

/**
 * A connection's carrier map as CSV: the file the Carriers page's import takes back. `?connection=<id>`, else the
 * connection the page shows first.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const requested = new URL(request.url).searchParams.get("connection");
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { shop, ...(requested ? { id: requested } : {}) },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  if (!connection) throw json({ message: "No such connection" }, { status: 404 });
  return spreadsheetCsvDownload(await exportCarrierMapCsv(shop, connection.id), "carrier-map", connection.name);
};
