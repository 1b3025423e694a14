import { Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";

export interface ChartRun {
  id: string;
  drifts: number;
  startedAt: string;
  kind: string;
  error: string | null;
}

/** The side card: how much drift each of the last reconciliations found. */
export function DriftCard({ runs }: { runs: ChartRun[] }) {
  return (
    <SectionCard title="Drift found per reconciliation" size="sm">
      <DriftChart
        runs={runs.map((r) => ({
          id: r.id,
          drifts: r.drifts,
          startedAt: r.startedAt,
          kind: r.kind,
          failed: Boolean(r.error),
        }))}
      />
    </SectionCard>
  );
}

/** A small bar chart; Polaris has none and a chart library would be heavy for twenty bars. */
function DriftChart({
  runs,
}: {
  runs: { id: string; drifts: number; startedAt: string; kind: string; failed: boolean }[];
}) {
  if (runs.length === 0) {
    return (
      <Text as="p" tone="subdued">
        No reconciliation has run yet. One runs every hour (a full one every night), or press Reconcile now.
      </Text>
    );
  }
  const width = 280;
  const height = 120;
  const max = Math.max(1, ...runs.map((r) => r.drifts));
  const slot = width / runs.length;
  return (
    <svg
      width="100%"
      viewBox={`0 0 ${width} ${height + 16}`}
      role="img"
      aria-label="Drifts found per reconciliation run"
    >
      {runs.map((run, i) => {
        const h = Math.max(1, (run.drifts / max) * height);
        return (
          <g key={run.id}>
            <title>{`${new Date(run.startedAt).toLocaleString()} (${run.kind.toLowerCase()}): ${run.failed ? "failed" : `${run.drifts} drifted`}`}</title>
            <rect
              x={i * slot + 2}
              y={height - h}
              width={Math.max(2, slot - 4)}
              height={h}
              rx={2}
              fill={run.failed ? "#c70a24" : run.drifts ? "#b98900" : "#29845a"}
            />
          </g>
        );
      })}
      <text x={0} y={height + 13} fontSize={10} fill="#616161">
        max {max}
      </text>
    </svg>
  );
}
