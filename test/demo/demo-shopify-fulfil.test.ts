import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { DEMO_SHOP } from "~/auth.server";
import { createConnection } from "~/connections/connections.server";
import { LINE_FIELD_PREFIX, OTHER_CARRIER } from "~/demo/demo-fulfil-form";
import {
  registerDemoShopify,
  type DemoFulfilmentChange,
  type DemoShopifyOrder,
  type DemoShopifyStore,
} from "~/demo/demo-shopify.server";
import { DEMO_CARRIER_MAP, seedDemoCarrierMap } from "~/demo/seed.server";
import { action as fulfillmentsCreateRoute } from "~/routes/webhooks.fulfillments.create";
import { action as fulfillmentsUpdateRoute } from "~/routes/webhooks.fulfillments.update";
import { carrierMap, mapCarrier } from "~/sync/fulfilments/carriers.server";
import { createDemoShopify } from "../../scripts/demo-shopify";
import { installShop, settle } from "../helpers/app";
import { demoRegistry, demoShopifyPage } from "../helpers/demo-shopify";
import { createOrder } from "../shopify-fake";
import { MARKETPLACE_CARRIERS, startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";

const registry = demoRegistry;
const { post, load } = demoShopifyPage<DemoShopifyOrder & { suggestedTracking: Record<string, string> }>();

beforeEach(() => {
  process.env.MIRAKL_BRIDGE_DEMO = "1";
  registry.__miraklBridgeDemoLoopback = true;
});
afterEach(() => {
  registry.__miraklBridgeDemoShopify = undefined;
  registry.__miraklBridgeDemoLoopback = undefined;
  process.env.MIRAKL_BRIDGE_DEMO = "0";
});

describe("the demo Shopify page's fulfil actions (what the page asks the store)", () => {
  const asked: unknown[] = [];
  let answer: DemoFulfilmentChange;
  const change = async (input: unknown) => {
    asked.push(input);
    return answer;
  };
  const store: DemoShopifyStore = {
    shop: DEMO_SHOP,
    locations: () => [],
    variants: () => [],
    orders: () => [],
    setAvailable: () => Promise.reject(new Error("not asked")),
    sell: () => Promise.reject(new Error("not asked")),
    fulfil: change,
    updateTracking: change,
    cancelFulfillment: change,
    refund: () => Promise.reject(new Error("not asked")),
    cancelOrder: () => Promise.reject(new Error("not asked")),
  };
  beforeEach(() => {
    asked.length = 0;
    answer = {
      orderName: "#1001",
      fulfillmentName: "#1001.1",
      topic: "fulfillments/create",
      webhook: { status: 200 },
    };
    registerDemoShopify(store);
  });

  it("fulfils the lines given a positive quantity, with the chosen carrier or the one typed for Other…", async () => {
    expect(
      await post({
        intent: "fulfil",
        orderId: "gid://shopify/Order/1",
        carrier: "Mondial Relay",
        trackingNumber: " 12345678 ",
        [`${LINE_FIELD_PREFIX}gid://shopify/LineItem/1`]: "2",
        [`${LINE_FIELD_PREFIX}gid://shopify/LineItem/2`]: "0",
      }),
    ).toEqual({
      ok: true,
      message: "Order #1001: fulfilment #1001.1 created. Shopify sent fulfillments/create and the app accepted it.",
    });
    await post({
      intent: "fulfil",
      orderId: "gid://shopify/Order/1",
      carrier: OTHER_CARRIER,
      otherCarrier: "Geodis",
      trackingNumber: "GEO-1",
      [`${LINE_FIELD_PREFIX}gid://shopify/LineItem/2`]: "1",
    });
    expect(asked).toEqual([
      {
        orderId: "gid://shopify/Order/1",
        company: "Mondial Relay",
        trackingNumber: "12345678",
        lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
      },
      {
        orderId: "gid://shopify/Order/1",
        company: "Geodis",
        trackingNumber: "GEO-1",
        lines: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1 }],
      },
    ]);
  });

  it("refuses a form with nothing to fulfil, no carrier name, no tracking number or a bad quantity, asking nothing", async () => {
    const base = { intent: "fulfil", orderId: "o", carrier: "UPS", trackingNumber: "1Z" };
    expect(await post({ ...base, [`${LINE_FIELD_PREFIX}l`]: "0" })).toEqual({
      ok: false,
      error: "Enter at least one unit to fulfil",
    });
    expect(await post({ ...base, carrier: OTHER_CARRIER, [`${LINE_FIELD_PREFIX}l`]: "1" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("otherCarrier"),
    });
    expect(await post({ ...base, trackingNumber: " ", [`${LINE_FIELD_PREFIX}l`]: "1" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("trackingNumber"),
    });
    expect(await post({ ...base, [`${LINE_FIELD_PREFIX}l`]: "-1" })).toMatchObject({ ok: false });
    expect(asked).toEqual([]);
  });

  it("edits tracking and cancels, and says when the app did not accept Shopify's webhook", async () => {
    answer = { ...answer, topic: "fulfillments/update", webhook: { status: 401 } };
    expect(await post({ intent: "tracking", fulfillmentId: "f1", trackingNumber: "1Z2" })).toEqual({
      ok: false,
      error: "Fulfilment #1001.1: tracking number now 1Z2. Shopify sent fulfillments/update but the app answered 401.",
    });
    answer = { ...answer, webhook: { error: "fetch failed" } };
    expect(await post({ intent: "cancelFulfillment", fulfillmentId: "f1" })).toEqual({
      ok: false,
      error:
        "Fulfilment #1001.1 cancelled: its units are to fulfil again. Shopify's fulfillments/update did not reach the app: fetch failed.",
    });
    expect(asked).toEqual([
      { intent: "tracking", fulfillmentId: "f1", trackingNumber: "1Z2" },
      { intent: "cancelFulfillment", fulfillmentId: "f1" },
    ]);
  });
});

describe("fulfilling in the demo's Shopify reaches the app's webhook intake", () => {
  beforeAll(async () => {
    await installShop(DEMO_SHOP);
  });

  function demoStore() {
    const demo = createDemoShopify({
      shop: DEMO_SHOP,
      apiKey: process.env.SHOPIFY_API_KEY!,
      apiSecret: process.env.SHOPIFY_API_SECRET!,
    });
    // The app's real webhook routes, called in-process as the demo's server would.
    const routes: Record<string, typeof fulfillmentsCreateRoute> = {
      "fulfillments/create": fulfillmentsCreateRoute,
      "fulfillments/update": fulfillmentsUpdateRoute,
    };
    const store = demo.store((topic) => (request) => settle(routes[topic]!({ request, params: {}, context: {} })));
    registerDemoShopify(store);
    const tent = [...demo.fake.store.variants.values()].find((v) => v.sku === "TENT-2S-2P")!;
    const lamp = [...demo.fake.store.variants.values()].find((v) => v.sku === "LAMP-HL400")!;
    const order = createOrder(
      demo.fake.store,
      {
        sourceName: "mirakl",
        sourceIdentifier: "MKP-3001-A",
        lineItems: [
          { variantId: tent.id, quantity: 2 },
          { variantId: lamp.id, quantity: 1 },
        ],
      },
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    ).ok!;
    return { demo, order };
  }
  const deliveries = (topic: string) =>
    prisma.webhookDelivery.findMany({ where: { shop: DEMO_SHOP, topic }, orderBy: { receivedAt: "asc" } });

  it("a fulfilment of some lines creates it in Shopify and the app stores the signed fulfillments/create", async () => {
    const { demo, order } = demoStore();
    const before = (await deliveries("fulfillments/create")).length;
    const listed = (await load()).orders.find((o) => o.id === order.id)!;
    expect(listed.lines.map((l) => [l.sku, l.toFulfil])).toEqual([
      ["TENT-2S-2P", 2],
      ["LAMP-HL400", 1],
    ]);
    const tracking = listed.suggestedTracking["Mondial Relay"]!;
    expect(tracking).toMatch(/^\d{8}$/);
    const tentLine = listed.lines[0]!;

    const result = await post({
      intent: "fulfil",
      orderId: order.id,
      carrier: "Mondial Relay",
      trackingNumber: tracking,
      [`${LINE_FIELD_PREFIX}${tentLine.id}`]: "1",
      [`${LINE_FIELD_PREFIX}${listed.lines[1]!.id}`]: "0",
    });
    expect(result).toEqual({
      ok: true,
      message: `Order ${order.name}: fulfilment ${order.name}.1 created. Shopify sent fulfillments/create and the app accepted it.`,
    });
    const [fulfillment] = demo.fake.store.orders.get(order.id)!.fulfillments;
    expect(fulfillment).toMatchObject({
      status: "SUCCESS",
      trackingInfo: [{ company: "Mondial Relay", number: tracking }],
      lineItems: [{ lineItemId: tentLine.id, quantity: 1 }],
    });
    const stored = (await deliveries("fulfillments/create")).slice(before);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe("PENDING"); // verified and read as a fulfilment: not rejected at the door
    expect(stored[0]!.payload).toMatchObject({
      admin_graphql_api_id: fulfillment!.id,
      name: `${order.name}.1`,
      tracking_company: "Mondial Relay",
      tracking_number: tracking,
      line_items: [expect.objectContaining({ sku: "TENT-2S-2P", quantity: 1 })],
    });

    const after = (await load()).orders.find((o) => o.id === order.id)!;
    expect(after.fulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(after.lines.map((l) => l.toFulfil)).toEqual([1, 1]);
    expect(after.fulfillments).toEqual([
      {
        id: fulfillment!.id,
        name: `${order.name}.1`,
        status: "SUCCESS",
        company: "Mondial Relay",
        trackingNumber: tracking,
        lines: [{ sku: "TENT-2S-2P", title: "2 Seconds Easy tent, 2 person", quantity: 1 }],
      },
    ]);
    // The next fulfilment gets another number.
    expect(after.suggestedTracking["Mondial Relay"]).not.toBe(tracking);
  });

  it("a tracking edit and a cancel each deliver fulfillments/update, which the app stores", async () => {
    const { demo, order } = demoStore();
    const before = (await deliveries("fulfillments/update")).length;
    const listed = (await load()).orders.find((o) => o.id === order.id)!;
    await post({
      intent: "fulfil",
      orderId: order.id,
      carrier: "UPS",
      trackingNumber: listed.suggestedTracking.UPS!,
      ...Object.fromEntries(listed.lines.map((l) => [`${LINE_FIELD_PREFIX}${l.id}`, String(l.toFulfil)])),
    });
    const fulfillment = demo.fake.store.orders.get(order.id)!.fulfillments[0]!;
    expect(fulfillment.lineItems.map((l) => l.quantity)).toEqual([2, 1]);

    expect(
      await post({ intent: "tracking", fulfillmentId: fulfillment.id, trackingNumber: "1Z999AA10123456784" }),
    ).toEqual({
      ok: true,
      message: `Fulfilment ${order.name}.1: tracking number now 1Z999AA10123456784. Shopify sent fulfillments/update and the app accepted it.`,
    });
    expect(fulfillment.trackingInfo).toEqual([{ company: "UPS", number: "1Z999AA10123456784", url: null }]);
    expect(await post({ intent: "cancelFulfillment", fulfillmentId: fulfillment.id })).toMatchObject({ ok: true });
    expect(fulfillment.status).toBe("CANCELLED");
    expect((await load()).orders.find((o) => o.id === order.id)!.lines.map((l) => l.toFulfil)).toEqual([2, 1]);

    const stored = (await deliveries("fulfillments/update")).slice(before);
    expect(stored.map((d) => d.status)).toEqual(["PENDING", "PENDING"]);
    expect(stored.map((d) => d.payload)).toEqual([
      expect.objectContaining({ status: "success", tracking_company: "UPS", tracking_number: "1Z999AA10123456784" }),
      expect.objectContaining({ status: "cancelled", admin_graphql_api_id: fulfillment.id }),
    ]);
    // Cancelling again is refused by Shopify: the page says so, nothing is sent.
    expect(await post({ intent: "cancelFulfillment", fulfillmentId: fulfillment.id })).toEqual({
      ok: false,
      error: "Fulfillment is already cancelled.",
    });
    expect(await deliveries("fulfillments/update")).toHaveLength(before + 2);
  });
});

describe("the demo connection's carrier map", () => {
  let sim: RunningMiraklSimulator;
  beforeAll(async () => {
    await ensureDatabaseReady();
    sim = await startMiraklSimulator({ rateLimits: "off", carriers: MARKETPLACE_CARRIERS });
  });
  afterAll(() => sim.close());

  it("maps UPS, DHL Express, Colissimo and Chronopost from the marketplace's SH21 list, not Mondial Relay, and keeps a person's edits", async () => {
    const connectionId = (
      await createConnection(DEMO_SHOP, { name: "Decathlon (demo) map", baseUrl: sim.url, apiKey: sim.keys.single })
    ).id;
    expect(await seedDemoCarrierMap(connectionId)).toEqual(Object.keys(DEMO_CARRIER_MAP));
    const map = await carrierMap(DEMO_SHOP, connectionId);
    expect(map.map((m) => [m.companyKey, m.miraklCode, m.confirmed]).sort()).toEqual([
      ["chronopost", "CHRONOPOST", true],
      ["colissimo", "COLISSIMO", true],
      ["dhlexpress", "DHL", true],
      ["ups", "UPS", true],
    ]);
    expect(await prisma.miraklCarrier.count({ where: { connectionId } })).toBe(MARKETPLACE_CARRIERS.length);

    expect((await mapCarrier(DEMO_SHOP, connectionId, "UPS", "DPD")).ok).toBe(true);
    expect(await seedDemoCarrierMap(connectionId)).toEqual([]);
    expect((await carrierMap(DEMO_SHOP, connectionId)).find((m) => m.companyKey === "ups")?.miraklCode).toBe("DPD");
  });
});
