import type { ActionFunctionArgs } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { companyKey } from "~/domain/orders/carriers";
import { SHOPIFY_TRACKING_COMPANIES } from "~/domain/orders/shopify-carriers";
import { action, loader } from "~/routes/app.carriers/route";
import { loader as csvLoader } from "~/routes/app.carriers[.csv]";
import { workUnits } from "~/worker/registry.server";
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
const exportCsv = async (asShop = shop, id = connectionId) =>
  settle(
    csvLoader({
      request: await embeddedRequest(asShop, `/app/carriers.csv?connection=${id}`),
      params: {},
      context: {},
    }),
  );
const importCsv = (csv: string) => post({ intent: "import", csv });
const mapRows = async () =>
  (await prisma.carrierMapping.findMany({ where: { connectionId }, orderBy: { companyKey: "asc" } })).map((m) => ({
    company: m.company,
    miraklCode: m.miraklCode,
    confirmedAt: m.confirmedAt?.toISOString() ?? null,
  }));

type Company = { key: string; company: string; seen: boolean; blockedOrders: number; mapping: unknown };
let seeded = 0;
/** A Mirakl order of the connection with one Shopify fulfilment per entry, in the state the fulfilment flow left. */
async function orderWithShipments(
  shipments: { company: string | null; status: string }[],
  onConnection = connectionId,
) {
  const order = await prisma.marketplaceOrder.create({
    data: {
      shop,
      connectionId: onConnection,
      miraklOrderId: `CARRIERS-${++seeded}`,
      state: "SHIPPING",
      currency: "EUR",
      price: "10",
      shippingPrice: "0",
      totalPrice: "10",
      createdOnMiraklAt: new Date(),
      updatedOnMiraklAt: new Date(),
      payload: {},
      payloadHash: "x",
    },
  });
  for (const { company, status } of shipments)
    await prisma.marketplaceShipment.create({
      data: {
        shop,
        connectionId: onConnection,
        orderId: order.id,
        shopifyFulfillmentId: `gid://shopify/Fulfillment/${++seeded}`,
        shopifyStatus: "SUCCESS",
        company,
        fulfilledAt: new Date(),
        shopifyUpdatedAt: new Date(),
        status,
      },
    });
}

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
    const ups = selected.companies.find((c: Company) => c.company === "UPS");
    expect(ups.mapping).toMatchObject({ miraklCode: "UPS", confirmed: false });
    // Suggestions come first: they wait for a person.
    expect(selected.companies[0].mapping.confirmed).toBe(false);
  });

  it("maps, confirms and removes carriers; refuses a code the marketplace does not have", async () => {
    await post({ intent: "refresh" });
    expect((await post({ intent: "map", company: "UPS", code: "UPS" })).status).toBe(200);
    expect((await page()).companies.find((c: Company) => c.company === "UPS").mapping.confirmed).toBe(true);
    const refused = await post({ intent: "map", company: "GLS", code: "GLS" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).problem).toBe("GLS is not one of the marketplace's carriers");
    await post({ intent: "unmap", company: "ups" });
    expect((await page()).companies.find((c: Company) => c.company === "UPS").mapping).toBeNull();
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

describe("the companies the Carriers page lists", () => {
  it("Shopify's, those on the shop's fulfilments and the map's, once each; blocked ones first with their orders", async () => {
    await post({ intent: "refresh" });
    await post({ intent: "map", company: "UPS", code: "UPS" });
    await orderWithShipments([
      { company: "Royal Mail Tracked", status: "BLOCKED" },
      { company: "royal mail tracked ", status: "BLOCKED" },
    ]);
    await orderWithShipments([{ company: "ROYAL-MAIL TRACKED", status: "BLOCKED" }]);
    // Mapped since: blocked until the fulfilment unit runs again, still shown among the blocked.
    await orderWithShipments([{ company: "ups", status: "BLOCKED" }]);
    await orderWithShipments([{ company: "Hermes Local", status: "SHIPPED" }]);
    await orderWithShipments([{ company: "dhl express", status: "TRACKED" }]);
    await orderWithShipments([
      { company: null, status: "BLOCKED" },
      { company: null, status: "BLOCKED" },
    ]);
    await orderWithShipments([{ company: "  ", status: "BLOCKED" }]);
    const other = await createConnection(shop, {
      name: "Other marketplace",
      baseUrl: sim.url,
      apiKey: sim.keys.single,
    });
    await orderWithShipments([{ company: "Elsewhere Express", status: "BLOCKED" }], other.id);

    const selected = await page();
    const companies: Company[] = selected.companies;
    expect(companies.slice(0, 2).map((c) => [c.company, c.blockedOrders])).toEqual([
      ["Royal Mail Tracked", 2],
      ["UPS", 1],
    ]);
    expect(companies[1]!.mapping).toMatchObject({ miraklCode: "UPS", confirmed: true });
    expect(companies.slice(2).every((c) => c.blockedOrders === 0)).toBe(true);
    expect(selected.noCompanyBlockedOrders).toBe(2);

    expect(new Set(companies.map((c) => c.key)).size).toBe(companies.length);
    for (const known of SHOPIFY_TRACKING_COMPANIES)
      expect(
        companies.some((c) => c.key === companyKey(known)),
        known,
      ).toBe(true);
    expect(companies.find((c) => c.company === "Hermes Local")).toMatchObject({ seen: true, mapping: null });
    // Shopify's spelling wins over a fulfilment's.
    expect(companies.find((c) => c.key === companyKey("DHL Express"))).toMatchObject({
      company: "DHL Express",
      seen: true,
    });
    expect(companies.find((c) => c.company === "FedEx")).toMatchObject({ seen: false, blockedOrders: 0 });
    expect(companies.some((c) => c.company === "Elsewhere Express")).toBe(false);
  });

  it("opens, without a choice, on the marketplace whose shipments wait for a carrier", async () => {
    const other = await createConnection(shop, { name: "A marketplace", baseUrl: sim.url, apiKey: sim.keys.single });
    const opened = async () => (await (await call(loader, shop, "")).json()).selected.name;
    expect(await opened()).toBe("A marketplace"); // the first by name while nothing waits
    await orderWithShipments([{ company: "Mondial Relay", status: "BLOCKED" }]);
    expect(await opened()).toBe("Decathlon");
    expect(other.id).not.toBe(connectionId);
  });

  it("reading the carriers again suggests matches for companies seen on fulfilments too", async () => {
    await orderWithShipments([{ company: "TNT Express", status: "BLOCKED" }]);
    await post({ intent: "refresh" });
    const tnt = (await page()).companies.find((c: Company) => c.company === "TNT Express");
    expect(tnt).toMatchObject({ blockedOrders: 1, mapping: { miraklCode: "TNT", confirmed: false } });
  });

  it("mapping a blocked company and setting the default carrier run the fulfilment unit at once", async () => {
    await post({ intent: "refresh" });
    await orderWithShipments([{ company: "Royal Mail", status: "BLOCKED" }]);
    const key = workUnits.fulfilments.key(connectionId);
    const later = new Date(Date.now() + 3_600_000);
    await prisma.workUnit.create({ data: { key, kind: workUnits.fulfilments.kind, shop, dueAt: later } });
    const dueAt = async () => (await prisma.workUnit.findUniqueOrThrow({ where: { key } })).dueAt.getTime();

    expect((await post({ intent: "map", company: "Royal Mail", code: "GLS" })).status).toBe(400);
    expect(await dueAt()).toBe(later.getTime());
    expect((await post({ intent: "map", company: "Royal Mail", code: "DHL" })).status).toBe(200);
    expect(await dueAt()).toBeLessThanOrEqual(Date.now());

    await prisma.workUnit.update({ where: { key }, data: { dueAt: later } });
    expect((await post({ intent: "default", code: "UPS" })).status).toBe(200);
    expect(await dueAt()).toBeLessThanOrEqual(Date.now());
  });
});

describe("the carrier map as CSV", () => {
  it("exports with suggestions and labels, guarded for spreadsheets, and imports back unchanged", async () => {
    await post({ intent: "refresh" });
    await post({ intent: "map", company: "UPS", code: "UPS" });
    await post({ intent: "map", company: "=Cheap Parcels", code: "DHL" });
    const response = await exportCsv();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect(response.headers.get("Content-Disposition")).toContain("carrier-map-decathlon.csv");
    const csv = await response.text();
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe("shopify_company,mirakl_carrier_code,confirmed,mirakl_carrier_label");
    expect(lines).toContain("UPS,UPS,yes,UPS");
    expect(lines).toContain("'=Cheap Parcels,DHL,yes,DHL");
    expect(lines).toContain("DHL Express,DHL,no,DHL"); // a suggestion stays one
    const before = await mapRows();

    const same = await importCsv(csv);
    expect(same.status).toBe(200);
    expect((await same.json()).message).toBe(
      `Carrier map imported: 0 added, 0 changed, 0 removed, ${before.length} unchanged`,
    );
    expect(await mapRows()).toEqual(before);
    expect(await (await exportCsv()).text()).toBe(csv);
  });

  it("an import replaces the map: semicolons, no confirmed column (a person wrote it), the fulfilment unit runs", async () => {
    await post({ intent: "refresh" });
    await post({ intent: "map", company: "UPS", code: "UPS" });
    const key = workUnits.fulfilments.key(connectionId);
    await prisma.workUnit.deleteMany({ where: { key } });
    const applied = await importCsv("\uFEFFShopify_Company;Mirakl_Carrier_Code\nUPS;DHL\nRoyal Mail;TNT\n");
    expect(applied.status).toBe(200);
    expect((await applied.json()).message).toMatch(/1 added, 1 changed, \d+ removed, 0 unchanged/);
    expect(
      (await mapRows()).map(({ company, miraklCode, confirmedAt }) => [company, miraklCode, !!confirmedAt]),
    ).toEqual([
      ["Royal Mail", "TNT", true],
      ["UPS", "DHL", true],
    ]);
    expect(await prisma.workUnit.findUnique({ where: { key } })).not.toBeNull();
  });

  it("names every problem with its line and imports nothing", async () => {
    await post({ intent: "refresh" });
    await post({ intent: "map", company: "UPS", code: "UPS" });
    const before = await mapRows();
    const refused = await importCsv(
      [
        "shopify_company,mirakl_carrier_code,confirmed",
        "UPS,UPS,yes",
        ",DHL,yes",
        "GLS,GLS,yes",
        "u.p.s.,DHL,no",
        "DPD,,yes",
        "TNT,TNT,maybe",
        "FedEx,ups,",
        "...,DHL,yes",
      ].join("\n"),
    );
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.problem).toMatch(/Nothing was imported/);
    expect(body.problems).toEqual([
      { line: 3, message: "The Shopify company is empty" },
      { line: 4, message: "GLS is not one of the marketplace's carriers" },
      { line: 5, message: '"u.p.s." is the same company as "UPS" on line 2' },
      { line: 6, message: "The marketplace carrier code is empty" },
      { line: 7, message: 'The confirmed column says "maybe": write yes or no' },
      { line: 8, message: "ups is not one of the marketplace's carriers (did you mean UPS?)" },
      { line: 9, message: '"..." has no letter or digit: it cannot name a carrier' },
    ]);
    expect(body.problemCount).toBe(7);
    expect(await mapRows()).toEqual(before);
  });

  it("refuses a file it cannot take whole: no file, a wrong header, carriers never read", async () => {
    const problemsOf = async (csv: string) => (await (await importCsv(csv)).json()).problems;
    expect(await problemsOf("")).toEqual([{ line: 0, message: "Choose a CSV file to import" }]);
    expect(await problemsOf("company,code\nUPS,UPS\n")).toEqual([
      {
        line: 1,
        message: "The header must name the columns shopify_company and mirakl_carrier_code (found: company, code)",
      },
    ]);
    expect(await problemsOf("shopify_company,mirakl_carrier_code\nUPS,UPS\n")).toEqual([
      {
        line: 0,
        message: "The marketplace's carriers have not been read yet: read them on the Carriers page, then import again",
      },
    ]);
    expect(await prisma.carrierMapping.count({ where: { connectionId } })).toBe(0);
  });

  it("another shop can neither download nor replace this connection's map", async () => {
    await post({ intent: "refresh" });
    await post({ intent: "map", company: "UPS", code: "UPS" });
    const before = await mapRows();
    const intruder = `carriers-csv-intruder-${testCount}.myshopify.com`;
    await installShop(intruder);
    expect((await exportCsv(intruder)).status).toBe(404);
    const refused = await post({ intent: "import", csv: "shopify_company,mirakl_carrier_code\nUPS,DHL\n" }, intruder);
    expect((await refused.json()).problem).toBe("No such connection");
    expect(await mapRows()).toEqual(before);
  });
});
