import type { ReactNode } from "react";
import { InlineStack, Text } from "@shopify/polaris";

/** A demo Shopify order's heading on the demo store's fulfil and refund cards: its name, Mirakl id and badges. */
export function DemoOrderHeading({
  name,
  sourceIdentifier,
  children,
}: {
  name: string;
  sourceIdentifier: string | null;
  children?: ReactNode;
}) {
  return (
    <InlineStack gap="200" blockAlign="center">
      <Text as="h3" variant="headingSm">
        {name}
      </Text>
      {sourceIdentifier && (
        <Text as="span" tone="subdued">
          {sourceIdentifier}
        </Text>
      )}
      {children}
    </InlineStack>
  );
}
