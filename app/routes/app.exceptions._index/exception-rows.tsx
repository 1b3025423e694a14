import { Link } from "@remix-run/react";
import { Badge, EmptyState, IndexTable, Text } from "@shopify/polaris";
import { exceptionKindLabels, exceptionStatusLabels, severityTone } from "~/exceptions/labels";
import type { SyncExceptionKind, SyncExceptionSeverity, SyncExceptionStatus } from "~/generated/prisma/client";

export interface ExceptionRow {
  id: string;
  severity: SyncExceptionSeverity;
  kind: SyncExceptionKind;
  message: string;
  connectionId: string | null;
  occurrences: number;
  lastSeenAt: string;
  status: SyncExceptionStatus;
}

/** The queue's rows, each linking to its exception's page. */
export function ExceptionRows({
  rows,
  selected,
  connections,
}: {
  rows: ExceptionRow[];
  selected: string[];
  /** Connection names by id. */
  connections: Record<string, string>;
}) {
  return rows.map((row, index) => (
    <IndexTable.Row id={row.id} key={row.id} position={index} selected={selected.includes(row.id)}>
      <IndexTable.Cell>
        <Badge tone={severityTone[row.severity]}>{row.severity.toLowerCase()}</Badge>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Link to={`/app/exceptions/${row.id}`} data-primary-link onClick={(e) => e.stopPropagation()}>
          <Text as="span" fontWeight="semibold">
            {exceptionKindLabels[row.kind] ?? row.kind}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <div style={{ maxWidth: 480, whiteSpace: "normal" }}>{row.message}</div>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {row.connectionId ? (connections[row.connectionId] ?? "Removed connection") : "Shop"}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {row.occurrences}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{new Date(row.lastSeenAt).toLocaleString()}</IndexTable.Cell>
      <IndexTable.Cell>{exceptionStatusLabels[row.status]}</IndexTable.Cell>
    </IndexTable.Row>
  ));
}

/** What an empty queue says: nothing to do, or nothing matching the filters. */
export function ExceptionsEmptyState({ allClear }: { allClear: boolean }) {
  return (
    <EmptyState heading={allClear ? "Nothing needs your attention" : "No exceptions match"} image="">
      <p>
        Every sync failure lands here as one row per problem: rejected webhooks, Mirakl calls refused, stock imports
        with bad lines, orders that could not be accepted or created, unmapped carriers, refunds Mirakl declined. Each
        comes with a fix hint, and you can retry, resolve or dismiss it.
      </p>
    </EmptyState>
  );
}
