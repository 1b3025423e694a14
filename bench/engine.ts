import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import type { ConnectionStockRules } from "~/domain/sellable-quantity";
import { type MiraklClient } from "~/integrations/mirakl";
import { ShopifyAdminClient, type AdminGraphqlTransport } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { catalogRefreshStep } from "~/sync/catalog/refresh.server";
import type { IngestResult } from "~/sync/catalog/mirror.server";
import { pushStock } from "~/sync/stock/push.server";
import { stockFlowDeps, registerFlows } from "~/sync/index.server";
import { stockRecomputeTask } from "~/sync/stock/recompute.server";
import { reconcileStep } from "~/sync/stock/reconcile.server";
import { inboxTask } from "~/webhooks/inbox.server";
import { readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runOrderAcceptance } from "~/sync/orders/acceptance.server";
import { runShopifyOrders } from "~/sync/orders/shopify-order.server";
import { reconcileShopifyHolds } from "~/sync/reservations/holds.server";
import { runFulfilments } from "~/sync/fulfilments/shipments.server";
import { workUnits } from "~/worker/registry.server";
import { Worker, type TaskHandler } from "~/worker/worker.server";
import { installShop } from "../test/helpers/app";
import type { ShopifyFake } from "../test/shopify-fake";
import { simulatorClient } from "../test/helpers/mirakl";

/**
 * The real engine on a virtual clock. The app's own task functions run through the app's own Worker
 * (claim, lease, complete on the WorkUnit table), with `now` taken from one virtual clock shared with
 * the Mirakl simulator (frozen, moved by advanceClock) and the Shopify fake. Processing takes no
 * virtual time; within one instant, Shopify-side work (inbox, recompute, catalogue) always drains
 * before Mirakl-side work (push, reconcile), which is one valid order of the real concurrent system.
 *
 * The only difference from production wiring is the Mirakl client: production's `miraklClientFor`
 * paces calls with a real-time limiter and writes an activity log; here the client has no client-side
 * limiter, so Mirakl's limits are enforced by the engine's own schedule and checked by the simulator
 * (which answers 429 on any excess, counted in the results).
 *
 * This module holds the engine only (types of the fakes, none of their code), so a process can run it with the
 * fakes in another process (bench/engine-memory.ts): anything with the fake's `admin`/`fetch`/`install` and the
 * simulator's `url`/`keys` will do.
 */

const IDLE = new Date("9999-01-01T00:00:00Z");

/** The shared virtual clock as the engine sees it (bench/harness.ts's VirtualClock, or one driving another process's). */
export interface EngineClock {
  readonly ms: number;
  date(): Date;
  now(): number;
  advanceTo(ms: number): void | Promise<void>;
}

/** What the engine needs of the Shopify fake, in this process or behind HTTP. */
export type ShopifySide = Pick<ShopifyFake, "install" | "admin" | "fetch">;
/** What the engine needs of the Mirakl simulator: where it answers and the key. */
export interface MiraklSide {
  url: string;
  keys: { single: string };
}

export interface EngineOptions {
  shop: string;
  fake: ShopifySide;
  sim: MiraklSide;
  clock: EngineClock;
  stock: Partial<ConnectionStockRules>;
  /** Told what each catalogue refresh ingested (the bulk export's figures). */
  onCatalogueIngested?: (ingested: IngestResult) => void;
  /** Run the order intake (OR11 once a minute), the Shopify holds and the Shopify orders of paid orders; default true. */
  readOrders?: boolean;
  /** Run the acceptance unit (OR21 for every waiting order) beside the intake; default false. */
  acceptOrders?: boolean;
  /** Run the fulfilments unit (Shopify fulfilments to OR23/OR24 or ST01/ST24, and its sweep); default false. */
  fulfilments?: boolean;
  /**
   * The Shopify client's waits (its cost bucket, a THROTTLED answer) move the virtual clock, as a real wait lets
   * time pass and the fake's bucket refill. Default false: waits take no time (the client sends at once).
   */
  shopifyWaitsOnClock?: boolean;
  /** More connection settings, through the same schema (e.g. currencyIsoCode, locationNames). */
  settings?: Record<string, unknown>;
  /** Wraps the engine's Mirakl client, to observe calls (e.g. when each one ended, in wall time). */
  observeMirakl?: (client: MiraklClient) => MiraklClient;
  /** Wraps the engine's Shopify transport, to observe every Admin API answer (e.g. its actual query cost). */
  observeShopify?: (transport: AdminGraphqlTransport) => AdminGraphqlTransport;
}

