import { beforeAll, describe, expect, it } from "vitest";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { loader } from "~/routes/api.admin-block.order/route";
import {
  loadOrderBlock,
  NO_CARRIER_MAP_MESSAGE,
  carrierMappingStatus,
  shippingOverdue,
} from "~/routes/api.admin-block.order/order-block.server";
import { APP_URL, installShop, settle } from "../helpers/app";

const shopA = "admin-block-a.myshopify.com";
const shopB = "admin-block-b.myshopify.com";
// Where admin UI extensions run: their fetch is cross-origin to the app.
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const HOUR = 3_600_000;

const gid = (n: number) => `gid://shopify/Order/${n}`;

/** The request the block's `fetch` makes: a relative URL on the app, Shopify's session token as a bearer. */
async function blockRequest(
  shop: string,
  query: string,
  options: { token?: string; secret?: string; method?: string } = {},
) {
  const token =
    options.token ??
    (
      await getJwt(
        shop.replace(/\.myshopify\.com$/, ""),
        process.env.SHOPIFY_API_KEY!,
        options.secret ?? process.env.SHOPIFY_API_SECRET!,
      )
    ).token;
  return new Request(new URL(`/api/admin-block/order${query}`, APP_URL), {
    method: options.method ?? "GET",
    headers:
      options.method === "OPTIONS"
        ? { Origin: EXTENSION_ORIGIN, "Access-Control-Request-Headers": "authorization" }
        : { Authorization: `Bearer ${token}`, Origin: EXTENSION_ORIGIN },
  });
}

const call = async (request: Request) => settle(loader({ request, params: {}, context: {} }));

let mirakl = ""; // shop A's Mirakl order created in Shopify as gid 1001
let noCommission = ""; // shop A, Mirakl gave no commission at all

async function seedOrder(
  shop: string,
  connectionId: string,
  order: {
    miraklOrderId: string;
    shopifyOrderId: string | null;
    state?: string;
    totalPrice?: string;
    totalCommission?: string | null;
    shippingDeadline?: Date | null;
    lineCommission?: { fee: string | null; vat: string | null };
  },
) {
  const commission = order.lineCommission ?? { fee: "3", vat: "0.6" };
  const row = await prisma.marketplaceOrder.create({
    data: {
      shop,
      connectionId,
      miraklOrderId: order.miraklOrderId,
      state: order.state ?? "SHIPPING",
      currency: "EUR",
      price: "20",
      shippingPrice: "4.99",
      totalPrice: order.totalPrice ?? "24.99",
      totalCommission: order.totalCommission === undefined ? "3.6" : order.totalCommission,
      shippingDeadline:
        order.shippingDeadline === undefined ? new Date(Date.now() + 48 * HOUR) : order.shippingDeadline,
      createdOnMiraklAt: new Date(Date.now() - 2 * HOUR),
      updatedOnMiraklAt: new Date(Date.now() - HOUR),
      notificationEmail: "alias-42@marketplace.example",
      customer: { firstname: "Jeanne", lastname: "Martin", shipping_address: { city: "Lyon", street_1: "1 rue X" } },
      payload: {},
      payloadHash: order.miraklOrderId,
      shopifyOrderStatus: order.shopifyOrderId ? "CREATED" : "NONE",
      shopifyOrderId: order.shopifyOrderId,
      shopifyOrderName: order.shopifyOrderId ? "#1001" : null,
      lines: {
        create: [
          {
            shop,
            connectionId,
            lineId: `${order.miraklOrderId}-1`,
            lineIndex: 1,
            offerSku: "SKU-1",
            quantity: 2,
            state: order.state ?? "SHIPPING",
            unitPrice: "10",
            price: "20",
            shippingPrice: "4.99",
            totalPrice: "24.99",
            commissionFee: commission.fee,
            commissionVat: commission.vat,
          },
        ],
      },
    },
  });
  return row.id;
}

