import { moneyForDisplay, type MiraklMoney } from "~/domain/money";
import { customerMoneyOf, reversalKey, type OrderTaxMode } from "~/domain/orders/refunds";

/**
 * What a re-read of a Mirakl order tells that the previous read did not: the entries the order mirror
 * appends to the order's timeline (issue 10). Pure: the sync layer turns OR11 orders into snapshots and
 * stores the entries. A re-read that changed nothing yields nothing.
 *
 * Refunds and cancelations (issue 13) are told one by one with their money in the order's currency, their
 * reason and who made them; a refund whose refund_state moves (WAITING_REFUND → REFUNDED) is told again.
 */

export type TimelineActor = "APP" | "STAFF" | "MIRAKL";

export interface TimelineEntry {
  actor: TimelineActor;
  /**
   * read | accepted | refused | debited | shipped | received | closed | cancelled | refunded | refund-state |
   * incident | state | …
   */
  kind: string;
  message: string;
  detail: Record<string, unknown>;
}

/** A cancelation or refund of a line as Mirakl lists it: its money in the order's tax mode, taxes summed. */
export interface ReversalSnapshot {
  id: string;
  amount: MiraklMoney;
  shippingAmount: MiraklMoney;
  /** Its taxes and shipping taxes together (within the amounts in TAX_INCLUDED, on top in TAX_EXCLUDED). */
  taxes: MiraklMoney;
  /** Units given back (informative on a refund); null when Mirakl gives none. */
  quantity: number | null;
  reasonCode: string | null;
}

export interface RefundSnapshot extends ReversalSnapshot {
  /** Mirakl's refund_state (WAITING_REFUND … REFUNDED); null when Mirakl gives none. */
  state: string | null;
}

export interface LineSnapshot {
  lineId: string;
  offerSku: string;
  state: string;
  quantity: number;
  /** The line's cancelations and refunds, in Mirakl's order. */
  cancelations: readonly ReversalSnapshot[];
  refunds: readonly RefundSnapshot[];
}

export interface OrderSnapshot {
  miraklOrderId: string;
  state: string;
  currency: string;
  /** How the amounts hold taxes: what a reversal gives back to the customer depends on it. */
  taxMode: OrderTaxMode;
  totalPrice: string;
  customerDebitedAt: string | null;
  hasIncident: boolean;
  lines: readonly LineSnapshot[];
}

