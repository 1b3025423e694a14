import { BlockStack, Card, ProgressBar, Text } from "@shopify/polaris";

const phaseLabels: Record<string, string> = {
  catalog: "Reading the Shopify catalogue",
  recompute: "Computing sellable stock",
  "mirakl-export": "Asking Mirakl for its offers",
  "mirakl-wait": "Waiting for Mirakl's offer export",
  compare: "Comparing",
  starting: "Starting",
};

/** The running reconciliation: its phase and how far it got. */
export function RunProgress({
  run,
}: {
  run: { kind: string; phase: string; progress: number; skusCompared: number; drifts: number };
}) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          Reconciling ({run.kind.toLowerCase()}): {phaseLabels[run.phase] ?? run.phase}
        </Text>
        <ProgressBar progress={Math.round(run.progress * 100)} size="small" />
        <Text as="p" tone="subdued">
          {run.skusCompared} offers compared, {run.drifts} drifted so far
        </Text>
      </BlockStack>
    </Card>
  );
}
