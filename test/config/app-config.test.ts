import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appScopes } from "~/shopify.server";
import { webhookTopics } from "~/integrations/shopify/webhook-payloads";
import { demoAuthAllowed } from "~/auth.server";
import { appEnv } from "~/config.server";

const toml = readFileSync("shopify.app.toml", "utf8");

describe("shopify.app.toml", () => {
  it("requests exactly the scopes the app is configured with", () => {
    const scopes = /^scopes = "([^"]*)"/m.exec(toml)?.[1].split(",");
    expect(scopes).toEqual(appScopes);
  });

  it("subscribes every topic the app has a schema and a route for, on API 2026-07", () => {
    expect(toml).toMatch(/\[webhooks\]\s+api_version = "2026-07"/);
    const subscribed = [...toml.matchAll(/(?:compliance_)?topics = \["([^"]+)"\]\s+uri = "([^"]+)"/g)].map(
      ([, topic, uri]) => ({ topic, uri }),
    );
    expect(subscribed.map((s) => s.topic).sort()).toEqual([...webhookTopics].sort());
    for (const { topic, uri } of subscribed) {
      expect(uri).toBe(`/webhooks/${topic}`);
      expect(() => readFileSync(`app/routes/webhooks.${topic.replace("/", ".")}.tsx`)).not.toThrow();
    }
  });
});

describe("demo sign-in path", () => {
  const request = (host: string) => new Request(`http://${host}/app`);
  const demoEnv = { ...appEnv(), MIRAKL_BRIDGE_DEMO: "1" as const, NODE_ENV: "development" as const };
  const loopback = globalThis as any;

  it("stays shut unless the demo server bound itself to loopback", () => {
    loopback.__miraklBridgeDemoLoopback = undefined;
    expect(demoAuthAllowed(request("127.0.0.1:3456"), demoEnv)).toBe(false);
  });

  it("opens only for loopback hosts, in demo mode, outside production", () => {
    loopback.__miraklBridgeDemoLoopback = true;
    try {
      expect(demoAuthAllowed(request("127.0.0.1:3456"), demoEnv)).toBe(true);
      expect(demoAuthAllowed(request("shop.example.com"), demoEnv)).toBe(false);
      expect(demoAuthAllowed(request("127.0.0.1:3456"), { ...demoEnv, MIRAKL_BRIDGE_DEMO: "0" })).toBe(false);
      expect(demoAuthAllowed(request("127.0.0.1:3456"), { ...demoEnv, NODE_ENV: "production" })).toBe(false);
    } finally {
      loopback.__miraklBridgeDemoLoopback = undefined;
    }
  });

  it("cannot be configured in production at all", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { NODE_ENV: "production", MIRAKL_BRIDGE_DEMO: "1" });
      expect(() => appEnv()).toThrow(/cannot be enabled when NODE_ENV=production/);
    } finally {
      process.env = saved;
    }
  });
});
