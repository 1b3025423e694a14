import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireShop } from "~/auth.server";
import { customerDataExport } from "~/shops/compliance.server";

/** customers/data_request: the file of what the app holds about the customer, for the merchant to hand over. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const file = await customerDataExport(shop, params.requestId ?? "");
  if (!file) throw json({ message: "No such data request" }, { status: 404 });
  return new Response(JSON.stringify(file, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${customerDataFileName(file.customerId)}"`,
      "Cache-Control": "no-store",
    },
  });
};

function customerDataFileName(customerId: string | null) {
  return `customer-data-${(customerId ?? "unknown").replace(/[^\w-]+/g, "")}.json`;
}
