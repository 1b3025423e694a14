import { Badge, BlockStack, Box, Button, Card, IndexTable, InlineStack, Text, type BadgeProps } from "@shopify/polaris";
import type { DemoShopifyOrder } from "~/demo/demo-shopify.server";
import { TableEmptyMessage } from "./table-empty-message";

/** "PARTIALLY_FULFILLED" → "Partially fulfilled", as the Shopify admin writes its statuses. */
const statusLabel = (status: string) => {
  const words = status.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};
const financialTone: Record<string, BadgeProps["tone"]> = {
  PAID: "success",
  PENDING: "warning",
  AUTHORIZED: "attention",
  PARTIALLY_PAID: "warning",
};
const fulfillmentTone: Record<string, BadgeProps["tone"]> = { UNFULFILLED: "attention", FULFILLED: undefined };
/** The same text on the server and in the browser, whatever their time zones: no hydration mismatch. */
const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * The demo Shopify store's Orders list: what the merchant would see in the Shopify admin, including the orders
 * the app creates for paid marketplace orders (source identifier = the Mirakl order id).
 */
export function DemoShopifyOrders({
  orders,
  onRefresh,
  refreshing = false,
}: {
  orders: DemoShopifyOrder[];
  onRefresh?: () => void;
  refreshing?: boolean;
}) {
  return (
    <Card padding="0">
      <Box padding="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Orders
          </Text>
          {onRefresh && (
            <Button onClick={onRefresh} loading={refreshing} accessibilityLabel="Refresh the orders">
              Refresh
            </Button>
          )}
        </InlineStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "order", plural: "orders" }}
        itemCount={orders.length}
        selectable={false}
        emptyState={
          <TableEmptyMessage>
            No orders yet. The orders the app creates from Mirakl appear here about a minute after the marketplace
            debits the customer.
          </TableEmptyMessage>
        }
        headings={[
          { title: "Order" },
          { title: "Source" },
          { title: "Items" },
          { title: "Total", alignment: "end" },
          { title: "Payment" },
          { title: "Fulfilment" },
          { title: "Tags" },
          { title: "Receipt" },
        ]}
      >
        {orders.map((order, index) => (
          <IndexTable.Row id={order.id} key={order.id} position={index}>
            <IndexTable.Cell>
              <BlockStack gap="100">
                <Text as="span" fontWeight="semibold">
                  {order.name}
                </Text>
                <Text as="span" tone="subdued">
                  {utcMinute(order.createdAt)}
                </Text>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="100">
                <Text as="span">{order.sourceName ?? "—"}</Text>
                {order.sourceIdentifier && (
                  <Text as="span" tone="subdued">
                    {order.sourceIdentifier}
                  </Text>
                )}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="100">
                {order.lines.map((line, lineIndex) => (
                  <Text as="span" key={lineIndex}>
                    {line.quantity} × {line.sku ?? line.title} at {line.unitPrice}
                    {line.sku && (
                      <Text as="span" tone="subdued">
                        {" "}
                        {line.title}
                      </Text>
                    )}
                  </Text>
                ))}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {order.total.amount} {order.total.currencyCode}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={financialTone[order.financialStatus]}>{statusLabel(order.financialStatus)}</Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={fulfillmentTone[order.fulfillmentStatus]}>{statusLabel(order.fulfillmentStatus)}</Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>
              {order.tags.length > 0 ? (
                <InlineStack gap="100">
                  {order.tags.map((tag) => (
                    <Badge key={tag}>{tag}</Badge>
                  ))}
                </InlineStack>
              ) : (
                "—"
              )}
            </IndexTable.Cell>
            <IndexTable.Cell>{order.receiptSent ? "Sent to the buyer" : "Not sent"}</IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}
