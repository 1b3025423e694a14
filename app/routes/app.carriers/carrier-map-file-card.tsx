import { useEffect, useState } from "react";
import { useNavigation, useSubmit } from "@remix-run/react";
import { Banner, Button, InlineStack, Text } from "@shopify/polaris";
import { CsvFileDropZone, CsvProblemsBanner, type PickedCsv } from "~/components/csv-import";
import { downloadFile } from "~/components/download-file";
import { SectionCard } from "~/components/section-card";
import { CARRIER_MAP_CSV_TOO_LARGE, MAX_CARRIER_MAP_CSV_CHARS } from "~/domain/orders/carrier-map-import";
import type { CarriersAction } from "./carriers-page.server";
import type { Selected } from "./carrier-map-card";

/** The carrier map as a file, for agencies: exported to edit or copy to another shop, imported whole or not at all. */
export function CarrierMapFileCard({
  selected,
  actionData,
}: {
  selected: Selected;
  actionData: CarriersAction | undefined;
}) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const importing = navigation.state === "submitting" && navigation.formData?.get("intent") === "import";
  const [file, setFile] = useState<PickedCsv | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    if (actionData?.ok) setFile(null);
  }, [actionData]);

  const exportCsv = async () => {
    setExportError(null);
    setExporting(true);
    try {
      await downloadFile(`/app/carriers.csv?connection=${encodeURIComponent(selected.id)}`, "carrier-map.csv");
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(false);
    }
  };

  return (
    <SectionCard title="Carrier map file (CSV)">
      <Text as="p" tone="subdued">
        Columns shopify_company, mirakl_carrier_code and confirmed (yes or no; empty means yes), comma or semicolon;
        mirakl_carrier_label is only there to read. An import replaces this connection's whole carrier map: export first
        to edit it. A file with any problem changes nothing.
      </Text>
      {exportError && (
        <Banner tone="critical" onDismiss={() => setExportError(null)}>
          {exportError}
        </Banner>
      )}
      {actionData && !actionData.ok && actionData.problems && (
        <CsvProblemsBanner problems={actionData.problems} problemCount={actionData.problemCount ?? 0} />
      )}
      <CsvFileDropZone
        label="Carrier map file (CSV)"
        expected="columns shopify_company and mirakl_carrier_code"
        maxChars={MAX_CARRIER_MAP_CSV_CHARS}
        tooLarge={CARRIER_MAP_CSV_TOO_LARGE}
        file={file}
        onFile={setFile}
      />
      <InlineStack align="end" gap="200">
        <Button onClick={exportCsv} loading={exporting} accessibilityLabel="Export the carrier map as CSV">
          Export CSV
        </Button>
        <Button
          variant="primary"
          disabled={!file}
          loading={importing}
          onClick={() =>
            file &&
            submit(
              { intent: "import", connectionId: selected.id, csv: file.text },
              { method: "post", encType: "multipart/form-data" },
            )
          }
        >
          Import
        </Button>
      </InlineStack>
    </SectionCard>
  );
}
