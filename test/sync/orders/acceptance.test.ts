import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { MiraklTransientError, type createMiraklClient } from "~/integrations/mirakl";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { ORDER_POLL_INTERVAL_MS, readMarketplaceOrders } from "~/sync/orders/intake.server";
import { runOrderAcceptance } from "~/sync/orders/acceptance.server";
import { submitReview } from "~/sync/orders/review.server";
import { workUnits } from "~/worker/registry.server";
import { registerFlows } from "~/sync/index.server";
import { retryFor } from "~/exceptions/retries.server";
import { defaultAcceptanceSettings } from "~/domain/orders/acceptance-settings";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";
import { simulatorClient } from "../../helpers/mirakl";

/**
 * Order acceptance end to end on the Mirakl simulator: the intake mirrors the orders, the acceptance unit
 * decides each one from the catalogue mirror and sends OR21; the simulator applies it as Mirakl would.
 */

const LOCATION = "gid://shopify/Location/1";
let sim: RunningMiraklSimulator;
let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let mirakl: ReturnType<typeof createMiraklClient>;
const simNow = () => new Date(sim.control.now());

/** The Shopify side, as the catalogue mirror knows it: SKU → (status, units at the connection's location). */
const CATALOG: Record<string, { status: string; available: number }> = {
  TENT: { status: "ACTIVE", available: 5 },
  STOVE: { status: "ACTIVE", available: 1 },
  LAMP: { status: "DRAFT", available: 9 },
};

async function seedShopifyCatalog() {
  let n = 0;
  for (const [sku, { status, available }] of Object.entries(CATALOG)) {
    n++;
    const item = `gid://shopify/InventoryItem/${shop}-${n}`;
    await prisma.shopifyVariant.create({
      data: {
        variantId: `gid://shopify/ProductVariant/${shop}-${n}`,
        shop,
        productId: `gid://shopify/Product/${shop}-${n}`,
        sku,
        title: sku.toLowerCase(),
        productStatus: status,
        tracked: true,
        inventoryItemId: item,
        price: "20",
      },
    });
    await prisma.shopifyInventoryLevel.create({
      data: { shop, inventoryItemId: item, locationId: LOCATION, available, observedAt: new Date() },
    });
  }
  // The offer mirror: every offer the connection sells, at the price Mirakl's export showed.
  for (const sku of ["TENT", "STOVE", "LAMP", "MUG"])
    await prisma.offerStock.create({
      data: {
        shop,
        connectionId: connection.id,
        offerSku: sku,
        shopifySku: sku in CATALOG ? sku : null,
        miraklPrice: "20",
      },
    });
}

/** One intake poll (the minute it needs on Mirakl's clock first), then one acceptance pass. */
async function readAndDecide(client = mirakl) {
  sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
  expect((await readMarketplaceOrders(connection, client, simNow())).polled).toBe(true);
  return runOrderAcceptance(connection, client, simNow());
}

const order = (miraklOrderId: string) =>
  prisma.marketplaceOrder.findUniqueOrThrow({
    where: { connectionId_miraklOrderId: { connectionId: connection.id, miraklOrderId } },
    include: { lines: { orderBy: { lineIndex: "asc" } }, events: { orderBy: { seq: "asc" } } },
  });
const or21Bodies = () =>
  sim.control.calls("OR21").map((call) => ({ path: call.path, body: JSON.parse(String(call.body)) }));

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `acceptance-${++testCount}.myshopify.com`;
  sim = await startMiraklSimulator({ port: 0 });
  for (const sku of ["TENT", "STOVE", "LAMP", "MUG"])
    sim.control.addOffer(sim.shops.main, { shop_sku: sku, quantity: 10, price: 20 });
  connection = await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single }).then(
    (c) => ({ id: c.id, shop }),
  );
  await mergeConnectionSettings(shop, connection.id, {
    currencyIsoCode: "USD",
    stock: { locationIds: [LOCATION] } as never,
    locationNames: { [LOCATION]: "Warehouse Lyon" },
  });
  await seedShopifyCatalog();
  mirakl = simulatorClient(sim, connection.id);
  // The first poll reads what waits already; nothing is placed yet.
  expect((await readMarketplaceOrders(connection, mirakl, simNow())).polled).toBe(true);
  sim.control.clearCalls();
});
afterEach(async () => sim?.close());

