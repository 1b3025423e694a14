import { Banner, ChoiceList, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { LocationOption } from "~/connections/stock-settings.server";
import type { FormSectionProps } from "./form-section";

/** The Shopify locations whose stock the marketplace may sell. */
export function LocationsSection({
  values,
  errors,
  update,
  locations,
  locationsError,
}: FormSectionProps & { locations: LocationOption[]; locationsError: string | null }) {
  return (
    <SectionCard title="Locations">
      {locationsError && (
        <Banner tone="critical" title="Shopify's locations could not be read">
          {locationsError}
        </Banner>
      )}
      {locations.length === 0 ? (
        <Text as="p" tone="subdued">
          No location is known yet.{" "}
          {locationsError
            ? "Reload this page once Shopify answers."
            : "Add a location in Shopify, then reload this page."}
        </Text>
      ) : (
        <ChoiceList
          allowMultiple
          title="Shopify locations whose available stock this marketplace may sell"
          choices={locations.map((l) => ({
            value: l.id,
            label: `${l.name}${l.active ? "" : " (inactive)"}`,
            helpText:
              l.source === "known"
                ? locationsError
                  ? "Known to the app; its name could not be read from Shopify"
                  : "No longer in Shopify"
                : undefined,
          }))}
          selected={values.locationIds}
          onChange={(selected) => update("locationIds", selected)}
          error={errors.locationIds}
        />
      )}
    </SectionCard>
  );
}
