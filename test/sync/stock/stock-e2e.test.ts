import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { action as inventoryLevelsUpdateRoute } from "~/routes/webhooks.inventory_levels.update";
import { pushStock, STOCK_STATUS_POLL_MS } from "~/sync/stock/push.server";
import { stockFlowDeps, registerFlows } from "~/sync/index.server";
import { stockRecomputeTask } from "~/sync/stock/recompute.server";
import { inboxTask } from "~/webhooks/inbox.server";
import { Worker } from "~/worker/worker.server";
import { installShop, settle } from "../../helpers/app";
import { ShopifyFake } from "../../shopify-fake";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

const shop = "stock-e2e.myshopify.com";
const fake = new ShopifyFake({ shop });
const location = fake.store.addLocation({ name: "Warehouse" });
// S2000 is an offer every simulator shop starts with (quantity 20).
const {
  variants: [machine],
} = fake.store.addProduct({
  title: "Coffee Machine",
  variants: [{ sku: "S2000", price: "55.00", stock: { [location.id]: { available: 12 } } }],
});
const level = fake.store.levelOf(machine!.inventoryItemId, location.id)!;
const route = (request: Request) => settle(inventoryLevelsUpdateRoute({ request, params: {}, context: {} }));

let sim: RunningMiraklSimulator;
let uninstall: () => void;
let connection: { id: string; shop: string };

beforeAll(async () => {
  await installShop(shop);
  uninstall = fake.install();
  registerFlows();
  sim = await startMiraklSimulator({ port: 0 });
  const created = await createConnection(shop, {
    name: "Mirakl",
    baseUrl: sim.url,
    apiKey: sim.keys.single,
    settings: { stock: { locationIds: [location.id], buffer: 2 } },
  });
  connection = { id: created.id, shop };
});
afterAll(async () => {
  uninstall?.();
  await sim?.close();
});

describe("Shopify stock change to Mirakl, end to end", () => {
  it("a signed inventory_levels/update goes through the route, inbox, worker and recompute, and the pusher sends the new quantity", async () => {
    expect(sim.control.offer("S2000")?.quantity).toBe(20);
    fake.store.setQuantity(level, "available", 9);
    const signed = fake.webhooks.sign({
      topic: "inventory_levels/update",
      payload: fake.webhooks.payloads().inventoryLevelUpdate(level),
    });
    expect((await fake.webhooks.deliver(route, signed)).status).toBe(200);

    // The worker processes the delivery (mirror), then the recompute (it reads the unknown item from Shopify).
    const worker = new Worker({ handlers: [inboxTask, stockRecomputeTask], idleDelayMs: 20 }).start();
    try {
      await vi.waitFor(
        async () => {
          const row = await prisma.offerStock.findFirst({ where: { connectionId: connection.id, offerSku: "S2000" } });
          expect(row?.desiredQuantity).toBe(7);
        },
        { timeout: 10_000, interval: 20 },
      );
    } finally {
      await worker.stop();
    }
    expect(
      await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, topic: "inventory_levels/update" } }),
    ).toMatchObject({ status: "PROCESSED" });
    expect(fake.requests.map((r) => r.operationName)).toContain("InventoryItemsWithLevels");
    const row = await prisma.offerStock.findFirstOrThrow({ where: { connectionId: connection.id, offerSku: "S2000" } });
    expect(row.desiredVersion).toBeGreaterThan(row.pushedVersion); // dirty for the pusher
    const pushUnit = await prisma.workUnit.findUniqueOrThrow({ where: { key: `stock-push:${connection.id}` } });
    expect(pushUnit.dueAt.getTime()).toBeLessThanOrEqual(Date.now());

    // The pusher (what the push unit runs), on the simulator's clock.
    const mirakl = simulatorClient(sim, connection.id);
    const simNow = () => new Date(sim.control.now());
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    sim.control.advanceClock(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.offer("S2000")?.quantity).toBe(7); // 9 available − buffer 2
    const pushed = await prisma.offerStock.findFirstOrThrow({
      where: { connectionId: connection.id, offerSku: "S2000" },
    });
    expect(pushed).toMatchObject({ pushedQuantity: 7, pushedVersion: pushed.desiredVersion });
  });
});
