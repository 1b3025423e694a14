import { useState } from "react";
import { Form } from "@remix-run/react";
import { Badge, Banner, Button, FormLayout, IndexTable, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { CarriersPage } from "./carriers-page.server";

/**
 * The carrier map: the companies that matter to this shop (on its fulfilments, or mapped), blocked ones first with
 * how many orders wait, each mapped in place; Shopify's other known companies are offered below.
 */

export type Selected = NonNullable<CarriersPage["selected"]>;
type Company = Selected["companies"][number];

export function Hidden({ intent, connectionId }: { intent: string; connectionId: string }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="connectionId" value={connectionId} />
    </>
  );
}

const ordersWait = (count: number) => `${count} order${count === 1 ? " waits" : "s wait"}`;

/** Says, above everything, that orders wait for the map, and what frees them. */
export function WaitingOrdersBanner({ selected }: { selected: Selected }) {
  const blocked = selected.companies.filter((c) => c.blockedOrders > 0);
  if (blocked.length === 0 && selected.noCompanyBlockedOrders === 0) return null;
  const causes = [
    ...blocked.map((c) => `${c.company} (${ordersWait(c.blockedOrders)})`),
    ...(selected.noCompanyBlockedOrders
      ? [`no tracking company (${ordersWait(selected.noCompanyBlockedOrders)})`]
      : []),
  ];
  return (
    <Banner tone="critical" title="Shipments are waiting for a carrier">
      <p>
        Blocked by {causes.join(", ")}. Map the companies marked Blocked in the carrier map
        {selected.noCompanyBlockedOrders ? ", and choose a default carrier for fulfilments without a company" : ""}:
        their shipments then go to the marketplace by themselves.
      </p>
    </Banner>
  );
}

export function CarrierMap({ selected }: { selected: Selected }) {
  const carrierOptions = selected.carriers.map((c) => ({ label: `${c.label} (${c.code})`, value: c.code }));
  const listed = selected.companies.filter((c) => c.mapping || c.seen || c.blockedOrders > 0);
  const offered = selected.companies.filter((c) => !c.mapping && !c.seen && c.blockedOrders === 0);
  const rowCount = listed.length + (selected.noCompanyBlockedOrders ? 1 : 0);
  return (
    <SectionCard title="Carrier map" gap="300">
      <Text as="p" tone="subdued">
        The tracking companies on your fulfilments and those you mapped. Suggested matches are used only once you
        confirm them. A shipment blocked by an unmapped carrier goes out by itself once you map it.
      </Text>
      {rowCount === 0 ? (
        <Text as="p">No carrier mapped or seen on a fulfilment yet.</Text>
      ) : (
        <IndexTable
          resourceName={{ singular: "carrier", plural: "carriers" }}
          itemCount={rowCount}
          selectable={false}
          headings={[
            { title: "Shopify tracking company" },
            { title: "Marketplace carrier" },
            { title: "Status" },
            { title: "" },
          ]}
        >
          {selected.noCompanyBlockedOrders > 0 && <NoCompanyRow selected={selected} carrierOptions={carrierOptions} />}
          {listed.map((company, index) => (
            <CompanyRow
              key={company.key}
              company={company}
              position={index + (selected.noCompanyBlockedOrders ? 1 : 0)}
              connectionId={selected.id}
              carrierOptions={carrierOptions}
            />
          ))}
        </IndexTable>
      )}
      {carrierOptions.length > 0 && (
        <AddMappingForm connectionId={selected.id} offered={offered} carrierOptions={carrierOptions} />
      )}
    </SectionCard>
  );
}

type CarrierOptions = { label: string; value: string }[];

