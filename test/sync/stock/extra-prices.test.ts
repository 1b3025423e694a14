import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { loadStockSettingsPage, saveStockSettings } from "~/connections/stock-settings.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { extraPricesOf } from "~/domain/extra-prices";
import { pushPrices } from "~/sync/stock/prices.server";
import { reconcileStep, requestReconcile } from "~/sync/stock/reconcile.server";
import { setDesiredStock } from "~/sync/stock/desired.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * PRI01 deletes every price of an offer it is not sent. A merchant's channel and volume prices set in
 * Mirakl's back office must not disappear with the first price push unless they confirmed it.
 */

let sim: RunningMiraklSimulator;
const shop = "extra-prices.myshopify.com";
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());
const noShopify = async () => {
  throw new Error("offline");
};

const CHANNEL_AND_VOLUME = [
  { origin_price: "22.00", context: { channel_codes: ["FR"] } },
  {
    origin_price: "9.50",
    context: { customer_group_ids: ["PRO"] },
    volume_prices: [
      { quantity_threshold: 1, unit_origin_price: "9.50" },
      { quantity_threshold: 10, unit_origin_price: "8.00" },
    ],
  },
];

async function reconcileToEnd() {
  await requestReconcile(connection, "MANUAL", simNow());
  for (let step = 0; step < 50; step++) {
    const { nextDueAt } = await reconcileStep(connection, mirakl, simNow());
    if (!nextDueAt) return;
    const run = await prisma.reconcileRun.findFirstOrThrow({
      where: { connectionId: connection.id },
      orderBy: { startedAt: "desc" },
    });
    // What the catalogue refresh and the recompute tasks do meanwhile.
    if (run.phase === "catalog")
      await prisma.shop.upsert({
        where: { shop },
        create: { shop, catalogRefreshedAt: simNow() },
        update: { catalogRefreshedAt: simNow() },
      });
    if (run.phase === "recompute")
      await prisma.$executeRaw`UPDATE "ShopifyVariant" SET "computedVersion" = "changeVersion" WHERE "shop" = ${shop}`;
    const wait = nextDueAt.getTime() - simNow().getTime();
    if (wait > 0) sim.control.advanceClock(wait);
  }
  throw new Error("reconcile did not finish");
}

async function pushAndSettle() {
  await pushPrices(connection, mirakl, simNow());
  sim.control.advanceClock(60_000);
  await pushPrices(connection, mirakl, simNow());
  sim.control.advanceClock(60_000);
}

async function formValues() {
  const page = await loadStockSettingsPage(shop, connection.id, { client: noShopify });
  if (!page) throw new Error("no page");
  return page;
}

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  connection = await createConnection(shop, { name: "Darty", baseUrl: sim.url, apiKey: sim.keys.single }).then((c) => ({
    id: c.id,
    shop,
  }));
  mirakl = simulatorClient(sim, connection.id);
  for (const [n, sku] of ["S2000", "S2001"].entries()) {
    const variantId = `gid://shopify/ProductVariant/${n + 1}`;
    await prisma.shopifyVariant.create({
      data: {
        variantId,
        shop,
        productId: `gid://shopify/Product/${n + 1}`,
        sku,
        productStatus: "ACTIVE",
        tracked: true,
        inventoryItemId: `gid://shopify/InventoryItem/${n + 1}`,
        price: "10.00",
      },
    });
    await prisma.offerStock.create({
      data: { shop, connectionId: connection.id, offerSku: sku, variantId, shopifySku: sku, desiredQuantity: 1 },
    });
  }
  sim.control.setExtraPrices("S2000", CHANNEL_AND_VOLUME);
});
afterAll(async () => sim?.close());