export interface Engine {
  connection: { id: string; shop: string };
  mirakl: MiraklClient;
  /** Runs every due unit at the current instant until nothing is due. Returns the units run. */
  drain(): Promise<number>;
  /**
   * When the next unit falls due (virtual ms), or null when everything is idle. The order intake is
   * periodic (never idle): `{ periodic: false }` leaves it out, to tell when the rest has settled.
   */
  nextDueAt(options?: { periodic?: boolean }): Promise<number | null>;
  /** Wall ms spent per unit kind since the start (reset it to measure a stretch). */
  unitMs: Record<string, number>;
  /** Runs per unit kind, the longest single run's wall ms, and the runs that threw (the Worker retries them). */
  unitRuns: Record<string, number>;
  unitMaxMs: Record<string, number>;
  unitErrors: Record<string, number>;
  /** The kind of the unit running now, if any (to tell which unit a memory sample belongs to). */
  runningUnit(): string | null;
  close(): void;
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const { shop, fake, sim, clock } = options;
  await installShop(shop);
  const uninstall = fake.install();
  registerFlows();
  // Saved explicitly, through the settings schema the app validates with: a connection whose stock
  // rules were never saved does not push stock.
  const settings = parseConnectionSettings({
    ...options.settings,
    stock: options.stock,
    stockConfiguredAt: clock.date().toISOString(),
    csvDelimiter: ";",
  });
  const created = await createConnection(shop, {
    name: "Bench marketplace",
    baseUrl: sim.url,
    apiKey: sim.keys.single,
    settings,
  });
  const connection = { id: created.id, shop };
  const client = simulatorClient(sim, connection.id, sim.keys.single, { csvDelimiter: ";" });
  const mirakl = options.observeMirakl ? options.observeMirakl(client) : client;
  const transport = options.observeShopify ? options.observeShopify(fake.admin(shop)) : fake.admin(shop);
  const buckets = new CostBuckets();
  const shopify = async () =>
    options.shopifyWaitsOnClock
      ? new ShopifyAdminClient(transport, {
          shop,
          buckets,
          now: clock.now,
          sleep: async (ms) => clock.advanceTo(clock.ms + ms),
        })
      : new ShopifyAdminClient(transport, { shop, buckets: new CostBuckets(), sleep: async () => {} });

