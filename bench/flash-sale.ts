import prisma from "~/db.server";
import { sellableQuantity, type ConnectionStockRules } from "~/domain/sellable-quantity";
import type { FlashSaleConfig } from "./flash-sale-config";
export { flashSaleVariants } from "./flash-sale-config";
import { stockRulesSchema } from "~/domain/stock/rules";
import { action as inventoryLevelsUpdateRoute } from "~/routes/webhooks.inventory_levels.update";
import { markSkusForRecompute } from "~/sync/stock/recompute-marks.server";
import { releaseReservationsOfShopifyOrder } from "~/sync/reservations/holds.server";
import { requestReconcile } from "~/sync/stock/reconcile.server";
import { settle } from "../test/helpers/app";
import { ShopifyFake } from "../test/shopify-fake";
import type { FakeInventoryLevel, FakeLocation } from "../test/shopify-fake/store";
import type { RunningMiraklSimulator } from "../test/simulators/mirakl";
import {
  miraklCallCounts,
  startBenchSimulator,
  nextImportCompletion,
  percentile,
  seededRandom,
  startEngine,
  stockImports,
  VirtualClock,
  type Engine,
} from "./harness";
import { simulatorClient } from "../test/helpers/mirakl";

/**
 * Flash sale: a few hot SKUs with limited stock sell at the same time on Shopify (D2C) and on one
 * Mirakl marketplace. The same customers (same seed, same arrival times, quantities and webhook
 * delays) meet two pushing policies:
 *  - engine: the app's own webhook intake, inbox, recompute and STO01 push (at most one import a
 *    minute, only dirty offers), on a virtual clock;
 *  - baseline: every 5 minutes, one STO01 with every SKU's quantity, computed by the same domain
 *    function (sellableQuantity) from Shopify's current stock and the same reservations.
 *
 * Marketplace orders:
 *  - a customer can only order what the marketplace currently advertises; Mirakl then lowers the
 *    offer's quantity by the units ordered (Mirakl's own behaviour, which the simulator reproduces) and
 *    the order is in the simulator for OR11 to list;
 *  - the engine reads them with the app's own order intake (OR11 once a minute on its own unit, and
 *    right before each stock file), reserves their units on every connection and holds them in Shopify
 *    (available → reserved, the app's holds unit, on the Shopify fake): from then on Shopify's own
 *    checkout cannot sell them;
 *  - what the app does not do yet is modelled: the Shopify order is created (available and committed
 *    move, inventory_levels/update fires) at the first modelled poll at least `shopifyOrderAfterMs`
 *    after the order (acceptance + debit), and the engine is then told through the call the order flow
 *    will make (releaseReservationsOfShopifyOrder), which returns the hold;
 *  - the baseline knows each order from the modelled poll (OR11 once a minute) until its Shopify order
 *    exists, and holds nothing in Shopify (what most connectors do).
 * Variant C is the ideal flow: each order is reserved and in Shopify the moment it is placed.
 *
 * Oversell: a sale (a D2C checkout Shopify allowed, or a marketplace order placed against the
 * advertised quantity) that takes units beyond the SKU's physical stock, i.e. the units sold on
 * both channels so far plus this order exceed the stock at the start. Counted in orders and units,
 * by the channel that took the sale.
 */

interface Attempt {
  at: number;
  channel: "d2c" | "marketplace";
  sku: string;
  quantity: number;
  /** Delay of the webhook this sale fires (D2C) or its Shopify order fires later (marketplace). */
  webhookDelayMs: number;
}

/** The customers: identical for both policies. Offsets from the start of the sale. */
export function customerStream(config: FlashSaleConfig): Attempt[] {
  const random = seededRandom(config.seed);
  const attempts: Attempt[] = [];
  const delay = () =>
    Math.round(config.webhookDelayMs[0] + random() * (config.webhookDelayMs[1] - config.webhookDelayMs[0]));
  for (let h = 0; h < config.hotSkus; h++) {
    const sku = hotSku(h);
    for (const [channel, perMinute] of [
      ["d2c", config.d2cPerMinute],
      ["marketplace", config.marketplacePerMinute],
    ] as const) {
      let at = 0;
      for (;;) {
        at += Math.round((-Math.log(1 - random()) / perMinute) * 60_000); // exponential inter-arrival
        if (at >= config.durationMs) break;
        const quantity = random() < 0.75 ? 1 : 2;
        attempts.push({ at, channel, sku, quantity, webhookDelayMs: delay() });
      }
    }
  }
  return attempts.sort((a, b) => a.at - b.at || a.sku.localeCompare(b.sku) || a.channel.localeCompare(b.channel));
}

