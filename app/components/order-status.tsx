import { Badge, BlockStack, Text, type BadgeProps } from "@shopify/polaris";
import { ORDER_STATES, type ORDER_LINE_STATES } from "~/integrations/mirakl/states";
import type { DeadlineLevel } from "~/domain/orders/acceptance-deadline";
import type { ShippingLevel } from "~/domain/orders/shipping-deadline";
import type { AcceptanceState } from "~/sync/orders/mirror.server";

/**
 * How the Orders and Order pages name a Mirakl order's state, the app's acceptance and the deadline clock:
 * the same words and colours on both pages (and in the end-to-end test).
 */

type Tone = BadgeProps["tone"];
type LineState = (typeof ORDER_LINE_STATES)[number];

/** Mirakl's order and line states as a merchant reads them; an unknown state shows its code. */
export const orderStateLabels: Record<LineState, string> = {
  STAGING: "Being validated",
  WAITING_ACCEPTANCE: "Waiting for acceptance",
  WAITING_DEBIT: "Accepted, waiting for payment",
  WAITING_DEBIT_PAYMENT: "Accepted, payment in progress",
  SHIPPING: "To ship",
  SHIPPED: "Shipped",
  TO_COLLECT: "Waiting for collection",
  RECEIVED: "Received",
  CLOSED: "Closed",
  REFUSED: "Refused",
  CANCELED: "Cancelled",
  INCIDENT_OPEN: "Incident open",
  REFUNDED: "Refunded",
  WAITING_REFUND: "Refund pending",
  WAITING_REFUND_PAYMENT: "Refund payment pending",
};

/** The order states the Orders page filters on (a line-only state never is an order's). */
export const ORDER_FILTER_STATES: readonly LineState[] = ORDER_STATES;

const stateTones: Partial<Record<LineState, Tone>> = {
  WAITING_ACCEPTANCE: "attention",
  WAITING_DEBIT: "info",
  WAITING_DEBIT_PAYMENT: "info",
  SHIPPING: "info",
  SHIPPED: "success",
  TO_COLLECT: "success",
  RECEIVED: "success",
  INCIDENT_OPEN: "critical",
};

export const orderStateLabel = (state: string) => orderStateLabels[state as LineState] ?? state;

export function OrderStateBadge({ state }: { state: string }) {
  return <Badge tone={stateTones[state as LineState]}>{orderStateLabel(state)}</Badge>;
}

/** Acceptance states in which the deadline clock runs: nothing Mirakl applied yet. */
export const CLOCK_RUNNING: readonly AcceptanceState[] = ["PENDING", "REVIEW", "SENDING"];

/** What the app decided on an order's lines, to tell "Accepted" from "Refused" once the decision is sent. */
export interface DecidedLines {
  accepted: number;
  refused: number;
}

/** The app's acceptance in a few words, with its badge colour. */
export function acceptanceStatus(acceptance: string, decided: DecidedLines): { label: string; tone: Tone } {
  switch (acceptance as AcceptanceState) {
    case "NONE":
      return { label: "Nothing to decide", tone: undefined };
    case "PENDING":
      return { label: "Being decided", tone: "info" };
    case "REVIEW":
      return { label: "Needs your review", tone: "warning" };
    case "SENDING":
      return { label: "Sending to Mirakl", tone: "info" };
    case "SENT":
      if (decided.accepted > 0 && decided.refused > 0) return { label: "Partly accepted", tone: "attention" };
      if (decided.accepted > 0) return { label: "Accepted", tone: "success" };
      if (decided.refused > 0) return { label: "Refused", tone: undefined };
      return { label: "Decision sent", tone: undefined };
    case "DECIDED_ON_MIRAKL":
      return { label: "Decided on Mirakl", tone: undefined };
    case "AUTOMATIC":
      return { label: "Accepted by the marketplace", tone: "success" };
    default:
      return { label: acceptance, tone: undefined };
  }
}

