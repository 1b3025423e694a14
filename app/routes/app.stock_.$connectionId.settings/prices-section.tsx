import { Badge, Checkbox, FormLayout, Select, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { pricePreview, roundingOptions, type StockSettingsFormValues } from "~/connections/stock-settings-form";
import { FormTextField, type FormSectionProps } from "./form-section";

const roundingLabels: Record<(typeof roundingOptions)[number], string> = {
  cents: "Keep the cents (19.87)",
  "99": "Round up to .99 (19.99)",
  whole: "Round up to a whole amount (20.00)",
};

/** Whether Shopify prices are pushed, with which markup and endings, and a sample of the result. */
export function PricesSection(form: FormSectionProps) {
  const { values, update } = form;
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
