import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireShop } from "~/auth.server";
import prisma from "~/db.server";

/** The signed-in shop and the connection the URL names, or a 404 when the shop has no such connection. */
export async function requireShopConnection({ request, params }: Pick<LoaderFunctionArgs, "request" | "params">) {
  const { shop } = await requireShop(request);
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: params.connectionId ?? "", shop },
    select: { id: true, name: true },
  });
  if (!connection) throw json({ message: "No such connection" }, { status: 404 });
  return { shop, connection };
}
