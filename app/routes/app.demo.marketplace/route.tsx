import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, InlineGrid, Page } from "@shopify/polaris";
import {
  applyDemoMarketplaceAction,
  demoMarketplaceFor,
  loadDemoMarketplacePage,
} from "~/demo/demo-marketplace.server";
import { OrderForm } from "./order-form";
import { RecentOrders } from "./recent-orders";
import { AcceptanceCard, AutoOrdersCard } from "./marketplace-settings";

// Demo only: the marketplace's storefront and back office in one page. 404 outside the loopback demo.
export const loader = async ({ request }: LoaderFunctionArgs) => json(loadDemoMarketplacePage(request));

export const action = async ({ request }: ActionFunctionArgs) => {
  demoMarketplaceFor(request); // 404 outside the demo before any body is read
  const result = await applyDemoMarketplaceAction(request, await request.formData());
  return json(result, { status: result.ok ? 200 : 400 });
};

const REFRESH_MS = 5_000;

export default function DemoMarketplacePage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const revalidator = useRevalidator();

  // Orders move on by themselves (the app accepts them, Mirakl debits, the demo orders): follow them.
  useEffect(() => {
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidator]);

  return (
    <Page
      title="Demo marketplace"
      subtitle={`${data.shopName}: the Mirakl simulator's shop ${data.shopId}, sold through the connection "${data.connectionName}"`}
    >
      <BlockStack gap="400">
        <Banner tone="info">
          Buy here as a marketplace customer would. The order is created on the marketplace (the Mirakl simulator); the
          app reads it within a minute, accepts or refuses each line, and holds the units in Shopify. Follow it on the{" "}
          <Link to="/app/orders">Orders page</Link> and the <Link to="/app/stock">Stock page</Link>.
        </Banner>
        {result &&
          (result.ok ? (
            <Banner
              tone="success"
              title={result.intent === "place-order" ? `Order ${result.orderId} placed` : undefined}
            >
              {result.message}
            </Banner>
          ) : (
            <Banner tone="critical">{result.error}</Banner>
          ))}
        <OrderForm
          offers={data.offers}
          currency={data.currency}
          placed={result?.ok && result.intent === "place-order" ? result.orderId : null}
        />
        <RecentOrders
          orders={data.orders}
          orderCount={data.orderCount}
          currency={data.currency}
          reasons={data.reasons}
        />
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <AcceptanceCard acceptance={data.acceptance} />
          <AutoOrdersCard autoOrders={data.autoOrders} />
        </InlineGrid>
      </BlockStack>
    </Page>
  );
}
