import { Checkbox, FormLayout, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { FormSectionProps } from "./form-section";

/** Creating the offers a marketplace lacks, from variants with a barcode. */
export function OffersSection({ values, errors, update }: FormSectionProps) {
  return (
    <SectionCard title="Offers">
      <Checkbox
        label="Create missing offers for Shopify variants with a barcode (EAN/UPC)"
        checked={values.offersEnabled}
        onChange={(checked) => update("offersEnabled", checked)}
        helpText="After a full reconciliation, SKUs with no offer on the marketplace get one. Existing offers are never replaced."
      />
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label="Offer condition code"
            autoComplete="off"
            value={values.stateCode}
            onChange={(v) => update("stateCode", v)}
            error={errors.stateCode}
            helpText="The marketplace's condition code; 11 is “new” on most."
          />
          <TextField
            label="Days to ship"
            type="number"
            min={0}
            max={60}
            autoComplete="off"
            value={values.leadtimeToShip}
            onChange={(v) => update("leadtimeToShip", v)}
            error={errors.leadtimeToShip}
          />
        </FormLayout.Group>
      </FormLayout>
    </SectionCard>
  );
}
