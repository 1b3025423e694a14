import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { Worker } from "~/worker/worker.server";
import { reconcileSchedulerTask } from "~/sync/stock/tasks.server";
import { stockFlowDeps } from "~/sync/index.server";
import { orderTasks } from "~/sync/orders/tasks.server";
import { ORDER_POLL_INTERVAL_MS } from "~/sync/orders/intake.server";
import { workUnits } from "~/worker/registry.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";

/** The order intake as the worker runs it: started by the scheduler for every enabled connection, once a minute. */

let sim: RunningMiraklSimulator;
const shop = "intake-tasks.myshopify.com";
let connectionId = "";
const worker = new Worker({ handlers: orderTasks, id: "reservation-tasks-test" });
const schedule = (now: Date) =>
  reconcileSchedulerTask(stockFlowDeps).run({ key: workUnits.reconcileScheduler.key } as never, {
    signal: new AbortController().signal,
    now: () => now,
  });
const intakeUnit = () => prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.orderIntake.key(connectionId) } });

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 5, price: 20 });
  connectionId = (await createConnection(shop, { name: "Carrefour", baseUrl: sim.url, apiKey: sim.keys.single })).id;
});
afterAll(async () => sim?.close());

describe("order intake in the worker", () => {
  it("the scheduler starts it; it reads the orders through the stored key and comes back in a minute", async () => {
    const order = sim.control.createOrder({
      lines: [{ offer_sku: "TENT", quantity: 2 }],
      state: "WAITING_ACCEPTANCE",
    }).id;
    await schedule(new Date());
    expect(await worker.runOnce()).toBe(true);
    expect(sim.control.calls("OR11")).toHaveLength(1);
    expect(await prisma.marketplaceReservation.findFirst({ where: { shop, miraklOrderId: order } })).toMatchObject({
      quantity: 2,
      releasedAt: null,
    });
    const unit = await intakeUnit();
    expect(unit.lastError).toBeNull();
    expect(unit.dueAt.getTime() - Date.now()).toBeGreaterThan(ORDER_POLL_INTERVAL_MS - 10_000);
    // Scheduling again does not pull a running intake forward.
    await schedule(new Date());
    expect((await intakeUnit()).dueAt).toEqual(unit.dueAt);
  });

  it("a disabled connection's intake goes idle; the scheduler restarts it once the connection is enabled", async () => {
    await updateConnection(shop, connectionId, { enabled: false });
    await prisma.workUnit.update({
      where: { key: workUnits.orderIntake.key(connectionId) },
      data: { dueAt: new Date(0) },
    });
    expect(await worker.runOnce()).toBe(true);
    expect((await intakeUnit()).dueAt.getUTCFullYear()).toBe(9999);
    await schedule(new Date());
    expect((await intakeUnit()).dueAt.getUTCFullYear()).toBe(9999); // disabled: not restarted

    await updateConnection(shop, connectionId, { enabled: true });
    const now = new Date();
    await schedule(now);
    expect((await intakeUnit()).dueAt.getTime()).toBeLessThanOrEqual(now.getTime());
  });
});
