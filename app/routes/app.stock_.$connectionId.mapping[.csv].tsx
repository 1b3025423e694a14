import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireShop } from "~/auth.server";
import prisma from "~/db.server";
import { exportOverridesCsv } from "~/connections/sku-mapping.server";

/** The connection's SKU overrides as CSV (shopify_sku,offer_sku): the file the import takes back. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: params.connectionId ?? "", shop },
    select: { id: true, name: true },
  });
  if (!connection) throw json({ message: "No such connection" }, { status: 404 });
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
