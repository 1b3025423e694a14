import prisma from "~/db.server";
import { stockRulesSchema } from "~/domain/stock/rules";
import { mapCarrier, refreshCarriers } from "~/sync/fulfilments/carriers.server";
import { SWEEP_INTERVAL_MS } from "~/sync/fulfilments/shipments.server";
import { action as fulfillmentsCreateRoute } from "~/routes/webhooks.fulfillments.create";
import { action as fulfillmentsUpdateRoute } from "~/routes/webhooks.fulfillments.update";
import { workUnits } from "~/worker/registry.server";
import { ShopifyFake } from "../test/shopify-fake";
import { createFulfillment, type TrackingInput } from "../test/shopify-fake/actions";
import { MARKETPLACE_CARRIERS } from "../test/simulators/mirakl";
import { settle } from "../test/helpers/app";
import { callCounts, settleEngine } from "./acceptance";
import type { FulfilmentsConfig, FulfilmentsVariant } from "./fulfilments-config";
export { fulfilmentsConfig, fulfilmentsVariants } from "./fulfilments-config";
import { percentile, seededRandom, startBenchSimulator, startEngine, VirtualClock } from "./harness";

/**
 * Fulfilments to Mirakl (issue 12): paid Mirakl orders already made into Shopify orders (through the app's own
 * intake and shopify-orders unit), carriers mapped, then the merchant fulfils them in Shopify at a steady rate
 * (open loop), some in two parts. The Shopify fake signs a fulfillments/create webhook for each; it reaches the
 * app's route (HMAC check, inbox row) after Shopify's delivery delay, or never (the lost-webhook variant), and the
 * app's Worker runs the inbox and the fulfilments unit (OR23 + OR24, or ST01 shipped per fulfilment; the sweep
 * reads unshipped orders' fulfilments from Shopify every 10 minutes) on the virtual clock shared with the
 * simulator and the fake (startEngine). Processing takes no virtual time; the wall time this machine spent in the
 * instant before the shipping call was answered is reported beside it (as the acceptance bench does).
 *
 * Delay: from the Shopify fulfilment (its creation on the fake) to the simulator holding the order SHIPPED (its
 * `shipped` date, set when OR24 is applied) or, with multi-shipment, the fulfilment's shipment SHIPPED (found by
 * its package reference, the fulfilment's name).
 *
 * Baseline, computed from the same fulfilment times (not run): a batch connector that reads Shopify's
 * fulfilments every 5 minutes and pushes them to Mirakl at once, so a fulfilment waits for the next batch; pooled
 * over 60 phases of the batch's schedule (its figures count each fulfilment 60 times).
 */

interface PlannedOrder {
  lines: { sku: string; quantity: number }[];
  /** Fulfilled in two parts: the first line (or one unit of a single line), then the rest. */
  split: boolean;
}

interface FulfilmentEvent {
  /** Offset from the start of the stream. */
  at: number;
  order: number;
  part: "full" | "first" | "rest";
  webhookDelayMs: number;
  /** The webhook never reaches the app. */
  lost: boolean;
}

type Spread = { p50: number | null; p99: number | null; max: number | null; count: number };

