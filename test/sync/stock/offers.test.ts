import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import type { MiraklClient } from "~/integrations/mirakl";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { offerCreationSchema } from "~/domain/connection-settings";
import { createMissingOffers } from "~/sync/stock/offers.server";
import { registerFlows } from "~/sync/index.server";
import { applyExceptionAction } from "~/exceptions/queue.server";
import { workUnits } from "~/worker/registry.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/*
 * OF24 offer creation: only for offers a full reconciliation found missing, each looked up (OF21) right before
 * it is created, so an offer made on Mirakl since the export is never replaced; the import is followed to its
 * result (OF02) and the offers Mirakl refused (OF03) are exceptions.
 */

let sim: RunningMiraklSimulator;
let simShop = 3200;
let shop: string;
let miraklShop: number;
let miraklKey: string;
let connection: { id: string; shop: string };
let mirakl: MiraklClient;
let seq = 0;

const simNow = () => new Date(sim.control.now());
const MINUTE = 60_000;
const calls = (operation: string) => sim.control.calls(operation).filter((call) => call.key === miraklKey);
const offerBodies = () =>
  calls("OF24").flatMap((call) => (JSON.parse(call.body).offers as { shop_sku: string }[]).map((o) => o.shop_sku));
const row = (offerSku: string) =>
  prisma.offerStock.findUniqueOrThrow({
    where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
  });

async function variantWithoutOffer(sku: string, barcode: string | null) {
  const n = ++seq;
  const variantId = `gid://shopify/ProductVariant/${n}`;
  await prisma.shopifyVariant.create({
    data: {
      variantId,
      shop,
      productId: `gid://shopify/Product/${n}`,
      sku,
      barcode,
      productStatus: "ACTIVE",
      tracked: true,
      inventoryItemId: `gid://shopify/InventoryItem/${n}`,
      price: "24.90",
    },
  });
  await prisma.offerStock.create({
    data: {
      shop,
      connectionId: connection.id,
      offerSku: sku,
      variantId,
      shopifySku: sku,
      desiredQuantity: 6,
      desiredVersion: 1,
    },
  });
}

const enableCreation = () =>
  mergeConnectionSettings(shop, connection.id, {
    offers: offerCreationSchema.parse({ enabled: true, leadtimeToShip: 3 }),
  });

/** Runs the offer-creation unit as the worker would, waking at each answer's `nextDueAt`, for `ms` of virtual time. */
async function runFor(ms: number) {
  const end = simNow().getTime() + ms;
  for (let pass = 0; pass < 400 && simNow().getTime() < end; pass++) {
    const { nextDueAt } = await createMissingOffers(connection, mirakl, simNow());
    const wake = Math.min(nextDueAt?.getTime() ?? end, end);
    sim.control.advanceClock(Math.max(wake - simNow().getTime(), 1_000));
  }
}

beforeAll(async () => {
  registerFlows(); // Retry goes through the handlers the flows register
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 }); // Mirakl's published call limits: creation must never earn a 429
});
afterAll(async () => sim?.close());

// Each test: its own Mirakl shop and key, Shopify shop and connection, with a finished full reconciliation.
beforeEach(async () => {
  miraklShop = ++simShop;
  shop = `creator-${miraklShop}.myshopify.com`;
  miraklKey = `sim-key-${miraklShop}`;
  sim.control.addShop({ id: miraklShop, keys: [miraklKey] });
  sim.control.clearFaults();
  sim.control.setUnknownProducts([]);
  connection = await createConnection(shop, { name: "Debenhams", baseUrl: sim.url, apiKey: miraklKey }).then((c) => ({
    id: c.id,
    shop,
  }));
  mirakl = simulatorClient(sim, connection.id, miraklKey);
  await variantWithoutOffer("LAMP-1", "4006381333931");
  await variantWithoutOffer("LAMP-2", "4006381333932"); // bad check digit
  await variantWithoutOffer("LAMP-3", null);
  await prisma.reconcileRun.create({
    data: { shop, connectionId: connection.id, kind: "FULL", phase: "done", finishedAt: simNow(), startedAt: simNow() },
  });
  sim.control.advanceClock(MINUTE);
});

