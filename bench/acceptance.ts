import prisma from "~/db.server";
import { stockRulesSchema } from "~/domain/stock/rules";
import { MiraklError, type MiraklOrder } from "~/integrations/mirakl";
import { ORDER_POLL_INTERVAL_MS } from "~/sync/orders/intake.server";
import { requestReconcile } from "~/sync/stock/reconcile.server";
import { ShopifyFake, type FakeGraphqlRequest } from "../test/shopify-fake";
import type { RunningMiraklSimulator } from "../test/simulators/mirakl";
import type { AcceptanceConfig } from "./acceptance-config";
export { acceptanceConfig } from "./acceptance-config";
import {
  nextImportCompletion,
  percentile,
  seededRandom,
  startBenchSimulator,
  startEngine,
  VirtualClock,
  type Engine,
} from "./harness";
import { simulatorClient } from "../test/helpers/mirakl";

/**
 * Order acceptance: the same stream of Mirakl orders (seeded: bursts and a trickle over an hour; most can
 * be served, some cannot: an offer no Shopify variant feeds, or a scarce SKU already taken by earlier
 * orders, or asking for more units than are left) meets two policies, each on its own Mirakl simulator
 * with Mirakl's published call limits and an acceptance deadline:
 *  - engine: the app's Worker claiming the app's units on the virtual clock (startEngine): the order
 *    intake (OR11 once a minute, a WAITING_ACCEPTANCE sweep every 15 min, and a read right before each
 *    stock file), the acceptance unit (decides from the catalogue mirror, sends OR21), the Shopify holds,
 *    and the catalogue refresh, recompute, reconcile and stock push that run beside them in production.
 *    Processing takes no virtual time (as in the flash sale); its wall time is reported separately. It
 *    runs once, with the tightest deadline: an order it decides in time there is in time under any longer one.
 *  - baseline: Mirakl's Magento connector's cron (`mirakl_seller_accept_all_orders`, every 15 minutes):
 *    OR11 for every WAITING_ACCEPTANCE order, then one OR21 each, decided by the same rule (refuse an
 *    unknown SKU or a line the stock left cannot serve, oldest order first); once per deadline.
 *
 * Orders are placed as planned whatever quantity the offer shows on Mirakl (the simulator's `requireStock`
 * is off), so both policies meet the same orders: the lines a scarce SKU cannot serve stand for orders the
 * marketplace took against a quantity not yet updated (the flash sale measures that gap).
 *
 * Acceptance delay: from the order entering WAITING_ACCEPTANCE on Mirakl (its creation; staging takes no
 * time here) to the OR21 the simulator applied (its `acceptance_decision_date`).
 *
 * The Shopify order (engine only; the baseline makes none): an accepted order is debited by the simulator 1 to 2
 * minutes later (seeded) and turns SHIPPING; the intake reads it and the shopify-orders unit creates it on the
 * Shopify fake, as a paid plan (no orders-a-minute limit). Delay: from the simulator's `customer_debited_date` to
 * the fake order's `createdAt` (both on the virtual clock). A development store (5 orderCreate a minute) is not
 * run: its figures are computed from this run (see devStoreBound).
 */

interface PlannedLine {
  sku: string;
  quantity: number;
  kind: "regular" | "scarce" | "unknown";
}

interface PlannedOrder {
  /** Offset from the start of the hour. */
  at: number;
  lines: PlannedLine[];
}

interface PlacedOrder {
  id: string;
  placedAt: number;
  lines: (PlannedLine & { id: string })[];
}

