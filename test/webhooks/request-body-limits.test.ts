import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { appEnv } from "~/config.server";
import { action as inventoryWebhook } from "~/routes/webhooks.inventory_levels.update";
import { action as demoShopifyAction } from "~/routes/app.demo.shopify";
import { refuseDeclaredOversizedBodies } from "../../server";
import { installShop, settle, webhookRequest } from "../helpers/app";

const shop = "body-limit-shop.myshopify.com";
const LIMIT = 4096;
const level = {
  admin_graphql_api_id: "gid://shopify/InventoryLevel/1?inventory_item_id=2",
  inventory_item_id: 2,
  location_id: 1,
  available: 10,
  updated_at: "2026-11-22T10:00:00-05:00",
  padding: "",
};

beforeAll(async () => {
  process.env.WEBHOOK_MAX_BODY_BYTES = String(LIMIT);
  await installShop(shop);
});
afterAll(() => {
  delete process.env.WEBHOOK_MAX_BODY_BYTES;
});

const call = (request: Request) => settle(inventoryWebhook({ request, params: {}, context: {} }));

/** The same signed request, its body served as a stream without a Content-Length (chunked), counting what is read. */
function asCountedStream(request: Request, body: string) {
  const bytes = new TextEncoder().encode(body);
  const counter = { pulled: 0 };
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const chunk = bytes.slice(offset, offset + 1024);
      offset += chunk.length;
      counter.pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const streamed = new Request(request.url, {
    method: "POST",
    headers: request.headers,
    body: stream,
    duplex: "half",
  } as RequestInit);
  return { streamed, counter };
}

describe("webhook body limit (WEBHOOK_MAX_BODY_BYTES)", () => {
  it("defaults to 5 MiB and can be configured", () => {
    const saved = process.env.WEBHOOK_MAX_BODY_BYTES;
    try {
      delete process.env.WEBHOOK_MAX_BODY_BYTES;
      expect(appEnv().WEBHOOK_MAX_BODY_BYTES).toBe(5 * 1024 * 1024);
      expect(appEnv().MAX_REQUEST_BODY_BYTES).toBe(16 * 1024 * 1024);
      process.env.WEBHOOK_MAX_BODY_BYTES = "1000";
      expect(appEnv().WEBHOOK_MAX_BODY_BYTES).toBe(1000);
    } finally {
      process.env.WEBHOOK_MAX_BODY_BYTES = saved;
    }
  });

  it("refuses a declared Content-Length over the limit with 413 before reading the body", async () => {
    const signed = webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-declared-huge" });
    const headers = new Headers(signed.headers);
    headers.set("Content-Length", String(8 * 1024 ** 3)); // what a multi-gigabyte POST announces
    const request = new Request(signed.url, { method: "POST", headers, body: await signed.text() });
    const response = await call(request);
    expect(response.status).toBe(413);
    expect(request.bodyUsed).toBe(false);
    expect(await prisma.webhookDelivery.count({ where: { dedupeKey: "evt-declared-huge" } })).toBe(0);
  });

  it("cuts off a chunked body as soon as it passes the limit, even a correctly signed one, and stores nothing", async () => {
    const big = { ...level, padding: "x".repeat(4 * LIMIT) };
    const signed = webhookRequest(shop, "inventory_levels/update", big, { eventId: "evt-streamed-huge" });
    const { streamed, counter } = asCountedStream(signed, JSON.stringify(big));
    const response = await call(streamed);
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(LIMIT + 2048);
    expect(await prisma.webhookDelivery.count({ where: { dedupeKey: "evt-streamed-huge" } })).toBe(0);
  });

  it("still accepts a signed delivery under the limit, streamed or not", async () => {
    const signed = webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-small" });
    expect((await call(signed)).status).toBe(200);
    const again = webhookRequest(shop, "inventory_levels/update", level, { eventId: "evt-small-streamed" });
    expect((await call(asCountedStream(again, JSON.stringify(level)).streamed)).status).toBe(200);
    expect(
      await prisma.webhookDelivery.count({ where: { dedupeKey: { in: ["evt-small", "evt-small-streamed"] } } }),
    ).toBe(2);
  });
});

describe("demo store action outside the demo", () => {
  it("answers 404 without reading the body", async () => {
    const request = new Request("https://mirakl-bridge.test/app/demo/shopify", {
      method: "POST",
      body: new URLSearchParams({ intent: "sell", variantId: "x", quantity: "1" }),
    });
    const response = await settle(demoShopifyAction({ request, params: {}, context: {} }));
    expect(response.status).toBe(404);
    expect(request.bodyUsed).toBe(false);
  });
});

describe("server.ts request limit (MAX_REQUEST_BODY_BYTES)", () => {
  let server: Server;
  let url: string;
  let reachedApp = 0;
  beforeAll(async () => {
    const app = express();
    app.use(refuseDeclaredOversizedBodies(1000));
    app.post("*", (req, res) => {
      reachedApp++;
      req.resume().on("end", () => res.send("ok"));
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/orders/create`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers 413 to a declared length over the limit before the app sees the request", async () => {
    const response = await fetch(url, { method: "POST", body: "x".repeat(1001) });
    expect(response.status).toBe(413);
    expect(reachedApp).toBe(0);
  });

  it("lets a request under the limit through to the app", async () => {
    const response = await fetch(url, { method: "POST", body: "x".repeat(1000) });
    expect(response.status).toBe(200);
    expect(reachedApp).toBe(1);
  });
});
