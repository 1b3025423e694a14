import { useEffect, useState } from "react";
import { useFetcher, useNavigation, useSubmit } from "@remix-run/react";
import { Button, ChoiceList, InlineStack, Text, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import { saveFile } from "~/components/download-file";

type ExportAnswer = { intent: "export"; filename: string; content: string } | { intent: "import" | null };

/** Copy to another shop: the export (never with API keys) and the import of such a file, pasted or chosen. */
export function TransferCard({
  hasConnections,
  lastImport,
}: {
  hasConnections: boolean;
  /** The latest import's answer: a successful one empties the form. */
  lastImport: { ok: boolean } | undefined;
}) {
  const exporter = useFetcher<ExportAnswer>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [payload, setPayload] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [onClash, setOnClash] = useState<string[]>(["rename"]);

  // The export is fetched like any other action (so it carries the embedded session) and saved from a Blob.
  useEffect(() => {
    const data = exporter.data;
    if (exporter.state !== "idle" || !data || data.intent !== "export") return;
    saveFile(new Blob([data.content], { type: "application/json" }), data.filename);
  }, [exporter.state, exporter.data]);

  useEffect(() => {
    if (lastImport?.ok) {
      setPayload("");
      setFile(null);
    }
  }, [lastImport]);

  const startImport = () => {
    const form = new FormData();
    form.set("intent", "import");
    form.set("onClash", onClash[0] ?? "rename");
    form.set("payload", payload);
    if (file) form.set("file", file);
    submit(form, { method: "post", encType: "multipart/form-data" });
  };

  return (
    <SectionCard title="Copy to another shop">
      <Text as="p" tone="subdued">
        The export holds names, URLs and settings, never API keys. Imported connections stay disabled until their keys
        are entered.
      </Text>
      <InlineStack>
        <Button
          onClick={() => exporter.submit({ intent: "export" }, { method: "post" })}
          loading={exporter.state !== "idle"}
          disabled={!hasConnections}
        >
          Export settings
        </Button>
      </InlineStack>
      <label>
        <Text as="span" variant="bodySm">
          Export file
        </Text>
        <input
          type="file"
          accept="application/json,.json"
          aria-label="Export file"
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <TextField
        label="…or paste its contents"
        value={payload}
        onChange={setPayload}
        multiline={4}
        autoComplete="off"
        monospaced
      />
      <ChoiceList
        title="When a name already exists"
        choices={[
          { label: "Import under a new name", value: "rename" },
          { label: "Skip that connection", value: "skip" },
        ]}
        selected={onClash}
        onChange={setOnClash}
      />
      <InlineStack>
        <Button onClick={startImport} loading={busy} disabled={!file && !payload.trim()}>
          Import
        </Button>
      </InlineStack>
    </SectionCard>
  );
}
