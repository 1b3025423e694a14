import { useState } from "react";
import { Form } from "@remix-run/react";
import { BlockStack, Button, ChoiceList, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { formatAmount } from "~/domain/orders/currency";
import type { OrderPage } from "./order-page.server";
import { lineField } from "./review-form";

type Choice = "accept" | "refuse";

const appSays: Record<string, string> = {
  accept: "The app would accept it",
  refuse: "The app would refuse it",
  review: "The app left it to you",
};

/**
 * A person's decision on an order in review: Accept or Refuse for every waiting line (Mirakl takes one
 * decision for all of them at once). Lines the app already decided start at its decision and may be changed;
 * the lines it left to review start unanswered, and nothing is sent until each has an answer.
 */
export function ReviewCard({
  lines,
  currency,
  submitting,
}: {
  lines: OrderPage["lines"];
  currency: string;
  submitting: boolean;
}) {
  const waiting = lines.filter((line) => line.waiting);
  const [choices, setChoices] = useState<Record<string, Choice | undefined>>(() =>
    Object.fromEntries(
      waiting.map((line) => [
        line.lineId,
        line.decision === "accept" || line.decision === "refuse" ? line.decision : undefined,
      ]),
    ),
  );
  const unanswered = waiting.filter((line) => !choices[line.lineId]).length;

  return (
    <SectionCard title="Your decision">
      <Text as="p">
        Mirakl takes one answer for every waiting line of the order, sent together. The app records who decided on the
        order&apos;s timeline.
      </Text>
      <Form method="post">
        <BlockStack gap="400">
          {waiting.map((line) => (
            <BlockStack key={line.lineId} gap="100">
              <ChoiceList
                title={`${line.offerSku} · ${line.quantity} × ${formatAmount(line.unitPrice, currency)}${line.productTitle ? ` · ${line.productTitle}` : ""}`}
                name={lineField(line.lineId)}
                choices={[
                  { label: "Accept", value: "accept" },
                  { label: "Refuse", value: "refuse" },
                ]}
                selected={choices[line.lineId] ? [choices[line.lineId]!] : []}
                onChange={([value]) => setChoices((current) => ({ ...current, [line.lineId]: value as Choice }))}
              />
              {line.decision && (
                <Text as="p" tone="subdued" variant="bodySm">
                  {appSays[line.decision] ?? line.decision}
                  {line.decisionSummary ? `: ${line.decisionSummary}` : ""}
                </Text>
              )}
            </BlockStack>
          ))}
          <InlineStack gap="300" blockAlign="center">
            <Button submit variant="primary" loading={submitting} disabled={unanswered > 0}>
              Send the decision to Mirakl
            </Button>
            {unanswered > 0 && (
              <Text as="span" tone="subdued">
                {unanswered === 1 ? "1 line needs an answer" : `${unanswered} lines need an answer`}
              </Text>
            )}
          </InlineStack>
        </BlockStack>
      </Form>
    </SectionCard>
  );
}
