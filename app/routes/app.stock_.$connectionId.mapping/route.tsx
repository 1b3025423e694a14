import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "~/auth.server";
import { downloadFile } from "~/components/download-file";
import { addOverride, importOverridesCsv, pageOverrides, removeOverride } from "~/connections/sku-mapping.server";
import { mappingActionSchema, type MappingActionData } from "./mapping-action";
import { AddOverrideCard } from "./add-override-card";
import { OverridesTable } from "./overrides-table";
import { ImportCard } from "./import-card";
import { requireShopConnection } from "./connection.server";

const SHOWN_PROBLEMS = 50;

const pageQuerySchema = z.object({
  q: z.string().trim().max(100).catch("").default(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, connection } = await requireShopConnection({ request, params });
  const query = pageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ connection, query, ...(await pageOverrides(shop, connection.id, query)) });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connectionId = params.connectionId ?? "";
  const parsed = mappingActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return json<MappingActionData>({ intent: "add", ok: false, errors: { form: "Unknown action" } }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "import") {
    const result = await importOverridesCsv(shop, connectionId, input.csv);
    if (!result.ok) {
      return json<MappingActionData>(
        {
          intent: "import",
          ok: false,
          problems: result.problems.slice(0, SHOWN_PROBLEMS),
          problemCount: result.problems.length,
        },
        { status: result.notFound ? 404 : 400 },
      );
    }
    return json<MappingActionData>({
      intent: "import",
      ok: true,
      created: result.created,
      removed: result.removed,
      unchanged: result.unchanged,
      changedSkus: result.changedShopifySkus.length,
    });
  }
  const result =
    input.intent === "add"
      ? await addOverride(shop, connectionId, input)
      : await removeOverride(shop, connectionId, input.shopifySku);
  if (!result.ok)
    return json<MappingActionData>(
      { intent: input.intent, ok: false, errors: result.errors },
      { status: result.notFound ? 404 : 400 },
    );
  return json<MappingActionData>({ intent: input.intent, ok: true, errors: {} });
};

export default function SkuMappingPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as MappingActionData | undefined;
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const base = `/app/stock/${encodeURIComponent(data.connection.id)}`;

  const exportCsv = async () => {
    setExportError(null);
    setExporting(true);
    try {
      // The route names the file after the connection; the fallback is for a response without that header.
      await downloadFile(`${base}/mapping.csv`, "sku-mapping.csv");
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(false);
    }
  };

  const addErrors = actionData && actionData.intent !== "import" && !actionData.ok ? actionData.errors : {};
  return (
    <Page
      title="SKU mapping"
      subtitle={data.connection.name}
      backAction={{ content: "Stock", url: `/app/stock?connection=${encodeURIComponent(data.connection.id)}` }}
      secondaryActions={[
        {
          content: "Export CSV",
          onAction: exportCsv,
          loading: exporting,
          accessibilityLabel: "Export the SKU overrides as CSV",
        },
        { content: "Stock & price settings", url: `${base}/settings` },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              Every Shopify SKU feeds the marketplace offer with the same SKU. An override sends a Shopify SKU's stock
              to another offer SKU instead; the offer named like the Shopify SKU is then no longer fed by it.
            </Text>
            {exportError && (
              <Banner tone="critical" onDismiss={() => setExportError(null)}>
                {exportError}
              </Banner>
            )}
            {actionData?.intent === "remove" && actionData.ok && (
              <Banner tone="success">Override removed. The affected offers are being recomputed.</Banner>
            )}
            {actionData?.intent === "add" && actionData.ok && (
              <Banner tone="success">Override added. The affected offers are being recomputed.</Banner>
            )}
            {addErrors.form && <Banner tone="critical">{addErrors.form}</Banner>}
            <AddOverrideCard actionData={actionData} />
            <OverridesTable
              rows={data.rows}
              all={data.all}
              total={data.total}
              page={data.query.page}
              pageCount={data.pageCount}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <ImportCard actionData={actionData} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
