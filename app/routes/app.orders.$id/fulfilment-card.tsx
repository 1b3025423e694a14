import { Form } from "@remix-run/react";
import { Badge, BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { FulfilmentBadge } from "~/components/order-status";
import type { OrderPage } from "./order-page.server";

export const RETRY_SHIPMENT_INTENT = "retry-shipment";

const SHIPMENT_STATUS: Record<
  string,
  { label: string; tone?: "success" | "info" | "attention" | "critical" | "warning" }
> = {
  PENDING: { label: "To send", tone: "info" },
  SENDING: { label: "Sending", tone: "info" },
  TRACKED: { label: "Tracking on Mirakl", tone: "attention" },
  SHIPPED: { label: "Shipped on Mirakl", tone: "success" },
  BLOCKED: { label: "Blocked", tone: "critical" },
  FAILED: { label: "Refused by Mirakl", tone: "critical" },
  IGNORED: { label: "Not sent", tone: "warning" },
};

/** The order's Shopify fulfilments, each with what Mirakl was told and why; Retry for a blocked or refused one. */
export function FulfilmentCard({
  fulfilment,
  submitting,
}: {
  fulfilment: OrderPage["fulfilment"];
  submitting: boolean;
}) {
  return (
    <SectionCard title="Fulfilments" size="sm" gap="200">
      <FulfilmentBadge status={fulfilment.status} note={fulfilment.note} />
      {fulfilment.shipments.length === 0 && (
        <Text as="p" tone="subdued">
          Fulfil the Shopify order as usual: the carrier and tracking number go to the marketplace by themselves,
          through the carrier map.
        </Text>
      )}
      {fulfilment.shipments.map((s) => {
        const status = SHIPMENT_STATUS[s.status] ?? { label: s.status };
        return (
          <BlockStack gap="100" key={s.id}>
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {s.name ?? "Fulfilment"}
              </Text>
              <Badge tone={status.tone}>{status.label}</Badge>
              {s.cancelledInShopify && <Badge>Cancelled in Shopify</Badge>}
            </InlineStack>
            <Text as="p" variant="bodySm">
              {[s.company ?? "No carrier", s.trackingNumber ?? "no tracking number"].join(" · ")}
              {s.miraklShipmentId ? ` · Mirakl shipment ${s.miraklShipmentId}` : ""}
            </Text>
            {s.units.length > 0 && (
              <Text as="p" variant="bodySm" tone="subdued">
                {s.units.join(", ")}
              </Text>
            )}
            {s.reason && (
              <Text as="p" variant="bodySm" tone={s.retryable ? "critical" : "subdued"}>
                {s.reason}
              </Text>
            )}
            {s.retryable && (
              <Form method="post">
                <input type="hidden" name="intent" value={RETRY_SHIPMENT_INTENT} />
                <input type="hidden" name="shipmentId" value={s.id} />
                <Button submit size="slim" loading={submitting}>
                  Retry
                </Button>
              </Form>
            )}
          </BlockStack>
        );
      })}
    </SectionCard>
  );
}
