import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { pushPrices } from "~/sync/stock/prices.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

let sim: RunningMiraklSimulator;
const shop = "pricer.myshopify.com";
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());

async function variantWithOffer(n: number, offerSku: string, price: string, compareAtPrice: string | null) {
  const variantId = `gid://shopify/ProductVariant/${n}`;
  await prisma.shopifyVariant.create({
    data: {
      variantId,
      shop,
      productId: `gid://shopify/Product/${n}`,
      sku: offerSku,
      productStatus: "ACTIVE",
      tracked: true,
      inventoryItemId: `gid://shopify/InventoryItem/${n}`,
      price,
      compareAtPrice,
    },
  });
  await prisma.offerStock.create({
    data: { shop, connectionId: connection.id, offerSku, variantId, shopifySku: offerSku, desiredQuantity: 1 },
  });
}

/** Push, let the simulator process the file, push again to settle. */
async function pushAndSettle() {
  await pushPrices(connection, mirakl, simNow());
  sim.control.advanceClock(60_000);
  return pushPrices(connection, mirakl, simNow());
}

beforeAll(async () => {
  await ensureDatabaseReady();
  sim = await startMiraklSimulator({ port: 0 });
  connection = await createConnection(shop, { name: "Leroy Merlin", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  mirakl = simulatorClient(sim, connection.id);
  await variantWithOffer(1, "S2000", "10.00", null);
  await variantWithOffer(2, "S2001", "15.00", "20.00"); // on sale in Shopify
  await variantWithOffer(3, "NO-SUCH-OFFER", "5.00", null);
});
afterAll(async () => sim?.close());

describe("price push", () => {
  it("sends nothing while price sync is off (the default)", async () => {
    expect((await pushPrices(connection, mirakl, simNow())).nextDueAt).toBeNull();
    expect(sim.control.calls("PRI01")).toHaveLength(0);
  });

  it("pushes prices through the rule, keeps the standard price during a sale, and reports refused lines", async () => {
    await updateConnection(shop, connection.id, { settings: { prices: { enabled: true, markupPercent: 10 } } });
    const settled = await pushAndSettle();
    expect(settled.nextDueAt).toBeNull();
    expect(sim.control.calls("PRI01")).toHaveLength(1);
    expect(sim.control.offer("S2000")?.price).toBe(11);
    expect(sim.control.offer("S2001")?.price).toBe(22); // 20 × 1.1, not the sale price
    const refused = await prisma.offerStock.findFirstOrThrow({
      where: { connectionId: connection.id, offerSku: "NO-SUCH-OFFER" },
    });
    expect(refused.lastPriceError).toBeTruthy();
    expect(
      await prisma.syncException.count({
        where: { shop, kind: "PRICE_IMPORT_LINE_REJECTED", entityId: "NO-SUCH-OFFER" },
      }),
    ).toBe(1);

    sim.control.advanceClock(60_000);
    expect((await pushPrices(connection, mirakl, simNow())).nextDueAt).toBeNull(); // nothing changed: nothing sent
    expect(sim.control.calls("PRI01")).toHaveLength(1);
  });

  it("mirrors a Shopify sale as Mirakl's discount price when the merchant asks", async () => {
    await updateConnection(shop, connection.id, {
      settings: { prices: { enabled: true, markupPercent: 10, mirrorSales: true } },
    });
    sim.control.advanceClock(60_000);
    await pushAndSettle();
    const offer = sim.control.offer("S2001");
    expect(offer?.price).toBe(22);
    expect(offer?.discount?.price).toBe(16.5);
    expect(sim.control.calls("PRI01")).toHaveLength(2);
    expect(sim.control.calls().filter((c) => c.status === 429)).toHaveLength(0);
  });
});