export function AcceptanceBadge({ acceptance, decided }: { acceptance: string; decided: DecidedLines }) {
  const { label, tone } = acceptanceStatus(acceptance, decided);
  return <Badge tone={tone}>{label}</Badge>;
}

const deadlineTones: Record<DeadlineLevel, Tone> = {
  none: undefined,
  warning: "warning",
  error: "critical",
  expired: "critical",
};

/** The acceptance countdown ("3 h 20 min left", "expired"), coloured by how close the deadline is. */
export function DeadlineBadge({ deadline }: { deadline: { text: string; level: DeadlineLevel; at: string } }) {
  return (
    <span title={`Mirakl may refuse the order by itself at ${new Date(deadline.at).toLocaleString()}`}>
      <Badge tone={deadlineTones[deadline.level]}>{deadline.text}</Badge>
    </span>
  );
}

const shippingTones: Record<ShippingLevel, Tone> = {
  none: undefined,
  "due-soon": "warning",
  overdue: "critical",
};

/** The shipping countdown of an order to ship ("ship within 20 h", "overdue"), coloured as its alert is. */
export function ShippingDeadlineBadge({ deadline }: { deadline: { text: string; level: ShippingLevel; at: string } }) {
  return (
    <span title={`Mirakl's shipping deadline: ${new Date(deadline.at).toLocaleString()}`}>
      <Badge tone={shippingTones[deadline.level]}>{deadline.text}</Badge>
    </span>
  );
}

export function NeedsAttentionBadge() {
  return <Badge tone="critical">Needs attention</Badge>;
}

/** Where a Mirakl order's Shopify order stands (app/sync/orders/shopify-order.server.ts), in a few words. */
export function shopifyOrderStatus(status: string, name: string | null): { label: string; tone: Tone } {
  switch (status) {
    case "NONE":
      return { label: "Made once paid", tone: undefined };
    case "DUE":
    case "SENDING":
      return { label: "Being created", tone: "info" };
    case "CREATED":
      return { label: name ?? "Created", tone: "success" };
    case "FAILED":
      return { label: "Not created", tone: "critical" };
    case "SKIPPED":
      return { label: "Not made", tone: undefined };
    default:
      return { label: status, tone: undefined };
  }
}

export function ShopifyOrderBadge({ status, name }: { status: string; name: string | null }) {
  const { label, tone } = shopifyOrderStatus(status, name);
  return <Badge tone={tone}>{label}</Badge>;
}

/** Where an order's Shopify fulfilments stand on Mirakl (app/sync/fulfilments/shipments.server.ts), in a few words. */
export function fulfilmentStatus(status: string): { label: string; tone: Tone } {
  switch (status) {
    case "NONE":
      return { label: "Not fulfilled", tone: undefined };
    case "PARTIAL":
      return { label: "Partly fulfilled", tone: "attention" };
    case "SYNCING":
      return { label: "Sending to Mirakl", tone: "info" };
    case "BLOCKED":
      return { label: "Carrier not mapped", tone: "critical" };
    case "FAILED":
      return { label: "Refused by Mirakl", tone: "critical" };
    case "SHIPPED":
      return { label: "Shipped on Mirakl", tone: "success" };
    case "IGNORED":
      return { label: "Not sent", tone: "warning" };
    default:
      return { label: status, tone: undefined };
  }
}

/** The badge, with its reason (e.g. how many units wait) underneath when there is one. */
export function FulfilmentBadge({ status, note }: { status: string; note?: string | null }) {
  const { label, tone } = fulfilmentStatus(status);
  return (
    <BlockStack gap="050">
      <span>
        <Badge tone={tone}>{label}</Badge>
      </span>
      {note && (
        <Text as="span" tone="subdued" variant="bodySm">
          {note}
        </Text>
      )}
    </BlockStack>
  );
}

/** The Shopify admin page of an order, as App Bridge opens it from inside the app ("shopify://admin/orders/123"). */
export function shopifyAdminOrderUrl(orderGid: string): string {
  const id = orderGid.slice(orderGid.lastIndexOf("/") + 1);
  return `shopify://admin/orders/${encodeURIComponent(id)}`;
}