describe("offer creation", () => {
  it("is off by default", async () => {
    await runFor(2 * MINUTE);
    expect(calls("OF24")).toHaveLength(0);
    expect(calls("OF21")).toHaveLength(0);
  });

  it("creates the missing offer of a variant with a valid barcode, with every field set, follows it, and only once", async () => {
    await enableCreation();
    await runFor(3 * MINUTE);
    expect(calls("OF24")).toHaveLength(1);
    const body = JSON.parse(calls("OF24")[0].body);
    expect(body.offers).toEqual([
      expect.objectContaining({
        shop_sku: "LAMP-1",
        product_id: "4006381333931",
        product_id_type: "EAN",
        quantity: 6,
        price: 24.9,
        leadtime_to_ship: 3,
        state_code: "11",
      }),
    ]);
    expect(sim.control.offer("LAMP-1", miraklShop)).toMatchObject({ quantity: 6, price: 24.9 });
    // Looked up right before, followed to its result, recorded once it is known.
    expect(calls("OF21").map((call) => new URL(call.path, sim.url).searchParams.get("sku"))).toEqual(["LAMP-1"]);
    expect(calls("OF02").at(-1)!.status).toBe(200);
    expect(await prisma.stockImport.findFirstOrThrow({ where: { connectionId: connection.id } })).toMatchObject({
      kind: "OFFER",
      status: "COMPLETE",
      errorLines: 0,
    });
    expect((await row("LAMP-1")).offerRequestedAt).not.toBeNull();

    await runFor(5 * MINUTE);
    expect(calls("OF24")).toHaveLength(1);
    expect(sim.control.calls().filter((call) => call.status === 429)).toHaveLength(0);
  });

  it("never replaces an offer created on Mirakl since the last export: it is found, left alone, and gets its stock", async () => {
    await variantWithoutOffer("LAMP-5", "4006381333948");
    // Created in Mirakl's back office after the full reconciliation read the offers.
    sim.control.addOffer(miraklShop, { shop_sku: "LAMP-5", quantity: 2, price: 99 });
    await enableCreation();
    await workUnits.stockPush.markDirty(connection.id, shop, new Date("2000-01-01"));
    await prisma.workUnit.update({
      where: { key: workUnits.stockPush.key(connection.id) },
      data: { dueAt: new Date("9999-12-31") },
    });
    await runFor(3 * MINUTE);
    expect(offerBodies()).toEqual(["LAMP-1"]);
    expect(sim.control.offer("LAMP-5", miraklShop)).toMatchObject({ quantity: 2, price: 99 });
    const found = await row("LAMP-5");
    expect(found).toMatchObject({ miraklQuantity: 2, offerRequestedAt: null });
    expect(found.miraklObservedAt).not.toBeNull();
    expect(found.desiredVersion).toBeGreaterThan(found.pushedVersion); // its stock goes out with the next file
    const push = await prisma.workUnit.findUniqueOrThrow({ where: { key: workUnits.stockPush.key(connection.id) } });
    expect(push.dueAt.getTime()).toBeLessThan(new Date("9999-12-31").getTime());
  });

  it("an offer Mirakl refuses is an exception with its reason, not asked for again until Retry", async () => {
    await variantWithoutOffer("LAMP-4", "4006381333948");
    sim.control.setUnknownProducts(["4006381333948"]);
    await enableCreation();
    await runFor(3 * MINUTE);
    expect(offerBodies().sort()).toEqual(["LAMP-1", "LAMP-4"]);
    expect(sim.control.offer("LAMP-1", miraklShop)).toBeDefined();
    const refused = await prisma.syncException.findFirstOrThrow({
      where: { shop, connectionId: connection.id, entityType: "OfferStock", entityId: "LAMP-4" },
    });
    expect(refused).toMatchObject({ kind: "OFFER_CREATION_REJECTED", status: "OPEN" });
    expect(refused.message).toMatch(/offer creation .* LAMP-4: The product does not exist/);
    expect(refused.fixHint).toMatch(/EAN/);
    expect(await prisma.stockImport.findFirstOrThrow({ where: { connectionId: connection.id } })).toMatchObject({
      status: "COMPLETE",
      errorLines: 1,
    });
    await runFor(5 * MINUTE);
    expect(calls("OF24")).toHaveLength(1);

    // The merchant has the product added to the catalogue, then retries.
    sim.control.setUnknownProducts([]);
    expect(await applyExceptionAction(shop, { intent: "retry", ids: [refused.id] })).toMatchObject({ affected: 1 });
    await runFor(3 * MINUTE);
    expect(offerBodies().sort()).toEqual(["LAMP-1", "LAMP-4", "LAMP-4"]);
    expect(sim.control.offer("LAMP-4", miraklShop)).toMatchObject({ quantity: 6 });
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: refused.id } })).status).toBe("RESOLVED");
  });

  it("an OF24 import Mirakl does not finish is given up; offers it made meanwhile are found, not made twice", async () => {
    await enableCreation();
    sim.control.scriptImportOutcome({ operation: "OF24", outcome: "hang-waiting" });
    await runFor(31 * MINUTE);
    const [stuck] = await prisma.syncException.findMany({
      where: { shop, connectionId: connection.id, kind: "STOCK_IMPORT_FAILED", status: "OPEN" },
    });
    expect(stuck.message).toMatch(/not finished offer creation .* after 30 minutes \(still WAITING\)/);
    // Mirakl finally processes it: the offer exists, and the next look-up sees it.
    sim.control.setImportOutcome(sim.control.imports(miraklShop)[0].import_id, "complete", miraklShop);
    await runFor(3 * MINUTE);
    expect(sim.control.offer("LAMP-1", miraklShop)).toBeDefined();
    expect(sim.control.imports(miraklShop)).toHaveLength(1);
    expect((await row("LAMP-1")).miraklObservedAt).not.toBeNull();
    expect(sim.control.calls().filter((call) => call.status === 429)).toHaveLength(0);
  });

  it("offers behind 2,000 variants that cannot become offers (no barcode) are still created", async () => {
    const rows = Array.from({ length: 2_100 }, (_, i) => i);
    await prisma.shopifyVariant.createMany({
      data: rows.map((i) => ({
        variantId: `gid://shopify/ProductVariant/9${i}`,
        shop,
        productId: `gid://shopify/Product/9${i}`,
        sku: `NOCODE-${i}`,
        barcode: null,
        productStatus: "ACTIVE",
        tracked: true,
        inventoryItemId: `gid://shopify/InventoryItem/9${i}`,
        price: "5",
      })),
    });
    // uuid(7) ids grow with time: these rows come before the one created last.
    await prisma.offerStock.createMany({
      data: rows.map((i) => ({
        shop,
        connectionId: connection.id,
        offerSku: `NOCODE-${i}`,
        variantId: `gid://shopify/ProductVariant/9${i}`,
        shopifySku: `NOCODE-${i}`,
        desiredQuantity: 1,
        desiredVersion: 1,
      })),
    });
    await prisma.offerStock.updateMany({
      where: { connectionId: connection.id, offerSku: "LAMP-1" },
      data: { offerRequestedAt: simNow() },
    });
    await variantWithoutOffer("LAMP-4", "4006381333948");
    await enableCreation();
    await runFor(MINUTE);
    expect(offerBodies()).toEqual(["LAMP-4"]);
  });
});
