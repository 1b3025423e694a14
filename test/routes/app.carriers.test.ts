import type { ActionFunctionArgs } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { action, loader } from "~/routes/app.carriers/route";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";
import { embeddedRequest, installShop, settle } from "../helpers/app";

/** The Carriers page against the Mirakl simulator's SH21 (Mirakl's example carriers: FedEx, UPS, DHL, DPD, TNT). */

let shop: string;
let testCount = 0;
let sim: RunningMiraklSimulator;
let connectionId: string;

type RouteFunction = (args: ActionFunctionArgs) => unknown;
const call = async (fn: RouteFunction, asShop: string, query = "", form?: Record<string, string>) =>
  settle(
    fn({
      request: await embeddedRequest(asShop, `/app/carriers${query}`, form ? { method: "POST", form } : {}),
      params: {},
      context: {},
    }),
  );
const page = async (asShop = shop) =>
  (await (await call(loader, asShop, `?connection=${connectionId}`)).json()).selected;
const post = (form: Record<string, string>, asShop = shop) => call(action, asShop, "", { connectionId, ...form });

beforeEach(async () => {
  shop = `carriers-page-${++testCount}.myshopify.com`;
  await installShop(shop);
  sim = await startMiraklSimulator({ port: 0 });
  connectionId = (await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single })).id;
});
afterEach(async () => sim?.close());

describe("the Carriers page", () => {
  it("without a connection says how to start", async () => {
    const other = `carriers-empty-${testCount}.myshopify.com`;
    await installShop(other);
    expect((await (await call(loader, other)).json()).selected).toBeNull();
  });

  it("reads the marketplace's carriers and suggests matches for Shopify's companies, unconfirmed", async () => {
    expect((await page()).carriers).toEqual([]);
    const response = await post({ intent: "refresh" });
    expect(response.status).toBe(200);
    expect((await response.json()).message).toMatch(/marketplace carriers read/);
    const selected = await page();
    expect(selected.carriers.map((c: { code: string }) => c.code)).toContain("UPS");
    const ups = selected.mappings.find((m: { company: string }) => m.company === "UPS");
    expect(ups).toMatchObject({ miraklCode: "UPS", confirmed: false });
    // Suggestions come first: they wait for a person.
    expect(selected.mappings[0].confirmed).toBe(false);
  });

  it("maps, confirms and removes carriers; refuses a code the marketplace does not have", async () => {
    await post({ intent: "refresh" });
    expect((await post({ intent: "map", company: "UPS", code: "UPS" })).status).toBe(200);
    expect((await page()).mappings.find((m: { company: string }) => m.company === "UPS").confirmed).toBe(true);
    const refused = await post({ intent: "map", company: "GLS", code: "GLS" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).problem).toBe("GLS is not one of the marketplace's carriers");
    await post({ intent: "unmap", company: "ups" });
    expect((await page()).mappings.find((m: { company: string }) => m.company === "UPS")).toBeUndefined();
  });

  it("sets the default carrier, only to one of the marketplace's", async () => {
    await post({ intent: "refresh" });
    expect((await post({ intent: "default", code: "UPS" })).status).toBe(200);
    const settings = async () =>
      parseConnectionSettings(
        (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
      );
    expect((await settings()).defaultCarrierCode).toBe("UPS");
    expect((await post({ intent: "default", code: "NOPE" })).status).toBe(400);
    await post({ intent: "default", code: "" });
    expect((await settings()).defaultCarrierCode).toBeNull();
  });

  it("another shop can neither read nor change this connection's map", async () => {
    await post({ intent: "refresh" });
    const intruder = `carriers-intruder-${testCount}.myshopify.com`;
    await installShop(intruder);
    expect(await page(intruder)).toBeNull();
    const refused = await post({ intent: "map", company: "UPS", code: "UPS" }, intruder);
    expect((await refused.json()).problem).toBe("No such connection");
    expect(await prisma.carrierMapping.count({ where: { connectionId, confirmedAt: { not: null } } })).toBe(0);
  });

  it("a form it cannot read changes nothing", async () => {
    const response = await post({ intent: "explode" });
    expect(response.status).toBe(400);
  });
});
