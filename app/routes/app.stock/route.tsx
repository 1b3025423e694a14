import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { useListParams } from "~/components/list-navigation";
import { z } from "zod";
import { requireShop } from "~/auth.server";
import { requestManualReconcile } from "~/sync/stock/reconcile.server";
import { loadStockPage } from "./stock-page.server";
import { stockQuerySchema } from "./stock-query";
import { OfferTable } from "./offer-table";
import { RunProgress } from "./run-progress";
import { DriftCard } from "./drift-chart";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const query = stockQuerySchema.parse(Object.fromEntries(url.searchParams));
  return json({ ...(await loadStockPage(shop, query)), query });
};

const actionSchema = z.object({ intent: z.literal("reconcile"), connectionId: z.string().min(1).max(64) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ ok: false as const, error: "Unknown action" }, { status: 400 });
  const run = await requestManualReconcile(shop, parsed.data.connectionId);
  if (!run)
    return json({ ok: false as const, error: "This connection does not exist or is disabled" }, { status: 404 });
  return json({ ok: true as const, runId: run.id });
};

export default function StockPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { setParam } = useListParams();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const running = Boolean(data.currentRun);

  // The progress bar follows the running job.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  if (!data.connection) {
    return (
      <Page title="Stock">
        <Card>
          <EmptyState
            heading="No marketplace connection yet"
            action={{ content: "Add a connection", url: "/app/connections" }}
            image=""
          >
            <p>
              Once a Mirakl marketplace is connected, every Shopify SKU's sellable stock and what the marketplace shows
              appear here.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const settingsUrl = `/app/stock/${encodeURIComponent(data.connection.id)}/settings`;
  return (
    <Page
      title="Stock"
      subtitle="Shopify's sellable stock, what we pushed, and what the marketplace shows"
      secondaryActions={[
        {
          content: "Stock & price settings",
          url: settingsUrl,
          accessibilityLabel: `Stock and price settings for ${data.connection.name}`,
        },
        {
          content: "SKU mapping",
          url: `/app/stock/${encodeURIComponent(data.connection.id)}/mapping`,
          accessibilityLabel: `SKU mapping for ${data.connection.name}`,
        },
      ]}
      primaryAction={
        <Form method="post">
          <input type="hidden" name="intent" value="reconcile" />
          <input type="hidden" name="connectionId" value={data.connection.id} />
          <Button submit variant="primary" loading={busy} disabled={running || !data.connection.enabled}>
            Reconcile now
          </Button>
        </Form>
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData && !actionData.ok && <Banner tone="critical">{actionData.error}</Banner>}
            {!data.connection.stockConfigured && (
              <Banner
                tone="warning"
                title="Choose the locations that supply this marketplace"
                action={{ content: "Choose locations", url: settingsUrl }}
              >
                Nothing is pushed to {data.connection.name} until its stock rules are saved. With no location chosen
                every offer would be set to 0, wiping the stock the marketplace shows, so its stock is held until you
                choose.
              </Banner>
            )}
            <Card>
              <InlineStack gap="400" align="space-between" blockAlign="end">
                <Box minWidth="260px">
                  <Select
                    label="Marketplace"
                    options={data.connections.map((c) => ({
                      label: c.enabled ? c.name : `${c.name} (disabled)`,
                      value: c.id,
                    }))}
                    value={data.connection.id}
                    onChange={(value) => setParam("connection", value)}
                  />
                </Box>
                <Text as="p" tone="subdued">
                  {data.lastImport
                    ? `Last stock import ${new Date(data.lastImport.createdAt).toLocaleString()}: ${data.lastImport.lineCount} lines, ${data.lastImport.status.toLowerCase()}${data.lastImport.errorLines ? `, ${data.lastImport.errorLines} refused` : ""}`
                    : "No stock import sent yet"}
                </Text>
              </InlineStack>
            </Card>
            {data.currentRun && <RunProgress run={data.currentRun} />}
            <OfferTable
              rows={data.rows}
              counts={data.counts}
              query={data.query}
              total={data.total}
              pageCount={data.pageCount}
              loading={busy}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <DriftCard runs={data.runs} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