export interface PolicyOutcome {
  policy: string;
  /** The acceptance deadline the simulator applied. */
  deadline: string;
  orders: number;
  lines: number;
  /** Orders the simulator holds an OR21 decision for. */
  decidedByOr21: number;
  /** Orders the marketplace refused at its deadline (nobody decided them in time). */
  autoRefused: number;
  /** Orders still waiting for a decision when the run ended. */
  stillWaiting: number;
  linesAccepted: number;
  linesRefused: number;
  /**
   * Decisions replayed in the order the OR21 calls reached Mirakl, against the Shopify stock at the start:
   * a line accepted when the lines accepted before it had left too few units (an oversell), and a line of
   * a known SKU refused though the units left covered it (a lost sale).
   */
  acceptedBeyondStock: number;
  refusedWhileServable: number;
  delayMs: { p50: number | null; p99: number | null; max: number | null; overTarget: number };
  /**
   * The engine only: the delay plus the wall time this machine spent, within the instant, before the
   * order's OR21 was answered (the work of that instant done one unit after the other, nothing queued
   * behind it): what the delay would be if processing took its real time. Noisy (wall time).
   */
  withProcessingMs?: { p99: number | null; max: number | null; overTarget: number };
  miraklCalls: Record<string, number>;
  rateLimited: number;
  /** OR21 calls the simulator did not answer 204 (refused or failed). */
  or21Failed: number;
  wallMs: number;
  /** The engine only: the acceptance unit's wall time, the units that threw, the exceptions left open. */
  acceptanceUnit?: { runs: number; totalMs: number; maxMs: number };
  unitErrors?: Record<string, number>;
  exceptions?: Record<string, number>;
  /** The engine only: the Shopify order of each paid order. */
  shopifyOrders?: ShopifyOrdersOutcome;
}

export interface ShopifyCalls {
  count: number;
  /** Summed `requestedQueryCost` (what Shopify checks against the bucket before running a query). */
  requestedCost: number;
  /** Summed `actualQueryCost` (what the bucket keeps after the refund), from the answers. */
  actualCost: number;
  throttled: number;
  /** Refused with HTTP 429 (a development store's order limit). */
  rateLimited: number;
}

export interface ShopifyOrdersOutcome {
  /** Orders Mirakl debited (SHIPPING) during the run. */
  paid: number;
  /** Paid orders with exactly one Shopify order, none, more than one; Shopify orders for an unpaid Mirakl order. */
  withOne: number;
  withNone: number;
  withMore: number;
  forUnpaid: number;
  /** From SHIPPING on Mirakl (customer_debited_date) to the Shopify order's createdAt, for paid orders that got one. */
  delayMs: { p50: number | null; p99: number | null; max: number | null };
  /** Its first part: from SHIPPING to the intake's read that found the order paid (and marked it due). */
  readDelayMs: { p50: number | null; p99: number | null; max: number | null };
  /** Its second part: orders created in the instant of that read, later, and the longest wait after the read. */
  afterRead: { sameInstant: number; later: number; maxMs: number | null };
  /** The app's shopifyOrderStatus of the paid orders at the end. */
  statuses: Record<string, number>;
  /** The order flow's Shopify calls by operation (OrdersBySourceIdentifier, OrderCreate, …). */
  calls: Record<string, ShopifyCalls>;
  /** The engine's other Shopify calls (the holds' moves, the catalogue): count, summed actual cost, THROTTLED answers. */
  others: { count: number; actualCost: number; throttled: number };
  /**
   * The instant whose Shopify calls (all of the engine's) cost the most, and how many orders the intake read paid
   * then: processing takes no virtual time, so the fake's bucket (2,000 points, 100 a second) does not refill
   * while that instant's work is done.
   */
  busiestInstant: { actualCost: number; ordersReadPaid: number } | null;
  /** The shopify-orders unit's wall time. */
  unit: { runs: number; totalMs: number; maxMs: number };
  devStore: DevStoreBound;
}

/** The Shopify Admin API operations the order flow sends (app/sync/orders/shopify-order.server.ts). */
const ORDER_FLOW_OPERATIONS = [
  "OrdersBySourceIdentifier",
  "OrderLineItems",
  "OrderCreate",
  "OrderFulfillmentPlacement",
  "FulfillmentOrderMove",
];

/** Shopify's orderCreate limit on development and trial stores (the fake's default). */
const DEV_STORE_ORDERS_PER_MINUTE = 5;

/**
 * A development store: Shopify takes 5 orderCreate in any 60 s, so each order is made at the earliest when the
 * intake read it paid (in this run) and when the limit lets one more through, oldest first. Computed, not run:
 * a lower bound on the engine's delays there (it cannot send sooner or faster).
 */
