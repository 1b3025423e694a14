import { Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";

/** The side card: how the sellable quantity follows from these rules, when they were saved, the SKU overrides. */
export function RulesSummaryCard({
  configuredAt,
  configured,
  overrideCount,
}: {
  configuredAt: string | null;
  configured: boolean;
  overrideCount: number;
}) {
  return (
    <SectionCard title="How the sellable quantity is computed" size="sm" gap="200">
      <Text as="p" tone="subdued">
        Available at the chosen locations, minus units on marketplace orders not yet in Shopify, minus the buffer. At or
        below the holdback it is 0; it never exceeds the cap. Archived, draft and deleted products are 0.
      </Text>
      <Text as="p" tone="subdued">
        {configuredAt
          ? `Rules last saved ${new Date(configuredAt).toLocaleString()}.`
          : configured
            ? "The chosen locations are in use; these rules have not been saved on this page yet."
            : "These rules have never been saved: no stock is pushed yet."}
      </Text>
      <Text as="p" tone="subdued">
        {overrideCount === 0
          ? "Every Shopify SKU feeds the offer of the same SKU."
          : `${overrideCount} SKU override${overrideCount === 1 ? "" : "s"} in the SKU mapping.`}
      </Text>
    </SectionCard>
  );
}
