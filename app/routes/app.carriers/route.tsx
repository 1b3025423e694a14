import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  EmptyState,
  FormLayout,
  Layout,
  Page,
  Select,
  Tabs,
  Text,
} from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { SectionCard } from "~/components/section-card";
import { applyCarriersAction, loadCarriersPage } from "./carriers-page.server";
import { CarrierMap, Hidden, WaitingOrdersBanner, type Selected } from "./carrier-map-card";
import { CarrierMapFileCard } from "./carrier-map-file-card";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const connectionId = new URL(request.url).searchParams.get("connection");
  return json(await loadCarriersPage(shop, connectionId));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = Object.fromEntries(await request.formData());
  const connectionId = typeof form.connectionId === "string" ? form.connectionId : "";
  const result = await applyCarriersAction(shop, connectionId, form);
  return json(result, { status: result.ok ? 200 : 400 });
};

export default function CarriersPage() {
  const { connections, selected } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigate = useNavigate();
  if (!selected)
    return (
      <Page title="Carriers">
        <Card>
          <EmptyState
            heading="No marketplace connection yet"
            action={{ content: "Add a connection", url: "/app/connections/new" }}
            image=""
          >
            <p>Each marketplace has its own carrier codes: connect one to map your Shopify carriers to them.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  const tab = Math.max(
    0,
    connections.findIndex((c) => c.id === selected.id),
  );
  return (
    <Page title="Carriers" subtitle="Which marketplace carrier each Shopify tracking company ships as, per marketplace">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Tabs
              tabs={connections.map((c) => ({ id: c.id, content: c.name }))}
              selected={tab}
              onSelect={(index) => navigate(`/app/carriers?connection=${encodeURIComponent(connections[index]!.id)}`)}
            />
            {actionData &&
              (actionData.ok ? (
                <Banner tone="success">{actionData.message}</Banner>
              ) : (
                // An import's problems are listed on its card, by line.
                !actionData.problems && (
                  <Banner tone="critical" title="Nothing was changed">
                    {actionData.problem}
                  </Banner>
                )
              ))}
            <WaitingOrdersBanner selected={selected} />
            <MarketplaceCarriers selected={selected} />
            <CarrierMap selected={selected} />
            <CarrierMapFileCard selected={selected} actionData={actionData} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function alternativeText(allowed: boolean | null): string {
  if (allowed === null)
    return "Test the connection to learn whether this marketplace accepts carriers outside its list.";
  return allowed
    ? "This marketplace accepts carriers outside its list: an unmapped company is sent by name with its tracking URL."
    : "This marketplace accepts only its own carriers: a shipment with an unmapped company waits until you map it.";
}

function MarketplaceCarriers({ selected }: { selected: Selected }) {
  const submitting = useNavigation().state === "submitting";
  const [defaultCode, setDefaultCode] = useState(selected.defaultCarrierCode ?? "");
  return (
    <SectionCard title="Marketplace carriers" gap="300">
      <Text as="p" tone="subdued">
        {selected.carriers.length
          ? `${selected.carriers.length} carriers, read from Mirakl (SH21) ${new Date(selected.carriersReadAt!).toLocaleString()}; read again every day.`
          : "Not read from Mirakl yet."}{" "}
        {alternativeText(selected.alternativeCarriersAllowed)}
      </Text>
      <Form method="post">
        <Hidden intent="refresh" connectionId={selected.id} />
        <Button submit loading={submitting}>
          {selected.carriers.length ? "Read the carriers again" : "Read the marketplace's carriers"}
        </Button>
      </Form>
      {selected.carriers.length > 0 && (
        <Form method="post">
          <Hidden intent="default" connectionId={selected.id} />
          <FormLayout>
            <Select
              label="Default carrier"
              name="code"
              helpText="For a fulfilment that names no tracking company. Without one, such a shipment waits for you."
              options={[
                { label: "None", value: "" },
                ...selected.carriers.map((c) => ({ label: `${c.label} (${c.code})`, value: c.code })),
              ]}
              value={defaultCode}
              onChange={setDefaultCode}
            />
            <Button submit>Save the default carrier</Button>
          </FormLayout>
        </Form>
      )}
    </SectionCard>
  );
}
