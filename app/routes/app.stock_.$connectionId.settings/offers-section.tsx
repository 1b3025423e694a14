import { Checkbox, FormLayout } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { FormTextField, type FormSectionProps } from "./form-section";

/** Creating the offers a marketplace lacks, from variants with a barcode. */
export function OffersSection(form: FormSectionProps) {
  const { values, update } = form;
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
          <FormTextField
            form={form}
            name="stateCode"
            label="Offer condition code"
            helpText="The marketplace's condition code; 11 is “new” on most."
          />
          <FormTextField form={form} name="leadtimeToShip" label="Days to ship" type="number" min={0} max={60} />
        </FormLayout.Group>
      </FormLayout>
    </SectionCard>
  );
}
