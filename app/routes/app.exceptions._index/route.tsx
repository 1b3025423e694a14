import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  ChoiceList,
  EmptyState,
  Filters,
  IndexTable,
  Layout,
  Page,
  Tabs,
  Text,
  useIndexResourceState,
} from "@shopify/polaris";
import { ListPager } from "~/components/list-navigation";
import { requireShop } from "~/auth.server";
import {
  applyExceptionAction,
  connectionNames,
  exceptionActionSchema,
  listExceptions,
  parseExceptionFilters,
} from "~/exceptions/queue.server";
import { exceptionKindLabels, exceptionStatusLabels, severityTone } from "~/exceptions/labels";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const filters = parseExceptionFilters(new URL(request.url).searchParams);
  const [result, connections] = await Promise.all([listExceptions(shop, filters), connectionNames(shop)]);
  return json({ ...result, filters, connections });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const parsed = exceptionActionSchema.safeParse({ intent: form.get("intent"), ids: form.getAll("ids") });
  if (!parsed.success) {
    return json({ ok: false as const, error: parsed.error.issues[0]?.message ?? "Invalid request" }, { status: 400 });
  }
  return json({ ok: true as const, result: await applyExceptionAction(shop, parsed.data) });
};

const statusTabs = ["OPEN", "RESOLVED", "DISMISSED", "ALL"] as const;
const actionVerbs = {
  retry: "queued for retry",
  dismiss: "dismissed",
  resolve: "marked resolved",
  reopen: "reopened",
} as const;

