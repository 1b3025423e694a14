import { FormLayout } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { FormTextField, type FormSectionProps } from "./form-section";

/** How long an import may stay unfinished on the marketplace before it is given up and its values sent again. */
export function ImportsSection(form: FormSectionProps) {
  return (
    <SectionCard title="Imports">
      <FormLayout>
        <FormTextField
          form={form}
          name="importAgeLimitMinutes"
          label="Import time limit (minutes)"
          type="number"
          min={5}
          max={1440}
          helpText="A stock, price or offer import the marketplace has not finished by then is given up, with an exception, so it does not hold back the next ones; its values go out with the next file."
        />
      </FormLayout>
    </SectionCard>
  );
}
