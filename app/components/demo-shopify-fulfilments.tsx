import { useState } from "react";
import { DemoOrderHeading } from "~/components/demo-order-heading";
import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, Divider, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { LINE_FIELD_PREFIX, OTHER_CARRIER } from "~/demo/demo-fulfil-form";
import type { DemoFulfillment, DemoShopifyOrder } from "~/demo/demo-shopify.server";

type FulfillableOrder = DemoShopifyOrder & {
  /** A plausible tracking number per carrier for the order's next fulfilment. */
  suggestedTracking: Record<string, string>;
};

/**
 * The demo Shopify store's fulfilment screen: per order, its fulfilments (tracking editable, cancellable) and a
 * form to fulfil what is left. Each change makes the fake Shopify send the app fulfillments/create or /update.
 */
export function DemoShopifyFulfilments({ orders, carriers }: { orders: FulfillableOrder[]; carriers: string[] }) {
  const shown = orders.filter((o) => o.fulfillments.length > 0 || o.lines.some((l) => l.toFulfil > 0));
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Fulfil orders
        </Text>
        <Text as="p" tone="subdued">
          Ship an order as the merchant would in Shopify: Shopify then sends the app fulfillments/create (or
          fulfillments/update for a new tracking number or a cancel). The demo connection maps UPS, DHL Express,
          Colissimo and Chronopost to the marketplace&apos;s carriers; Mondial Relay is not mapped, and this marketplace
          refuses carriers it does not know.
        </Text>
        {shown.length === 0 && <Text as="p">No order to fulfil yet.</Text>}
        {shown.map((order) => (
          <BlockStack gap="300" key={order.id}>
            <Divider />
            <DemoOrderHeading name={order.name} sourceIdentifier={order.sourceIdentifier} />
            {order.fulfillments.map((fulfillment) => (
              <FulfillmentRow key={`${fulfillment.id}-${fulfillment.trackingNumber}`} fulfillment={fulfillment} />
            ))}
            {order.lines.some((l) => l.toFulfil > 0) && (
              // Keyed on what is left, so the quantities show the remaining units again after each change.
              <FulfilForm
                key={order.lines.map((l) => l.toFulfil).join("-") + `-${order.fulfillments.length}`}
                order={order}
                carriers={carriers}
              />
            )}
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function FulfillmentRow({ fulfillment }: { fulfillment: DemoFulfillment }) {
  const [tracking, setTracking] = useState(fulfillment.trackingNumber ?? "");
  const busy = useNavigation().state !== "idle";
  const cancelled = fulfillment.status === "CANCELLED";
  return (
    <Box paddingInlineStart="400">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="span" fontWeight="semibold">
            {fulfillment.name}
          </Text>
          <Badge tone={cancelled ? undefined : "success"}>{cancelled ? "Cancelled" : "Fulfilled"}</Badge>
          <Text as="span">
            {fulfillment.company ?? "No carrier"} · {fulfillment.trackingNumber ?? "no tracking number"}
          </Text>
          <Text as="span" tone="subdued">
            {fulfillment.lines.map((l) => `${l.quantity} × ${l.sku ?? l.title}`).join(", ")}
          </Text>
        </InlineStack>
        {!cancelled && (
          <InlineStack gap="200" blockAlign="end">
            <Form method="post">
              <input type="hidden" name="intent" value="tracking" />
              <input type="hidden" name="fulfillmentId" value={fulfillment.id} />
              <InlineStack gap="100" blockAlign="end" wrap={false}>
                <TextField
                  label={`Tracking number of ${fulfillment.name}`}
                  labelHidden
                  name="trackingNumber"
                  autoComplete="off"
                  value={tracking}
                  onChange={setTracking}
                />
                <Button submit disabled={busy}>
                  Update tracking
                </Button>
              </InlineStack>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="cancelFulfillment" />
              <input type="hidden" name="fulfillmentId" value={fulfillment.id} />
              <Button submit tone="critical" variant="secondary" disabled={busy}>
                {`Cancel ${fulfillment.name}`}
              </Button>
            </Form>
          </InlineStack>
        )}
      </BlockStack>
    </Box>
  );
}

function FulfilForm({ order, carriers }: { order: FulfillableOrder; carriers: string[] }) {
  const [carrier, setCarrier] = useState(carriers[0] ?? OTHER_CARRIER);
  const [otherCarrier, setOtherCarrier] = useState("");
  // Follows the carrier until someone types their own number.
  const [typedTracking, setTypedTracking] = useState<string | null>(null);
  const tracking = typedTracking ?? order.suggestedTracking[carrier] ?? "";
  const [units, setUnits] = useState(() => Object.fromEntries(order.lines.map((l) => [l.id, String(l.toFulfil)])));
  const busy = useNavigation().state !== "idle";
  return (
    <Box paddingInlineStart="400">
      <Form method="post">
        <input type="hidden" name="intent" value="fulfil" />
        <input type="hidden" name="orderId" value={order.id} />
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="end">
            <Select
              label="Carrier"
              name="carrier"
              options={[...carriers.map((c) => ({ label: c, value: c })), { label: "Other…", value: OTHER_CARRIER }]}
              value={carrier}
              onChange={setCarrier}
            />
            {carrier === OTHER_CARRIER && (
              <TextField
                label="Carrier name"
                name="otherCarrier"
                autoComplete="off"
                value={otherCarrier}
                onChange={setOtherCarrier}
              />
            )}
            <TextField
              label="Tracking number"
              name="trackingNumber"
              autoComplete="off"
              value={tracking}
              onChange={setTypedTracking}
            />
          </InlineStack>
          <InlineStack gap="200" blockAlign="end">
            {order.lines
              .filter((l) => l.toFulfil > 0)
              .map((line) => (
                <TextField
                  key={line.id}
                  label={`${line.sku ?? line.title} (${line.toFulfil} to fulfil)`}
                  name={`${LINE_FIELD_PREFIX}${line.id}`}
                  type="number"
                  min={0}
                  max={line.toFulfil}
                  autoComplete="off"
                  value={units[line.id] ?? "0"}
                  onChange={(value) => setUnits((current) => ({ ...current, [line.id]: value }))}
                />
              ))}
            <Button submit variant="primary" disabled={busy} accessibilityLabel={`Fulfil ${order.name}`}>
              Fulfil
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Box>
  );
}
