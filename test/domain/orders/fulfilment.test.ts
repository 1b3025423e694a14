import { describe, expect, it } from "vitest";
import { companyKey, type CarrierMapEntry, type MarketplaceCarrier } from "~/domain/orders/carriers";
import {
  planOrderShipping,
  sameTracking,
  trackingFor,
  type FulfilmentRecord,
  type OrderShippingInput,
  type ShippingStep,
  type TrackingToSend,
} from "~/domain/orders/fulfilment";

const carriers: MarketplaceCarrier[] = [
  { code: "UPS", label: "UPS", standardCode: "UPS", trackingUrl: "https://www.ups.com/track?tracknum={trackingId}" },
  { code: "DHL", label: "DHL Express", standardCode: "DHL", trackingUrl: "https://www.dhl.com/track?id={trackingId}" },
  { code: "LETTER", label: "Lettre suivie", standardCode: null, trackingUrl: null },
];
const map: CarrierMapEntry[] = [
  { companyKey: companyKey("UPS"), miraklCode: "UPS", confirmed: true },
  { companyKey: companyKey("DHL Express"), miraklCode: "DHL", confirmed: true },
  { companyKey: companyKey("La Poste"), miraklCode: "LETTER", confirmed: true },
];
const ups = (number: string | null): TrackingToSend => ({
  carrierCode: "UPS",
  carrierName: null,
  trackingNumber: number,
  trackingUrl: null,
});

let seq = 0;
function fulfilment(overrides: Partial<FulfilmentRecord> = {}): FulfilmentRecord {
  seq++;
  return {
    id: `f${seq}`,
    name: `#1001.${seq}`,
    active: true,
    company: "UPS",
    trackingNumber: `1Z${seq}`,
    trackingUrl: null,
    lines: [{ lineId: "L1", quantity: 2 }],
    fulfilledAt: new Date(Date.UTC(2026, 11, 4, 10, seq)),
    status: "PENDING",
    trackingSent: null,
    miraklShipmentId: null,
    ...overrides,
  };
}

function input(overrides: Partial<OrderShippingInput> = {}): OrderShippingInput {
  return {
    mode: "order",
    miraklOrderId: "ORDER-1-A",
    orderState: "SHIPPING",
    lines: [
      { lineId: "L1", state: "SHIPPING", toShip: 2 },
      { lineId: "L2", state: "SHIPPING", toShip: 1 },
    ],
    fulfilments: [],
    orderTrackingSent: null,
    map,
    carriers,
    policy: { alternativeCarriersAllowed: false, defaultCarrierCode: null },
    ...overrides,
  };
}

const kinds = (steps: readonly ShippingStep[]) => steps.map((s) => s.kind);
const statusOf = (plan: ReturnType<typeof planOrderShipping>, id: string) =>
  plan.decisions.find((d) => d.fulfilmentId === id)?.status;

describe("trackingFor", () => {
  it("sends a mapped carrier by code, leaving the URL to Mirakl's template", () => {
    const result = trackingFor(
      { company: "ups ", trackingNumber: " 1Z999 ", trackingUrl: "https://x" },
      map,
      carriers,
      {
        alternativeCarriersAllowed: false,
        defaultCarrierCode: null,
      },
    );
    expect(result).toMatchObject({ ok: true, tracking: ups("1Z999") });
  });

  it("blocks a carrier whose tracking page needs a number when the fulfilment has none", () => {
    const result = trackingFor({ company: "UPS", trackingNumber: null, trackingUrl: null }, map, carriers, {
      alternativeCarriersAllowed: true,
      defaultCarrierCode: null,
    });
    expect(result).toMatchObject({ ok: false, block: { cause: "NO_TRACKING_NUMBER", company: "UPS" } });
  });

  it("lets a carrier without a URL template go without a number", () => {
    const result = trackingFor({ company: "La Poste", trackingNumber: null, trackingUrl: null }, map, carriers, {
      alternativeCarriersAllowed: false,
      defaultCarrierCode: null,
    });
    expect(result).toMatchObject({ ok: true, tracking: { carrierCode: "LETTER", trackingNumber: null } });
  });

  it("sends an unmapped carrier by name and URL where the marketplace allows it, and blocks it where not", () => {
    const company = { company: "Mondial Relay", trackingNumber: "MR1", trackingUrl: "https://mr.example/MR1" };
    expect(
      trackingFor(company, map, carriers, { alternativeCarriersAllowed: true, defaultCarrierCode: null }),
    ).toMatchObject({
      ok: true,
      tracking: {
        carrierCode: null,
        carrierName: "Mondial Relay",
        trackingNumber: "MR1",
        trackingUrl: "https://mr.example/MR1",
      },
    });
    const blocked = trackingFor(company, map, carriers, {
      alternativeCarriersAllowed: false,
      defaultCarrierCode: null,
    });
    expect(blocked).toMatchObject({ ok: false, block: { cause: "UNMAPPED", company: "Mondial Relay" } });
    expect(!blocked.ok && blocked.block.fixHint).toContain("Carriers page");
  });

  it("uses the default carrier for a fulfilment without a company", () => {
    const result = trackingFor({ company: null, trackingNumber: "D1", trackingUrl: null }, map, carriers, {
      alternativeCarriersAllowed: false,
      defaultCarrierCode: "DHL",
    });
    expect(result).toMatchObject({ ok: true, tracking: { carrierCode: "DHL", trackingNumber: "D1" } });
  });
});

