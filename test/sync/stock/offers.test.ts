import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { createMissingOffers } from "~/sync/stock/offers.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

let sim: RunningMiraklSimulator;
const shop = "creator.myshopify.com";
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());

async function variantWithoutOffer(n: number, sku: string, barcode: string | null) {
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

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  connection = await createConnection(shop, { name: "Debenhams", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  mirakl = simulatorClient(sim, connection.id);
  await variantWithoutOffer(1, "LAMP-1", "4006381333931");
  await variantWithoutOffer(2, "LAMP-2", "4006381333932"); // bad check digit
  await variantWithoutOffer(3, "LAMP-3", null);
  await prisma.reconcileRun.create({
    data: { shop, connectionId: connection.id, kind: "FULL", phase: "done", finishedAt: simNow(), startedAt: simNow() },
  });
});
afterAll(async () => sim?.close());

describe("offer creation", () => {
  it("is off by default", async () => {
    expect(await createMissingOffers(connection, mirakl, simNow())).toMatchObject({ requested: 0 });
    expect(sim.control.calls("OF24")).toHaveLength(0);
  });

  it("creates the missing offer of a variant with a valid barcode, with every field set, and only once", async () => {
    await updateConnection(shop, connection.id, { settings: { offers: { enabled: true, leadtimeToShip: 3 } } });
    expect(await createMissingOffers(connection, mirakl, simNow())).toMatchObject({ requested: 1 });
    const body = JSON.parse(sim.control.calls("OF24")[0].body ?? "{}");
    expect(body.offers).toHaveLength(1);
    expect(body.offers[0]).toMatchObject({
      shop_sku: "LAMP-1",
      product_id: "4006381333931",
      product_id_type: "EAN",
      quantity: 6,
      price: 24.9,
      leadtime_to_ship: 3,
      state_code: "11",
    });
    sim.control.advanceClock(60_000);
    expect(sim.control.offer("LAMP-1")).toMatchObject({ quantity: 6, price: 24.9 });

    expect(await createMissingOffers(connection, mirakl, simNow())).toMatchObject({ requested: 0 });
    expect(sim.control.calls("OF24")).toHaveLength(1);
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
    await variantWithoutOffer(4, "LAMP-4", "4006381333948");
    sim.control.advanceClock(60_000);
    expect(await createMissingOffers(connection, mirakl, simNow())).toMatchObject({ requested: 1 });
    expect(
      JSON.parse(sim.control.calls("OF24").at(-1)!.body ?? "{}").offers.map((o: { shop_sku: string }) => o.shop_sku),
    ).toEqual(["LAMP-4"]);
  });
});
