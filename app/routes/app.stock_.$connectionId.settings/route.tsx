import { useEffect, useState } from "react";
import { DEFAULT_EXPOSURE_WINDOW_MS } from "~/domain/stock/velocity";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { loadStockSettingsPage, saveStockSettings } from "~/connections/stock-settings.server";
import {
  pricePreview,
  roundingOptions,
  type SettingsFieldErrors,
  type StockSettingsFormValues,
} from "~/connections/stock-settings-form";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const page = await loadStockSettingsPage(shop, params.connectionId ?? "");
  if (!page) throw json({ message: "No such connection" }, { status: 404 });
  return json(page);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  let submitted: unknown = null;
  try {
    submitted = JSON.parse(String(form.get("values") ?? "null"));
  } catch {
    // Left null: the save answers with a form error.
  }
  const result = await saveStockSettings(shop, params.connectionId ?? "", submitted);
  if (!result.ok) return json({ ok: false as const, errors: result.errors }, { status: result.notFound ? 404 : 400 });
  return json({ ok: true as const, errors: {} as SettingsFieldErrors });
};

const roundingLabels: Record<(typeof roundingOptions)[number], string> = {
  cents: "Keep the cents (19.87)",
  "99": "Round up to .99 (19.99)",
  whole: "Round up to a whole amount (20.00)",
};

