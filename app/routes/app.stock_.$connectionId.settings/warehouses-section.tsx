import { BlockStack, Box, Button, ChoiceList, InlineStack, Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { StockSettingsFormValues } from "~/connections/stock-settings-form";
import type { LocationOption } from "~/connections/stock-settings.server";
import type { FormSectionProps } from "./form-section";

/** Mirakl warehouse codes, each supplied by some of the chosen locations. */
export function WarehousesSection({
  values,
  errors,
  update,
  locations,
}: FormSectionProps & { locations: LocationOption[] }) {
  const locationName = (id: string) => locations.find((l) => l.id === id)?.name ?? id;
  const chosenLocations = locations.filter((l) => values.locationIds.includes(l.id));
  const setWarehouse = (i: number, change: Partial<StockSettingsFormValues["warehouses"][number]>) =>
    update(
      "warehouses",
      values.warehouses.map((w, j) => (j === i ? { ...w, ...change } : w)),
    );
  return (
    <SectionCard title="Mirakl warehouses">
      <Text as="p" tone="subdued">
        For marketplaces with per-warehouse stock: each Mirakl warehouse code gets the stock of the chosen locations
        mapped to it. Without any, one global quantity is pushed.
      </Text>
      {values.warehouses.map((warehouse, i) => (
        <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
          <BlockStack gap="200">
            <InlineStack gap="200" blockAlign="start" align="space-between">
              <Box minWidth="220px">
                <TextField
                  label={`Warehouse code ${i + 1}`}
                  autoComplete="off"
                  value={warehouse.code}
                  onChange={(v) => setWarehouse(i, { code: v })}
                  error={errors[`warehouses.${i}.code`]}
                />
              </Box>
              <Button
                variant="plain"
                tone="critical"
                accessibilityLabel={`Remove warehouse ${warehouse.code || i + 1}`}
                onClick={() =>
                  update(
                    "warehouses",
                    values.warehouses.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </Button>
            </InlineStack>
            {chosenLocations.length === 0 && warehouse.locationIds.length === 0 ? (
              <Text as="p" tone={errors[`warehouses.${i}.locationIds`] ? "critical" : "subdued"}>
                Choose locations above first: a warehouse is supplied by chosen locations.
              </Text>
            ) : (
              <ChoiceList
                allowMultiple
                title={`Locations supplying warehouse ${warehouse.code || i + 1}`}
                choices={[...new Set([...chosenLocations.map((l) => l.id), ...warehouse.locationIds])].map((id) => ({
                  value: id,
                  label: locationName(id),
                }))}
                selected={warehouse.locationIds}
                onChange={(selected) => setWarehouse(i, { locationIds: selected })}
                error={errors[`warehouses.${i}.locationIds`]}
              />
            )}
          </BlockStack>
        </Box>
      ))}
      <InlineStack>
        <Button onClick={() => update("warehouses", [...values.warehouses, { code: "", locationIds: [] }])}>
          Add a warehouse
        </Button>
      </InlineStack>
    </SectionCard>
  );
}