export default function ExceptionsPage() {
  const { rows, total, page, pageCount, countsByStatus, filters, connections } = useLoaderDataWithPage();
  const actionData = useActionData<typeof action>();
  const [searchParams, setSearchParams] = useSearchParams();
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";

  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(rows);

  const updateParams = (mutate: (p: URLSearchParams) => void) => {
    const next = new URLSearchParams(searchParams);
    mutate(next);
    next.delete("page");
    clearSelection();
    setSearchParams(next);
  };
  const setList = (name: string, values: string[]) =>
    updateParams((p) => {
      p.delete(name);
      values.forEach((v) => p.append(name, v));
    });

  const act = (intent: "retry" | "dismiss" | "resolve" | "reopen", ids: string[]) => {
    const form = new FormData();
    form.set("intent", intent);
    ids.forEach((id) => form.append("ids", id));
    submit(form, { method: "post" });
    clearSelection();
  };

  const selectedTab = statusTabs.indexOf(filters.status as (typeof statusTabs)[number]);
  const tabs = statusTabs.map((status) => ({
    id: `status-${status}`,
    content:
      status === "ALL"
        ? "All"
        : `${exceptionStatusLabels[status]} (${countsByStatus[status as keyof typeof countsByStatus] ?? 0})`,
    panelID: `status-${status}-panel`,
  }));

  const appliedFilters = [
    ...(filters.kind.length
      ? [
          {
            key: "kind",
            label: `Kind: ${filters.kind.map((k) => exceptionKindLabels[k] ?? k).join(", ")}`,
            onRemove: () => setList("kind", []),
          },
        ]
      : []),
    ...(filters.connectionId.length
      ? [
          {
            key: "connectionId",
            label: `Marketplace: ${filters.connectionId.map((c) => connections[c] ?? c).join(", ")}`,
            onRemove: () => setList("connectionId", []),
          },
        ]
      : []),
  ];

  const rowMarkup = rows.map((row, index) => (
    <IndexTable.Row id={row.id} key={row.id} position={index} selected={selectedResources.includes(row.id)}>
      <IndexTable.Cell>
        <Badge tone={severityTone[row.severity]}>{row.severity.toLowerCase()}</Badge>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Link to={`/app/exceptions/${row.id}`} data-primary-link onClick={(e) => e.stopPropagation()}>
          <Text as="span" fontWeight="semibold">
            {exceptionKindLabels[row.kind] ?? row.kind}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={{ maxWidth: 480, whiteSpace: "normal" }}>{row.message}</div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {row.connectionId ? (connections[row.connectionId] ?? "Removed connection") : "Shop"}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {row.occurrences}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{new Date(row.lastSeenAt).toLocaleString()}</IndexTable.Cell>
      <IndexTable.Cell>{exceptionStatusLabels[row.status]}</IndexTable.Cell>
    </IndexTable.Row>
  ));

  const emptyState = (
    <EmptyState
      heading={
        filters.status === "OPEN" && appliedFilters.length === 0
          ? "Nothing needs your attention"
          : "No exceptions match"
      }
      image=""
    >
      <p>
        Every sync failure lands here as one row per problem: rejected webhooks, Mirakl calls refused, stock imports
        with bad lines, orders that could not be accepted or created, unmapped carriers, refunds Mirakl declined. Each
        comes with a fix hint, and you can retry, resolve or dismiss it.
      </p>
    </EmptyState>
  );

  return (
    <Page title="Exceptions" subtitle="Every sync failure, with what to do about it">
      <Layout>
        <Layout.Section>
          <BlockStack gap="300">
            {actionData && !actionData.ok && <Banner tone="critical">{actionData.error}</Banner>}
            {actionData?.ok && (
              <Banner tone={actionData.result.affected ? "success" : "warning"}>
                {actionData.result.affected} exception{actionData.result.affected === 1 ? "" : "s"}{" "}
                {actionVerbs[actionData.result.intent]}
                {actionData.result.skipped
                  ? ` · ${actionData.result.skipped} skipped (nothing to ${actionData.result.intent})`
                  : ""}
              </Banner>
            )}
            <Card padding="0">
              <Tabs
                tabs={tabs}
                selected={selectedTab < 0 ? 0 : selectedTab}
                onSelect={(i) => updateParams((p) => p.set("status", statusTabs[i]))}
              />
              <div style={{ padding: "8px 12px" }}>
                <Filters
                  queryValue=""
                  hideQueryField
                  onQueryChange={() => {}}
                  onQueryClear={() => {}}
                  onClearAll={() => updateParams((p) => (p.delete("kind"), p.delete("connectionId")))}
                  appliedFilters={appliedFilters}
                  filters={[
                    choiceFilter("kind", "Kind", exceptionKindLabels, filters.kind, setList),
                    choiceFilter("connectionId", "Marketplace", connections, filters.connectionId, setList),
                  ]}
                />
              </div>
              <IndexTable
                resourceName={{ singular: "exception", plural: "exceptions" }}
                itemCount={rows.length}
                selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
                onSelectionChange={handleSelectionChange}
                loading={busy}
                emptyState={emptyState}
                promotedBulkActions={[
                  { content: "Retry", onAction: () => act("retry", selectedResources) },
                  { content: "Dismiss", onAction: () => act("dismiss", selectedResources) },
                ]}
                bulkActions={[
                  { content: "Mark resolved", onAction: () => act("resolve", selectedResources) },
                  { content: "Reopen", onAction: () => act("reopen", selectedResources) },
                ]}
                headings={[
                  { title: "Severity" },
                  { title: "Kind" },
                  { title: "Problem" },
                  { title: "Marketplace" },
                  { title: "Count", alignment: "end" },
                  { title: "Last seen" },
                  { title: "Status" },
                ]}
              >
                {rowMarkup}
              </IndexTable>
              <ListPager
                page={page}
                pageCount={pageCount}
                total={total}
                noun="exceptions"
                onPage={(next) => setSearchParams((p) => (p.set("page", String(next)), p))}
              />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function useLoaderDataWithPage() {
  const data = useLoaderData<typeof loader>();
  return { ...data, page: data.filters.page };
}

function choiceFilter(
  key: string,
  label: string,
  options: Record<string, string>,
  selected: string[],
  onChange: (key: string, values: string[]) => void,
) {
  return {
    key,
    label,
    shortcut: true,
    filter: (
      <ChoiceList
        title={label}
        titleHidden
        allowMultiple
        choices={Object.entries(options).map(([value, text]) => ({ value, label: text }))}
        selected={selected}
        onChange={(values) => onChange(key, values)}
      />
    ),
  };
}
