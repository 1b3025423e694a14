import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { loadOrderBlock } from "./order-block.server";

/**
 * The admin order block's data (extensions/mirakl-order-block). The block's `fetch` carries Shopify's session
 * token as `Authorization: Bearer …`; `authenticate.admin` verifies it (a forged or expired one is answered
 * 401 by Shopify's library) and names the shop, which scopes the lookup. The block runs on Shopify's extension
 * origin, so that GET is preceded by a CORS preflight (OPTIONS), which Remix hands to this loader too:
 * `authenticate.admin` answers it (204 with the CORS headers) before looking for a token.
 */

const querySchema = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/Order\/\d{1,20}$/),
});

// The answer names the shop's order: never kept by a shared cache.
const headers = { "Cache-Control": "private, no-store" };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const parsed = querySchema.safeParse({ id: new URL(request.url).searchParams.get("id") });
  if (!parsed.success) {
    return cors(json({ message: "The id parameter must be a Shopify order id." }, { status: 400, headers }));
  }
  return cors(json(await loadOrderBlock(session.shop, parsed.data.id, new Date()), { headers }));
};
