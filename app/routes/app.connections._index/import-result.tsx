import { Banner, List } from "@shopify/polaris";

export type ImportAnswer =
  | { ok: false; errors: string[] }
  | { ok: true; created: { id: string; name: string; originalName: string }[]; skipped: string[] };

/** What an import of connections did: every connection created (renamed or not) and skipped, or why nothing was. */
export function ImportResult({ answer }: { answer: ImportAnswer }) {
  if (!answer.ok)
    return (
      <Banner tone="critical" title="Nothing was imported">
        <List>
          {answer.errors.map((error) => (
            <List.Item key={error}>{error}</List.Item>
          ))}
        </List>
      </Banner>
    );
  return (
    <Banner
      tone="success"
      title={`${answer.created.length} connection${answer.created.length === 1 ? "" : "s"} imported, disabled until their API keys are entered`}
    >
      <List>
        {answer.created.map((c) => (
          <List.Item key={c.id}>
            {c.name === c.originalName ? c.name : `${c.originalName} → imported as "${c.name}" (the name was taken)`}
          </List.Item>
        ))}
        {answer.skipped.map((name) => (
          <List.Item key={`skip-${name}`}>{name}: skipped, a connection with this name already exists</List.Item>
        ))}
      </List>
    </Banner>
  );
}
