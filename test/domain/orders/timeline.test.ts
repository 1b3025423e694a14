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

describe("refunds and cancellations on the timeline", () => {
  const shipping = withLines({ ...base, state: "SHIPPED" }, () => ({ state: "SHIPPED" }));
  const onMug = (snapshot: OrderSnapshot, change: object) =>
    withLines(snapshot, (line) => (line.lineId === "O-1-2" ? change : {}));
  const r1 = refund({ id: "R1", amount: "12.5", shippingAmount: "4.99", taxes: "2.08" });

  it("TAX_EXCLUDED: the taxes are on top of the amounts, and in what the customer gets back", () => {
    const [entry, ...rest] = timelineEntries(shipping, onMug(shipping, { refunds: [r1] }));
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      actor: "MIRAKL",
      kind: "refunded",
      message:
        "Line O-1-2 (MUG): refund R1 of 12.50 EUR + shipping 4.99 EUR (taxes 2.08 EUR on top), 1 unit, reason 16; 19.57 EUR back to the customer; state WAITING_REFUND",
      detail: {
        lineId: "O-1-2",
        refundId: "R1",
        amount: "12.5",
        shippingAmount: "4.99",
        taxes: "2.08",
        customerTotal: "19.57",
        currency: "EUR",
        taxMode: "TAX_EXCLUDED",
        quantity: 1,
        reasonCode: "16",
        state: "WAITING_REFUND",
      },
    });
  });

  it("TAX_INCLUDED: the taxes are within the amounts, so the customer gets the amounts back", () => {
    const included = { ...shipping, taxMode: "TAX_INCLUDED" as const, currency: "GBP" };
    const [entry] = timelineEntries(included, onMug(included, { refunds: [r1] }));
    expect(entry!.message).toBe(
      "Line O-1-2 (MUG): refund R1 of 12.50 GBP + shipping 4.99 GBP (taxes 2.08 GBP included), 1 unit, reason 16; 17.49 GBP back to the customer; state WAITING_REFUND",
    );
    expect(entry!.detail).toMatchObject({ customerTotal: "17.49", taxMode: "TAX_INCLUDED", currency: "GBP" });
  });

  it("a cancellation says its money off the customer's total; no shipping or tax is mentioned when there is none", () => {
    const c1 = reversal({ id: "C1", amount: "40", quantity: 2, reasonCode: "34" });
    const [entry] = timelineEntries(
      shipping,
      withLines(shipping, (line) => (line.lineId === "O-1-1" ? { cancelations: [c1] } : {})),
    );
    expect(entry).toMatchObject({
      actor: "MIRAKL",
      kind: "cancelled",
      message:
        "Line O-1-1 (TENT): cancellation C1 of 40.00 EUR, 2 units, reason 34; 40.00 EUR off the customer's total",
      detail: { lineId: "O-1-1", cancelationId: "C1", customerTotal: "40", quantity: 2, reasonCode: "34" },
    });
    expect(entry!.detail).not.toHaveProperty("state");
  });

  it("a refund of money only says so; one without a reason or quantity leaves them out", () => {
    const moneyOnly = refund({ id: "R2", amount: "3", quantity: 0, state: null });
    const bare = refund({ id: "R3", amount: "1", quantity: null, reasonCode: null, state: null });
    expect(timelineEntries(shipping, onMug(shipping, { refunds: [moneyOnly, bare] })).map((e) => e.message)).toEqual([
      "Line O-1-2 (MUG): refund R2 of 3.00 EUR, no unit, reason 16; 3.00 EUR back to the customer",
      "Line O-1-2 (MUG): refund R3 of 1.00 EUR; 1.00 EUR back to the customer",
    ]);
  });

  it("several refunds at once, on several lines, each get their entry with their own money", () => {
    const r2 = refund({ id: "R2", amount: "7", taxes: "1.4", quantity: 1 });
    const r3 = refund({ id: "R3", amount: "80", shippingAmount: "5", taxes: "17", quantity: 2, reasonCode: "15" });
    const after = withLines(shipping, (line) => ({ refunds: line.lineId === "O-1-2" ? [r1, r2] : [r3] }));
    const entries = timelineEntries(shipping, after);
    expect(entries.map((e) => [e.kind, e.detail.refundId, e.detail.customerTotal])).toEqual([
      ["refunded", "R3", "102"],
      ["refunded", "R1", "19.57"],
      ["refunded", "R2", "8.4"],
    ]);
    // Read again with one more: only the new one is told.
    const r4 = refund({ id: "R4", amount: "2" });
    const later = onMug(after, { refunds: [r1, r2, r4] });
    expect(timelineEntries(after, later).map((e) => e.detail.refundId)).toEqual(["R4"]);
  });

  it("who made it: sent by this app (told by the app) or made on the marketplace, by kind and id", () => {
    const r2 = refund({ id: "R2", amount: "7" });
    // The app's cancelation R2 is not refund R2: the keys keep the kinds apart.
    const own = new Set([reversalKey("refund", "R1"), reversalKey("cancelation", "R2")]);
    const entries = timelineEntries(shipping, onMug(shipping, { refunds: [r1, r2] }), { ownReversals: own });
    expect(entries.map((e) => [e.actor, e.detail.madeBy])).toEqual([
      ["APP", "APP"],
      ["MIRAKL", "MARKETPLACE"],
    ]);
    expect(entries[0]!.message).toMatch(/; sent by this app; state WAITING_REFUND$/);
    expect(entries[1]!.message).toMatch(/; made on the marketplace; state WAITING_REFUND$/);
    // Without the context, neither is claimed.
    const unknown = timelineEntries(shipping, onMug(shipping, { refunds: [r1] }))[0]!;
    expect(unknown.message).not.toMatch(/this app|marketplace/);
    expect(unknown.detail).not.toHaveProperty("madeBy");
  });

  it("reason labels, when known, name the reason beside its code (refund and cancelation lists apart)", () => {
    const c1 = reversal({ id: "C1", amount: "1", reasonCode: "16" });
    const after = onMug(shipping, { refunds: [r1], cancelations: [c1] });
    const entries = timelineEntries(shipping, after, {
      reasonLabels: { REFUND: { "16": "Damaged" }, CANCELATION: { "16": "Customer changed their mind" } },
    });
    expect(entries.map((e) => e.detail.reason)).toEqual(["Customer changed their mind (16)", "Damaged (16)"]);
    expect(entries[1]!.message).toContain(", reason Damaged (16);");
  });

  it("a refund's state moving is its own entry, and nothing else is told again", () => {
    const waiting = onMug(shipping, { refunds: [r1] });
    const paid = onMug(shipping, { refunds: [{ ...r1, state: "REFUNDED" }] });
    expect(timelineEntries(waiting, paid, { ownReversals: new Set() })).toEqual([
      {
        actor: "MIRAKL",
        kind: "refund-state",
        message: "Refund R1 on line O-1-2 (MUG): WAITING_REFUND → REFUNDED (19.57 EUR back to the customer)",
        detail: {
          lineId: "O-1-2",
          refundId: "R1",
          from: "WAITING_REFUND",
          to: "REFUNDED",
          customerTotal: "19.57",
          currency: "EUR",
        },
      },
    ]);
  });

  it("a new refund and another's state move in one read: both told", () => {
    const waiting = onMug(shipping, { refunds: [r1] });
    const r2 = refund({ id: "R2", amount: "7" });
    const after = onMug(shipping, { refunds: [{ ...r1, state: "REFUNDED" }, r2] });
    expect(kinds(waiting, after)).toEqual(["MIRAKL refunded", "MIRAKL refund-state"]);
  });

  it("a state Mirakl stops giving is not a move", () => {
    const waiting = onMug(shipping, { refunds: [r1] });
    expect(timelineEntries(waiting, onMug(shipping, { refunds: [{ ...r1, state: null }] }))).toEqual([]);
  });

  it("a re-read that changed nothing yields nothing, reversals, own ids and labels included", () => {
    const c1 = reversal({ id: "C1", amount: "40" });
    const withReversals = withLines(shipping, (line) =>
      line.lineId === "O-1-2" ? { refunds: [r1] } : { cancelations: [c1] },
    );
    expect(
      timelineEntries(withReversals, structuredClone(withReversals), {
        ownReversals: new Set([reversalKey("refund", "R1")]),
        reasonLabels: { REFUND: { "16": "Damaged" } },
      }),
    ).toEqual([]);
  });

  it("an order first read with reversals on it, or a line added with one, tells them after the read", () => {
    const first = onMug(shipping, { refunds: [r1] });
    expect(kinds(null, first)).toEqual(["MIRAKL read", "MIRAKL refunded"]);
    const added = {
      ...shipping,
      lines: [
        ...shipping.lines,
        { ...shipping.lines[0]!, lineId: "O-1-3", offerSku: "STOVE", cancelations: [reversal({ id: "C2" })] },
      ],
    };
    expect(kinds(shipping, added)).toEqual(["MIRAKL line-added", "MIRAKL cancelled"]);
  });

  it("amounts with more than two decimals are told exactly", () => {
    const fine = refund({ id: "R5", amount: "1.005", taxes: "0.201" });
    const [entry] = timelineEntries(shipping, onMug(shipping, { refunds: [fine] }));
    expect(entry!.message).toContain("refund R5 of 1.005 EUR (taxes 0.201 EUR on top)");
    expect(entry!.detail.customerTotal).toBe("1.206");
  });
});
