import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { SectionCard } from "~/components/section-card";
import {
  applyExceptionAction,
  connectionNames,
  exceptionActionSchema,
  getException,
  isRetryable,
} from "~/exceptions/queue.server";
import { exceptionKindLabels, exceptionStatusLabels, severityTone } from "~/exceptions/labels";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const exception = await getException(shop, params.id ?? "");
  // Another shop's id looks exactly like a missing one.
  if (!exception) throw json({ message: "This exception does not exist." }, { status: 404 });
  const connections = await connectionNames(shop);
  return json({
    exception,
    connectionName: exception.connectionId ? (connections[exception.connectionId] ?? "Removed connection") : null,
    retryable: isRetryable(exception.entityType),
  });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  const parsed = exceptionActionSchema.safeParse({ intent: form.get("intent"), ids: [params.id] });
  if (!parsed.success)
    return json({ ok: false as const, error: parsed.error.issues[0]?.message ?? "Invalid request" }, { status: 400 });
  const result = await applyExceptionAction(shop, parsed.data);
  return json({ ok: true as const, result });
};

export default function ExceptionDetail() {
  const { exception, connectionName, retryable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const actionButton = (intent: string, label: string, primary = false) => (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <Button submit variant={primary ? "primary" : undefined} loading={busy}>
        {label}
      </Button>
    </Form>
  );
  return (
    <Page
      backAction={{ content: "Exceptions", url: "/app/exceptions" }}
      title={exceptionKindLabels[exception.kind] ?? exception.kind}
      titleMetadata={<Badge tone={severityTone[exception.severity]}>{exception.severity.toLowerCase()}</Badge>}
      subtitle={exceptionStatusLabels[exception.status]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData && !actionData.ok && <Banner tone="critical">{actionData.error}</Banner>}
            {actionData?.ok && actionData.result.intent === "retry" && !actionData.result.affected && (
              <Banner tone="warning">There was nothing to retry: the underlying work is not in a failed state.</Banner>
            )}
            <SectionCard title="What happened">
              <Text as="p">{exception.message}</Text>
              <Text as="h2" variant="headingMd">
                How to fix it
              </Text>
              <Text as="p">{exception.fixHint}</Text>
              <InlineStack gap="200">
                {retryable && actionButton("retry", "Retry", true)}
                {exception.status !== "RESOLVED" && actionButton("resolve", "Mark resolved")}
                {exception.status !== "DISMISSED" && actionButton("dismiss", "Dismiss")}
                {exception.status !== "OPEN" && actionButton("reopen", "Reopen")}
              </InlineStack>
            </SectionCard>
            <SectionCard title="Detail" gap="200">
              <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
                  {JSON.stringify(exception.detail, null, 2)}
                </pre>
              </Box>
            </SectionCard>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <InlineGrid columns={1} gap="200">
              <Fact label="Marketplace" value={connectionName ?? "Whole shop"} />
              <Fact label="Affects" value={`${exception.entityType} ${exception.entityId}`} />
              <Fact label="Occurrences" value={String(exception.occurrences)} />
              <Fact label="First seen" value={new Date(exception.firstSeenAt).toLocaleString()} />
              <Fact label="Last seen" value={new Date(exception.lastSeenAt).toLocaleString()} />
              {exception.lastRetryAt && (
                <Fact
                  label="Last retry"
                  value={`${new Date(exception.lastRetryAt).toLocaleString()} (${exception.retryCount} in all)`}
                />
              )}
            </InlineGrid>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" breakWord>
        {value}
      </Text>
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return (
    <Page backAction={{ content: "Exceptions", url: "/app/exceptions" }} title="Exception not found">
      <Banner tone="warning">This exception does not exist, or it belongs to another shop.</Banner>
    </Page>
  );
}