beforeAll(async () => {
  await installShop(shopA);
  await installShop(shopB);
  const decathlon = await createConnection(shopA, {
    name: "Decathlon",
    baseUrl: "https://decathlon.mirakl.net",
    apiKey: "secret-key-a",
  });
  const otherShop = await createConnection(shopB, {
    name: "Carrefour",
    baseUrl: "https://carrefour.mirakl.net",
    apiKey: "secret-key-b",
  });
  mirakl = await seedOrder(shopA, decathlon.id, { miraklOrderId: "DEC-7001-A", shopifyOrderId: gid(1001) });
  noCommission = await seedOrder(shopA, decathlon.id, {
    miraklOrderId: "DEC-7002-A",
    shopifyOrderId: gid(1002),
    totalCommission: null,
    lineCommission: { fee: null, vat: null },
    shippingDeadline: null,
  });
  await seedOrder(shopA, decathlon.id, {
    miraklOrderId: "DEC-7003-A",
    shopifyOrderId: gid(1003),
    totalCommission: null, // Mirakl gave the lines' commission only: their sum stands in
    lineCommission: { fee: "2.5", vat: "0.5" },
    shippingDeadline: new Date(Date.now() - HOUR),
  });
  // Shop B's Mirakl order, made in shop B's Shopify as an order whose id also exists in shop A's admin.
  await seedOrder(shopB, otherShop.id, { miraklOrderId: "CAR-9001-B", shopifyOrderId: gid(2001) });
  // A Mirakl order of shop A not (yet) in Shopify: no Shopify order leads to it.
  await seedOrder(shopA, decathlon.id, { miraklOrderId: "DEC-7004-A", shopifyOrderId: null });
});

describe("GET /api/admin-block/order", () => {
  it("shows the Mirakl order behind a Shopify order, with exact money and the app's labels", async () => {
    const response = await call(await blockRequest(shopA, `?id=${encodeURIComponent(gid(1001))}`));
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Cache-Control")).toContain("no-store");
    const body = await response.json();
    expect(body).toEqual({
      found: true,
      order: {
        marketplace: "Decathlon",
        miraklOrderId: "DEC-7001-A",
        state: "SHIPPING",
        stateLabel: "To ship",
        shippingDeadline: expect.any(String),
        shippingOverdue: false,
        currency: "EUR",
        commission: { amount: "3.6", formatted: "3.60 EUR" },
        netToSeller: { amount: "21.39", formatted: "21.39 EUR" },
        orderPagePath: `/app/orders/${mirakl}`,
        carrierMapping: { status: "not-configured", message: NO_CARRIER_MAP_MESSAGE },
      },
    });
  });

  it("sends no customer data and no secret", async () => {
    const response = await call(await blockRequest(shopA, `?id=${encodeURIComponent(gid(1001))}`));
    const text = await response.text();
    for (const leaked of ["Jeanne", "Martin", "Lyon", "alias-42", "secret-key", "apiKey", "customer"]) {
      expect(text).not.toContain(leaked);
    }
  });

  it("answers found: false for a Shopify order that did not come from Mirakl", async () => {
    const response = await call(await blockRequest(shopA, `?id=${encodeURIComponent(gid(4242))}`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ found: false });
  });

  it("never returns another shop's order", async () => {
    const fromA = await call(await blockRequest(shopA, `?id=${encodeURIComponent(gid(2001))}`));
    expect(await fromA.json()).toEqual({ found: false });
    const fromB = await call(await blockRequest(shopB, `?id=${encodeURIComponent(gid(1001))}`));
    expect(await fromB.json()).toEqual({ found: false });
    // The same id in its own shop is found: the shop, not the id, decided.
    const own = await call(await blockRequest(shopB, `?id=${encodeURIComponent(gid(2001))}`));
    expect((await own.json()).order.miraklOrderId).toBe("CAR-9001-B");
  });

  it.each([
    ["no id", ""],
    ["an empty id", "?id="],
    ["a number", "?id=1001"],
    ["another resource", `?id=${encodeURIComponent("gid://shopify/Product/1001")}`],
    ["a gid with a tail", `?id=${encodeURIComponent(`${gid(1001)}?x=1`)}`],
  ])("refuses %s with 400", async (_name, query) => {
    const response = await call(await blockRequest(shopA, query));
    expect(response.status).toBe(400);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ message: "The id parameter must be a Shopify order id." });
    expect(text).not.toMatch(/at .*\.ts|ZodError|stack/i);
  });

  it("refuses a token not signed with the app's secret, without a stack trace", async () => {
    const response = await call(
      await blockRequest(shopA, `?id=${encodeURIComponent(gid(1001))}`, { secret: "not-the-app-secret" }),
    );
    expect(response.status).toBe(401);
    expect(await response.text()).not.toMatch(/DEC-7001-A|\bat .*\.(ts|js)/);
  });

  it("refuses a request without a session token", async () => {
    const response = await call(await blockRequest(shopA, `?id=${encodeURIComponent(gid(1001))}`, { token: "" }));
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("DEC-7001-A");
  });

  it("answers the browser's CORS preflight, which carries no token", async () => {
    const response = await call(await blockRequest(shopA, "", { method: "OPTIONS" }));
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  });
});