/** What the sync layer knows beside the order, to tell who made a reversal and why. */
export interface TimelineContext {
  /**
   * reversalKey(kind, id) of every refund and cancelation the app itself sent to Mirakl. Given, a new reversal
   * says "sent by this app" or "made on the marketplace"; left out, it says neither.
   */
  ownReversals?: ReadonlySet<string>;
  /** The marketplace's reason labels per code (RE01), when known without asking Mirakl. */
  reasonLabels?: { REFUND?: Readonly<Record<string, string>>; CANCELATION?: Readonly<Record<string, string>> };
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
const isZero = (amount: MiraklMoney) => /^-?0(\.0*)?$/.test(amount);

type ReversalKind = "refund" | "cancelation";

/** "Damaged (16)" when the marketplace's label is known, else the code. */
function reasonText(code: string | null, labels: Readonly<Record<string, string>> | undefined): string | null {
  if (!code) return null;
  const label = labels?.[code];
  return label ? `${label} (${code})` : code;
}

/** A refund or cancelation that appeared on a line: its money, units, reason, who made it and (refund) its state. */
function reversalEntry(
  kind: ReversalKind,
  reversal: ReversalSnapshot | RefundSnapshot,
  line: LineSnapshot,
  order: OrderSnapshot,
  context: TimelineContext,
): TimelineEntry {
  const money = (amount: MiraklMoney) => `${moneyForDisplay(amount)} ${order.currency}`;
  const total = customerMoneyOf(reversal, order.taxMode);
  const state = kind === "refund" ? (reversal as RefundSnapshot).state : null;
  const reason = reasonText(reversal.reasonCode, context.reasonLabels?.[kind === "refund" ? "REFUND" : "CANCELATION"]);
  const own = context.ownReversals?.has(reversalKey(kind, reversal.id));

  let what = `${kind === "refund" ? "refund" : "cancellation"} ${reversal.id} of ${money(reversal.amount)}`;
  if (!isZero(reversal.shippingAmount)) what += ` + shipping ${money(reversal.shippingAmount)}`;
  if (!isZero(reversal.taxes))
    what += ` (taxes ${money(reversal.taxes)} ${order.taxMode === "TAX_INCLUDED" ? "included" : "on top"})`;
  const parts = [what];
  if (reversal.quantity !== null) parts.push(reversal.quantity > 0 ? units(reversal.quantity) : "no unit");
  if (reason) parts.push(`reason ${reason}`);
  const sentences = [
    `Line ${line.lineId} (${line.offerSku}): ${parts.join(", ")}`,
    kind === "refund" ? `${money(total)} back to the customer` : `${money(total)} off the customer's total`,
  ];
  if (own !== undefined) sentences.push(own ? "sent by this app" : "made on the marketplace");
  if (state) sentences.push(`state ${state}`);

  return {
    actor: own ? "APP" : "MIRAKL",
    kind: kind === "refund" ? "refunded" : "cancelled",
    message: sentences.join("; "),
    detail: {
      lineId: line.lineId,
      ...(kind === "refund" ? { refundId: reversal.id } : { cancelationId: reversal.id }),
      amount: reversal.amount,
      shippingAmount: reversal.shippingAmount,
      taxes: reversal.taxes,
      customerTotal: total,
      currency: order.currency,
      taxMode: order.taxMode,
      quantity: reversal.quantity,
      reasonCode: reversal.reasonCode,
      ...(reason !== reversal.reasonCode ? { reason } : {}),
      ...(kind === "refund" ? { state } : {}),
      ...(own !== undefined ? { madeBy: own ? "APP" : "MARKETPLACE" } : {}),
    },
  };
}

/** Every cancelation and refund of `line` not listed on `old` (a line seen for the first time: all of them). */
function newReversalEntries(
  line: LineSnapshot,
  old: LineSnapshot | null,
  order: OrderSnapshot,
  context: TimelineContext,
): TimelineEntry[] {
  const known = (list: readonly { id: string }[] | undefined) => new Set((list ?? []).map((r) => r.id));
  const oldCancelations = known(old?.cancelations);
  const oldRefunds = known(old?.refunds);
  return [
    ...line.cancelations
      .filter((c) => !oldCancelations.has(c.id))
      .map((c) => reversalEntry("cancelation", c, line, order, context)),
    ...line.refunds.filter((r) => !oldRefunds.has(r.id)).map((r) => reversalEntry("refund", r, line, order, context)),
  ];
}

/** Refunds already listed whose refund_state moved (the marketplace's payment provider paid, or not yet). */
function refundStateEntries(line: LineSnapshot, old: LineSnapshot, order: OrderSnapshot): TimelineEntry[] {
  const before = new Map(old.refunds.map((r) => [r.id, r]));
  return line.refunds.flatMap((refund) => {
    const was = before.get(refund.id);
    if (!was || !refund.state || was.state === refund.state) return [];
    const from = was.state ?? "no state";
    const total = customerMoneyOf(refund, order.taxMode);
    return [
      mirakl(
        "refund-state",
        `Refund ${refund.id} on line ${line.lineId} (${line.offerSku}): ${from} → ${refund.state} (${moneyForDisplay(total)} ${order.currency} back to the customer)`,
        {
          lineId: line.lineId,
          refundId: refund.id,
          from: was.state,
          to: refund.state,
          customerTotal: total,
          currency: order.currency,
        },
      ),
    ];
  });
}

/**
 * The entries a read adds to the order's timeline: `previous` is the last stored read (null for the first).
 * `context` tells who made the reversals and their reasons' labels; without it they are told all the same.
 */
export function timelineEntries(
  previous: OrderSnapshot | null,
  current: OrderSnapshot,
  context: TimelineContext = {},
): TimelineEntry[] {
  if (previous === null) {
    const lineText = current.lines.map((line) => `${units(line.quantity)} of ${line.offerSku}`).join(", ");
    return [
      mirakl(
        "read",
        `Read from Mirakl in state ${current.state}: ${lineText || "no line"}; total ${current.totalPrice} ${current.currency}`,
        { state: current.state, lines: current.lines.length },
      ),
      // An order first read with reversals already on it (read late, or made before the connection): told too.
      ...current.lines.flatMap((line) => newReversalEntries(line, null, current, context)),
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
        ...newReversalEntries(line, null, current, context),
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
    entries.push(...newReversalEntries(line, old, current, context), ...refundStateEntries(line, old, current));
  }
  return entries;
}
