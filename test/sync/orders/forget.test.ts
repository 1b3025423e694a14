import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { setConnectionEnabled } from "~/connections/connection-forms.server";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { forgetMarketplaceOrders } from "~/sync/orders/forget.server";
import { workUnits } from "~/worker/registry.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/** A connection that stops watching its orders (disabled, or pointed elsewhere) gives their units back. */

let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
const simNow = () => new Date(sim.control.now());
const poll = () => readMarketplaceOrders(connection, simulatorClient(sim, connection.id), simNow());
const reservations = () =>
  prisma.marketplaceReservation.findMany({ where: { connectionId: connection.id }, orderBy: { orderLineId: "asc" } });
const cursor = async () =>
  (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connection.id } })).ordersCursor;

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `forget-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 10, price: 20 });
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 2 }] });
  expect((await poll()).opened).toBe(1);
});
afterEach(async () => sim?.close());

describe("a connection that stops watching its orders", () => {
  it("disabled: its reservations are released (units back), its cursor forgotten; enabled: read afresh", async () => {
    expect((await setConnectionEnabled(shop, connection.id, false)).ok).toBe(true);
    expect(await reservations()).toMatchObject([{ releaseReason: "CONNECTION_DISABLED" }]);
    expect((await reservations())[0]!.releasedAt).not.toBeNull();
    expect(await cursor()).toBeNull();
    // The holds pass gives the Shopify hold back, and the SKU is recomputed on every other marketplace.
    expect(await prisma.workUnit.count({ where: { key: workUnits.reservationHolds.key(shop) } })).toBe(1);

    expect((await setConnectionEnabled(shop, connection.id, true)).ok).toBe(true);
    expect(await reservations()).toEqual([]); // settled (never held): dropped, so the first poll reserves it again
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    expect((await poll()).opened).toBe(1);
    expect(await reservations()).toMatchObject([{ quantity: 2, releasedAt: null }]);
  });

  it("pointed at another Mirakl: the old instance's orders leave the mirror and their reservations go", async () => {
    expect(await prisma.marketplaceOrder.count({ where: { connectionId: connection.id } })).toBe(1);
    await forgetMarketplaceOrders(connection);
    expect(await prisma.marketplaceOrder.count({ where: { connectionId: connection.id } })).toBe(0);
    expect(await reservations()).toEqual([]);
    expect(await cursor()).toBeNull();
    // A new instance whose order ids are the same ones is read as new orders.
    const other = await startMiraklSimulator({ port: 0 });
    try {
      other.control.addOffer(other.shops.main, { shop_sku: "TENT", quantity: 10, price: 20 });
      other.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 3 }] });
      const result = await readMarketplaceOrders(connection, simulatorClient(other, connection.id), simNow());
      expect(result.opened).toBe(1);
      expect(await reservations()).toMatchObject([{ quantity: 3 }]);
      expect(await prisma.marketplaceOrder.findFirst({ where: { connectionId: connection.id } })).toMatchObject({
        acceptance: "PENDING",
      });
    } finally {
      await other.close();
    }
  });

  it("a held reservation is kept (released) until its hold is given back, so no unit is lost in Shopify", async () => {
    await prisma.marketplaceReservation.updateMany({
      where: { connectionId: connection.id },
      data: { heldAt: new Date(), heldQuantity: 2, heldLocationId: "gid://shopify/Location/1" },
    });
    await forgetMarketplaceOrders(connection);
    expect(await reservations()).toMatchObject([{ releaseReason: "CONNECTION_RETARGETED", heldQuantity: 2 }]);
  });
});