describe("sameTracking", () => {
  it("ignores whitespace and the URL of a registered carrier, not the URL of another carrier", () => {
    expect(sameTracking(ups("1Z1"), { ...ups(" 1Z1 "), trackingUrl: "https://ups/1Z1" })).toBe(true);
    expect(sameTracking(ups("1Z1"), ups("1Z2"))).toBe(false);
    const other = { carrierCode: null, carrierName: "MR", trackingNumber: "1", trackingUrl: "https://a" };
    expect(sameTracking(other, { ...other, trackingUrl: "https://b" })).toBe(false);
    expect(sameTracking(null, null)).toBe(true);
    expect(sameTracking(ups("1"), null)).toBe(false);
  });
});

describe("planOrderShipping, one shipment per order (OR23/OR24)", () => {
  it("plans nothing and says NONE without fulfilments", () => {
    expect(planOrderShipping(input())).toMatchObject({ steps: [], orderStatus: "NONE" });
  });

  it("sends the tracking then ships when every unit is fulfilled", () => {
    const f = fulfilment({
      lines: [
        { lineId: "L1", quantity: 2 },
        { lineId: "L2", quantity: 1 },
      ],
    });
    const plan = planOrderShipping(input({ fulfilments: [f] }));
    expect(plan.steps).toEqual([
      { kind: "set-order-tracking", fulfilmentId: f.id, tracking: ups(f.trackingNumber) },
      { kind: "ship-order" },
    ]);
    expect(plan.orderStatus).toBe("SYNCING");
  });

  it("once the steps landed, planning again gives SHIPPED and no step (level-triggered)", () => {
    const f = fulfilment({
      lines: [
        { lineId: "L1", quantity: 2 },
        { lineId: "L2", quantity: 1 },
      ],
    });
    const plan = planOrderShipping(
      input({
        fulfilments: [{ ...f, trackingSent: ups(f.trackingNumber) }],
        orderTrackingSent: ups(f.trackingNumber),
        orderState: "SHIPPED",
      }),
    );
    expect(plan.steps).toEqual([]);
    expect(plan.orderStatus).toBe("SHIPPED");
    expect(statusOf(plan, f.id)).toBe("SHIPPED");
  });

  it("a partial fulfilment sends its tracking, holds OR24 and says how many units wait", () => {
    const f = fulfilment({ lines: [{ lineId: "L1", quantity: 1 }] });
    const plan = planOrderShipping(input({ fulfilments: [f] }));
    expect(kinds(plan.steps)).toEqual(["set-order-tracking"]);
    const after = planOrderShipping(input({ fulfilments: [f], orderTrackingSent: ups(f.trackingNumber) }));
    expect(after.steps).toEqual([]);
    expect(after.orderStatus).toBe("PARTIAL");
    expect(after.note).toContain("1 of 3 units");
    expect(statusOf(after, f.id)).toBe("TRACKED");
  });

  it("the newest fulfilment's tracking wins, and the last one ships the order", () => {
    const first = fulfilment({ lines: [{ lineId: "L1", quantity: 2 }] });
    const second = fulfilment({ company: "DHL Express", lines: [{ lineId: "L2", quantity: 1 }] });
    const plan = planOrderShipping(
      input({ fulfilments: [second, first], orderTrackingSent: ups(first.trackingNumber) }),
    );
    expect(plan.steps).toEqual([
      {
        kind: "set-order-tracking",
        fulfilmentId: second.id,
        tracking: { carrierCode: "DHL", carrierName: null, trackingNumber: second.trackingNumber, trackingUrl: null },
      },
      { kind: "ship-order" },
    ]);
  });

  it("an unchanged tracking is not sent again; a changed tracking number is", () => {
    const f = fulfilment({ lines: [{ lineId: "L1", quantity: 1 }] });
    expect(planOrderShipping(input({ fulfilments: [f], orderTrackingSent: ups(f.trackingNumber) })).steps).toEqual([]);
    const changed = { ...f, trackingNumber: "1ZNEW" };
    expect(
      planOrderShipping(input({ fulfilments: [changed], orderTrackingSent: ups(f.trackingNumber) })).steps,
    ).toEqual([{ kind: "set-order-tracking", fulfilmentId: f.id, tracking: ups("1ZNEW") }]);
  });

  it("an unmapped carrier blocks the order with the reason and the fix, and sends nothing", () => {
    const f = fulfilment({
      company: "Mondial Relay",
      lines: [
        { lineId: "L1", quantity: 2 },
        { lineId: "L2", quantity: 1 },
      ],
    });
    const plan = planOrderShipping(input({ fulfilments: [f] }));
    expect(plan.steps).toEqual([]);
    expect(plan.orderStatus).toBe("BLOCKED");
    const decision = plan.decisions.find((d) => d.fulfilmentId === f.id)!;
    expect(decision).toMatchObject({ status: "BLOCKED", block: { cause: "UNMAPPED", company: "Mondial Relay" } });
    expect(decision.block!.fixHint).toContain('Map "Mondial Relay"');
    // Mapped later: the same facts now plan the shipment.
    const mapped = planOrderShipping(
      input({
        fulfilments: [f],
        map: [...map, { companyKey: companyKey("Mondial Relay"), miraklCode: "DHL", confirmed: true }],
      }),
    );
    expect(kinds(mapped.steps)).toEqual(["set-order-tracking", "ship-order"]);
  });

  it("counts cancelled units out and caps over-fulfilment; lines Mirakl does not ship stay out", () => {
    const lines = [
      { lineId: "L1", state: "SHIPPING", toShip: 1 }, // 2 ordered, 1 cancelled
      { lineId: "L2", state: "CANCELED", toShip: 0 },
    ];
    const f = fulfilment({ lines: [{ lineId: "L1", quantity: 2 }] });
    expect(kinds(planOrderShipping(input({ lines, fulfilments: [f] })).steps)).toEqual([
      "set-order-tracking",
      "ship-order",
    ]);
  });

  it("a fulfilment of fee lines only, or cancelled in Shopify, ships nothing", () => {
    const fees = fulfilment({ lines: [] });
    const cancelled = fulfilment({ active: false });
    const plan = planOrderShipping(input({ fulfilments: [fees, cancelled] }));
    expect(plan.steps).toEqual([]);
    expect(statusOf(plan, fees.id)).toBe("IGNORED");
    expect(statusOf(plan, cancelled.id)).toBe("IGNORED");
  });

  it("a cancelled Shopify fulfilment no longer counts towards shipping the order", () => {
    const all = [
      { lineId: "L1", quantity: 2 },
      { lineId: "L2", quantity: 1 },
    ];
    const cancelled = fulfilment({ active: false, lines: all });
    const partial = fulfilment({ lines: [{ lineId: "L1", quantity: 1 }] });
    expect(kinds(planOrderShipping(input({ fulfilments: [cancelled, partial] })).steps)).toEqual([
      "set-order-tracking",
    ]);
  });

  it("an order Mirakl shipped already needs nothing; one it cancelled raises a problem for the parcel", () => {
    const f = fulfilment();
    expect(planOrderShipping(input({ orderState: "RECEIVED", fulfilments: [f] }))).toMatchObject({
      steps: [],
      orderStatus: "SHIPPED",
    });
    const cancelled = planOrderShipping(input({ orderState: "CANCELED", fulfilments: [f] }));
    expect(cancelled.steps).toEqual([]);
    expect(cancelled.orderStatus).toBe("IGNORED");
    expect(cancelled.decisions[0]).toMatchObject({ status: "IGNORED", block: { cause: "ORDER_CANCELLED" } });
  });

  it("waits while Mirakl has not made the order shippable", () => {
    const plan = planOrderShipping(input({ orderState: "WAITING_DEBIT_PAYMENT", fulfilments: [fulfilment()] }));
    expect(plan).toMatchObject({ steps: [], orderStatus: "SYNCING" });
  });

  it("a refused order is not sent again by itself", () => {
    const f = fulfilment({
      status: "FAILED",
      lines: [
        { lineId: "L1", quantity: 2 },
        { lineId: "L2", quantity: 1 },
      ],
    });
    expect(planOrderShipping(input({ fulfilments: [f] }))).toMatchObject({ steps: [], orderStatus: "FAILED" });
  });
});

