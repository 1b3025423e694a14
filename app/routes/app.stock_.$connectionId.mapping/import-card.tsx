import { useEffect, useState } from "react";
import { useSubmit } from "@remix-run/react";
import { Banner, Box, Button, DropZone, InlineStack, List, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { MAPPING_CSV_TOO_LARGE, MAX_MAPPING_CSV_CHARS } from "~/domain/sku-mapping";
import { usePendingIntent, type MappingActionData } from "./mapping-action";

/** The CSV import, which replaces the connection's whole override set, and what it did or refused. */
export function ImportCard({ actionData }: { actionData: MappingActionData | undefined }) {
  const submit = useSubmit();
  const { pendingIntent } = usePendingIntent();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  useEffect(() => {
    if (actionData?.intent === "import" && actionData.ok) setFile(null);
  }, [actionData]);

  const onDrop = async (_all: File[], accepted: File[], rejected: File[]) => {
    setFileError(null);
    if (rejected.length > 0 || accepted.length === 0) {
      setFile(null);
      setFileError("Choose a .csv file (columns shopify_sku and offer_sku)");
      return;
    }
    const chosen = accepted[0];
    if (chosen.size > MAX_MAPPING_CSV_CHARS) {
      setFile(null);
      setFileError(MAPPING_CSV_TOO_LARGE);
      return;
    }
    setFile({ name: chosen.name, text: await chosen.text() });
  };

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
        <Banner tone="critical" title="Nothing was imported">
          <List>
            {actionData.problems.map((p, i) => (
              <List.Item key={i}>{p.line > 0 ? `Line ${p.line}: ${p.message}` : p.message}</List.Item>
            ))}
          </List>
          {actionData.problemCount > actionData.problems.length && (
            <p>…and {actionData.problemCount - actionData.problems.length} more problems.</p>
          )}
        </Banner>
      )}
      <DropZone
        label="Overrides file (CSV)"
        accept=".csv,text/csv"
        type="file"
        allowMultiple={false}
        onDrop={onDrop}
        error={Boolean(fileError)}
      >
        {file ? (
          <Box padding="300">
            <Text as="p">{file.name}</Text>
          </Box>
        ) : (
          <DropZone.FileUpload actionHint="or drop a .csv file" />
        )}
      </DropZone>
      {fileError && (
        <Text as="p" tone="critical">
          {fileError}
        </Text>
      )}
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
