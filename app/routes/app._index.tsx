import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  List,
  Page,
  Text,
} from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { SectionCard } from "~/components/section-card";
import { shopOverview } from "~/shops/overview.server";
import { downloadFile } from "~/components/download-file";
import { countOrdersAtRisk } from "~/routes/app.orders._index/orders-page.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const now = new Date();
  const [overview, ordersAtRisk] = await Promise.all([shopOverview(shop, now), countOrdersAtRisk(shop, now)]);
  return json({ ...overview, ordersAtRisk });
};

export default function Overview() {
  const { openExceptions, inbox, failingUnits, connections, stockNotConfigured, dataRequests, ordersAtRisk } =
    useLoaderData<typeof loader>();
  const openTotal = Object.values(openExceptions).reduce((a, b) => a + b, 0);
  return (
    <Page title="Overview">
      <Layout>
        {stockNotConfigured.map((c) => (
          <Layout.Section key={c.id}>
            <Banner
              tone="warning"
              title={`${c.name}: choose the locations that supply this marketplace`}
              action={{ content: "Choose locations", url: `/app/stock/${encodeURIComponent(c.id)}/settings` }}
            >
              No stock is pushed to {c.name} until its stock rules are saved: with no location chosen every offer would
              be set to 0.
            </Banner>
          </Layout.Section>
        ))}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2, lg: 4 }} gap="400">
            <StatCard title="Open exceptions" value={openTotal}>
              <BlockStack gap="100">
                {(["CRITICAL", "ERROR", "WARNING", "INFO"] as const)
                  .filter((s) => openExceptions[s])
                  .map((s) => (
                    <Text as="span" key={s}>
                      <Badge tone={s === "WARNING" ? "warning" : s === "INFO" ? "info" : "critical"}>
                        {s.toLowerCase()}
                      </Badge>{" "}
                      {openExceptions[s]}
                    </Text>
                  ))}
              </BlockStack>
              <Link to="/app/exceptions">Work the queue</Link>
            </StatCard>
            <StatCard title="Orders at risk" value={ordersAtRisk}>
              <Text as="p" tone="subdued">
                {ordersAtRisk === 0
                  ? "No waiting order is near its acceptance deadline."
                  : "waiting orders past half their acceptance window"}
              </Text>
              {ordersAtRisk > 0 ? (
                <Link to="/app/orders?deadline=soon">See them</Link>
              ) : (
                <Link to="/app/orders">All orders</Link>
              )}
            </StatCard>
            <StatCard title="Webhook inbox" value={inbox.pending}>
              <Text as="p" tone="subdued">
                {inbox.pending === 0
                  ? "Every Shopify event has been processed."
                  : `waiting; the oldest for ${inbox.oldestPendingSeconds}s`}
              </Text>
            </StatCard>
            <StatCard title="Marketplace connections" value={connections.enabled}>
              <Text as="p" tone="subdued">
                enabled{connections.disabled ? `, ${connections.disabled} disabled` : ""}
              </Text>
            </StatCard>
          </InlineGrid>
        </Layout.Section>
        {failingUnits.length > 0 && (
          <Layout.Section>
            <SectionCard title="Background work being retried" size="sm" gap="200">
              <List>
                {failingUnits.map((u) => (
                  <List.Item key={u.key}>
                    {u.key}: {u.lastError} (next try {new Date(u.nextTryAt).toLocaleTimeString()})
                  </List.Item>
                ))}
              </List>
            </SectionCard>
          </Layout.Section>
        )}
        {dataRequests.length > 0 && (
          <Layout.Section>
            <CustomerDataRequests requests={dataRequests} />
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}

type DataRequest = { id: string; customerRef: string | null; requestRef: string | null; receivedAt: string };

/** customers/data_request: Shopify asks the merchant to hand the customer what each app holds; this is our part. */
function CustomerDataRequests({ requests }: { requests: DataRequest[] }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          Customer data requests
        </Text>
        <Text as="p" tone="subdued">
          What this app holds about the customer, as a file to send them.
        </Text>
        {error && <Banner tone="critical">{error}</Banner>}
        {requests.map((r) => (
          <InlineStack key={r.id} gap="300" blockAlign="center">
            <Text as="span">
              Customer {r.customerRef ?? "unknown"}
              {r.requestRef ? ` (request ${r.requestRef})` : ""}, {new Date(r.receivedAt).toLocaleDateString()}
            </Text>
            <Button
              variant="plain"
              accessibilityLabel={`Download the data file for customer ${r.customerRef ?? "unknown"}`}
              onClick={() =>
                downloadFile(`/app/data-requests/${encodeURIComponent(r.id)}`, "customer-data.json").catch((e) =>
                  setError((e as Error).message),
                )
              }
            >
              Download file
            </Button>
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function StatCard({ title, value, children }: { title: string; value: number; children: React.ReactNode }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          {title}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}
