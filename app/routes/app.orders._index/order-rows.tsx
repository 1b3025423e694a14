import { Link } from "@remix-run/react";
import { BlockStack, IndexTable, InlineStack, Text } from "@shopify/polaris";
import {
  AcceptanceBadge,
  DeadlineBadge,
  FulfilmentBadge,
  NeedsAttentionBadge,
  OrderStateBadge,
  ShippingDeadlineBadge,
  ShopifyOrderBadge,
  shopifyAdminOrderUrl,
  type DecidedLines,
} from "~/components/order-status";
import type { DeadlineLevel } from "~/domain/orders/acceptance-deadline";
import type { ShippingLevel } from "~/domain/orders/shipping-deadline";

export interface OrderRow {
  id: string;
  marketplace: string;
  miraklOrderId: string;
  commercialId: string | null;
  state: string;
  acceptance: string;
  decided: DecidedLines;
  needsAttention: boolean;
  shopifyOrder: { status: string; id: string | null; name: string | null };
  /** Its Shopify fulfilments on Mirakl; null until a Shopify order exists. */
  fulfilment: { status: string; note: string | null } | null;
  lineCount: number;
  units: number;
  total: string;
  createdOnMiraklAt: string;
  deadline: { text: string; level: DeadlineLevel; at: string } | null;
  /** The shipping countdown of an order to ship (its acceptance is settled by then). */
  shipping: { text: string; level: ShippingLevel; at: string } | null;
}

export const orderTableHeadings: [{ title: string }, ...{ title: string; alignment?: "end" }[]] = [
  { title: "Order" },
  { title: "Marketplace" },
  { title: "Placed" },
  { title: "State" },
  { title: "Lines" },
  { title: "Total", alignment: "end" },
  { title: "Deadline" },
  { title: "Acceptance" },
  { title: "Shopify order" },
  { title: "Fulfilment" },
];

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The orders of one page, each linking to its Order page. */
export function OrderRows({ rows }: { rows: OrderRow[] }) {
  return rows.map((row, index) => (
    <IndexTable.Row id={row.id} key={row.id} position={index}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Link to={`/app/orders/${encodeURIComponent(row.id)}`} data-primary-link>
            <Text as="span" fontWeight="semibold">
              {row.miraklOrderId}
            </Text>
          </Link>
          {row.commercialId && (
            <Text as="span" tone="subdued" variant="bodySm">
              Commercial id {row.commercialId}
            </Text>
          )}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{row.marketplace}</IndexTable.Cell>
      <IndexTable.Cell>{new Date(row.createdOnMiraklAt).toLocaleString()}</IndexTable.Cell>
      <IndexTable.Cell>
        <OrderStateBadge state={row.state} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        {plural(row.lineCount, "line", "lines")} · {plural(row.units, "unit", "units")}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {row.total}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {row.deadline ? (
          <DeadlineBadge deadline={row.deadline} />
        ) : row.shipping ? (
          <ShippingDeadlineBadge deadline={row.shipping} />
        ) : (
          "—"
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          <AcceptanceBadge acceptance={row.acceptance} decided={row.decided} />
          {row.needsAttention && <NeedsAttentionBadge />}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {row.shopifyOrder.status === "CREATED" && row.shopifyOrder.id ? (
          // Its own link: a click on it must not also open the row's Order page.
          <a
            href={shopifyAdminOrderUrl(row.shopifyOrder.id)}
            target="_top"
            rel="noreferrer"
            onClick={(event) => event.stopPropagation()}
          >
            {row.shopifyOrder.name ?? "Open in Shopify"}
          </a>
        ) : (
          <ShopifyOrderBadge status={row.shopifyOrder.status} name={row.shopifyOrder.name} />
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>
        {row.fulfilment ? <FulfilmentBadge status={row.fulfilment.status} note={row.fulfilment.note} /> : "—"}
      </IndexTable.Cell>
    </IndexTable.Row>
  ));
}
