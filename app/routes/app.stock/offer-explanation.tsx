import { BlockStack, Text, Tooltip } from "@shopify/polaris";
import type { OfferExplanation as Explanation } from "~/domain/stock/explain";

/** Why this sellable number: the arithmetic on the row, every step on hover or keyboard focus. */
export function OfferExplanation({ explanation }: { explanation: Explanation | null }) {
  if (!explanation)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  return (
    <Tooltip
      content={
        <BlockStack gap="100">
          {explanation.details.map((line, i) => (
            <Text as="p" key={i}>
              {line}
            </Text>
          ))}
        </BlockStack>
      }
      preferredPosition="below"
    >
      {/* Focusable so the details open from the keyboard too; the visible summary is what a screen reader reads.
          IndexTable cells do not wrap; an explanation must, or it pushes the other columns out of view. */}
      <span tabIndex={0} style={{ display: "block", whiteSpace: "normal", minWidth: 200, maxWidth: 300 }}>
        <Text as="span" tone="subdued" breakWord>
          {explanation.summary}
        </Text>
      </span>
    </Tooltip>
  );
}
