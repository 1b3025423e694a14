import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { pushStock, stockChannel, STOCK_IMPORT_INTERVAL_MS, STOCK_STATUS_POLL_MS } from "~/sync/stock/push.server";
import { stockFlowDeps } from "~/sync/index.server";
import { createConnection } from "~/connections/connections.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

let sim: RunningMiraklSimulator;
const shop = "pusher.myshopify.com";
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;

const simNow = () => new Date(sim.control.now());
const advance = (ms: number) => sim.control.advanceClock(ms);
const stockImports = () => sim.control.calls("STO01");

async function setDesired(offerSku: string, quantity: number) {
  const existing = await prisma.offerStock.findUnique({
    where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
  });
  if (existing && existing.desiredQuantity === quantity) return;
  await prisma.offerStock.upsert({
    where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
    create: {
      shop,
      connectionId: connection.id,
      offerSku,
      desiredQuantity: quantity,
      desiredVersion: 1,
      desiredAt: simNow(),
    },
    update: { desiredQuantity: quantity, desiredVersion: { increment: 1 }, desiredAt: simNow() },
  });
}
const row = (offerSku: string) =>
  prisma.offerStock.findUniqueOrThrow({
    where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
  });

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  connection = await createConnection(shop, {
    name: "Decathlon",
    baseUrl: sim.url,
    apiKey: sim.keys.single,
    settings: { stockConfiguredAt: "2026-01-01T00:00:00.000Z" },
  }).then((c) => ({ id: c.id, shop }));
  // The simulator enforces Mirakl's call limits on its own clock; the pusher must never earn a 429.
  mirakl = simulatorClient(sim, connection.id);
});
afterAll(async () => sim?.close());
beforeEach(() => sim.control.clearCalls());