describe("planOrderShipping, one Mirakl shipment per fulfilment (ST01/ST23)", () => {
  const shipments = (o: Partial<OrderShippingInput>) => input({ mode: "shipments", ...o });

  it("each fulfilment becomes one shipment with its lines and tracking, shipped at once", () => {
    const a = fulfilment({ lines: [{ lineId: "L1", quantity: 1 }] });
    const b = fulfilment({
      company: "DHL Express",
      lines: [
        { lineId: "L1", quantity: 1 },
        { lineId: "L2", quantity: 1 },
      ],
    });
    const plan = planOrderShipping(shipments({ fulfilments: [a, b] }));
    expect(plan.steps).toEqual([
      {
        kind: "create-shipment",
        fulfilmentId: a.id,
        lines: [{ lineId: "L1", quantity: 1 }],
        tracking: ups(a.trackingNumber),
        lookFirst: false,
      },
      {
        kind: "create-shipment",
        fulfilmentId: b.id,
        lines: [
          { lineId: "L1", quantity: 1 },
          { lineId: "L2", quantity: 1 },
        ],
        tracking: { carrierCode: "DHL", carrierName: null, trackingNumber: b.trackingNumber, trackingUrl: null },
        lookFirst: false,
      },
    ]);
  });

  it("a partial shipment stays PARTIAL once made; the rest goes when fulfilled", () => {
    const a = fulfilment({ lines: [{ lineId: "L1", quantity: 1 }], miraklShipmentId: "S1", status: "SHIPPED" });
    const made = { ...a, trackingSent: ups(a.trackingNumber) };
    const plan = planOrderShipping(shipments({ fulfilments: [made] }));
    expect(plan).toMatchObject({ steps: [], orderStatus: "PARTIAL" });
    expect(plan.note).toContain("1 of 3 units");
  });

  it("an ST01 in doubt is looked up before it is sent again", () => {
    const a = fulfilment({ status: "SENDING" });
    const plan = planOrderShipping(shipments({ fulfilments: [a] }));
    expect(plan.steps[0]).toMatchObject({ kind: "create-shipment", lookFirst: true });
    expect(statusOf(plan, a.id)).toBe("SENDING");
  });

  it("a changed tracking number on a made shipment is an ST23, also after the order shipped", () => {
    const a = fulfilment({ miraklShipmentId: "S1", status: "SHIPPED", trackingNumber: "1ZNEW" });
    const sent = { ...a, trackingSent: ups("1ZOLD") };
    for (const orderState of ["SHIPPING", "SHIPPED"]) {
      const plan = planOrderShipping(shipments({ orderState, fulfilments: [sent] }));
      expect(plan.steps).toEqual([
        { kind: "update-shipment-tracking", fulfilmentId: a.id, shipmentId: "S1", tracking: ups("1ZNEW") },
      ]);
    }
  });

  it("never puts more units in shipments than a line has left, made shipments counted first", () => {
    const made = fulfilment({ lines: [{ lineId: "L1", quantity: 2 }], miraklShipmentId: "S1", status: "SHIPPED" });
    const extra = fulfilment({ lines: [{ lineId: "L1", quantity: 1 }] });
    const plan = planOrderShipping(
      shipments({ fulfilments: [{ ...made, trackingSent: ups(made.trackingNumber) }, extra] }),
    );
    expect(plan.steps).toEqual([]);
    expect(statusOf(plan, extra.id)).toBe("IGNORED");
  });

  it("a blocked fulfilment does not hold back the others", () => {
    const blocked = fulfilment({ company: "Mondial Relay", lines: [{ lineId: "L1", quantity: 2 }] });
    const fine = fulfilment({ lines: [{ lineId: "L2", quantity: 1 }] });
    const plan = planOrderShipping(shipments({ fulfilments: [blocked, fine] }));
    expect(plan.steps.map((s) => "fulfilmentId" in s && s.fulfilmentId)).toEqual([fine.id]);
    expect(statusOf(plan, blocked.id)).toBe("BLOCKED");
    const after = planOrderShipping(
      shipments({
        fulfilments: [
          blocked,
          { ...fine, miraklShipmentId: "S2", status: "SHIPPED", trackingSent: ups(fine.trackingNumber) },
        ],
      }),
    );
    expect(after.orderStatus).toBe("BLOCKED");
  });

  it("every unit in made shipments: SHIPPED", () => {
    const a = fulfilment({
      lines: [
        { lineId: "L1", quantity: 2 },
        { lineId: "L2", quantity: 1 },
      ],
      miraklShipmentId: "S1",
      status: "SHIPPED",
    });
    const plan = planOrderShipping(
      shipments({ orderState: "SHIPPED", fulfilments: [{ ...a, trackingSent: ups(a.trackingNumber) }] }),
    );
    expect(plan).toMatchObject({ steps: [], orderStatus: "SHIPPED" });
  });
});