export interface DevStoreBound {
  ordersPerMinute: number;
  delayMs: { p50: number | null; p99: number | null; max: number | null };
  /** When the last order would be made, after the end of the hour of orders. */
  lastCreatedAfterHourMs: number | null;
}

export function devStoreBound(
  orders: readonly { paidAt: number; readAt: number }[],
  ordersPerMinute: number,
  hourEndsAt: number,
): DevStoreBound {
  const sent: number[] = [];
  const delays: number[] = [];
  for (const order of [...orders].sort((a, b) => a.readAt - b.readAt)) {
    const window = sent.length >= ordersPerMinute ? sent[sent.length - ordersPerMinute]! + 60_000 : -Infinity;
    const at = Math.max(order.readAt, window);
    sent.push(at);
    delays.push(at - order.paidAt);
  }
  return {
    ordersPerMinute,
    delayMs: spread(delays),
    lastCreatedAfterHourMs: sent.length ? sent[sent.length - 1]! - hourEndsAt : null,
  };
}

export interface AcceptanceRun {
  config: AcceptanceConfig;
  /** OR21 sent at most this long after the order appears (issue 10: poll interval + 5 s). */
  targetMs: number;
  engine: PolicyOutcome;
  /** One per deadline, in the config's order. */
  baselines: PolicyOutcome[];
}

const TARGET_MS = ORDER_POLL_INTERVAL_MS + 5_000;

const regularSku = (i: number) => `SKU-${String(i).padStart(4, "0")}`;
const scarceSku = (i: number) => `SCARCE-${String(i).padStart(2, "0")}`;
const unknownSku = (i: number) => `LEGACY-${String(i).padStart(2, "0")}`;

/** The orders: identical for both policies. */
export function orderStream(config: AcceptanceConfig): PlannedOrder[] {
  const random = seededRandom(config.seed);
  const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));
  const times: number[] = [];
  for (const size of config.bursts) {
    const start = Math.floor(random() * (config.durationMs - config.burstSpreadMs));
    for (let i = 0; i < size; i++) times.push(start + Math.floor(random() * config.burstSpreadMs));
  }
  const trickle = config.orders - config.bursts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < trickle; i++) times.push(Math.floor(random() * config.durationMs));
  times.sort((a, b) => a - b);
  return times.map((at) => {
    const lines: PlannedLine[] = [];
    const count = random() < config.twoLineShare ? 2 : 1;
    while (lines.length < count) {
      const roll = random();
      const line: PlannedLine =
        roll < config.unknownLineShare
          ? { kind: "unknown", sku: unknownSku(pick(config.unknownSkus)), quantity: 0 }
          : roll < config.unknownLineShare + config.scarceLineShare
            ? { kind: "scarce", sku: scarceSku(pick(config.scarceSkus)), quantity: 0 }
            : { kind: "regular", sku: regularSku(pick(config.regularSkus)), quantity: 0 };
      line.quantity = 1 + pick(config.maxQuantity);
      if (!lines.some((l) => l.sku === line.sku)) lines.push(line); // two lines, two SKUs
    }
    return { at, lines };
  });
}

/** The Shopify stock each SKU starts with (unknown SKUs have no variant). */
function shopifyStock(config: AcceptanceConfig): Map<string, number> {
  const stock = new Map<string, number>();
  for (let i = 0; i < config.regularSkus; i++) stock.set(regularSku(i), config.regularStock);
  for (let i = 0; i < config.scarceSkus; i++) stock.set(scarceSku(i), config.scarceStock);
  return stock;
}

async function startSimulator(config: AcceptanceConfig, windowMs: number): Promise<RunningMiraklSimulator> {
  // Virtual time starts at the real now: the connection's creation date (real) must not be after the orders.
  const sim = await startBenchSimulator({
    port: 0,
    seed: config.seed,
    startTime: Date.now(),
    rateLimits: "mirakl",
    timings: { acceptanceDeadlineMs: windowMs },
  });
  for (const [sku, quantity] of shopifyStock(config))
    sim.control.addOffer(sim.shops.main, { shop_sku: sku, quantity, price: 49 });
  for (let i = 0; i < config.unknownSkus; i++)
    sim.control.addOffer(sim.shops.main, { shop_sku: unknownSku(i), quantity: 5, price: 49 });
  return sim;
}

