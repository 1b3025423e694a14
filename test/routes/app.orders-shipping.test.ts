import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { loader as listLoader } from "~/routes/app.orders._index/route";
import { loader as detailLoader } from "~/routes/app.orders.$id/route";
import { embeddedRequest, installShop, settle } from "../helpers/app";

/** The shipping countdown on the Orders and Order pages, and the "ships soon" filter, per connection's hours. */

const shop = "orders-shipping.myshopify.com";
const otherShop = "orders-shipping-other.myshopify.com";
const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR);
const ids: Record<string, string> = {};

async function seed(
  connectionId: string,
  miraklOrderId: string,
  state: string,
  shippingDeadline: Date | null,
  lineStates: string[] = [state],
  orderShop = shop,
) {
  const createdOnMiraklAt = new Date(Date.now() - 50 * HOUR + Object.keys(ids).length * 60_000);
  const row = await prisma.marketplaceOrder.create({
    data: {
      shop: orderShop,
      connectionId,
      miraklOrderId,
      state,
      currency: "EUR",
      price: "10",
      shippingPrice: "0",
      totalPrice: "10",
      createdOnMiraklAt,
      updatedOnMiraklAt: createdOnMiraklAt,
      shippingDeadline,
      acceptance: "SENT",
      payload: {},
      payloadHash: miraklOrderId,
      lines: {
        create: lineStates.map((lineState, i) => ({
          shop: orderShop,
          connectionId,
          lineId: `${miraklOrderId}-${i + 1}`,
          lineIndex: i + 1,
          offerSku: "SKU",
          quantity: 1,
          state: lineState,
          unitPrice: "10",
          price: "10",
          shippingPrice: "0",
          totalPrice: "10",
        })),
      },
    },
  });
  ids[miraklOrderId] = row.id;
}

const connection = (owner: string, name: string, shippingDeadlineWarningHours?: number) =>
  createConnection(owner, {
    name,
    baseUrl: `https://${name.toLowerCase()}.mirakl.net`,
    apiKey: "key",
    settings: shippingDeadlineWarningHours === undefined ? {} : { shippingDeadlineWarningHours },
  }).then((c) => c.id);

beforeAll(async () => {
  await installShop(shop);
  await installShop(otherShop);
  const fast = await connection(shop, "Fnac", 6); // warns 6 h before
  const standard = await connection(shop, "Darty"); // the default 24 h
  const other = await connection(otherShop, "Fnac");
  await seed(fast, "FN-1", "SHIPPING", inHours(3)); // within 6 h: due soon
  await seed(fast, "FN-2", "SHIPPING", inHours(12)); // 12 h left of a 6 h warning: not yet
  await seed(fast, "FN-3", "SHIPPING", inHours(-2)); // overdue
  await seed(standard, "DA-1", "SHIPPING", inHours(12)); // within 24 h: due soon
  await seed(standard, "DA-2", "SHIPPED", inHours(-1)); // shipped: no countdown even past the deadline
  await seed(standard, "DA-3", "SHIPPED", inHours(1), ["SHIPPED", "SHIPPING"]); // one line left to ship
  await seed(standard, "DA-4", "CANCELED", inHours(-1), ["SHIPPING"]);
  await seed(standard, "DA-5", "WAITING_ACCEPTANCE", null);
  await seed(other, "OT-1", "SHIPPING", inHours(1), ["SHIPPING"], otherShop);
});

const load = async (owner: string, path: string) => {
  const response = await settle(listLoader({ request: await embeddedRequest(owner, path), params: {}, context: {} }));
  expect(response.status).toBe(200);
  return response.json();
};

describe("shipping deadlines on the Orders page", () => {
  it("counts down orders to ship, by their own connection's warning hours", async () => {
    const page = await load(shop, "/app/orders");
    const shipping = Object.fromEntries(page.rows.map((r: any) => [r.miraklOrderId, r.shipping]));
    expect(shipping["FN-1"]).toMatchObject({
      level: "due-soon",
      text: expect.stringMatching(/^ship within (2 h 59|3 h)/),
    });
    expect(shipping["FN-2"]).toMatchObject({ level: "none" });
    expect(shipping["FN-3"]).toMatchObject({ level: "overdue", text: "overdue" });
    expect(shipping["DA-1"]).toMatchObject({ level: "due-soon" });
    expect(shipping["DA-3"]).toMatchObject({ level: "due-soon" });
    expect(shipping["DA-2"]).toBeNull();
    expect(shipping["DA-4"]).toBeNull();
    expect(shipping["DA-5"]).toBeNull();
  });

  it("ships soon: orders to ship within their warning hours or overdue, never another shop's", async () => {
    const page = await load(shop, "/app/orders?ships=soon");
    expect(page.rows.map((r: any) => r.miraklOrderId).sort()).toEqual(["DA-1", "DA-3", "FN-1", "FN-3"]);
    expect(page.filtered).toBe(true);
    expect(page.filters.ships).toBe(true);
    expect((await load(otherShop, "/app/orders?ships=soon")).rows.map((r: any) => r.miraklOrderId)).toEqual(["OT-1"]);
  });
});

describe("shipping deadline on the Order page", () => {
  const loadOrder = async (id: string) =>
    (
      await settle(
        detailLoader({ request: await embeddedRequest(shop, `/app/orders/${id}`), params: { id }, context: {} }),
      )
    ).json();

  it("shows the deadline with its countdown while the order is to ship, and none once shipped", async () => {
    const overdue = await loadOrder(ids["FN-3"]!);
    expect(overdue.order.shipping).toMatchObject({ level: "overdue", text: "overdue" });
    expect(overdue.order.shipping.at).toBe(overdue.order.shippingDeadline);
    expect((await loadOrder(ids["DA-2"]!)).order.shipping).toBeNull();
  });
});
