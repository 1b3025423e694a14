import prisma from "~/db.server";
import { v7 as uuidv7 } from "uuid";
import { Prisma } from "~/generated/prisma/client";
import { workUnits } from "~/worker/registry.server";
import { pokeEmbeddedWorker } from "~/worker/embedded.server";
import { logger } from "~/lib/logger.server";
import { appEnv } from "~/config.server";

/** A verified, valid delivery to store as PENDING. */
export interface PendingDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  dedupeKey: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  payload: Prisma.InputJsonValue;
}

/** Stores rows, returning the `deliveryKey`s of those inserted (a duplicate of a stored row is not). */
export type InsertRows = (rows: PendingDelivery[]) => Promise<Set<string>>;
/** Marks the inboxes of these shops dirty, after their new rows were committed. */
export type MarkShopsDirty = (shops: string[]) => Promise<void>;

export const deliveryKey = (d: Pick<PendingDelivery, "shop" | "topic" | "dedupeKey">) =>
  `${d.shop}\u0000${d.topic}\u0000${d.dedupeKey}`;

/** The most rows in one statement: bounds the statement (and a request's wait) whatever the burst. */
export const MAX_GROUP = 100;

interface Waiting {
  row: PendingDelivery;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the webhook intake. Concurrent deliveries are stored by one multi-row INSERT … ON CONFLICT DO
 * NOTHING and one dirty mark per shop, instead of an insert and a mark each: the database turns per delivery,
 * the cost that capped the intake, fall with the load. Nothing waits for a batch to fill: the first delivery is
 * written at once, and those arriving while a write is in flight form the next one. Each caller is answered
 * only after its own row (or the row it duplicates) is committed and its shop's inbox marked. If a group fails
 * as a whole (one row the database refuses), its rows are written one by one, so only that row's request fails
 * (Shopify retries it) and the others are stored.
 */
export class DeliveryGroupCommit {
  #queue: Waiting[] = [];
  #writing = false;

  constructor(
    private readonly insertRows: InsertRows = insertPendingRows,
    private readonly markShopsDirty: MarkShopsDirty = markInboxesDirty,
  ) {}

  /** Resolves true when this call stored the row, false when it was already there (a duplicate). */
  store(row: PendingDelivery): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ row, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain() {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) await this.#write(this.#queue.splice(0, MAX_GROUP));
    } finally {
      this.#writing = false;
    }
  }

  async #write(group: Waiting[]) {
    const outcomes = new Map<Waiting, { inserted: boolean } | { error: unknown }>();
    try {
      const stored = await this.insertRows(group.map((w) => w.row));
      // A key twice in one group (a redelivery racing the original) is one row: the first caller stored it.
      for (const w of group) {
        const key = deliveryKey(w.row);
        outcomes.set(w, { inserted: stored.delete(key) });
      }
    } catch (groupError) {
      if (group.length === 1) outcomes.set(group[0], { error: groupError });
      else {
        logger.warn("webhook: a group insert failed, storing its deliveries one by one", {
          size: group.length,
          error: String(groupError),
        });
        for (const w of group) {
          try {
            outcomes.set(w, { inserted: (await this.insertRows([w.row])).has(deliveryKey(w.row)) });
          } catch (error) {
            outcomes.set(w, { error });
          }
        }
      }
    }
    const dirtyShops = [...new Set(group.filter((w) => storedByThisCall(outcomes.get(w))).map((w) => w.row.shop))];
    try {
      if (dirtyShops.length > 0) await this.markShopsDirty(dirtyShops);
    } catch (error) {
      // The rows are committed: the inbox sweep re-marks any shop with pending deliveries, so this is not a loss.
      logger.warn("webhook: marking inboxes dirty failed; the sweep will", { error: String(error) });
    }
    for (const w of group) {
      const outcome = outcomes.get(w)!;
      if ("error" in outcome) w.reject(outcome.error);
      else w.resolve(outcome.inserted);
    }
  }
}

const storedByThisCall = (outcome: { inserted: boolean } | { error: unknown } | undefined) =>
  !!outcome && "inserted" in outcome && outcome.inserted;

/**
 * One INSERT … ON CONFLICT DO NOTHING RETURNING for the group. Written as SQL, not `createManyAndReturn`: Prisma
 * compiles a createMany anew for every group (its data is not a parameter of a cached plan), about 0.9 ms of the
 * web thread per group, more than the rest of the insert. Columns and defaults as the schema declares them (id a
 * UUIDv7 like `@default(uuid(7))`, receivedAt this process's clock like `@default(now())`, status PENDING).
 */
