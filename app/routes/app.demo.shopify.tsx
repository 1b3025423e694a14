import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { DemoShopifyFulfilments } from "~/components/demo-shopify-fulfilments";
import { DemoShopifyOrders } from "~/components/demo-shopify-orders";
import { DemoShopifyRefunds } from "~/components/demo-shopify-refunds";
import {
  applyDemoShopifyAction,
  demoShopifyFor,
  loadDemoShopifyPage,
  type DemoLocation,
  type DemoVariant,
} from "~/demo/demo-shopify.server";

// Demo only: the stand-in for the Shopify admin's inventory, fulfilment, refund and cancel screens. 404 outside the loopback demo.
export const loader = async ({ request }: LoaderFunctionArgs) => json(loadDemoShopifyPage(request));

export const action = async ({ request }: ActionFunctionArgs) => {
  demoShopifyFor(request); // 404 outside the demo before any body is read
  return json(await applyDemoShopifyAction(request, await request.formData()));
};

export default function DemoShopifyPage() {
  const { shop, locations, variants, orders, carriers } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // No polling: a reload while someone types a quantity would reset the stock fields. Refresh on demand instead.
  const revalidator = useRevalidator();
  return (
    <Page title="Demo Shopify store" subtitle={`${shop}: the demo's stand-in for your Shopify admin`}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Banner tone="info">
              Changes here happen in the demo's Shopify, which then sends the app a signed inventory_levels/update
              webhook, as Shopify does. Follow the change on the <Link to="/app/stock">Stock page</Link>: sellable at
              once, pushed to the marketplace with the next stock import (at most one a minute). Fulfilling an order
              (below the orders) sends fulfillments/create, a new tracking number or a cancel fulfillments/update; a
              refund sends refunds/create and cancelling an order orders/cancelled.
            </Banner>
            {result &&
              (result.ok ? (
                <Banner tone="success">{result.message}</Banner>
              ) : (
                <Banner tone="critical">{result.error}</Banner>
              ))}
            <Card padding="0">
              <IndexTable
                resourceName={{ singular: "variant", plural: "variants" }}
                itemCount={variants.length}
                selectable={false}
                headings={[
                  { title: "Product" },
                  { title: "SKU" },
                  { title: "Price", alignment: "end" },
                  ...locations.map((l) => ({ title: `Available: ${l.name}`, alignment: "end" as const })),
                  { title: "Change stock" },
                ]}
              >
                {variants.map((variant, index) => (
                  <IndexTable.Row id={variant.variantId} key={variant.variantId} position={index}>
                    <IndexTable.Cell>
                      <BlockStack gap="100">
                        <Text as="span" fontWeight="semibold">
                          {variant.productTitle}
                        </Text>
                        <InlineStack gap="100">
                          <Text as="span" tone="subdued">
                            {variant.variantTitle}
                          </Text>
                          {variant.productStatus !== "ACTIVE" && <Badge>{variant.productStatus.toLowerCase()}</Badge>}
                          {!variant.tracked && <Badge tone="info">not tracked</Badge>}
                        </InlineStack>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{variant.sku ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {variant.price}
                      </Text>
                    </IndexTable.Cell>
                    {locations.map((location) => (
                      <IndexTable.Cell key={location.id}>
                        <Text as="span" alignment="end" numeric>
                          {variant.tracked ? (variant.available[location.id] ?? "—") : "—"}
                        </Text>
                      </IndexTable.Cell>
                    ))}
                    <IndexTable.Cell>
                      {/* Keyed on the quantities, so the fields show Shopify's values again after each change. */}
                      <StockControls key={JSON.stringify(variant.available)} variant={variant} locations={locations} />
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
            {/* After the variants: the stock e2e test reads the page's first table. */}
            <DemoShopifyOrders
              orders={orders}
              onRefresh={() => revalidator.revalidate()}
              refreshing={revalidator.state !== "idle"}
            />
            <DemoShopifyFulfilments orders={orders} carriers={carriers} />
            <DemoShopifyRefunds orders={orders} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function StockControls({ variant, locations }: { variant: DemoVariant; locations: DemoLocation[] }) {
  const primary = locations.find((l) => l.isPrimary) ?? locations[0];
  const [locationId, setLocationId] = useState(primary?.id ?? "");
  const [available, setAvailable] = useState(String(variant.available[locationId] ?? 0));
  const [sold, setSold] = useState("1");
  const busy = useNavigation().state !== "idle";
  const name = variant.sku ?? variant.variantTitle;
  return (
    <InlineStack gap="400" wrap={false} blockAlign="end">
      {variant.tracked && (
        <Form method="post">
          <input type="hidden" name="intent" value="set" />
          <input type="hidden" name="variantId" value={variant.variantId} />
          <InlineStack gap="100" wrap={false} blockAlign="end">
            <Select
              label={`Location for ${name}`}
              labelHidden
              name="locationId"
              options={locations.map((l) => ({ label: l.name, value: l.id }))}
              value={locationId}
              onChange={(value) => {
                setLocationId(value);
                setAvailable(String(variant.available[value] ?? 0));
              }}
            />
            <TextField
              label={`Available for ${name}`}
              labelHidden
              name="available"
              type="number"
              min={0}
              autoComplete="off"
              value={available}
              onChange={setAvailable}
            />
            <Button submit disabled={busy} accessibilityLabel={`Set available for ${name}`}>
              Set
            </Button>
          </InlineStack>
        </Form>
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="sell" />
        <input type="hidden" name="variantId" value={variant.variantId} />
        <InlineStack gap="100" wrap={false} blockAlign="end">
          <TextField
            label={`Units to sell of ${name}`}
            labelHidden
            name="quantity"
            type="number"
            min={1}
            autoComplete="off"
            value={sold}
            onChange={setSold}
          />
          <Button submit disabled={busy} accessibilityLabel={`Sell units of ${name} online`}>
            Sell
          </Button>
        </InlineStack>
      </Form>
    </InlineStack>
  );
}
