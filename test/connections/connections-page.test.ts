import { createServer } from "node:net";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as newAction } from "~/routes/app.connections.new";
import { action as editAction, loader as editLoader } from "~/routes/app.connections.$id/route";
import { action as listAction, loader as listLoader } from "~/routes/app.connections._index/route";
import { loadConnectionCredentials } from "~/connections/connections.server";
import { latestMiraklCalls, pruneMiraklCalls, recordMiraklCall } from "~/connections/activity-log.server";
import { miraklClientFor } from "~/connections/mirakl-client.server";
import { shopScopedModels } from "~/shops/compliance.server";
import { embeddedRequest, installShop, settle } from "../helpers/app";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";

// Each test gets its own pair of installed shops and creates the connections it needs (`addDecathlon`, …).
let shopA: string;
let shopB: string;
let shopPairs = 0;
const WRONG_KEY = "wrong-key-0000-1111";
let sim: RunningMiraklSimulator;
let closedPortUrl = "";

type RouteFunction = (args: ActionFunctionArgs) => unknown;

async function post(
  action: RouteFunction,
  shop: string,
  path: string,
  form: Record<string, string>,
  params: Record<string, string> = {},
) {
  return settle(action({ request: await embeddedRequest(shop, path, { method: "POST", form }), params, context: {} }));
}
async function get(loader: RouteFunction, shop: string, path: string, params: Record<string, string> = {}) {
  return settle(loader({ request: await embeddedRequest(shop, path), params, context: {} }));
}

/** Creates a connection through the "new" form; returns its id (the action redirects to its page). */
async function addConnection(shop: string, fields: Record<string, string>) {
  const response = await post(newAction, shop, "/app/connections/new", fields);
  expect(response.status).toBe(302);
  return response.headers.get("Location")!.split("/").pop()!;
}

/** Shop A's Decathlon, tested against the simulator with its good key. */
const addDecathlon = (shop: string) =>
  addConnection(shop, { name: "Decathlon", baseUrl: sim.url, miraklShopId: "", apiKey: sim.keys.single });
const addCarrefour = (shop: string) =>
  addConnection(shop, { name: "Carrefour", baseUrl: sim.url, apiKey: sim.keys.single });

