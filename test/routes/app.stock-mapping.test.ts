import type { ActionFunctionArgs } from "@remix-run/node";
import { parse } from "csv-parse/sync";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { action as mappingAction, loader as mappingLoader } from "~/routes/app.stock_.$connectionId.mapping/route";
import { loader as csvLoader } from "~/routes/app.stock_.$connectionId.mapping[.csv]";
import { applyLevels, upsertVariants } from "~/sync/catalog/mirror.server";
import { listOverrides } from "~/connections/sku-mapping.server";
import { runStockRecompute } from "~/sync/stock/recompute.server";
import { embeddedRequest, installShop, settle } from "../helpers/app";

// Each test gets its own pair of shops, connections and variants (beforeEach); variant ids are global keys.
let testCount = 0;
let shopA: string;
let shopB: string;
const LOCATION = "gid://shopify/Location/6101";
let connectionA = "";
let connectionB = "";

type RouteFunction = (args: ActionFunctionArgs) => unknown;
const get = async (loader: RouteFunction, shop: string, path: string, connectionId: string) =>
  settle(loader({ request: await embeddedRequest(shop, path), params: { connectionId }, context: {} }));
const post = async (shop: string, connectionId: string, form: Record<string, string>) =>
  settle(
    mappingAction({
      request: await embeddedRequest(shop, `/app/stock/${connectionId}/mapping`, { method: "POST", form }),
      params: { connectionId },
      context: {},
    }),
  );
const desired = async (offerSku: string) =>
  (
    await prisma.offerStock.findUnique({
      where: { connectionId_offerSku_warehouseCode: { connectionId: connectionA, offerSku, warehouseCode: "" } },
    })
  )?.desiredQuantity;
const recompute = () => runStockRecompute(shopA, { shopify: null });

/** DRILL-18V feeds the offer LM-DRILL, recomputed: LM-DRILL has DRILL-18V's 7. */
async function drillMappedToLmDrill() {
  expect(
    (await post(shopA, connectionA, { intent: "add", shopifySku: "DRILL-18V", offerSku: "LM-DRILL" })).status,
  ).toBe(200);
  await recompute();
  expect(await desired("LM-DRILL")).toBe(7);
}

/** SAW-1 feeds the offer LM-SAW (not recomputed yet): the set a refused request must leave as it was. */
async function sawMappedToLmSaw() {
  expect((await post(shopA, connectionA, { intent: "add", shopifySku: "SAW-1", offerSku: "LM-SAW" })).status).toBe(200);
}

beforeEach(async () => {
  testCount++;
  shopA = `mapping-a-${testCount}.myshopify.com`;
  shopB = `mapping-b-${testCount}.myshopify.com`;
  await installShop(shopA);
  await installShop(shopB);
  connectionA = (
    await createConnection(shopA, {
      name: "Leroy Merlin",
      baseUrl: "https://lm.mirakl.test",
      apiKey: "key-aaaaaaaa",
      settings: { stock: { locationIds: [LOCATION] } },
    })
  ).id;
  connectionB = (
    await createConnection(shopB, { name: "Leroy Merlin", baseUrl: "https://lm.mirakl.test", apiKey: "key-bbbbbbbb" })
  ).id;
  let n = 0;
  for (const [sku, available] of [
    ["DRILL-18V", 7],
    ["SAW-1", 3],
    ["SANDER", 5],
  ] as const) {
    n++;
    const id = `61${testCount}${n}`; // n is one digit: unique across tests
    await upsertVariants(
      shopA,
      [
        {
          variantId: `gid://shopify/ProductVariant/${id}`,
          productId: `gid://shopify/Product/${id}`,
          sku,
          barcode: null,
          title: sku,
          productStatus: "ACTIVE",
          tracked: true,
          inventoryItemId: `gid://shopify/InventoryItem/${id}`,
          price: "10.00",
          compareAtPrice: null,
        },
      ],
      new Date(),
    );
    await applyLevels(shopA, [
      {
        inventoryItemId: `gid://shopify/InventoryItem/${id}`,
        locationId: LOCATION,
        available,
        observedAt: new Date(),
      },
    ]);
  }
  await recompute();
});