describe("extra prices PRI01 would delete", () => {
  it("lists channel, customer-group and volume prices from an exported offer, not the default price", () => {
    expect(extraPricesOf([{ origin_price: "10.00" }])).toEqual([]);
    expect(
      extraPricesOf([
        {
          origin_price: "10.00",
          volume_prices: [
            { quantity_threshold: 1, unit_origin_price: "10.00" },
            { quantity_threshold: 5, unit_origin_price: "9.00" },
          ],
        },
        { origin_price: "12.00", context: { start_date: "2026-12-20T00:00:00Z", end_date: null } },
        ...CHANNEL_AND_VOLUME,
      ]),
    ).toEqual([
      "from 5 units: 9.00",
      "scheduled 2026-12-20T00:00:00Z → …: 12.00",
      "channel FR: 22.00",
      "customer group PRO: 9.50",
      "customer group PRO, from 10 units: 8.00",
    ]);
  });

  it("holds price sync while the offer export shows prices the merchant has not confirmed", async () => {
    await reconcileToEnd();
    const page = await formValues();
    expect(page.extraPrices).toMatchObject({
      offerCount: 1,
      priceCount: 3,
      sample: [
        {
          offerSku: "S2000",
          extras: ["channel FR: 22.00", "customer group PRO: 9.50", "customer group PRO, from 10 units: 8.00"],
        },
      ],
      confirmedAt: null,
    });

    // Turning price sync on from the page is refused until the list is confirmed.
    const refused = await saveStockSettings(
      shop,
      connection.id,
      { ...page.values, pricesEnabled: true },
      { client: noShopify },
    );
    expect(refused).toMatchObject({ ok: false, errors: { confirmExtraPrices: expect.stringContaining("1 offer") } });

    // Turned on some other way (a settings import, an older page): still nothing is sent, and a person is told.
    await updateConnection(shop, connection.id, { settings: { prices: { enabled: true } } });
    await pushAndSettle();
    expect(sim.control.calls("PRI01")).toHaveLength(0);
    expect(sim.control.offer("S2000")?.extra_prices).toHaveLength(2);
    const hold = await prisma.syncException.findFirstOrThrow({
      where: { shop, kind: "CONNECTION_MISCONFIGURED", entityType: "connection-prices", status: "OPEN" },
    });
    expect(hold.message).toContain("S2000 (channel FR: 22.00");
    expect(hold.fixHint).toContain("Stock & price settings");
  });

  it("a recompute keeps what the export recorded", async () => {
    await setDesiredStock(
      connection,
      [
        {
          offerSku: "S2000",
          warehouseCode: "",
          quantity: 2,
          shopifySku: "S2000",
          variantId: "gid://shopify/ProductVariant/1",
          explanation: { shopifySku: "S2000" },
        },
      ],
      simNow(),
    );
    expect((await formValues()).extraPrices.offerCount).toBe(1);
  });

  it("pushes once the merchant confirms exactly that list, and a new extra price holds it again", async () => {
    const page = await formValues();
    const confirmed = await saveStockSettings(
      shop,
      connection.id,
      { ...page.values, pricesEnabled: true, confirmExtraPrices: page.extraPrices.fingerprint },
      { client: noShopify },
    );
    expect(confirmed.ok).toBe(true);
    const settings = await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(parseConnectionSettings(settings.settings).prices.extraPricesReplaced).toMatchObject({
      fingerprint: page.extraPrices.fingerprint,
      offerCount: 1,
    });
    expect((await formValues()).extraPrices.confirmedAt).not.toBeNull();

    await pushAndSettle();
    expect(sim.control.calls("PRI01")).toHaveLength(1);
    // What Mirakl does with a delete-and-replace import: the confirmed extras are gone.
    expect(sim.control.offer("S2000")?.extra_prices).toEqual([]);
    expect(await prisma.syncException.count({ where: { shop, entityType: "connection-prices", status: "OPEN" } })).toBe(
      0,
    );

    // Later the merchant sets a channel price on another offer in the back office.
    sim.control.setExtraPrices("S2001", [{ origin_price: "30.00", context: { channel_codes: ["BE"] } }]);
    await prisma.shopifyVariant.updateMany({ where: { shop }, data: { price: "12.00" } });
    await reconcileToEnd();
    await pushAndSettle();
    expect(sim.control.calls("PRI01")).toHaveLength(1);
    expect(sim.control.offer("S2001")?.extra_prices).toHaveLength(1);
    const again = await prisma.syncException.findFirstOrThrow({
      where: { shop, entityType: "connection-prices", status: "OPEN" },
    });
    expect(again.message).toContain("S2001 (channel BE: 30.00)");
    expect((await formValues()).extraPrices).toMatchObject({ offerCount: 1, confirmedAt: null });
  });
});
