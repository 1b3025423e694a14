import { expect, test, type Page } from "@playwright/test";
import { openHydrated } from "./hydrated";

// Every page of the app renders and hydrates without a browser error: a server-only import reaching the
// client, or a dependency the dev server cannot serve, breaks a page without failing any unit test.
const pages = [
  { path: "/app", heading: "Overview" },
  { path: "/app/stock", heading: "Stock" },
  { path: "/app/connections", heading: "Marketplace connections" },
  { path: "/app/connections/new", heading: "Add a marketplace connection" },
  { path: "/app/exceptions", heading: "Exceptions" },
  { path: "/app/orders", heading: "Orders" },
  { path: "/app/carriers", heading: "Carriers" },
  { path: "/app/demo/marketplace", heading: "Demo marketplace" },
];

function collectErrors(page: Page, baseURL: string) {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400 && response.url().startsWith(baseURL)) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  return errors;
}

for (const { path, heading } of pages) {
  test(`${path} renders and hydrates without errors`, async ({ page, baseURL }) => {
    const errors = collectErrors(page, baseURL!);
    await openHydrated(page, path);
    await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });
}

// A connection's pages in the Stock area, reached as a merchant does: from the Stock page's actions.
const connectionPages = [
  { link: /^Stock (&|and) price settings/, heading: "Stock & price settings" },
  { link: /^SKU mapping/, heading: "SKU mapping" },
];

for (const { link, heading } of connectionPages) {
  test(`${heading} (from the Stock page) renders and hydrates without errors`, async ({ page, baseURL }) => {
    const errors = collectErrors(page, baseURL!);
    await openHydrated(page, "/app/stock");
    const href = await page.getByRole("link", { name: link }).first().getAttribute("href");
    expect(href).toMatch(/^\/app\/stock\/[^/]+\/(settings|mapping)$/);
    await openHydrated(page, href!);
    await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });
}

// A connection's Order acceptance settings, reached from the connection's page as a merchant does.
test("Order acceptance (from the connection's page) renders and hydrates without errors", async ({ page, baseURL }) => {
  const errors = collectErrors(page, baseURL!);
  await openHydrated(page, "/app/connections");
  const connection = await page.getByRole("link", { name: "Decathlon (demo)" }).first().getAttribute("href");
  await openHydrated(page, connection!);
  const href = await page.getByRole("link", { name: "Order acceptance" }).first().getAttribute("href");
  expect(href).toMatch(/^\/app\/connections\/[^/]+\/orders$/);
  await openHydrated(page, href!);
  await expect(page.getByRole("heading", { name: "Order acceptance", exact: true }).first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});
