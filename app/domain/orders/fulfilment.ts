/**
 * What Mirakl must be told about an order's Shopify fulfilments (issue 12). Pure: the fulfilment flow
 * (app/sync/fulfilments/shipments.server.ts) reads the order as Mirakl last showed it, its fulfilments as
 * Shopify last showed them and what Mirakl already acknowledged, asks `planOrderShipping`, runs the steps and
 * records the statuses it was given. Calling it again after the steps landed plans nothing: level-triggered.
 *
 * Two ways to ship, per marketplace (PC01 `features.shipment.multi_shipment`):
 *  - "order": Mirakl holds one tracking per order (OR23) and ships the whole order at once (OR24). Partial
 *    fulfilments update the tracking (the newest one wins); OR24 waits until every unit is fulfilled.
 *  - "shipments": each Shopify fulfilment is one Mirakl shipment (ST01 with its lines, shipped at once), its
 *    tracking updated with ST23, so partial shipments leave as they happen.
 */
import {
  resolveCarrier,
  type BlockedCause,
  type CarrierMapEntry,
  type CarrierPolicy,
  type MarketplaceCarrier,
} from "~/domain/orders/carriers";

export type ShippingMode = "order" | "shipments";

/**
 * PENDING: to send. BLOCKED: its carrier cannot be resolved (an exception says why). SENDING: an ST01 may have
 * been sent; look it up by package reference before sending again. TRACKED: Mirakl has its tracking, the order
 * waits for other lines. SHIPPED: Mirakl shows it shipped. FAILED: Mirakl refused it (an exception says why).
 * IGNORED: nothing for Mirakl to do (cancelled in Shopify, no marketplace line, order cancelled on Mirakl).
 */
export type ShipmentStatus = "PENDING" | "BLOCKED" | "SENDING" | "TRACKED" | "SHIPPED" | "FAILED" | "IGNORED";

/** The order's summary for the Orders page (MarketplaceOrder.fulfilmentStatus). */
export type OrderFulfilmentStatus = "NONE" | "PARTIAL" | "SYNCING" | "BLOCKED" | "FAILED" | "SHIPPED" | "IGNORED";

export interface ShipLine {
  lineId: string;
  quantity: number;
}