export default function StockSettingsPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const saving = useNavigation().state === "submitting";
  const [values, setValues] = useState<StockSettingsFormValues>(data.values);
  const errors: SettingsFieldErrors = actionData?.errors ?? {};

  // After a save, show what the server stored (trimmed SKUs, blank rows dropped); a failed save keeps what was typed.
  useEffect(() => {
    if (actionData?.ok) setValues(data.values);
  }, [actionData, data.values]);

  const update = <K extends keyof StockSettingsFormValues>(key: K, value: StockSettingsFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const save = () => submit({ values: JSON.stringify(values) }, { method: "post" });
  const stockUrl = `/app/stock?connection=${encodeURIComponent(data.connection.id)}`;
  const locationName = (id: string) => data.locations.find((l) => l.id === id)?.name ?? id;
  const chosenLocations = data.locations.filter((l) => values.locationIds.includes(l.id));
  const errorCount = Object.keys(errors).length;
  const preview = pricePreview(values);

  return (
    <Page
      title="Stock & price settings"
      subtitle={data.connection.name}
      backAction={{ content: "Stock", url: stockUrl }}
      primaryAction={{ content: "Save", onAction: save, loading: saving }}
      secondaryActions={[
        { content: "SKU mapping", url: `/app/stock/${encodeURIComponent(data.connection.id)}/mapping` },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData?.ok && (
              <Banner tone="success" title="Saved" action={{ content: "Back to Stock", url: stockUrl }}>
                Sellable quantities are being recomputed with these rules; {data.connection.name} gets them with the
                next stock import, within about a minute
                {data.connection.enabled ? "." : " of enabling the connection."}
              </Banner>
            )}
            {errorCount > 0 && (
              <Banner tone="critical" title="Nothing was saved">
                {errors.form ?? `Correct the ${errorCount === 1 ? "field" : "fields"} marked below, then save again.`}
              </Banner>
            )}
            {!data.configured && !actionData?.ok && (
              <Banner tone="warning" title="Choose the locations that supply this marketplace">
                Nothing is pushed to {data.connection.name} until these rules are saved. Choose the Shopify locations
                whose stock it may sell; saving with none chosen sets every offer to 0.
              </Banner>
            )}

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Locations
                </Text>
                {data.locationsError && (
                  <Banner tone="critical" title="Shopify's locations could not be read">
                    {data.locationsError}
                  </Banner>
                )}
                {data.locations.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No location is known yet.{" "}
                    {data.locationsError
                      ? "Reload this page once Shopify answers."
                      : "Add a location in Shopify, then reload this page."}
                  </Text>
                ) : (
                  <ChoiceList
                    allowMultiple
                    title="Shopify locations whose available stock this marketplace may sell"
                    choices={data.locations.map((l) => ({
                      value: l.id,
                      label: `${l.name}${l.active ? "" : " (inactive)"}`,
                      helpText:
                        l.source === "known"
                          ? data.locationsError
                            ? "Known to the app; its name could not be read from Shopify"
                            : "No longer in Shopify"
                          : undefined,
                    }))}
                    selected={values.locationIds}
                    onChange={(selected) => update("locationIds", selected)}
                    error={errors.locationIds}
                  />
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Quantities
                </Text>
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
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Buffer per SKU
                </Text>
                <Text as="p" tone="subdued">
                  A SKU listed here keeps its own buffer instead of the one above (0 = no buffer for that SKU).
                </Text>
                {values.bufferOverrides.map((row, i) => (
                  <InlineStack key={i} gap="200" blockAlign="start" wrap={false}>
                    <Box minWidth="220px">
                      <TextField
                        label={`Shopify SKU ${i + 1}`}
                        autoComplete="off"
                        value={row.sku}
                        onChange={(v) =>
                          update(
                            "bufferOverrides",
                            values.bufferOverrides.map((r, j) => (j === i ? { ...r, sku: v } : r)),
                          )
                        }
                        error={errors[`bufferOverrides.${i}.sku`]}
                      />
                    </Box>
                    <Box minWidth="120px">
                      <TextField
                        label={`Buffer for SKU ${i + 1}`}
                        type="number"
                        min={0}
                        autoComplete="off"
                        value={row.units}
                        onChange={(v) =>
                          update(
                            "bufferOverrides",
                            values.bufferOverrides.map((r, j) => (j === i ? { ...r, units: v } : r)),
                          )
                        }
                        error={errors[`bufferOverrides.${i}.units`]}
                      />
                    </Box>
                    <Box paddingBlockStart="600">
                      <Button
                        variant="plain"
                        tone="critical"
                        accessibilityLabel={`Remove the buffer for ${row.sku || `SKU ${i + 1}`}`}
                        onClick={() =>
                          update(
                            "bufferOverrides",
                            values.bufferOverrides.filter((_, j) => j !== i),
                          )
                        }
                      >
                        Remove
                      </Button>
                    </Box>
                  </InlineStack>
                ))}
                <InlineStack>
                  <Button
                    onClick={() => update("bufferOverrides", [...values.bufferOverrides, { sku: "", units: "0" }])}
                  >
                    Add a SKU buffer
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Mirakl warehouses
                </Text>
                <Text as="p" tone="subdued">
                  For marketplaces with per-warehouse stock: each Mirakl warehouse code gets the stock of the chosen
                  locations mapped to it. Without any, one global quantity is pushed.
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
                            onChange={(v) =>
                              update(
                                "warehouses",
                                values.warehouses.map((w, j) => (j === i ? { ...w, code: v } : w)),
                              )
                            }
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
                          choices={[...new Set([...chosenLocations.map((l) => l.id), ...warehouse.locationIds])].map(
                            (id) => ({ value: id, label: locationName(id) }),
                          )}
                          selected={warehouse.locationIds}
                          onChange={(selected) =>
                            update(
                              "warehouses",
                              values.warehouses.map((w, j) => (j === i ? { ...w, locationIds: selected } : w)),
                            )
                          }
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
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Prices
                  </Text>
                  {values.pricesEnabled ? <Badge tone="success">Synced</Badge> : <Badge>Not synced</Badge>}
                </InlineStack>
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
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Offers
                </Text>
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
              </BlockStack>
            </Card>

            <InlineStack align="end">
              <Button variant="primary" onClick={save} loading={saving}>
                Save
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                How the sellable quantity is computed
              </Text>
              <Text as="p" tone="subdued">
                Available at the chosen locations, minus units on marketplace orders not yet in Shopify, minus the
                buffer. At or below the holdback it is 0; it never exceeds the cap. Archived, draft and deleted products
                are 0.
              </Text>
              <Text as="p" tone="subdued">
                {data.configuredAt
                  ? `Rules last saved ${new Date(data.configuredAt).toLocaleString()}.`
                  : data.configured
                    ? "The chosen locations are in use; these rules have not been saved on this page yet."
                    : "These rules have never been saved: no stock is pushed yet."}
              </Text>
              <Text as="p" tone="subdued">
                {data.overrideCount === 0
                  ? "Every Shopify SKU feeds the offer of the same SKU."
                  : `${data.overrideCount} SKU override${data.overrideCount === 1 ? "" : "s"} in the SKU mapping.`}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
