import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { loader as listLoader } from "~/routes/app.orders._index/route";
import { loader as detailLoader } from "~/routes/app.orders.$id/route";
import { loader as overviewLoader } from "~/routes/app._index";
import { countOrdersAtRisk, loadOrdersPage } from "~/routes/app.orders._index/orders-page.server";
import { parseOrdersQuery } from "~/routes/app.orders._index/orders-query";
import { embeddedRequest, installShop, settle } from "../helpers/app";

const shopA = "orders-a.myshopify.com";
const shopB = "orders-b.myshopify.com";
const shopPaging = "orders-paging.myshopify.com";
const HOUR = 3_600_000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR);

let decathlon = ""; // shop A, 24 h acceptance window
let leroy = ""; // shop A, 10 h acceptance window
let otherShopConnection = "";
const ids: Record<string, string> = {};

interface Seed {
  miraklOrderId: string;
  commercialId?: string | null;
  state?: string;
  acceptance?: string;
  needsAttention?: boolean;
  createdOnMiraklAt: Date;
  totalPrice?: string;
  lines?: { lineId: string; quantity: number; decision?: string | null }[];
}

async function seedOrder(shop: string, connectionId: string, seed: Seed) {
  const { lines = [{ lineId: `${seed.miraklOrderId}-1`, quantity: 1 }], ...order } = seed;
  const row = await prisma.marketplaceOrder.create({
    data: {
      shop,
      connectionId,
      commercialId: null,
      state: "SHIPPING",
      currency: "EUR",
      price: "10",
      shippingPrice: "2",
      totalPrice: "12",
      updatedOnMiraklAt: seed.createdOnMiraklAt,
      payload: {},
      payloadHash: seed.miraklOrderId,
      ...order,
      lines: {
        create: lines.map((line, i) => ({
          shop,
          connectionId,
          lineId: line.lineId,
          lineIndex: i + 1,
          offerSku: `SKU-${i + 1}`,
          quantity: line.quantity,
          state: seed.state ?? "SHIPPING",
          unitPrice: "5",
          price: String(5 * line.quantity),
          shippingPrice: "1",
          totalPrice: String(5 * line.quantity + 1),
          decision: line.decision ?? null,
        })),
      },
    },
  });
  ids[seed.miraklOrderId] = row.id;
  return row;
}

const connection = (shop: string, name: string, acceptanceWindowHours: number) =>
  createConnection(shop, {
    name,
    baseUrl: `https://${name.toLowerCase()}.mirakl.net`,
    apiKey: "key",
    settings: { acceptance: { acceptanceWindowHours } },
  }).then((c) => c.id);

beforeAll(async () => {
  await installShop(shopA);
  await installShop(shopB);
  await installShop(shopPaging);
  decathlon = await connection(shopA, "Decathlon", 24);
  leroy = await connection(shopA, "Leroy", 10);
  otherShopConnection = await connection(shopB, "Decathlon", 24);

  // Shop A: an accepted order, waiting ones at every clock level, one in review, one being sent.
  await seedOrder(shopA, decathlon, {
    miraklOrderId: "DEC-1001-A",
    commercialId: "WEB-1001",
    state: "SHIPPING",
    acceptance: "SENT",
    createdOnMiraklAt: hoursAgo(30),
    totalPrice: "27.5",
    lines: [
      { lineId: "DEC-1001-A-1", quantity: 2, decision: "accept" },
      { lineId: "DEC-1001-A-2", quantity: 1, decision: "accept" },
    ],
  });
  await seedOrder(shopA, decathlon, {
    miraklOrderId: "DEC-1002-A",
    commercialId: "WEB-1002",
    state: "WAITING_ACCEPTANCE",
    acceptance: "PENDING",
    createdOnMiraklAt: hoursAgo(1), // 1 h of 24: not at risk
  });
  await seedOrder(shopA, decathlon, {
    miraklOrderId: "DEC-1003-A",
    state: "WAITING_ACCEPTANCE",
    acceptance: "REVIEW",
    needsAttention: true,
    createdOnMiraklAt: hoursAgo(13), // past half of 24 h: warning
  });
  await seedOrder(shopA, decathlon, {
    miraklOrderId: "DEC-1004-A",
    state: "WAITING_ACCEPTANCE",
    acceptance: "SENDING",
    createdOnMiraklAt: hoursAgo(23), // error level, but the decision is on its way: not at risk
  });
  await seedOrder(shopA, leroy, {
    miraklOrderId: "LM-2001-A",
    commercialId: "lm-basket-77",
    state: "WAITING_ACCEPTANCE",
    acceptance: "PENDING",
    createdOnMiraklAt: hoursAgo(6), // 6 h of Leroy's 10: warning (it would not be on Decathlon's 24)
  });
  await seedOrder(shopA, leroy, {
    miraklOrderId: "LM-2002-A",
    state: "CLOSED",
    acceptance: "NONE",
    needsAttention: true, // an acceptance problem, not a review
    createdOnMiraklAt: hoursAgo(48),
  });
  await seedOrder(shopB, otherShopConnection, {
    miraklOrderId: "DEC-1001-B",
    commercialId: "WEB-1001",
    state: "WAITING_ACCEPTANCE",
    acceptance: "REVIEW",
    createdOnMiraklAt: hoursAgo(20),
  });
});

