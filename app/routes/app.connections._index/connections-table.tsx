import { Link } from "@remix-run/react";
import { Card, EmptyState, IndexTable, Text } from "@shopify/polaris";
import { ConnectionStatusBadge } from "~/components/connection-status-badge";

export interface ConnectionRow {
  id: string;
  name: string;
  baseUrl: string;
  enabled: boolean;
  hasApiKey: boolean;
  lastCheck: { ok: boolean; shopName?: string | null; message?: string | null } | null;
}

/** The shop's connections with their state and last test, or the way to add the first one. */
export function ConnectionsTable({ connections }: { connections: ConnectionRow[] }) {
  return (
    <Card padding="0">
      {connections.length === 0 ? (
        <EmptyState
          heading="Connect your first marketplace"
          action={{ content: "Add connection", url: "/app/connections/new" }}
          image=""
        >
          <p>You need the marketplace's Mirakl URL and an API key from its seller back office.</p>
        </EmptyState>
      ) : (
        <IndexTable
          itemCount={connections.length}
          selectable={false}
          headings={[{ title: "Name" }, { title: "Mirakl URL" }, { title: "Status" }, { title: "Last test" }]}
        >
          {connections.map((c, index) => (
            <IndexTable.Row id={c.id} key={c.id} position={index}>
              <IndexTable.Cell>
                <Link to={`/app/connections/${c.id}`} data-primary-link>
                  <Text as="span" fontWeight="semibold">
                    {c.name}
                  </Text>
                </Link>
              </IndexTable.Cell>
              <IndexTable.Cell>{c.baseUrl}</IndexTable.Cell>
              <IndexTable.Cell>
                <ConnectionStatusBadge hasApiKey={c.hasApiKey} enabled={c.enabled} />
              </IndexTable.Cell>
              <IndexTable.Cell>
                {!c.lastCheck ? (
                  "Not tested"
                ) : c.lastCheck.ok ? (
                  `OK: ${c.lastCheck.shopName ?? ""}`
                ) : (
                  <Text as="span" tone="critical">
                    {c.lastCheck.message}
                  </Text>
                )}
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
    </Card>
  );
}
