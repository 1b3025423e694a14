import { beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import type { MiraklClient } from "~/integrations/mirakl";
import { createConnection } from "~/connections/connections.server";
import { applyLevels, upsertVariants, type VariantFacts } from "~/sync/catalog/mirror.server";
import { loadDirtyVariants, runStockRecompute, stockRecomputeTask } from "~/sync/stock/recompute.server";
import { stockChannel } from "~/sync/stock/push.server";
import { workUnits } from "~/worker/registry.server";
import { Worker } from "~/worker/worker.server";
import { postgresSkipReason, postgresUrl, suiteOnDatabase } from "../../helpers/postgres";

/**
 * Two recomputes of one shop at once (the shop's recompute unit, and a stock push recomputing the few dirty
 * variants itself right before its file) must never leave a stale quantity behind: one reads, a webhook moves
 * the variant, the other writes the new value, the first then writes its old one. The interleaving is made
 * deterministic by pausing the first recompute right before it writes (the desired-stock write is wrapped).
 */

const writeGate = vi.hoisted(() => ({
  /** When set, the next desired-stock write announces itself and waits for `release`. */
  next: null as null | { reached: () => void; release: Promise<void> },
}));

vi.mock("~/sync/stock/desired.server", async (importOriginal) => {
  const original = await importOriginal<typeof import("~/sync/stock/desired.server")>();
  return {
    ...original,
    setDesiredStock: async (...args: Parameters<typeof original.setDesiredStock>) => {
      const pause = writeGate.next;
      writeGate.next = null;
      if (pause) {
        pause.reached();
        await pause.release;
      }
      return original.setDesiredStock(...args);
    },
  };
});

/** Pauses the next desired-stock write: `reached` resolves once a recompute is held there, `release()` lets it go. */
function pauseNextWrite() {
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  const releasePromise = new Promise<void>((resolve) => (release = resolve));
  writeGate.next = { reached, release: releasePromise };
  return { reached: reachedPromise, release };
}

if (!postgresUrl) console.warn(`[recompute-race.test] ${postgresSkipReason}`);

const WAREHOUSE = "gid://shopify/Location/9301";

function recomputeRaceSuite(database: "pglite" | "postgres") {
  let shop: string;
  let testCount = 0;
  let connection: { id: string; shop: string };
  let tent: VariantFacts;

  const setAvailable = async (available: number) => {
    await applyLevels(shop, [
      { inventoryItemId: tent.inventoryItemId, locationId: WAREHOUSE, available, observedAt: new Date() },
    ]);
    await workUnits.stockRecompute.markDirty(shop); // as the inventory_levels/update consumer does
  };
  const desiredQuantity = async () =>
    (
      await prisma.offerStock.findUniqueOrThrow({
        where: {
          connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku: "TENT", warehouseCode: "" },
        },
      })
    ).desiredQuantity;
  /** The push's step right before a file: orders were just read, so it recomputes the dirty variants itself. */
  const pushBeforeFile = (now = new Date()) =>
    stockChannel({
      readOrders: async () => ({ polled: true, polledAt: now, nextDueAt: new Date(now.getTime() + 60_000) }),
    }).beforePrepare!(connection, {} as MiraklClient, now);
  /** Runs the recompute unit through the worker until nothing of it is due. */
  const drainRecompute = async (worker: Worker) => {
    for (let i = 0; i < 10 && (await worker.runOnce()); i++);
  };

  suiteOnDatabase(database, "mb_recompute_race");

  beforeEach(async () => {
    shop = `recompute-race-${database}-${++testCount}.myshopify.com`;
    await prisma.workUnit.deleteMany({ where: { kind: workUnits.stockRecompute.kind } });
    connection = await createConnection(shop, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k1",
      settings: {
        stock: { locationIds: [WAREHOUSE], velocityProtection: { enabled: false } },
        stockConfiguredAt: "2026-01-01T00:00:00.000Z",
      },
    }).then((c) => ({ id: c.id, shop }));
    tent = {
      variantId: `gid://shopify/ProductVariant/9301${testCount}`,
      productId: `gid://shopify/Product/9301${testCount}`,
      sku: "TENT",
      barcode: null,
      title: "Tent",
      productStatus: "ACTIVE",
      tracked: true,
      inventoryItemId: `gid://shopify/InventoryItem/9301${testCount}`,
      price: "99.00",
      compareAtPrice: null,
    };
    await upsertVariants(shop, [tent], new Date());
    await setAvailable(10);
    await runStockRecompute(shop, { shopify: null });
    expect(await desiredQuantity()).toBe(10);
  });

  it("the recompute unit paused before its write, a webhook, then the push's own recompute: the current quantity wins", async () => {
    const worker = new Worker({ handlers: [stockRecomputeTask], id: "race-worker" });
    await setAvailable(7);

    // The unit reads 7 and stops right before writing it.
    const paused = pauseNextWrite();
    const unitRun = worker.runOnce();
    await paused.reached;

    // A sale: Shopify now has 4. The stock push's own recompute runs before its file.
    await setAvailable(4);
    const step = await pushBeforeFile();
    expect(step.reread).toBe(false); // nothing computed by the push: its file waits for the unit
    expect(step.notBefore).toBeDefined();

    // The paused unit writes what it read.
    paused.release();
    expect(await unitRun).toBe(true);
    await drainRecompute(worker);

    expect(await loadDirtyVariants(shop)).toEqual([]);
    expect(await desiredQuantity()).toBe(4);
  });

  it("the push's recompute paused before its write, a webhook, then the recompute unit: the current quantity wins", async () => {
    const worker = new Worker({ handlers: [stockRecomputeTask], id: "race-worker" });
    await setAvailable(7);

    const paused = pauseNextWrite();
    const pushStep = pushBeforeFile();
    await paused.reached;

    await setAvailable(4);
    await drainRecompute(worker);

    paused.release();
    await pushStep;
    await drainRecompute(worker);

    expect(await loadDirtyVariants(shop)).toEqual([]);
    expect(await desiredQuantity()).toBe(4);
  });
}

describe("two recomputes of one shop at once (PGlite)", () => recomputeRaceSuite("pglite"));
describe.skipIf(!postgresUrl)("two recomputes of one shop at once (PostgreSQL)", () => recomputeRaceSuite("postgres"));