function place(sim: RunningMiraklSimulator, planned: PlannedOrder, at: number): PlacedOrder {
  const order = sim.control.createOrder({
    lines: planned.lines.map((line) => ({ offer_sku: line.sku, quantity: line.quantity })),
  });
  return { id: order.id, placedAt: at, lines: planned.lines.map((line, i) => ({ ...line, id: order.lines[i]!.id })) };
}

/** Calls by operation; OR11 split into counted polls, free next pages and free look-ups by id. */
export function callCounts(sim: RunningMiraklSimulator) {
  const byOperation: Record<string, number> = {};
  let rateLimited = 0;
  let or21Failed = 0;
  for (const call of sim.control.calls()) {
    let operation = call.operation;
    if (operation === "OR11") {
      const query = new URL(call.path, "http://sim").searchParams;
      if (query.has("order_ids")) operation = "OR11 by id";
      else if ((query.get("offset") ?? "0") !== "0") operation = "OR11 next page";
    }
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
    if (call.status === 429) rateLimited++;
    if (call.operation === "OR21" && call.status !== 204) or21Failed++;
  }
  return { byOperation, rateLimited, or21Failed };
}

/** What the simulator holds at the end: every order's fate, the delays, the decisions against the stock, the calls. */
function outcome(
  policy: string,
  deadline: string,
  config: AcceptanceConfig,
  sim: RunningMiraklSimulator,
  placed: readonly PlacedOrder[],
  wallMs: number,
  processingMs?: ReadonlyMap<string, number>,
): PolicyOutcome {
  const orders = sim.simulator.state.shop(sim.shops.main).orders;
  const delays: number[] = [];
  const withProcessing: number[] = [];
  const result: PolicyOutcome = {
    policy,
    deadline,
    orders: placed.length,
    lines: placed.reduce((n, o) => n + o.lines.length, 0),
    decidedByOr21: 0,
    autoRefused: 0,
    stillWaiting: 0,
    linesAccepted: 0,
    linesRefused: 0,
    acceptedBeyondStock: 0,
    refusedWhileServable: 0,
    delayMs: { p50: null, p99: null, max: null, overTarget: 0 },
    miraklCalls: {},
    rateLimited: 0,
    or21Failed: 0,
    wallMs,
  };
  for (const order of placed) {
    const simOrder = orders.get(order.id)!;
    if (simOrder.acceptance_decision_date === null) {
      if (simOrder.state === "REFUSED") result.autoRefused++;
      else if (simOrder.state === "WAITING_ACCEPTANCE") result.stillWaiting++;
      else throw new Error(`bench: order ${order.id} is ${simOrder.state} without a decision`);
      continue;
    }
    result.decidedByOr21++;
    const delay = simOrder.acceptance_decision_date - order.placedAt;
    delays.push(delay);
    if (delay > TARGET_MS) result.delayMs.overTarget++;
    if (processingMs) withProcessing.push(delay + (processingMs.get(order.id) ?? 0));
  }
  // The decisions in the order Mirakl applied them (one successful OR21 per decided order).
  const byId = new Map(placed.map((order) => [order.id, order]));
  const stock = shopifyStock(config);
  const taken = new Map<string, number>();
  const mismatches: string[] = [];
  for (const call of sim.control.calls("OR21")) {
    if (call.status !== 204) continue;
    const order = byId.get(decodeURIComponent(call.path.split("/")[3]!));
    if (!order) continue;
    const simOrder = orders.get(order.id)!;
    for (const line of order.lines) {
      const accepted = simOrder.lines.find((l) => l.id === line.id)!.state !== "REFUSED";
      if (accepted) result.linesAccepted++;
      else result.linesRefused++;
      const units = stock.get(line.sku);
      const before = taken.get(line.sku) ?? 0;
      const servable = units !== undefined && before + line.quantity <= units;
      if (accepted) taken.set(line.sku, before + line.quantity);
      if (accepted && !servable) result.acceptedBeyondStock++;
      if (!accepted && servable) result.refusedWhileServable++;
      if (accepted !== servable)
        mismatches.push(
          `${line.id} ${line.sku} ×${line.quantity} ${accepted ? "accepted" : "refused"}, ${before} of ${units ?? 0} taken before`,
        );
    }
  }
  if (process.env.BENCH_TRACE && mismatches.length)
    console.error(`[${policy}] decisions unlike the stock:\n${mismatches.join("\n")}`);
  result.delayMs = {
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
    max: delays.length ? Math.max(...delays) : null,
    overTarget: result.delayMs.overTarget,
  };
  if (processingMs)
    result.withProcessingMs = {
      p99: percentile(withProcessing, 99),
      max: withProcessing.length ? Math.max(...withProcessing) : null,
      overTarget: withProcessing.filter((d) => d > TARGET_MS).length,
    };
  const calls = callCounts(sim);
  result.miraklCalls = calls.byOperation;
  result.rateLimited = calls.rateLimited;
  result.or21Failed = calls.or21Failed;
  return result;
}