const hotSku = (i: number) => `HOT-${String(i + 1).padStart(2, "0")}`;
const catalogSku = (i: number) => `CAT-${String(i + 1).padStart(5, "0")}`;

export interface PolicyResult {
  policy: string;
  attempts: { d2c: number; marketplace: number };
  sold: { d2cOrders: number; d2cUnits: number; marketplaceOrders: number; marketplaceUnits: number };
  oversells: { marketplaceOrders: number; marketplaceUnits: number; d2cOrders: number; d2cUnits: number };
  /** Marketplace customers turned away (advertised quantity too low) while the stock was there. */
  missedMarketplaceSales: number;
  /** Shopify stock changes that changed the quantity to advertise. */
  changesNeedingPush: number;
  changesWithoutPush: number;
  delayMs: { p50: number | null; p99: number | null; max: number | null; count: number; neverApplied: number };
  stockImports: number;
  linesSent: number;
  miraklCalls: Record<string, number>;
  rateLimited: number;
  wallMs: number;
}

interface PendingOrder {
  id: string;
  lineId: string;
  sku: string;
  quantity: number;
  placedAt: number;
  webhookDelayMs: number;
  reservedAt: number | null;
  landedAt: number | null;
}

interface Change {
  sku: string;
  at: number;
  needsPush: boolean;
  /** When the engine's mirror first held this change (or a later one) of the SKU; baseline: at. */
  reflectedAt: number | null;
}

interface ScheduledWebhook {
  deliverAt: number;
  sku: string;
  payload: unknown;
  triggeredAt: Date;
  /** Index in `changes` of the change this webhook reports. */
  change: number;
  /** A marketplace order landing in Shopify: its reservation is released when this is processed. */
  releases: PendingOrder | null;
}

interface World {
  config: FlashSaleConfig;
  rules: ConnectionStockRules;
  fake: ShopifyFake;
  sim: RunningMiraklSimulator;
  clock: VirtualClock;
  location: FakeLocation;
  levels: Map<string, FakeInventoryLevel>;
  shop: string;
}

/** Everything a policy needs to be told; the sale loop itself is shared. */
interface Policy {
  name: string;
  /** A Shopify inventory change happened (the webhook to deliver, for the engine). */
  shopifyChanged(webhook: ScheduledWebhook): void;
  reserve(order: PendingOrder, now: number): Promise<void>;
  /** The marketplace order's Shopify order exists now: its reservation is released. */
  landed(order: PendingOrder, now: number): Promise<void>;
  /** Runs whatever is due at this instant. */
  work(now: number, changes: Change[]): Promise<void>;
  nextWakeAt(): Promise<number | null>;
}

let worlds = 0;

async function createWorld(config: FlashSaleConfig, policyName: string): Promise<World> {
  const shop = `flash-${policyName}-${++worlds}.myshopify.com`; // each run its own shop in the one database
  const sim = await startBenchSimulator({ port: 0, seed: config.seed, startTime: Date.now() });
  const clock = new VirtualClock(sim.control.now(), sim);
  const fake = new ShopifyFake({ shop, now: clock.now, bulkPollsUntilComplete: 1 });
  const location = fake.store.addLocation({ name: "Warehouse" });
  const levels = new Map<string, FakeInventoryLevel>();
  const add = (sku: string, available: number) => {
    const { variants } = fake.store.addProduct({
      title: sku,
      variants: [{ sku, price: "49.00", stock: { [location.id]: { available } } }],
    });
    levels.set(sku, fake.store.levelOf(variants[0]!.inventoryItemId, location.id)!);
  };
  for (let h = 0; h < config.hotSkus; h++) add(hotSku(h), config.hotStock);
  for (let c = 0; c < config.catalogSkus; c++) add(catalogSku(c), config.catalogStock);
  for (const sku of levels.keys()) sim.control.addOffer(sim.shops.main, { shop_sku: sku, quantity: 0, price: 49 });
  const rules = stockRulesSchema.parse({ ...config.stock, locationIds: [location.id] });
  return { config, rules, fake, sim, clock, location, levels, shop };
}