describe("the block's view of an order", () => {
  it("is unknown, never zero, when Mirakl gave no commission", async () => {
    const block = await loadOrderBlock(shopA, gid(1002), new Date());
    expect(block).toMatchObject({
      found: true,
      order: { commission: null, netToSeller: null, shippingDeadline: null, shippingOverdue: false },
    });
    expect(block.found && block.order.orderPagePath).toBe(`/app/orders/${noCommission}`);
  });

  it("sums the lines' commission when the order's total is missing, and says the deadline has passed", async () => {
    const block = await loadOrderBlock(shopA, gid(1003), new Date());
    expect(block).toMatchObject({
      found: true,
      order: {
        commission: { amount: "3", formatted: "3.00 EUR" },
        netToSeller: { amount: "21.99", formatted: "21.99 EUR" },
        shippingOverdue: true,
      },
    });
  });

  it("says whether the order's fulfilments reach Mirakl: sent, blocked, ready once a carrier is mapped", async () => {
    const connectionId = "carrier-status-connection";
    const order = (fulfilmentStatus: string, fulfilmentNote: string | null = null) => ({
      connectionId,
      fulfilmentStatus,
      fulfilmentNote,
    });
    expect(await carrierMappingStatus(shopA, order("NONE"), {})).toEqual({
      status: "not-configured",
      message: NO_CARRIER_MAP_MESSAGE,
    });
    expect(await carrierMappingStatus(shopA, order("SHIPPED"), {})).toMatchObject({ status: "sent" });
    expect(await carrierMappingStatus(shopA, order("BLOCKED", '"Mondial Relay" is not mapped'), {})).toEqual({
      status: "blocked",
      message: '"Mondial Relay" is not mapped',
    });
    expect(
      await carrierMappingStatus(shopA, order("NONE"), {
        shippingPlatform: { readAt: new Date().toISOString(), multiShipment: false, alternativeCarriers: true },
      }),
    ).toMatchObject({ status: "ready" });
    await prisma.carrierMapping.create({
      data: {
        shop: shopA,
        connectionId,
        companyKey: "ups",
        company: "UPS",
        miraklCode: "UPS",
        confirmedAt: new Date(),
      },
    });
    expect(await carrierMappingStatus(shopA, order("NONE"), {})).toEqual({
      status: "ready",
      message: "1 carrier mapped: fulfil as usual",
    });
    // Another shop's map says nothing about this shop's orders.
    expect(await carrierMappingStatus(shopB, order("NONE"), {})).toMatchObject({ status: "not-configured" });
  });

  it("calls a passed deadline overdue only while the order is still to ship", () => {
    const now = new Date("2026-07-10T12:00:00Z");
    const past = new Date("2026-07-10T11:59:59Z");
    const future = new Date("2026-07-10T12:00:01Z");
    expect(shippingOverdue("SHIPPING", past, now)).toBe(true);
    expect(shippingOverdue("WAITING_DEBIT_PAYMENT", past, now)).toBe(true);
    expect(shippingOverdue("SHIPPING", future, now)).toBe(false);
    expect(shippingOverdue("SHIPPING", now, now)).toBe(false);
    expect(shippingOverdue("SHIPPED", past, now)).toBe(false);
    expect(shippingOverdue("CANCELED", past, now)).toBe(false);
    expect(shippingOverdue("SHIPPING", null, now)).toBe(false);
  });
});
