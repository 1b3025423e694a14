import { DataTable, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/section-card";
import type { MiraklCallView } from "~/connections/activity-log.server";

/** The latest calls to this connection's Mirakl, with what Mirakl answered. */
export function ActivityLogCard({ calls }: { calls: MiraklCallView[] }) {
  return (
    <SectionCard title="Activity log">
      {calls.length === 0 ? (
        <Text as="p" tone="subdued">
          No calls to Mirakl yet.
        </Text>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "text", "numeric", "numeric", "text"]}
          headings={["When", "Call", "Request", "Status", "Time (ms)", "Mirakl said"]}
          rows={calls.map((call) => [
            new Date(call.at).toLocaleString(),
            call.attempt > 1 ? `${call.operation} (try ${call.attempt})` : call.operation,
            `${call.method} ${call.path}`,
            call.status === null ? "no answer" : String(call.status),
            call.durationMs,
            [call.miraklErrorCode, call.miraklMessage].filter(Boolean).join(": "),
          ])}
        />
      )}
    </SectionCard>
  );
}
