import { useSubmit } from "@remix-run/react";
import { Box, Button, Card, IndexTable, InlineStack, Text } from "@shopify/polaris";
import { ListPager, useListParams } from "~/components/list-navigation";
import { SearchField } from "~/components/search-field";
import { TableEmptyMessage } from "~/components/table-empty-message";
import { usePendingIntent } from "./mapping-action";

/** The connection's overrides: searchable, paged, each removable. */
export function OverridesTable({
  rows,
  all,
  total,
  page,
  pageCount,
}: {
  rows: { shopifySku: string; offerSku: string }[];
  /** Overrides of the connection, whatever the search. */
  all: number;
  total: number;
  page: number;
  pageCount: number;
}) {
  const submit = useSubmit();
  const { pendingIntent, pendingSku } = usePendingIntent();
  const { searchParams, setParam } = useListParams();
  return (
    <Card padding="0">
      <Box padding="300">
        <InlineStack align="space-between" blockAlign="center" gap="300">
          <Text as="h2" variant="headingMd">
            Overrides ({all})
          </Text>
          <Box minWidth="280px">
            <SearchField
              label="Search overrides"
              placeholder="Search Shopify or offer SKU"
              value={searchParams.get("q") ?? ""}
              onChange={(value) => setParam("q", value)}
            />
          </Box>
        </InlineStack>
      </Box>
      <IndexTable
        resourceName={{ singular: "override", plural: "overrides" }}
        itemCount={rows.length}
        selectable={false}
        emptyState={
          <TableEmptyMessage>
            {all === 0 ? "No overrides: every Shopify SKU feeds the offer with the same SKU." : "No override matches."}
          </TableEmptyMessage>
        }
        headings={[{ title: "Shopify SKU" }, { title: "Offer SKU" }, { title: "", alignment: "end" }]}
      >
        {rows.map((row, index) => (
          <IndexTable.Row id={row.shopifySku} key={row.shopifySku} position={index}>
            <IndexTable.Cell>
              <Text as="span" fontWeight="semibold">
                {row.shopifySku}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>{row.offerSku}</IndexTable.Cell>
            <IndexTable.Cell>
              <InlineStack align="end">
                <Button
                  variant="plain"
                  tone="critical"
                  accessibilityLabel={`Remove the override of ${row.shopifySku}`}
                  loading={pendingIntent === "remove" && pendingSku === row.shopifySku}
                  onClick={() => submit({ intent: "remove", shopifySku: row.shopifySku }, { method: "post" })}
                >
                  Remove
                </Button>
              </InlineStack>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      <ListPager
        page={page}
        pageCount={pageCount}
        total={total}
        noun="overrides"
        onPage={(next) => setParam("page", String(next))}
      />
    </Card>
  );
}