async function connectionPage(shop: string, id: string) {
  const response = await get(editLoader, shop, `/app/connections/${id}`, { id });
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  sim = await startMiraklSimulator({ port: 0, rateLimits: "off" });
  // A port nothing listens on: connection refused, like a host that is down.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  closedPortUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => sim?.close());
beforeEach(async () => {
  shopPairs++;
  shopA = `agency-a-${shopPairs}.myshopify.com`;
  shopB = `agency-b-${shopPairs}.myshopify.com`;
  await installShop(shopA);
  await installShop(shopB);
});

describe("connection form on the server", () => {
  it("answers invalid fields with inline messages and stores nothing", async () => {
    const response = await post(newAction, shopA, "/app/connections/new", {
      name: "",
      baseUrl: "http://evil.example.com?x=1",
      apiKey: "",
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(Object.keys(body.errors).sort()).toEqual(["apiKey", "baseUrl", "name"]);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(await prisma.marketplaceConnection.count({ where: { shop: shopA } })).toBe(0);
  });
});

describe("Test connection against the Mirakl simulator", () => {
  it("a good key: shop name, currency and operator features learnt and stored", async () => {
    const id = await addConnection(shopA, {
      name: "Decathlon",
      baseUrl: `${sim.url}/api/`,
      miraklShopId: "",
      apiKey: sim.keys.single,
    });
    const page = await connectionPage(shopA, id);
    expect(page.connection.baseUrl).toBe(sim.url);
    const check = page.connection.settings.lastCheck;
    expect(check).toMatchObject({ ok: true, shopName: expect.any(String), shopId: "2001" });
    expect(check.orderAcceptance).toMatch(/AUTOMATIC|NOT_AUTOMATIC|BOTH/);
    expect(typeof check.multiShipment).toBe("boolean");
    expect(typeof check.sellerAlternativeCarriers).toBe("boolean");
    expect(page.connection.settings.currencyIsoCode).toBe("USD");
    // Write-only key: neither the key nor its ciphertext reaches the page.
    const row = await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id } });
    const text = JSON.stringify(page);
    expect(text).not.toContain(sim.keys.single);
    expect(text).not.toContain(row.apiKeyEncrypted);
  });

  it("a wrong key: inline error on the key field and a MIRAKL_AUTH_FAILED exception; a good key resolves it", async () => {
    const id = await addDecathlon(shopA);
    const response = await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "test", name: "Decathlon", baseUrl: sim.url, miraklShopId: "", apiKey: WRONG_KEY },
      { id },
    );
    expect(response.status).toBe(200);
    const page = await connectionPage(shopA, id);
    expect(page.connection.settings.lastCheck).toMatchObject({
      ok: false,
      field: "apiKey",
      message: "Mirakl rejected this API key",
    });
    const open = await prisma.syncException.findMany({ where: { shop: shopA, entityId: id, status: "OPEN" } });
    expect(open.map((e) => e.kind)).toEqual(["MIRAKL_AUTH_FAILED"]);

    await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "test", name: "Decathlon", baseUrl: sim.url, miraklShopId: "", apiKey: sim.keys.single },
      { id },
    );
    expect((await connectionPage(shopA, id)).connection.settings.lastCheck.ok).toBe(true);
    expect(await prisma.syncException.count({ where: { shop: shopA, entityId: id, status: "OPEN" } })).toBe(0);
    expect(
      await prisma.syncException.count({
        where: { shop: shopA, entityId: id, status: "RESOLVED", kind: "MIRAKL_AUTH_FAILED" },
      }),
    ).toBe(1);
  });

  it("a shop id the key cannot see is reported on the shop id field", async () => {
    const id = await addDecathlon(shopA);
    await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "test", name: "Decathlon", baseUrl: sim.url, miraklShopId: "9999", apiKey: "" },
      { id },
    );
    expect((await connectionPage(shopA, id)).connection.settings.lastCheck).toMatchObject({
      ok: false,
      field: "miraklShopId",
    });
  });

  it("an unreachable host: 'Could not reach' on the URL field and a MIRAKL_UNREACHABLE exception", async () => {
    const id = await addDecathlon(shopA);
    await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "test", name: "Decathlon", baseUrl: closedPortUrl, miraklShopId: "", apiKey: "" },
      { id },
    );
    const check = (await connectionPage(shopA, id)).connection.settings.lastCheck;
    expect(check).toMatchObject({
      ok: false,
      field: "baseUrl",
      message: `Could not reach ${new URL(closedPortUrl).host}`,
    });
    expect(
      await prisma.syncException.count({
        where: { shop: shopA, entityId: id, status: "OPEN", kind: "MIRAKL_UNREACHABLE" },
      }),
    ).toBe(1);
    // Back to the simulator: the next good test closes it.
    await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "test", name: "Decathlon", baseUrl: sim.url, miraklShopId: "", apiKey: "" },
      { id },
    );
    expect(await prisma.syncException.count({ where: { shop: shopA, entityId: id, status: "OPEN" } })).toBe(0);
  });

  it("a name already used in the shop is a field error", async () => {
    await addDecathlon(shopA);
    const response = await post(newAction, shopA, "/app/connections/new", {
      name: "Decathlon",
      baseUrl: sim.url,
      apiKey: sim.keys.single,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors.name).toContain("already exists");
  });
});