function CompanyRow({
  company,
  position,
  connectionId,
  carrierOptions,
}: {
  company: Company;
  position: number;
  connectionId: string;
  carrierOptions: CarrierOptions;
}) {
  const { mapping } = company;
  const gone = mapping !== null && mapping.miraklLabel === null;
  return (
    <IndexTable.Row id={company.key} position={position}>
      <IndexTable.Cell>
        <InlineStack gap="200" blockAlign="center">
          <Text as="span">{company.company}</Text>
          {company.blockedOrders > 0 && (
            <Badge tone="critical">{`Blocked: ${ordersWait(company.blockedOrders)}`}</Badge>
          )}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {mapping ? (mapping.miraklLabel ? `${mapping.miraklLabel} (${mapping.miraklCode})` : mapping.miraklCode) : "—"}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {!mapping ? (
          <Badge>Not mapped</Badge>
        ) : gone ? (
          <Badge tone="critical">No longer a marketplace carrier</Badge>
        ) : mapping.confirmed ? (
          <Badge tone="success">Mapped</Badge>
        ) : (
          <Badge tone="attention">Suggested</Badge>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="200" blockAlign="center">
          {mapping && !mapping.confirmed && !gone && (
            <Form method="post">
              <Hidden intent="map" connectionId={connectionId} />
              <input type="hidden" name="company" value={company.company} />
              <input type="hidden" name="code" value={mapping.miraklCode} />
              <Button submit size="slim" accessibilityLabel={`Confirm ${company.company} as ${mapping.miraklCode}`}>
                Confirm
              </Button>
            </Form>
          )}
          {(!mapping || gone) && carrierOptions.length > 0 && (
            <InlineChoice
              intent="map"
              connectionId={connectionId}
              company={company.company}
              label={`Marketplace carrier for ${company.company}`}
              options={carrierOptions}
              initial={carrierOptions[0]!.value}
              button="Map"
            />
          )}
          {mapping && (
            <Form method="post">
              <Hidden intent="unmap" connectionId={connectionId} />
              <input type="hidden" name="company" value={company.company} />
              <Button submit size="slim" variant="plain" accessibilityLabel={`Remove ${company.company}`}>
                Remove
              </Button>
            </Form>
          )}
        </InlineStack>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}

/** Fulfilments that name no company ship as the default carrier: the row sets it where the blocked orders show. */
function NoCompanyRow({ selected, carrierOptions }: { selected: Selected; carrierOptions: CarrierOptions }) {
  return (
    <IndexTable.Row id="no-tracking-company" position={0}>
      <IndexTable.Cell>
        <InlineStack gap="200" blockAlign="center">
          <Text as="span">No tracking company</Text>
          <Badge tone="critical">{`Blocked: ${ordersWait(selected.noCompanyBlockedOrders)}`}</Badge>
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{selected.defaultCarrierCode ?? "—"}</IndexTable.Cell>
      <IndexTable.Cell>
        <Badge>{selected.defaultCarrierCode ? "Default carrier" : "No default carrier"}</Badge>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {carrierOptions.length > 0 && (
          <InlineChoice
            intent="default"
            connectionId={selected.id}
            label="Default carrier for fulfilments without a tracking company"
            options={carrierOptions}
            initial={selected.defaultCarrierCode ?? carrierOptions[0]!.value}
            button="Set as default"
          />
        )}
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}

/** A carrier picked in a table row and saved with one button. */
function InlineChoice(props: {
  intent: "map" | "default";
  connectionId: string;
  company?: string;
  label: string;
  options: CarrierOptions;
  initial: string;
  button: string;
}) {
  const [code, setCode] = useState(props.initial);
  return (
    <Form method="post">
      <Hidden intent={props.intent} connectionId={props.connectionId} />
      {props.company !== undefined && <input type="hidden" name="company" value={props.company} />}
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        <Select label={props.label} labelHidden name="code" options={props.options} value={code} onChange={setCode} />
        <Button submit size="slim" accessibilityLabel={`${props.button}: ${props.label}`}>
          {props.button}
        </Button>
      </InlineStack>
    </Form>
  );
}

const ANOTHER_COMPANY = "\u0000another";

/** Maps a company not listed above: one of Shopify's known companies, or one typed as it appears on fulfilments. */
function AddMappingForm({
  connectionId,
  offered,
  carrierOptions,
}: {
  connectionId: string;
  offered: Company[];
  carrierOptions: CarrierOptions;
}) {
  const [choice, setChoice] = useState(offered[0]?.company ?? ANOTHER_COMPANY);
  const [typed, setTyped] = useState("");
  const [code, setCode] = useState(carrierOptions[0]?.value ?? "");
  // Once mapped, a company leaves the list: the choice falls back to the first one still offered.
  const current =
    choice === ANOTHER_COMPANY || offered.some((c) => c.company === choice)
      ? choice
      : (offered[0]?.company ?? ANOTHER_COMPANY);
  const company = current === ANOTHER_COMPANY ? typed : current;
  return (
    <Form method="post">
      <Hidden intent="map" connectionId={connectionId} />
      <input type="hidden" name="company" value={company} />
      <FormLayout>
        <FormLayout.Group>
          <Select
            label="Shopify tracking company"
            options={[
              ...offered.map((c) => ({ label: c.company, value: c.company })),
              { label: "Another company…", value: ANOTHER_COMPANY },
            ]}
            value={current}
            onChange={setChoice}
          />
          {current === ANOTHER_COMPANY && (
            <TextField
              label="Company as it appears on your fulfilments"
              autoComplete="off"
              value={typed}
              onChange={setTyped}
            />
          )}
          <Select label="Ships as" options={carrierOptions} value={code} onChange={setCode} name="code" />
        </FormLayout.Group>
        <Button submit variant="primary" disabled={company.trim() === ""}>
          Map carrier
        </Button>
      </FormLayout>
    </Form>
  );
}
