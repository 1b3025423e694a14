import { useState } from "react";
import { DemoOrderHeading } from "~/components/demo-order-heading";
import { Form, useNavigation } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Divider,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { ORDER_CANCEL_REASONS, REFUND_LINE_FIELD_PREFIX } from "~/demo/demo-refund-form";
import type { DemoRefund, DemoShopifyOrder } from "~/demo/demo-shopify.server";

/**
 * The demo Shopify store's refund and cancel screen: per order, its refunds, a Refund form (units per line, the
 * shipping, restock, a note) and a Cancel order form (Shopify's reasons, restock, refund). Each change makes the
 * fake Shopify send the app refunds/create and/or orders/cancelled.
 */
export function DemoShopifyRefunds({ orders }: { orders: DemoShopifyOrder[] }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Refund or cancel orders
        </Text>
        <Text as="p" tone="subdued">
          Refund units or shipping, or cancel a whole order, as the merchant would in Shopify: Shopify then sends the
          app refunds/create (for every refund, a cancel&apos;s included) and orders/cancelled.
        </Text>
        {orders.length === 0 && <Text as="p">No order yet.</Text>}
        {orders.map((order) => (
          <BlockStack gap="300" key={order.id}>
            <Divider />
            <DemoOrderHeading name={order.name} sourceIdentifier={order.sourceIdentifier}>
              <Badge>{order.financialStatus.toLowerCase().replace(/_/g, " ")}</Badge>
              {order.cancelledAt && (
                <Badge tone="critical">{`Cancelled (${(order.cancelReason ?? "other").toLowerCase()})`}</Badge>
              )}
            </DemoOrderHeading>
            {order.refunds.map((refund) => (
              <RefundRow key={refund.id} refund={refund} currency={order.total.currencyCode} />
            ))}
            {(order.lines.some((l) => l.refundable > 0) || Number(order.shippingRefundable) > 0) && (
              // Keyed on what is left, so the quantities start from 0 again after each refund.
              <RefundForm key={`${order.refunds.length}`} order={order} />
            )}
            {!order.cancelledAt && <CancelForm order={order} />}
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function RefundRow({ refund, currency }: { refund: DemoRefund; currency: string }) {
  const lines = refund.lines.map((l) => `${l.quantity} × ${l.sku ?? l.title} (${l.restockType.toLowerCase()})`);
  if (Number(refund.shipping) > 0) lines.push(`shipping ${refund.shipping}`);
  return (
    <Box paddingInlineStart="400">
      <InlineStack gap="200" blockAlign="center">
        <Badge tone="info">Refund</Badge>
        <Text as="span" fontWeight="semibold">{`${refund.amount} ${currency}`}</Text>
        <Text as="span" tone="subdued">
          {lines.join(", ") || "no line"}
          {refund.note ? ` · ${refund.note}` : ""}
        </Text>
      </InlineStack>
    </Box>
  );
}

function RefundForm({ order }: { order: DemoShopifyOrder }) {
  const [units, setUnits] = useState<Record<string, string>>({});
  const [refundShipping, setRefundShipping] = useState(false);
  const [restock, setRestock] = useState(true);
  const [note, setNote] = useState("");
  const busy = useNavigation().state !== "idle";
  return (
    <Box paddingInlineStart="400">
      <Form method="post">
        <input type="hidden" name="intent" value="refund" />
        <input type="hidden" name="orderId" value={order.id} />
        <input type="hidden" name="refundShipping" value={refundShipping ? "yes" : "no"} />
        <input type="hidden" name="restock" value={restock ? "yes" : "no"} />
        <InlineStack gap="200" blockAlign="end">
          {order.lines
            .filter((l) => l.refundable > 0)
            .map((line) => (
              <TextField
                key={line.id}
                label={`${line.sku ?? line.title} to refund (${line.refundable} left)`}
                name={`${REFUND_LINE_FIELD_PREFIX}${line.id}`}
                type="number"
                min={0}
                max={line.refundable}
                autoComplete="off"
                value={units[line.id] ?? "0"}
                onChange={(value) => setUnits((current) => ({ ...current, [line.id]: value }))}
              />
            ))}
          {Number(order.shippingRefundable) > 0 && (
            <Checkbox
              label={`Refund shipping (${order.shippingRefundable} ${order.total.currencyCode})`}
              checked={refundShipping}
              onChange={setRefundShipping}
            />
          )}
          <Checkbox label="Restock the units" checked={restock} onChange={setRestock} />
          <TextField
            label="Refund note"
            name="note"
            autoComplete="off"
            maxLength={255}
            value={note}
            onChange={setNote}
          />
          <Button submit disabled={busy} accessibilityLabel={`Refund ${order.name}`}>
            Refund
          </Button>
        </InlineStack>
      </Form>
    </Box>
  );
}

function CancelForm({ order }: { order: DemoShopifyOrder }) {
  const [reason, setReason] = useState<string>(ORDER_CANCEL_REASONS[0].value);
  const [restock, setRestock] = useState(true);
  const [refund, setRefund] = useState(true);
  const busy = useNavigation().state !== "idle";
  return (
    <Box paddingInlineStart="400">
      <Form method="post">
        <input type="hidden" name="intent" value="cancelOrder" />
        <input type="hidden" name="orderId" value={order.id} />
        <input type="hidden" name="restock" value={restock ? "yes" : "no"} />
        <input type="hidden" name="refund" value={refund ? "yes" : "no"} />
        <InlineStack gap="200" blockAlign="end">
          <Select
            label="Reason for cancelling"
            name="reason"
            options={ORDER_CANCEL_REASONS.map((r) => ({ label: r.label, value: r.value }))}
            value={reason}
            onChange={setReason}
          />
          <Checkbox label="Restock the units" checked={restock} onChange={setRestock} />
          <Checkbox label="Refund the payment" checked={refund} onChange={setRefund} />
          <Button submit tone="critical" disabled={busy} accessibilityLabel={`Cancel order ${order.name}`}>
            Cancel order
          </Button>
        </InlineStack>
      </Form>
    </Box>
  );
}
