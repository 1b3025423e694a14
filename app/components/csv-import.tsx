import { useState } from "react";
import { Banner, BlockStack, Box, DropZone, List, Text } from "@shopify/polaris";

/**
 * The pieces every CSV import of the app shares (SKU overrides, carrier maps): picking one .csv file, read in the
 * browser and refused there when too large, and the list of problems that made the server import nothing.
 */

export interface PickedCsv {
  name: string;
  text: string;
}

export function CsvFileDropZone({
  label,
  expected,
  maxChars,
  tooLarge,
  file,
  onFile,
}: {
  label: string;
  /** What a right file looks like, said when another kind is dropped: "columns shopify_sku and offer_sku". */
  expected: string;
  maxChars: number;
  tooLarge: string;
  file: PickedCsv | null;
  onFile: (file: PickedCsv | null) => void;
}) {
  const [fileError, setFileError] = useState<string | null>(null);
  const onDrop = async (_all: File[], accepted: File[], rejected: File[]) => {
    setFileError(null);
    const chosen = accepted[0];
    if (rejected.length > 0 || !chosen) {
      onFile(null);
      setFileError(`Choose a .csv file (${expected})`);
      return;
    }
    if (chosen.size > maxChars) {
      onFile(null);
      setFileError(tooLarge);
      return;
    }
    onFile({ name: chosen.name, text: await chosen.text() });
  };
  return (
    <BlockStack gap="200">
      <DropZone
        label={label}
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
    </BlockStack>
  );
}

export function CsvProblemsBanner({
  problems,
  problemCount,
}: {
  problems: readonly { line: number; message: string }[];
  problemCount: number;
}) {
  return (
    <Banner tone="critical" title="Nothing was imported">
      <List>
        {problems.map((p, i) => (
          <List.Item key={i}>{p.line > 0 ? `Line ${p.line}: ${p.message}` : p.message}</List.Item>
        ))}
      </List>
      {problemCount > problems.length && <p>…and {problemCount - problems.length} more problems.</p>}
    </Banner>
  );
}
