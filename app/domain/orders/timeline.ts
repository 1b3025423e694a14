/**
 * What a re-read of a Mirakl order tells that the previous read did not: the entries the order mirror
 * appends to the order's timeline (issue 10). Pure: the sync layer turns OR11 orders into snapshots and
 * stores the entries. A re-read that changed nothing yields nothing.
 */

export type TimelineActor = "APP" | "STAFF" | "MIRAKL";

export interface TimelineEntry {
  actor: TimelineActor;
  /** read | accepted | refused | debited | shipped | received | closed | cancelled | refunded | incident | state | … */
  kind: string;
  message: string;
  detail: Record<string, unknown>;
}

export interface LineSnapshot {
  lineId: string;
  offerSku: string;
  state: string;
  quantity: number;
  /** Ids of the line's cancelations and refunds as Mirakl lists them. */
  cancelationIds: readonly string[];
  refundIds: readonly string[];
}

export interface OrderSnapshot {
  miraklOrderId: string;
  state: string;
  currency: string;
  totalPrice: string;
  customerDebitedAt: string | null;
  hasIncident: boolean;
  lines: readonly LineSnapshot[];
}

/** The timeline entry kind and sentence for an order reaching a state. */
const ORDER_STATE_EVENTS: Record<string, { kind: string; text: string }> = {
  WAITING_ACCEPTANCE: { kind: "waiting", text: "waits for acceptance" },
  WAITING_DEBIT: { kind: "accepted", text: "accepted; waiting for the customer's payment" },
  WAITING_DEBIT_PAYMENT: { kind: "accepted", text: "accepted; Mirakl is debiting the customer" },
  SHIPPING: { kind: "to-ship", text: "is to be shipped" },
  SHIPPED: { kind: "shipped", text: "shipped" },
  TO_COLLECT: { kind: "to-collect", text: "waits for the customer to collect it" },
  RECEIVED: { kind: "received", text: "received by the customer" },
  CLOSED: { kind: "closed", text: "closed" },
  REFUSED: { kind: "refused", text: "refused" },
  CANCELED: { kind: "cancelled", text: "cancelled" },
};

const mirakl = (kind: string, message: string, detail: Record<string, unknown> = {}): TimelineEntry => ({
  actor: "MIRAKL",
  kind,
  message,
  detail,
});

const units = (n: number) => `${n} ${n === 1 ? "unit" : "units"}`;

export function timelineEntries(previous: OrderSnapshot | null, current: OrderSnapshot): TimelineEntry[] {
  if (previous === null) {
    const lineText = current.lines.map((line) => `${units(line.quantity)} of ${line.offerSku}`).join(", ");
    return [
      mirakl(
        "read",
        `Read from Mirakl in state ${current.state}: ${lineText || "no line"}; total ${current.totalPrice} ${current.currency}`,
        { state: current.state, lines: current.lines.length },
      ),
    ];
  }
  const entries: TimelineEntry[] = [];
  if (previous.state !== current.state) {
    const event = ORDER_STATE_EVENTS[current.state] ?? { kind: "state", text: `moved to ${current.state}` };
    entries.push(
      mirakl(event.kind, `Order ${event.text} (was ${previous.state})`, { from: previous.state, to: current.state }),
    );
  }
  if (!previous.customerDebitedAt && current.customerDebitedAt)
    entries.push(
      mirakl("debited", `Mirakl debited the customer at ${current.customerDebitedAt}`, {
        at: current.customerDebitedAt,
      }),
    );
  if (!previous.hasIncident && current.hasIncident)
    entries.push(mirakl("incident", "An incident was opened on this order", {}));
  if (previous.hasIncident && !current.hasIncident)
    entries.push(mirakl("incident-closed", "The incident on this order was closed", {}));

  const before = new Map(previous.lines.map((line) => [line.lineId, line]));
  for (const line of current.lines) {
    const old = before.get(line.lineId);
    if (!old) {
      entries.push(
        mirakl("line-added", `Line ${line.lineId} appeared: ${units(line.quantity)} of ${line.offerSku}`, {
          lineId: line.lineId,
        }),
      );
      continue;
    }
    // A line that follows the order's own move says nothing new; one that moves on its own is told.
    const followsOrder = line.state === current.state && old.state === previous.state;
    if (old.state !== line.state && !followsOrder)
      entries.push(
        mirakl("line-state", `Line ${line.lineId} (${line.offerSku}) moved from ${old.state} to ${line.state}`, {
          lineId: line.lineId,
          from: old.state,
          to: line.state,
        }),
      );
    const newCancelations = line.cancelationIds.filter((id) => !old.cancelationIds.includes(id));
    if (newCancelations.length)
      entries.push(
        mirakl("cancelled", `Line ${line.lineId} (${line.offerSku}): cancellation ${newCancelations.join(", ")}`, {
          lineId: line.lineId,
          cancelationIds: newCancelations,
        }),
      );
    const newRefunds = line.refundIds.filter((id) => !old.refundIds.includes(id));
    if (newRefunds.length)
      entries.push(
        mirakl("refunded", `Line ${line.lineId} (${line.offerSku}): refund ${newRefunds.join(", ")}`, {
          lineId: line.lineId,
          refundIds: newRefunds,
        }),
      );
  }
  return entries;
}
