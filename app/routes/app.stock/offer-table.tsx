import { Badge, Box, Card, IndexTable, Tabs, Text } from "@shopify/polaris";
import { ListPager, useListParams } from "~/components/list-navigation";
import { SearchField } from "~/components/search-field";
import { TableEmptyMessage } from "~/components/table-empty-message";
import type { OfferExplanation as Explanation } from "~/domain/stock/explain";
import { OfferExplanation } from "./offer-explanation";
import type { StockRowStatus } from "./stock-page.server";
import { stockFilters, type StockQuery } from "./stock-query";

export interface OfferRow {
  id: string;
  offerSku: string;
  warehouseCode: string | null;
  shopifySku: string | null;
  desiredQuantity: number | null;
  explanation: Explanation | null;
  pushedQuantity: number | null;
  miraklQuantity: number | null;
  pushedAt: string | null;
  lastPushError: string | null;
  status: StockRowStatus;
}

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

/** The connection's offers: status tabs with their counts, the SKU search, the table and its pager. */
export function OfferTable({
  rows,
  counts,
  query,
  total,
  pageCount,
  loading,
}: {
  rows: OfferRow[];
  counts: Partial<Record<(typeof stockFilters)[number], number>> | null;
  query: StockQuery;
  total: number;
  pageCount: number;
  loading: boolean;
}) {
  const { searchParams, setParam } = useListParams();
  const selectedFilter = stockFilters.indexOf(query.filter);
  return (
    <Card padding="0">
      <Tabs
        tabs={stockFilters.map((f) => ({
          id: `filter-${f}`,
          content: f !== "all" && counts && f in counts ? `${filterLabels[f]} (${counts[f]})` : filterLabels[f],
        }))}
        selected={selectedFilter < 0 ? 0 : selectedFilter}
        onSelect={(i) => setParam("filter", stockFilters[i] === "all" ? "" : stockFilters[i])}
      />
      <Box padding="300">
        <SearchField
          label="Search SKU"
          placeholder="Search Shopify or offer SKU"
          value={searchParams.get("q") ?? ""}
          onChange={(value) => setParam("q", value)}
        />
      </Box>
      <IndexTable
        resourceName={{ singular: "offer", plural: "offers" }}
        itemCount={rows.length}
        selectable={false}
        loading={loading}
        emptyState={
          <TableEmptyMessage>
            No offer matches. Stock appears here as soon as the Shopify catalogue is read.
          </TableEmptyMessage>
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
        {rows.map((row, index) => (
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
              <OfferExplanation explanation={row.explanation} />
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
        page={query.page}
        pageCount={pageCount}
        total={total}
        noun="offers"
        onPage={(page) => setParam("page", String(page))}
      />
    </Card>
  );
}
