import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Card, IndexTable, Layout, Page, Tabs, useIndexResourceState } from "@shopify/polaris";
import { ListPager } from "~/components/list-navigation";
import { requireShop } from "~/auth.server";
import {
  applyExceptionAction,
  connectionNames,
  exceptionActionSchema,
  listExceptions,
  parseExceptionFilters,
} from "~/exceptions/queue.server";
import { exceptionStatusLabels } from "~/exceptions/labels";
import { ExceptionFilters } from "./exception-filters";
import { ExceptionRows, ExceptionsEmptyState } from "./exception-rows";

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
  const { rows, total, pageCount, countsByStatus, filters, connections } = useLoaderData<typeof loader>();
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
  const filtered = filters.kind.length > 0 || filters.connectionId.length > 0;

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
              <ExceptionFilters
                kind={filters.kind}
                connectionId={filters.connectionId}
                connections={connections}
                setList={setList}
                clearAll={() => updateParams((p) => (p.delete("kind"), p.delete("connectionId")))}
              />
              <IndexTable
                resourceName={{ singular: "exception", plural: "exceptions" }}
                itemCount={rows.length}
                selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
                onSelectionChange={handleSelectionChange}
                loading={busy}
                emptyState={<ExceptionsEmptyState allClear={filters.status === "OPEN" && !filtered} />}
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
                <ExceptionRows rows={rows} selected={selectedResources} connections={connections} />
              </IndexTable>
              <ListPager
                page={filters.page}
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
