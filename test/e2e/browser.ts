import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

/**
 * Which Chromium the e2e tests drive: the system one (CI installs Debian's `chromium`; browser downloads are
 * not possible there), else Playwright's own when it is installed or can be installed now. Returns the
 * executable path to pass to the launch options, or undefined for Playwright's own default.
 */
export function resolveChromium(
  env: Record<string, string | undefined> = process.env,
  bundled: string = chromium.executablePath(),
): string | undefined {
  const system = env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(system)) return system;
  if (existsSync(bundled)) return undefined;
  if (env.CI !== "true") {
    try {
      console.log(`No Chromium at ${system}: installing Playwright's own (npx playwright install chromium)…`);
      execFileSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit", timeout: 10 * 60_000 });
      if (existsSync(bundled)) return undefined;
    } catch {
      // Offline or no permission: fall through to the message that names both ways.
    }
  }
  throw new Error(
    [
      `The e2e tests need Chromium, and there is none at ${system} nor a Playwright-installed one.`,
      "Either install the system package: `apt-get install -y chromium` (or point CHROMIUM_PATH at a Chromium),",
      "or install Playwright's own browser: `npx playwright install chromium`.",
    ].join("\n"),
  );
}
