import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { loader, action } from "~/routes/app.stock/route";
import { embeddedRequest, installShop, settle } from "../helpers/app";

const shopA = "stock-a.myshopify.com";
const shopB = "stock-b.myshopify.com";
let connectionA = "";
let connectionB = "";

beforeAll(async () => {
  await installShop(shopA);
  await installShop(shopB);
  // Configured (rules saved): its dirty rows are pending, not held (see not-configured.test.ts).
  connectionA = (
    await createConnection(shopA, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.net",
      apiKey: "ka",
      settings: { stockConfiguredAt: "2026-01-01T00:00:00.000Z" },
    })
  ).id;
  connectionB = (
    await createConnection(shopB, { name: "Decathlon", baseUrl: "https://decathlon.mirakl.net", apiKey: "kb" })
  ).id;
  const base = { shop: shopA, connectionId: connectionA };
  await prisma.offerStock.createMany({
    data: [
      {
        ...base,
        offerSku: "IN-SYNC",
        desiredQuantity: 5,
        desiredVersion: 2,
        pushedVersion: 2,
        pushedQuantity: 5,
        miraklQuantity: 5,
        miraklObservedAt: new Date(),
      },
      {
        ...base,
        offerSku: "PENDING",
        desiredQuantity: 4,
        desiredVersion: 3,
        pushedVersion: 2,
        pushedQuantity: 6,
        miraklQuantity: 6,
        miraklObservedAt: new Date(),
      },
      {
        ...base,
        offerSku: "DRIFTED",
        desiredQuantity: 1,
        desiredVersion: 2,
        pushedVersion: 2,
        pushedQuantity: 1,
        miraklQuantity: 8,
        miraklObservedAt: new Date(),
      },
      {
        ...base,
        offerSku: "REFUSED",
        desiredQuantity: 2,
        desiredVersion: 2,
        pushedVersion: 2,
        lastPushError: "Unknown offer",
      },
    ],
  });
  await prisma.offerStock.create({
    data: { shop: shopB, connectionId: connectionB, offerSku: "B-ONLY", desiredQuantity: 9 },
  });
});

const load = async (shop: string, path: string) =>
  (await settle(loader({ request: await embeddedRequest(shop, path), params: {}, context: {} }))).json();

describe("stock page", () => {
  it("shows each offer's status and counts per filter", async () => {
    const page = await load(shopA, "/app/stock");
    const statuses = Object.fromEntries(page.rows.map((r: any) => [r.offerSku, r.status]));
    expect(statuses).toEqual({ "IN-SYNC": "in-sync", PENDING: "pending", DRIFTED: "drifted", REFUSED: "error" });
    expect(page.counts).toMatchObject({ pending: 1, drifted: 1, error: 1 });
    const drifted = await load(shopA, "/app/stock?filter=error");
    expect(drifted.rows.map((r: any) => r.offerSku)).toEqual(["REFUSED"]);
    const search = await load(shopA, "/app/stock?q=pend");
    expect(search.rows.map((r: any) => r.offerSku)).toEqual(["PENDING"]);
  });

  it("never shows another shop's connection or offers, even when asked by id", async () => {
    const page = await load(shopA, `/app/stock?connection=${connectionB}`);
    expect(page.connection.id).toBe(connectionA);
    expect(page.connections.map((c: any) => c.id)).toEqual([connectionA]);
    expect(page.rows.map((r: any) => r.offerSku)).not.toContain("B-ONLY");
  });

  it("starts one reconcile on Reconcile now, and refuses another shop's connection", async () => {
    const post = async (shop: string, connectionId: string) =>
      settle(
        action({
          request: await embeddedRequest(shop, "/app/stock", {
            method: "POST",
            form: { intent: "reconcile", connectionId },
          }),
          params: {},
          context: {},
        }),
      );
    expect((await post(shopA, connectionA)).status).toBe(200);
    expect((await post(shopA, connectionA)).status).toBe(200);
    expect(await prisma.reconcileRun.count({ where: { connectionId: connectionA } })).toBe(1);
    expect((await post(shopA, connectionB)).status).toBe(404);
    expect(await prisma.reconcileRun.count({ where: { connectionId: connectionB } })).toBe(0);
    const page = await load(shopA, "/app/stock");
    expect(page.currentRun).toMatchObject({ kind: "MANUAL" });
  });
});
