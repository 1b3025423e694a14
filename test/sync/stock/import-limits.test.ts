import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { priceRuleSchema } from "~/domain/price-rule";
import type { MiraklClient } from "~/integrations/mirakl";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { pushStock, STOCK_IMPORT_INTERVAL_MS } from "~/sync/stock/push.server";
import { pushPrices } from "~/sync/stock/prices.server";
import { stockFlowDeps } from "~/sync/index.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/*
 * A stuck or broken import must not stop every later file of the connection: an import Mirakl never finishes is
 * given up after the connection's age limit, an error report that cannot be had is asked for a bounded number of
 * times, each with an exception that says what happened, and the next file goes out. A file prepared before an
 * outage is rebuilt from the current rows, after a fresh order read, never resent as it was.
 */

let sim: RunningMiraklSimulator;
let shop: string;
let simShop = 3100;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let miraklShop: number;
let miraklKey: string;

const simNow = () => new Date(sim.control.now());
const advance = (ms: number) => sim.control.advanceClock(ms);
const MINUTE = 60_000;

const row = (offerSku: string) =>
  prisma.offerStock.findUniqueOrThrow({
    where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
  });
async function setDesired(offerSku: string, quantity: number) {
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
/** Calls with this test's key only (every test has its own). */
const calls = (operation: string) => sim.control.calls(operation).filter((call) => call.key === miraklKey);
const sentQuantities = (call: { body: string }) =>
  Object.fromEntries([...call.body.matchAll(/^([A-Z0-9-]+);(\d+);/gm)].map((m) => [m[1], Number(m[2])]));
const openExceptions = (kind: "STOCK_IMPORT_FAILED") =>
  prisma.syncException.findMany({ where: { shop, connectionId: connection.id, kind, status: "OPEN" } });

/**
 * Runs the stock unit as the worker would, waking at each answer's `nextDueAt`, for `ms` of virtual time.
 * `step` is the unit's work (the stock push by default).
 */
async function runFor(ms: number, step: (now: Date) => Promise<{ nextDueAt: Date | null }> = stockStep) {
  const end = simNow().getTime() + ms;
  for (let pass = 0; pass < 400 && simNow().getTime() < end; pass++) {
    const { nextDueAt } = await step(simNow());
    const wake = Math.min(nextDueAt?.getTime() ?? end, end);
    advance(Math.max(wake - simNow().getTime(), 1_000));
  }
}
const stockStep = (now: Date) => pushStock(connection, mirakl, now, stockFlowDeps);

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 }); // Mirakl's published call limits: no flow here may earn a 429
});
afterAll(async () => sim?.close());

// Each test: its own Mirakl shop and key (own rate-limit buckets, own offers S2000-S2002), Shopify shop and connection.
beforeEach(async () => {
  miraklShop = ++simShop;
  shop = `import-limits-${miraklShop}.myshopify.com`;
  miraklKey = `sim-key-${miraklShop}`;
  sim.control.addShop({ id: miraklShop, keys: [miraklKey] });
  connection = await createConnection(shop, {
    name: `Marketplace ${miraklShop}`,
    baseUrl: sim.url,
    apiKey: miraklKey,
    settings: { stockConfiguredAt: "2026-01-01T00:00:00.000Z" },
  }).then((c) => ({ id: c.id, shop }));
  mirakl = simulatorClient(sim, connection.id, miraklKey);
  sim.control.clearFaults();
});

