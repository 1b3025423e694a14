import { Badge, BlockStack, Box, Divider, InlineStack, Text, type BadgeProps } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { formatAmount } from "~/domain/orders/currency";
import type { OrderPage } from "./order-page.server";

function MoneyRow({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <InlineStack align="space-between" gap="200">
      <Text as="span" fontWeight={strong ? "semibold" : undefined}>
        {label}
      </Text>
      <Text as="span" numeric fontWeight={strong ? "semibold" : undefined}>
        {value}
      </Text>
    </InlineStack>
  );
}

const taxModeNotes: Record<string, string> = {
  TAX_INCLUDED: "Prices include taxes.",
  TAX_EXCLUDED: "Prices exclude taxes.",
};

/** The order's money: what the customer pays, what the marketplace keeps, what is left for the seller. */
export function MoneySummary({
  money,
  currency,
  taxMode,
}: {
  money: OrderPage["money"];
  currency: string;
  taxMode: string | null;
}) {
  const show = (value: string | null) => (value === null ? "unknown" : formatAmount(value, currency));
  return (
    <SectionCard title="Money" size="sm" gap="200">
      <MoneyRow label="Products" value={show(money.price)} />
      <MoneyRow label="Shipping" value={show(money.shipping)} />
      <MoneyRow label="Taxes" value={show(money.taxes)} />
      <MoneyRow label="Total" value={show(money.total)} strong />
      <MoneyRow label="Marketplace commission" value={show(money.commission)} />
      <Divider />
      <MoneyRow label="Net to seller" value={show(money.netToSeller)} strong />
      <Text as="p" tone="subdued" variant="bodySm">
        {taxMode && taxModeNotes[taxMode] ? `${taxModeNotes[taxMode]} ` : ""}Net to seller is the total less the
        commission, before refunds; Mirakl&apos;s payout statement is the final word.
      </Text>
    </SectionCard>
  );
}

function Address({ title, lines }: { title: string; lines: string[] | null }) {
  return (
    <BlockStack gap="050">
      <Text as="h3" variant="headingXs">
        {title}
      </Text>
      {lines ? (
        lines.map((line, i) => (
          <Text as="p" key={i}>
            {line}
          </Text>
        ))
      ) : (
        <Text as="p" tone="subdued">
          Shared by the marketplace after acceptance
        </Text>
      )}
    </BlockStack>
  );
}

/** The customer as the marketplace gave it: no real e-mail, and addresses only once the order is accepted. */
export function CustomerCard({ customer }: { customer: OrderPage["customer"] }) {
  return (
    <SectionCard title="Customer" size="sm" gap="300">
      <Text as="p">{customer.name ?? "Name not shared"}</Text>
      <Address title="Shipping address" lines={customer.shippingAddress} />
      <Address title="Billing address" lines={customer.billingAddress} />
      <BlockStack gap="050">
        <Text as="h3" variant="headingXs">
          Marketplace e-mail alias (anonymised)
        </Text>
        <Text as="p" breakWord>
          {customer.emailAlias ?? "None given"}
        </Text>
        <Text as="p" tone="subdued" variant="bodySm">
          Mirakl never shares the customer&apos;s real address; write to the customer through Mirakl&apos;s messages.
        </Text>
      </BlockStack>
    </SectionCard>
  );
}

const actors: Record<string, { label: string; tone: BadgeProps["tone"] }> = {
  APP: { label: "App", tone: "info" },
  STAFF: { label: "Staff", tone: "attention" },
  MIRAKL: { label: "Mirakl", tone: undefined },
};

/** What happened to the order and why, oldest first. */
export function OrderTimeline({ timeline }: { timeline: OrderPage["timeline"] }) {
  return (
    <SectionCard title="Timeline" gap="200">
      {timeline.length === 0 && (
        <Text as="p" tone="subdued">
          Nothing recorded yet.
        </Text>
      )}
      {timeline.map((event, index) => (
        <BlockStack key={event.id} gap="200">
          {index > 0 && <Divider />}
          <Box>
            <InlineStack gap="200" blockAlign="start" wrap={false}>
              <Box minWidth="160px">
                <Text as="span" tone="subdued">
                  {new Date(event.at).toLocaleString()}
                </Text>
              </Box>
              <Badge tone={actors[event.actor]?.tone}>{actors[event.actor]?.label ?? event.actor}</Badge>
              <Text as="span">{event.message}</Text>
            </InlineStack>
          </Box>
        </BlockStack>
      ))}
    </SectionCard>
  );
}
