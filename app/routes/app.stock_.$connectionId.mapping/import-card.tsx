import { useEffect, useState } from "react";
import { useSubmit } from "@remix-run/react";
import { Banner, Button, InlineStack, Text } from "@shopify/polaris";
import { CsvFileDropZone, CsvProblemsBanner, type PickedCsv } from "~/components/csv-import";
import { SectionCard } from "~/components/section-card";
import { MAPPING_CSV_TOO_LARGE, MAX_MAPPING_CSV_CHARS } from "~/domain/sku-mapping";
import { usePendingIntent, type MappingActionData } from "./mapping-action";

/** The CSV import, which replaces the connection's whole override set, and what it did or refused. */
export function ImportCard({ actionData }: { actionData: MappingActionData | undefined }) {
  const submit = useSubmit();
  const { pendingIntent } = usePendingIntent();
  const [file, setFile] = useState<PickedCsv | null>(null);

  useEffect(() => {
    if (actionData?.intent === "import" && actionData.ok) setFile(null);
  }, [actionData]);

  return (
    <SectionCard title="Import from CSV">
      <Text as="p" tone="subdued">
        Columns shopify_sku and offer_sku (comma or semicolon). The file replaces every override of this connection;
        export first to edit the current set. A file with any problem changes nothing.
      </Text>
      {actionData?.intent === "import" && actionData.ok && (
        <Banner tone="success" title="Imported">
          {actionData.created} added, {actionData.removed} removed, {actionData.unchanged} unchanged.{" "}
          {actionData.changedSkus} Shopify SKU
          {actionData.changedSkus === 1 ? " is" : "s are"} being recomputed.
        </Banner>
      )}
      {actionData?.intent === "import" && !actionData.ok && (
        <CsvProblemsBanner problems={actionData.problems} problemCount={actionData.problemCount} />
      )}
      <CsvFileDropZone
        label="Overrides file (CSV)"
        expected="columns shopify_sku and offer_sku"
        maxChars={MAX_MAPPING_CSV_CHARS}
        tooLarge={MAPPING_CSV_TOO_LARGE}
        file={file}
        onFile={setFile}
      />
      <InlineStack align="end">
        <Button
          variant="primary"
          disabled={!file}
          loading={pendingIntent === "import"}
          onClick={() =>
            file && submit({ intent: "import", csv: file.text }, { method: "post", encType: "multipart/form-data" })
          }
        >
          Import
        </Button>
      </InlineStack>
    </SectionCard>
  );
}
