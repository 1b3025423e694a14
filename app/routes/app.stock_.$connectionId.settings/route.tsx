import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Layout, Page } from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { loadStockSettingsPage, saveStockSettings } from "~/connections/stock-settings.server";
import type { SettingsFieldErrors, StockSettingsFormValues } from "~/connections/stock-settings-form";
import type { UpdateField } from "./form-section";
import { LocationsSection } from "./locations-section";
import { QuantitiesSection } from "./quantities-section";
import { SkuBuffersSection } from "./sku-buffers-section";
import { WarehousesSection } from "./warehouses-section";
import { PricesSection } from "./prices-section";
import { OffersSection } from "./offers-section";
import { ImportsSection } from "./imports-section";
import { RulesSummaryCard } from "./rules-summary-card";

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

  const update: UpdateField = (key, value) => setValues((v) => ({ ...v, [key]: value }));
  const save = () => submit({ values: JSON.stringify(values) }, { method: "post" });
  const stockUrl = `/app/stock?connection=${encodeURIComponent(data.connection.id)}`;
  const errorCount = Object.keys(errors).length;
  const form = { values, errors, update };

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

            <LocationsSection {...form} locations={data.locations} locationsError={data.locationsError} />
            <QuantitiesSection {...form} />
            <SkuBuffersSection {...form} />
            <WarehousesSection {...form} locations={data.locations} />
            <PricesSection {...form} extraPrices={data.extraPrices} />
            <OffersSection {...form} />
            <ImportsSection {...form} />

            <InlineStack align="end">
              <Button variant="primary" onClick={save} loading={saving}>
                Save
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <RulesSummaryCard
            configuredAt={data.configuredAt}
            configured={data.configured}
            overrideCount={data.overrideCount}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
