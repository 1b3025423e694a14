import { Badge, Banner, BlockStack, Checkbox, FormLayout, List, Select, Text } from "@shopify/polaris";
import type { ExtraPricesPreview } from "~/domain/extra-prices";
import { SectionCard } from "~/components/section-card";
import { pricePreview, roundingOptions, type StockSettingsFormValues } from "~/connections/stock-settings-form";
import { FormTextField, type FormSectionProps } from "./form-section";

const roundingLabels: Record<(typeof roundingOptions)[number], string> = {
  cents: "Keep the cents (19.87)",
  "99": "Round up to .99 (19.99)",
  whole: "Round up to a whole amount (20.00)",
};

/** The extra prices a price push would delete, and whether the merchant confirmed exactly these. */
export type ExtraPricesOnMirakl = ExtraPricesPreview & { confirmedAt: string | null };

/**
 * Whether Shopify prices are pushed, with which markup and endings, and a sample of the result; and,
 * before the first push, the prices set on Mirakl that it would delete, for the merchant to confirm.
 */
export function PricesSection(form: FormSectionProps & { extraPrices: ExtraPricesOnMirakl }) {
  const { values, update, errors, extraPrices } = form;
  const preview = pricePreview(values);
  return (
    <SectionCard
      title="Prices"
      badge={values.pricesEnabled ? <Badge tone="success">Synced</Badge> : <Badge>Not synced</Badge>}
    >
      <Checkbox
        label="Push Shopify prices to this marketplace"
        checked={values.pricesEnabled}
        onChange={(checked) => update("pricesEnabled", checked)}
        helpText="Off: the marketplace keeps the prices set in its back office."
      />
      {extraPrices.offerCount > 0 && (
        <ExtraPricesBanner
          extraPrices={extraPrices}
          confirmed={values.confirmExtraPrices === extraPrices.fingerprint}
          onConfirm={(checked) => update("confirmExtraPrices", checked ? extraPrices.fingerprint : "")}
          error={errors.confirmExtraPrices}
        />
      )}
      <FormLayout>
        <FormLayout.Group>
          <FormTextField
            form={form}
            name="markupPercent"
            label="Markup (%)"
            type="number"
            step={0.01}
            helpText="Added to the Shopify price, for example to cover the commission. 0 for none."
          />
          <Select
            label="Price endings"
            options={roundingOptions.map((value) => ({ value, label: roundingLabels[value] }))}
            value={values.rounding}
            onChange={(v) => update("rounding", v as StockSettingsFormValues["rounding"])}
          />
        </FormLayout.Group>
        <Checkbox
          label="Mirror Shopify sales as the marketplace's discount price"
          checked={values.mirrorSales}
          onChange={(checked) => update("mirrorSales", checked)}
          helpText="Otherwise a Shopify sale never lowers the marketplace price: the compare-at price is offered."
        />
        {preview && (
          <Text as="p" tone="subdued">
            {preview}
          </Text>
        )}
      </FormLayout>
    </SectionCard>
  );
}

function ExtraPricesBanner({
  extraPrices,
  confirmed,
  onConfirm,
  error,
}: {
  extraPrices: ExtraPricesOnMirakl;
  confirmed: boolean;
  onConfirm: (checked: boolean) => void;
  error?: string;
}) {
  const { offerCount, priceCount, sample, confirmedAt } = extraPrices;
  const more = offerCount - sample.length;
  return (
    <Banner
      tone={confirmedAt ? "info" : "warning"}
      title={`A price push would delete ${priceCount} price${priceCount === 1 ? "" : "s"} set on Mirakl for ${offerCount} offer${offerCount === 1 ? "" : "s"}`}
    >
      <BlockStack gap="200">
        <Text as="p">
          Mirakl's price import replaces all of an offer's prices with the one sent. These channel, volume, scheduled or
          customer prices (from the last offer export) would be deleted and not restored:
        </Text>
        <List>
          {sample.map((offer) => (
            <List.Item key={offer.offerSku}>
              <Text as="span" fontWeight="semibold">
                {offer.offerSku}
              </Text>
              : {offer.extras.join("; ")}
            </List.Item>
          ))}
        </List>
        {more > 0 && <Text as="p">…and {more} more offers.</Text>}
        {confirmedAt ? (
          <Text as="p">Confirmed on {new Date(confirmedAt).toLocaleString()}: price sync may replace them.</Text>
        ) : (
          <Checkbox
            label="Replace these prices with the Shopify price when price sync runs"
            checked={confirmed}
            onChange={onConfirm}
            error={error}
            helpText="Until this is confirmed and saved, no price is sent. A price added on Mirakl later holds price sync again."
          />
        )}
      </BlockStack>
    </Banner>
  );
}