export interface FulfilmentsOutcome {
  variant: FulfilmentsVariant;
  config: FulfilmentsConfig;
  orders: number;
  splitOrders: number;
  fulfilments: number;
  /** Over how long the fulfilments were made (the open loop's length). */
  streamMs: number;
  /** Fulfilments that complete an order (full ones, and the rest of split ones), webhooks all delivered: to OR24 applied. */
  orderShipped: Spread;
  /** The same plus the wall time spent in the instant up to the OR24 answer (noisy). */
  orderShippedWithProcessing: Spread;
  /** Multi-shipment: every fulfilment (first parts too) to its shipment SHIPPED, webhook delivered. */
  shipmentShipped: Spread | null;
  shipmentShippedWithProcessing: Spread | null;
  /** Orders one of whose webhooks was lost: completing fulfilment to OR24 applied (the sweep found it). */
  healed: Spread;
  webhooks: { sent: number; lost: number; delivered: number; answeredNot200: number };
  /** Delays (shipment ones with multi-shipment) over the target, webhook delivered. */
  overTarget: number;
  targetMs: number;
  /** The sweep's period: the bound on a lost webhook's delay (plus the sweep's own run). */
  sweepIntervalMs: number;
  /** Orders not SHIPPED on the simulator when the run ended; orders with more than one OR24; shipments made twice. */
  notShipped: number;
  duplicateOr24: number;
  duplicateShipments: number;
  /** Order fulfilment statuses in the app at the end. */
  statuses: Record<string, number>;
  miraklCalls: Record<string, number>;
  rateLimited: number;
  shopifyCalls: Record<string, number>;
  shopifyThrottled: number;
  exceptions: Record<string, number>;
  unitErrors: Record<string, number>;
  units: Record<string, { runs: number; totalMs: number; maxMs: number }>;
  /** Virtual time from the first fulfilment to the last order shipped (or the end of the tail). */
  virtualMs: number;
  wallMs: number;
  setupWallMs: number;
  /** Before the first fulfilment: the sweep's first look at every order (Shopify calls, requested cost, wall time). */
  firstSweep: { calls: number; requestedCost: number; throttled: number; wallMs: number };
  baseline: { everyMs: number; orderShipped: Spread; shipmentShipped: Spread | null };
}

const TARGET_MS = 10_000;
const BASELINE_PHASES = 60;
const skuOf = (i: number) => `SKU-${String(i).padStart(3, "0")}`;
const SKUS = 40;
const CARRIERS: [company: string, code: string][] = [
  ["UPS", "UPS"],
  ["DHL Express", "DHL"],
];

const spread = (values: readonly number[]): Spread => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : null,
  count: values.length,
});

export function plannedOrders(config: FulfilmentsConfig): PlannedOrder[] {
  const random = seededRandom(config.seed);
  const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));
  return Array.from({ length: config.orders }, () => {
    const lines = [{ sku: skuOf(pick(SKUS)), quantity: 1 + pick(config.maxQuantity) }];
    if (random() < config.twoLineShare) {
      const other = skuOf((Number(lines[0]!.sku.slice(4)) + 1 + pick(SKUS - 1)) % SKUS);
      lines.push({ sku: other, quantity: 1 + pick(config.maxQuantity) });
    }
    const splittable = lines.length > 1 || lines[0]!.quantity > 1;
    return { lines, split: splittable && random() < config.partialShare };
  });
}

/**
 * One fulfilment every 1000 / perSecond ms: the next order's first (or only) fulfilment, unless the rest of a
 * split order is due (its first part at least restAfterMs ago), which takes the slot.
 */
export function fulfilmentStream(
  config: FulfilmentsConfig,
  variant: FulfilmentsVariant,
  orders: readonly PlannedOrder[],
): FulfilmentEvent[] {
  const random = seededRandom(config.seed + 1);
  const lostRandom = seededRandom(config.seed + 2);
  const between = ([min, max]: [number, number]) => Math.round(min + random() * (max - min));
  const slot = 1000 / config.perSecond;
  const events: FulfilmentEvent[] = [];
  const rests: { order: number; earliest: number }[] = [];
  const push = (at: number, order: number, part: FulfilmentEvent["part"]) =>
    events.push({
      at: Math.round(at),
      order,
      part,
      webhookDelayMs: between(config.webhookDelayMs),
      lost: lostRandom() < variant.lostShare,
    });
  let next = 0;
  for (let at = 0; next < orders.length || rests.length > 0; at += slot) {
    if (rests.length > 0 && (rests[0]!.earliest <= at || next >= orders.length)) {
      const rest = rests.shift()!;
      at = Math.max(at, rest.earliest);
      push(at, rest.order, "rest");
      continue;
    }
    const order = next++;
    if (!orders[order]!.split) {
      push(at, order, "full");
      continue;
    }
    push(at, order, "first");
    rests.push({ order, earliest: at + between(config.restAfterMs) });
    rests.sort((a, b) => a.earliest - b.earliest);
  }
  return events;
}