describe("SKU mapping page", () => {
  it("adds an override: the Shopify SKU feeds the new offer SKU once recomputed", async () => {
    expect(await desired("DRILL-18V")).toBe(7);
    const response = await post(shopA, connectionA, { intent: "add", shopifySku: " DRILL-18V ", offerSku: "LM-DRILL" });
    expect(response.status).toBe(200);
    expect(await listOverrides(shopA, connectionA)).toEqual([{ shopifySku: "DRILL-18V", offerSku: "LM-DRILL" }]);
    await recompute();
    expect(await desired("LM-DRILL")).toBe(7);
    expect(await desired("DRILL-18V")).toBe(0); // no longer fed by the Shopify SKU of that name
    const page = await (await get(mappingLoader, shopA, `/app/stock/${connectionA}/mapping`, connectionA)).json();
    expect(page.rows).toEqual([{ shopifySku: "DRILL-18V", offerSku: "LM-DRILL" }]);
    expect(page.all).toBe(1);
  });

  it("refuses an override that clashes, on the field concerned, and keeps the set", async () => {
    await drillMappedToLmDrill();
    const clashes: [Record<string, string>, string, RegExp][] = [
      [{ shopifySku: "DRILL-18V", offerSku: "OTHER" }, "shopifySku", /already feeds offer LM-DRILL/],
      [{ shopifySku: "SAW-1", offerSku: "LM-DRILL" }, "offerSku", /already fed by DRILL-18V/],
      [{ shopifySku: "SAW-1", offerSku: "SAW-1" }, "offerSku", /no override is needed/],
      [{ shopifySku: "", offerSku: "X" }, "shopifySku", /Enter the Shopify SKU/],
      [{ shopifySku: "LM-DRILL", offerSku: "Y" }, "offerSku", /chains are not allowed/],
    ];
    for (const [fields, field, message] of clashes) {
      const response = await post(shopA, connectionA, { intent: "add", ...fields });
      expect(response.status).toBe(400);
      expect((await response.json()).errors[field]).toMatch(message);
    }
    expect(await listOverrides(shopA, connectionA)).toEqual([{ shopifySku: "DRILL-18V", offerSku: "LM-DRILL" }]);
  });

  it("removes an override: the Shopify SKU feeds its own offer again", async () => {
    await drillMappedToLmDrill();
    expect((await post(shopA, connectionA, { intent: "remove", shopifySku: "DRILL-18V" })).status).toBe(200);
    expect(await listOverrides(shopA, connectionA)).toEqual([]);
    await recompute();
    expect(await desired("DRILL-18V")).toBe(7);
    expect(await desired("LM-DRILL")).toBe(0);
    expect((await post(shopA, connectionA, { intent: "remove", shopifySku: "DRILL-18V" })).status).toBe(400);
  });

  it("round-trips through CSV: export, import the same file, nothing changes; an edited file applies and recomputes", async () => {
    await sawMappedToLmSaw();
    const exported = await get(csvLoader, shopA, `/app/stock/${connectionA}/mapping.csv`, connectionA);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect(exported.headers.get("Content-Disposition")).toContain("sku-mapping-leroy-merlin.csv");
    const csv = await exported.text();
    expect(csv).toBe("shopify_sku,offer_sku\nSAW-1,LM-SAW\n");

    const same = await post(shopA, connectionA, { intent: "import", csv });
    expect(await same.json()).toMatchObject({ ok: true, created: 0, removed: 0, unchanged: 1, changedSkus: 0 });

    const edited = `${csv}SANDER,LM-SANDER\n`;
    const applied = await post(shopA, connectionA, { intent: "import", csv: edited });
    expect(await applied.json()).toMatchObject({ ok: true, created: 1, removed: 0, unchanged: 1, changedSkus: 2 });
    await recompute(); // the import marked SANDER (and the offer named LM-SANDER) for recompute
    expect(await desired("LM-SANDER")).toBe(5);
    expect(await desired("LM-SAW")).toBe(3);
    expect(await (await get(csvLoader, shopA, `/app/stock/${connectionA}/mapping.csv`, connectionA)).text()).toBe(
      "shopify_sku,offer_sku\nSANDER,LM-SANDER\nSAW-1,LM-SAW\n",
    );
  });

  it("a downloaded file runs no formula when opened in a spreadsheet, and imports back exactly", async () => {
    // SKUs a spreadsheet would read as formulas (=, +, -, @), and ones that already start with the quote the export adds.
    const risky = [
      { shopifySku: '=HYPERLINK("https://evil.test","Click")', offerSku: "LM-1" },
      { shopifySku: "+CMD", offerSku: "-LM-2" },
      { shopifySku: "@SUM(A1)", offerSku: "'=LM-3" },
      { shopifySku: "'-LM-4", offerSku: "LM-4" },
      { shopifySku: "IT'S-5", offerSku: "'LM-5" },
    ];
    for (const override of risky)
      expect((await post(shopA, connectionA, { intent: "add", ...override })).status).toBe(200);
    const before = await listOverrides(shopA, connectionA);

    const csv = await (await get(csvLoader, shopA, `/app/stock/${connectionA}/mapping.csv`, connectionA)).text();
    const cells: string[] = parse(csv, { from_line: 2 }).flat();
    expect(cells).toHaveLength(risky.length * 2);
    for (const cell of cells) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toEqual(
      expect.arrayContaining([
        `'=HYPERLINK("https://evil.test","Click")`,
        "'+CMD",
        "'-LM-2",
        "'@SUM(A1)",
        "''=LM-3",
        "''-LM-4",
        "IT'S-5",
        "'LM-5",
      ]),
    );

    const same = await post(shopA, connectionA, { intent: "import", csv });
    expect(await same.json()).toMatchObject({ ok: true, created: 0, removed: 0, unchanged: risky.length });
    expect(await listOverrides(shopA, connectionA)).toEqual(before);
  });

  it("a bad file is refused with its lines named, and changes nothing", async () => {
    await sawMappedToLmSaw();
    const before = await listOverrides(shopA, connectionA);
    const bad = "shopify_sku;offer_sku\nSAW-1;LM-SAW\nSAW-1;LM-SAW-2\nDRILL-18V;\n";
    const response = await post(shopA, connectionA, { intent: "import", csv: bad });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.ok).toBe(false);
    expect(body.problems).toEqual([
      { line: 3, message: 'Shopify SKU "SAW-1" is already mapped on line 2' },
      { line: 4, message: "Offer SKU is empty" },
    ]);
    for (const notCsv of ["", "sku,offer\nA,B\n", '"unterminated,quote\n']) {
      const refused = await post(shopA, connectionA, { intent: "import", csv: notCsv });
      expect(refused.status).toBe(400);
      expect((await refused.json()).problems[0].message).toMatch(
        /Choose a CSV file|header must name|Not a readable CSV/,
      );
    }
    expect(await listOverrides(shopA, connectionA)).toEqual(before);
  });

  it("another shop's connection does not exist: page, export, add and import are 404 and change nothing", async () => {
    await sawMappedToLmSaw();
    const before = await listOverrides(shopA, connectionA);
    expect((await get(mappingLoader, shopB, `/app/stock/${connectionA}/mapping`, connectionA)).status).toBe(404);
    expect((await get(csvLoader, shopB, `/app/stock/${connectionA}/mapping.csv`, connectionA)).status).toBe(404);
    expect((await post(shopB, connectionA, { intent: "add", shopifySku: "X", offerSku: "Y" })).status).toBe(404);
    expect((await post(shopB, connectionA, { intent: "remove", shopifySku: "SAW-1" })).status).toBe(404);
    expect((await post(shopB, connectionA, { intent: "import", csv: "shopify_sku,offer_sku\n" })).status).toBe(404);
    expect(await listOverrides(shopA, connectionA)).toEqual(before);
    expect((await get(mappingLoader, shopA, `/app/stock/${connectionB}/mapping`, connectionB)).status).toBe(404);
  });
});
