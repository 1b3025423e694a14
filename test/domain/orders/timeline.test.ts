import { describe, expect, it } from "vitest";
import { reversalKey } from "~/domain/orders/refunds";
import {
  timelineEntries,
  type OrderSnapshot,
  type RefundSnapshot,
  type ReversalSnapshot,
} from "~/domain/orders/timeline";

const base: OrderSnapshot = {
  miraklOrderId: "O-1",
  state: "WAITING_ACCEPTANCE",
  currency: "EUR",
  taxMode: "TAX_EXCLUDED",
  totalPrice: "45.5",
  customerDebitedAt: null,
  hasIncident: false,
  lines: [
    { lineId: "O-1-1", offerSku: "TENT", state: "WAITING_ACCEPTANCE", quantity: 2, cancelations: [], refunds: [] },
    { lineId: "O-1-2", offerSku: "MUG", state: "WAITING_ACCEPTANCE", quantity: 1, cancelations: [], refunds: [] },
  ],
};
const withLines = (snapshot: OrderSnapshot, change: (line: OrderSnapshot["lines"][number]) => object) => ({
  ...snapshot,
  lines: snapshot.lines.map((line) => ({ ...line, ...change(line) })),
});
/** A reversal of one unit, no shipping, no tax, reason 16, unless told otherwise. */
const reversal = (fields: Partial<ReversalSnapshot> & { id: string }): ReversalSnapshot => ({
  amount: "0",
  shippingAmount: "0",
  taxes: "0",
  quantity: 1,
  reasonCode: "16",
  ...fields,
});
const refund = (fields: Partial<RefundSnapshot> & { id: string }): RefundSnapshot => ({
  state: "WAITING_REFUND",
  ...reversal(fields),
  ...fields,
});
const kinds = (previous: OrderSnapshot | null, current: OrderSnapshot) =>
  timelineEntries(previous, current).map((e) => `${e.actor} ${e.kind}`);

describe("order timeline entries", () => {
  it("a first read says what was read: state, units per offer, total", () => {
    const [entry] = timelineEntries(null, base);
    expect(entry).toMatchObject({ actor: "MIRAKL", kind: "read" });
    expect(entry!.message).toBe(
      "Read from Mirakl in state WAITING_ACCEPTANCE: 2 units of TENT, 1 unit of MUG; total 45.5 EUR",
    );
  });

  it("a re-read that changed nothing adds nothing", () => {
    expect(timelineEntries(base, structuredClone(base))).toEqual([]);
  });

  it("an order moving as a whole is one entry, not one per line", () => {
    const accepted = withLines({ ...base, state: "WAITING_DEBIT_PAYMENT" }, () => ({ state: "WAITING_DEBIT_PAYMENT" }));
    expect(kinds(base, accepted)).toEqual(["MIRAKL accepted"]);
  });

  it("a line that moves on its own (partial refusal) is told with its offer", () => {
    const partial = {
      ...base,
      state: "WAITING_DEBIT_PAYMENT",
      lines: [
        { ...base.lines[0]!, state: "WAITING_DEBIT_PAYMENT" },
        { ...base.lines[1]!, state: "REFUSED" },
      ],
    };
    const entries = timelineEntries(base, partial);
    expect(entries.map((e) => e.kind)).toEqual(["accepted", "line-state"]);
    expect(entries[1]!.message).toBe("Line O-1-2 (MUG) moved from WAITING_ACCEPTANCE to REFUSED");
  });

  it("debit, incidents, cancellations and refunds each get their entry", () => {
    const shipping = withLines({ ...base, state: "SHIPPING" }, () => ({ state: "SHIPPING" }));
    const debited = { ...shipping, customerDebitedAt: "2026-12-01T10:00:00Z", hasIncident: true };
    expect(kinds(shipping, debited)).toEqual(["MIRAKL debited", "MIRAKL incident"]);
    const cancelled = withLines(debited, (line) =>
      line.lineId === "O-1-1" ? { cancelations: [reversal({ id: "C-9", amount: "20" })] } : {},
    );
    const refunded = withLines(cancelled, (line) =>
      line.lineId === "O-1-2" ? { refunds: [refund({ id: "R-1", amount: "5.5" })] } : {},
    );
    expect(kinds(debited, refunded)).toEqual(["MIRAKL cancelled", "MIRAKL refunded"]);
    expect(kinds(refunded, { ...refunded, hasIncident: false })).toEqual(["MIRAKL incident-closed"]);
  });

  it("an unknown future state is still recorded", () => {
    expect(timelineEntries(base, { ...base, state: "SIM_FUTURE_STATE" })[0]).toMatchObject({
      kind: "state",
      message: "Order moved to SIM_FUTURE_STATE (was WAITING_ACCEPTANCE)",
    });
  });

  it("a line Mirakl adds later is told", () => {
    const added = {
      ...base,
      lines: [...base.lines, { ...base.lines[0]!, lineId: "O-1-3", offerSku: "STOVE", quantity: 1 }],
    };
    expect(timelineEntries(base, added).map((e) => e.message)).toEqual(["Line O-1-3 appeared: 1 unit of STOVE"]);
  });
});