  const connectionTask = (kind: string, step: (now: Date) => Promise<{ nextDueAt: Date | null }>): TaskHandler => ({
    kind,
    leaseMs: 300_000,
    run: (_unit, ctx) => step(ctx.now()),
  });
  const shopifySide: TaskHandler[] = [
    inboxTask,
    stockRecomputeTask,
    {
      kind: workUnits.catalogRefresh.kind,
      leaseMs: 300_000,
      run: async (unit, ctx) => {
        const step = await catalogRefreshStep(unit.shop!, ctx.now(), { shopify, fetch: fake.fetch });
        if (step.ingested) options.onCatalogueIngested?.(step.ingested);
        return { nextDueAt: step.nextDueAt };
      },
    },
  ];
  const miraklSide: TaskHandler[] = [
    connectionTask(workUnits.stockPush.kind, (now) => pushStock(connection, mirakl, now, stockFlowDeps)),
    connectionTask(workUnits.stockReconcile.kind, (now) => reconcileStep(connection, mirakl, now)),
  ];
  if (options.readOrders ?? true) {
    shopifySide.push({
      kind: workUnits.reservationHolds.kind,
      leaseMs: 300_000,
      run: async (unit, ctx) => reconcileShopifyHolds(unit.shop!, ctx.now(), await shopify()),
    });
    // The step shopifyOrdersTask runs, with the harness's client: the intake marks it due when an order turns SHIPPING.
    shopifySide.push(
      connectionTask(workUnits.shopifyOrders.kind, async (now) => ({
        nextDueAt: (await runShopifyOrders(connection, now, await shopify())).nextDueAt,
      })),
    );
    miraklSide.push(
      connectionTask(workUnits.orderIntake.kind, (now) => readMarketplaceOrders(connection, mirakl, now)),
    );
    await workUnits.orderIntake.markDirty(connection.id, shop, clock.date());
  }
  if (options.acceptOrders) {
    // The app's acceptance step (the same one orderAcceptanceTask runs), on its own unit as in production.
    miraklSide.push(
      connectionTask(workUnits.orderAcceptance.kind, (now) => runOrderAcceptance(connection, mirakl, now)),
    );
    await workUnits.orderAcceptance.markDirty(connection.id, shop, clock.date());
  }
  if (options.fulfilments) {
    // The step fulfilmentsTask runs, with the harness's clients (the Shopify one for the sweep).
    miraklSide.push(
      connectionTask(workUnits.fulfilments.kind, async (now) => ({
        nextDueAt: (await runFulfilments(connection, mirakl, now, await shopify())).nextDueAt,
      })),
    );
    await workUnits.fulfilments.markDirty(connection.id, shop, clock.date());
  }
  // Wall time spent in each kind of unit: where a run's time goes. Wrapped copies: the app's handlers stay as they are.
  const unitMs: Record<string, number> = {};
  const unitRuns: Record<string, number> = {};
  const unitMaxMs: Record<string, number> = {};
  const unitErrors: Record<string, number> = {};
  let running: string | null = null;
  const timed = (handler: TaskHandler): TaskHandler => ({
    ...handler,
    run: async (unit, ctx) => {
      const started = performance.now();
      running = handler.kind;
      try {
        return await handler.run(unit, ctx);
      } catch (error) {
        unitErrors[handler.kind] = (unitErrors[handler.kind] ?? 0) + 1;
        throw error;
      } finally {
        const ms = performance.now() - started;
        unitMs[handler.kind] = (unitMs[handler.kind] ?? 0) + ms;
        unitRuns[handler.kind] = (unitRuns[handler.kind] ?? 0) + 1;
        unitMaxMs[handler.kind] = Math.max(unitMaxMs[handler.kind] ?? 0, ms);
        running = null;
      }
    },
  });
  const kinds = [...shopifySide, ...miraklSide].map((h) => h.kind);
  const workers = [shopifySide, miraklSide].map(
    (handlers) =>
      new Worker({ handlers: handlers.map(timed), now: clock.date, concurrency: 1, id: `bench-${handlers[0]!.kind}` }),
  );

  async function drain() {
    let ran = 0;
    for (;;) {
      let progressed = false;
      for (const worker of workers) {
        while (await worker.runOnce()) {
          progressed = true;
          if (++ran > 100_000) throw new Error("bench: the engine did not settle within one instant");
        }
      }
      if (!progressed) return ran;
    }
  }

  async function nextDueAt({ periodic = true }: { periodic?: boolean } = {}) {
    const of = periodic ? kinds : kinds.filter((kind) => kind !== workUnits.orderIntake.kind);
    const next = await prisma.workUnit.aggregate({
      _min: { dueAt: true },
      where: { kind: { in: of }, dueAt: { lt: IDLE } },
    });
    return next._min.dueAt ? Math.max(next._min.dueAt.getTime(), clock.ms) : null;
  }

  return {
    connection,
    mirakl,
    drain,
    nextDueAt,
    unitMs,
    unitRuns,
    unitMaxMs,
    unitErrors,
    runningUnit: () => running,
    close: uninstall,
  };
}
