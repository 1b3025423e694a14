import { Checkbox, FormLayout, Select } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { StockSettingsFormValues } from "~/connections/stock-settings-form";
import { DEFAULT_EXPOSURE_WINDOW_MS } from "~/domain/stock/velocity";
import { FormTextField, type FormSectionProps } from "./form-section";

/** Buffer, holdback, cap, untracked variants and the sales-velocity protection. */
export function QuantitiesSection(form: FormSectionProps) {
  const { values, update } = form;
  return (
    <SectionCard title="Quantities">
      <FormLayout>
        <FormLayout.Group>
          <FormTextField
            form={form}
            name="buffer"
            label="Buffer"
            type="number"
            min={0}
            helpText="Units of every SKU always kept back from this marketplace."
          />
          <FormTextField
            form={form}
            name="lowStockHoldback"
            label="Low-stock holdback"
            type="number"
            min={0}
            helpText="At or below this many sellable units, advertise 0 (0 = off)."
          />
          <FormTextField
            form={form}
            name="cap"
            label="Cap"
            type="number"
            min={0}
            helpText="Never advertise more than this. Leave empty for no cap."
          />
        </FormLayout.Group>
        <FormLayout.Group>
          <Select
            label="Variants whose inventory Shopify does not track"
            options={[
              { label: "Advertise a fixed quantity", value: "fixed" },
              { label: "Do not push them (the marketplace keeps its own quantity)", value: "exclude" },
            ]}
            value={values.untrackedMode}
            onChange={(v) => update("untrackedMode", v as StockSettingsFormValues["untrackedMode"])}
          />
          {values.untrackedMode === "fixed" && (
            <FormTextField
              form={form}
              name="untrackedQuantity"
              label="Fixed quantity for untracked variants"
              type="number"
              min={0}
            />
          )}
        </FormLayout.Group>
        <FormLayout.Group>
          <Checkbox
            label="Sales-velocity protection"
            checked={values.velocityEnabled}
            onChange={(checked) => update("velocityEnabled", checked)}
            helpText="Holds back the units a fast-selling SKU is expected to sell elsewhere before this marketplace can be told (it takes one stock import a minute)."
          />
          <FormTextField
            form={form}
            name="velocityWindowSeconds"
            label="Exposure window (seconds)"
            type="number"
            min={15}
            max={600}
            disabled={!values.velocityEnabled}
            helpText={`How long a sale elsewhere can stay invisible to this marketplace. Leave empty for the default (${DEFAULT_EXPOSURE_WINDOW_MS / 1000} s: the import slot, Mirakl's processing and Shopify's delay).`}
          />
        </FormLayout.Group>
      </FormLayout>
    </SectionCard>
  );
}
