import { expect, test, type Page } from "@playwright/test";
import { openHydrated } from "./hydrated";

// The demo starts the Mirakl simulator on DEMO_PORT + 1 with its default key for shop 2001.
const simulatorUrl = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3457) + 1}`;
const simulatorKey = "sim-key-shop-2001";

/** Clicks a form button and waits for its action and the page's reload of data, so steps never overlap. */
async function submitWith(page: Page, button: string) {
  const posted = page.waitForResponse((response) => response.request().method() === "POST");
  await page.getByRole("button", { name: button }).click();
  await posted;
  await page.waitForLoadState("networkidle");
}

test("add a connection to the demo simulator, test it, then a wrong key shows inline", async ({ page }) => {
  await openHydrated(page, "/app/connections");
  await expect(page.getByRole("heading", { name: "Marketplace connections" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Decathlon (demo)" })).toBeVisible();

  await page.getByRole("link", { name: "Add connection" }).first().click();
  await expect(page.getByRole("heading", { name: "Add a marketplace connection" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill("Carrefour (e2e)");
  await page.getByLabel("Mirakl base URL").fill(`${simulatorUrl}/api`);
  await page.getByLabel("API key", { exact: true }).fill(simulatorKey);
  await page.getByRole("button", { name: "Save and test" }).click();

  // Saved, tested, and what Mirakl said is on the connection's page; the key is never shown back.
  await expect(page).toHaveURL(/\/app\/connections\/[0-9a-f-]{36}$/);
  await expect(page.getByText("Connected to Simulated Shop")).toBeVisible();
  await expect(page.getByText(/Key set on/)).toBeVisible();
  await expect(page.getByLabel("Replace key")).toHaveValue("");
  expect(await page.content()).not.toContain(simulatorKey);
  await expect(page.getByText("USD")).toBeVisible();

  await submitWith(page, "Test connection");
  await expect(page.getByText("Connected to Simulated Shop")).toBeVisible();

  // A wrong key: the error sits on the key field.
  await page.getByLabel("Replace key").fill("not-the-right-key-123");
  await submitWith(page, "Test connection");
  await expect(page.getByText("The last test failed")).toBeVisible();
  const keyError = page.locator("#apiKeyError, [id$='Error']").filter({ hasText: "Mirakl rejected this API key" });
  await expect(keyError.first()).toBeVisible();
  // The activity log shows the rejected call.
  await expect(page.getByRole("cell", { name: "401" }).first()).toBeVisible();
  await page.screenshot({ path: "test-results/connections-wrong-key.png", fullPage: true });

  // Put the right key back: the exception the failed test raised is resolved.
  await page.getByLabel("Replace key").fill(simulatorKey);
  await submitWith(page, "Test connection");
  await expect(page.getByText("Connected to Simulated Shop")).toBeVisible();
  await page.screenshot({ path: "test-results/connections-tested.png", fullPage: true });
});
