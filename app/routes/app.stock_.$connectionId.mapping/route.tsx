import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DropZone,
  IndexTable,
  InlineStack,
  Layout,
  List,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { ListPager, useListParams } from "~/components/list-navigation";
import { z } from "zod";
import { requireShop } from "~/auth.server";
import prisma from "~/db.server";
import { addOverride, importOverridesCsv, pageOverrides, removeOverride } from "~/connections/sku-mapping.server";
import { MAPPING_CSV_TOO_LARGE, MAX_MAPPING_CSV_CHARS } from "~/domain/sku-mapping";

const SHOWN_PROBLEMS = 50;

const pageQuerySchema = z.object({
  q: z.string().trim().max(100).catch("").default(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: params.connectionId ?? "", shop },
    select: { id: true, name: true },
  });
  if (!connection) throw json({ message: "No such connection" }, { status: 404 });
  const query = pageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ connection, query, ...(await pageOverrides(shop, connection.id, query)) });
};

const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    shopifySku: z.string().max(1000).default(""),
    offerSku: z.string().max(1000).default(""),
  }),
  z.object({ intent: z.literal("remove"), shopifySku: z.string().min(1).max(1000) }),
  z.object({ intent: z.literal("import"), csv: z.string().default("") }),
]);

type ActionData =
  | { intent: "add" | "remove"; ok: boolean; errors: Partial<Record<"shopifySku" | "offerSku" | "form", string>> }
  | { intent: "import"; ok: true; created: number; removed: number; unchanged: number; changedSkus: number }
  | { intent: "import"; ok: false; problems: { line: number; message: string }[]; problemCount: number };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connectionId = params.connectionId ?? "";
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return json<ActionData>({ intent: "add", ok: false, errors: { form: "Unknown action" } }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "import") {
    const result = await importOverridesCsv(shop, connectionId, input.csv);
    if (!result.ok) {
      return json<ActionData>(
        {
          intent: "import",
          ok: false,
          problems: result.problems.slice(0, SHOWN_PROBLEMS),
          problemCount: result.problems.length,
        },
        { status: result.notFound ? 404 : 400 },
      );
    }
    return json<ActionData>({
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
    return json<ActionData>(
      { intent: input.intent, ok: false, errors: result.errors },
      { status: result.notFound ? 404 : 400 },
    );
  return json<ActionData>({ intent: input.intent, ok: true, errors: {} });
};

/** Downloads the export through fetch: inside Shopify admin, App Bridge adds the session token to fetch, not to a plain link. */
async function downloadCsv(url: string, fileName: string) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The export failed (${response.status})`);
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
}

export default function SkuMappingPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const submit = useSubmit();
  const navigation = useNavigation();
  const pendingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const { searchParams, setParam } = useListParams();
  const [draft, setDraft] = useState({ shopifySku: "", offerSku: "" });
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const base = `/app/stock/${encodeURIComponent(data.connection.id)}`;

  // A successful add clears the fields; a refused one keeps what was typed.
  useEffect(() => {
    if (actionData?.intent === "add" && actionData.ok) setDraft({ shopifySku: "", offerSku: "" });
    if (actionData?.intent === "import" && actionData.ok) setFile(null);
  }, [actionData]);

  const addErrors = actionData && actionData.intent !== "import" && !actionData.ok ? actionData.errors : {};

  const onDrop = async (_all: File[], accepted: File[], rejected: File[]) => {
    setFileError(null);
    if (rejected.length > 0 || accepted.length === 0) {
      setFile(null);
      setFileError("Choose a .csv file (columns shopify_sku and offer_sku)");
      return;
    }
    const chosen = accepted[0];
    if (chosen.size > MAX_MAPPING_CSV_CHARS) {
      setFile(null);
      setFileError(MAPPING_CSV_TOO_LARGE);
      return;
    }
    setFile({ name: chosen.name, text: await chosen.text() });
  };

  const exportCsv = async () => {
    setExportError(null);
    setExporting(true);
    try {
      await downloadCsv(
        `${base}/mapping.csv`,
        `sku-mapping-${data.connection.name.replace(/[^\w-]+/g, "-").toLowerCase()}.csv`,
      );
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(false);
    }
  };

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

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Add an override
                </Text>
                <InlineStack gap="300" blockAlign="start">
                  <Box minWidth="240px">
                    <TextField
                      label="Shopify SKU"
                      autoComplete="off"
                      value={draft.shopifySku}
                      onChange={(v) => setDraft((d) => ({ ...d, shopifySku: v }))}
                      error={addErrors.shopifySku}
                    />
                  </Box>
                  <Box minWidth="240px">
                    <TextField
                      label="Offer SKU on the marketplace"
                      autoComplete="off"
                      value={draft.offerSku}
                      onChange={(v) => setDraft((d) => ({ ...d, offerSku: v }))}
                      error={addErrors.offerSku}
                    />
                  </Box>
                  <Box paddingBlockStart="600">
                    <Button
                      variant="primary"
                      loading={pendingIntent === "add"}
                      onClick={() => submit({ intent: "add", ...draft }, { method: "post" })}
                    >
                      Add override
                    </Button>
                  </Box>
                </InlineStack>
              </BlockStack>
            </Card>

            <Card padding="0">
              <Box padding="300">
                <InlineStack align="space-between" blockAlign="center" gap="300">
                  <Text as="h2" variant="headingMd">
                    Overrides ({data.all})
                  </Text>
                  <Box minWidth="280px">
                    <TextField
                      label="Search overrides"
                      labelHidden
                      placeholder="Search Shopify or offer SKU"
                      autoComplete="off"
                      value={searchParams.get("q") ?? ""}
                      onChange={(value) => setParam("q", value)}
                      clearButton
                      onClearButtonClick={() => setParam("q", "")}
                    />
                  </Box>
                </InlineStack>
              </Box>
              <IndexTable
                resourceName={{ singular: "override", plural: "overrides" }}
                itemCount={data.rows.length}
                selectable={false}
                emptyState={
                  <Box padding="600">
                    <Text as="p" alignment="center" tone="subdued">
                      {data.all === 0
                        ? "No overrides: every Shopify SKU feeds the offer with the same SKU."
                        : "No override matches."}
                    </Text>
                  </Box>
                }
                headings={[{ title: "Shopify SKU" }, { title: "Offer SKU" }, { title: "", alignment: "end" }]}
              >
                {data.rows.map((row, index) => (
                  <IndexTable.Row id={row.shopifySku} key={row.shopifySku} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {row.shopifySku}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.offerSku}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack align="end">
                        <Button
                          variant="plain"
                          tone="critical"
                          accessibilityLabel={`Remove the override of ${row.shopifySku}`}
                          loading={
                            pendingIntent === "remove" && navigation.formData?.get("shopifySku") === row.shopifySku
                          }
                          onClick={() => submit({ intent: "remove", shopifySku: row.shopifySku }, { method: "post" })}
                        >
                          Remove
                        </Button>
                      </InlineStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
              <ListPager
                page={data.query.page}
                pageCount={data.pageCount}
                total={data.total}
                noun="overrides"
                onPage={(page) => setParam("page", String(page))}
              />
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Import from CSV
              </Text>
              <Text as="p" tone="subdued">
                Columns shopify_sku and offer_sku (comma or semicolon). The file replaces every override of this
                connection; export first to edit the current set. A file with any problem changes nothing.
              </Text>
              {actionData?.intent === "import" && actionData.ok && (
                <Banner tone="success" title="Imported">
                  {actionData.created} added, {actionData.removed} removed, {actionData.unchanged} unchanged.{" "}
                  {actionData.changedSkus} Shopify SKU
                  {actionData.changedSkus === 1 ? " is" : "s are"} being recomputed.
                </Banner>
              )}
              {actionData?.intent === "import" && !actionData.ok && (
                <Banner tone="critical" title="Nothing was imported">
                  <List>
                    {actionData.problems.map((p, i) => (
                      <List.Item key={i}>{p.line > 0 ? `Line ${p.line}: ${p.message}` : p.message}</List.Item>
                    ))}
                  </List>
                  {actionData.problemCount > actionData.problems.length && (
                    <p>…and {actionData.problemCount - actionData.problems.length} more problems.</p>
                  )}
                </Banner>
              )}
              <DropZone
                label="Overrides file (CSV)"
                accept=".csv,text/csv"
                type="file"
                allowMultiple={false}
                onDrop={onDrop}
                error={Boolean(fileError)}
              >
                {file ? (
                  <Box padding="300">
                    <Text as="p">{file.name}</Text>
                  </Box>
                ) : (
                  <DropZone.FileUpload actionHint="or drop a .csv file" />
                )}
              </DropZone>
              {fileError && (
                <Text as="p" tone="critical">
                  {fileError}
                </Text>
              )}
              <InlineStack align="end">
                <Button
                  variant="primary"
                  disabled={!file}
                  loading={pendingIntent === "import"}
                  onClick={() =>
                    file &&
                    submit({ intent: "import", csv: file.text }, { method: "post", encType: "multipart/form-data" })
                  }
                >
                  Import
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