/**
 * What the rules make of Shopify's stock and the pending reservations right now. The units the engine
 * holds in Shopify (`reserved`, only ever moved there by the app's holds) are counted back, since
 * `reserved` here already takes them out: the figure must not depend on when a hold happened.
 */
function sellableNow(world: World, sku: string, reserved: number): number {
  const level = world.levels.get(sku)!;
  const available = level.quantities.available + level.quantities.reserved;
  const result = sellableQuantity(
    {
      sku,
      variantExists: true,
      productStatus: "ACTIVE",
      tracked: true,
      levels: [{ locationId: world.location.id, available }],
      reservedNotInShopify: reserved,
    },
    world.rules,
  );
  return result.kind === "push" ? result.quantity : 0;
}

async function runSale(world: World, policy: Policy, attempts: readonly Attempt[]): Promise<PolicyResult> {
  const { config, sim, clock, fake } = world;
  const started = Date.now();
  const start = clock.ms;
  const end = start + config.durationMs;
  // After the last customer, time runs on until every change had its chance to be pushed.
  const tailEnd = end + config.baselineEveryMs + 2 * config.orderPollMs;
  const physical = new Map([...world.levels.keys()].map((sku) => [sku, world.levels.get(sku)!.quantities.available]));
  const sold = new Map<string, number>();
  const reserved = new Map<string, number>();
  const result: PolicyResult = {
    policy: policy.name,
    attempts: { d2c: 0, marketplace: 0 },
    sold: { d2cOrders: 0, d2cUnits: 0, marketplaceOrders: 0, marketplaceUnits: 0 },
    oversells: { marketplaceOrders: 0, marketplaceUnits: 0, d2cOrders: 0, d2cUnits: 0 },
    missedMarketplaceSales: 0,
    changesNeedingPush: 0,
    changesWithoutPush: 0,
    delayMs: { p50: null, p99: null, max: null, count: 0, neverApplied: 0 },
    stockImports: 0,
    linesSent: 0,
    miraklCalls: {},
    rateLimited: 0,
    wallMs: 0,
  };
  const changes: Change[] = [];
  const orders: PendingOrder[] = [];
  const main = sim.simulator.state.shop(sim.shops.main);
  const importsBefore = new Set(stockImports(sim).map((i) => i.import_id));
  sim.control.clearCalls();

  const recordSale = (channel: "d2c" | "marketplace", sku: string, quantity: number) => {
    const before = sold.get(sku) ?? 0;
    sold.set(sku, before + quantity);
    const excess = Math.min(quantity, before + quantity - physical.get(sku)!);
    if (channel === "d2c") {
      result.sold.d2cOrders++;
      result.sold.d2cUnits += quantity;
      if (excess > 0) {
        result.oversells.d2cOrders++;
        result.oversells.d2cUnits += excess;
      }
    } else {
      result.sold.marketplaceOrders++;
      result.sold.marketplaceUnits += quantity;
      if (excess > 0) {
        result.oversells.marketplaceOrders++;
        result.oversells.marketplaceUnits += excess;
      }
    }
    if (process.env.BENCH_TRACE === "all")
      console.error(
        `[${policy.name}] +${((clock.ms - start) / 1000).toFixed(1)}s sale ${channel} ${sku} q=${quantity} sold=${before} advertised=${main.offers.get(sku)!.quantity}`,
      );
    if (process.env.BENCH_TRACE && excess > 0) {
      const unpolled = orders.filter((o) => o.sku === sku && o.reservedAt === null).reduce((n, o) => n + o.quantity, 0);
      console.error(
        `[${policy.name}] +${((clock.ms - start) / 1000).toFixed(1)}s OVERSELL ${channel} ${sku} q=${quantity} sold=${before} physical=${physical.get(sku)} shopifyAvailable=${world.levels.get(sku)!.quantities.available} reserved=${reserved.get(sku) ?? 0} unpolled=${unpolled} advertised=${main.offers.get(sku)!.quantity}`,
      );
    }
  };
  /** Shopify's available moves (a D2C sale or a marketplace order created in Shopify). */
  const shopifyChange = (sku: string, quantity: number, delayMs: number, releases: PendingOrder | null) => {
    const level = world.levels.get(sku)!;
    const before = sellableNow(world, sku, reserved.get(sku) ?? 0);
    fake.store.setQuantity(level, "available", level.quantities.available - quantity);
    fake.store.setQuantity(level, "committed", level.quantities.committed + quantity);
    if (releases) reserved.set(sku, (reserved.get(sku) ?? 0) - releases.quantity);
    const after = sellableNow(world, sku, reserved.get(sku) ?? 0);
    changes.push({ sku, at: clock.ms, needsPush: before !== after, reflectedAt: null });
    const payload = fake.webhooks.payloads().inventoryLevelUpdate(level); // as Shopify shows it now
    policy.shopifyChanged({
      deliverAt: clock.ms + delayMs,
      sku,
      payload,
      triggeredAt: clock.date(),
      change: changes.length - 1,
      releases,
    });
  };

  let next = 0;
  let nextPoll = start + config.orderPollMs / 2;
  for (;;) {
    const now = clock.ms;
    // 1. Customers arriving now.
    while (next < attempts.length && start + attempts[next]!.at <= now) {
      const attempt = attempts[next++]!;
      if (attempt.channel === "d2c") {
        result.attempts.d2c++;
        // Shopify's checkout sells what `available` says (inventory policy: deny).
        if (world.levels.get(attempt.sku)!.quantities.available < attempt.quantity) continue;
        recordSale("d2c", attempt.sku, attempt.quantity);
        shopifyChange(attempt.sku, attempt.quantity, attempt.webhookDelayMs, null);
      } else {
        result.attempts.marketplace++;
        const offer = main.offers.get(attempt.sku)!;
        if (!offer.active || offer.quantity < attempt.quantity) {
          if (physical.get(attempt.sku)! - (sold.get(attempt.sku) ?? 0) >= attempt.quantity)
            result.missedMarketplaceSales++;
          continue;
        }
        const order = sim.control.createOrder({ lines: [{ offer_sku: attempt.sku, quantity: attempt.quantity }] });
        recordSale("marketplace", attempt.sku, attempt.quantity);
        orders.push({
          id: order.id,
          lineId: order.lines[0]!.id,
          sku: attempt.sku,
          quantity: attempt.quantity,
          placedAt: now,
          webhookDelayMs: attempt.webhookDelayMs,
          reservedAt: null,
          landedAt: null,
        });
      }
    }
    // 2. The order flow: accept and reserve new orders, create paid ones in Shopify (at its polls, or at once).
    const instant = config.orderPollMs === 0;
    if (instant || now >= nextPoll) {
      for (const order of orders) {
        if (order.reservedAt === null) {
          order.reservedAt = now;
          reserved.set(order.sku, (reserved.get(order.sku) ?? 0) + order.quantity);
          await policy.reserve(order, now);
        }
        if (
          order.landedAt === null &&
          now - order.placedAt >= config.shopifyOrderAfterMs &&
          (instant || order.reservedAt < now || config.shopifyOrderAfterMs === 0)
        ) {
          order.landedAt = now;
          shopifyChange(order.sku, order.quantity, order.webhookDelayMs, order);
          await policy.landed(order, now);
        }
      }
      if (!instant) nextPoll += config.orderPollMs;
    }
    // 3. The policy's own work at this instant (webhooks, recompute, pushes).
    await policy.work(now, changes);

    const candidates = [
      next < attempts.length ? start + attempts[next]!.at : null,
      config.orderPollMs > 0 && nextPoll <= tailEnd ? nextPoll : null,
      // An instant order flow creates each Shopify order exactly when it is due.
      ...(config.orderPollMs === 0
        ? orders.filter((o) => o.landedAt === null).map((o) => o.placedAt + config.shopifyOrderAfterMs)
        : []),
      await policy.nextWakeAt(),
    ].filter((t): t is number => t !== null && t <= tailEnd);
    // An import sent before the end is followed to completion, so every file sent is counted.
    const completion = nextImportCompletion(sim);
    if (completion !== null) candidates.push(completion);
    if (candidates.length === 0) break;
    clock.advanceTo(Math.max(now + 1, Math.min(...candidates)));
  }

  // When each quantity became visible to buyers: the simulator applies an import importDelayMs after it was sent.
  const importDelay = sim.simulator.state.timings.importDelayMs;
  const imports = stockImports(sim)
    .filter((i) => !importsBefore.has(i.import_id) && i.status === "COMPLETE")
    .map((i) => ({
      sentAt: i.created,
      appliedAt: i.created + importDelay,
      skus: new Set(i.rows.map((row) => row[0]!)),
      lines: i.rows.length,
    }))
    .sort((a, b) => a.sentAt - b.sentAt);
  result.stockImports = imports.length;
  result.linesSent = imports.reduce((sum, i) => sum + i.lines, 0);
  const delays: number[] = [];
  for (const change of changes) {
    if (!change.needsPush) {
      result.changesWithoutPush++;
      continue;
    }
    result.changesNeedingPush++;
    const from = change.reflectedAt;
    const applied = from === null ? undefined : imports.find((i) => i.sentAt >= from && i.skus.has(change.sku));
    if (!applied) result.delayMs.neverApplied++;
    else delays.push(applied.appliedAt - change.at);
  }
  result.delayMs = {
    p50: percentile(delays, 50),
    p99: percentile(delays, 99),
    max: delays.length ? Math.max(...delays) : null,
    count: delays.length,
    neverApplied: result.delayMs.neverApplied,
  };
  const calls = miraklCallCounts(sim);
  result.miraklCalls = calls.byOperation;
  result.rateLimited = calls.rateLimited;
  result.wallMs = Date.now() - started;
  return result;
}

