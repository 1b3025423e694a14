import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "~/auth.server";
import { listConnections } from "~/connections/connections.server";
import { exportConnections, importConnections, IMPORT_MAX_BYTES } from "~/connections/transfer.server";
import { ConnectionsTable } from "./connections-table";
import { ImportResult } from "./import-result";
import { TransferCard } from "./transfer-card";

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
  const lastImport = actionData?.intent === "import" ? actionData : undefined;

  return (
    <Page
      title="Marketplace connections"
      subtitle="Settings · the Mirakl marketplaces this shop sells on"
      primaryAction={{ content: "Add connection", url: "/app/connections/new" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {lastImport && <ImportResult answer={lastImport} />}
            <ConnectionsTable connections={connections} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <TransferCard hasConnections={connections.length > 0} lastImport={lastImport} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