/** Every paid order's Shopify order(s) on the fake, the delays, the app's statuses and the order flow's Shopify calls. */
async function shopifyOrdersOutcome(
  engine: Engine,
  fake: ShopifyFake,
  sim: RunningMiraklSimulator,
  placed: readonly PlacedOrder[],
  requests: readonly FakeGraphqlRequest[],
  actualCost: ReadonlyMap<string, number>,
  actualCostByInstant: ReadonlyMap<number, number>,
  hourEndsAt: number,
): Promise<ShopifyOrdersOutcome> {
  const { shop, id: connectionId } = engine.connection;
  const simOrders = sim.simulator.state.shop(sim.shops.main).orders;
  const shopifyOrders = new Map<string, number[]>(); // Mirakl order id → createdAt of each Shopify order made for it
  for (const order of fake.store.orders.values()) {
    if (order.sourceIdentifier === null) continue;
    shopifyOrders.set(order.sourceIdentifier, [
      ...(shopifyOrders.get(order.sourceIdentifier) ?? []),
      Date.parse(order.createdAt),
    ]);
  }
  const stored = await prisma.marketplaceOrder.findMany({
    where: { shop, connectionId },
    select: { miraklOrderId: true, shopifyOrderStatus: true },
  });
  const statusOf = new Map(stored.map((o) => [o.miraklOrderId, o.shopifyOrderStatus as string]));
  // When the intake read each order paid: the mirror's "shopify-order-due" timeline entry, written at that read.
  const dueEvents = await prisma.marketplaceOrderEvent.findMany({
    where: { shop, kind: "shopify-order-due", order: { connectionId } },
    select: { at: true, order: { select: { miraklOrderId: true } } },
  });
  const readPaidAt = new Map(dueEvents.map((e) => [e.order.miraklOrderId, e.at.getTime()]));

  let paid = 0;
  let withOne = 0;
  let withNone = 0;
  let withMore = 0;
  let forUnpaid = 0;
  const statuses: Record<string, number> = {};
  const delays: number[] = [];
  const readDelays: number[] = [];
  const afterRead: number[] = [];
  const created: { paidAt: number; readAt: number }[] = [];
  for (const { id } of placed) {
    const paidAt = simOrders.get(id)!.customer_debited;
    const made = shopifyOrders.get(id) ?? [];
    if (paidAt === null) {
      if (made.length) forUnpaid++;
      continue;
    }
    paid++;
    const status = statusOf.get(id) ?? "not in the app";
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (made.length === 0) {
      withNone++;
      if (process.env.BENCH_TRACE)
        console.error(`[engine] order ${id} paid at ${paidAt}: no Shopify order (${status})`);
      continue;
    }
    if (made.length === 1) withOne++;
    else withMore++;
    const createdAt = Math.min(...made);
    delays.push(createdAt - paidAt);
    const readAt = readPaidAt.get(id);
    if (readAt === undefined) throw new Error(`bench: order ${id} has a Shopify order but no shopify-order-due entry`);
    readDelays.push(readAt - paidAt);
    afterRead.push(createdAt - readAt);
    created.push({ paidAt, readAt });
    if (process.env.BENCH_TRACE && createdAt > readAt)
      console.error(`[engine] order ${id}: paid ${paidAt}, read paid ${readAt}, Shopify order ${createdAt}`);
  }

  const calls: Record<string, ShopifyCalls> = Object.fromEntries(
    ORDER_FLOW_OPERATIONS.map((operation) => [
      operation,
      { count: 0, requestedCost: 0, actualCost: actualCost.get(operation) ?? 0, throttled: 0, rateLimited: 0 },
    ]),
  );
  const others = { count: 0, actualCost: 0, throttled: 0 };
  for (const [operation, cost] of actualCost) if (!(operation in calls)) others.actualCost += cost;
  for (const request of requests) {
    const entry = request.operationName === null ? undefined : calls[request.operationName];
    if (!entry) {
      others.count++;
      if (request.throttled) others.throttled++;
      continue;
    }
    entry.count++;
    entry.requestedCost += request.requestedQueryCost ?? 0;
    if (request.throttled) entry.throttled++;
    if (request.status === 429) entry.rateLimited++;
  }
  return {
    paid,
    withOne,
    withNone,
    withMore,
    forUnpaid,
    delayMs: spread(delays),
    readDelayMs: spread(readDelays),
    afterRead: {
      sameInstant: afterRead.filter((ms) => ms === 0).length,
      later: afterRead.filter((ms) => ms > 0).length,
      maxMs: afterRead.length ? Math.max(...afterRead) : null,
    },
    statuses,
    calls,
    others,
    busiestInstant: busiestInstant(actualCostByInstant, readPaidAt),
    unit: {
      runs: engine.unitRuns["shopify-orders"] ?? 0,
      totalMs: engine.unitMs["shopify-orders"] ?? 0,
      maxMs: engine.unitMaxMs["shopify-orders"] ?? 0,
    },
    devStore: devStoreBound(created, DEV_STORE_ORDERS_PER_MINUTE, hourEndsAt),
  };
}

