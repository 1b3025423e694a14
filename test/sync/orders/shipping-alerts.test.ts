import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import type { createMiraklClient, MiraklOrder } from "~/integrations/mirakl";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runOrderAcceptance } from "~/sync/orders/acceptance.server";
import { storeOrders } from "~/sync/orders/mirror.server";
import { workUnits } from "~/worker/registry.server";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * Shipping deadline and incident alerts end to end on the Mirakl simulator: the intake mirrors orders to ship,
 * the acceptance unit's pass raises SHIPPING_DEADLINE_DUE (warning, then error) and ORDER_INCIDENT_OPEN, and
 * resolves them when the order ships or the incident closes.
 */

const HOUR = 3_600_000;
let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());

async function readAndCheck() {
  sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
  expect((await readMarketplaceOrders(connection, mirakl, simNow())).polled).toBe(true);
  return runOrderAcceptance(connection, mirakl, simNow());
}

const alerts = (kind: "SHIPPING_DEADLINE_DUE" | "ORDER_INCIDENT_OPEN") =>
  prisma.syncException.findMany({ where: { shop, kind }, orderBy: { firstSeenAt: "asc" } });

const stored = (miraklOrderId: string) =>
  prisma.marketplaceOrder.findUniqueOrThrow({
    where: { connectionId_miraklOrderId: { connectionId: connection.id, miraklOrderId } },
  });