describe("stock push", () => {
  it("never cuts an offer's warehouse lines across two files", async () => {
    const other = await createConnection(shop, {
      name: "Leroy Merlin",
      baseUrl: sim.url,
      apiKey: sim.keys.single,
      settings: { stockConfiguredAt: "2026-01-01T00:00:00.000Z" },
    });
    const t = simNow().getTime();
    // Changed in this order: A@W1, B@W1, A@W2, B@W2. The three oldest lines would cut offer B in two.
    for (const [i, [offerSku, warehouseCode]] of [
      ["A", "W1"],
      ["B", "W1"],
      ["A", "W2"],
      ["B", "W2"],
    ].entries()) {
      await prisma.offerStock.create({
        data: {
          shop,
          connectionId: other.id,
          offerSku,
          warehouseCode,
          desiredQuantity: i,
          desiredVersion: 1,
          desiredAt: new Date(t + i * 1000),
        },
      });
    }
    const lines = await stockChannel(stockFlowDeps).dirtyLines({ id: other.id, shop }, 3, simNow());
    expect(lines.map((l) => `${l.offerSku}@${l.warehouseCode}`)).toEqual(["A@W1", "A@W2"]);
    const all = await stockChannel(stockFlowDeps).dirtyLines({ id: other.id, shop }, 4, simNow());
    expect(all.map((l) => `${l.offerSku}@${l.warehouseCode}=${l.quantity} v${l.version}`)).toEqual([
      "A@W1=0 v1",
      "A@W2=2 v1",
      "B@W1=1 v1",
      "B@W2=3 v1",
    ]);
  });

  it("sends every dirty offer in one import, follows it to completion and marks the rows clean", async () => {
    await setDesired("S2000", 7);
    await setDesired("S2001", 3);
    const first = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(stockImports()).toHaveLength(1);
    expect(first.nextDueAt!.getTime() - simNow().getTime()).toBe(STOCK_STATUS_POLL_MS);

    advance(STOCK_STATUS_POLL_MS); // the simulator completes imports after 10 s
    const settled = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(settled.nextDueAt).toBeNull(); // nothing left to do
    expect(sim.control.offer("S2000")?.quantity).toBe(7);
    expect(sim.control.offer("S2001")?.quantity).toBe(3);
    expect(await row("S2000")).toMatchObject({ pushedQuantity: 7, lastPushError: null });
    expect((await row("S2000")).pushedVersion).toBe((await row("S2000")).desiredVersion);
    expect(stockImports()).toHaveLength(1);
  });

  it("pushes at most once a minute however many changes, and a change made during an import is pushed next, never lost", async () => {
    advance(STOCK_IMPORT_INTERVAL_MS);
    await setDesired("S2000", 6);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps); // import #1 carries 6
    expect(stockImports()).toHaveLength(1);

    // Sales keep happening while Mirakl processes the file.
    for (const q of [5, 4, 3]) {
      advance(1000);
      await setDesired("S2000", q);
      await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    }
    advance(STOCK_STATUS_POLL_MS);
    const afterFirst = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(stockImports()).toHaveLength(1); // the minute is not over: nothing new sent
    expect(sim.control.offer("S2000")?.quantity).toBe(6);
    const dirty = await row("S2000");
    expect(dirty.pushedQuantity).toBe(6);
    expect(dirty.desiredVersion).toBeGreaterThan(dirty.pushedVersion); // still dirty: 3 is owed
    expect(afterFirst.nextDueAt!.getTime()).toBeGreaterThan(simNow().getTime());

    advance(afterFirst.nextDueAt!.getTime() - simNow().getTime());
    await pushStock(connection, mirakl, simNow(), stockFlowDeps); // import #2 with the latest value only
    expect(stockImports()).toHaveLength(2);
    advance(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.offer("S2000")?.quantity).toBe(3);
    const clean = await row("S2000");
    expect(clean.pushedVersion).toBe(clean.desiredVersion);
    expect(sim.control.calls().filter((c) => c.status === 429)).toHaveLength(0);
  });

  it("does nothing when nothing changed", async () => {
    advance(STOCK_IMPORT_INTERVAL_MS);
    expect((await pushStock(connection, mirakl, simNow(), stockFlowDeps)).nextDueAt).toBeNull();
    expect(stockImports()).toHaveLength(0);
  });

  it("turns error-report lines into exceptions for those offers and does not resend the refused value", async () => {
    advance(STOCK_IMPORT_INTERVAL_MS);
    await setDesired("NOT-ON-MIRAKL", 4);
    await setDesired("S2002", 9);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    advance(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO03")).toHaveLength(1);
    expect(sim.control.offer("S2002")?.quantity).toBe(9);
    const refused = await row("NOT-ON-MIRAKL");
    expect(refused.lastPushError).toBeTruthy();
    expect(refused.pushedQuantity).toBeNull();
    const exception = await prisma.syncException.findFirstOrThrow({
      where: { shop, entityType: "OfferStock", entityId: "NOT-ON-MIRAKL" },
    });
    expect(exception.kind).toBe("STOCK_IMPORT_LINE_REJECTED");
    expect(exception.connectionId).toBe(connection.id);

    advance(STOCK_IMPORT_INTERVAL_MS);
    expect((await pushStock(connection, mirakl, simNow(), stockFlowDeps)).nextDueAt).toBeNull();
    expect(stockImports()).toHaveLength(1);
  });

  it("sends a prepared import found after a crash between sending and recording, rebuilt from the current rows", async () => {
    advance(STOCK_IMPORT_INTERVAL_MS);
    await setDesired("S2001", 11);
    const current = await row("S2001");
    await prisma.stockImport.create({
      data: {
        shop,
        connectionId: connection.id,
        status: "PREPARED",
        lines: [{ offerSku: "S2001", warehouseCode: "", quantity: 11, version: current.desiredVersion }],
        lineCount: 1,
      },
    });
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    advance(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(stockImports()).toHaveLength(1);
    expect(sim.control.offer("S2001")?.quantity).toBe(11);
    expect((await row("S2001")).pushedVersion).toBe(current.desiredVersion);
    expect(
      await prisma.stockImport.count({ where: { connectionId: connection.id, status: { in: ["PREPARED", "SENT"] } } }),
    ).toBe(0);
  });

  it("keeps the rows dirty and reports once when Mirakl is down, then catches up", async () => {
    advance(STOCK_IMPORT_INTERVAL_MS);
    await setDesired("S2002", 1);
    await fetch(`${sim.url}/_sim/faults/script`, {
      method: "POST",
      body: JSON.stringify({ operation: "STO01", status: 503, times: 1 }),
    });
    const failed = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(failed.nextDueAt!.getTime()).toBeGreaterThan(simNow().getTime());
    expect(await prisma.syncException.count({ where: { shop, kind: "MIRAKL_UNREACHABLE", status: "OPEN" } })).toBe(1);
    advance(failed.nextDueAt!.getTime() - simNow().getTime());
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    advance(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.offer("S2002")?.quantity).toBe(1);
  });
});