describe("an import that never finishes", () => {
  it("is given up after 30 minutes with an exception, and the next file carries the current values", async () => {
    await setDesired("S2000", 7);
    sim.control.scriptImportOutcome({ operation: "STO01", outcome: "hang-waiting" });
    await runFor(29 * MINUTE);
    expect(calls("STO01")).toHaveLength(1); // still waited for
    expect(await openExceptions("STOCK_IMPORT_FAILED")).toHaveLength(0);

    await setDesired("S2000", 5); // a sale meanwhile
    await runFor(MINUTE + 1_000);
    const [stuck] = await openExceptions("STOCK_IMPORT_FAILED");
    expect(stuck.message).toMatch(/not finished stock import .* after 30 minutes \(still WAITING\)/);
    expect(stuck.fixHint).toMatch(/Mirakl back office/);
    const closed = await prisma.stockImport.findFirstOrThrow({
      where: { connectionId: connection.id, miraklImportId: sim.control.imports(miraklShop)[0].import_id },
    });
    expect(closed.status).toBe("FAILED");
    expect(calls("STO01")).toHaveLength(2);
    expect(sentQuantities(calls("STO01")[1])).toEqual({ S2000: 5 });
    await runFor(MINUTE);
    expect(sim.control.offer("S2000", miraklShop)!.quantity).toBe(5);
    expect((await row("S2000")).pushedQuantity).toBe(5);
    // Imports finish again: the exception about the stuck one closes itself.
    expect(await openExceptions("STOCK_IMPORT_FAILED")).toHaveLength(0);
    expect(sim.control.calls().filter((call) => call.status === 429)).toHaveLength(0);
  });

  it("waits as long as the connection's own limit says", async () => {
    await mergeConnectionSettings(shop, connection.id, { importAgeLimitMinutes: 10 });
    await setDesired("S2001", 3);
    sim.control.scriptImportOutcome({ operation: "STO01", outcome: "hang-running" });
    await runFor(9 * MINUTE);
    expect(calls("STO01")).toHaveLength(1);
    await runFor(2 * MINUTE);
    expect((await openExceptions("STOCK_IMPORT_FAILED"))[0].message).toMatch(/after 10 minutes \(still RUNNING\)/);
    expect(calls("STO01")).toHaveLength(2);
  });

  it("a price import too; the same file again is not waited for again, and a changed one goes through", async () => {
    await mergeConnectionSettings(shop, connection.id, { prices: priceRuleSchema.parse({ enabled: true }) });
    const variantId = `gid://shopify/ProductVariant/${miraklShop}`;
    await prisma.shopifyVariant.create({
      data: {
        variantId,
        shop,
        productId: `gid://shopify/Product/${miraklShop}`,
        sku: "S2000",
        productStatus: "ACTIVE",
        tracked: true,
        inventoryItemId: `gid://shopify/InventoryItem/${miraklShop}`,
        price: "30.00",
      },
    });
    await prisma.offerStock.create({
      data: { shop, connectionId: connection.id, offerSku: "S2000", variantId, desiredQuantity: 1, desiredVersion: 0 },
    });
    sim.control.scriptImportOutcome({ operation: "PRI01", outcome: "hang-waiting" });
    const priceStep = (now: Date) => pushPrices(connection, mirakl, now);
    await runFor(31 * MINUTE, priceStep);
    expect((await openExceptions("STOCK_IMPORT_FAILED"))[0].message).toMatch(
      /not finished price import .* \(1 line\) after 30 minutes/,
    );
    // The same file again: Mirakl answers with the import it has not finished; it is not followed a second time.
    const [stuck] = sim.control.imports(miraklShop);
    expect(calls("PRI01")).toHaveLength(2);
    expect(sim.control.imports(miraklShop)).toHaveLength(1);
    expect(
      await prisma.stockImport.findMany({ where: { connectionId: connection.id }, orderBy: { createdAt: "asc" } }),
    ).toEqual([
      expect.objectContaining({ miraklImportId: stuck.import_id, status: "FAILED" }),
      expect.objectContaining({ miraklImportId: stuck.import_id, status: "FAILED" }),
    ]);

    await prisma.shopifyVariant.update({ where: { variantId }, data: { price: "32.00" } });
    await runFor(3 * MINUTE, priceStep);
    expect(sim.control.offer("S2000", miraklShop)!.price).toBe(32);
    expect(await openExceptions("STOCK_IMPORT_FAILED")).toHaveLength(0);
    expect(sim.control.calls().filter((call) => call.status === 429)).toHaveLength(0);
  });
});