async function insertPendingRows(rows: PendingDelivery[]): Promise<Set<string>> {
  const receivedAt = new Date();
  const values = rows.map(
    (r) =>
      Prisma.sql`(${uuidv7()}, ${r.shop}, ${r.topic}, ${r.webhookId}, ${r.eventId}, ${r.dedupeKey}, ${r.apiVersion}, ${r.triggeredAt}, ${receivedAt}, ${JSON.stringify(r.payload)}::jsonb)`,
  );
  const stored = await prisma.$queryRaw<{ shop: string; topic: string; dedupeKey: string }[]>`
    INSERT INTO "WebhookDelivery"
      ("id", "shop", "topic", "webhookId", "eventId", "dedupeKey", "apiVersion", "triggeredAt", "receivedAt", "payload")
    VALUES ${Prisma.join(values)}
    ON CONFLICT DO NOTHING
    RETURNING "shop", "topic", "dedupeKey"`;
  return new Set(stored.map(deliveryKey));
}

/**
 * How long a shop's inbox waits after a delivery before it is processed (WEBHOOK_INBOX_SETTLE_MS). In a burst (a bulk inventory import) the
 * deliveries of those milliseconds are processed in one pass, the newest level of an item winning, instead of a
 * pass (a claim, the shop's reads, a recompute) for every few: the worker's share of the one PGlite backend falls
 * and the acknowledgements wait less. Stock reaches Mirakl in files paced by minutes; this costs it nothing.
 */
const inboxSettleMs = () => appEnv().WEBHOOK_INBOX_SETTLE_MS; // 200 by default; the unit tests' drains use 0

/** Clocks of this process and of workers elsewhere may differ by this much. */
const CLOCK_MARGIN_MS = 50;

/**
 * When this process may skip marking a shop's inbox again. Two cases:
 * - the unit cannot be claimed before `until` (shortly before its due time): the pass that runs then reads every
 *   row stored meanwhile, so another mark adds nothing but a statement per group;
 * - the unit is due or running (a pass longer than the settle time, common in a burst): a mark per group would only
 *   bump its version again. One mark per settle window is made instead, the window's deliveries covered by a
 *   trailing mark at its end (`trailing`), made after their rows were committed, so the pass after reads them.
 * A mark made elsewhere that pulls the unit earlier (a Retry, the sweep), a pass cut short, or a process stopped
 * before its trailing mark can let a row wait: the inbox sweep re-marks shops with pending rows every minute, so
 * that row waits, and is not lost.
 */
interface MarkWindow {
  until: number;
  needsTrailingMark: boolean;
  trailing?: NodeJS.Timeout;
}
const markWindows = new Map<string, MarkWindow>();

async function markInboxesDirty(shops: string[]) {
  const settleMs = inboxSettleMs();
  for (const shop of shops) await markInbox(shop, settleMs);
  pokeEmbeddedWorker(settleMs);
}

async function markInbox(shop: string, settleMs: number) {
  const now = Date.now();
  const window = markWindows.get(shop);
  if (window && window.until > now) {
    if (window.needsTrailingMark)
      window.trailing ??= setTimeout(() => void markAtWindowEnd(shop), window.until - now).unref();
    return;
  }
  // Level-triggered: a mark while the unit is due keeps the earlier due time, so a steady burst cannot push it back.
  const due = (await workUnits.webhookInbox.markDirty(shop, new Date(now + settleMs))).getTime() - CLOCK_MARGIN_MS;
  if (due > now) markWindows.set(shop, { until: due, needsTrailingMark: false });
  else if (settleMs > 0) markWindows.set(shop, { until: now + settleMs, needsTrailingMark: true });
  else markWindows.delete(shop);
  if (markWindows.size > 1_000) {
    for (const [other, w] of markWindows) if (w.until <= now && !w.trailing) markWindows.delete(other);
  }
}

async function markAtWindowEnd(shop: string) {
  markWindows.delete(shop);
  const settleMs = inboxSettleMs();
  try {
    await markInbox(shop, settleMs);
    pokeEmbeddedWorker(settleMs);
  } catch (error) {
    // The rows are committed: the inbox sweep re-marks any shop with pending deliveries, so this is not a loss.
    logger.warn("webhook: marking an inbox dirty failed; the sweep will", { shop, error: String(error) });
  }
}

/** One per process: every webhook route shares it. */
export const deliveryGroupCommit = new DeliveryGroupCommit();
