import { defineConfig } from "@playwright/test";
import { resolveChromium } from "./test/e2e/browser";

// The system Chromium when present (CI installs it), else Playwright's own; a clear message when neither can be had.
const chromium = resolveChromium();

const port = Number(process.env.E2E_PORT ?? 3457);
const dataDir = `${process.env.TMPDIR ?? "/tmp"}/mirakl-bridge-e2e-${process.pid}`;

export default defineConfig({
  testDir: "test/e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // The marketplace order spec spends ~2 minutes waiting for Mirakl's pace (one order poll a minute): it runs beside
  // the others, which share the demo's settings (buffers, connections) and so run one after another.
  workers: 2,
  projects: [
    { name: "marketplace-orders", testMatch: "orders.spec.ts" },
    { name: "app", testIgnore: "orders.spec.ts", workers: 1 },
  ],
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      // The machine has no outbound network: keep Chromium from trying (and stalling on) Google services.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `rm -rf ${dataDir} && npx tsx scripts/demo.ts`,
    // No orders placed by the demo itself: a test's stock and orders move only when the test moves them.
    env: { DEMO_DATA_DIR: dataDir, DEMO_PORT: String(port), LOG_LEVEL: "warn", DEMO_AUTO_ORDERS: "0" },
    url: `http://127.0.0.1:${port}/app`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
