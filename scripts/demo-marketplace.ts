// The demo's marketplace front: a person (through /app/demo/marketplace) and the demo itself (every few minutes)
// buy on the Mirakl simulator's demo shop as customers would. Orders go through the simulator's own order
// creation, so the app sees them exactly as it sees any Mirakl order: through OR11.
import type {
  DemoMarketplace,
  DemoMarketplaceOffer,
  DemoMarketplaceOrder,
  DemoMarketplaceState,
  DemoOrderLineRequest,
} from "../app/demo/demo-marketplace.server.ts";
import { canRefund } from "../test/simulators/mirakl/serialize.ts";
import { OPERATOR_CANCELABLE_ORDER_STATES } from "../test/simulators/mirakl/server.ts";
import { createRandom, fromCents, iso, type SimOrder } from "../test/simulators/mirakl/state.ts";
import type { RunningMiraklSimulator } from "../test/simulators/mirakl/index.ts";

export interface AutoOrderSettings {
  enabled: boolean;
  /** Seeds which offers and quantities are picked and when: the same seed gives the same sequence. */
  seed: number;
  firstAfterMs: number;
  everyMs: { min: number; max: number };
}

export const DEFAULT_AUTO_ORDERS: AutoOrderSettings = {
  enabled: true,
  seed: 20261001,
  firstAfterMs: 60_000,
  everyMs: { min: 3 * 60_000, max: 5 * 60_000 },
};

/** `DEMO_AUTO_ORDERS=0` (or off/false/no) starts the demo without orders of its own; the page can turn them on. */
export function autoOrdersFromEnv(env: Record<string, string | undefined>): AutoOrderSettings {
  const off = /^(0|off|false|no)$/i.test((env.DEMO_AUTO_ORDERS ?? "").trim());
  const seed = Number(env.DEMO_AUTO_ORDERS_SEED);
  return { ...DEFAULT_AUTO_ORDERS, enabled: !off, seed: Number.isSafeInteger(seed) ? seed : DEFAULT_AUTO_ORDERS.seed };
}

/**
 * One customer's order among the offers that have stock: usually one line, sometimes two offers; usually one
 * unit, sometimes two when the offer has them. Null when nothing is for sale.
 */
export function pickAutoOrder(offers: DemoMarketplaceOffer[], random: () => number): DemoOrderLineRequest[] | null {
  const candidates = offers
    .filter((offer) => offer.active && offer.quantity > 0)
    .sort((a, b) => (a.sku < b.sku ? -1 : 1));
  if (candidates.length === 0) return null;
  const lineCount = candidates.length > 1 && random() < 0.25 ? 2 : 1;
  const lines: DemoOrderLineRequest[] = [];
  for (let i = 0; i < lineCount; i++) {
    const [offer] = candidates.splice(Math.floor(random() * candidates.length), 1);
    lines.push({ offerSku: offer!.sku, quantity: offer!.quantity >= 2 && random() < 0.3 ? 2 : 1 });
  }
  return lines;
}

export function nextAutoOrderDelay(random: () => number, every: AutoOrderSettings["everyMs"]): number {
  return Math.round(every.min + random() * (every.max - every.min));
}

const RECENT_ORDERS = 20;