const load = async (shop: string, path: string) => {
  const response = await settle(listLoader({ request: await embeddedRequest(shop, path), params: {}, context: {} }));
  expect(response.status).toBe(200);
  return response.json();
};
const listed = async (shop: string, path: string) =>
  (await load(shop, path)).rows.map((row: { miraklOrderId: string }) => row.miraklOrderId);

describe("Orders page", () => {
  it("lists the shop's orders newest first, with marketplace, lines, total and the countdown of waiting ones", async () => {
    const page = await load(shopA, "/app/orders");
    expect(page.rows.map((r: any) => r.miraklOrderId)).toEqual([
      "DEC-1002-A",
      "LM-2001-A",
      "DEC-1003-A",
      "DEC-1004-A",
      "DEC-1001-A",
      "LM-2002-A",
    ]);
    const accepted = page.rows.find((r: any) => r.miraklOrderId === "DEC-1001-A");
    expect(accepted).toMatchObject({
      marketplace: "Decathlon",
      commercialId: "WEB-1001",
      state: "SHIPPING",
      acceptance: "SENT",
      decided: { accepted: 2, refused: 0 },
      lineCount: 2,
      units: 3,
      total: "27.50 EUR",
      deadline: null,
      needsAttention: false,
    });
    const review = page.rows.find((r: any) => r.miraklOrderId === "DEC-1003-A");
    expect(review.deadline).toMatchObject({
      level: "warning",
      text: expect.stringMatching(/^10 h (59|60) min left$|^11 h left$/),
    });
    expect(page.rows.find((r: any) => r.miraklOrderId === "DEC-1002-A").deadline.level).toBe("none");
    expect(page.rows.find((r: any) => r.miraklOrderId === "DEC-1004-A").deadline.level).toBe("error");
    expect(page.connections.map((c: any) => c.name)).toEqual(["Decathlon", "Leroy"]);
    expect(page).toMatchObject({ previousCursor: null, nextCursor: null, hasOrders: true, filtered: false });
  });

  it("never shows another shop's orders", async () => {
    expect(await listed(shopB, "/app/orders")).toEqual(["DEC-1001-B"]);
    expect(await listed(shopA, `/app/orders?marketplace=${otherShopConnection}`)).toEqual([]);
  });

  it("filters by marketplace and by state", async () => {
    expect(await listed(shopA, `/app/orders?marketplace=${leroy}`)).toEqual(["LM-2001-A", "LM-2002-A"]);
    expect(await listed(shopA, "/app/orders?state=WAITING_ACCEPTANCE")).toEqual([
      "DEC-1002-A",
      "LM-2001-A",
      "DEC-1003-A",
      "DEC-1004-A",
    ]);
    expect(await listed(shopA, `/app/orders?state=WAITING_ACCEPTANCE&marketplace=${leroy}`)).toEqual(["LM-2001-A"]);
  });

  it("needs review: orders in review and orders with an acceptance problem", async () => {
    expect(await listed(shopA, "/app/orders?review=1")).toEqual(["DEC-1003-A", "LM-2002-A"]);
  });

  it("deadline soon: undecided orders past half of their own connection's window", async () => {
    expect(await listed(shopA, "/app/orders?deadline=soon")).toEqual(["LM-2001-A", "DEC-1003-A"]);
    expect(await countOrdersAtRisk(shopA, new Date())).toBe(2);
    expect(await countOrdersAtRisk(shopB, new Date())).toBe(1);
  });

  it("searches Mirakl order ids and commercial ids, in any case, anywhere in the id", async () => {
    expect(await listed(shopA, "/app/orders?q=dec-100")).toEqual([
      "DEC-1002-A",
      "DEC-1003-A",
      "DEC-1004-A",
      "DEC-1001-A",
    ]);
    expect(await listed(shopA, "/app/orders?q=BASKET")).toEqual(["LM-2001-A"]);
    expect(await listed(shopA, "/app/orders?q=web-1001")).toEqual(["DEC-1001-A"]);
    expect(await listed(shopA, "/app/orders?q=1001-B")).toEqual([]);
  });

  it("ignores filter values that do not parse instead of failing", async () => {
    const page = await load(shopA, "/app/orders?state=EXPLODED&review=yes&after=garbage");
    expect(page.rows).toHaveLength(6);
    expect(page.filtered).toBe(false);
  });

  it("says whether nothing matches or there is no order at all", async () => {
    expect(await load(shopA, "/app/orders?q=nothing-like-this")).toMatchObject({
      rows: [],
      filtered: true,
      hasOrders: true,
    });
    expect(await load(shopPaging, "/app/orders")).toMatchObject({ rows: [], hasOrders: false, connections: [] });
  });

  it("shows the Overview how many orders are at risk", async () => {
    const response = await settle(
      overviewLoader({ request: await embeddedRequest(shopA, "/app"), params: {}, context: {} }),
    );
    expect((await response.json()).ordersAtRisk).toBe(2);
  });
});

