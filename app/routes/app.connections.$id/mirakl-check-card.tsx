import { Banner, BlockStack, DataTable, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { ConnectionCheck } from "~/domain/connection-settings";

const acceptanceLabels: Record<string, string> = {
  AUTOMATIC: "Automatic (the marketplace accepts orders itself)",
  NOT_AUTOMATIC: "Manual (orders must be accepted by the seller)",
  BOTH: "Either (per order)",
};
const yesNo = (value: boolean | null) => (value === null ? "Unknown" : value ? "Yes" : "No");

/** The last "Test connection": who the key belongs to and how the marketplace works, or why it failed. */
export function MiraklCheckCard({
  check,
  currencyIsoCode,
  csvDelimiter,
}: {
  check: ConnectionCheck | null;
  currencyIsoCode: string | null;
  csvDelimiter: string;
}) {
  return (
    <SectionCard title="What Mirakl says">
      {!check && (
        <Text as="p" tone="subdued">
          Not tested yet. "Test connection" asks Mirakl who this key belongs to and how the marketplace works.
        </Text>
      )}
      {check && !check.ok && (
        <Banner tone="critical" title="The last test failed">
          {check.message} (tested {new Date(check.at).toLocaleString()})
        </Banner>
      )}
      {check?.ok && (
        <BlockStack gap="200">
          <Banner tone="success" title={`Connected to ${check.shopName ?? "Mirakl"}`}>
            Tested {new Date(check.at).toLocaleString()}
          </Banner>
          <DataTable
            columnContentTypes={["text", "text"]}
            headings={["", ""]}
            rows={[
              [
                "Mirakl shop",
                `${check.shopName ?? "?"} (id ${check.shopId ?? "?"}${check.shopState ? `, ${check.shopState.toLowerCase()}` : ""})`,
              ],
              ["Marketplace", check.platformName ?? "Unknown"],
              ["Currency", currencyIsoCode ?? "Unknown"],
              [
                "Order acceptance",
                check.orderAcceptance ? (acceptanceLabels[check.orderAcceptance] ?? check.orderAcceptance) : "Unknown",
              ],
              ["Several shipments per order", yesNo(check.multiShipment)],
              ["Carriers outside the marketplace's list", yesNo(check.sellerAlternativeCarriers)],
              ["CSV separator for imports", csvDelimiter === "," ? "Comma" : "Semicolon"],
            ]}
          />
        </BlockStack>
      )}
    </SectionCard>
  );
}
