import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { Worker } from "~/worker/worker.server";
import { stockTasks, reconcileSchedulerTask } from "~/sync/stock/tasks.server";
import { stockFlowDeps, registerFlows } from "~/sync/index.server";
import { applyExceptionAction } from "~/exceptions/queue.server";
import { workUnits } from "~/worker/registry.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";

// Each test has its own simulator, shop and connection, and an empty work queue: the worker claims any due
// unit, so one left by another test (a push, a reconcile) would be run instead of the test's own.
let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
let connectionId = "";
const worker = new Worker({ handlers: stockTasks(stockFlowDeps), id: "stock-tasks-test" });

beforeAll(async () => {
  registerFlows(); // Retry goes through the handlers the flows register
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `tasks-${++testCount}.myshopify.com`;
  await prisma.workUnit.deleteMany();
  sim = await startMiraklSimulator({ port: 0, rateLimits: "off" });
  connectionId = (
    await createConnection(shop, {
      name: "Best Buy CA",
      baseUrl: sim.url,
      apiKey: sim.keys.single,
      settings: { stockConfiguredAt: "2026-01-01T00:00:00.000Z" },
    })
  ).id;
});
afterEach(async () => sim?.close());

describe("stock tasks in the worker", () => {
  it("a dirty push unit sends the connection's stock through its stored, decrypted key", async () => {
    await prisma.offerStock.create({
      data: { shop, connectionId, offerSku: "S2000", desiredQuantity: 12, desiredVersion: 1 },
    });
    await workUnits.stockPush.markDirty(connectionId, shop);
    expect(await worker.runOnce()).toBe(true);
    const call = sim.control.calls("STO01")[0];
    expect(call.status).toBe(201);
    const unit = await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.stockPush.key(connectionId) } });
    expect(unit.lastError).toBeNull();
    expect(unit.dueAt.getTime()).toBeGreaterThan(Date.now()); // following the import, not spinning
  });

  it("a disabled connection's units go idle instead of failing", async () => {
    await updateConnection(shop, connectionId, { enabled: false });
    await workUnits.stockPush.markDirty(connectionId, shop);
    await prisma.workUnit.update({
      where: { key: workUnits.stockPush.key(connectionId) },
      data: { dueAt: new Date(0) },
    });
    expect(await worker.runOnce()).toBe(true);
    const unit = await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.stockPush.key(connectionId) } });
    expect(unit.lastError).toBeNull();
    expect(unit.dueAt.getUTCFullYear()).toBe(9999);
    await updateConnection(shop, connectionId, { enabled: true });
  });

  it("the scheduler starts a full reconcile for a connection that never had one, and not twice", async () => {
    await reconcileSchedulerTask(stockFlowDeps).run({ key: workUnits.reconcileScheduler.key } as never, {
      signal: new AbortController().signal,
      now: () => new Date(),
    });
    await reconcileSchedulerTask(stockFlowDeps).run({ key: workUnits.reconcileScheduler.key } as never, {
      signal: new AbortController().signal,
      now: () => new Date(),
    });
    const runs = await prisma.reconcileRun.findMany({ where: { connectionId } });
    expect(runs).toHaveLength(1);
    expect(runs[0].kind).toBe("FULL");
  });

  it("Retry on a refused offer re-marks it and its connection's push", async () => {
    await prisma.offerStock.create({
      data: {
        shop,
        connectionId,
        offerSku: "GONE",
        desiredQuantity: 3,
        desiredVersion: 2,
        pushedVersion: 2,
        lastPushError: "Unknown offer",
      },
    });
    const exception = await prisma.syncException.create({
      data: {
        shop,
        connectionId,
        kind: "STOCK_IMPORT_LINE_REJECTED",
        severity: "WARNING",
        entityType: "OfferStock",
        entityId: "GONE",
        fingerprint: "f-gone",
        message: "m",
        fixHint: "h",
      },
    });
    await workUnits.stockPush.markDirty(connectionId, shop);
    await prisma.workUnit.update({
      where: { key: workUnits.stockPush.key(connectionId) },
      data: { dueAt: new Date("9999-12-31") },
    });
    expect(await applyExceptionAction(shop, { intent: "retry", ids: [exception.id] })).toMatchObject({ affected: 1 });
    const row = await prisma.offerStock.findFirstOrThrow({ where: { connectionId, offerSku: "GONE" } });
    expect(row.desiredVersion).toBe(3);
    expect(row.lastPushError).toBeNull();
    const unit = await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.stockPush.key(connectionId) } });
    expect(unit.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("Retry on a refused price resends that connection's price only; the same SKU elsewhere is left alone", async () => {
    const other = await createConnection(shop, { name: "Carrefour", baseUrl: sim.url, apiKey: sim.keys.single });
    const refusedPrice = {
      offerSku: "PRICEY",
      variantId: "gid://shopify/ProductVariant/1",
      desiredQuantity: 3,
      desiredVersion: 2,
      pushedVersion: 2,
      desiredPrice: "9.99",
      pushedPrice: "9.99",
      lastPriceError: "below the minimum",
    };
    await prisma.offerStock.create({ data: { shop, connectionId, ...refusedPrice } });
    await prisma.offerStock.create({ data: { shop, connectionId: other.id, ...refusedPrice } });
    const exception = await prisma.syncException.create({
      data: {
        shop,
        connectionId,
        kind: "PRICE_IMPORT_LINE_REJECTED",
        severity: "WARNING",
        entityType: "OfferStock",
        entityId: "PRICEY",
        fingerprint: "f-pricey",
        message: "m",
        fixHint: "h",
      },
    });
    expect(await applyExceptionAction(shop, { intent: "retry", ids: [exception.id] })).toMatchObject({ affected: 1 });
    const retried = await prisma.offerStock.findFirstOrThrow({ where: { connectionId, offerSku: "PRICEY" } });
    expect(retried).toMatchObject({ pushedPrice: null, lastPriceError: null, desiredVersion: 2 }); // stock untouched
    expect(
      await prisma.offerStock.findFirstOrThrow({ where: { connectionId: other.id, offerSku: "PRICEY" } }),
    ).toMatchObject({ pushedPrice: "9.99", lastPriceError: "below the minimum" });
    expect(
      (
        await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.pricePush.key(connectionId) } })
      ).dueAt.getTime(),
    ).toBeLessThanOrEqual(Date.now());
  });
});
