import type { ActionFunctionArgs } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection, updateConnection } from "~/connections/connections.server";
import { setConnectionEnabled } from "~/connections/connection-forms.server";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.stock_.$connectionId.settings/route";
import { loader as stockLoader } from "~/routes/app.stock/route";
import { applyLevels, upsertVariants, type VariantFacts } from "~/sync/catalog/mirror.server";
import { runStockRecompute } from "~/sync/stock/recompute.server";
import { forgetCachedLocations, locationNamesForDisplay } from "~/connections/stock-settings.server";
import { formValuesFromSettings, type StockSettingsFormValues } from "~/connections/stock-settings-form";
import { embeddedRequest, installShop, settle } from "../helpers/app";
import { ShopifyFake } from "../shopify-fake";

// Each test gets its own shops, Shopify fake (no failure or cached locations carried over) and connections.
let testCount = 0;
let shopA: string;
let shopB: string;
let fake: ShopifyFake;
let warehouse: ReturnType<ShopifyFake["store"]["addLocation"]>;
let parisShop: typeof warehouse;
let uninstallFake = () => {};
let connectionA = "";
let connectionB = "";
let seq = 0;

type RouteFunction = (args: ActionFunctionArgs) => unknown;
const get = async (loader: RouteFunction, shop: string, path: string, params: Record<string, string> = {}) =>
  settle(loader({ request: await embeddedRequest(shop, path), params, context: {} }));
const saveSettings = async (shop: string, connectionId: string, values: unknown) =>
  settle(
    settingsAction({
      request: await embeddedRequest(shop, `/app/stock/${connectionId}/settings`, {
        method: "POST",
        form: { values: JSON.stringify(values) },
      }),
      params: { connectionId },
      context: {},
    }),
  );
const storedSettings = async (id: string) =>
  parseConnectionSettings((await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id } })).settings);
const formOf = async (id: string): Promise<StockSettingsFormValues> => formValuesFromSettings(await storedSettings(id));
const offer = (connectionId: string, offerSku: string) =>
  prisma.offerStock.findUniqueOrThrow({
    where: { connectionId_offerSku_warehouseCode: { connectionId, offerSku, warehouseCode: "" } },
  });
const recompute = () => runStockRecompute(shopA, { shopify: null });

async function addVariant(sku: string, available: Record<string, number>) {
  const n = ++seq;
  const facts: VariantFacts = {
    variantId: `gid://shopify/ProductVariant/${9000 + n}`,
    productId: `gid://shopify/Product/${9000 + n}`,
    sku,
    barcode: null,
    title: `Product ${n}`,
    productStatus: "ACTIVE",
    tracked: true,
    inventoryItemId: `gid://shopify/InventoryItem/${9000 + n}`,
    price: "20.00",
    compareAtPrice: null,
  };
  await upsertVariants(shopA, [facts], new Date());
  await applyLevels(
    shopA,
    Object.entries(available).map(([locationId, quantity]) => ({
      inventoryItemId: facts.inventoryItemId,
      locationId,
      available: quantity,
      observedAt: new Date(),
    })),
  );
}

/** The connection's settings saved through the page (locations chosen, so configured), then recomputed. */
async function savedSettings(values: Partial<StockSettingsFormValues>) {
  expect((await saveSettings(shopA, connectionA, { ...(await formOf(connectionA)), ...values })).status).toBe(200);
  await recompute();
}

beforeEach(async () => {
  testCount++;
  shopA = `settings-a-${testCount}.myshopify.com`;
  shopB = `settings-b-${testCount}.myshopify.com`;
  fake = new ShopifyFake({ shop: shopA });
  warehouse = fake.store.addLocation({ name: "Warehouse" });
  parisShop = fake.store.addLocation({ name: "Paris shop" });
  await installShop(shopA);
  await installShop(shopB);
  // The app's own unauthenticated.admin path, with the offline token installShop stored, reaches the fake.
  fake.issuedAccessTokens.add(`token-for-${shopA}`);
  uninstallFake = fake.install();
  connectionA = (
    await createConnection(shopA, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "key-aaaaaaaa",
    })
  ).id;
  connectionB = (
    await createConnection(shopB, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "key-bbbbbbbb",
    })
  ).id;
  await addVariant("TENT", { [warehouse.id]: 12, [parisShop.id]: 50 });
  await recompute();
});
afterEach(() => uninstallFake());