export function createDemoMarketplace(input: {
  simulator: RunningMiraklSimulator;
  shopId: number;
  connectionName: string;
  autoOrders: AutoOrderSettings;
}): DemoMarketplace & { stop(): void } {
  const { simulator, shopId, connectionName } = input;
  const state = simulator.simulator.state;
  const shop = () => state.shop(shopId);
  const placedByDemo = new Set<string>();
  const random = createRandom(input.autoOrders.seed);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let nextAt: number | null = null;
  let last: DemoMarketplaceState["autoOrders"]["last"] = null;
  const money = (cents: number) => fromCents(cents).toFixed(2);

  const offers = (): DemoMarketplaceOffer[] =>
    [...shop().offers.values()]
      .filter((offer) => !offer.deleted)
      .map((offer) => ({
        sku: offer.shop_sku,
        title: offer.product_title,
        price: money(offer.price),
        quantity: offer.quantity,
        active: offer.active,
      }));

  const orderView = (order: SimOrder): DemoMarketplaceOrder => ({
    orderId: order.id,
    state: order.state,
    createdAt: iso(order.created)!,
    total: money(order.lines.reduce((sum, line) => sum + line.price_unit * line.quantity + line.shipping_price, 0)),
    acceptanceDecidedAt: iso(order.acceptance_decision_date),
    autoRefusalAt: order.state === "WAITING_ACCEPTANCE" ? iso(order.acceptanceDeadlineAt) : null,
    placedBy: placedByDemo.has(order.id) ? "demo" : "person",
    operatorCanCancel: OPERATOR_CANCELABLE_ORDER_STATES.includes(order.state),
    stateReason: order.reason?.label ?? null,
    lines: order.lines.map((line) => ({
      lineId: line.id,
      offerSku: line.offer_sku,
      title: line.product_title,
      quantity: line.quantity,
      state: line.state,
      refundable: canRefund(state, line) ? money(state.lineBalance(line).amount) : null,
      refunds: line.refunds.map((refund) => ({
        refundId: refund.id,
        amount: money(refund.amount),
        shipping: money(refund.shipping_amount),
        reasonCode: refund.reason_code,
        state: refund.refunded ? "REFUNDED" : "WAITING_REFUND",
        by: refund.by === "SHOP" ? "seller" : "marketplace",
      })),
      canceledUnits: line.cancelations.reduce((units, cancelation) => units + cancelation.quantity, 0),
    })),
  });

  const reasonsOf = (type: "REFUND" | "CANCELATION") =>
    state.reasons.filter((reason) => reason.type === type).map(({ code, label }) => ({ code, label }));

  const placeOrder = (lines: DemoOrderLineRequest[]) => {
    const order = simulator.control.createOrder({
      shopId,
      requireStock: true,
      lines: lines.map((line) => ({ offer_sku: line.offerSku, quantity: line.quantity })),
    });
    return { orderId: order.id, state: order.state };
  };

  const placeAutoOrder = () => {
    state.tick();
    const lines = pickAutoOrder(offers(), random);
    const at = iso(simulator.control.now())!;
    if (!lines) {
      last = { at, orderId: null, note: "skipped: no offer has stock" };
      return;
    }
    try {
      const placed = placeOrder(lines);
      placedByDemo.add(placed.orderId);
      last = { at, orderId: placed.orderId, note: lines.map((l) => `${l.quantity} × ${l.offerSku}`).join(", ") };
    } catch (error) {
      last = { at, orderId: null, note: `refused: ${error instanceof Error ? error.message : String(error)}` };
    }
  };

  const schedule = (delayMs: number) => {
    if (timer) clearTimeout(timer);
    nextAt = Date.now() + delayMs;
    timer = setTimeout(() => {
      placeAutoOrder();
      schedule(nextAutoOrderDelay(random, input.autoOrders.everyMs));
    }, delayMs);
    timer.unref(); // never what keeps the demo running
  };

  const setAutoOrders = (enabled: boolean) => {
    if (enabled && !timer) schedule(input.autoOrders.firstAfterMs);
    if (!enabled && timer) {
      clearTimeout(timer);
      timer = null;
      nextAt = null;
    }
  };
  setAutoOrders(input.autoOrders.enabled);

  return {
    state: () => {
      state.tick(); // transitions that became due since the last request (debit, auto-refusal)
      const orders = [...shop().orders.values()].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
      return {
        connectionName,
        shopId,
        shopName: shop().name,
        currency: shop().currency,
        now: iso(simulator.control.now())!,
        acceptance: {
          mode: state.platform.orderAcceptance,
          partialAcceptance: shop().partialAcceptance,
          autoRefusalAfterMs: state.timings.acceptanceDeadlineMs,
        },
        // The timer runs on the wall clock; the simulator's clock follows it in the demo ("realtime").
        autoOrders: { enabled: timer !== null, nextAt: nextAt === null ? null : iso(nextAt), last },
        offers: offers(),
        reasons: { refund: reasonsOf("REFUND"), cancelation: reasonsOf("CANCELATION") },
        orders: orders.slice(0, RECENT_ORDERS).map(orderView),
        orderCount: orders.length,
      };
    },
    placeOrder,
    setAutoOrders,
    setAutoRefusalAfter: (ms) => {
      simulator.control.setTimings({ acceptanceDeadlineMs: ms });
    },
    // The marketplace's back office: through the simulator's operator controls, as Mirakl's own staff would act.
    cancelOrder: (orderId, reasonCode) => {
      simulator.control.cancelOrder(orderId, shopId, reasonCode);
      return { orderId, state: shop().orders.get(orderId)!.state };
    },
    refundLine: ({ lineId, amount, reasonCode }) => {
      const refund = simulator.control.refundLine({ order_line_id: lineId, amount, reason_code: reasonCode }, shopId);
      return { refundId: refund.refund_id, state: "WAITING_REFUND" };
    },
    stop: () => setAutoOrders(false),
  };
}
