import type { Locator, Page } from "@playwright/test";

/** Opens a page and waits until Remix has hydrated it: a click on server-rendered HTML before then is lost. */
export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await page.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter));
}

/** For `expect.poll` while the worker catches up: how many of `locator` the page shows once reloaded. */
export function countAfterReload(page: Page, locator: Locator): () => Promise<number> {
  return async () => {
    await page.reload();
    return locator.count();
  };
}
