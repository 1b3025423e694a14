import { borrowLease, ensureScheduled, markDirty, returnLease } from "~/worker/work-units.server";
import type { TaskHandler } from "~/worker/worker.server";

/**
 * Every kind of work unit, declared once: its kind, what one unit stands for (a marketplace connection,
 * a shop, or the whole app), how its key is made and read back, and how long a claim lasts. Flows mark
 * each other's units through these declarations, never by building a key themselves.
 *
 * Kind and key strings are stored in `WorkUnit` rows: changing one strands the rows already there.
 * A connection's or a shop's unit is keyed `<kind>:<id>`; an app-wide (periodic) unit's key is its kind.
 */

abstract class UnitKind {
  abstract readonly scope: "connection" | "shop" | "singleton";
  constructor(
    readonly kind: string,
    /** How long a claim lasts without renewal (the worker renews it every third of that while the task runs). */
    readonly leaseMs: number,
  ) {}

  /** A worker task for this kind, under its lease. */
  task(run: TaskHandler["run"]): TaskHandler {
    return { kind: this.kind, leaseMs: this.leaseMs, run };
  }
}

/** One unit per id (a connection id or a shop domain), keyed `<kind>:<id>`. */
abstract class KeyedUnitKind extends UnitKind {
  key(id: string): string {
    return `${this.kind}:${id}`;
  }

  /** The id a key was made from (the inverse of `key`). */
  idOf(key: string): string {
    const prefix = `${this.kind}:`;
    if (!key.startsWith(prefix)) throw new Error(`work unit ${key} is not of kind ${this.kind}`);
    return key.slice(prefix.length);
  }
}

/** One unit per marketplace connection. */
export class ConnectionUnitKind extends KeyedUnitKind {
  readonly scope = "connection";

  /** Its failures are shown against the connection. */
  override task(run: TaskHandler["run"]): TaskHandler {
    return { ...super.task(run), connectionIdOf: (key) => this.idOf(key) };
  }

  /** Makes the connection's unit due now (level-triggered: marking twice runs it once). */
  markDirty(connectionId: string, shop: string, now = new Date()) {
    return markDirty(this.key(connectionId), this.kind, shop, now);
  }
}

/** One unit per shop. */
export class ShopUnitKind extends KeyedUnitKind {
  readonly scope = "shop";

  /** Makes the shop's unit due `now` (level-triggered: marking twice runs it once); resolves to its due time. */
  markDirty(shop: string, now = new Date()) {
    return markDirty(this.key(shop), this.kind, shop, now);
  }

  /**
   * Runs `work` under the shop's unit lease, so it never overlaps the unit's own run (nor another such
   * `work`): false, without running it, while the unit is running. For short work only: the lease is not renewed.
   */
  async whileLeased(shop: string, holder: string, work: () => Promise<void>, now = new Date()): Promise<boolean> {
    const lease = await borrowLease(this.key(shop), this.kind, shop, holder, this.leaseMs, now);
    if (!lease) return false;
    try {
      await work();
    } finally {
      await returnLease(lease);
    }
    return true;
  }
}

/** One unit for the whole app: periodic work that reschedules itself. */
export class SingletonUnitKind extends UnitKind {
  readonly scope = "singleton";

  get key(): string {
    return this.kind;
  }

  /** Creates the unit if it does not exist, without pulling an already scheduled run earlier. */
  ensureScheduled(now = new Date()) {
    return ensureScheduled(this.key, this.kind, null, now);
  }

  /** Makes the unit due now (created if missing). */
  markDue(now = new Date()) {
    return markDirty(this.key, this.kind, null, now);
  }
}

export type AnyUnitKind = ConnectionUnitKind | ShopUnitKind | SingletonUnitKind;

export const workUnits = {
  /** Processes the shop's stored Shopify webhook deliveries (app/webhooks/inbox.server.ts). */
  webhookInbox: new ShopUnitKind("webhook-inbox", 60_000),
  /** Re-marks inboxes with pending deliveries and prunes old ones. */
  webhookInboxSweep: new SingletonUnitKind("webhook-inbox-sweep", 60_000),
  /** The shop's Shopify catalogue bulk export into the mirror (app/sync/catalog). */
  catalogRefresh: new ShopUnitKind("catalog-refresh", 300_000),
  /** Desired stock of the shop's changed variants on every connection (app/sync/stock/recompute.server.ts). */
  stockRecompute: new ShopUnitKind("stock-recompute", 120_000),
  /** Stock files to Mirakl (STO01). */
  stockPush: new ConnectionUnitKind("stock-push", 120_000),
  /** Price files to Mirakl (PRI01). */
  pricePush: new ConnectionUnitKind("price-push", 120_000),
  /** Missing offers created on Mirakl (OF24). */
  offerCreate: new ConnectionUnitKind("offer-create", 120_000),
  /** Drift reconciliation against Mirakl's offer export. */
  stockReconcile: new ConnectionUnitKind("stock-reconcile", 300_000),
  /** Hourly delta and nightly full reconciliations; keeps every enabled connection's order intake running. */
  reconcileScheduler: new SingletonUnitKind("stock-reconcile-scheduler", 60_000),
  /** Marketplace orders read into the order mirror and reservations (OR11), once a minute (app/sync/orders). */
  orderIntake: new ConnectionUnitKind("order-intake", 120_000),
  /** Waiting orders accepted or refused (OR21), on their own unit so nothing downstream delays them (app/sync/orders). */
  orderAcceptance: new ConnectionUnitKind("order-acceptance", 60_000),
  /** Shopify orders made for paid Mirakl orders, exactly once (app/sync/orders/shopify-order.server.ts). */
  shopifyOrders: new ConnectionUnitKind("shopify-orders", 120_000),
  /** Shopify fulfilments sent to Mirakl as tracking and shipments, through the carrier map (app/sync/fulfilments). */
  fulfilments: new ConnectionUnitKind("fulfilments", 120_000),
  /** Refunds and cancellations carried between Shopify and Mirakl, never twice (app/sync/refunds). */
  refunds: new ConnectionUnitKind("refunds", 120_000),
  /** Reservations held in (and given back to) Shopify. */
  reservationHolds: new ShopUnitKind("reservation-holds", 120_000),
  /** Prunes the Mirakl call log (app/connections/activity-log.server.ts). */
  miraklCallPrune: new SingletonUnitKind("mirakl-call-prune", 120_000),
  /** Stored API keys sealed again under the current encryption key after a rotation (app/connections/key-rotation.server.ts). */
  apiKeyReencrypt: new SingletonUnitKind("api-key-reencrypt", 120_000),
} as const satisfies Record<string, AnyUnitKind>;

export const allUnitKinds: readonly AnyUnitKind[] = Object.values(workUnits);

/** Periodic units must exist once; idempotent, called whenever a worker starts. */
export async function ensurePeriodicUnits(now = new Date()) {
  for (const unit of allUnitKinds) if (unit.scope === "singleton") await unit.ensureScheduled(now);
}
