import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useFetcher, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  List,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireShop } from "~/auth.server";
import { listConnections } from "~/connections/connections.server";
import { exportConnections, importConnections, IMPORT_MAX_BYTES } from "~/connections/transfer.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connections = await listConnections(shop);
  return json({
    connections: connections.map((c) => ({
      id: c.id,
      name: c.name,
      baseUrl: c.baseUrl,
      enabled: c.enabled,
      hasApiKey: c.hasApiKey,
      lastCheck: c.settings.lastCheck
        ? {
            ok: c.settings.lastCheck.ok,
            at: c.settings.lastCheck.at,
            shopName: c.settings.lastCheck.shopName,
            message: c.settings.lastCheck.message,
          }
        : null,
    })),
  });
};

const importFormSchema = z.object({
  onClash: z.enum(["rename", "skip"], { error: "Choose what to do with names that already exist" }).default("rename"),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "export") {
    const data = await exportConnections(shop);
    return json({
      intent: "export" as const,
      filename: `mirakl-connections-${shop.replace(/\.myshopify\.com$/, "")}.json`,
      content: JSON.stringify(data, null, 2),
    });
  }
  if (intent === "import") {
    const options = importFormSchema.safeParse({ onClash: form.get("onClash") ?? undefined });
    if (!options.success)
      return json(
        { intent: "import" as const, ok: false as const, errors: [options.error.issues[0]!.message] },
        { status: 400 },
      );
    const file = form.get("file");
    let text = typeof form.get("payload") === "string" ? String(form.get("payload")) : "";
    if (file && typeof file !== "string" && file.size > 0) {
      if (file.size > IMPORT_MAX_BYTES)
        return json(
          {
            intent: "import" as const,
            ok: false as const,
            errors: ["This file is too large to be a connections export"],
          },
          { status: 400 },
        );
      text = await file.text();
    }
    const result = await importConnections(shop, text, options.data.onClash);
    if (!result.ok)
      return json({ intent: "import" as const, ok: false as const, errors: result.errors }, { status: 400 });
    return json({
      intent: "import" as const,
      ok: true as const,
      created: result.created.map((c) => ({ id: c.connection.id, name: c.name, originalName: c.originalName })),
      skipped: result.skipped,
    });
  }
  return json({ intent: null, ok: false as const, errors: ["Unknown action"] }, { status: 400 });
};

export default function ConnectionsPage() {
  const { connections } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const exporter = useFetcher<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [payload, setPayload] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [onClash, setOnClash] = useState<string[]>(["rename"]);

  // The export is fetched like any other action (so it carries the embedded session) and saved from a Blob.
  useEffect(() => {
    const data = exporter.data;
    if (exporter.state !== "idle" || !data || data.intent !== "export") return;
    const url = URL.createObjectURL(new Blob([data.content], { type: "application/json" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = data.filename;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }, [exporter.state, exporter.data]);

  useEffect(() => {
    if (actionData?.intent === "import" && actionData.ok) {
      setPayload("");
      setFile(null);
    }
  }, [actionData]);

  const startImport = () => {
    const form = new FormData();
    form.set("intent", "import");
    form.set("onClash", onClash[0] ?? "rename");
    form.set("payload", payload);
    if (file) form.set("file", file);
    submit(form, { method: "post", encType: "multipart/form-data" });
  };

  const rows = connections.map((c, index) => (
    <IndexTable.Row id={c.id} key={c.id} position={index}>
      <IndexTable.Cell>
        <Link to={`/app/connections/${c.id}`} data-primary-link>
          <Text as="span" fontWeight="semibold">
            {c.name}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>{c.baseUrl}</IndexTable.Cell>
      <IndexTable.Cell>
        {!c.hasApiKey ? (
          <Badge tone="attention">API key required</Badge>
        ) : c.enabled ? (
          <Badge tone="success">Enabled</Badge>
        ) : (
          <Badge>Disabled</Badge>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {!c.lastCheck ? (
          "Not tested"
        ) : c.lastCheck.ok ? (
          `OK: ${c.lastCheck.shopName ?? ""}`
        ) : (
          <Text as="span" tone="critical">
            {c.lastCheck.message}
          </Text>
        )}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page
      title="Marketplace connections"
      subtitle="Settings · the Mirakl marketplaces this shop sells on"
      primaryAction={{ content: "Add connection", url: "/app/connections/new" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData?.intent === "import" && !actionData.ok && (
              <Banner tone="critical" title="Nothing was imported">
                <List>
                  {actionData.errors.map((error) => (
                    <List.Item key={error}>{error}</List.Item>
                  ))}
                </List>
              </Banner>
            )}
            {actionData?.intent === "import" && actionData.ok && (
              <Banner
                tone="success"
                title={`${actionData.created.length} connection${actionData.created.length === 1 ? "" : "s"} imported, disabled until their API keys are entered`}
              >
                <List>
                  {actionData.created.map((c) => (
                    <List.Item key={c.id}>
                      {c.name === c.originalName
                        ? c.name
                        : `${c.originalName} → imported as "${c.name}" (the name was taken)`}
                    </List.Item>
                  ))}
                  {actionData.skipped.map((name) => (
                    <List.Item key={`skip-${name}`}>
                      {name}: skipped, a connection with this name already exists
                    </List.Item>
                  ))}
                </List>
              </Banner>
            )}
            <Card padding="0">
              {connections.length === 0 ? (
                <EmptyState
                  heading="Connect your first marketplace"
                  action={{ content: "Add connection", url: "/app/connections/new" }}
                  image=""
                >
                  <p>You need the marketplace's Mirakl URL and an API key from its seller back office.</p>
                </EmptyState>
              ) : (
                <IndexTable
                  itemCount={connections.length}
                  selectable={false}
                  headings={[{ title: "Name" }, { title: "Mirakl URL" }, { title: "Status" }, { title: "Last test" }]}
                >
                  {rows}
                </IndexTable>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Copy to another shop
              </Text>
              <Text as="p" tone="subdued">
                The export holds names, URLs and settings, never API keys. Imported connections stay disabled until
                their keys are entered.
              </Text>
              <InlineStack>
                <Button
                  onClick={() => exporter.submit({ intent: "export" }, { method: "post" })}
                  loading={exporter.state !== "idle"}
                  disabled={connections.length === 0}
                >
                  Export settings
                </Button>
              </InlineStack>
              <label>
                <Text as="span" variant="bodySm">
                  Export file
                </Text>
                <input
                  type="file"
                  accept="application/json,.json"
                  aria-label="Export file"
                  onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
                />
              </label>
              <TextField
                label="…or paste its contents"
                value={payload}
                onChange={setPayload}
                multiline={4}
                autoComplete="off"
                monospaced
              />
              <ChoiceList
                title="When a name already exists"
                choices={[
                  { label: "Import under a new name", value: "rename" },
                  { label: "Skip that connection", value: "skip" },
                ]}
                selected={onClash}
                onChange={setOnClash}
              />
              <InlineStack>
                <Button onClick={startImport} loading={busy} disabled={!file && !payload.trim()}>
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