describe("activity log", () => {
  it("records every exchange of the connection, without the key", async () => {
    const id = await addCarrefour(shopA);
    await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "test", name: "Carrefour", baseUrl: sim.url, apiKey: WRONG_KEY },
      { id },
    );
    const calls = await prisma.miraklCall.findMany({
      where: { shop: shopA, connectionId: id },
      orderBy: { at: "asc" },
    });
    expect(calls.map((c) => [c.operation, c.status])).toEqual([
      ["A01", 200],
      ["PC01", 200],
      ["A01", 401],
    ]);
    const page = await connectionPage(shopA, id);
    expect(page.calls).toHaveLength(3);
    const everything = JSON.stringify(await prisma.miraklCall.findMany());
    expect(everything).not.toContain(sim.keys.single);
    expect(everything).not.toContain(WRONG_KEY);
  });

  it("the client factory writes the same log for background flows", async () => {
    const id = await addCarrefour(shopA);
    await post(
      editAction,
      shopA,
      `/app/connections/${id}`,
      { intent: "save", name: "Carrefour", baseUrl: sim.url, apiKey: sim.keys.single },
      { id },
    );
    const client = await miraklClientFor(shopA, id);
    await client.getAccount();
    const [latest] = await latestMiraklCalls(shopA, id, 1);
    expect(latest).toMatchObject({ operation: "A01", status: 200, method: "GET" });
  });

  it("prunes by age and by count per connection", async () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const base = {
      connectionId: "prune-conn",
      operation: "OR11" as const,
      method: "GET",
      path: "/api/orders",
      status: 200,
      durationMs: 5,
      attempt: 1,
    };
    await recordMiraklCall(shopB, { ...base, at: new Date(now.getTime() - 20 * 86_400_000) });
    for (let i = 0; i < 5; i++) await recordMiraklCall(shopB, { ...base, at: new Date(now.getTime() - i * 1000) });
    const result = await pruneMiraklCalls(now, 3);
    expect(result.expired).toBeGreaterThanOrEqual(1);
    const left = await prisma.miraklCall.findMany({ where: { connectionId: "prune-conn" }, orderBy: { at: "desc" } });
    expect(left.map((c) => c.at.getTime())).toEqual([0, 1, 2].map((i) => now.getTime() - i * 1000));
  });

  it("is erased with the shop's data", () => {
    expect(shopScopedModels).toContain("miraklCall");
  });
});

describe("export and import between shops", () => {
  it("round-trips settings without any key; imports come in disabled, key required; clashes renamed or skipped", async () => {
    await addCarrefour(shopA);
    await addDecathlon(shopA);
    // Shop A's Decathlon sells from one of shop A's locations, with a buffer.
    const source = await prisma.marketplaceConnection.findFirstOrThrow({ where: { shop: shopA, name: "Decathlon" } });
    await prisma.marketplaceConnection.update({
      where: { id: source.id },
      data: {
        settings: { ...(source.settings as object), stock: { locationIds: ["gid://shopify/Location/111"], buffer: 3 } },
      },
    });
    // Its carrier map: one confirmed mapping (exported), one suggestion nobody confirmed (not exported).
    await prisma.carrierMapping.createMany({
      data: [
        {
          shop: shopA,
          connectionId: source.id,
          companyKey: "ups",
          company: "UPS",
          miraklCode: "UPS",
          confirmedAt: new Date(),
        },
        { shop: shopA, connectionId: source.id, companyKey: "dhlexpress", company: "DHL Express", miraklCode: "DHL" },
      ],
    });
    const exported = await post(listAction, shopA, "/app/connections", { intent: "export" });
    const { content } = await exported.json();
    expect(content).not.toContain(sim.keys.single);
    expect(content).not.toContain(WRONG_KEY);
    expect(content).not.toMatch(/apiKey|v1:/);
    const data = JSON.parse(content);
    expect(data.connections.map((c: any) => c.name)).toEqual(["Carrefour", "Decathlon"]);
    expect(data.connections[1].settings.lastCheck).toBeUndefined();

    // shop B already has a "Carrefour": renamed by default.
    await addCarrefour(shopB);
    const imported = await (
      await post(listAction, shopB, "/app/connections", { intent: "import", payload: content, onClash: "rename" })
    ).json();
    expect(imported.ok).toBe(true);
    expect(imported.created.map((c: any) => c.name).sort()).toEqual(["Carrefour (imported)", "Decathlon"]);
    const decathlon = await prisma.marketplaceConnection.findFirstOrThrow({
      where: { shop: shopB, name: "Decathlon" },
    });
    expect(decathlon).toMatchObject({ enabled: false, disabledReason: "API key required", baseUrl: sim.url });
    // Shop A's locations mean nothing in shop B: they are chosen again there; the buffer carries over.
    expect((decathlon.settings as any).stock).toMatchObject({ locationIds: [], warehouses: [], buffer: 3 });
    expect(
      await prisma.carrierMapping.findMany({
        where: { shop: shopB, connectionId: decathlon.id },
        select: { company: true, miraklCode: true, confirmedAt: true },
      }),
    ).toEqual([{ company: "UPS", miraklCode: "UPS", confirmedAt: expect.any(Date) }]);

    // It cannot be enabled without a key; entering one and testing works.
    const enable = await post(
      editAction,
      shopB,
      `/app/connections/${decathlon.id}`,
      { intent: "enable" },
      { id: decathlon.id },
    );
    expect((await enable.json()).errors.apiKey).toContain("API key");
    await post(
      editAction,
      shopB,
      `/app/connections/${decathlon.id}`,
      { intent: "test", name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single },
      { id: decathlon.id },
    );
    expect((await connectionPage(shopB, decathlon.id)).connection.settings.lastCheck.ok).toBe(true);
    expect(
      (await post(editAction, shopB, `/app/connections/${decathlon.id}`, { intent: "enable" }, { id: decathlon.id }))
        .status,
    ).toBe(200);
    expect((await loadConnectionCredentials(shopB, decathlon.id))?.enabled).toBe(true);

    // Skipping: importing again creates nothing and says which were skipped.
    const again = await (
      await post(listAction, shopB, "/app/connections", { intent: "import", payload: content, onClash: "skip" })
    ).json();
    expect(again).toMatchObject({ ok: true, created: [], skipped: ["Carrefour", "Decathlon"] });
  });

  it("rejects an invalid file with readable errors and imports nothing", async () => {
    const before = await prisma.marketplaceConnection.count({ where: { shop: shopB } });
    const bad = {
      format: "mirakl-bridge/connections",
      version: 1,
      connections: [
        { name: "Ok", baseUrl: "https://ok.mirakl.net" },
        { name: "Bad", baseUrl: "http://bad.example.com" },
      ],
    };
    const body = await (
      await post(listAction, shopB, "/app/connections", { intent: "import", payload: JSON.stringify(bad) })
    ).json();
    expect(body.ok).toBe(false);
    expect(body.errors[0]).toContain('Connection "Bad" (baseUrl)');
    const notJson = await (
      await post(listAction, shopB, "/app/connections", { intent: "import", payload: "{nope" })
    ).json();
    expect(notJson.errors[0]).toContain("not valid JSON");
    expect(await prisma.marketplaceConnection.count({ where: { shop: shopB } })).toBe(before);
  });
});

