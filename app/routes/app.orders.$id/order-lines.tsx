import { Badge, BlockStack, Card, Divider, IndexTable, InlineStack, Text, type BadgeProps } from "@shopify/polaris";
import { orderStateLabel } from "~/components/order-status";
import { SectionCard } from "~/components/section-card";
import { formatAmount } from "~/domain/orders/currency";
import type { DecisionCheck, OrderPage } from "./order-page.server";

const decisionBadges: Record<string, { label: string; tone: BadgeProps["tone"] }> = {
  accept: { label: "Accept", tone: "success" },
  refuse: { label: "Refuse", tone: "critical" },
  review: { label: "Review", tone: "warning" },
};

const checkMarks: Record<
  DecisionCheck["outcome"],
  { mark: string; tone: "success" | "critical" | "subdued"; said: string }
> = {
  pass: { mark: "✓", tone: "success", said: "Passed" },
  fail: { mark: "✗", tone: "critical", said: "Failed" },
  "not-checked": { mark: "–", tone: "subdued", said: "Not checked" },
};

/** Every check the decision ran, passed or failed, as the acceptance rules worded it. */
function CheckList({ checks }: { checks: DecisionCheck[] }) {
  if (checks.length === 0) return null;
  return (
    <BlockStack gap="050">
      {checks.map((check, index) => (
        <InlineStack key={`${check.rule}-${index}`} gap="100" wrap={false} blockAlign="start">
          <Text as="span" tone={checkMarks[check.outcome].tone} fontWeight="bold">
            <span aria-hidden="true">{checkMarks[check.outcome].mark}</span>
            <Text as="span" visuallyHidden>
              {checkMarks[check.outcome].said}:
            </Text>
          </Text>
          <Text as="span" variant="bodySm">
            {check.message}
          </Text>
        </InlineStack>
      ))}
    </BlockStack>
  );
}

function DecisionBadge({ decision }: { decision: string }) {
  const badge = decisionBadges[decision];
  return <Badge tone={badge?.tone}>{badge?.label ?? decision}</Badge>;
}

/** Why each line was decided as it was: the decision's summary and every check, line by line. */
export function LineDecisions({ lines }: { lines: OrderPage["lines"] }) {
  const decided = lines.filter((line) => line.decision);
  return (
    <SectionCard title="Why each line was decided">
      {decided.length === 0 && (
        <Text as="p" tone="subdued">
          The app has not decided any line of this order: it did not wait for acceptance while the app watched.
        </Text>
      )}
      {decided.map((line, index) => (
        <BlockStack key={line.id} gap="200">
          {index > 0 && <Divider />}
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {line.offerSku}
            </Text>
            <DecisionBadge decision={line.decision!} />
            {line.decidedBy && (
              <Text as="span" tone="subdued" variant="bodySm">
                by {line.decidedBy}
                {line.decidedAt ? `, ${new Date(line.decidedAt).toLocaleString()}` : ""}
              </Text>
            )}
          </InlineStack>
          {line.decisionSummary && (
            <Text as="p">
              {/* A person's decision keeps the app's finding beside it, so it is labelled as the app's. */}
              {line.decidedBy && line.decidedBy !== "app"
                ? `The app found: ${line.decisionSummary}`
                : line.decisionSummary}
            </Text>
          )}
          <CheckList checks={line.checks} />
        </BlockStack>
      ))}
    </SectionCard>
  );
}

const amount = (value: string | null, currency: string) => (value === null ? "unknown" : formatAmount(value, currency));

/** The order's lines: what was ordered, its money, its state, and what the app decided. */
export function OrderLines({ lines, currency }: { lines: OrderPage["lines"]; currency: string }) {
  const money = (value: string | null) => (
    <Text as="span" alignment="end" numeric>
      {amount(value, currency)}
    </Text>
  );
  return (
    <Card padding="0">
      <IndexTable
        resourceName={{ singular: "line", plural: "lines" }}
        itemCount={lines.length}
        selectable={false}
        headings={[
          { title: "Offer SKU" },
          { title: "Product" },
          { title: "Quantity", alignment: "end" },
          { title: "Unit price", alignment: "end" },
          { title: "Line price", alignment: "end" },
          { title: "Shipping", alignment: "end" },
          { title: "Taxes", alignment: "end" },
          { title: "Commission", alignment: "end" },
          { title: "State" },
          { title: "Decision" },
        ]}
      >
        {lines.map((line, index) => (
          <IndexTable.Row id={line.id} key={line.id} position={index}>
            <IndexTable.Cell>
              <Text as="span" fontWeight="semibold">
                {line.offerSku}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <div style={{ maxWidth: 220, whiteSpace: "normal" }}>{line.productTitle ?? "—"}</div>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {line.quantity}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>{money(line.unitPrice)}</IndexTable.Cell>
            <IndexTable.Cell>{money(line.price)}</IndexTable.Cell>
            <IndexTable.Cell>{money(line.shippingPrice)}</IndexTable.Cell>
            <IndexTable.Cell>{money(line.taxes)}</IndexTable.Cell>
            <IndexTable.Cell>{money(line.commission)}</IndexTable.Cell>
            <IndexTable.Cell>{orderStateLabel(line.state)}</IndexTable.Cell>
            <IndexTable.Cell>
              {line.decision ? (
                <DecisionBadge decision={line.decision} />
              ) : (
                <Text as="span" tone="subdued">
                  {line.waiting ? "Not decided yet" : "—"}
                </Text>
              )}
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}
