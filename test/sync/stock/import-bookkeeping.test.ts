import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection, updateConnection } from "~/connections/connections.server";
import {
  reportException,
  reportExceptions,
  resolveExceptionsForEntities,
  type ExceptionReport,
} from "~/exceptions/exceptions.server";
import { pushStock, STOCK_IMPORT_INTERVAL_MS, STOCK_STATUS_POLL_MS } from "~/sync/stock/push.server";
import { stockFlowDeps } from "~/sync/index.server";
import { pushPrices } from "~/sync/stock/prices.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { postgresSkipReason, postgresUrl, suiteOnDatabase } from "../../helpers/postgres";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * What a completed import records, now written set-based per slice of lines: compare-and-set on the
 * version sent, one exception per refused line, and resolution of an offer's exception once a later
 * line goes through. Run on PGlite and, when TEST_POSTGRES_URL is set, on PostgreSQL (raw SQL with
 * typed arrays must behave the same on both).
 */

if (!postgresUrl) console.warn(`[import-bookkeeping.test] ${postgresSkipReason}`);

/** More lines than one recording slice (2,000), so the slicing is exercised. */
const ON_MIRAKL = 2_500;
const sku = (i: number) => `B${String(i).padStart(4, "0")}`;

function importBookkeepingSuite(database: "pglite" | "postgres") {
  let sim: RunningMiraklSimulator;
  let mirakl: ReturnType<typeof createMiraklClient>;
  // Each test has its own simulator and its own shop and connection with the offers below (beforeEach).
  let shop: string;
  let testCount = 0;
  let connection: { id: string; shop: string };
  const simNow = () => new Date(sim.control.now());
  const advance = (ms: number) => sim.control.advanceClock(ms);
  const row = (offerSku: string) =>
    prisma.offerStock.findUniqueOrThrow({
      where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
    });
  const setDesired = (offerSku: string, quantity: number) =>
    prisma.offerStock.update({
      where: { connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku, warehouseCode: "" } },
      data: { desiredQuantity: quantity, desiredVersion: { increment: 1 }, desiredAt: simNow() },
    });
  const sentSkus = (call: { body?: string | null }) =>
    [...call.body!.matchAll(/^([^;:\s]+);\d+;/gm)].map((m) => m[1]).sort();

  suiteOnDatabase(database, "mb_bookkeeping");

  beforeEach(async () => {
    shop = `bookkeeping-${database}-${++testCount}.myshopify.com`;
    sim = await startMiraklSimulator({ port: 0 });
    mirakl = simulatorClient(sim, "bookkeeping");
    connection = await createConnection(shop, {
      name: "Bookkeeping",
      baseUrl: sim.url,
      apiKey: sim.keys.single,
      settings: { stockConfiguredAt: "2026-01-01T00:00:00.000Z" },
    }).then((c) => ({
      id: c.id,
      shop,
    }));
    for (let i = 0; i < ON_MIRAKL; i++) sim.control.addOffer(sim.shops.main, { shop_sku: sku(i), quantity: 0 });
    const offers = [...Array.from({ length: ON_MIRAKL }, (_, i) => sku(i)), "GONE-1", "GONE-2", "GONE-3"];
    await prisma.offerStock.createMany({
      data: offers.map((offerSku) => ({
        shop,
        connectionId: connection.id,
        offerSku,
        desiredQuantity: 5,
        desiredVersion: 1,
        desiredAt: simNow(),
      })),
    });
  }, 120_000);
  afterEach(async () => sim?.close());

  /** A first import went through: every offer on Mirakl accepted, GONE-1, GONE-2 and GONE-3 refused (one exception each). */
  async function firstImportRecorded() {
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    advance(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(
      await prisma.syncException.count({ where: { shop, kind: "STOCK_IMPORT_LINE_REJECTED", status: "OPEN" } }),
    ).toBe(3);
  }

  it("records a large import slice by slice: accepted rows clean, changes made during the import still dirty, refused lines one exception each", async () => {
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.calls("STO01")).toHaveLength(1);

    // While Mirakl processes the file: a sale on an accepted offer and on a refused one, and a row
    // that a later import already moved ahead (as after a crash and a re-record).
    await setDesired(sku(1), 4);
    await setDesired("GONE-2", 9);
    await prisma.offerStock.update({
      where: {
        connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku: sku(2), warehouseCode: "" },
      },
      data: { desiredVersion: 5, pushedVersion: 5, pushedQuantity: 99 },
    });

    advance(STOCK_STATUS_POLL_MS);
    const completedAt = simNow();
    expect((await pushStock(connection, mirakl, completedAt, stockFlowDeps)).nextDueAt).not.toBeNull(); // two rows are owed
    expect(sim.control.calls("STO03")).toHaveLength(1);

    const clean = await prisma.offerStock.count({
      where: {
        connectionId: connection.id,
        pushedVersion: 1,
        desiredVersion: 1,
        pushedQuantity: 5,
        pushedAt: completedAt,
        lastPushError: null,
      },
    });
    expect(clean).toBe(ON_MIRAKL - 2);
    expect(await row(sku(1))).toMatchObject({
      desiredQuantity: 4,
      desiredVersion: 2,
      pushedVersion: 1,
      pushedQuantity: 5,
    });
    expect(await row(sku(2))).toMatchObject({ pushedVersion: 5, pushedQuantity: 99 }); // never moved back
    for (const offerSku of ["GONE-1", "GONE-2", "GONE-3"]) {
      const refused = await row(offerSku);
      expect(refused.lastPushError).toBeTruthy();
      expect(refused.pushedVersion).toBe(1);
      expect(refused.pushedQuantity).toBeNull();
    }

    const exceptions = await prisma.syncException.findMany({
      where: { shop, kind: "STOCK_IMPORT_LINE_REJECTED" },
      orderBy: { entityId: "asc" },
    });
    expect(exceptions.map((e) => [e.entityType, e.entityId, e.status, e.occurrences, e.connectionId])).toEqual([
      ["OfferStock", "GONE-1", "OPEN", 1, connection.id],
      ["OfferStock", "GONE-2", "OPEN", 1, connection.id],
      ["OfferStock", "GONE-3", "OPEN", 1, connection.id],
    ]);
    expect(exceptions[0].message).toContain("offer GONE-1");
    expect(exceptions[0].detail).toMatchObject({
      offerSku: "GONE-1",
      quantity: 5,
      version: 1,
      miraklImportId: expect.any(String),
    });
    expect((await prisma.stockImport.findFirstOrThrow({ where: { connectionId: connection.id } })).errorLines).toBe(3);

    // Only what changed during the import goes out next; the refused value GONE-1/GONE-3 is not resent.
    advance(STOCK_IMPORT_INTERVAL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sentSkus(sim.control.calls("STO01")[1])).toEqual(["B0001", "GONE-2"]);
    advance(STOCK_STATUS_POLL_MS);
    expect((await pushStock(connection, mirakl, simNow(), stockFlowDeps)).nextDueAt).toBeNull();
    expect(await row(sku(1))).toMatchObject({ pushedVersion: 2, pushedQuantity: 4 });
    const again = await prisma.syncException.findFirstOrThrow({ where: { shop, entityId: "GONE-2" } });
    expect([again.status, again.occurrences]).toEqual(["OPEN", 2]); // the same problem counted, not duplicated
  });

  it("resolves an offer's rejected-line exception once a later line for it goes through, and nothing else", async () => {
    await firstImportRecorded();
    // The same entity in another shop, and another entity type of this shop: both untouched.
    const foreign = await reportException({
      shop: "elsewhere.myshopify.com",
      kind: "STOCK_IMPORT_LINE_REJECTED",
      severity: "WARNING",
      entityType: "OfferStock",
      entityId: "GONE-1",
      message: "m",
      fixHint: "f",
    });
    const otherType = await reportException({
      shop,
      kind: "DUPLICATE_SHOPIFY_SKU",
      severity: "WARNING",
      entityType: "ShopifySku",
      entityId: "GONE-1",
      message: "m",
      fixHint: "f",
    });

    sim.control.addOffer(sim.shops.main, { shop_sku: "GONE-1", quantity: 0 }); // the merchant created the offer
    await setDesired("GONE-1", 6);
    advance(STOCK_IMPORT_INTERVAL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    advance(STOCK_STATUS_POLL_MS);
    const resolvedAt = simNow();
    await pushStock(connection, mirakl, resolvedAt, stockFlowDeps);

    expect(sim.control.offer("GONE-1")?.quantity).toBe(6);
    expect(await row("GONE-1")).toMatchObject({ lastPushError: null, pushedQuantity: 6 });
    expect(
      await prisma.syncException.findFirstOrThrow({
        where: { shop, kind: "STOCK_IMPORT_LINE_REJECTED", entityId: "GONE-1" },
      }),
    ).toMatchObject({ status: "RESOLVED", resolvedAt });
    expect(await prisma.syncException.findFirstOrThrow({ where: { shop, entityId: "GONE-3" } })).toMatchObject({
      status: "OPEN",
    });
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe("OPEN");
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: otherType.id } })).status).toBe("OPEN");
  });

  it("prices: refused lines become exceptions, a price changed during the import stays owed, a later success resolves", async () => {
    const variant = async (n: number, offerSku: string, price: string) => {
      const variantId = `gid://shopify/ProductVariant/${database}-${n}`;
      await prisma.shopifyVariant.create({
        data: {
          variantId,
          shop,
          productId: `gid://shopify/Product/${n}`,
          sku: offerSku,
          productStatus: "ACTIVE",
          tracked: true,
          inventoryItemId: `gid://shopify/InventoryItem/${database}-${n}`,
          price,
        },
      });
      await prisma.offerStock.updateMany({
        where: { connectionId: connection.id, offerSku },
        data: { variantId, shopifySku: offerSku },
      });
      return variantId;
    };
    const onMirakl = await variant(1, sku(10), "10.00");
    await variant(2, "GONE-3", "5.00");
    await updateConnection(shop, connection.id, { settings: { prices: { enabled: true, markupPercent: 0 } } });

    advance(60_000);
    await pushPrices(connection, mirakl, simNow());
    expect(sim.control.calls("PRI01")).toHaveLength(1);
    await prisma.shopifyVariant.update({ where: { variantId: onMirakl }, data: { price: "12.00" } }); // changed while Mirakl processes
    advance(60_000);
    await pushPrices(connection, mirakl, simNow());

    expect(sim.control.offer(sku(10))?.price).toBe(10);
    expect(await row(sku(10))).toMatchObject({ pushedPrice: "10", desiredPrice: "12", lastPriceError: null }); // 12 is owed, not lost
    expect(await row("GONE-3")).toMatchObject({ pushedPrice: "5", lastPriceError: expect.any(String) });
    const refused = await prisma.syncException.findFirstOrThrow({
      where: { shop, kind: "PRICE_IMPORT_LINE_REJECTED" },
    });
    expect([refused.entityType, refused.entityId, refused.status]).toEqual(["OfferStock", "GONE-3", "OPEN"]);

    // The offer now exists and its price moves: the new price goes out with the one still owed.
    sim.control.addOffer(sim.shops.main, { shop_sku: "GONE-3", quantity: 0 });
    await prisma.shopifyVariant.updateMany({ where: { shop, sku: "GONE-3" }, data: { price: "6.00" } });
    advance(60_000);
    await pushPrices(connection, mirakl, simNow());
    advance(60_000);
    expect((await pushPrices(connection, mirakl, simNow())).nextDueAt).toBeNull();
    expect(sim.control.offer(sku(10))?.price).toBe(12);
    expect(sim.control.offer("GONE-3")?.price).toBe(6);
    expect(await row("GONE-3")).toMatchObject({ pushedPrice: "6", lastPriceError: null });
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: refused.id } })).status).toBe("RESOLVED");
  });

  it("reportExceptions and resolveExceptionsForEntities follow the single-row rules exactly", async () => {
    const base = {
      shop,
      kind: "STOCK_IMPORT_LINE_REJECTED" as const,
      severity: "WARNING" as const,
      entityType: "OfferStock",
      fixHint: "f",
    };
    const one = (entityId: string, message: string): ExceptionReport => ({
      ...base,
      connectionId: connection.id,
      entityId,
      message,
      detail: { n: message },
    });
    const at = new Date("2026-06-01T00:00:00.000Z");
    // Each state reached once through the single-row helper, once through the bulk one.
    for (const prefix of ["single", "bulk"]) {
      await reportException(one(`${prefix}-resolved`, "first"), at);
      await reportException(one(`${prefix}-dismissed`, "first"), at);
      await reportException(one(`${prefix}-open`, "first"), at);
    }
    await prisma.syncException.updateMany({
      where: { shop, entityId: { in: ["single-resolved", "bulk-resolved"] } },
      data: { status: "RESOLVED", resolvedAt: at },
    });
    await prisma.syncException.updateMany({
      where: { shop, entityId: { in: ["single-dismissed", "bulk-dismissed"] } },
      data: { status: "DISMISSED", dismissedAt: at },
    });

    const later = new Date("2026-06-02T00:00:00.000Z");
    for (const suffix of ["resolved", "dismissed", "open", "new"])
      await reportException(one(`single-${suffix}`, "second"), later);
    await reportExceptions(
      ["resolved", "dismissed", "open", "new"].map((suffix) => one(`bulk-${suffix}`, "second")),
      later,
    );

    const state = async (prefix: string) =>
      (
        await prisma.syncException.findMany({
          where: { shop, entityId: { startsWith: `${prefix}-` } },
          orderBy: { entityId: "asc" },
        })
      ).map((e) => ({
        entity: e.entityId.slice(prefix.length),
        status: e.status,
        occurrences: e.occurrences,
        message: e.message,
        detail: e.detail,
        lastSeenAt: e.lastSeenAt.toISOString(),
        firstSeenAt: e.firstSeenAt.toISOString(),
        resolvedAt: e.resolvedAt?.toISOString() ?? null,
        dismissedAt: e.dismissedAt?.toISOString() ?? null,
      }));
    const bulk = await state("bulk");
    expect(bulk).toEqual(await state("single"));
    expect(bulk.map((e) => [e.entity, e.status, e.occurrences])).toEqual([
      ["-dismissed", "DISMISSED", 2],
      ["-new", "OPEN", 1],
      ["-open", "OPEN", 2],
      ["-resolved", "OPEN", 2],
    ]);

    // The same offer refused for its price here, and for its stock on another marketplace: not this line's business.
    const priceRefusal = await reportException(
      { ...one("bulk-open", "price"), kind: "PRICE_IMPORT_LINE_REJECTED" },
      at,
    );
    const elsewhere = await reportException(
      { ...one("bulk-open", "elsewhere"), connectionId: "another-connection" },
      at,
    );

    // Bulk resolve: OPEN rows of this shop, connection, kind and entity type only; dismissed ones stay dismissed.
    const scope = { shop, connectionId: connection.id, kind: "STOCK_IMPORT_LINE_REJECTED" as const };
    const resolved = await resolveExceptionsForEntities(
      scope,
      "OfferStock",
      ["bulk-open", "bulk-dismissed", "bulk-new", "no-such-entity"],
      later,
    );
    expect(resolved).toBe(2);
    for (const untouched of [priceRefusal, elsewhere]) {
      expect((await prisma.syncException.findUniqueOrThrow({ where: { id: untouched.id } })).status).toBe("OPEN");
    }
    await prisma.syncException.deleteMany({ where: { id: { in: [priceRefusal.id, elsewhere.id] } } });
    expect((await state("bulk")).map((e) => [e.entity, e.status])).toEqual([
      ["-dismissed", "DISMISSED"],
      ["-new", "RESOLVED"],
      ["-open", "RESOLVED"],
      ["-resolved", "OPEN"],
    ]);
  });
}

describe("import bookkeeping on PGlite", () => importBookkeepingSuite("pglite"));
describe.skipIf(!postgresUrl)("import bookkeeping on PostgreSQL", () => importBookkeepingSuite("postgres"));