interface CapturedWebhook {
  topic: "fulfillments/create" | "fulfillments/update";
  headers: Record<string, string>;
  body: string;
}

interface ScheduledWebhook extends CapturedWebhook {
  deliverAt: number;
}

export async function runFulfilmentsVariant(
  config: FulfilmentsConfig,
  variant: FulfilmentsVariant,
): Promise<FulfilmentsOutcome> {
  const setupStarted = Date.now();
  const shop = "fulfilments-bench.myshopify.com";
  const orders = plannedOrders(config);
  const stream = fulfilmentStream(config, variant, orders);
  const sim = await startBenchSimulator({
    port: 0,
    seed: config.seed,
    startTime: Date.now(),
    rateLimits: "mirakl",
    carriers: MARKETPLACE_CARRIERS,
    platform: { multiShipment: variant.multiShipment, disableSellerAlternativeCarrier: true },
  });
  for (let i = 0; i < SKUS; i++)
    sim.control.addOffer(sim.shops.main, { shop_sku: skuOf(i), quantity: 1000, price: 40 });
  const clock = new VirtualClock(sim.control.now(), sim);
  const fake = new ShopifyFake({
    shop,
    now: clock.now,
    bulkPollsUntilComplete: 1,
    currency: "USD",
    orderCreatePerMinute: null,
  });
  const location = fake.store.addLocation({ name: "Warehouse" });
  for (let i = 0; i < SKUS; i++)
    fake.store.addProduct({
      title: skuOf(i),
      variants: [{ sku: skuOf(i), price: "40.00", stock: { [location.id]: { available: 100_000 } } }],
    });

  // Wall ms from the start of the current instant's work to each shipping call's answer (by order, by shipment).
  let instantStartedAt = performance.now();
  const or24Processing = new Map<string, number>();
  const shipmentProcessing = new Map<string, number>();
  const engine = await startEngine({
    shop,
    fake,
    sim,
    clock,
    stock: stockRulesSchema.parse({ buffer: 0, locationIds: [location.id] }),
    fulfilments: true,
    shopifyWaitsOnClock: true,
    settings: { currencyIsoCode: "USD", locationNames: { [location.id]: "Warehouse" } },
    observeMirakl: (client) => ({
      ...client,
      shipOrder: async (orderId, call) => {
        await client.shipOrder(orderId, call);
        or24Processing.set(orderId, performance.now() - instantStartedAt);
      },
      createShipments: async (items, call) => {
        const answer = await client.createShipments(items, call);
        for (const created of answer.shipment_success)
          if (created.status === "SHIPPED") shipmentProcessing.set(created.id, performance.now() - instantStartedAt);
        return answer;
      },
      shipShipments: async (ids, call) => {
        const answer = await client.shipShipments(ids, call);
        const refused = new Set(answer.shipment_errors.map((e) => e.id));
        for (const id of ids) if (!refused.has(id)) shipmentProcessing.set(id, performance.now() - instantStartedAt);
        return answer;
      },
    }),
  });

  const captured: CapturedWebhook[] = [];
  const capture = (topic: "fulfillments/create" | "fulfillments/update") => async (request: Request) => {
    captured.push({ topic, headers: Object.fromEntries(request.headers), body: await request.text() });
    return new Response(null, { status: 200 }); // handed to the network; whether it arrives is the scenario's
  };
  fake.webhooks.subscribe("fulfillments/create", capture("fulfillments/create"));
  fake.webhooks.subscribe("fulfillments/update", capture("fulfillments/update"));
  const routes = { "fulfillments/create": fulfillmentsCreateRoute, "fulfillments/update": fulfillmentsUpdateRoute };
  const webhooks = { sent: 0, lost: 0, delivered: 0, answeredNot200: 0 };

  try {
    await settleEngine(engine, clock, sim);
    // The paid orders, read by the intake and made into Shopify orders by the app's own units.
    const miraklIds = orders.map(
      (order) =>
        sim.control.createOrder({
          lines: order.lines.map((l) => ({ offer_sku: l.sku, quantity: l.quantity, price_unit: 40, tax_rate: 20 })),
          state: "SHIPPING",
        }).id,
    );
    await workUnits.shopifyOrders.markDirty(engine.connection.id, shop, clock.date());
    for (let step = 0; ; step++) {
      clock.advanceTo(clock.ms + 60_000);
      await engine.drain();
      const created = await prisma.marketplaceOrder.count({
        where: { connectionId: engine.connection.id, shopifyOrderStatus: "CREATED" },
      });
      if (created === orders.length) break;
      if (step > 60) throw new Error(`bench: only ${created} of ${orders.length} orders made into Shopify orders`);
    }
    const shopifyOrderOf = new Map(
      [...fake.store.orders.values()].map((order) => [order.sourceIdentifier ?? "", order] as const),
    );
    // The carriers the merchant confirmed on the Carriers page, over SH21's list.
    await refreshCarriers(engine.connection, engine.mirakl, clock.date());
    for (const [company, code] of CARRIERS) {
      const mapped = await mapCarrier(shop, engine.connection.id, company, code, clock.date());
      if (!mapped.ok) throw new Error(`bench: could not map ${company}: ${JSON.stringify(mapped)}`);
    }
    // The first sweep reads every order's fulfilments (nothing fulfilled yet): what a sweep of them all costs.
    const sweepFirstRequest = fake.requests.length;
    const sweepStarted = performance.now();
    await engine.drain();
    const sweepRequests = fake.requests.slice(sweepFirstRequest).filter((r) => r.operationName === "OrderFulfillments");
    const firstSweep = {
      calls: sweepRequests.length,
      requestedCost: sweepRequests.reduce((n, r) => n + (r.requestedQueryCost ?? 0), 0),
      throttled: sweepRequests.filter((r) => r.throttled).length,
      wallMs: performance.now() - sweepStarted,
    };
    clock.advanceTo(clock.ms + 60_000);
    await engine.drain();
    for (const record of [engine.unitMs, engine.unitRuns, engine.unitMaxMs, engine.unitErrors])
      for (const key of Object.keys(record)) delete record[key];
    sim.control.clearCalls();
    const firstRequest = fake.requests.length;
    const setupWallMs = Date.now() - setupStarted;

    const started = Date.now();
    const start = clock.ms;
    const tailEnd = start + stream[stream.length - 1]!.at + config.tailMs;
    const trackingRandom = seededRandom(config.seed + 3);
    const createdAt: number[] = [];
    const names: (string | null)[] = [];
    const inbox: ScheduledWebhook[] = [];
    const simOrders = sim.simulator.state.shop(sim.shops.main).orders;
    let next = 0;
    let lastShippedAt = start;
    for (;;) {
      const now = clock.ms;
      instantStartedAt = performance.now();
      while (next < stream.length && start + stream[next]!.at <= now) {
        const event = stream[next++]!;
        const order = shopifyOrderOf.get(miraklIds[event.order]!)!;
        const first = orders[event.order]!.lines[0]!;
        const units =
          event.part === "first" ? { [first.sku]: orders[event.order]!.lines.length > 1 ? first.quantity : 1 } : null;
        const [company] = CARRIERS[Math.floor(trackingRandom() * CARRIERS.length)]!;
        const tracking: TrackingInput = { company, number: `TRK${Math.floor(trackingRandom() * 1e12)}` };
        const result = createFulfillment(fake.store, {
          lineItemsByFulfillmentOrder: order.fulfillmentOrders
            .filter((fo) => fo.status !== "CLOSED" && fo.status !== "CANCELLED")
            .map((fo) => ({
              fulfillmentOrderId: fo.id,
              fulfillmentOrderLineItems: units
                ? fo.lineItems
                    .filter((l) => units[order.lineItems.find((li) => li.id === l.lineItemId)?.sku ?? ""])
                    .map((l) => ({
                      id: l.id,
                      quantity: units[order.lineItems.find((li) => li.id === l.lineItemId)!.sku!]!,
                    }))
                : null,
            })),
          trackingInfo: tracking,
        });
        if (!("ok" in result) || !result.ok) throw new Error(`bench: fulfilment refused: ${JSON.stringify(result)}`);
        createdAt[next - 1] = clock.ms;
        names[next - 1] = result.ok.name;
        await fake.webhooks.settle();
        for (const webhook of captured.splice(0)) {
          webhooks.sent++;
          if (event.lost) webhooks.lost++;
          else inbox.push({ ...webhook, deliverAt: clock.ms + event.webhookDelayMs });
        }
      }
      const due = inbox.filter((w) => w.deliverAt <= now).sort((a, b) => a.deliverAt - b.deliverAt);
      for (const webhook of due) {
        inbox.splice(inbox.indexOf(webhook), 1);
        const request = new Request(`https://mirakl-bridge.bench/webhooks/${webhook.topic}`, {
          method: "POST",
          headers: webhook.headers,
          body: webhook.body,
        });
        const response = await settle(routes[webhook.topic]({ request, params: {}, context: {} }));
        webhooks.delivered++;
        if (response.status !== 200) webhooks.answeredNot200++;
      }
      await engine.drain();
      const allShipped = miraklIds.every((id) => simOrders.get(id)!.state === "SHIPPED");
      if (allShipped && next >= stream.length && inbox.length === 0) {
        lastShippedAt = Math.max(...miraklIds.map((id) => simOrders.get(id)!.shipped ?? start));
        break;
      }
      const candidates = [
        next < stream.length ? start + stream[next]!.at : null,
        inbox.length ? Math.min(...inbox.map((w) => w.deliverAt)) : null,
        await engine.nextDueAt(),
      ].filter((t): t is number => t !== null && t <= tailEnd);
      if (candidates.length === 0) {
        lastShippedAt = clock.ms;
        break;
      }
      clock.advanceTo(Math.max(now + 1, Math.min(...candidates)));
    }
    const wallMs = Date.now() - started;

    // The figures, from the simulator's state and calls.
    const lostOrder = new Set(stream.filter((e) => e.lost).map((e) => e.order));
    const shipments = [...sim.simulator.state.shop(sim.shops.main).shipments.values()];
    const shipmentByReference = new Map<string, (typeof shipments)[number][]>();
    for (const shipment of shipments) {
      const reference = `${shipment.order_id} ${shipment.lines[0]?.package_reference ?? ""}`;
      shipmentByReference.set(reference, [...(shipmentByReference.get(reference) ?? []), shipment]);
    }
    const orderDelays: number[] = [];
    const orderWithProcessing: number[] = [];
    const healed: number[] = [];
    const shipmentDelays: number[] = [];
    const shipmentWithProcessing: number[] = [];
    const baselineOrder: number[] = [];
    const baselineShipment: number[] = [];
    // The batch's schedule has nothing to do with the fulfilments: its delays are pooled over phases spread evenly
    // over its period (one phase would make the figures depend on where the ~3 minutes of fulfilments fall in it).
    const every = config.baselineEveryMs;
    const batchDelays = (at: number) =>
      Array.from({ length: BASELINE_PHASES }, (_, k) => {
        const sinceBatch = (((at - start - (k * every) / BASELINE_PHASES) % every) + every) % every;
        return every - sinceBatch;
      });
    stream.forEach((event, i) => {
      const miraklId = miraklIds[event.order]!;
      const made = createdAt[i]!;
      // The call that shipped: OR24 for the order, or (multi-shipment) the ST01/ST24 of this fulfilment's shipment.
      let processing = or24Processing.get(miraklId) ?? 0;
      if (variant.multiShipment) {
        baselineShipment.push(...batchDelays(made));
        const [shipment] = shipmentByReference.get(`${miraklId} ${names[i]}`) ?? [];
        processing = shipment ? (shipmentProcessing.get(shipment.id) ?? 0) : 0;
        if (!event.lost && shipment?.status === "SHIPPED" && shipment.shipped !== null) {
          shipmentDelays.push(shipment.shipped - made);
          shipmentWithProcessing.push(shipment.shipped - made + processing);
        }
      }
      if (event.part === "first") return;
      baselineOrder.push(...batchDelays(made));
      const shipped = simOrders.get(miraklId)!.shipped;
      if (shipped === null) return;
      if (lostOrder.has(event.order)) healed.push(shipped - made);
      else {
        orderDelays.push(shipped - made);
        orderWithProcessing.push(shipped - made + processing);
      }
    });

    const calls = callCounts(sim);
    const or24PerOrder = new Map<string, number>();
    for (const call of sim.control.calls("OR24"))
      if (call.status < 300) or24PerOrder.set(call.path, (or24PerOrder.get(call.path) ?? 0) + 1);
    const statuses = await prisma.marketplaceOrder.groupBy({
      by: ["fulfilmentStatus"],
      where: { connectionId: engine.connection.id },
      _count: { _all: true },
    });
    const exceptions = await prisma.syncException.groupBy({
      by: ["kind"],
      where: { shop, status: "OPEN" },
      _count: { _all: true },
    });
    const shopifyCalls: Record<string, number> = {};
    let shopifyThrottled = 0;
    for (const request of fake.requests.slice(firstRequest)) {
      const operation = request.operationName ?? "(unnamed)";
      shopifyCalls[operation] = (shopifyCalls[operation] ?? 0) + 1;
      if (request.throttled) shopifyThrottled++;
    }
    const units = Object.fromEntries(
      Object.keys(engine.unitRuns).map((kind) => [
        kind,
        { runs: engine.unitRuns[kind] ?? 0, totalMs: engine.unitMs[kind] ?? 0, maxMs: engine.unitMaxMs[kind] ?? 0 },
      ]),
    );
    return {
      variant,
      config,
      orders: orders.length,
      splitOrders: orders.filter((o) => o.split).length,
      fulfilments: stream.length,
      streamMs: stream[stream.length - 1]!.at,
      orderShipped: spread(orderDelays),
      orderShippedWithProcessing: spread(orderWithProcessing),
      shipmentShipped: variant.multiShipment ? spread(shipmentDelays) : null,
      shipmentShippedWithProcessing: variant.multiShipment ? spread(shipmentWithProcessing) : null,
      healed: spread(healed),
      webhooks,
      targetMs: TARGET_MS,
      overTarget: (variant.multiShipment ? shipmentDelays : orderDelays).filter((ms) => ms > TARGET_MS).length,
      sweepIntervalMs: SWEEP_INTERVAL_MS,
      notShipped: miraklIds.filter((id) => simOrders.get(id)!.state !== "SHIPPED").length,
      duplicateOr24: [...or24PerOrder.values()].filter((n) => n > 1).length,
      duplicateShipments: [...shipmentByReference.values()].filter((list) => list.length > 1).length,
      statuses: Object.fromEntries(statuses.map((s) => [s.fulfilmentStatus ?? "none", s._count._all])),
      miraklCalls: calls.byOperation,
      rateLimited: calls.rateLimited,
      shopifyCalls,
      shopifyThrottled,
      exceptions: Object.fromEntries(exceptions.map((e) => [e.kind, e._count._all])),
      unitErrors: { ...engine.unitErrors },
      units,
      virtualMs: lastShippedAt - start,
      wallMs,
      setupWallMs,
      firstSweep,
      baseline: {
        everyMs: config.baselineEveryMs,
        orderShipped: { ...spread(baselineOrder), count: baselineOrder.length / BASELINE_PHASES },
        shipmentShipped: variant.multiShipment
          ? { ...spread(baselineShipment), count: baselineShipment.length / BASELINE_PHASES }
          : null,
      },
    };
  } finally {
    engine.close();
    await sim.close();
  }
}
