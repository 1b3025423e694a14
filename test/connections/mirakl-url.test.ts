import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { appEnv } from "~/config.server";
import { createConnectionFromForm } from "~/connections/connection-forms.server";
import { describeFailure } from "~/connections/connection-check.server";
import { buildMiraklClient, miraklUrlPolicy } from "~/connections/mirakl-client.server";
import { isMiraklError } from "~/integrations/mirakl";
import { installShop } from "../helpers/app";

const shop = "ssrf-shop.myshopify.com";
beforeAll(() => installShop(shop));
afterEach(() => {
  vi.unstubAllEnvs();
});

/**
 * Outside the demo and tests, for the synchronous start of a call (where the URL policy is read). Never around
 * database work: db.server keys its database on NODE_ENV.
 */
function asDeployedApp<T>(run: () => T): T {
  vi.stubEnv("NODE_ENV", "development");
  try {
    return run();
  } finally {
    vi.unstubAllEnvs();
  }
}

const form = (baseUrl: string) => {
  const data = new FormData();
  for (const [k, v] of Object.entries({ name: "Marketplace", baseUrl, apiKey: "a-valid-api-key" })) data.set(k, v);
  return data;
};

describe("the URL policy follows the configuration", () => {
  it("allows the loopback simulator only in the demo and in tests", () => {
    const env = appEnv();
    expect(miraklUrlPolicy({ ...env, NODE_ENV: "test" }).allowLoopback).toBe(true);
    expect(miraklUrlPolicy({ ...env, NODE_ENV: "development", MIRAKL_BRIDGE_DEMO: "1" }).allowLoopback).toBe(true);
    expect(miraklUrlPolicy({ ...env, NODE_ENV: "development", MIRAKL_BRIDGE_DEMO: "0" }).allowLoopback).toBe(false);
    expect(miraklUrlPolicy({ ...env, NODE_ENV: "production", MIRAKL_BRIDGE_DEMO: "0" }).allowLoopback).toBe(false);
  });
});

describe("connection form", () => {
  it.each([
    ["https://169.254.169.254", /169\.254\.169\.254 is a link-local or cloud metadata address/],
    ["https://10.20.30.40/mirakl", /private network address/],
    ["https://localhost:8443", /localhost resolves to .* loopback/],
    ["http://127.0.0.1:3457", /only called over https/],
  ])("shows a field error on the base URL for %s outside the demo and tests", async (baseUrl, reason) => {
    const result = await asDeployedApp(() => createConnectionFromForm(shop, form(baseUrl)));
    expect(result.ok).toBe(false);
    const errors = result.ok ? {} : result.errors;
    expect(errors.baseUrl).toMatch(reason);
    expect(errors.baseUrl).toMatch(/Use the marketplace's public Mirakl address/);
  });

  it("still accepts the simulator on http://127.0.0.1 in tests", async () => {
    const result = await createConnectionFromForm(shop, form("http://127.0.0.1:3999"));
    expect(result.ok).toBe(true);
  });
});

describe("a stored connection whose URL is refused", () => {
  const credentials = {
    id: "conn-ssrf",
    name: "Metadata",
    baseUrl: "https://169.254.169.254",
    miraklShopId: null,
    apiKey: "a-valid-api-key",
    settings: {},
  } as unknown as Parameters<typeof buildMiraklClient>[1];

  it("never reaches the address, and Test connection names the base URL field", async () => {
    const client = asDeployedApp(() =>
      buildMiraklClient(shop, credentials, { retry: { retries: 0 }, timeoutMs: 3_000 }),
    );
    const error = await client.getAccount().catch((e: unknown) => e);
    expect(isMiraklError(error) && error.kind).toBe("url_refused");
    const failure = describeFailure(error, credentials);
    expect(failure.field).toBe("baseUrl");
    expect(failure.message).toMatch(/169\.254\.169\.254 is a link-local or cloud metadata address/);
    expect(failure.exception?.kind).toBe("CONNECTION_MISCONFIGURED");
  });

  it("refuses an OF54 download link to a private address even when the instance itself is fine", async () => {
    const client = asDeployedApp(() =>
      buildMiraklClient(
        shop,
        { ...credentials, baseUrl: "https://marketplace-prod.mirakl.net" } as typeof credentials,
        {
          retry: { retries: 0 },
          timeoutMs: 3_000,
        },
      ),
    );
    const error = await client.downloadOfferExportChunk("https://192.168.0.10/exports/chunk-1.json").catch((e) => e);
    expect(isMiraklError(error) && error.kind).toBe("url_refused");
  });
});
