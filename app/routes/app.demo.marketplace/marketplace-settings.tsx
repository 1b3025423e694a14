import { useState } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { DemoMarketplaceState } from "~/demo/demo-marketplace.server";

const ACCEPTANCE_MODES: Record<string, string> = {
  NOT_AUTOMATIC: "The seller accepts or refuses each order line (OR21).",
  AUTOMATIC: "The marketplace accepts every order itself: the seller has nothing to decide.",
  BOTH: "Depends on the shop; this one accepts or refuses each order line (OR21).",
};

/** "3 days", "90 minutes", "2 hours": the largest unit that divides the duration. */
export function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes > 0 && minutes % (24 * 60) === 0) return plural(minutes / (24 * 60), "day");
  if (minutes > 0 && minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

export function AcceptanceCard({ acceptance }: { acceptance: DemoMarketplaceState["acceptance"] }) {
  const [minutes, setMinutes] = useState(String(Math.round(acceptance.autoRefusalAfterMs / 60_000)));
  const busy = useNavigation().state === "submitting";
  return (
    <SectionCard title="How this marketplace accepts orders" size="sm">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="span">Acceptance:</Text>
          <Badge tone={acceptance.mode === "AUTOMATIC" ? "info" : undefined}>{acceptance.mode}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {ACCEPTANCE_MODES[acceptance.mode] ?? "The platform reports an acceptance mode this page does not know."}
        </Text>
        <Text as="p">
          Partial acceptance: {acceptance.partialAcceptance ? "allowed" : "forbidden"}{" "}
          <Text as="span" tone="subdued">
            {acceptance.partialAcceptance
              ? "(some lines of an order can be accepted and others refused)"
              : "(every line of an order must get the same decision)"}
          </Text>
        </Text>
        <Text as="p">
          Auto-refusal: an order the seller has not decided on is refused by the marketplace after{" "}
          <Text as="span" fontWeight="semibold">
            {durationText(acceptance.autoRefusalAfterMs)}
          </Text>
          .
        </Text>
      </BlockStack>
      <Form method="post">
        <input type="hidden" name="intent" value="auto-refusal" />
        <InlineStack gap="200" blockAlign="end" wrap={false}>
          <TextField
            label="Auto-refusal after (minutes)"
            name="minutes"
            type="number"
            min={1}
            autoComplete="off"
            helpText="For orders placed from now on."
            value={minutes}
            onChange={setMinutes}
          />
          <Button submit disabled={busy}>
            Set
          </Button>
        </InlineStack>
      </Form>
    </SectionCard>
  );
}

export function AutoOrdersCard({ autoOrders }: { autoOrders: DemoMarketplaceState["autoOrders"] }) {
  const busy = useNavigation().state === "submitting";
  return (
    <SectionCard
      title="Orders placed by the demo"
      size="sm"
      badge={<Badge tone={autoOrders.enabled ? "success" : undefined}>{autoOrders.enabled ? "on" : "off"}</Badge>}
    >
      <Text as="p" tone="subdued">
        Every few minutes the demo buys one or two units of a random offer that has stock, so the Orders page keeps
        moving. Start the demo with DEMO_AUTO_ORDERS=0 to have them off from the start.
      </Text>
      {autoOrders.enabled && autoOrders.nextAt && (
        <Text as="p">Next order around {new Date(autoOrders.nextAt).toLocaleTimeString()}.</Text>
      )}
      {autoOrders.last && (
        <Text as="p">
          Last: {autoOrders.last.orderId ? `order ${autoOrders.last.orderId}` : "no order"} at{" "}
          {new Date(autoOrders.last.at).toLocaleTimeString()} ({autoOrders.last.note}).
        </Text>
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="auto-orders" />
        <input type="hidden" name="enabled" value={autoOrders.enabled ? "off" : "on"} />
        <Button submit disabled={busy}>
          {autoOrders.enabled ? "Turn off automatic orders" : "Turn on automatic orders"}
        </Button>
      </Form>
    </SectionCard>
  );
}
