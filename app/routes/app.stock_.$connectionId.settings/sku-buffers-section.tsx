import { Box, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { FormSectionProps } from "./form-section";

/** Per-SKU buffers that replace the connection's buffer for those SKUs. */
export function SkuBuffersSection({ values, errors, update }: FormSectionProps) {
  const setRow = (i: number, change: Partial<{ sku: string; units: string }>) =>
    update(
      "bufferOverrides",
      values.bufferOverrides.map((r, j) => (j === i ? { ...r, ...change } : r)),
    );
  return (
    <SectionCard title="Buffer per SKU">
      <Text as="p" tone="subdued">
        A SKU listed here keeps its own buffer instead of the one above (0 = no buffer for that SKU).
      </Text>
      {values.bufferOverrides.map((row, i) => (
        <InlineStack key={i} gap="200" blockAlign="start" wrap={false}>
          <Box minWidth="220px">
            <TextField
              label={`Shopify SKU ${i + 1}`}
              autoComplete="off"
              value={row.sku}
              onChange={(v) => setRow(i, { sku: v })}
              error={errors[`bufferOverrides.${i}.sku`]}
            />
          </Box>
          <Box minWidth="120px">
            <TextField
              label={`Buffer for SKU ${i + 1}`}
              type="number"
              min={0}
              autoComplete="off"
              value={row.units}
              onChange={(v) => setRow(i, { units: v })}
              error={errors[`bufferOverrides.${i}.units`]}
            />
          </Box>
          <Box paddingBlockStart="600">
            <Button
              variant="plain"
              tone="critical"
              accessibilityLabel={`Remove the buffer for ${row.sku || `SKU ${i + 1}`}`}
              onClick={() =>
                update(
                  "bufferOverrides",
                  values.bufferOverrides.filter((_, j) => j !== i),
                )
              }
            >
              Remove
            </Button>
          </Box>
        </InlineStack>
      ))}
      <InlineStack>
        <Button onClick={() => update("bufferOverrides", [...values.bufferOverrides, { sku: "", units: "0" }])}>
          Add a SKU buffer
        </Button>
      </InlineStack>
    </SectionCard>
  );
}
