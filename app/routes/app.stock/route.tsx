import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Select,
  Tabs,
  Text,
  TextField,
  Tooltip,
} from "@shopify/polaris";
import { ListPager, useListParams } from "~/components/list-navigation";
import { z } from "zod";
import { requireShop } from "~/auth.server";
import { loadStockPage, type StockRowStatus } from "./stock-page.server";
import { stockFilters, stockQuerySchema } from "./stock-query";
import { requestManualReconcile } from "~/sync/stock/reconcile.server";

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

const statusBadge: Record<
  StockRowStatus,
  { tone?: "success" | "attention" | "critical" | "info" | "warning"; label: string }
> = {
  "in-sync": { tone: "success", label: "In sync" },
  pending: { tone: "attention", label: "Pending push" },
  held: { tone: "warning", label: "Held: not configured" },
  drifted: { tone: "warning", label: "Drifted" },
  error: { tone: "critical", label: "Refused" },
  excluded: { label: "Not managed" },
  "not-pushed": { tone: "info", label: "Not pushed yet" },
};

const filterLabels: Record<(typeof stockFilters)[number], string> = {
  all: "All",
  pending: "Pending",
  drifted: "Drifted",
  error: "In error",
  unmapped: "Not on marketplace",
  excluded: "Not managed",
};

const phaseLabels: Record<string, string> = {
  catalog: "Reading the Shopify catalogue",
  recompute: "Computing sellable stock",
  "mirakl-export": "Asking Mirakl for its offers",
  "mirakl-wait": "Waiting for Mirakl's offer export",
  compare: "Comparing",
  starting: "Starting",
};

export default function StockPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { searchParams, setParam } = useListParams();
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

  const selectedFilter = stockFilters.indexOf(data.query.filter);
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
            {data.currentRun && (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    Reconciling ({data.currentRun.kind.toLowerCase()}):{" "}
                    {phaseLabels[data.currentRun.phase] ?? data.currentRun.phase}
                  </Text>
                  <ProgressBar progress={Math.round(data.currentRun.progress * 100)} size="small" />
                  <Text as="p" tone="subdued">
                    {data.currentRun.skusCompared} offers compared, {data.currentRun.drifts} drifted so far
                  </Text>
                </BlockStack>
              </Card>
            )}
            <Card padding="0">
              <Tabs
                tabs={stockFilters.map((f) => ({
                  id: `filter-${f}`,
                  content:
                    f !== "all" && data.counts && f in data.counts
                      ? `${filterLabels[f]} (${data.counts[f as keyof typeof data.counts]})`
                      : filterLabels[f],
                }))}
                selected={selectedFilter < 0 ? 0 : selectedFilter}
                onSelect={(i) => setParam("filter", stockFilters[i] === "all" ? "" : stockFilters[i])}
              />
              <Box padding="300">
                <TextField
                  label="Search SKU"
                  labelHidden
                  placeholder="Search Shopify or offer SKU"
                  autoComplete="off"
                  value={searchParams.get("q") ?? ""}
                  onChange={(value) => setParam("q", value)}
                  clearButton
                  onClearButtonClick={() => setParam("q", "")}
                />
              </Box>
              <IndexTable
                resourceName={{ singular: "offer", plural: "offers" }}
                itemCount={data.rows.length}
                selectable={false}
                loading={busy}
                emptyState={
                  <Box padding="600">
                    <Text as="p" alignment="center" tone="subdued">
                      No offer matches. Stock appears here as soon as the Shopify catalogue is read.
                    </Text>
                  </Box>
                }
                headings={[
                  { title: "Offer SKU" },
                  { title: "Shopify SKU" },
                  { title: "Sellable", alignment: "end" },
                  { title: "Why" },
                  { title: "Pushed", alignment: "end" },
                  { title: "On Mirakl", alignment: "end" },
                  { title: "Last push" },
                  { title: "Status" },
                ]}
              >
                {data.rows.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {row.offerSku}
                      </Text>
                      {row.warehouseCode && <Text as="span" tone="subdued">{` @ ${row.warehouseCode}`}</Text>}
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.shopifySku ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {row.desiredQuantity ?? "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Explanation explanation={row.explanation} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {row.pushedQuantity ?? "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {row.miraklQuantity ?? "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.pushedAt ? new Date(row.pushedAt).toLocaleString() : "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <span title={row.lastPushError ?? undefined}>
                        <Badge tone={statusBadge[row.status].tone}>{statusBadge[row.status].label}</Badge>
                      </span>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
              <ListPager
                page={data.query.page}
                pageCount={data.pageCount}
                total={data.total}
                noun="offers"
                onPage={(page) => setParam("page", String(page))}
              />
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingSm">
                Drift found per reconciliation
              </Text>
              <DriftChart
                runs={data.runs.map((r) => ({
                  id: r.id,
                  drifts: r.drifts,
                  startedAt: r.startedAt,
                  kind: r.kind,
                  failed: Boolean(r.error),
                }))}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Why this sellable number: the arithmetic on the row, every step on hover or keyboard focus. */
function Explanation({ explanation }: { explanation: { summary: string; details: string[] } | null }) {
  if (!explanation)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  return (
    <Tooltip
      content={
        <BlockStack gap="100">
          {explanation.details.map((line, i) => (
            <Text as="p" key={i}>
              {line}
            </Text>
          ))}
        </BlockStack>
      }
      preferredPosition="below"
    >
      {/* Focusable so the details open from the keyboard too; the visible summary is what a screen reader reads.
          IndexTable cells do not wrap; an explanation must, or it pushes the other columns out of view. */}
      <span tabIndex={0} style={{ display: "block", whiteSpace: "normal", minWidth: 200, maxWidth: 300 }}>
        <Text as="span" tone="subdued" breakWord>
          {explanation.summary}
        </Text>
      </span>
    </Tooltip>
  );
}

/** A small bar chart; Polaris has none and a chart library would be heavy for twenty bars. */
function DriftChart({
  runs,
}: {
  runs: { id: string; drifts: number; startedAt: string; kind: string; failed: boolean }[];
}) {
  if (runs.length === 0) {
    return (
      <Text as="p" tone="subdued">
        No reconciliation has run yet. One runs every hour (a full one every night), or press Reconcile now.
      </Text>
    );
  }
  const width = 280;
  const height = 120;
  const max = Math.max(1, ...runs.map((r) => r.drifts));
  const slot = width / runs.length;
  return (
    <svg
      width="100%"
      viewBox={`0 0 ${width} ${height + 16}`}
      role="img"
      aria-label="Drifts found per reconciliation run"
    >
      {runs.map((run, i) => {
        const h = Math.max(1, (run.drifts / max) * height);
        return (
          <g key={run.id}>
            <title>{`${new Date(run.startedAt).toLocaleString()} (${run.kind.toLowerCase()}): ${run.failed ? "failed" : `${run.drifts} drifted`}`}</title>
            <rect
              x={i * slot + 2}
              y={height - h}
              width={Math.max(2, slot - 4)}
              height={h}
              rx={2}
              fill={run.failed ? "#c70a24" : run.drifts ? "#b98900" : "#29845a"}
            />
          </g>
        );
      })}
      <text x={0} y={height + 13} fontSize={10} fill="#616161">
        max {max}
      </text>
    </svg>
  );
}