function busiestInstant(costByInstant: ReadonlyMap<number, number>, readPaidAt: ReadonlyMap<string, number>) {
  let busiest: { at: number; actualCost: number } | null = null;
  for (const [at, actualCost] of costByInstant)
    if (!busiest || actualCost > busiest.actualCost) busiest = { at, actualCost };
  if (!busiest) return null;
  const at = busiest.at;
  return { actualCost: busiest.actualCost, ordersReadPaid: [...readPaidAt.values()].filter((t) => t === at).length };
}

const spread = (values: readonly number[]) => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : null,
});

/** Brings the engine to a settled start: full reconcile (bulk export, recompute, OF52-54) and push, through the real tasks. */
export async function settleEngine(engine: Engine, clock: VirtualClock, sim: RunningMiraklSimulator) {
  await requestReconcile(engine.connection, "FULL", clock.date());
  for (let steps = 0; steps < 10_000; steps++) {
    await engine.drain();
    const due = [await engine.nextDueAt({ periodic: false }), nextImportCompletion(sim)].filter(
      (t): t is number => t !== null,
    );
    const dirty = await prisma.offerStock.count({
      where: { connectionId: engine.connection.id, desiredVersion: { gt: prisma.offerStock.fields.pushedVersion } },
    });
    const running = await prisma.reconcileRun.count({
      where: { connectionId: engine.connection.id, finishedAt: null },
    });
    if (due.length === 0 && dirty === 0 && running === 0) return;
    if (due.length === 0) throw new Error("bench: the engine is idle but not settled");
    clock.advanceTo(Math.max(clock.ms + 1, Math.min(...due)));
  }
  throw new Error("bench: the engine did not settle");
}

