import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Box, InlineStack, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { requireShop } from "~/auth.server";
import { appEnv } from "~/config.server";
import { demoShopifyAvailable } from "~/demo/demo-shopify.server";
import { demoMarketplaceAvailable } from "~/demo/demo-marketplace.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShop(request);
  return json({
    apiKey: appEnv().SHOPIFY_API_KEY,
    shop,
    demo,
    demoShopify: demo && demoShopifyAvailable(request),
    demoMarketplace: demo && demoMarketplaceAvailable(request),
  });
};

const navigation = [
  { to: "/app", label: "Overview", rel: "home" },
  { to: "/app/orders", label: "Orders" },
  { to: "/app/stock", label: "Stock" },
  { to: "/app/exceptions", label: "Exceptions" },
  { to: "/app/carriers", label: "Carriers" },
  { to: "/app/connections", label: "Marketplace connections" },
];

export default function App() {
  const { apiKey, demo, demoShopify, demoMarketplace, shop } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? (
        // Outside Shopify admin there is no App Bridge navigation: the demo shows its own.
        <Box padding="300" background="bg-surface-secondary" borderBlockEndWidth="025" borderColor="border">
          <InlineStack gap="400" blockAlign="center">
            <Text as="span" variant="headingSm">
              Mirakl Bridge demo · {shop}
            </Text>
            {navigation.map((item) => (
              <Link key={item.to} to={item.to}>
                {item.label}
              </Link>
            ))}
            {demoShopify && <Link to="/app/demo/shopify">Demo Shopify store</Link>}
            {demoMarketplace && <Link to="/app/demo/marketplace">Demo marketplace</Link>}
          </InlineStack>
        </Box>
      ) : (
        <NavMenu>
          {navigation.map((item) => (
            <Link key={item.to} to={item.to} rel={item.rel}>
              {item.label}
            </Link>
          ))}
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

// Shopify's auth throws Responses whose headers must reach the browser; anything else shows a
// plain message, never a stack trace.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status < 500) return boundary.error(error);
  // Rendered outside Polaris' AppProvider (the layout failed), so plain markup.
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: 32 }} role="alert">
      <h1 style={{ fontSize: 20 }}>Something went wrong</h1>
      <p>The page could not be loaded. The error has been logged; reload the page or try again in a moment.</p>
    </main>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
