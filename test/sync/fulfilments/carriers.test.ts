import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { MiraklTransientError, type MiraklClient, type MiraklCarrier } from "~/integrations/mirakl";
import { resolveCarrier } from "~/domain/orders/carriers";
import {
  CARRIERS_MAX_AGE_MS,
  carrierMap,
  currentCarriers,
  mapCarrier,
  noteCompany,
  refreshCarriers,
  setDefaultCarrier,
  storedCarriers,
  unmapCarrier,
} from "~/sync/fulfilments/carriers.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { workUnits } from "~/worker/registry.server";

/** The connection's carriers (SH21) and its carrier map, against a scripted SH21. */

let shop: string;
let testCount = 0;
let connection: { id: string; shop: string };
let listed: MiraklCarrier[];
let sh21Calls = 0;
let sh21Fails = false;
const mirakl = {
  listCarriers: async () => {
    sh21Calls++;
    if (sh21Fails)
      throw new MiraklTransientError({ operation: "SH21", method: "GET", path: "/api/shipping/carriers", status: 503 });
    return listed;
  },
} as unknown as MiraklClient;
const T0 = new Date("2026-12-03T10:00:00Z");

beforeAll(async () => {
  await ensureDatabaseReady();
});
beforeEach(async () => {
  shop = `carriers-${++testCount}.myshopify.com`;
  connection = await createConnection(shop, {
    name: "Decathlon",
    baseUrl: "https://decathlon.mirakl.test",
    apiKey: "k",
  }).then((c) => ({ id: c.id, shop }));
  listed = [
    { code: "UPS", label: "UPS", standard_code: "UPS", tracking_url: "https://ups.example/{trackingId}" },
    { code: "COL", label: "Colissimo", standard_code: null, tracking_url: null },
  ];
  sh21Calls = 0;
  sh21Fails = false;
});

describe("the marketplace's carriers", () => {
  it("are read from SH21 and replace the stored list (a dropped carrier is dropped)", async () => {
    await refreshCarriers(connection, mirakl, T0);
    expect((await storedCarriers(connection.id)).map((c) => c.code)).toEqual(["COL", "UPS"]);
    listed = [listed[0]!];
    await refreshCarriers(connection, mirakl, T0);
    expect(await storedCarriers(connection.id)).toEqual([
      { code: "UPS", label: "UPS", standardCode: "UPS", trackingUrl: "https://ups.example/{trackingId}" },
    ]);
  });

  it("are read again once a day old, not before", async () => {
    await currentCarriers(connection, mirakl, T0);
    await currentCarriers(connection, mirakl, new Date(T0.getTime() + CARRIERS_MAX_AGE_MS - 1));
    expect(sh21Calls).toBe(1);
    await currentCarriers(connection, mirakl, new Date(T0.getTime() + CARRIERS_MAX_AGE_MS));
    expect(sh21Calls).toBe(2);
  });

  it("Mirakl unreachable: the stored list stays, and the failure is an exception", async () => {
    await refreshCarriers(connection, mirakl, T0);
    sh21Fails = true;
    expect(await refreshCarriers(connection, mirakl, T0)).toBeNull();
    expect(await currentCarriers(connection, mirakl, new Date(T0.getTime() + CARRIERS_MAX_AGE_MS))).toHaveLength(2);
    expect(await prisma.syncException.count({ where: { shop, connectionId: connection.id, status: "OPEN" } })).toBe(1);
  });
});

describe("the carrier map", () => {
  it("a company seen gets the app's suggestion, unconfirmed, once; the merchant's mapping is what ships", async () => {
    const carriers = await currentCarriers(connection, mirakl, T0);
    expect(await noteCompany(shop, connection.id, "ups", carriers)).toBe(true);
    expect(await noteCompany(shop, connection.id, "U.P.S.", carriers)).toBe(false);
    expect(await noteCompany(shop, connection.id, "GLS", carriers)).toBe(false); // nothing to propose
    const policy = { alternativeCarriersAllowed: false, defaultCarrierCode: null };
    const fulfilment = { company: "UPS", trackingUrl: null };
    expect(resolveCarrier(fulfilment, await carrierMap(shop, connection.id), carriers, policy)).toMatchObject({
      kind: "blocked",
      cause: "UNCONFIRMED",
    });

    expect(await mapCarrier(shop, connection.id, "UPS", "UPS")).toEqual({ ok: true });
    expect(resolveCarrier(fulfilment, await carrierMap(shop, connection.id), carriers, policy)).toMatchObject({
      kind: "mapped",
      code: "UPS",
    });
    await unmapCarrier(shop, connection.id, "ups");
    expect(await carrierMap(shop, connection.id)).toEqual([]);
  });

  it("only to one of the marketplace's carriers, and only on the shop's own connection", async () => {
    await refreshCarriers(connection, mirakl, T0);
    expect(await mapCarrier(shop, connection.id, "GLS", "GLS")).toEqual({
      ok: false,
      problem: "GLS is not one of the marketplace's carriers",
    });
    expect(await mapCarrier(shop, connection.id, " .. ", "UPS")).toMatchObject({ ok: false });
    expect(await mapCarrier("other-shop.myshopify.com", connection.id, "UPS", "UPS")).toEqual({
      ok: false,
      problem: "No such connection",
    });
    expect(await carrierMap(shop, connection.id)).toEqual([]);
  });
});

describe("a fix that releases blocked shipments", () => {
  const unitDueAt = async () =>
    (await prisma.workUnit.findUnique({ where: { key: workUnits.fulfilments.key(connection.id) } }))?.dueAt ?? null;

  it("mapping a company makes the fulfilment unit due at once; a refused mapping does not", async () => {
    await refreshCarriers(connection, mirakl, T0);
    expect(await mapCarrier(shop, connection.id, "GLS", "GLS")).toMatchObject({ ok: false });
    expect(await unitDueAt()).toBeNull();
    expect(await mapCarrier(shop, connection.id, "UPS", "UPS", T0)).toEqual({ ok: true });
    expect(await unitDueAt()).toEqual(T0);
  });

  it("the default carrier: one of the marketplace's or none, saved on the shop's own connection, unit due", async () => {
    await refreshCarriers(connection, mirakl, T0);
    const saved = async () =>
      parseConnectionSettings(
        (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connection.id } })).settings,
      ).defaultCarrierCode;
    expect(await setDefaultCarrier(shop, connection.id, "GLS", T0)).toEqual({
      ok: false,
      problem: "GLS is not one of the marketplace's carriers",
    });
    expect(await setDefaultCarrier("other-shop.myshopify.com", connection.id, "COL", T0)).toEqual({
      ok: false,
      problem: "No such connection",
    });
    expect(await unitDueAt()).toBeNull();
    expect(await setDefaultCarrier(shop, connection.id, "COL", T0)).toEqual({ ok: true });
    expect(await saved()).toBe("COL");
    expect(await unitDueAt()).toEqual(T0);
    expect(await setDefaultCarrier(shop, connection.id, null, T0)).toEqual({ ok: true });
    expect(await saved()).toBeNull();
  });
});
