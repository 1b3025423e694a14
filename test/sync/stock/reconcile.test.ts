import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection } from "~/connections/connections.server";
import {
  FULL_EXPORT_INTERVAL_MS,
  reconcileStep,
  requestManualReconcile,
  requestReconcile,
} from "~/sync/stock/reconcile.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

let sim: RunningMiraklSimulator;
const shop = "reconciler.myshopify.com";
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());

async function settledOffer(offerSku: string, quantity: number) {
  await prisma.offerStock.create({
    data: {
      shop,
      connectionId: connection.id,
      offerSku,
      desiredQuantity: quantity,
      desiredVersion: 3,
      pushedVersion: 3,
      pushedQuantity: quantity,
    },
  });
}

/** Runs the connection's reconcile to the end, moving the simulator's clock to each next step. */
async function runToEnd() {
  for (let step = 0; step < 50; step++) {
    const { nextDueAt } = await reconcileStep(connection, mirakl, simNow());
    if (!nextDueAt) return;
    const run = await prisma.reconcileRun.findFirstOrThrow({
      where: { connectionId: connection.id },
      orderBy: { startedAt: "desc" },
    });
    if (run.phase === "catalog") {
      // What the catalogue refresh task does once Shopify's bulk export is ingested.
      await prisma.shop.update({ where: { shop }, data: { catalogRefreshedAt: simNow() } });
    }
    const wait = nextDueAt.getTime() - simNow().getTime();
    if (wait > 0) sim.control.advanceClock(wait);
  }
  throw new Error("reconcile did not finish");
}

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  connection = await createConnection(shop, { name: "Carrefour", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  mirakl = simulatorClient(sim, connection.id);
  for (const sku of ["S2000", "S2001", "S2002"])
    await sim.control.addOffer(2001, { shop_sku: sku, quantity: 4, price: 10 });
  await settledOffer("S2000", 4); // in line
  await settledOffer("S2001", 9); // Mirakl says 4: drift
  await settledOffer("LOCAL-ONLY", 2); // no offer on Mirakl
  // Sold out: Mirakl keeps the offer but makes it inactive, and leaves it out of exports unless asked.
  await sim.control.addOffer(2001, { shop_sku: "SOLD-OUT", quantity: 0, price: 10 });
  await settledOffer("SOLD-OUT", 0);
  // S2002 exists on Mirakl with no Shopify variant behind it.
});
afterAll(async () => sim?.close());

describe("drift reconciliation", () => {
  it("finds and heals injected drift, records the run, and reports both directions of mismatch", async () => {
    const run = await requestReconcile(connection, "MANUAL", simNow());
    expect(await requestReconcile(connection, "MANUAL", simNow())).toMatchObject({ id: run.id }); // one at a time
    await runToEnd();

    const finished = await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(finished).toMatchObject({ phase: "done", progress: 1, drifts: 1, skusCompared: 4, error: null });
    expect(finished.durationMs).toBeGreaterThan(0);

    const drifted = await prisma.offerStock.findFirstOrThrow({
      where: { connectionId: connection.id, offerSku: "S2001" },
    });
    expect(drifted.miraklQuantity).toBe(4);
    // What a customer pays on the marketplace, for the order acceptance's price check.
    expect(drifted.miraklPrice).toBe("10");
    expect(drifted.desiredVersion).toBeGreaterThan(drifted.pushedVersion); // queued for the next push
    const inLine = await prisma.offerStock.findFirstOrThrow({
      where: { connectionId: connection.id, offerSku: "S2000" },
    });
    expect(inLine.desiredVersion).toBe(inLine.pushedVersion);

    const kinds = await prisma.syncException.findMany({
      where: { shop, status: "OPEN" },
      select: { kind: true, detail: true },
    });
    const missing = kinds.find((k) => k.kind === "SKU_NOT_ON_MARKETPLACE");
    const orphans = kinds.find((k) => k.kind === "OFFER_WITHOUT_VARIANT");
    expect((missing?.detail as any)?.firstSkus).toEqual(["LOCAL-ONLY"]); // not SOLD-OUT: its inactive offer was compared
    const soldOut = await prisma.offerStock.findFirstOrThrow({
      where: { connectionId: connection.id, offerSku: "SOLD-OUT" },
    });
    expect(soldOut.miraklQuantity).toBe(0);
    expect((orphans?.detail as any)?.firstSkus).toEqual(["S2002"]);
    const push = await prisma.workUnit.findUniqueOrThrow({ where: { key: `stock-push:${connection.id}` } });
    expect(push.dueAt.getTime()).toBeLessThanOrEqual(simNow().getTime());
  });

  it("a delta run after it only asks Mirakl for offers changed since, and finds nothing to heal", async () => {
    sim.control.advanceClock(120_000);
    await prisma.offerStock.updateMany({
      where: { connectionId: connection.id, offerSku: "S2001" },
      data: { desiredQuantity: 4, pushedVersion: 99, desiredVersion: 99 },
    });
    const run = await requestReconcile(connection, "DELTA", simNow());
    expect(run.kind).toBe("DELTA");
    expect(run.phase).toBe("mirakl-export");
    await runToEnd();
    const finished = await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(finished).toMatchObject({ phase: "done", drifts: 0 });
    const exported = sim.control.calls("OF52").at(-1);
    expect(JSON.parse(exported!.body ?? "{}").last_request_date).toBeTruthy();
  });

  it("two runs opened by racing requests: the newest goes on, the other is closed, the scheduler is not stuck", async () => {
    const older = await prisma.reconcileRun.create({
      data: {
        shop,
        connectionId: connection.id,
        kind: "MANUAL",
        startedAt: simNow(),
        phase: "mirakl-export",
        state: {},
      },
    });
    sim.control.advanceClock(1_000);
    const newer = await prisma.reconcileRun.create({
      data: {
        shop,
        connectionId: connection.id,
        kind: "MANUAL",
        startedAt: simNow(),
        phase: "mirakl-export",
        state: {},
      },
    });
    await runToEnd();
    expect(await prisma.reconcileRun.findUniqueOrThrow({ where: { id: older.id } })).toMatchObject({
      phase: "failed",
      error: "superseded by a newer reconciliation",
    });
    expect(await prisma.reconcileRun.findUniqueOrThrow({ where: { id: newer.id } })).toMatchObject({
      phase: "done",
      error: null,
    });
    expect(await prisma.reconcileRun.count({ where: { connectionId: connection.id, finishedAt: null } })).toBe(0);
  });

  it("Reconcile now asks for a delta within a day of the last full export (OF52 allows one full a day), a full one after", async () => {
    // The suite's first test ran a full export (FULL, finished without error) at the simulator's start time.
    const manual = await requestManualReconcile(shop, connection.id, simNow());
    expect(manual).toMatchObject({ kind: "DELTA", phase: "mirakl-export" });
    await runToEnd();
    sim.control.advanceClock(FULL_EXPORT_INTERVAL_MS);
    const later = await requestManualReconcile(shop, connection.id, simNow());
    expect(later).toMatchObject({ kind: "MANUAL", phase: "catalog" });
    await runToEnd();
    expect(await requestManualReconcile("another-shop.myshopify.com", connection.id, simNow())).toBeNull();
  });
});