export async function runEngine(
  config: AcceptanceConfig,
  window: AcceptanceConfig["windows"][number],
  stream: readonly PlannedOrder[],
): Promise<PolicyOutcome> {
  const shop = "acceptance-engine.myshopify.com";
  const sim = await startSimulator(config, window.ms);
  const clock = new VirtualClock(sim.control.now(), sim);
  // The shop sells in the simulator's currency (USD), on a paid plan (no orders-a-minute limit).
  const fake = new ShopifyFake({
    shop,
    now: clock.now,
    bulkPollsUntilComplete: 1,
    currency: "USD",
    orderCreatePerMinute: null,
  });
  const location = fake.store.addLocation({ name: "Warehouse" });
  for (const [sku, available] of shopifyStock(config))
    fake.store.addProduct({
      title: sku,
      variants: [{ sku, price: "49.00", stock: { [location.id]: { available } } }],
    });
  // Wall ms from the start of the current instant's work to the end of each order's OR21.
  let instantStartedAt = performance.now();
  const processingMs = new Map<string, number>();
  // Each accepted order is debited 1 to 2 minutes after its OR21 (seeded). A fixed minute would land every debit
  // exactly on a later poll (the OR21 is sent in the instant of a poll, processing takes no virtual time), and the
  // Shopify order delay would read 0 s; a payment's real debit falls anywhere within the poll's minute.
  const debitRandom = seededRandom(config.seed + 1);
  const debitDelayMs = () => 60_000 + Math.floor(debitRandom() * 60_000);
  // Summed actualQueryCost per Shopify operation, read from the answers (the fake's request log has the requested one).
  const actualCost = new Map<string, number>();
  // Summed actualQueryCost of all the engine's Shopify calls per virtual instant (the clock stands while it works).
  const actualCostByInstant = new Map<number, number>();
  const engine = await startEngine({
    shop,
    fake,
    sim,
    clock,
    stock: stockRulesSchema.parse({ buffer: 0, locationIds: [location.id] }),
    acceptOrders: true,
    // What "Test connection" learns (the shop's currency) and the location's name, as a merchant's connection has.
    settings: { currencyIsoCode: "USD", locationNames: { [location.id]: "Warehouse" } },
    observeMirakl: (client) => ({
      ...client,
      acceptOrderLines: async (orderId, decisions, call) => {
        sim.control.setTimings({ debitDelayMs: debitDelayMs() });
        await client.acceptOrderLines(orderId, decisions, call);
        processingMs.set(orderId, performance.now() - instantStartedAt);
      },
    }),
    observeShopify: (transport) => ({
      graphql: async (query, options) => {
        const response = await transport.graphql(query, options);
        const operation = /^\s*(?:query|mutation)\s+(\w+)/m.exec(query)?.[1];
        const body = (await response
          .clone()
          .json()
          .catch(() => null)) as { extensions?: { cost?: { actualQueryCost?: number | null } } } | null;
        const actual = body?.extensions?.cost?.actualQueryCost;
        if (operation && typeof actual === "number")
          actualCost.set(operation, (actualCost.get(operation) ?? 0) + actual);
        if (typeof actual === "number")
          actualCostByInstant.set(clock.ms, (actualCostByInstant.get(clock.ms) ?? 0) + actual);
        return response;
      },
    }),
  });
  try {
    await settleEngine(engine, clock, sim);
    clock.advanceTo(clock.ms + 60_000); // a quiet minute before the first order
    for (const record of [engine.unitMs, engine.unitRuns, engine.unitMaxMs, engine.unitErrors])
      for (const key of Object.keys(record)) delete record[key];
    sim.control.clearCalls();
    const firstRequest = fake.requests.length;
    actualCost.clear();
    actualCostByInstant.clear();
    const started = Date.now();
    const start = clock.ms;
    const tailEnd = start + config.durationMs + config.tailMs;
    const placed: PlacedOrder[] = [];
    let next = 0;
    for (;;) {
      const now = clock.ms;
      instantStartedAt = performance.now();
      while (next < stream.length && start + stream[next]!.at <= now) placed.push(place(sim, stream[next++]!, now));
      await engine.drain();
      const candidates = [
        next < stream.length ? start + stream[next]!.at : null,
        await engine.nextDueAt(),
        nextImportCompletion(sim),
      ].filter((t): t is number => t !== null && t <= tailEnd);
      if (candidates.length === 0) break;
      clock.advanceTo(Math.max(now + 1, Math.min(...candidates)));
    }
    clock.advanceTo(tailEnd); // the simulator applies every deadline due by the end
    const result = outcome("engine", window.label, config, sim, placed, Date.now() - started, processingMs);
    const kind = "order-acceptance";
    result.acceptanceUnit = {
      runs: engine.unitRuns[kind] ?? 0,
      totalMs: engine.unitMs[kind] ?? 0,
      maxMs: engine.unitMaxMs[kind] ?? 0,
    };
    result.unitErrors = { ...engine.unitErrors };
    result.shopifyOrders = await shopifyOrdersOutcome(
      engine,
      fake,
      sim,
      placed,
      fake.requests.slice(firstRequest),
      actualCost,
      actualCostByInstant,
      start + config.durationMs,
    );
    if (process.env.BENCH_TRACE)
      console.error({ unitMs: engine.unitMs, unitRuns: engine.unitRuns, unitMaxMs: engine.unitMaxMs });
    const exceptions = await prisma.syncException.groupBy({
      by: ["kind"],
      where: { shop, status: "OPEN" },
      _count: { _all: true },
    });
    result.exceptions = Object.fromEntries(exceptions.map((e) => [e.kind, e._count._all]));
    return result;
  } finally {
    engine.close();
    await sim.close();
  }
}