describe("shop isolation", () => {
  it("shop B cannot read, edit, test, enable or export shop A's connection", async () => {
    await addDecathlon(shopA);
    const theirs = await prisma.marketplaceConnection.findFirstOrThrow({ where: { shop: shopA, name: "Decathlon" } });
    const callsBefore = await prisma.miraklCall.count({ where: { connectionId: theirs.id } });
    expect((await get(editLoader, shopB, `/app/connections/${theirs.id}`, { id: theirs.id })).status).toBe(404);
    for (const intent of ["save", "test", "disable"]) {
      const response = await post(
        editAction,
        shopB,
        `/app/connections/${theirs.id}`,
        { intent, name: "Hijacked", baseUrl: sim.url, apiKey: WRONG_KEY },
        { id: theirs.id },
      );
      expect(response.status).toBe(404);
    }
    const after = await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: theirs.id } });
    expect(after).toMatchObject({
      name: "Decathlon",
      enabled: theirs.enabled,
      apiKeyEncrypted: theirs.apiKeyEncrypted,
    });
    expect(await prisma.miraklCall.count({ where: { connectionId: theirs.id } })).toBe(callsBefore);
    const exportB = JSON.parse(
      (await (await post(listAction, shopB, "/app/connections", { intent: "export" })).json()).content,
    );
    const namesB = (
      await prisma.marketplaceConnection.findMany({ where: { shop: shopB }, orderBy: { name: "asc" } })
    ).map((c) => c.name);
    expect(exportB.connections.map((c: any) => c.name)).toEqual(namesB);
    expect(namesB).not.toContain("Hijacked");
    const listB = await (await get(listLoader, shopB, "/app/connections")).json();
    expect(listB.connections.map((c: any) => c.id)).not.toContain(theirs.id);
  });
});
