import { expect, test, type Page } from "@playwright/test";
import { countAfterReload, openHydrated } from "./hydrated";

// A merchant opens the Stock & price settings of the demo connection from the Stock page, saves a buffer,
// and sees it on the Stock page: the sellable numbers' explanations show the new buffer once the worker has
// recomputed the demo's catalogue.

const BUFFER = "3";

/** The demo's own connection (other specs add connections that may sort first). */
const DEMO_CONNECTION = "Decathlon (demo)";

async function openSettingsFromStock(page: Page) {
  await openHydrated(page, "/app/stock");
  await page.getByLabel("Marketplace", { exact: true }).selectOption({ label: DEMO_CONNECTION });
  await expect(page).toHaveURL(/connection=/);
  const settingsLink = page.getByRole("link", { name: /^Stock (&|and) price settings/ }).first();
  const selected = new URL(page.url()).searchParams.get("connection");
  // The address changes a moment before the page re-renders: click only once the link is the selected connection's.
  if (selected) await expect(settingsLink).toHaveAttribute("href", new RegExp(`/app/stock/${selected}/settings`));
  await settingsLink.click();
  await expect(page.getByRole("heading", { name: "Stock & price settings", exact: true })).toBeVisible();
  await page.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter));
  return page.url();
}

/** Reopens the settings page this spec read, by its address: never another connection's. */
async function reopenSettings(page: Page, url: string) {
  await openHydrated(page, url);
  await expect(page.getByRole("heading", { name: "Stock & price settings", exact: true })).toBeVisible();
}

test("a bad value is refused inline and keeps what was typed", async ({ page }) => {
  await openSettingsFromStock(page);
  const buffer = page.getByLabel("Buffer", { exact: true });
  const cap = page.getByLabel("Cap", { exact: true });
  await cap.fill("12");
  await buffer.fill("-2");
  await page.getByRole("button", { name: "Save" }).first().click();
  await expect(page.getByText("Nothing was saved")).toBeVisible();
  await expect(page.getByText("The buffer is a whole number of units, 0 or more")).toBeVisible();
  await expect(buffer).toHaveValue("-2");
  await expect(cap).toHaveValue("12");
});

const locationBoxes = (page: Page) =>
  page.getByRole("group", { name: /Shopify locations whose available stock/ }).getByRole("checkbox");

/**
 * The connection's rules as the form shows them, to put back what this spec changed (later specs rely on the
 * demo's own). Locations are keyed by id, not position: the list's order depends on whether Shopify answered.
 */
async function readRules(page: Page) {
  const boxes = locationBoxes(page);
  const locations: Record<string, boolean> = {};
  for (let i = 0; i < (await boxes.count()); i++)
    locations[(await boxes.nth(i).getAttribute("value"))!] = await boxes.nth(i).isChecked();
  return {
    buffer: await page.getByLabel("Buffer", { exact: true }).inputValue(),
    cap: await page.getByLabel("Cap", { exact: true }).inputValue(),
    locations,
  };
}

async function writeRules(page: Page, rules: { buffer: string; cap: string; locations?: Record<string, boolean> }) {
  for (const [id, checked] of Object.entries(rules.locations ?? {})) {
    await locationBoxes(page)
      .and(page.locator(`[value="${id}"]`))
      .setChecked(checked);
  }
  await page.getByLabel("Buffer", { exact: true }).fill(rules.buffer);
  await page.getByLabel("Cap", { exact: true }).fill(rules.cap);
  await page.getByRole("button", { name: "Save" }).first().click();
  await expect(page.getByText("Saved", { exact: true })).toBeVisible();
}

test("saving a buffer reaches the Stock page", async ({ page }) => {
  const settingsUrl = await openSettingsFromStock(page);
  // Read what to put back from a fresh load of that exact page: the Stock page's connection picker navigates,
  // and reading mid-navigation once restored another connection's empty rules onto the demo's.
  await reopenSettings(page, settingsUrl);
  const original = await readRules(page);
  // Sell from at least one location when the demo's Shopify lists any (a buffer only shows against stock).
  const ids = Object.keys(original.locations);
  const locations =
    ids.length > 0 && !Object.values(original.locations).includes(true) ? { [ids[0]!]: true } : undefined;
  await writeRules(page, { buffer: BUFFER, cap: "", locations });
  try {
    await expectBufferOnStockPage(page);
  } finally {
    await reopenSettings(page, settingsUrl);
    await writeRules(page, original);
  }
});

async function expectBufferOnStockPage(page: Page) {
  await page.getByRole("link", { name: "Back to Stock" }).click();
  await expect(page.getByRole("heading", { name: "Stock", exact: true })).toBeVisible();
  // Saved rules are configured rules: the stock is no longer held.
  await expect(page.getByText("Choose the locations that supply this marketplace")).toHaveCount(0);

  // The demo's catalogue is on the Stock page within a minute of its start.
  await expect(page.locator("tbody tr").first()).toBeVisible({ timeout: 60_000 });

  // The worker recomputes within seconds; the page shows it after a reload.
  const withBuffer = page.locator("tbody tr", { hasText: `− buffer ${BUFFER}` });
  await expect.poll(countAfterReload(page, withBuffer), { timeout: 30_000, intervals: [1_000] }).toBeGreaterThan(0);
  // The row's sellable number is the result its explanation computes.
  const row = withBuffer.first();
  const explanation = (await row.getByText(`− buffer ${BUFFER}`).first().textContent()) ?? "";
  const result = /= (\d+)/.exec(explanation)?.[1];
  expect(result).toBeDefined();
  await expect(row.locator("td").nth(2)).toHaveText(result!);
}

test("SKU mapping: a bad CSV changes nothing, a good one imports, and the export gives it back", async ({ page }) => {
  await openSettingsFromStock(page);
  await page.getByRole("link", { name: "SKU mapping" }).first().click();
  await expect(page.getByRole("heading", { name: "SKU mapping", exact: true })).toBeVisible();
  const overrides = page.getByRole("heading", { name: /^Overrides \(\d+\)$/ });
  const before = await overrides.textContent();
  const fileInput = page.locator('input[type="file"]');
  const upload = (name: string, text: string) =>
    fileInput.setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

  await upload("bad.csv", "shopify_sku,offer_sku\nE2E-A,E2E-OFFER\nE2E-A,E2E-OTHER\n");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByText("Nothing was imported")).toBeVisible();
  await expect(page.getByText('Line 3: Shopify SKU "E2E-A" is already mapped on line 2')).toBeVisible();
  await expect(overrides).toHaveText(before!);

  // The import replaces the whole set: start from the export, so overrides made elsewhere are kept.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export the SKU overrides as CSV" }).click();
  const exported = await (await download).createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  });
  expect(exported.split("\n")[0]).toBe("shopify_sku,offer_sku");
  const withOne = `${exported.trimEnd()}\nE2E-A,E2E-OFFER\n`;
  await upload("good.csv", withOne);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByText("Imported", { exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: "E2E-OFFER" })).toBeVisible();

  // Put the set back as it was, for the specs that follow on this demo.
  await upload("restore.csv", exported);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByText(/0 added, 1 removed/)).toBeVisible();
  await expect(overrides).toHaveText(before!);
});
