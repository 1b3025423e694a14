import { Badge, Checkbox, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { pricePreview, roundingOptions, type StockSettingsFormValues } from "~/connections/stock-settings-form";
import type { FormSectionProps } from "./form-section";

const roundingLabels: Record<(typeof roundingOptions)[number], string> = {
  cents: "Keep the cents (19.87)",
  "99": "Round up to .99 (19.99)",
  whole: "Round up to a whole amount (20.00)",
};

/** Whether Shopify prices are pushed, with which markup and endings, and a sample of the result. */
export function PricesSection({ values, errors, update }: FormSectionProps) {
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
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label="Markup (%)"
            type="number"
            step={0.01}
            autoComplete="off"
            value={values.markupPercent}
            onChange={(v) => update("markupPercent", v)}
            error={errors.markupPercent}
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
