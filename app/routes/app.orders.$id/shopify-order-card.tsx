import { Form } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Link, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { ShopifyOrderBadge, shopifyAdminOrderUrl } from "~/components/order-status";
import type { OrderPage } from "./order-page.server";

export const CREATE_SHOPIFY_ORDER_INTENT = "create-shopify-order";

function CreateButton({ label, submitting }: { label: string; submitting: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={CREATE_SHOPIFY_ORDER_INTENT} />
      <Button submit loading={submitting}>
        {label}
      </Button>
    </Form>
  );
}

/** The Shopify order made for this Mirakl order: a link once it exists, what it waits for, or why it failed. */
export function ShopifyOrderCard({
  shopifyOrder,
  submitting,
}: {
  shopifyOrder: OrderPage["shopifyOrder"];
  submitting: boolean;
}) {
  const { status } = shopifyOrder;
  return (
    <SectionCard title="Shopify order" size="sm" gap="200">
      <InlineStack gap="200" blockAlign="center">
        <ShopifyOrderBadge status={status} name={shopifyOrder.name} />
        {status === "CREATED" && shopifyOrder.id && (
          <Link url={shopifyAdminOrderUrl(shopifyOrder.id)} target="_top">
            Open {shopifyOrder.name ?? "the order"} in Shopify
          </Link>
        )}
      </InlineStack>
      {status === "NONE" && (
        <Text as="p" tone="subdued">
          Made by itself once the marketplace has the customer&apos;s payment (Mirakl state &ldquo;To ship&rdquo;).
        </Text>
      )}
      {(status === "DUE" || status === "SENDING") && (
        <Text as="p" tone="subdued">
          The customer paid: the app is creating it
          {shopifyOrder.attempts > 1 ? ` (attempt ${shopifyOrder.attempts})` : ""}. It is looked up in Shopify before
          any second attempt, so it is never made twice.
        </Text>
      )}
      {status === "CREATED" && (
        <Text as="p" tone="subdued">
          {shopifyOrder.committedByOrder
            ? "Its units are committed by the Shopify order; the hold the reservation had is given back."
            : "A line shipped before it was made: it leaves stock alone, the reservation took the units out."}{" "}
          No order or shipping receipt goes to the customer: the marketplace notifies them.
        </Text>
      )}
      {status === "FAILED" && (
        <BlockStack gap="200">
          <Banner tone="critical" title="Not created in Shopify">
            {shopifyOrder.error ?? "Shopify refused it."}
          </Banner>
          <CreateButton label="Retry" submitting={submitting} />
        </BlockStack>
      )}
      {status === "SKIPPED" && (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            Not made by itself: the order was placed before the connection existed (it may be in Shopify already), or
            the connection makes no Shopify orders. The app looks for it in Shopify before making one.
          </Text>
          <CreateButton label="Create in Shopify" submitting={submitting} />
        </BlockStack>
      )}
    </SectionCard>
  );
}
