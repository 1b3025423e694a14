import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appEnv } from "~/config.server";
import { startServer } from "../../server";

const REQUIRED = ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "ENCRYPTION_KEY"];
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
});
afterEach(() => {
  process.env = saved;
});

function production(overrides: Record<string, string | undefined> = {}) {
  process.env.NODE_ENV = "production";
  process.env.SHOPIFY_API_KEY = "real-client-id";
  process.env.SHOPIFY_API_SECRET = "real-client-secret";
  process.env.SHOPIFY_APP_URL = "https://bridge.example.com";
  process.env.ENCRYPTION_KEY = "S2V5Rm9yVGVzdHNPbmx5LU5vdEFSZWFsU2VjcmV0ISE=";
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

describe("production configuration", () => {
  it("refuses to start without the app's secrets, URL and encryption key, naming each missing variable", () => {
    production(Object.fromEntries(REQUIRED.map((name) => [name, undefined])));
    let message = "";
    try {
      appEnv();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of REQUIRED) expect(message).toMatch(new RegExp(`${name}: is required when NODE_ENV=production`));
  });

  it.each(REQUIRED)("refuses %s alone missing or empty", (name) => {
    production({ [name]: undefined });
    expect(() => appEnv()).toThrow(new RegExp(`${name}: is required`));
    production({ [name]: "" });
    expect(() => appEnv()).toThrow(new RegExp(`${name}: is required`));
  });

  it("never falls back to the public demo secret or localhost in production", () => {
    production();
    const env = appEnv();
    expect(env.SHOPIFY_API_SECRET).toBe("real-client-secret");
    expect(env.SHOPIFY_APP_URL).toBe("https://bridge.example.com");
  });

  it("stops npm start (server.ts) before it listens", async () => {
    production({ SHOPIFY_API_SECRET: undefined });
    await expect(startServer({ host: "127.0.0.1", port: 0 })).rejects.toThrow(/SHOPIFY_API_SECRET: is required/);
  });

  it("keeps the stand-ins for the demo and development, where no Shopify app exists", () => {
    for (const name of REQUIRED) delete process.env[name];
    process.env.NODE_ENV = "development";
    const env = appEnv();
    expect(env.SHOPIFY_API_SECRET).toBe("demo-api-secret");
    expect(env.SHOPIFY_APP_URL).toBe("http://127.0.0.1:3000");
    expect(env.ENCRYPTION_KEY).toBeUndefined();
    process.env.NODE_ENV = "test";
    expect(appEnv().SHOPIFY_API_KEY).toBe("demo-api-key");
  });
});