describe("Orders page keyset paging", () => {
  let pagingConnection = "";
  /** 60 orders, newest first; three of them share one instant, to exercise the id tie-break. */
  let expected: string[] = [];

  beforeAll(async () => {
    pagingConnection = await connection(shopPaging, "Paging", 24);
    const base = Date.UTC(2026, 0, 1);
    const orders = Array.from({ length: 60 }, (_, i) => ({
      miraklOrderId: `P-${String(i).padStart(3, "0")}`,
      createdOnMiraklAt: new Date(i >= 20 && i < 23 ? base + 20 * 60_000 : base + i * 60_000),
    }));
    await prisma.marketplaceOrder.createMany({
      data: orders.map((o) => ({
        shop: shopPaging,
        connectionId: pagingConnection,
        state: "CLOSED",
        currency: "EUR",
        price: "1",
        shippingPrice: "0",
        totalPrice: "1",
        updatedOnMiraklAt: o.createdOnMiraklAt,
        payload: {},
        payloadHash: o.miraklOrderId,
        ...o,
      })),
    });
    const rows = await prisma.marketplaceOrder.findMany({
      where: { shop: shopPaging },
      orderBy: [{ createdOnMiraklAt: "desc" }, { id: "desc" }],
      select: { miraklOrderId: true },
    });
    expected = rows.map((r) => r.miraklOrderId);
  });

  it("walks 50 then 10 orders with next, and comes back to the same first page with previous", async () => {
    const first = await load(shopPaging, "/app/orders");
    expect(first.rows.map((r: any) => r.miraklOrderId)).toEqual(expected.slice(0, 50));
    expect(first.previousCursor).toBeNull();
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await load(shopPaging, `/app/orders?after=${first.nextCursor}`);
    expect(second.rows.map((r: any) => r.miraklOrderId)).toEqual(expected.slice(50));
    expect(second.nextCursor).toBeNull();
    expect(second.previousCursor).toEqual(expect.any(String));

    const back = await load(shopPaging, `/app/orders?before=${second.previousCursor}`);
    expect(back.rows.map((r: any) => r.miraklOrderId)).toEqual(expected.slice(0, 50));
    expect(back.previousCursor).toBeNull();
    expect(back.nextCursor).toBe(first.nextCursor);
  });

  it("pages through ties on the same instant without skipping or repeating, both ways", async () => {
    const query = (params: string) => parseOrdersQuery(new URLSearchParams(params));
    const now = new Date();
    const forward: string[][] = [];
    let page = await loadOrdersPage(shopPaging, query(""), now, 7);
    forward.push(page.rows.map((r) => r.miraklOrderId));
    while (page.nextCursor) {
      page = await loadOrdersPage(shopPaging, query(`after=${page.nextCursor}`), now, 7);
      forward.push(page.rows.map((r) => r.miraklOrderId));
    }
    expect(forward.flat()).toEqual(expected);
    expect(forward).toHaveLength(9);

    const backward: string[][] = [page.rows.map((r) => r.miraklOrderId)];
    while (page.previousCursor) {
      page = await loadOrdersPage(shopPaging, query(`before=${page.previousCursor}`), now, 7);
      backward.unshift(page.rows.map((r) => r.miraklOrderId));
    }
    expect(backward).toEqual(forward);
  });

  it("keeps the filters while paging", async () => {
    const page = await loadOrdersPage(shopPaging, parseOrdersQuery(new URLSearchParams("q=P-05")), new Date(), 4);
    expect(page.rows.map((r) => r.miraklOrderId)).toEqual(["P-059", "P-058", "P-057", "P-056"]);
    const next = await loadOrdersPage(
      shopPaging,
      parseOrdersQuery(new URLSearchParams(`q=P-05&after=${page.nextCursor}`)),
      new Date(),
      4,
    );
    expect(next.rows.map((r) => r.miraklOrderId)).toEqual(["P-055", "P-054", "P-053", "P-052"]);
  });
});

