import { Badge, BlockStack, Box, Card, IndexTable, Text, type BadgeProps } from "@shopify/polaris";
import { TableEmptyMessage } from "~/components/table-empty-message";
import type { DemoMarketplaceOrder, DemoMarketplaceState } from "~/demo/demo-marketplace.server";
import { CustomerService } from "./customer-service";

/** Mirakl's order and line states, as the marketplace shows them to its operator. */
const STATE_TONES: Record<string, BadgeProps["tone"]> = {
  STAGING: "info",
  WAITING_ACCEPTANCE: "attention",
  WAITING_DEBIT: "success",
  WAITING_DEBIT_PAYMENT: "success",
  SHIPPING: "success",
  SHIPPED: "success",
  TO_COLLECT: "success",
  RECEIVED: "success",
  CLOSED: undefined,
  REFUSED: "critical",
  CANCELED: "critical",
};

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={STATE_TONES[state]}>{state.toLowerCase().replaceAll("_", " ")}</Badge>;
}

const time = (at: string) => new Date(at).toLocaleString();

/** Who decided on the order's acceptance and when, or until when the seller can. */
function acceptanceText(order: DemoMarketplaceOrder): [string, string?] {
  if (order.autoRefusalAt) return ["Waiting for the seller", `auto-refusal ${time(order.autoRefusalAt)}`];
  if (order.acceptanceDecidedAt) return ["Decided by the seller", time(order.acceptanceDecidedAt)];
  if (order.state === "STAGING") return ["Not yet validated by the marketplace"];
  return order.state === "REFUSED" ? ["Refused by the marketplace", "no decision in time"] : ["Accepted automatically"];
}

export function RecentOrders({
  orders,
  orderCount,
  currency,
  reasons,
}: {
  orders: DemoMarketplaceOrder[];
  orderCount: number;
  currency: string;
  reasons: DemoMarketplaceState["reasons"];
}) {
  return (
    <Card padding="0">
      <Box padding="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Orders on the marketplace
          </Text>
          <Text as="p" tone="subdued">
            {orderCount > orders.length ? `The ${orders.length} most recent of ${orderCount}` : `${orderCount} in all`},
            newest first, with each line's state. The page refreshes every few seconds.
          </Text>
        </BlockStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "order", plural: "orders" }}
        itemCount={orders.length}
        selectable={false}
        emptyState={<TableEmptyMessage>No orders yet: place one above.</TableEmptyMessage>}
        headings={[
          { title: "Mirakl order" },
          { title: "State" },
          { title: "Lines" },
          { title: "Total", alignment: "end" },
          { title: "Acceptance" },
          { title: "Operator and customer service" },
        ]}
      >
        {orders.map((order, index) => (
          <IndexTable.Row id={order.orderId} key={order.orderId} position={index}>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <Text as="span" fontWeight="semibold">
                  {order.orderId}
                </Text>
                <Text as="span" tone="subdued">
                  {time(order.createdAt)}, {order.placedBy === "demo" ? "by the demo" : "by a person"}
                </Text>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="050">
                <StateBadge state={order.state} />
                {order.stateReason && (
                  <Text as="span" tone="subdued">
                    {order.stateReason}
                  </Text>
                )}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="100">
                {order.lines.map((line) => (
                  <Text as="span" key={line.lineId}>
                    {line.quantity} × {line.offerSku} <StateBadge state={line.state} />
                    {line.canceledUnits > 0 && line.state !== "CANCELED" ? ` (${line.canceledUnits} canceled)` : ""}
                  </Text>
                ))}
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {order.total} {currency}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <AcceptanceCell order={order} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              <CustomerService order={order} reasons={reasons} currency={currency} />
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}

function AcceptanceCell({ order }: { order: DemoMarketplaceOrder }) {
  const [headline, detail] = acceptanceText(order);
  return (
    <BlockStack gap="050">
      <Text as="span">{headline}</Text>
      {detail && (
        <Text as="span" tone="subdued">
          {detail}
        </Text>
      )}
    </BlockStack>
  );
}
