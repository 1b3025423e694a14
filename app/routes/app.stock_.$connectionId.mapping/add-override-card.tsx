import { useEffect, useState } from "react";
import { useSubmit } from "@remix-run/react";
import { Box, Button, InlineStack, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { usePendingIntent, type MappingActionData } from "./mapping-action";

/** One override at a time: a Shopify SKU and the offer SKU it feeds instead. */
export function AddOverrideCard({ actionData }: { actionData: MappingActionData | undefined }) {
  const submit = useSubmit();
  const { pendingIntent } = usePendingIntent();
  const [draft, setDraft] = useState({ shopifySku: "", offerSku: "" });

  // A successful add clears the fields; a refused one keeps what was typed.
  useEffect(() => {
    if (actionData?.intent === "add" && actionData.ok) setDraft({ shopifySku: "", offerSku: "" });
  }, [actionData]);

  const errors = actionData && actionData.intent !== "import" && !actionData.ok ? actionData.errors : {};
  return (
    <SectionCard title="Add an override">
      <InlineStack gap="300" blockAlign="start">
        <Box minWidth="240px">
          <TextField
            label="Shopify SKU"
            autoComplete="off"
            value={draft.shopifySku}
            onChange={(v) => setDraft((d) => ({ ...d, shopifySku: v }))}
            error={errors.shopifySku}
          />
        </Box>
        <Box minWidth="240px">
          <TextField
            label="Offer SKU on the marketplace"
            autoComplete="off"
            value={draft.offerSku}
            onChange={(v) => setDraft((d) => ({ ...d, offerSku: v }))}
            error={errors.offerSku}
          />
        </Box>
        <Box paddingBlockStart="600">
          <Button
            variant="primary"
            loading={pendingIntent === "add"}
            onClick={() => submit({ intent: "add", ...draft }, { method: "post" })}
          >
            Add override
          </Button>
        </Box>
      </InlineStack>
    </SectionCard>
  );
}
