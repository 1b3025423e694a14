import type { ReactNode } from "react";
import { BlockStack, Card, InlineStack, Text, type BlockStackProps } from "@shopify/polaris";

/**
 * A card with a titled section: the heading, then its content, stacked. `size` "sm" is for side cards; `badge`
 * sits beside the heading (a section's on/off state).
 */
export function SectionCard({
  title,
  size = "md",
  gap = "300",
  badge,
  children,
}: {
  title: ReactNode;
  size?: "md" | "sm";
  gap?: BlockStackProps["gap"];
  badge?: ReactNode;
  children: ReactNode;
}) {
  const heading = (
    <Text as="h2" variant={size === "sm" ? "headingSm" : "headingMd"}>
      {title}
    </Text>
  );
  return (
    <Card>
      <BlockStack gap={gap}>
        {badge ? (
          <InlineStack gap="200" blockAlign="center">
            {heading}
            {badge}
          </InlineStack>
        ) : (
          heading
        )}
        {children}
      </BlockStack>
    </Card>
  );
}
