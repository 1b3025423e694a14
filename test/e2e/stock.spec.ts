import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { openHydrated } from "./hydrated";

// The demo's marketplace is its own simulator shop (3001) on DEMO_PORT + 1; the demo connection sells the
// Warehouse Lyon stock only, keeping 1 unit back per SKU (app/demo/seed.server.ts demoStockRules).
const simulatorUrl = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3457) + 1}`;
const MIRAKL_SHOP = 3001;
const BUFFER = 1;
const SKU = "TENT-2S-2P";

/** The table row holding `cellText` in one of its cells, keyed by column heading, so column order does not matter. */
async function tableRow(page: Page, cellText: string): Promise<Record<string, string> | null> {
  return page.evaluate((cellText) => {
    const table = document.querySelector("table");
    if (!table) return null;
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
    for (const tr of table.querySelectorAll("tbody tr")) {
      const cells = [...tr.querySelectorAll("td, th")].map((cell) => cell.textContent?.trim() ?? "");
      if (cells.includes(cellText)) return Object.fromEntries(headings.map((heading, i) => [heading, cells[i] ?? ""]));
    }
    return null;
  }, cellText);
}

async function simulatorQuantity(request: APIRequestContext, sku: string): Promise<number | undefined> {
  const response = await request.get(`${simulatorUrl}/_sim/offers?shop_id=${MIRAKL_SHOP}`);
  expect(response.ok()).toBe(true);
  const offers = (await response.json()) as { shop_sku: string; quantity: number }[];
  return offers.find((offer) => offer.shop_sku === sku)?.quantity;
}

/** The Stock page's value for the SKU in one column, reloading until it settles on `expected`. */
async function expectStockColumn(page: Page, column: string, expected: string, timeout: number) {
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await tableRow(page, SKU))?.[column];
      },
      { timeout, intervals: [1_000, 2_000] },
    )
    .toBe(expected);
}

/** Opens the Stock page on the demo connection (other connections made by other specs may sort first) for the SKU. */
async function openStockPage(page: Page) {
  await openHydrated(page, `/app/stock?q=${SKU}`);
  await page.getByLabel("Marketplace").selectOption({ label: "Decathlon (demo)" });
  await expect(page).toHaveURL(/connection=/);
  await expect(page).toHaveURL(new RegExp(`q=${SKU}`));
}

/**
 * Submits one of the demo store's row forms, waits for Shopify's side to be done (webhook accepted), then for
 * the table to show Shopify's new quantity (the row's fields are re-created then, so nothing is typed before).
 */
async function changeInDemoShopify(
  page: Page,
  button: string,
  confirmation: RegExp,
  location: string,
  available: number,
) {
  const posted = page.waitForResponse((response) => response.request().method() === "POST");
  await page.getByRole("button", { name: button }).click();
  expect((await posted).status()).toBe(200);
  await expect(page.getByText(confirmation)).toBeVisible();
  await expect.poll(async () => (await tableRow(page, SKU))?.[`Available: ${location}`]).toBe(String(available));
}

test("a stock change in the demo's Shopify reaches the Stock page and the Mirakl simulator", async ({
  page,
  request,
  baseURL,
}) => {
  // Worst case: the previous stock import went out just before the change (one STO01 a minute), the import
  // completes on Mirakl 10 s later and is read back 15 s after sending, then a full reconciliation (~40 s).
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400 && response.url().startsWith(baseURL!))
      errors.push(`${response.status()} ${response.url()}`);
  });

  // What Shopify holds now, and that the demo already advertises it (its first catalogue read is done).
  await openHydrated(page, "/app/demo/shopify");
  await expect(page.getByRole("heading", { name: "Demo Shopify store" })).toBeVisible();
  const before = (await tableRow(page, SKU))!;
  expect(before).not.toBeNull();
  const warehouseBefore = Number(before["Available: Warehouse Lyon"]);
  const parisBefore = Number(before["Available: Retail shop Paris"]);
  await openStockPage(page);
  await expectStockColumn(page, "Sellable", String(warehouseBefore - BUFFER), 60_000);

  // In Shopify: more stock in Paris (not sold on this marketplace), a delivery at the warehouse, then an online sale.
  const warehouseTarget = warehouseBefore + 17;
  const sold = 2;
  await openHydrated(page, "/app/demo/shopify");
  const location = (name: string) =>
    page.getByLabel(`Location for ${SKU}`, { exact: true }).selectOption({ label: name });
  const availableField = page.getByLabel(`Available for ${SKU}`, { exact: true });
  await location("Retail shop Paris");
  await availableField.fill(String(parisBefore + 30));
  await changeInDemoShopify(
    page,
    `Set available for ${SKU}`,
    new RegExp(`${SKU} at Retail shop Paris: available ${parisBefore} → ${parisBefore + 30}\\. .*the app accepted it`),
    "Retail shop Paris",
    parisBefore + 30,
  );
  await location("Warehouse Lyon");
  await availableField.fill(String(warehouseTarget));
  await changeInDemoShopify(
    page,
    `Set available for ${SKU}`,
    new RegExp(`${SKU} at Warehouse Lyon: available ${warehouseBefore} → ${warehouseTarget}\\. .*the app accepted it`),
    "Warehouse Lyon",
    warehouseTarget,
  );
  await page.getByLabel(`Units to sell of ${SKU}`, { exact: true }).fill(String(sold));
  await changeInDemoShopify(
    page,
    `Sell units of ${SKU} online`,
    new RegExp(
      `Order #\\d+: ${SKU} at Warehouse Lyon: available ${warehouseTarget} → ${warehouseTarget - sold}\\. .*the app accepted it`,
    ),
    "Warehouse Lyon",
    warehouseTarget - sold,
  );

  // Webhook → inbox → worker → recompute: the sellable quantity moves within seconds; Paris does not count.
  const expected = warehouseTarget - sold - BUFFER;
  await openStockPage(page);
  await expectStockColumn(page, "Sellable", String(expected), 30_000);

  // The next stock import carries it to Mirakl; the simulator holds it once the import completes.
  await expect.poll(() => simulatorQuantity(request, SKU), { timeout: 100_000, intervals: [2_000] }).toBe(expected);
  await expectStockColumn(page, "Pushed", String(expected), 30_000);

  // What Mirakl shows is read back by a reconciliation (its offer export), then the row is in sync.
  await openStockPage(page);
  const reconcile = page.getByRole("button", { name: "Reconcile now" });
  await expect(reconcile).toBeEnabled({ timeout: 90_000 }); // the demo's start-up reconciliation may still run
  await reconcile.click();
  await expectStockColumn(page, "On Mirakl", String(expected), 100_000);
  const row = (await tableRow(page, SKU))!;
  expect(row.Status).toMatch(/In sync$/); // the badge also carries a hidden tone label
  expect(await simulatorQuantity(request, SKU)).toBe(expected);
  await page.screenshot({ path: "test-results/stock-change-reached-mirakl.png", fullPage: true });
  expect(errors).toEqual([]);
});