describe("stock & price settings page", () => {
  it("lists the shop's Shopify locations and starts from the stored, never-saved rules", async () => {
    const response = await get(settingsLoader, shopA, `/app/stock/${connectionA}/settings`, {
      connectionId: connectionA,
    });
    expect(response.status).toBe(200);
    const page = await response.json();
    expect(page.locationsError).toBeNull();
    expect(page.locations.map((l: { name: string; source: string }) => [l.name, l.source])).toEqual([
      ["Warehouse", "shopify"], // primary first
      ["Paris shop", "shopify"],
    ]);
    expect(page.configured).toBe(false);
    expect(page.values).toMatchObject({
      locationIds: [],
      buffer: "0",
      cap: "",
      untrackedMode: "fixed",
      pricesEnabled: false,
    });
  });

  it("a connection of another shop does not exist: 404 for the page and the save, and nothing changes", async () => {
    expect(
      (await get(settingsLoader, shopB, `/app/stock/${connectionA}/settings`, { connectionId: connectionA })).status,
    ).toBe(404);
    const before = await storedSettings(connectionA);
    const response = await saveSettings(shopB, connectionA, { ...(await formOf(connectionA)), buffer: "3" });
    expect(response.status).toBe(404);
    expect(await storedSettings(connectionA)).toEqual(before);
    expect(
      (await get(settingsLoader, shopA, `/app/stock/${connectionB}/settings`, { connectionId: connectionB })).status,
    ).toBe(404);
  });

  it("answers bad fields inline, per field, and stores nothing", async () => {
    const before = await storedSettings(connectionA);
    const variantBefore = await prisma.shopifyVariant.findFirstOrThrow({ where: { shop: shopA, sku: "TENT" } });
    const response = await saveSettings(shopA, connectionA, {
      ...(await formOf(connectionA)),
      locationIds: [warehouse.id],
      buffer: "-1",
      cap: "lots",
      lowStockHoldback: "2.5",
      bufferOverrides: [
        { sku: "", units: "2" },
        { sku: "TENT", units: "1" },
        { sku: "TENT", units: "4" },
      ],
      warehouses: [
        { code: "has space", locationIds: [warehouse.id] },
        { code: "WH-2", locationIds: [parisShop.id] },
      ],
      markupPercent: "12.345",
      stateCode: "",
      leadtimeToShip: "soon",
    });
    expect(response.status).toBe(400);
    const { errors } = await response.json();
    expect(errors).toMatchObject({
      buffer: expect.stringContaining("whole number"),
      cap: expect.stringContaining("whole number"),
      lowStockHoldback: expect.stringContaining("whole number"),
      "bufferOverrides.0.sku": "Enter the Shopify SKU this buffer is for",
      "bufferOverrides.2.sku": "TENT already has its own buffer above",
      "warehouses.1.locationIds": expect.stringContaining("Only chosen locations"),
      markupPercent: expect.stringContaining("at most 2 decimals"),
      leadtimeToShip: expect.stringContaining("whole number"),
    });
    expect(await storedSettings(connectionA)).toEqual(before);
    // No recompute was asked for either.
    expect((await prisma.shopifyVariant.findFirstOrThrow({ where: { shop: shopA, sku: "TENT" } })).changeVersion).toBe(
      variantBefore.changeVersion,
    );
  });

  it("passes the domain's own rules through to the field they concern", async () => {
    const response = await saveSettings(shopA, connectionA, {
      ...(await formOf(connectionA)),
      locationIds: [warehouse.id, parisShop.id],
      warehouses: [
        { code: "has space", locationIds: [warehouse.id] },
        { code: "WH-2", locationIds: [warehouse.id, parisShop.id] },
      ],
      stateCode: "not a code!",
    });
    expect(response.status).toBe(400);
    const { errors } = await response.json();
    expect(errors["warehouses.0.code"]).toBe("a warehouse code has no spaces or CSV separators");
    expect(errors["warehouses.1.locationIds"]).toMatch(/already feeds warehouse/);
    expect(errors.stateCode).toMatch(/condition/);
  });

  it("refuses a location that is not one of the shop's", async () => {
    const response = await saveSettings(shopA, connectionA, {
      ...(await formOf(connectionA)),
      locationIds: ["gid://shopify/Location/424242"],
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors.locationIds).toMatch(/Shopify has no location/);
  });

  it("saving recomputes the connection: the desired quantity and its explanation change", async () => {
    expect(await offer(connectionA, "TENT")).toMatchObject({ desiredQuantity: 0 }); // not configured: no location chosen
    const response = await saveSettings(shopA, connectionA, {
      ...(await formOf(connectionA)),
      locationIds: [warehouse.id],
      buffer: "2",
    });
    expect(response.status).toBe(200);
    const settings = await storedSettings(connectionA);
    expect(settings.stock).toMatchObject({ locationIds: [warehouse.id], buffer: 2 });
    expect(settings.stockConfiguredAt).not.toBeNull();
    expect(settings.locationNames[warehouse.id]).toBe("Warehouse");
    await recompute();
    expect(await offer(connectionA, "TENT")).toMatchObject({ desiredQuantity: 10 }); // 12 at Warehouse − buffer 2; Paris is not chosen

    await saveSettings(shopA, connectionA, {
      ...(await formOf(connectionA)),
      bufferOverrides: [{ sku: "TENT", units: "5" }],
      cap: "6",
    });
    await recompute();
    expect(await offer(connectionA, "TENT")).toMatchObject({ desiredQuantity: 6 });

    const stock = await (await get(stockLoader, shopA, `/app/stock?connection=${connectionA}`)).json();
    const row = stock.rows.find((r: { offerSku: string }) => r.offerSku === "TENT");
    expect(row.explanation.summary).toBe("12 at Warehouse − buffer 5, capped at 6 = 6");
    expect(row.explanation.details).toContain("− buffer 5 (this SKU's own buffer) → 7");
    expect(stock.connection.stockConfigured).toBe(true);
  });

  it("when Shopify cannot be reached: a clear message, the chosen locations are kept and can still be saved", async () => {
    await savedSettings({ locationIds: [warehouse.id], buffer: "2" });
    forgetCachedLocations();
    fake.failNext(503, 4); // the page's read and the save's read both fail (two tries each)
    const page = await (
      await get(settingsLoader, shopA, `/app/stock/${connectionA}/settings`, { connectionId: connectionA })
    ).json();
    expect(page.locationsError).toMatch(/Shopify could not be reached/);
    // Still listed, by the names saved last time: the chosen Warehouse, and Paris, known from the inventory mirror.
    expect(page.locations.map((l: { id: string; name: string; source: string }) => [l.id, l.name, l.source])).toEqual([
      [warehouse.id, "Warehouse", "known"],
      [parisShop.id, "Paris shop", "known"],
    ]);
    const response = await saveSettings(shopA, connectionA, { ...page.values, buffer: "1" });
    expect(response.status).toBe(200);
    expect((await storedSettings(connectionA)).stock.buffer).toBe(1);
  });

  it("enabling a disabled connection recomputes its offers", async () => {
    // 12 at Warehouse − TENT's own buffer 5, capped at 6.
    await savedSettings({
      locationIds: [warehouse.id],
      buffer: "2",
      bufferOverrides: [{ sku: "TENT", units: "5" }],
      cap: "6",
    });
    await setConnectionEnabled(shopA, connectionA, false);
    await applyLevels(shopA, [
      {
        inventoryItemId: (await prisma.shopifyVariant.findFirstOrThrow({ where: { shop: shopA, sku: "TENT" } }))
          .inventoryItemId,
        locationId: warehouse.id,
        available: 3,
        observedAt: new Date(),
      },
    ]);
    await recompute(); // a disabled connection is skipped
    expect((await offer(connectionA, "TENT")).desiredQuantity).toBe(6);
    const result = await setConnectionEnabled(shopA, connectionA, true);
    expect(result.ok).toBe(true);
    await recompute();
    expect((await offer(connectionA, "TENT")).desiredQuantity).toBe(0); // 3 − its own buffer 5, never below 0
    expect(await prisma.workUnit.findUnique({ where: { key: `stock-push:${connectionA}` } })).not.toBeNull();
  });

  it("keeps the stored settings other than the form's (the last connection test) on save", async () => {
    const before = await storedSettings(connectionA);
    await updateConnection(shopA, connectionA, { settings: { ...before, csvDelimiter: ",", currencyIsoCode: "EUR" } });
    expect(
      (
        await saveSettings(shopA, connectionA, {
          ...(await formOf(connectionA)),
          pricesEnabled: true,
          markupPercent: "15",
          rounding: "99",
        })
      ).status,
    ).toBe(200);
    const after = await storedSettings(connectionA);
    expect(after).toMatchObject({
      csvDelimiter: ",",
      currencyIsoCode: "EUR",
      prices: { enabled: true, markupPercent: 15, rounding: "99", mirrorSales: false },
    });
  });

  it("stores the import time limit (default 30 minutes); a page that does not send it keeps the stored one", async () => {
    expect((await formOf(connectionA)).importAgeLimitMinutes).toBe("30");
    const refused = await saveSettings(shopA, connectionA, {
      ...(await formOf(connectionA)),
      importAgeLimitMinutes: "0",
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors.importAgeLimitMinutes).toMatch(/between 5 and 1440/);
    await savedSettings({ locationIds: [warehouse.id], importAgeLimitMinutes: "90" });
    expect((await storedSettings(connectionA)).importAgeLimitMinutes).toBe(90);
    const { importAgeLimitMinutes: _omitted, ...olderPage } = await formOf(connectionA);
    expect((await saveSettings(shopA, connectionA, { ...olderPage, buffer: "1" })).status).toBe(200);
    expect(await storedSettings(connectionA)).toMatchObject({ importAgeLimitMinutes: 90, stock: { buffer: 1 } });
  });

  it("names locations chosen outside this page on the Stock page, and does not wait on a Shopify that fails", async () => {
    const rules = { stock: { locationIds: [parisShop.id] }, locationNames: {} };
    forgetCachedLocations();
    expect(await locationNamesForDisplay(shopA, rules)).toMatchObject({ [parisShop.id]: "Paris shop" });

    forgetCachedLocations();
    let lookups = 0;
    const failing = async () => {
      lookups++;
      throw new Error("offline");
    };
    expect(await locationNamesForDisplay(shopA, rules, { client: failing })).toEqual({});
    expect(await locationNamesForDisplay(shopA, rules, { client: failing })).toEqual({}); // within the backoff: not asked again
    expect(lookups).toBe(1);
  });
});