describe("order acceptance on the simulator", () => {
  it("a burst of orders ends in one OR21 each, with the decision and reasons on every timeline", async () => {
    const place = (lines: { offer_sku: string; quantity: number; price_unit?: number }[]) =>
      sim.control.createOrder({ lines }).id;
    const stocked = place([{ offer_sku: "TENT", quantity: 2 }]);
    const unknownSku = place([{ offer_sku: "MUG", quantity: 1 }]);
    const notEnough = place([{ offer_sku: "STOVE", quantity: 3 }]);
    const priceDrift = place([{ offer_sku: "TENT", quantity: 1, price_unit: 30 }]);
    const inactive = place([{ offer_sku: "LAMP", quantity: 1 }]);
    const mixed = place([
      { offer_sku: "TENT", quantity: 1 },
      { offer_sku: "MUG", quantity: 1 },
    ]);

    const run = await readAndDecide();
    expect(run).toMatchObject({ decided: 6, sent: 6, inReview: 0 });

    const bodies = or21Bodies();
    expect(bodies).toHaveLength(6);
    const bodyOf = (id: string) => bodies.find((b) => b.path.includes(id))!.body;
    expect(bodyOf(stocked)).toEqual({ order_lines: [{ id: `${stocked}-1`, accepted: true }] });
    expect(bodyOf(unknownSku)).toEqual({ order_lines: [{ id: `${unknownSku}-1`, accepted: false }] });
    expect(bodyOf(notEnough)).toEqual({ order_lines: [{ id: `${notEnough}-1`, accepted: false }] });
    expect(bodyOf(priceDrift)).toEqual({ order_lines: [{ id: `${priceDrift}-1`, accepted: false }] });
    expect(bodyOf(inactive)).toEqual({ order_lines: [{ id: `${inactive}-1`, accepted: false }] });
    expect(bodyOf(mixed)).toEqual({
      order_lines: [
        { id: `${mixed}-1`, accepted: true },
        { id: `${mixed}-2`, accepted: false },
      ],
    });

    // Mirakl applied them.
    expect(sim.control.order(stocked)!.order_state).toBe("WAITING_DEBIT_PAYMENT");
    expect(sim.control.order(unknownSku)!.order_state).toBe("REFUSED");
    expect(sim.control.order(mixed)!.order_lines.map((l) => l.order_line_state)).toEqual([
      "WAITING_DEBIT_PAYMENT",
      "REFUSED",
    ]);

    // Reasons a person can read, on the lines and the timeline.
    const refusedStove = await order(notEnough);
    expect(refusedStove.acceptance).toBe("SENT");
    expect(refusedStove.lines[0]).toMatchObject({ decision: "refuse", decidedBy: "app" });
    expect(refusedStove.lines[0]!.decisionSummary).toMatch(/1 sellable at Warehouse Lyon, 3 ordered/);
    expect(refusedStove.events.map((e) => `${e.actor} ${e.kind}`)).toEqual([
      "MIRAKL read",
      "APP decided",
      "APP line-decision",
      "APP or21",
    ]);
    expect((await order(unknownSku)).lines[0]!.decisionSummary).toMatch(/MUG/);
    expect((await order(priceDrift)).lines[0]!.decisionSummary).toMatch(/30/);
    expect((await order(inactive)).lines[0]!.decisionSummary).toMatch(/DRAFT|draft/);

    // Every refused line is an exception with a fix hint; the accepted order raised none.
    const refusals = await prisma.syncException.findMany({ where: { shop, kind: "ORDER_LINE_REFUSED" } });
    expect(refusals).toHaveLength(5);
    expect(refusals.every((e) => e.fixHint.length > 20)).toBe(true);

    // The next read sees the new states on the timeline; reading again unchanged writes nothing.
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, simNow());
    const afterRead = await order(stocked);
    // A minute later Mirakl has debited the customer: the order is to be shipped.
    expect(
      afterRead.events
        .filter((e) => e.actor === "MIRAKL")
        .slice(-2)
        .map((e) => `${e.actor} ${e.kind}`),
    ).toEqual(["MIRAKL to-ship", "MIRAKL debited"]);
    const events = await prisma.marketplaceOrderEvent.count({ where: { shop } });
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, simNow());
    expect(await prisma.marketplaceOrderEvent.count({ where: { shop } })).toBe(events);
    // Nothing is decided twice.
    expect((await runOrderAcceptance(connection, mirakl, simNow())).decided).toBe(0);
    expect(or21Bodies()).toHaveLength(6);
  });

  it("stock is shared in order: the earlier order takes the last unit, the later one is refused", async () => {
    const first = sim.control.createOrder({ lines: [{ offer_sku: "STOVE", quantity: 1 }] }).id;
    sim.control.advanceClock(1000);
    const second = sim.control.createOrder({ lines: [{ offer_sku: "STOVE", quantity: 1 }] }).id;
    await readAndDecide();
    expect((await order(first)).lines[0]!.decision).toBe("accept");
    expect((await order(second)).lines[0]!.decision).toBe("refuse");
    expect((await order(second)).lines[0]!.decisionSummary).toMatch(/other open order/);
  });

  /** What the holds unit does (available → reserved in Shopify, the mirror's level with it), for one order's line. */
  async function holdInShopify(miraklOrderId: string, units: number, availableAfter: number) {
    const tent = `gid://shopify/InventoryItem/${shop}-1`;
    const { count } = await prisma.marketplaceReservation.updateMany({
      where: { shop, miraklOrderId },
      data: { heldAt: simNow(), heldQuantity: units, heldLocationId: LOCATION, heldInventoryItemId: tent },
    });
    expect(count).toBe(1);
    await prisma.shopifyInventoryLevel.updateMany({
      where: { shop, inventoryItemId: tent, locationId: LOCATION },
      data: { available: availableAfter },
    });
  }

  it("units held in Shopify for a refused line count as free before the hold is returned", async () => {
    // TENT has 5: the first order takes 3, the second (3) is refused, and both lines get held in Shopify.
    const first = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 3 }] }).id;
    const refused = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 3 }] }).id;
    await readAndDecide();
    expect((await order(refused)).lines[0]!.decision).toBe("refuse");
    await holdInShopify(first, 3, 2);
    await holdInShopify(refused, 2, 0); // the holds unit held what was left before reading the refusal
    // The next read sees the refusal (the reservation ends, its hold is not returned yet) and a new order for 2.
    const next = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 2 }] }).id;
    await readAndDecide();
    const released = await prisma.marketplaceReservation.findFirstOrThrow({ where: { shop, miraklOrderId: refused } });
    expect(released).toMatchObject({ releaseReason: "REFUSED", holdReleasedAt: null });
    expect((await order(next)).lines[0]).toMatchObject({ decision: "accept" });
    expect((await order(next)).lines[0]!.decisionSummary).toMatch(/2 sellable at Warehouse Lyon, 2 ordered/);
  });

  it("a later waiting order already held in Shopify does not take the units of an earlier one", async () => {
    const earlier = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 4 }] }).id;
    sim.control.advanceClock(1000);
    const later = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 4 }] }).id;
    sim.control.advanceClock(ORDER_POLL_INTERVAL_MS);
    await readMarketplaceOrders(connection, mirakl, simNow());
    // Another worker's holds pass ran between the read and the decisions, and held the later order first.
    await holdInShopify(later, 4, 1);
    await runOrderAcceptance(connection, mirakl, simNow());
    expect((await order(earlier)).lines[0]!.decision).toBe("accept");
    expect((await order(later)).lines[0]!.decision).toBe("refuse");
    expect((await order(later)).lines[0]!.decisionSummary).toMatch(/Only 1 sellable/);
  });

  it("partial acceptance forbidden: Mirakl's refusal is learnt, the order is decided again as a whole", async () => {
    sim.control.setPartialAcceptance(sim.shops.main, false);
    const mixed = sim.control.createOrder({
      lines: [
        { offer_sku: "TENT", quantity: 1 },
        { offer_sku: "MUG", quantity: 1 },
      ],
    }).id;
    await readAndDecide();
    // The first OR21 (partial) was refused; the order is pending again and decided whole on the next pass.
    expect(sim.control.calls("OR21").map((c) => c.status)).toEqual([400]);
    expect((await order(mixed)).acceptance).toBe("PENDING");
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(or21Bodies().at(-1)!.body).toEqual({
      order_lines: [
        { id: `${mixed}-1`, accepted: false },
        { id: `${mixed}-2`, accepted: false },
      ],
    });
    expect(sim.control.order(mixed)!.order_state).toBe("REFUSED");
    const stored = await order(mixed);
    expect(stored.acceptance).toBe("SENT");
    expect(stored.events.map((e) => e.kind)).toContain("partial-acceptance-forbidden");
    expect(stored.lines[0]!.decisionSummary).toMatch(/forbids partial acceptance/);
    // Learnt for the next orders; no exception for something the app handled.
    const settings = await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect((settings.settings as { partialAcceptanceForbidden?: boolean }).partialAcceptanceForbidden).toBe(true);
    expect(await prisma.syncException.count({ where: { shop, kind: "ORDER_ACCEPTANCE_FAILED" } })).toBe(0);
  });

  it("an OR21 whose answer was lost is settled by re-reading: sent once, no exception", async () => {
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    // Mirakl applies the decision, the answer never arrives.
    const lossy = {
      ...mirakl,
      acceptOrderLines: async (...args: Parameters<typeof mirakl.acceptOrderLines>) => {
        await mirakl.acceptOrderLines(...args);
        throw new MiraklTransientError({ operation: "OR21", method: "PUT", path: "/api/orders/x/accept" });
      },
    };
    const run = await readAndDecide(lossy);
    expect(run.sent).toBe(0);
    expect(run.nextDueAt).not.toBeNull();
    expect((await order(placed)).acceptance).toBe("SENDING");

    sim.control.advanceClock(60_000);
    const again = await runOrderAcceptance(connection, mirakl, simNow());
    expect(again.sent).toBe(1);
    expect(sim.control.calls("OR21")).toHaveLength(1); // never a second OR21
    const stored = await order(placed);
    expect(stored.acceptance).toBe("SENT");
    expect(stored.events.find((e) => e.kind === "or21")!.message).toMatch(/answer to the OR21 was lost/);
    expect(await prisma.syncException.count({ where: { shop, status: "OPEN", kind: "ORDER_ACCEPTANCE_FAILED" } })).toBe(
      0,
    );
  });

  it("a Mirakl outage keeps the decision pending and retried, then an exception after repeated failures", async () => {
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    sim.control.scriptFault({ operation: "OR21", status: 503, times: 3 });
    await readAndDecide();
    for (let i = 0; i < 2; i++) {
      sim.control.advanceClock(5 * 60_000);
      await runOrderAcceptance(connection, mirakl, simNow());
    }
    const failed = await prisma.syncException.findFirstOrThrow({ where: { shop, kind: "ORDER_ACCEPTANCE_FAILED" } });
    // Retry from the queue makes the decision due now (it would otherwise wait out its back-off).
    registerFlows();
    expect(await retryFor(failed.entityType)!(shop, failed.entityId, failed)).toBe(true);
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(sim.control.order(placed)!.order_lines[0]!.order_line_state).not.toBe("WAITING_ACCEPTANCE");
    expect((await order(placed)).acceptance).toBe("SENT");
    // Sent once it got through: the exception is resolved.
    expect(await prisma.syncException.count({ where: { shop, kind: "ORDER_ACCEPTANCE_FAILED", status: "OPEN" } })).toBe(
      0,
    );
  });

  it("review: a failed rule set to review waits for a person, raises the deadline alerts, and the person's decision is sent", async () => {
    const settings = defaultAcceptanceSettings();
    settings.onFailedRule.insufficientStock = "review";
    settings.acceptanceWindowHours = 10;
    await mergeConnectionSettings(shop, connection.id, { acceptance: settings });
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "STOVE", quantity: 2 }] }).id;
    const run = await readAndDecide();
    expect(run).toMatchObject({ decided: 1, sent: 0, inReview: 1 });
    // It wakes up at half the window to warn.
    const created = (await order(placed)).createdOnMiraklAt.getTime();
    expect(run.nextDueAt!.getTime()).toBe(created + 5 * 3_600_000);
    expect(sim.control.calls("OR21")).toHaveLength(0);
    const stored = await order(placed);
    expect(stored).toMatchObject({ acceptance: "REVIEW", needsAttention: true });
    expect(stored.lines[0]!.decision).toBe("review");

    sim.control.advanceClock(5 * 3_600_000);
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(await prisma.syncException.findFirst({ where: { shop, kind: "ORDER_REVIEW_DUE" } })).toMatchObject({
      severity: "WARNING",
    });
    sim.control.advanceClock(4 * 3_600_000);
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(await prisma.syncException.findFirst({ where: { shop, kind: "ORDER_REVIEW_DUE" } })).toMatchObject({
      severity: "ERROR",
    });

    // A choice for another line, or none, is refused; the person accepts the line.
    expect(await submitReview({ shop, orderId: stored.id, choices: {}, staff: "ana@shop.test" })).toMatchObject({
      ok: false,
    });
    expect(await submitReview({ shop: "other.myshopify.com", orderId: stored.id, choices: {}, staff: "x" })).toEqual({
      ok: false,
      problem: "No such order",
    });
    expect(
      await submitReview(
        { shop, orderId: stored.id, choices: { [`${placed}-1`]: true }, staff: "ana@shop.test" },
        simNow(),
      ),
    ).toEqual({ ok: true });
    const unit = await prisma.workUnit.findUniqueOrThrow({
      where: { key: workUnits.orderAcceptance.key(connection.id) },
    });
    expect(unit.dueAt.getTime()).toBeLessThanOrEqual(simNow().getTime());
    await runOrderAcceptance(connection, mirakl, simNow());
    expect(or21Bodies()).toEqual([
      { path: `/api/orders/${placed}/accept`, body: { order_lines: [{ id: `${placed}-1`, accepted: true }] } },
    ]);
    const decided = await order(placed);
    expect(decided).toMatchObject({ acceptance: "SENT", needsAttention: false, or21By: "ana@shop.test" });
    expect(decided.events.filter((e) => e.actor === "STAFF").map((e) => e.message)).toEqual([
      `ana@shop.test accepted line ${placed}-1`,
      `OR21 sent: accepted ${placed}-1`,
    ]);
    expect(await prisma.syncException.count({ where: { shop, kind: "ORDER_REVIEW_DUE", status: "OPEN" } })).toBe(0);
  });

  it("review: two people deciding at once — the first decision stands whole, lines and timeline included", async () => {
    const settings = defaultAcceptanceSettings();
    settings.onFailedRule.insufficientStock = "review";
    await mergeConnectionSettings(shop, connection.id, { acceptance: settings });
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "STOVE", quantity: 2 }] }).id;
    await readAndDecide();
    const stored = await order(placed);
    expect(stored.acceptance).toBe("REVIEW");
    const line = `${placed}-1`;
    // Both read the order in review; only one compare-and-set can win.
    const answers = await Promise.all([
      submitReview({ shop, orderId: stored.id, choices: { [line]: true }, staff: "ana@shop.test" }, simNow()),
      submitReview({ shop, orderId: stored.id, choices: { [line]: false }, staff: "bob@shop.test" }, simNow()),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok)).toEqual([
      { ok: false, problem: expect.stringMatching(/Someone decided this order meanwhile|not waiting/) },
    ]);
    const decided = await order(placed);
    const winner = decided.or21By;
    const accepted = (decided.or21Body as { order_lines: { accepted: boolean }[] }).order_lines[0]!.accepted;
    expect(decided.lines[0]).toMatchObject({ decision: accepted ? "accept" : "refuse", decidedBy: winner });
    expect(decided.events.filter((e) => e.kind === "staff-decision").map((e) => e.message)).toEqual([
      `${winner} ${accepted ? "accepted" : "refused"} line ${line}`,
    ]);
  });

  it("an order decided on Mirakl while in review (or auto-refused at the deadline) is recorded, not decided again", async () => {
    const settings = defaultAcceptanceSettings();
    settings.onFailedRule.unknownOffer = "review";
    settings.onFailedRule.skuNotFound = "review";
    await mergeConnectionSettings(shop, connection.id, { acceptance: settings });
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "MUG", quantity: 1 }] }).id;
    await readAndDecide();
    expect((await order(placed)).acceptance).toBe("REVIEW");
    // Mirakl's own deadline (3 days in the simulator) passes.
    sim.control.advanceClock(3 * 24 * 3_600_000 + 1000);
    await readAndDecide();
    const stored = await order(placed);
    expect(stored.state).toBe("REFUSED");
    expect(stored.acceptance).toBe("DECIDED_ON_MIRAKL");
    expect(stored.needsAttention).toBe(false);
    expect(stored.events.map((e) => e.kind)).toContain("decided-on-mirakl");
    expect(sim.control.calls("OR21")).toHaveLength(0);
  });

  it("an order failing its schema is an exception naming it; the other orders are read and decided", async () => {
    const broken = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    const fine = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    sim.control.setFaults({
      transformResponse: (operation, body) => {
        if (operation !== "OR11") return body;
        const page = body as { orders: { order_id: string; order_lines: Record<string, unknown>[] }[] };
        for (const o of page.orders) if (o.order_id === broken) o.order_lines[0]!.quantity = "two";
        return page;
      },
    });
    await readAndDecide();
    expect(sim.control.order(fine)!.order_state).toBe("WAITING_DEBIT_PAYMENT");
    expect(sim.control.order(broken)!.order_state).toBe("WAITING_ACCEPTANCE");
    const exception = await prisma.syncException.findFirstOrThrow({ where: { shop, kind: "ORDER_UNREADABLE" } });
    expect(exception.message).toContain(broken);
    expect(exception.message).toContain("order_lines.0.quantity");
    // Once Mirakl sends it readable again, the sweep of waiting orders picks it up and it is decided.
    sim.control.setFaults({});
    sim.control.advanceClock(15 * 60_000);
    await readAndDecide();
    expect(sim.control.order(broken)!.order_state).not.toBe("WAITING_ACCEPTANCE");
    expect(await prisma.syncException.findUniqueOrThrow({ where: { id: exception.id } })).toMatchObject({
      status: "RESOLVED",
    });
  });

  it("keeps deciding while Shopify is unreachable: acceptance reads only the mirror and Mirakl", async () => {
    // No Shopify session exists for this shop at all: any Shopify call would throw.
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    await readAndDecide();
    expect(sim.control.order(placed)!.order_state).toBe("WAITING_DEBIT_PAYMENT");
  });

  it("PC01 says automatic acceptance, yet an order waits: it is decided all the same, and the timeline says why", async () => {
    await mergeConnectionSettings(shop, connection.id, {
      lastCheck: {
        at: simNow().toISOString(),
        ok: true,
        field: null,
        message: null,
        shopId: null,
        shopName: null,
        shopState: null,
        platformName: null,
        orderAcceptance: "AUTOMATIC",
        multiShipment: null,
        sellerAlternativeCarriers: null,
        orderTaxMode: null,
      },
    });
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    await readAndDecide();
    expect(sim.control.order(placed)!.order_state).toBe("WAITING_DEBIT_PAYMENT");
    expect((await order(placed)).events.map((e) => e.kind)).toContain("automatic-but-waiting");
  });

  it("a marketplace that accepts by itself: nothing to decide, nothing sent", async () => {
    sim.control.setPlatform({ orderAcceptance: "AUTOMATIC" });
    await mergeConnectionSettings(shop, connection.id, {});
    const placed = sim.control.createOrder({ lines: [{ offer_sku: "TENT", quantity: 1 }] }).id;
    const run = await readAndDecide();
    expect(run.decided).toBe(0);
    expect(sim.control.calls("OR21")).toHaveLength(0);
    expect((await order(placed)).acceptance).toBe("NONE");
  });
});
