import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { type createMiraklClient } from "~/integrations/mirakl";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { addOverride } from "~/connections/sku-mapping.server";
import { workUnits } from "~/worker/registry.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/** The order intake against the Mirakl simulator: OR11 → one reservation per owed order line. */

// Each test has its own simulator (orders, clock, call log) and its own shop and connection (cursor, reservations).
let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());
const nextMinute = () => sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
const reservation = (orderLineId: string) =>
  prisma.marketplaceReservation.findUnique({
    where: { connectionId_orderLineId: { connectionId: connection.id, orderLineId } },
  });
const poll = () => readMarketplaceOrders(connection, mirakl, simNow());

/** The connection's first poll has run, so its next poll reads from the cursor; the call log starts empty again. */
async function firstPollDone(on = connection) {
  expect((await readMarketplaceOrders(on, mirakl, simNow())).polled).toBe(true);
  sim.control.clearCalls();
}

/** A TENT×2 order placed a day before the app was connected, reserved by the first poll; returns its id. */
async function aWaitingOrderRead() {
  const waiting = sim.control.createOrder({
    lines: [{ offer_sku: "TENT", quantity: 2 }],
    state: "WAITING_ACCEPTANCE",
    createdAt: simNow().getTime() - 86_400_000,
  }).id;
  await firstPollDone();
  expect(await reservation(`${waiting}-1`)).toMatchObject({ quantity: 2, releasedAt: null });
  return waiting;
}

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `intake-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0 });
  for (const sku of ["TENT", "STOVE", "MUG"])
    sim.control.addOffer(sim.shops.main, { shop_sku: sku, quantity: 10, price: 20 });
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  // The simulator enforces Mirakl's call limits (OR11 once a minute) on its own clock: the intake must never earn a 429.
  mirakl = simulatorClient(sim, connection.id);
});
afterEach(async () => sim?.close());

describe("order intake", () => {
  it("first poll: reserves the lines of orders not shipped yet, paid ones included (onboarding oversell), not shipped ones", async () => {
    // Placed a day before the app was connected.
    const createdAt = simNow().getTime() - 86_400_000;
    const waiting = sim.control.createOrder({
      lines: [{ offer_sku: "TENT", quantity: 2 }],
      state: "WAITING_ACCEPTANCE",
      createdAt,
    }).id;
    const shipping = sim.control.createOrder({
      lines: [{ offer_sku: "STOVE", quantity: 1 }],
      state: "SHIPPING",
      createdAt,
    }).id;
    const shipped = sim.control.createOrder({
      lines: [{ offer_sku: "STOVE", quantity: 1 }],
      state: "SHIPPED",
      createdAt,
    }).id;

    const result = await poll();
    expect(result).toMatchObject({ polled: true, opened: 2 });
    expect(await reservation(`${waiting}-1`)).toMatchObject({
      shop,
      miraklOrderId: waiting,
      offerSku: "TENT",
      shopifySku: "TENT",
      quantity: 2,
      lineState: "WAITING_ACCEPTANCE",
      releasedAt: null,
    });
    // Paid before the app was connected and not shipped: its units are still on the shelf, and taken.
    expect(await reservation(`${shipping}-1`)).toMatchObject({ quantity: 1, lineState: "SHIPPING", releasedAt: null });
    expect(await reservation(`${shipped}-1`)).toBeNull();
    expect(sim.control.calls("OR11")[0]!.path).toContain("order_state_codes=");
    expect(result.changedSkus.sort()).toEqual(["STOVE", "TENT"]); // marked for recompute on every connection
    expect(await prisma.workUnit.findUnique({ where: { key: workUnits.reservationHolds.key(shop) } })).not.toBeNull(); // and to be held in Shopify
  });

  it("polls at most once a minute", async () => {
    await firstPollDone();
    const again = await poll();
    expect(again.polled).toBe(false);
    expect(again.nextDueAt.getTime()).toBeGreaterThan(simNow().getTime());
    expect(sim.control.calls("OR11")).toHaveLength(0);
  });

  it("next polls read what changed since the cursor: a new order opens, a refused line releases, a line read again changes nothing", async () => {
    const waiting = await aWaitingOrderRead();
    nextMinute();
    const placed = sim.control.createOrder({
      lines: [
        { offer_sku: "MUG", quantity: 3 },
        { offer_sku: "TENT", quantity: 1 },
      ],
      state: "WAITING_ACCEPTANCE",
    }).id;
    await mirakl.acceptOrderLines(waiting, [{ id: `${waiting}-1`, accepted: false }]);
    const result = await poll();
    expect(result).toMatchObject({ polled: true, opened: 2, released: 1 });
    expect(sim.control.calls("OR11")[0]!.path).toContain("start_update_date=");
    expect(await reservation(`${placed}-1`)).toMatchObject({ shopifySku: "MUG", quantity: 3, releasedAt: null });
    expect(await reservation(`${waiting}-1`)).toMatchObject({ releaseReason: "REFUSED", lineState: "REFUSED" });
    expect((await reservation(`${waiting}-1`))!.releasedAt).not.toBeNull();

    nextMinute(); // overlapping window: the same lines come back unchanged
    const before = await prisma.marketplaceReservation.findMany({
      where: { connectionId: connection.id },
      orderBy: { orderLineId: "asc" },
    });
    const again = await poll();
    expect(again).toMatchObject({ polled: true, opened: 0, released: 0, changedSkus: [] });
    expect(
      await prisma.marketplaceReservation.findMany({
        where: { connectionId: connection.id },
        orderBy: { orderLineId: "asc" },
      }),
    ).toEqual(before);
  });

  it("follows the line through its states, and a cancelled order releases", async () => {
    await firstPollDone();
    nextMinute();
    // Paid on delivery: still cancellable once accepted.
    const order = sim.control.createOrder({
      lines: [{ offer_sku: "STOVE", quantity: 2 }],
      state: "WAITING_ACCEPTANCE",
      payment_workflow: "PAY_ON_DELIVERY",
    }).id;
    await poll();
    await mirakl.acceptOrderLines(order, [{ id: `${order}-1`, accepted: true }]);
    nextMinute();
    await poll();
    expect((await reservation(`${order}-1`))!.lineState).not.toBe("WAITING_ACCEPTANCE");
    expect((await reservation(`${order}-1`))!.releasedAt).toBeNull();
    await mirakl.cancelOrder(order);
    nextMinute();
    const result = await poll();
    expect(result.released).toBe(1);
    expect(await reservation(`${order}-1`)).toMatchObject({ releaseReason: "CANCELED" });
  });

  it("a line that ships releases its reservation as shipped (its units left the warehouse)", async () => {
    await firstPollDone();
    nextMinute();
    const order = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }], state: "SHIPPING" }).id;
    await poll();
    expect(await reservation(`${order}-1`)).toMatchObject({ lineState: "SHIPPING", releasedAt: null });
    await mirakl.shipOrder(order);
    nextMinute();
    expect((await poll()).released).toBe(1);
    expect(await reservation(`${order}-1`)).toMatchObject({ releaseReason: "SHIPPED", lineState: "SHIPPED" });
  });

  it("reserves the Shopify SKU the offer is mapped from, and nothing for an offer no Shopify SKU feeds", async () => {
    await firstPollDone();
    expect(await addOverride(shop, connection.id, { shopifySku: "SHOPIFY-TENT", offerSku: "TENT" })).toEqual({
      ok: true,
    });
    expect(await addOverride(shop, connection.id, { shopifySku: "MUG", offerSku: "STOVE" })).toEqual({ ok: true });
    nextMinute();
    const tent = sim.control.createOrder({
      lines: [
        { offer_sku: "TENT", quantity: 1 },
        { offer_sku: "MUG", quantity: 1 },
      ],
      state: "WAITING_ACCEPTANCE",
    }).id;
    await poll();
    expect(await reservation(`${tent}-1`)).toMatchObject({ offerSku: "TENT", shopifySku: "SHOPIFY-TENT" });
    expect(await reservation(`${tent}-2`)).toBeNull(); // offer MUG: Shopify's MUG feeds STOVE now
  });

  it("a Mirakl failure is reported on the connection and the lines are read at the next poll", async () => {
    await firstPollDone();
    nextMinute();
    const order = sim.control.createOrder({
      lines: [{ offer_sku: "STOVE", quantity: 1 }],
      state: "WAITING_ACCEPTANCE",
    }).id;
    sim.control.scriptFault({ operation: "OR11", status: 500, times: 1 });
    const failed = await poll();
    expect(failed.opened).toBe(0);
    expect(
      await prisma.syncException.findFirst({
        where: { shop, connectionId: connection.id, kind: "MIRAKL_UNREACHABLE", status: "OPEN" },
      }),
    ).not.toBeNull();
    sim.control.advanceClock(failed.nextDueAt.getTime() - simNow().getTime());
    await poll();
    expect(await reservation(`${order}-1`)).toMatchObject({ quantity: 1, releasedAt: null });
  });

  it("a 429 is waited out as Mirakl says, by every reader", async () => {
    await firstPollDone();
    nextMinute();
    sim.control.scriptFault({ operation: "OR11", status: 429, retryAfterSeconds: 900, times: 1 });
    const limited = await poll();
    expect(limited.nextDueAt.getTime() - simNow().getTime()).toBe(900_000);
    nextMinute();
    expect((await poll()).polled).toBe(false); // not before the 15 minutes
    sim.control.advanceClock(900_000);
    expect((await poll()).polled).toBe(true);
    expect(sim.control.calls("OR11").map((c) => c.status)).toEqual([429, 200]);
  });

  it("keeps shops apart: another shop naming this connection reads nothing and writes nothing", async () => {
    await firstPollDone();
    const rows = await prisma.marketplaceReservation.count();
    nextMinute();
    sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }], state: "WAITING_ACCEPTANCE" });
    const result = await readMarketplaceOrders(
      { id: connection.id, shop: "intake-intruder.myshopify.com" },
      mirakl,
      simNow(),
    );
    expect(result.polled).toBe(false);
    expect(sim.control.calls("OR11")).toHaveLength(0);
    expect(await prisma.marketplaceReservation.count()).toBe(rows);
  });
});

describe("order intake cursor", () => {
  let own: { id: string; shop: string };
  beforeEach(async () => {
    own = await createConnection(`intake-cursor-${testCount}.myshopify.com`, {
      name: "Decathlon",
      baseUrl: sim.url,
      apiKey: sim.keys.single,
    }).then((c) => ({ id: c.id, shop: `intake-cursor-${testCount}.myshopify.com` }));
  });
  const line = (orderId: string) =>
    prisma.marketplaceReservation.findUnique({
      where: { connectionId_orderLineId: { connectionId: own.id, orderLineId: `${orderId}-1` } },
    });

  it("an order paid since the connection was created is reserved by the first poll", async () => {
    sim.control.advanceClock(10 * 60_000); // Mirakl's clock is minutes ahead of ours
    nextMinute();
    // Paid 5 minutes before the first poll (after the connection was created: the simulator's clock is minutes ahead).
    const paid = sim.control.createOrder({
      lines: [{ offer_sku: "TENT", quantity: 1 }],
      state: "SHIPPING",
      createdAt: simNow().getTime() - 5 * 60_000,
    }).id;
    await readMarketplaceOrders(own, mirakl, simNow()); // the first poll reads every unshipped order
    expect(await line(paid)).toMatchObject({ quantity: 1, lineState: "SHIPPING", releasedAt: null });
  });

  it("follows Mirakl's clock: with ours ten minutes ahead, no update is skipped", async () => {
    const ahead = (ms: number) => new Date(simNow().getTime() + 10 * 60_000 + ms);
    await firstPollDone(own);
    nextMinute();
    await readMarketplaceOrders(own, mirakl, ahead(0));
    nextMinute();
    const placed = sim.control.createOrder({
      lines: [{ offer_sku: "TENT", quantity: 2 }],
      state: "WAITING_ACCEPTANCE",
    }).id;
    await readMarketplaceOrders(own, mirakl, ahead(0));
    expect(await line(placed)).toMatchObject({ quantity: 2, releasedAt: null });
  });
});

describe("order intake pace (call budget)", () => {
  it("polls at the connection's own interval, stretched by its share of Mirakl's allowance", async () => {
    await mergeConnectionSettings(shop, connection.id, { ordersPollMinutes: 5, miraklBudgetPercent: 50 });
    await firstPollDone();
    sim.control.advanceClock(9 * 60_000);
    expect((await poll()).polled).toBe(false); // 5 min at half the allowance: every 10 min
    sim.control.advanceClock(60_000);
    expect((await poll()).polled).toBe(true);
  });

  it("a key limited below Mirakl's maximum: the first 429 slows the connection down, says so, and no 429 follows", async () => {
    const limited = await startMiraklSimulator({ port: 0, rateLimits: "partner" });
    try {
      const client = simulatorClient(limited, connection.id);
      const at = () => new Date(limited.control.now());
      await readMarketplaceOrders(connection, client, at());
      limited.control.advanceClock(ORDER_POLL_INTERVAL_MS);
      const refused = await readMarketplaceOrders(connection, client, at());
      expect(limited.control.calls("OR11").map((c) => c.status)).toEqual([200, 429]);
      expect(refused.nextDueAt.getTime()).toBeGreaterThan(at().getTime() + 10 * 60_000);
      const stored = parseConnectionSettings(
        (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connection.id } })).settings,
      );
      expect(stored.ordersPollSlowedToMinutes).toBe(15);
      const warning = await prisma.syncException.findFirstOrThrow({
        where: { shop, kind: "MIRAKL_RATE_LIMITED", entityId: `${connection.id}:orders-poll` },
      });
      expect(warning.message).toMatch(/now reads its orders every 15 min/);
      // From then on, one poll every 15 minutes, all accepted.
      for (let i = 0; i < 4; i++) {
        limited.control.advanceClock(ORDER_POLL_INTERVAL_MS);
        await readMarketplaceOrders(connection, client, at());
      }
      limited.control.advanceClock(15 * 60_000);
      await readMarketplaceOrders(connection, client, at());
      expect(limited.control.calls("OR11").map((c) => c.status)).toEqual([200, 429, 200]);
    } finally {
      await limited.close();
    }
  });
});
