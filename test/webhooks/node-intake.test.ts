import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { receiveNodeWebhook } from "~/webhooks/node-intake.server";
import { mayBeWebhook } from "~/webhooks/webhook-path";
import { deliveryGroupCommit } from "~/webhooks/group-commit.server";
import { workUnits } from "~/worker/registry.server";
import { installShop, webhookRequest } from "../helpers/app";

// server.ts answers webhooks ahead of express and Remix with receiveNodeWebhook: the same checks as the Remix routes,
// over Node's own request. Mounted here as server.ts mounts it, with express and a stand-in for Remix behind it.
const shop = "node-intake.myshopify.com";
const LIMIT = 4096;
let server: Server;
let origin: string;
let reachedRemix = 0;

beforeAll(async () => {
  process.env.WEBHOOK_MAX_BODY_BYTES = String(LIMIT);
  await installShop(shop);
  const app = express();
  app.all("*", (_req, res) => {
    reachedRemix++;
    res.status(404).send("remix");
  });
  server = createServer((req, res) =>
    mayBeWebhook(req) ? receiveNodeWebhook(req, res, () => app(req, res)) : app(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  delete process.env.WEBHOOK_MAX_BODY_BYTES;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const level = (available: number) => ({
  admin_graphql_api_id: "gid://shopify/InventoryLevel/1?inventory_item_id=42",
  inventory_item_id: 42,
  location_id: 1,
  available,
  updated_at: new Date().toISOString(),
});

/** Sends a signed Request (as the test helpers build it) over HTTP to the mounted intake. */
async function send(request: Request, init: { headers?: Headers; body?: BodyInit; path?: string } = {}) {
  const url = new URL(init.path ?? new URL(request.url).pathname, origin);
  return fetch(url, {
    method: "POST",
    headers: init.headers ?? request.headers,
    body: init.body ?? (await request.text()),
    ...(init.body instanceof ReadableStream && { duplex: "half" }),
  } as RequestInit);
}

const rows = (dedupeKey: string) => prisma.webhookDelivery.findMany({ where: { shop, dedupeKey } });

describe("webhook intake ahead of Remix (server.ts)", () => {
  it("stores a genuine delivery once, marks the inbox, and answers 200 with no body", async () => {
    const first = await send(webhookRequest(shop, "inventory_levels/update", level(5), { eventId: "node-1" }));
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("");
    const again = await send(webhookRequest(shop, "inventory_levels/update", level(5), { eventId: "node-1" }));
    expect(again.status).toBe(200);
    const stored = await rows("node-1");
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: "PENDING", topic: "inventory_levels/update" });
    expect(stored[0].payload).toMatchObject({ inventory_item_id: 42, available: 5 });
    expect(await prisma.workUnit.findUnique({ where: { key: workUnits.webhookInbox.key(shop) } })).not.toBeNull();
  });

  it("answers a forged signature 401 and an unsigned delivery 400, storing nothing", async () => {
    const forged = await send(
      webhookRequest(shop, "inventory_levels/update", level(1), { eventId: "node-forged", secret: "nope" }),
    );
    expect(forged.status).toBe(401);
    const signed = webhookRequest(shop, "inventory_levels/update", level(1), { eventId: "node-unsigned" });
    const headers = new Headers(signed.headers);
    headers.delete("X-Shopify-Hmac-Sha256");
    const unsigned = await send(signed, { headers });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toMatch(/missing_hmac/);
    expect([...(await rows("node-forged")), ...(await rows("node-unsigned"))]).toHaveLength(0);
  });

  it("keeps a signed body that is not JSON as a FAILED row with its exception, and answers 400", async () => {
    const request = webhookRequest(shop, "inventory_levels/update", null, { eventId: "node-bad", body: "{not json" });
    const response = await send(request);
    expect(response.status).toBe(400);
    const [row] = await rows("node-bad");
    expect(row).toMatchObject({ status: "FAILED", error: "the body is not valid JSON" });
    expect(
      await prisma.syncException.count({ where: { shop, kind: "WEBHOOK_PAYLOAD_INVALID", entityId: row.id } }),
    ).toBe(1);
  });

  it("cuts off a chunked body past WEBHOOK_MAX_BODY_BYTES with 413, even correctly signed, storing nothing", async () => {
    const big = { ...level(2), padding: "x".repeat(4 * LIMIT) };
    const request = webhookRequest(shop, "inventory_levels/update", big, { eventId: "node-huge" });
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, (offset += 1024)));
      },
    });
    const response = await send(request, { body });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await rows("node-huge")).toHaveLength(0);
  });

  it("refuses a declared length past the limit with 413 before reading, and a compressed body with 415", async () => {
    const big = { ...level(2), padding: "x".repeat(2 * LIMIT) };
    const declared = await send(webhookRequest(shop, "inventory_levels/update", big, { eventId: "node-declared" }));
    expect(declared.status).toBe(413);
    const request = webhookRequest(shop, "inventory_levels/update", level(2), { eventId: "node-gzip" });
    const headers = new Headers(request.headers);
    headers.set("Content-Encoding", "gzip");
    const compressed = await send(request, { headers });
    expect(compressed.status).toBe(415);
    expect(await compressed.text()).toMatch(/content encoding gzip/);
    expect([...(await rows("node-declared")), ...(await rows("node-gzip"))]).toHaveLength(0);
  });

  it("reads a topic path with a query string as the topic", async () => {
    const request = webhookRequest(shop, "inventory_levels/update", level(6), { eventId: "node-query" });
    const response = await send(request, { path: "/webhooks/inventory_levels/update?from=shopify" });
    expect(response.status).toBe(200);
    expect(await rows("node-query")).toHaveLength(1);
  });

  it("leaves a path that is no webhook topic to Remix", async () => {
    const before = reachedRemix;
    const request = webhookRequest(shop, "inventory_levels/update", level(3), { eventId: "node-elsewhere" });
    const response = await send(request, { path: "/webhooks/not/a_topic" });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("remix");
    expect(reachedRemix).toBe(before + 1);
  });

  it("answers 500 in plain words, no stack, when the row cannot be stored (Shopify retries)", async () => {
    const store = vi.spyOn(deliveryGroupCommit, "store").mockRejectedValueOnce(new Error("disk full at /var/lib/x"));
    try {
      const response = await send(webhookRequest(shop, "inventory_levels/update", level(4), { eventId: "node-500" }));
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toBe("Webhook could not be stored; retry");
    } finally {
      store.mockRestore();
    }
  });
});
