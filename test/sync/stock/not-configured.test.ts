import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { importConnections, exportConnections } from "~/connections/transfer.server";
import { parseConnectionSettings, stockRulesConfigured } from "~/domain/connection-settings";
import { type createMiraklClient } from "~/integrations/mirakl";
import { applyLevels, upsertVariants } from "~/sync/catalog/mirror.server";
import { pushStock, STOCK_STATUS_POLL_MS } from "~/sync/stock/push.server";
import { stockFlowDeps } from "~/sync/index.server";
import { runStockRecompute } from "~/sync/stock/recompute.server";
import { saveStockSettings } from "~/connections/stock-settings.server";
import { formValuesFromSettings } from "~/connections/stock-settings-form";
import { loadStockPage } from "~/routes/app.stock/stock-page.server";
import { shopOverview } from "~/shops/overview.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * The default rules choose no location, so a connection nobody configured computes 0 for every offer.
 * Pushing those zeros would wipe the marketplace's stock the moment the merchant connects: such a
 * connection pushes nothing until its rules are saved, and then it pushes what they compute, zeros included.
 */

const shop = "unconfigured.myshopify.com";
const WAREHOUSE = "gid://shopify/Location/5101";
let sim: RunningMiraklSimulator;
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());
const stockImports = () => sim.control.calls("STO01");
// Locations never come from Shopify here: the save checks chosen ids against this (empty) list.
const noShopify = async () => {
  throw new Error("offline");
};

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  connection = await createConnection(shop, { name: "Carrefour", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  mirakl = simulatorClient(sim, connection.id);
  // The marketplace already sells this offer, with stock the merchant maintained there.
  sim.control.addOffer(2001, { shop_sku: "KETTLE", quantity: 25 });
  await upsertVariants(
    shop,
    [
      {
        variantId: "gid://shopify/ProductVariant/5201",
        productId: "gid://shopify/Product/5201",
        sku: "KETTLE",
        barcode: null,
        title: "Kettle",
        productStatus: "ACTIVE",
        tracked: true,
        inventoryItemId: "gid://shopify/InventoryItem/5201",
        price: "30.00",
        compareAtPrice: null,
      },
    ],
    new Date(),
  );
  await applyLevels(shop, [
    {
      inventoryItemId: "gid://shopify/InventoryItem/5201",
      locationId: WAREHOUSE,
      available: 9,
      observedAt: new Date(),
    },
  ]);
});
afterAll(async () => sim?.close());

describe("a connection whose stock rules were never saved", () => {
  it("computes its offers (0, no location chosen) but sends no stock import, and says why", async () => {
    await runStockRecompute(shop, { shopify: null });
    const row = await prisma.offerStock.findUniqueOrThrow({
      where: {
        connectionId_offerSku_warehouseCode: { connectionId: connection.id, offerSku: "KETTLE", warehouseCode: "" },
      },
    });
    expect(row).toMatchObject({ desiredQuantity: 0, pushedVersion: 0 });
    expect(row.desiredVersion).toBeGreaterThan(0);

    const result = await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(result.nextDueAt).toBeNull();
    expect(stockImports()).toHaveLength(0);
    expect(sim.control.offer("KETTLE")?.quantity).toBe(25); // the marketplace keeps what it had
    expect(await prisma.stockImport.count({ where: { connectionId: connection.id } })).toBe(0);

    const page = await loadStockPage(shop, { connection: connection.id, filter: "all", q: "", page: 1 });
    expect(page.connection).toMatchObject({ stockConfigured: false });
    expect(page.rows[0]).toMatchObject({ offerSku: "KETTLE", status: "held" });
    expect(page.rows[0].explanation?.summary).toBe("0: no Shopify location is chosen for this marketplace");
    expect((await shopOverview(shop)).stockNotConfigured).toEqual([{ id: connection.id, name: "Carrefour" }]);
  });

  it("once the merchant saves the rules with no location on purpose, it pushes 0", async () => {
    const values = formValuesFromSettings(
      parseConnectionSettings(
        (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connection.id } })).settings,
      ),
    );
    const saved = await saveStockSettings(shop, connection.id, { ...values, locationIds: [] }, { client: noShopify });
    expect(saved.ok).toBe(true);
    await runStockRecompute(shop, { shopify: null });
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(stockImports()).toHaveLength(1);
    sim.control.advanceClock(STOCK_STATUS_POLL_MS);
    await pushStock(connection, mirakl, simNow(), stockFlowDeps);
    expect(sim.control.offer("KETTLE")?.quantity).toBe(0);
    expect(
      await prisma.offerStock.findFirstOrThrow({ where: { connectionId: connection.id, offerSku: "KETTLE" } }),
    ).toMatchObject({ pushedQuantity: 0 });
    expect((await shopOverview(shop)).stockNotConfigured).toEqual([]);
    const page = await loadStockPage(shop, { connection: connection.id, filter: "all", q: "", page: 1 });
    expect(page.connection).toMatchObject({ stockConfigured: true });
  });

  it("rules that choose a location count as configured (the default never chooses one)", () => {
    const defaults = parseConnectionSettings({});
    expect(stockRulesConfigured(defaults)).toBe(false);
    expect(stockRulesConfigured(parseConnectionSettings({ stock: { locationIds: [WAREHOUSE] } }))).toBe(true);
    expect(stockRulesConfigured(parseConnectionSettings({ stockConfiguredAt: "2026-01-01T00:00:00.000Z" }))).toBe(true);
  });

  it("a connection copied from another shop is not configured here until saved, if it chose no location", async () => {
    const exported = await exportConnections(shop);
    expect(exported.connections[0].settings.stockConfiguredAt).not.toBeNull();
    const imported = await importConnections("unconfigured-copy.myshopify.com", JSON.stringify(exported), "rename");
    expect(imported.ok).toBe(true);
    const copy = imported.ok ? imported.created[0].connection : null;
    expect(copy?.settings.stockConfiguredAt).toBeNull();
    expect(stockRulesConfigured(copy!.settings)).toBe(false);
  });
});
