import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  EmptyState,
  FormLayout,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { SectionCard } from "~/components/section-card";
import { applyCarriersAction, loadCarriersPage, type CarriersPage } from "./carriers-page.server";

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

type Selected = NonNullable<CarriersPage["selected"]>;

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
                <Banner tone="critical" title="Nothing was changed">
                  {actionData.problem}
                </Banner>
              ))}
            <MarketplaceCarriers selected={selected} />
            <CarrierMap selected={selected} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Hidden({ intent, connectionId }: { intent: string; connectionId: string }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="connectionId" value={connectionId} />
    </>
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

function CarrierMap({ selected }: { selected: Selected }) {
  const [company, setCompany] = useState("");
  const [code, setCode] = useState(selected.carriers[0]?.code ?? "");
  const carrierOptions = selected.carriers.map((c) => ({ label: `${c.label} (${c.code})`, value: c.code }));
  return (
    <SectionCard title="Carrier map" gap="300">
      <Text as="p" tone="subdued">
        Suggested matches are used only once you confirm them. A shipment blocked by an unmapped carrier goes out by
        itself once you map it.
      </Text>
      {selected.mappings.length === 0 ? (
        <Text as="p">No carrier mapped yet.</Text>
      ) : (
        <IndexTable
          resourceName={{ singular: "carrier", plural: "carriers" }}
          itemCount={selected.mappings.length}
          selectable={false}
          headings={[
            { title: "Shopify tracking company" },
            { title: "Marketplace carrier" },
            { title: "Status" },
            { title: "" },
          ]}
        >
          {selected.mappings.map((m, index) => (
            <IndexTable.Row id={m.company} key={m.company} position={index}>
              <IndexTable.Cell>{m.company}</IndexTable.Cell>
              <IndexTable.Cell>{m.miraklLabel ? `${m.miraklLabel} (${m.miraklCode})` : m.miraklCode}</IndexTable.Cell>
              <IndexTable.Cell>
                {m.miraklLabel === null ? (
                  <Badge tone="critical">No longer a marketplace carrier</Badge>
                ) : m.confirmed ? (
                  <Badge tone="success">Mapped</Badge>
                ) : (
                  <Badge tone="attention">Suggested</Badge>
                )}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="200">
                  {!m.confirmed && m.miraklLabel !== null && (
                    <Form method="post">
                      <Hidden intent="map" connectionId={selected.id} />
                      <input type="hidden" name="company" value={m.company} />
                      <input type="hidden" name="code" value={m.miraklCode} />
                      <Button submit size="slim" accessibilityLabel={`Confirm ${m.company} as ${m.miraklCode}`}>
                        Confirm
                      </Button>
                    </Form>
                  )}
                  <Form method="post">
                    <Hidden intent="unmap" connectionId={selected.id} />
                    <input type="hidden" name="company" value={m.company} />
                    <Button submit size="slim" variant="plain" accessibilityLabel={`Remove ${m.company}`}>
                      Remove
                    </Button>
                  </Form>
                </InlineStack>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
      {carrierOptions.length > 0 && (
        <Form method="post">
          <Hidden intent="map" connectionId={selected.id} />
          <FormLayout>
            <FormLayout.Group>
              <TextField
                label="Shopify tracking company"
                name="company"
                autoComplete="off"
                value={company}
                onChange={setCompany}
                helpText={`As it appears on your fulfilments, e.g. ${selected.unmappedCompanies.slice(0, 3).join(", ")}`}
              />
              <Select label="Ships as" name="code" options={carrierOptions} value={code} onChange={setCode} />
            </FormLayout.Group>
            <Button submit variant="primary" disabled={company.trim() === ""}>
              Map carrier
            </Button>
          </FormLayout>
        </Form>
      )}
    </SectionCard>
  );
}