describe("Order page", () => {
  let moneyOrder = "";

  beforeAll(async () => {
    const order = await prisma.marketplaceOrder.create({
      data: {
        shop: shopA,
        connectionId: decathlon,
        miraklOrderId: "DEC-MONEY-A",
        commercialId: "WEB-MONEY",
        state: "WAITING_ACCEPTANCE",
        currency: "EUR",
        taxMode: "TAX_INCLUDED",
        price: "30.3",
        shippingPrice: "4.99",
        totalPrice: "35.29",
        totalCommission: "5.647",
        notificationEmail: "notification+abc@notification.mirakl.net",
        customer: { firstname: "Ada", lastname: "Lovelace", shipping_address: null, billing_address: null },
        createdOnMiraklAt: hoursAgo(2),
        updatedOnMiraklAt: hoursAgo(2),
        payload: {},
        payloadHash: "money",
        acceptance: "REVIEW",
        lines: {
          create: [
            {
              shop: shopA,
              connectionId: decathlon,
              lineId: "DEC-MONEY-A-1",
              lineIndex: 1,
              offerSku: "TENT-2P",
              productTitle: "Tent for two",
              quantity: 3,
              state: "WAITING_ACCEPTANCE",
              unitPrice: "10.1",
              price: "30.3",
              shippingPrice: "4.99",
              totalPrice: "35.29",
              commissionFee: "4.7",
              commissionVat: "0.94",
              taxes: [
                { code: "VAT", amount: "5.05", rate: "20" },
                { code: "ECO", amount: 0.1, rate: null },
              ],
              shippingTaxes: [{ code: "VAT", amount: "0.83", rate: "20" }],
              decision: "review",
              decisionSummary: "Review line DEC-MONEY-A-1: price 10.10 EUR is 19 % below 12.50 EUR",
              decisionChecks: [
                { rule: "skuNotFound", outcome: "pass", code: "sku-mapped", message: "Shopify SKU TENT-2P found" },
                {
                  rule: "priceOutOfTolerance",
                  outcome: "fail",
                  code: "price-below-tolerance",
                  message: "10.10 EUR is 19 % below the advertised 12.50 EUR",
                },
                { rule: "bogus", outcome: "maybe" },
              ],
            },
          ],
        },
        events: {
          create: [
            { shop: shopA, at: hoursAgo(1), actor: "APP", kind: "review", message: "Sent to review" },
            { shop: shopA, at: hoursAgo(2), actor: "MIRAKL", kind: "read", message: "Read from Mirakl" },
          ],
        },
      },
    });
    moneyOrder = order.id;
  });

  const loadOrder = async (shop: string, id: string) =>
    settle(detailLoader({ request: await embeddedRequest(shop, `/app/orders/${id}`), params: { id }, context: {} }));

  it("shows the order's money in exact decimals, net to seller included", async () => {
    const page = await (await loadOrder(shopA, moneyOrder)).json();
    expect(page.money).toEqual({
      price: "30.3",
      shipping: "4.99",
      taxes: "5.98", // 5.05 + 0.10 + 0.83
      total: "35.29",
      commission: "5.647",
      netToSeller: "29.643", // 35.29 − 5.647, in thousandths: no float rounding
    });
    expect(page.lines[0]).toMatchObject({
      offerSku: "TENT-2P",
      unitPrice: "10.1",
      taxes: "5.98",
      commission: "5.64",
      waiting: true,
      decision: "review",
    });
  });

  it("shows the decision's checks, the customer as given and the timeline oldest first", async () => {
    const page = await (await loadOrder(shopA, moneyOrder)).json();
    expect(page.lines[0].checks).toEqual([
      { rule: "skuNotFound", outcome: "pass", message: "Shopify SKU TENT-2P found" },
      { rule: "priceOutOfTolerance", outcome: "fail", message: "10.10 EUR is 19 % below the advertised 12.50 EUR" },
    ]);
    expect(page.customer).toEqual({
      name: "Ada Lovelace",
      locale: null,
      shippingAddress: null,
      billingAddress: null,
      emailAlias: "notification+abc@notification.mirakl.net",
    });
    expect(page.timeline.map((e: any) => [e.actor, e.message])).toEqual([
      ["MIRAKL", "Read from Mirakl"],
      ["APP", "Sent to review"],
    ]);
    expect(page.order).toMatchObject({ marketplace: "Decathlon", acceptance: "REVIEW", deadline: { level: "none" } });
  });

  it("answers 404, not another shop's order, for a foreign or unknown id", async () => {
    expect((await loadOrder(shopB, moneyOrder)).status).toBe(404);
    expect((await loadOrder(shopA, ids["DEC-1001-B"]!)).status).toBe(404);
    expect((await loadOrder(shopA, "no-such-order")).status).toBe(404);
  });
});
