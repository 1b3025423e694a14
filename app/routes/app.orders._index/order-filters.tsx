import { ChoiceList, Filters } from "@shopify/polaris";
import { ORDER_FILTER_STATES, orderStateLabels } from "~/components/order-status";
import type { OrdersQuery } from "./orders-query";

const stateChoices = ORDER_FILTER_STATES.map((state) => ({ value: state, label: orderStateLabels[state] }));

/**
 * The Orders page's search (Mirakl order id or commercial id) and filters: marketplace, state, needs review,
 * deadline soon, ships soon. Each sets one URL parameter; `setParam(name, "")` removes it.
 */
export function OrderFilters({
  filters,
  search,
  connections,
  setParam,
  clearAll,
}: {
  filters: Pick<OrdersQuery, "marketplace" | "state" | "review" | "deadline" | "ships">;
  /** The search box's text as typed (the URL's `q`). */
  search: string;
  connections: { id: string; name: string }[];
  setParam: (name: string, value: string) => void;
  clearAll: () => void;
}) {
  const marketplaceName = connections.find((c) => c.id === filters.marketplace)?.name ?? "Removed connection";
  const single = (key: string, label: string, choices: { value: string; label: string }[], selected?: string) => ({
    key,
    label,
    shortcut: true,
    filter: (
      <ChoiceList
        title={label}
        titleHidden
        choices={choices}
        selected={selected ? [selected] : []}
        onChange={([value]) => setParam(key, value ?? "")}
      />
    ),
  });
  const toggle = (key: string, label: string, on: string, selected: boolean) =>
    single(key, label, [{ value: on, label }], selected ? on : undefined);

  return (
    <div style={{ padding: "8px 12px" }}>
      <Filters
        queryValue={search}
        queryPlaceholder="Search by Mirakl order id or commercial id"
        onQueryChange={(value) => setParam("q", value)}
        onQueryClear={() => setParam("q", "")}
        onClearAll={clearAll}
        filters={[
          single(
            "marketplace",
            "Marketplace",
            connections.map((c) => ({ value: c.id, label: c.name })),
            filters.marketplace,
          ),
          single("state", "State", stateChoices, filters.state),
          toggle("review", "Needs review", "1", filters.review),
          toggle("deadline", "Deadline soon", "soon", filters.deadline),
          toggle("ships", "Ships soon", "soon", filters.ships),
        ]}
        appliedFilters={[
          ...(filters.marketplace
            ? [
                {
                  key: "marketplace",
                  label: `Marketplace: ${marketplaceName}`,
                  onRemove: () => setParam("marketplace", ""),
                },
              ]
            : []),
          ...(filters.state
            ? [
                {
                  key: "state",
                  label: `State: ${orderStateLabels[filters.state]}`,
                  onRemove: () => setParam("state", ""),
                },
              ]
            : []),
          ...(filters.review ? [{ key: "review", label: "Needs review", onRemove: () => setParam("review", "") }] : []),
          ...(filters.deadline
            ? [{ key: "deadline", label: "Deadline soon", onRemove: () => setParam("deadline", "") }]
            : []),
          ...(filters.ships ? [{ key: "ships", label: "Ships soon", onRemove: () => setParam("ships", "") }] : []),
        ]}
      />
    </div>
  );
}
