import { Checkbox, FormLayout, Select, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { StockSettingsFormValues } from "~/connections/stock-settings-form";
import { DEFAULT_EXPOSURE_WINDOW_MS } from "~/domain/stock/velocity";
import type { FormSectionProps } from "./form-section";

/** Buffer, holdback, cap, untracked variants and the sales-velocity protection. */
export function QuantitiesSection({ values, errors, update }: FormSectionProps) {
  return (
    <SectionCard title="Quantities">
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label="Buffer"
            type="number"
            min={0}
            autoComplete="off"
            value={values.buffer}
            onChange={(v) => update("buffer", v)}
            error={errors.buffer}
            helpText="Units of every SKU always kept back from this marketplace."
          />
          <TextField
            label="Low-stock holdback"
            type="number"
            min={0}
            autoComplete="off"
            value={values.lowStockHoldback}
            onChange={(v) => update("lowStockHoldback", v)}
            error={errors.lowStockHoldback}
            helpText="At or below this many sellable units, advertise 0 (0 = off)."
          />
          <TextField
            label="Cap"
            type="number"
            min={0}
            autoComplete="off"
            value={values.cap}
            onChange={(v) => update("cap", v)}
            error={errors.cap}
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
            <TextField
              label="Fixed quantity for untracked variants"
              type="number"
              min={0}
              autoComplete="off"
              value={values.untrackedQuantity}
              onChange={(v) => update("untrackedQuantity", v)}
              error={errors.untrackedQuantity}
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
          <TextField
            label="Exposure window (seconds)"
            type="number"
            min={15}
            max={600}
            autoComplete="off"
            disabled={!values.velocityEnabled}
            value={values.velocityWindowSeconds}
            onChange={(v) => update("velocityWindowSeconds", v)}
            error={errors.velocityWindowSeconds}
            helpText={`How long a sale elsewhere can stay invisible to this marketplace. Leave empty for the default (${DEFAULT_EXPOSURE_WINDOW_MS / 1000} s: the import slot, Mirakl's processing and Shopify's delay).`}
          />
        </FormLayout.Group>
      </FormLayout>
    </SectionCard>
  );
}