/** What Mirakl is (or was) told about a parcel: a registered carrier's code, or another carrier's name and URL. */
export interface TrackingToSend {
  carrierCode: string | null;
  carrierName: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

export interface MiraklLineState {
  lineId: string;
  state: string;
  /** Units still to ship: ordered less cancelled. */
  toShip: number;
}

export interface FulfilmentRecord {
  id: string;
  name: string | null;
  /** Shopify's status is SUCCESS (cancelled, failed and errored fulfilments ship nothing). */
  active: boolean;
  company: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  /** Mirakl lines in it (Shopify lines that are not Mirakl lines already left out). */
  lines: readonly ShipLine[];
  fulfilledAt: Date;
  status: ShipmentStatus;
  trackingSent: TrackingToSend | null;
  miraklShipmentId: string | null;
}

export interface OrderShippingInput {
  mode: ShippingMode;
  miraklOrderId: string;
  orderState: string;
  lines: readonly MiraklLineState[];
  fulfilments: readonly FulfilmentRecord[];
  /** "order" mode: what OR23 last set on the order. */
  orderTrackingSent: TrackingToSend | null;
  map: readonly CarrierMapEntry[];
  carriers: readonly MarketplaceCarrier[];
  policy: CarrierPolicy;
}

export type ShippingStep =
  /** OR23 with the tracking of `fulfilmentId`. */
  | { kind: "set-order-tracking"; fulfilmentId: string; tracking: TrackingToSend }
  /** OR24: every unit is fulfilled. */
  | { kind: "ship-order" }
  /** ST01 (shipped at once); `lookFirst`: an earlier send may have landed, find it by package reference first. */
  | {
      kind: "create-shipment";
      fulfilmentId: string;
      lines: ShipLine[];
      tracking: TrackingToSend;
      lookFirst: boolean;
    }
  /** ST23: the tracking of a shipment Mirakl already has changed in Shopify. */
  | { kind: "update-shipment-tracking"; fulfilmentId: string; shipmentId: string; tracking: TrackingToSend };

export interface ShipmentBlock {
  cause: BlockedCause | "NO_TRACKING_NUMBER" | "ORDER_CANCELLED";
  company: string | null;
  fixHint: string;
}

export interface FulfilmentDecision {
  fulfilmentId: string;
  /**
   * Its status given what is known now: a fulfilment with a step to send is PENDING (the flow stores SENDING
   * before an ST01), and planning again once the steps landed gives TRACKED or SHIPPED.
   */
  status: ShipmentStatus;
  reason: string;
  block?: ShipmentBlock;
}

export interface OrderShippingPlan {
  steps: ShippingStep[];
  decisions: FulfilmentDecision[];
  orderStatus: OrderFulfilmentStatus;
  note: string | null;
}

/** Order states in which Mirakl takes tracking and shipments. */
const SHIPPABLE_STATE = "SHIPPING";
/** Mirakl states reached only after the order left. */
export const SHIPPED_ORDER_STATES: ReadonlySet<string> = new Set(["SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED"]);
const ENDED_ORDER_STATES: ReadonlySet<string> = new Set(["CANCELED", "REFUSED"]);

const label = (f: Pick<FulfilmentRecord, "name" | "id">) => f.name ?? "the fulfilment";

/** Same tracking, as Mirakl would show it (a URL it computes from a template is not ours to compare). */
export function sameTracking(a: TrackingToSend | null, b: TrackingToSend | null): boolean {
  if (!a || !b) return a === b;
  const norm = (value: string | null) => value?.trim() || null;
  return (
    norm(a.carrierCode) === norm(b.carrierCode) &&
    norm(a.carrierName) === norm(b.carrierName) &&
    norm(a.trackingNumber) === norm(b.trackingNumber) &&
    (a.carrierCode !== null || norm(a.trackingUrl) === norm(b.trackingUrl))
  );
}

type TrackingResolution =
  { ok: true; tracking: TrackingToSend; reason: string } | { ok: false; block: ShipmentBlock; reason: string };

/** The carrier and tracking Mirakl gets for a fulfilment, or why it cannot be sent. */
export function trackingFor(
  fulfilment: Pick<FulfilmentRecord, "company" | "trackingNumber" | "trackingUrl">,
  map: readonly CarrierMapEntry[],
  carriers: readonly MarketplaceCarrier[],
  policy: CarrierPolicy,
): TrackingResolution {
  const company = fulfilment.company?.trim() || null;
  const number = fulfilment.trackingNumber?.trim() || null;
  const resolution = resolveCarrier({ company, trackingUrl: fulfilment.trackingUrl }, map, carriers, policy);
  if (resolution.kind === "blocked")
    return {
      ok: false,
      reason: resolution.reason,
      block: { cause: resolution.cause, company, fixHint: resolution.fixHint },
    };
  if (resolution.kind === "mapped") {
    const carrier = carriers.find((c) => c.code === resolution.code);
    // The carrier's tracking page needs a number: Mirakl refuses OR23/ST01 without one.
    if (!number && carrier?.trackingUrl?.includes("{trackingId}"))
      return {
        ok: false,
        reason: `${resolution.label} needs a tracking number, and the fulfilment has none`,
        block: {
          cause: "NO_TRACKING_NUMBER",
          company,
          fixHint: `Add the tracking number to the fulfilment in Shopify (Edit tracking); it is sent to Mirakl by itself.`,
        },
      };
    return {
      ok: true,
      reason: resolution.reason,
      tracking: { carrierCode: resolution.code, carrierName: null, trackingNumber: number, trackingUrl: null },
    };
  }
  return {
    ok: true,
    reason: resolution.reason,
    tracking: {
      carrierCode: null,
      carrierName: resolution.name,
      trackingNumber: number,
      trackingUrl: resolution.trackingUrl,
    },
  };
}

/** Units of each line fulfilled by active fulfilments (capped at what the line has to ship). */
function fulfilledUnits(lines: readonly MiraklLineState[], fulfilments: readonly FulfilmentRecord[]) {
  const byLine = new Map(lines.map((l) => [l.lineId, 0]));
  for (const f of fulfilments)
    for (const line of f.lines)
      if (byLine.has(line.lineId)) byLine.set(line.lineId, byLine.get(line.lineId)! + line.quantity);
  return byLine;
}

export function planOrderShipping(input: OrderShippingInput): OrderShippingPlan {
  const { fulfilments } = input;
  const known = new Set(input.lines.map((l) => l.lineId));
  const decisions: FulfilmentDecision[] = [];
  const decide = (f: FulfilmentRecord, status: ShipmentStatus, reason: string, block?: ShipmentBlock) =>
    decisions.push({ fulfilmentId: f.id, status, reason, ...(block ? { block } : {}) });

  // Fulfilments that ship nothing Mirakl knows of are settled first, whatever the order's state.
  const live: FulfilmentRecord[] = [];
  for (const f of [...fulfilments].sort(byFulfilledAt)) {
    if (!f.active) {
      if (f.status === "SHIPPED") decide(f, "SHIPPED", `${label(f)} was cancelled in Shopify after Mirakl shipped it`);
      else decide(f, "IGNORED", `${label(f)} was cancelled in Shopify`);
      continue;
    }
    if (!f.lines.some((l) => known.has(l.lineId) && l.quantity > 0)) {
      decide(f, "IGNORED", `${label(f)} has no marketplace line (fees or lines Mirakl does not ship)`);
      continue;
    }
    live.push(f);
  }
  if (live.length === 0)
    return { steps: [], decisions, orderStatus: fulfilments.length === 0 ? "NONE" : "IGNORED", note: null };

  if (SHIPPED_ORDER_STATES.has(input.orderState)) return planAfterShipping(input, live, decisions);
  if (ENDED_ORDER_STATES.has(input.orderState)) {
    for (const f of live)
      decide(
        f,
        "IGNORED",
        `Mirakl ${input.orderState === "REFUSED" ? "refused" : "cancelled"} order ${input.miraklOrderId}`,
        {
          cause: "ORDER_CANCELLED",
          company: f.company,
          fixHint:
            "The marketplace customer will not pay for this parcel. Stop it with the carrier if you can, or contact the marketplace operator; then dismiss this.",
        },
      );
    return {
      steps: [],
      decisions,
      orderStatus: "IGNORED",
      note: `Fulfilled in Shopify, but Mirakl shows the order ${input.orderState}: nothing was sent`,
    };
  }
  if (input.orderState !== SHIPPABLE_STATE) {
    for (const f of live)
      decide(f, "PENDING", `Mirakl shows the order ${input.orderState}: it can ship once it is SHIPPING`);
    return { steps: [], decisions, orderStatus: "SYNCING", note: `Waits for Mirakl (order ${input.orderState})` };
  }
  // A refusal is not sent again by itself: Retry (or a change in Shopify) makes the fulfilment PENDING again.
  const refused = live.filter((f) => f.status === "FAILED");
  if (refused.length && input.mode === "order") {
    for (const f of live)
      decide(
        f,
        f.status === "FAILED" ? "FAILED" : "PENDING",
        f.status === "FAILED" ? "Mirakl refused it" : `Waits for ${label(refused[0]!)}`,
      );
    return { steps: [], decisions, orderStatus: "FAILED", note: "Mirakl refused the shipment: the exception says why" };
  }
  return input.mode === "order" ? planWholeOrder(input, live, decisions) : planShipments(input, live, decisions);
}

function byFulfilledAt(a: FulfilmentRecord, b: FulfilmentRecord) {
  return a.fulfilledAt.getTime() - b.fulfilledAt.getTime() || (a.name ?? a.id).localeCompare(b.name ?? b.id);
}

function unitsSummary(input: OrderShippingInput, live: readonly FulfilmentRecord[]) {
  const toShip = input.lines.filter((l) => l.state === SHIPPABLE_STATE && l.toShip > 0);
  const fulfilled = fulfilledUnits(toShip, live);
  const total = toShip.reduce((s, l) => s + l.toShip, 0);
  const done = toShip.reduce((s, l) => s + Math.min(l.toShip, fulfilled.get(l.lineId) ?? 0), 0);
  return { total, done, complete: done >= total };
}

/** Mirakl shows the order shipped (by the app, or by someone on Mirakl): only tracking changes may still go. */
function planAfterShipping(
  input: OrderShippingInput,
  live: readonly FulfilmentRecord[],
  decisions: FulfilmentDecision[],
): OrderShippingPlan {
  const steps: ShippingStep[] = [];
  let blocked = false;
  for (const f of live) {
    if (input.mode === "shipments" && f.miraklShipmentId) {
      if (trackShipment(input, f, f.miraklShipmentId, steps, decisions, "Shipped on Mirakl") === "blocked")
        blocked = true;
      continue;
    }
    decisions.push({
      fulfilmentId: f.id,
      status: "SHIPPED",
      reason: `Shipped: Mirakl shows order ${input.miraklOrderId} ${input.orderState}`,
    });
  }
  return {
    steps,
    decisions,
    orderStatus: blocked ? "BLOCKED" : steps.length ? "SYNCING" : "SHIPPED",
    note: blocked ? "A tracking change waits for its carrier" : null,
  };
}

/**
 * A fulfilment Mirakl has as a shipment: a tracking changed in Shopify is an ST23 (or waits for its carrier);
 * otherwise it stays shipped.
 */
function trackShipment(
  input: OrderShippingInput,
  f: FulfilmentRecord,
  shipmentId: string,
  steps: ShippingStep[],
  decisions: FulfilmentDecision[],
  unchanged: string,
): "ok" | "blocked" {
  const resolved = trackingFor(f, input.map, input.carriers, input.policy);
  if (resolved.ok && !sameTracking(resolved.tracking, f.trackingSent)) {
    steps.push({ kind: "update-shipment-tracking", fulfilmentId: f.id, shipmentId, tracking: resolved.tracking });
    decisions.push({ fulfilmentId: f.id, status: "SHIPPED", reason: "Tracking changed in Shopify: sent to Mirakl" });
    return "ok";
  }
  if (!resolved.ok && !sameTrackingInput(f)) {
    decisions.push({
      fulfilmentId: f.id,
      status: "BLOCKED",
      reason: `Tracking changed in Shopify: ${resolved.reason}`,
      block: resolved.block,
    });
    return "blocked";
  }
  decisions.push({ fulfilmentId: f.id, status: "SHIPPED", reason: unchanged });
  return "ok";
}

/** A shipped fulfilment whose tracking was never changed is not blocked by a later map change. */
function sameTrackingInput(f: FulfilmentRecord): boolean {
  const sent = f.trackingSent;
  return sent !== null && (sent.trackingNumber ?? null) === (f.trackingNumber?.trim() || null);
}

/** Without multi-shipment: one tracking per order (the newest fulfilment's), OR24 once every unit is fulfilled. */
function planWholeOrder(
  input: OrderShippingInput,
  live: readonly FulfilmentRecord[],
  decisions: FulfilmentDecision[],
): OrderShippingPlan {
  const withTracking = live.filter((f) => f.company?.trim() || f.trackingNumber?.trim());
  const source = (withTracking.length ? withTracking : live).at(-1)!;
  const resolved = trackingFor(source, input.map, input.carriers, input.policy);
  const units = unitsSummary(input, live);
  if (!resolved.ok) {
    for (const f of live)
      if (f === source)
        decisions.push({ fulfilmentId: f.id, status: "BLOCKED", reason: resolved.reason, block: resolved.block });
      else decisions.push({ fulfilmentId: f.id, status: "PENDING", reason: `Waits for ${label(source)}'s carrier` });
    return { steps: [], decisions, orderStatus: "BLOCKED", note: resolved.reason };
  }
  const steps: ShippingStep[] = [];
  if (!sameTracking(resolved.tracking, input.orderTrackingSent))
    steps.push({ kind: "set-order-tracking", fulfilmentId: source.id, tracking: resolved.tracking });
  if (units.complete) {
    steps.push({ kind: "ship-order" });
    for (const f of live)
      decisions.push({
        fulfilmentId: f.id,
        status: "PENDING",
        reason:
          f === source ? `To ship on Mirakl: ${resolved.reason}` : `To ship on Mirakl with ${label(source)}'s tracking`,
      });
    return { steps, decisions, orderStatus: "SYNCING", note: null };
  }
  const note = `${units.done} of ${units.total} units fulfilled: this marketplace ships a whole order at once, so Mirakl is told it shipped when the last unit is fulfilled`;
  for (const f of live)
    decisions.push({
      fulfilmentId: f.id,
      status: steps.length ? "PENDING" : "TRACKED",
      reason:
        f === source
          ? `${steps.length ? "Tracking to send" : "Tracking on Mirakl"}: ${resolved.reason}`
          : `Superseded by ${label(source)}'s tracking (Mirakl keeps one per order)`,
    });
  return { steps, decisions, orderStatus: steps.length ? "SYNCING" : "PARTIAL", note };
}

/** With multi-shipment: one Mirakl shipment per fulfilment, shipped as it is made. */
function planShipments(
  input: OrderShippingInput,
  live: readonly FulfilmentRecord[],
  decisions: FulfilmentDecision[],
): OrderShippingPlan {
  const steps: ShippingStep[] = [];
  const left = new Map(input.lines.filter((l) => l.state === SHIPPABLE_STATE).map((l) => [l.lineId, l.toShip]));
  // Units Mirakl already has in shipments count first, whatever order the fulfilments were made in.
  for (const f of live)
    if (f.miraklShipmentId)
      for (const line of f.lines)
        if (left.has(line.lineId)) left.set(line.lineId, Math.max(0, left.get(line.lineId)! - line.quantity));
  let blocked = 0;
  let failed = 0;
  for (const f of live) {
    if (f.miraklShipmentId) {
      if (trackShipment(input, f, f.miraklShipmentId, steps, decisions, "Mirakl has it as a shipment") === "blocked")
        blocked++;
      continue;
    }
    if (f.status === "FAILED") {
      failed++;
      decisions.push({ fulfilmentId: f.id, status: "FAILED", reason: "Mirakl refused it" });
      for (const line of f.lines)
        if (left.has(line.lineId)) left.set(line.lineId, Math.max(0, left.get(line.lineId)! - line.quantity));
      continue;
    }
    const lines: ShipLine[] = [];
    for (const line of f.lines) {
      const remaining = left.get(line.lineId) ?? 0;
      const quantity = Math.min(remaining, line.quantity);
      if (quantity <= 0) continue;
      lines.push({ lineId: line.lineId, quantity });
      left.set(line.lineId, remaining - quantity);
    }
    if (lines.length === 0) {
      decisions.push({
        fulfilmentId: f.id,
        status: "IGNORED",
        reason: `Mirakl has every unit of ${label(f)} shipped already`,
      });
      continue;
    }
    const resolved = trackingFor(f, input.map, input.carriers, input.policy);
    if (!resolved.ok) {
      blocked++;
      decisions.push({ fulfilmentId: f.id, status: "BLOCKED", reason: resolved.reason, block: resolved.block });
      continue;
    }
    steps.push({
      kind: "create-shipment",
      fulfilmentId: f.id,
      lines,
      tracking: resolved.tracking,
      lookFirst: f.status === "SENDING",
    });
    decisions.push({
      fulfilmentId: f.id,
      status: f.status === "SENDING" ? "SENDING" : "PENDING",
      reason: `To ship on Mirakl: ${resolved.reason}`,
    });
  }
  const units = unitsSummary(input, live);
  const orderStatus: OrderFulfilmentStatus = steps.length
    ? "SYNCING"
    : blocked
      ? "BLOCKED"
      : failed
        ? "FAILED"
        : units.complete
          ? "SHIPPED"
          : "PARTIAL";
  const note = blocked
    ? `${blocked} fulfilment${blocked > 1 ? "s wait" : " waits"} for a carrier`
    : units.complete
      ? null
      : `${units.done} of ${units.total} units fulfilled and shipped on Mirakl`;
  return { steps, decisions, orderStatus, note };
}
