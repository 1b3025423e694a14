import { useState } from "react";
import { Form } from "@remix-run/react";
import { Badge, BlockStack, Button, Divider, InlineStack, Select, Text, type BadgeProps } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { formatAmount } from "~/domain/orders/currency";
import type { OrderPage } from "./order-page.server";

export const REFUND_REASON_INTENT = "refund-reason";

const EXCHANGE_STATUS: Record<string, { label: string; tone?: BadgeProps["tone"] }> = {
  PENDING: { label: "To send", tone: "info" },
  SENDING: { label: "Sending", tone: "info" },
  SENT: { label: "Done", tone: "success" },
  BLOCKED: { label: "Blocked", tone: "critical" },
  FAILED: { label: "Refused", tone: "critical" },
  IGNORED: { label: "Not carried", tone: "warning" },
};

type Refunds = OrderPage["refunds"];

function ChooseReason({
  refundId,
  choices,
  submitting,
}: {
  refundId: string;
  choices: { code: string; label: string }[];
  submitting: boolean;
}) {
  const [code, setCode] = useState("");
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={REFUND_REASON_INTENT} />
      <input type="hidden" name="refundId" value={refundId} />
      <input type="hidden" name="code" value={code} />
      <BlockStack gap="100">
        <Select
          label="Refund reason"
          options={[
            { label: "Choose a reason", value: "" },
            ...choices.map((c) => ({ label: `${c.label} (${c.code})`, value: c.code })),
          ]}
          value={code}
          onChange={setCode}
        />
        <InlineStack>
          <Button submit size="slim" disabled={code === ""} loading={submitting}>
            Send with this reason
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function MarketplaceReversals({ lines, currency }: { lines: Refunds["marketplace"]; currency: string }) {
  const money = (value: string | null) => (value === null ? "unknown" : formatAmount(value, currency));
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingXs">
        On the marketplace
      </Text>
      {lines.map((line) => (
        <BlockStack gap="100" key={line.lineId}>
          <Text as="p" fontWeight="semibold">
            {line.name}
          </Text>
          {line.reversals.map((r) => (
            <BlockStack gap="050" key={r.key}>
              <InlineStack gap="200" blockAlign="center">
                <Text as="span">
                  {r.kind === "refund" ? "Refund" : "Cancellation"} {r.id}
                </Text>
                {r.state && <Badge tone={r.refunded ? "success" : "attention"}>{r.state}</Badge>}
                <Badge>{r.by}</Badge>
                {r.shownInShopify && <Badge tone="info">Shown in Shopify</Badge>}
              </InlineStack>
              <Text as="p" variant="bodySm">
                {[
                  `${money(r.amount)} products`,
                  `${money(r.shippingAmount)} shipping`,
                  `${money(r.taxes)} taxes`,
                  r.quantity !== null ? `${r.quantity} units` : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {[
                  r.reason ? `Reason: ${r.reason}` : "No reason given",
                  r.date ? new Date(r.date).toLocaleString() : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
            </BlockStack>
          ))}
        </BlockStack>
      ))}
    </BlockStack>
  );
}

function Exchanges({
  exchanges,
  currency,
  reasonsProblem,
  submitting,
}: {
  exchanges: Refunds["exchanges"];
  currency: string;
  reasonsProblem: string | null;
  submitting: boolean;
}) {
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingXs">
        Carried by the app
      </Text>
      {exchanges.map((e) => {
        const status = EXCHANGE_STATUS[e.status] ?? { label: e.status };
        return (
          <BlockStack gap="100" key={e.id}>
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {e.what} · {e.direction}
              </Text>
              <Badge tone={status.tone}>{status.label}</Badge>
            </InlineStack>
            <Text as="p" variant="bodySm">
              {[
                e.amount !== null ? formatAmount(e.amount, e.currency ?? currency) : null,
                e.reason ? `Reason: ${e.reason}` : null,
                new Date(e.createdAt).toLocaleString(),
              ]
                .filter(Boolean)
                .join(" · ")}
            </Text>
            {e.statusReason && (
              <Text
                as="p"
                variant="bodySm"
                tone={e.status === "BLOCKED" || e.status === "FAILED" ? "critical" : "subdued"}
              >
                {e.statusReason}
              </Text>
            )}
            {e.waitsForReason && e.reasonChoices && (
              <ChooseReason refundId={e.id} choices={e.reasonChoices} submitting={submitting} />
            )}
            {e.waitsForReason && !e.reasonChoices && (
              <Text as="p" variant="bodySm" tone="subdued">
                {reasonsProblem ?? "The marketplace's reasons could not be read."} Or set a default refund reason in the
                connection&apos;s order settings.
              </Text>
            )}
          </BlockStack>
        );
      })}
    </BlockStack>
  );
}

/** The order's refunds and cancellations: Mirakl's per line, and what the app carried between both sides. */
export function RefundsCard({
  refunds,
  currency,
  submitting,
}: {
  refunds: Refunds;
  currency: string;
  submitting: boolean;
}) {
  if (refunds.marketplace.length === 0 && refunds.exchanges.length === 0) return null;
  return (
    <SectionCard title="Refunds and cancellations" size="sm" gap="300">
      {refunds.marketplace.length > 0 && <MarketplaceReversals lines={refunds.marketplace} currency={currency} />}
      {refunds.marketplace.length > 0 && refunds.exchanges.length > 0 && <Divider />}
      {refunds.exchanges.length > 0 && (
        <Exchanges
          exchanges={refunds.exchanges}
          currency={currency}
          reasonsProblem={refunds.reasonsProblem}
          submitting={submitting}
        />
      )}
    </SectionCard>
  );
}
