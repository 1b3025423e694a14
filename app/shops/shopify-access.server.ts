import prisma from "~/db.server";
import { reportException, resolveExceptionsFor } from "~/exceptions/exceptions.server";
import type { ShopifyAccessWatch } from "~/integrations/shopify/client";
import type { ShopifyAccessLostError } from "~/integrations/shopify/errors";

/**
 * The shop's Shopify access as background work sees it: lost (no session, a refused or unrenewable token) is one
 * SHOPIFY_ACCESS_LOST exception per shop, whichever flow met it first; it closes when a request goes through again
 * or the merchant signs in anew (recordInstall).
 */

const ACCESS_ENTITY = "Shop";
const accessEntityId = (shop: string) => `${shop}:shopify-access`;

const lostBecause: Record<ShopifyAccessLostError["reason"], string> = {
  "no-session": "the app holds no access token for this shop (no offline session is stored)",
  "token-refused": "Shopify refused the app's access token (HTTP 401: revoked, or the app was uninstalled)",
  "renewal-refused": "Shopify refused to renew the app's access token",
};

/** For background Shopify clients: reports a lost access, and closes the exception once a request goes through. */
export function shopifyAccessWatch(shop: string): ShopifyAccessWatch {
  return {
    lost: (error, refusedToken) => reportShopifyAccessLost(shop, error, refusedToken),
    confirmed: () => resolveShopifyAccessLost(shop),
  };
}

export async function reportShopifyAccessLost(
  shop: string,
  error: ShopifyAccessLostError,
  refusedToken: string | null,
  now = new Date(),
) {
  const state = await prisma.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } });
  if (state?.uninstalledAt) return; // no access is expected after an uninstall: nothing for the merchant to fix
  // A refused token is cleared, as Shopify's library does for page requests: the merchant's next visit then signs
  // in anew instead of reusing it. Only that token: one stored by a sign-in meanwhile stays.
  if (refusedToken)
    await prisma.session.updateMany({
      where: { shop, isOnline: false, accessToken: refusedToken },
      data: { accessToken: "" },
    });
  await reportException(
    {
      shop,
      kind: "SHOPIFY_ACCESS_LOST",
      severity: "CRITICAL",
      entityType: ACCESS_ENTITY,
      entityId: accessEntityId(shop),
      message: `The app cannot reach your Shopify store: ${lostBecause[error.reason]}. Stock, holds and catalogue updates that read or write Shopify are stopped until it is fixed.`,
      fixHint:
        "Open the app from your Shopify admin (Apps → Mirakl Bridge): it signs in again and the stopped work resumes by itself within minutes. If the app was uninstalled, install it again.",
      detail: { reason: error.reason, operation: error.operationName, error: error.message },
    },
    now,
  );
}

export async function resolveShopifyAccessLost(shop: string, now = new Date()) {
  await resolveExceptionsFor(shop, ACCESS_ENTITY, accessEntityId(shop), now);
}
