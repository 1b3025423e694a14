import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Box, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Pagination } from "@shopify/polaris";
import { requireShop } from "~/auth.server";
import { demoMarketplaceAvailable } from "~/demo/demo-marketplace.server";
import { useListParams } from "~/components/list-navigation";
import { useRevalidateWhile } from "~/components/use-revalidate-while";
import { loadOrdersPage } from "./orders-page.server";
import { parseOrdersQuery } from "./orders-query";
import { OrderFilters } from "./order-filters";
import { OrderRows, orderTableHeadings } from "./order-rows";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShop(request);
  const query = parseOrdersQuery(new URL(request.url).searchParams);
  const { marketplace, state, review, deadline, ships } = query;
  return json({
    ...(await loadOrdersPage(shop, query, new Date())),
    filters: { marketplace, state, review, deadline, ships },
    demoMarketplace: demo && demoMarketplaceAvailable(request),
  });
};

const DEMO_MARKETPLACE = "/app/demo/marketplace";

export default function OrdersPage() {
  const { rows, connections, previousCursor, nextCursor, filtered, hasOrders, filters, demoMarketplace } =
    useLoaderData<typeof loader>();
  const { searchParams, setSearchParams } = useListParams();
  const busy = useNavigation().state !== "idle";
  // Orders being decided or sent change within seconds: the list follows them.
  useRevalidateWhile(
    rows.some((row) => row.acceptance === "PENDING" || row.acceptance === "SENDING"),
    5000,
  );

  // Any change of filter or search starts again from the newest orders.
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete("after");
    next.delete("before");
    setSearchParams(next);
  };
  const goTo = (name: "after" | "before", cursor: string) => {
    const next = new URLSearchParams(searchParams);
    next.delete("after");
    next.delete("before");
    next.set(name, cursor);
    setSearchParams(next);
  };
  const clearAll = () => setSearchParams(new URLSearchParams());

  if (connections.length === 0) {
    return (
      <Page title="Orders">
        <Card>
          <EmptyState
            heading="Connect a marketplace to see its orders"
            action={{ content: "Add a connection", url: "/app/connections" }}
            secondaryAction={
              demoMarketplace ? { content: "Open the demo marketplace", url: DEMO_MARKETPLACE } : undefined
            }
            image=""
          >
            <p>
              Once a Mirakl marketplace is connected, every order placed there appears here: the app accepts or refuses
              each line before the marketplace&apos;s deadline and tells you why.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page title="Orders" subtitle="Every Mirakl order, what the app decided and why">
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <OrderFilters
              filters={filters}
              search={searchParams.get("q") ?? ""}
              connections={connections}
              setParam={setParam}
              clearAll={clearAll}
            />
            <IndexTable
              resourceName={{ singular: "order", plural: "orders" }}
              itemCount={rows.length}
              selectable={false}
              loading={busy}
              emptyState={
                <OrdersEmptyState filtered={filtered} hasOrders={hasOrders} demoMarketplace={demoMarketplace} />
              }
              headings={orderTableHeadings}
            >
              <OrderRows rows={rows} />
            </IndexTable>
            {(previousCursor || nextCursor) && (
              <Box padding="300">
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={Boolean(previousCursor)}
                    hasNext={Boolean(nextCursor)}
                    previousTooltip="Newer orders"
                    nextTooltip="Older orders"
                    onPrevious={() => previousCursor && goTo("before", previousCursor)}
                    onNext={() => nextCursor && goTo("after", nextCursor)}
                  />
                </InlineStack>
              </Box>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** An empty list says why: nothing matches the filters, or no order was read yet. */
function OrdersEmptyState({
  filtered,
  hasOrders,
  demoMarketplace,
}: {
  filtered: boolean;
  hasOrders: boolean;
  /** The demo's marketplace page is there to place an order on. */
  demoMarketplace: boolean;
}) {
  if (hasOrders)
    return (
      <EmptyState heading={filtered ? "No order matches" : "No more orders"} image="">
        <p>Change the search or remove a filter to see more orders.</p>
      </EmptyState>
    );
  return (
    <EmptyState
      heading="No marketplace order yet"
      action={
        demoMarketplace ? { content: "Place an order on the demo marketplace", url: DEMO_MARKETPLACE } : undefined
      }
      image=""
    >
      <p>
        Orders appear here within a minute of being placed on a connected marketplace. Those waiting for acceptance show
        how long is left before the marketplace refuses them by itself.
      </p>
    </EmptyState>
  );
}
