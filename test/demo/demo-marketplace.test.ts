import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DemoMarketplaceOffer } from "~/demo/demo-marketplace.server";
import {
  autoOrdersFromEnv,
  createDemoMarketplace,
  DEFAULT_AUTO_ORDERS,
  nextAutoOrderDelay,
  pickAutoOrder,
} from "../../scripts/demo-marketplace";
import { createRandom } from "../simulators/mirakl/state";
import { MARKETPLACE_REASONS, startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";

const offer = (sku: string, quantity: number, active = quantity > 0): DemoMarketplaceOffer => ({
  sku,
  title: sku,
  price: "10.00",
  quantity,
  active,
});

describe("the demo's own orders: what it buys", () => {
  const offers = [offer("B", 1), offer("A", 7), offer("C", 0), offer("D", 3, false), offer("E", 2)];

  it("buys only offers that have stock, never more than they have, one or two lines of one or two units", () => {
    const random = createRandom(7);
    const seen = new Set<string>();
    let twoLines = 0;
    let twoUnits = 0;
    for (let i = 0; i < 500; i++) {
      const lines = pickAutoOrder(offers, random)!;
      expect(lines.length === 1 || lines.length === 2).toBe(true);
      expect(new Set(lines.map((l) => l.offerSku)).size).toBe(lines.length);
      for (const line of lines) {
        const picked = offers.find((o) => o.sku === line.offerSku)!;
        expect(picked.active && picked.quantity >= line.quantity).toBe(true);
        expect([1, 2]).toContain(line.quantity);
        seen.add(line.offerSku);
        if (line.quantity === 2) twoUnits++;
      }
      if (lines.length === 2) twoLines++;
    }
    expect([...seen].sort()).toEqual(["A", "B", "E"]);
    expect(twoLines).toBeGreaterThan(0);
    expect(twoUnits).toBeGreaterThan(0);
  });

  it("is the same sequence for the same seed, whatever order the offers come in", () => {
    const run = (list: DemoMarketplaceOffer[]) => {
      const random = createRandom(42);
      return Array.from({ length: 20 }, () => pickAutoOrder(list, random));
    };
    expect(run(offers)).toEqual(run([...offers].reverse()));
  });

  it("buys nothing when nothing has stock", () => {
    expect(pickAutoOrder([offer("C", 0), offer("D", 4, false)], createRandom(1))).toBeNull();
  });

  it("waits between the configured bounds", () => {
    const random = createRandom(3);
    const delays = Array.from({ length: 200 }, () => nextAutoOrderDelay(random, { min: 180_000, max: 300_000 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(180_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
  });

  it("is on unless DEMO_AUTO_ORDERS turns it off; DEMO_AUTO_ORDERS_SEED changes the sequence", () => {
    expect(autoOrdersFromEnv({})).toEqual(DEFAULT_AUTO_ORDERS);
    expect(DEFAULT_AUTO_ORDERS).toMatchObject({ firstAfterMs: 60_000, everyMs: { min: 180_000, max: 300_000 } });
    for (const off of ["0", "off", "false", "NO"])
      expect(autoOrdersFromEnv({ DEMO_AUTO_ORDERS: off }).enabled).toBe(false);
    expect(autoOrdersFromEnv({ DEMO_AUTO_ORDERS: "1" }).enabled).toBe(true);
    expect(autoOrdersFromEnv({ DEMO_AUTO_ORDERS_SEED: "99" }).seed).toBe(99);
    expect(autoOrdersFromEnv({ DEMO_AUTO_ORDERS_SEED: "x" }).seed).toBe(DEFAULT_AUTO_ORDERS.seed);
  });
});

describe("the demo's own orders on the simulator", () => {
  let sim: RunningMiraklSimulator;
  const SHOP = 3001;
  beforeAll(async () => {
    sim = await startMiraklSimulator({ startTime: "2026-10-01T09:00:00Z", rateLimits: "off" });
  });
  afterAll(() => sim.close());
  afterEach(() => vi.useRealTimers());

  const freshShop = (offers: { sku: string; quantity: number }[]) => {
    sim.simulator.state.shops.delete(SHOP);
    sim.simulator.state.addShop({ id: SHOP, currency: "EUR", seedOffers: false });
    for (const o of offers) sim.control.addOffer(SHOP, { shop_sku: o.sku, quantity: o.quantity, price: 10 });
  };
  const demoMarketplace = (enabled: boolean) =>
    createDemoMarketplace({
      simulator: sim,
      shopId: SHOP,
      connectionName: "Decathlon (demo)",
      autoOrders: { ...DEFAULT_AUTO_ORDERS, enabled, seed: 5 },
    });

  it("places the first order about a minute after the start, then one every 3 to 5 minutes", () => {
    vi.useFakeTimers();
    freshShop([
      { sku: "TENT", quantity: 50 },
      { sku: "SHOE", quantity: 50 },
    ]);
    const marketplace = demoMarketplace(true);
    vi.advanceTimersByTime(59_999);
    expect(sim.control.orders(SHOP)).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sim.control.orders(SHOP)).toHaveLength(1);
    const state = marketplace.state();
    expect(state.orders[0]).toMatchObject({ placedBy: "demo", state: "WAITING_ACCEPTANCE" });
    expect(state.autoOrders.last).toMatchObject({ orderId: state.orders[0]!.orderId });
    vi.advanceTimersByTime(179_999);
    expect(sim.control.orders(SHOP)).toHaveLength(1);
    vi.advanceTimersByTime(120_001);
    expect(sim.control.orders(SHOP)).toHaveLength(2);
    vi.advanceTimersByTime(60 * 60_000);
    const count = sim.control.orders(SHOP).length;
    expect(count).toBeGreaterThanOrEqual(2 + 12);
    expect(count).toBeLessThanOrEqual(2 + 20);

    marketplace.setAutoOrders(false);
    vi.advanceTimersByTime(60 * 60_000);
    expect(sim.control.orders(SHOP)).toHaveLength(count);
    expect(marketplace.state().autoOrders).toMatchObject({ enabled: false, nextAt: null });
    marketplace.stop();
  });

  it("places nothing when off, and says it skipped when nothing has stock", () => {
    vi.useFakeTimers();
    freshShop([{ sku: "TENT", quantity: 0 }]);
    const off = demoMarketplace(false);
    vi.advanceTimersByTime(30 * 60_000);
    expect(sim.control.orders(SHOP)).toHaveLength(0);
    expect(off.state().autoOrders).toEqual({ enabled: false, nextAt: null, last: null });

    off.setAutoOrders(true);
    vi.advanceTimersByTime(60_000);
    expect(sim.control.orders(SHOP)).toHaveLength(0);
    expect(off.state().autoOrders.last).toMatchObject({ orderId: null, note: "skipped: no offer has stock" });
    off.stop();
  });
});

describe("the demo marketplace's back office on the simulator", () => {
  let sim: RunningMiraklSimulator;
  const SHOP = 3001;
  beforeAll(async () => {
    sim = await startMiraklSimulator({
      startTime: "2026-10-01T09:00:00Z",
      rateLimits: "off",
      reasons: MARKETPLACE_REASONS,
    });
    sim.simulator.state.addShop({ id: SHOP, currency: "EUR", seedOffers: false });
    sim.control.addOffer(SHOP, { shop_sku: "TENT", quantity: 10, price: 119 });
  });
  afterAll(() => sim.close());

  const demoMarketplace = () =>
    createDemoMarketplace({
      simulator: sim,
      shopId: SHOP,
      connectionName: "Decathlon (demo)",
      autoOrders: { ...DEFAULT_AUTO_ORDERS, enabled: false },
    });

  it("cancels through the operator's control and refunds through customer service's, as the marketplace shows them", () => {
    const marketplace = demoMarketplace();
    const toCancel = marketplace.placeOrder([{ offerSku: "TENT", quantity: 2 }]).orderId;
    expect(marketplace.cancelOrder(toCancel, "34")).toEqual({ orderId: toCancel, state: "CANCELED" });
    expect(() => marketplace.cancelOrder(toCancel, "34")).toThrow(/cannot be canceled in state CANCELED/);

    const shipped = sim.control.createOrder({ shopId: SHOP, state: "SHIPPED", lines: [{ offer_sku: "TENT" }] }).id;
    const { refundId } = marketplace.refundLine({ lineId: `${shipped}-1`, amount: "19.99", reasonCode: "18" });
    expect(() => marketplace.refundLine({ lineId: `${shipped}-1`, amount: "100", reasonCode: "18" })).toThrow(
      /exceeds what is left/,
    );
    const shown = marketplace.state().orders;
    expect(shown.find((o) => o.orderId === toCancel)).toMatchObject({ state: "CANCELED", operatorCanCancel: false });
    expect(shown.find((o) => o.orderId === shipped)).toMatchObject({
      operatorCanCancel: false,
      lines: [
        {
          refundable: "99.01",
          refunds: [{ refundId, amount: "19.99", reasonCode: "18", state: "WAITING_REFUND", by: "marketplace" }],
        },
      ],
    });
    marketplace.stop();
  });
});
