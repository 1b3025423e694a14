import { describe, expect, it } from "vitest";
import { resolveChromium } from "../e2e/browser";

describe("which Chromium the e2e tests drive", () => {
  it("takes the system Chromium (or CHROMIUM_PATH) when it exists", () => {
    expect(resolveChromium({ CHROMIUM_PATH: process.execPath, CI: "true" }, "/nonexistent/bundled")).toBe(
      process.execPath,
    );
  });

  it("falls back to Playwright's own Chromium when that one is installed", () => {
    expect(resolveChromium({ CHROMIUM_PATH: "/nonexistent/chromium", CI: "true" }, process.execPath)).toBeUndefined();
  });

  it("otherwise stops with a message that names both ways to get one", () => {
    expect(() =>
      resolveChromium({ CHROMIUM_PATH: "/nonexistent/chromium", CI: "true" }, "/nonexistent/bundled"),
    ).toThrow(
      /none at \/nonexistent\/chromium[\s\S]*apt-get install -y chromium[\s\S]*npx playwright install chromium/,
    );
  });
});