/** Brings the engine to a settled start: full reconcile (bulk export, recompute, OF52-54) and push, through the real tasks. */
async function settleEngine(world: World, engine: Engine) {
  await requestReconcile(engine.connection, "FULL", world.clock.date());
  for (let steps = 0; steps < 10_000; steps++) {
    await engine.drain();
    const due = [await engine.nextDueAt({ periodic: false }), nextImportCompletion(world.sim)].filter(
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
    world.clock.advanceTo(Math.max(world.clock.ms + 1, Math.min(...due)));
  }
  throw new Error("bench: the engine did not settle");
}

export async function runEnginePolicy(
  config: FlashSaleConfig,
  attempts: readonly Attempt[],
  name = "engine",
): Promise<PolicyResult> {
  const world = await createWorld(config, "engine");
  const engine = await startEngine({
    shop: world.shop,
    fake: world.fake,
    sim: world.sim,
    clock: world.clock,
    stock: world.rules,
  });
  try {
    await settleEngine(world, engine);
    world.clock.advanceTo(world.clock.ms + 60_000); // a quiet minute: the last setup import is not the first sale's
    const inbox: ScheduledWebhook[] = [];
    const route = (request: Request) => settle(inventoryLevelsUpdateRoute({ request, params: {}, context: {} }));
    const policy: Policy = {
      name,
      shopifyChanged: (webhook) => inbox.push(webhook),
      async reserve(order, now) {
        // The engine reads its orders itself (OR11 once a minute and right before each stock file) and
        // holds them in Shopify. Only the ideal flow (variant C) is fed directly: its orders are in
        // Shopify the instant they are placed, before any poll could see them.
        if (config.orderPollMs !== 0) return;
        await prisma.marketplaceReservation.create({
          data: {
            shop: world.shop,
            connectionId: engine.connection.id,
            miraklOrderId: order.id,
            orderLineId: order.lineId,
            shopifySku: order.sku,
            quantity: order.quantity,
            createdAt: new Date(now),
          },
        });
        await markSkusForRecompute(world.shop, [order.sku], new Date(now));
      },
      async landed(order, now) {
        // What the order flow will do right after creating the Shopify order: release the reservation
        // (its hold goes back to available, which the order has just taken).
        await releaseReservationsOfShopifyOrder(world.shop, engine.connection.id, order.id, new Date(now));
      },
      async work(now, changes) {
        const due = inbox.filter((w) => w.deliverAt <= now).sort((a, b) => a.deliverAt - b.deliverAt);
        for (const webhook of due) {
          inbox.splice(inbox.indexOf(webhook), 1);
          const signed = world.fake.webhooks.sign({
            topic: "inventory_levels/update",
            payload: webhook.payload,
            triggeredAt: webhook.triggeredAt,
          });
          const response = await world.fake.webhooks.deliver(route, signed);
          if (response.status !== 200) throw new Error(`bench: webhook answered ${response.status}`);
          // Absolute quantities: this delivery brings the mirror up to its change and every earlier one of the SKU.
          for (let i = webhook.change; i >= 0; i--) {
            const change = changes[i]!;
            if (change.sku === webhook.sku && (change.reflectedAt === null || change.reflectedAt > now))
              change.reflectedAt = now;
          }
        }
        await engine.drain();
      },
      async nextWakeAt() {
        const webhooks = inbox.length ? Math.min(...inbox.map((w) => w.deliverAt)) : null;
        const unit = await engine.nextDueAt();
        return [webhooks, unit]
          .filter((t): t is number => t !== null)
          .reduce<number | null>((a, b) => (a === null ? b : Math.min(a, b)), null);
      },
    };
    return await runSale(world, policy, attempts);
  } finally {
    engine.close();
    await world.sim.close();
  }
}

export async function runBaselinePolicy(config: FlashSaleConfig, attempts: readonly Attempt[]): Promise<PolicyResult> {
  const world = await createWorld(config, "baseline");
  // "What most connectors do": the same sellableQuantity, without sales-velocity protection.
  world.rules = { ...world.rules, velocityProtection: { enabled: false, windowSeconds: null } };
  const mirakl = simulatorClient(world.sim, "baseline", world.sim.keys.single, { csvDelimiter: ";" });
  const reserved = new Map<string, number>();
  const pushAll = async () => {
    const lines = [...world.levels.keys()].map((sku) => ({
      offer_sku: sku,
      quantity: sellableNow(world, sku, reserved.get(sku) ?? 0),
    }));
    await mirakl.importStock(lines);
  };
  try {
    // In line at the start, as the engine is after its first reconcile.
    await pushAll();
    world.clock.advanceTo(world.clock.ms + 60_000);
    let nextPush = world.clock.ms + config.baselineEveryMs;
    const policy: Policy = {
      name: `baseline (all stock every ${config.baselineEveryMs / 60_000} min)`,
      shopifyChanged: (webhook) => {
        // Read from Shopify at push time: the change counts from the moment it happened.
        void webhook;
      },
      async reserve(order) {
        reserved.set(order.sku, (reserved.get(order.sku) ?? 0) + order.quantity);
      },
      async landed(order) {
        reserved.set(order.sku, (reserved.get(order.sku) ?? 0) - order.quantity);
      },
      async work(now, changes) {
        for (const change of changes) change.reflectedAt ??= change.at;
        if (now < nextPush) return;
        await pushAll();
        nextPush += config.baselineEveryMs;
      },
      nextWakeAt: async () => nextPush,
    };
    return await runSale(world, policy, attempts);
  } finally {
    await world.sim.close();
  }
}

/** The connection's rules without sales-velocity protection (the engine as it was before it, and the baseline). */
export const withoutVelocity = (config: FlashSaleConfig): FlashSaleConfig => ({
  ...config,
  stock: { ...config.stock, velocityProtection: { enabled: false, windowSeconds: null } },
});

/**
 * "engine-and-baseline": the engine with its default rules (velocity protection on) and the baseline;
 * "engine-without-velocity": the engine with velocity protection off. Two processes, because two engine
 * runs cannot share one mirror (see bench/scenario.ts).
 */
export async function runFlashSale(
  config: FlashSaleConfig,
  part: "engine-and-baseline" | "engine-without-velocity" = "engine-and-baseline",
) {
  const attempts = customerStream(config);
  if (part === "engine-without-velocity") {
    const engine = await runEnginePolicy(withoutVelocity(config), attempts, "engine without velocity protection");
    return { config, customers: attempts.length, engine };
  }
  const engine = await runEnginePolicy(config, attempts);
  const baseline = await runBaselinePolicy(config, attempts);
  return { config, customers: attempts.length, engine, baseline };
}