/** The order as Mirakl gives it, changed (the simulator has no incident control, and OR29 refuses debited orders). */
async function readWith(id: string, change: (order: MiraklOrder) => void) {
  const [order] = await mirakl.getOrdersByIds([id]);
  change(order!);
  order!.last_updated_date = simNow().toISOString();
  return order!;
}

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `shipping-alerts-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0 });
  sim.control.addOffer(sim.shops.main, { shop_sku: "TENT", quantity: 10, price: 20 });
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  await mergeConnectionSettings(shop, connection.id, { currencyIsoCode: "USD" });
  mirakl = simulatorClient(sim, connection.id);
  expect((await readMarketplaceOrders(connection, mirakl, simNow())).polled).toBe(true);
});
afterEach(async () => sim?.close());

describe("shipping deadline alerts", () => {
  it("warns the warning hours before the deadline, errs once it passed, and resolves when the order ships", async () => {
    const id = sim.control.createOrder({
      state: "SHIPPING",
      leadtime_to_ship: 2,
      lines: [{ offer_sku: "TENT", quantity: 1 }],
    }).id;
    const first = await readAndCheck();
    const deadline = (await stored(id)).shippingDeadline!;
    expect(deadline.getTime() - simNow().getTime()).toBeGreaterThan(24 * HOUR);
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toEqual([]);
    // The unit comes back when the warning starts, 24 h (the default) before the deadline.
    expect(first.nextDueAt).toEqual(new Date(deadline.getTime() - 24 * HOUR));

    sim.control.advanceClock(first.nextDueAt!.getTime() - simNow().getTime());
    const warned = await runOrderAcceptance(connection, mirakl, simNow());
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toMatchObject([
      { severity: "WARNING", status: "OPEN", entityId: (await stored(id)).id },
    ]);
    expect(warned.nextDueAt).toEqual(deadline);
    // A pass that finds nothing new does not count the same alert again.
    await runOrderAcceptance(connection, mirakl, simNow());
    expect((await alerts("SHIPPING_DEADLINE_DUE"))[0]!.occurrences).toBe(1);

    sim.control.advanceClock(deadline.getTime() - simNow().getTime());
    const late = await runOrderAcceptance(connection, mirakl, simNow());
    const [overdue] = await alerts("SHIPPING_DEADLINE_DUE");
    expect(overdue).toMatchObject({ severity: "ERROR", status: "OPEN" });
    expect(overdue!.message).toContain("has passed");
    expect(late.nextDueAt).toBeNull();

    await mirakl.shipOrder(id);
    // After two idle days the intake's first poll is its sweep of waiting orders; the next reads the update.
    await readAndCheck();
    await readAndCheck();
    expect((await stored(id)).state).toBe("SHIPPED");
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toMatchObject([{ status: "RESOLVED" }]);
  });

  it("follows the connection's warning hours, and the intake marks the unit due for a changed order", async () => {
    await mergeConnectionSettings(shop, connection.id, { shippingDeadlineWarningHours: 60 });
    const id = sim.control.createOrder({
      state: "SHIPPING",
      leadtime_to_ship: 2,
      lines: [{ offer_sku: "TENT", quantity: 1 }],
    }).id;
    const unitVersion = async () =>
      (await prisma.workUnit.findUnique({ where: { key: workUnits.orderAcceptance.key(connection.id) } }))?.version ??
      0;
    const before = await unitVersion();
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, simNow());
    // The order waits for no acceptance, yet the unit is marked due to look at its deadline.
    expect(await unitVersion()).toBeGreaterThan(before);
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toMatchObject([{ severity: "WARNING", status: "OPEN" }]);
    // Fewer warning hours: the order is not near its deadline any more, and back when they grow again.
    await mergeConnectionSettings(shop, connection.id, { shippingDeadlineWarningHours: 1 });
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toMatchObject([{ status: "RESOLVED" }]);
    await mergeConnectionSettings(shop, connection.id, { shippingDeadlineWarningHours: 60 });
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toMatchObject([{ severity: "WARNING", status: "OPEN" }]);
    // Cancelled (by the operator: the simulator's OR29 refuses a debited order): nothing is late any more.
    sim.control.advanceClock(60_000);
    const cancelled = await readWith(id, (o) => {
      o.order_state = "CANCELED";
      for (const line of o.order_lines) line.order_line_state = "CANCELED";
    });
    await storeOrders(connection, [cancelled], simNow());
    await runOrderAcceptance(connection, mirakl, simNow());
    expect((await stored(id)).state).toBe("CANCELED");
    expect(await alerts("SHIPPING_DEADLINE_DUE")).toMatchObject([{ status: "RESOLVED" }]);
  });
});

describe("incident alerts", () => {
  it("an incident on the order or on a line is an error with a fix hint, resolved when it closes", async () => {
    const id = sim.control.createOrder({ state: "SHIPPING", lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    await readAndCheck();
    expect(await alerts("ORDER_INCIDENT_OPEN")).toEqual([]);

    sim.control.advanceClock(60_000);
    await storeOrders(connection, [await readWith(id, (o) => (o.has_incident = true))], simNow());
    await runOrderAcceptance(connection, mirakl, simNow());
    const [incident] = await alerts("ORDER_INCIDENT_OPEN");
    expect(incident).toMatchObject({ severity: "ERROR", status: "OPEN", entityId: (await stored(id)).id });
    expect(incident!.message).toContain(id);
    expect(incident!.fixHint).toContain("Mirakl's back office");
    const timeline = await prisma.marketplaceOrderEvent.findMany({ where: { orderId: incident!.entityId } });
    expect(timeline.map((e) => e.kind)).toContain("incident");

    sim.control.advanceClock(60_000);
    await storeOrders(connection, [await readWith(id, (o) => (o.has_incident = false))], simNow());
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(await alerts("ORDER_INCIDENT_OPEN")).toMatchObject([{ status: "RESOLVED" }]);

    // A line in INCIDENT_OPEN opens it again, naming the line.
    sim.control.advanceClock(60_000);
    const lineIncident = await readWith(id, (o) => (o.order_lines[0]!.order_line_state = "INCIDENT_OPEN"));
    await storeOrders(connection, [lineIncident], simNow());
    await runOrderAcceptance(connection, mirakl, simNow());
    const [reopened] = await alerts("ORDER_INCIDENT_OPEN");
    expect(reopened).toMatchObject({ status: "OPEN" });
    expect(reopened!.message).toContain(`${id}-1`);
  });
});