describe("an error report that cannot be had", () => {
  for (const outcome of ["report-missing", "report-unparsable"] as const) {
    it(`${outcome}: asked for three times, then an exception, the lines recorded and the next file sent`, async () => {
      await setDesired("S2000", 4);
      await setDesired("NOT-ON-MIRAKL", 2);
      sim.control.scriptImportOutcome({ operation: "STO01", outcome });
      await runFor(10 * MINUTE);
      expect(calls("STO03")).toHaveLength(3);
      const [lost] = await openExceptions("STOCK_IMPORT_FAILED");
      expect(lost.message).toMatch(/rejected 1 of the 2 lines of stock import .* its error report could not be read/);
      expect(lost.fixHint).toMatch(/reconciliation/);
      expect(sim.control.offer("S2000", miraklShop)!.quantity).toBe(4);
      expect(await row("S2000")).toMatchObject({ pushedQuantity: 4 });
      const settled = await prisma.stockImport.findFirstOrThrow({ where: { connectionId: connection.id } });
      expect(settled).toMatchObject({ status: "COMPLETE", errorLines: 1 });

      // The next change goes out at once.
      await setDesired("S2001", 8);
      await runFor(2 * MINUTE);
      expect(calls("STO01")).toHaveLength(2);
      expect(sim.control.offer("S2001", miraklShop)!.quantity).toBe(8);
      expect(sim.control.calls().filter((call) => call.status === 429)).toHaveLength(0);
    });
  }

  it("a report that comes back on the second try is used as usual", async () => {
    await setDesired("S2000", 4);
    await setDesired("NOT-ON-MIRAKL", 2);
    sim.control.scriptImportOutcome({ operation: "STO01", outcome: "report-missing" });
    await runFor(45_000); // sent, completed, first report attempt failed
    expect(calls("STO03")).toHaveLength(1);
    sim.control.setImportOutcome(sim.control.imports(miraklShop)[0].import_id, "complete", miraklShop);
    await runFor(2 * MINUTE);
    expect(calls("STO03")).toHaveLength(2);
    expect((await row("NOT-ON-MIRAKL")).lastPushError).toMatch(/does not exist/);
    expect(await openExceptions("STOCK_IMPORT_FAILED")).toHaveLength(0);
  });
});

describe("a file prepared before an outage", () => {
  it("is rebuilt from the current rows after a fresh order read, never resent as it was", async () => {
    await setDesired("S2002", 9);
    sim.control.scriptFault({ operation: "STO01", status: 503, times: 1 });
    const failed = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(calls("STO01")).toEqual([expect.objectContaining({ status: 503 })]);
    expect(sentQuantities(calls("STO01")[0])).toEqual({ S2002: 9 });
    const prepared = await prisma.stockImport.findFirstOrThrow({ where: { connectionId: connection.id } });
    expect(prepared.status).toBe("PREPARED");

    // The outage lasts; meanwhile sales move the rows on.
    advance(STOCK_IMPORT_INTERVAL_MS * 3);
    await setDesired("S2002", 7);
    await setDesired("S2001", 1);
    sim.control.clearCalls();
    await runFor(Math.max(failed.nextDueAt!.getTime() - simNow().getTime(), 0) + 1_000);
    const resent = calls("STO01").find((call) => call.status === 201)!;
    expect(sentQuantities(resent)).toEqual({ S2001: 1, S2002: 7 });
    const orderRead = calls("OR11")[0];
    expect(orderRead).toBeDefined();
    expect(sim.control.calls().indexOf(orderRead)).toBeLessThan(sim.control.calls().indexOf(resent));
    // The same import row, now with the current lines.
    expect(await prisma.stockImport.findMany({ where: { connectionId: connection.id } })).toEqual([
      expect.objectContaining({ id: prepared.id, status: "SENT", lineCount: 2 }),
    ]);
  });
});
