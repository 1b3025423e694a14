import { ChoiceList, Filters } from "@shopify/polaris";
import { exceptionKindLabels } from "~/exceptions/labels";
import type { SyncExceptionKind } from "~/generated/prisma/client";

/** The queue's kind and marketplace filters, each a multiple choice, and the chips of those applied. */
export function ExceptionFilters({
  kind,
  connectionId,
  connections,
  setList,
  clearAll,
}: {
  kind: SyncExceptionKind[];
  connectionId: string[];
  /** Connection names by id. */
  connections: Record<string, string>;
  setList: (name: string, values: string[]) => void;
  clearAll: () => void;
}) {
  return (
    <div style={{ padding: "8px 12px" }}>
      <Filters
        queryValue=""
        hideQueryField
        onQueryChange={() => {}}
        onQueryClear={() => {}}
        onClearAll={clearAll}
        appliedFilters={[
          ...(kind.length
            ? [
                {
                  key: "kind",
                  label: `Kind: ${kind.map((k) => exceptionKindLabels[k] ?? k).join(", ")}`,
                  onRemove: () => setList("kind", []),
                },
              ]
            : []),
          ...(connectionId.length
            ? [
                {
                  key: "connectionId",
                  label: `Marketplace: ${connectionId.map((c) => connections[c] ?? c).join(", ")}`,
                  onRemove: () => setList("connectionId", []),
                },
              ]
            : []),
        ]}
        filters={[
          choiceFilter("kind", "Kind", exceptionKindLabels, kind, setList),
          choiceFilter("connectionId", "Marketplace", connections, connectionId, setList),
        ]}
      />
    </div>
  );
}

function choiceFilter(
  key: string,
  label: string,
  options: Record<string, string>,
  selected: string[],
  onChange: (key: string, values: string[]) => void,
) {
  return {
    key,
    label,
    shortcut: true,
    filter: (
      <ChoiceList
        title={label}
        titleHidden
        allowMultiple
        choices={Object.entries(options).map(([value, text]) => ({ value, label: text }))}
        selected={selected}
        onChange={(values) => onChange(key, values)}
      />
    ),
  };
}