export async function runBaseline(
  config: AcceptanceConfig,
  window: AcceptanceConfig["windows"][number],
  stream: readonly PlannedOrder[],
): Promise<PolicyOutcome> {
  const sim = await startSimulator(config, window.ms);
  const clock = new VirtualClock(sim.control.now(), sim);
  const mirakl = simulatorClient(sim, "baseline", sim.keys.single, { csvDelimiter: ";" });
  const left = shopifyStock(config);
  const decide = (order: MiraklOrder) =>
    order.order_lines.map((line) => {
      const units = left.get(line.offer_sku);
      const accepted = units !== undefined && units >= line.quantity;
      if (accepted) left.set(line.offer_sku, units - line.quantity);
      return { id: line.order_line_id, accepted };
    });
  try {
    clock.advanceTo(clock.ms + 60_000);
    sim.control.clearCalls();
    const started = Date.now();
    const start = clock.ms;
    const tailEnd = start + config.durationMs + config.tailMs;
    const placed: PlacedOrder[] = [];
    let next = 0;
    // The cron fires on the quarter hours; the hour of orders starts on one.
    let nextCron = start + config.baselineEveryMs;
    for (;;) {
      const now = clock.ms;
      while (next < stream.length && start + stream[next]!.at <= now) placed.push(place(sim, stream[next++]!, now));
      if (now >= nextCron) {
        nextCron += config.baselineEveryMs;
        try {
          const waiting = await mirakl.listAllOrders({ orderStateCodes: ["WAITING_ACCEPTANCE"] });
          waiting.sort(
            (a, b) => Date.parse(a.created_date) - Date.parse(b.created_date) || a.order_id.localeCompare(b.order_id),
          );
          for (const order of waiting) await mirakl.acceptOrderLines(order.order_id, decide(order));
        } catch (error) {
          if (!(error instanceof MiraklError)) throw error;
          // Counted from the simulator's calls (a 429, a refused OR21); the next cron tries again.
        }
      }
      const candidates = [next < stream.length ? start + stream[next]!.at : null, nextCron].filter(
        (t): t is number => t !== null && t <= tailEnd,
      );
      if (candidates.length === 0) break;
      clock.advanceTo(Math.max(now + 1, Math.min(...candidates)));
    }
    clock.advanceTo(tailEnd);
    return outcome(
      `baseline (OR11 + OR21 every ${config.baselineEveryMs / 60_000} min)`,
      window.label,
      config,
      sim,
      placed,
      Date.now() - started,
    );
  } finally {
    await sim.close();
  }
}

export async function runAcceptanceBench(config: AcceptanceConfig): Promise<AcceptanceRun> {
  const stream = orderStream(config);
  const tightest = config.windows.reduce((a, b) => (b.ms < a.ms ? b : a));
  const engine = await runEngine(config, tightest, stream);
  const baselines: PolicyOutcome[] = [];
  for (const window of config.windows) baselines.push(await runBaseline(config, window, stream));
  return { config, targetMs: TARGET_MS, engine, baselines };
}
