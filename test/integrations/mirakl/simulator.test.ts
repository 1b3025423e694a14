import { afterEach, describe, expect, it } from "vitest";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";

let sim: RunningMiraklSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Parameters<typeof startMiraklSimulator>[0] = {}) {
  sim = await startMiraklSimulator({ startTime: "2026-01-05T09:00:00Z", ...options });
  return sim;
}

const get = (s: RunningMiraklSimulator, path: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, { headers: { Authorization: s.keys.single, Accept: "application/json", ...headers } });

describe("Mirakl simulator protocol", () => {
  it("answers 411 to a bodiless PUT without Content-Length", async () => {
    const s = await start();
    const id = s.control.createOrder({ state: "SHIPPING" }).id;
    expect(await rawPut(s.url, `/api/orders/${id}/ship`, s.keys.single)).toBe(411);
    expect(s.control.order(id)!.order_state).toBe("SHIPPING");
  });

  it("rejects Bearer keys, unknown keys and wrong shops", async () => {
    const s = await start();
    expect((await get(s, "/api/account", { Authorization: `Bearer ${s.keys.single}` })).status).toBe(401);
    expect((await fetch(`${s.url}/api/account`)).status).toBe(401);
    expect((await get(s, "/api/account?shop_id=2002")).status).toBe(403);
    const body = await (await get(s, "/api/account?shop_id=2002", { Authorization: s.keys.multi })).json();
    expect(body.shop_id).toBe(2002);
  });

  it("pages OR11 with total_count and Link headers, and enforces Mirakl's caps", async () => {
    const s = await start({ rateLimits: "off" });
    s.control.createOrders(25);
    const first = await get(s, "/api/orders?max=10");
    const page = await first.json();
    expect(page.total_count).toBe(25);
    expect(page.orders).toHaveLength(10);
    expect(first.headers.get("link")).toBe(`<${s.url}/api/orders?max=10&offset=10>; rel="next"`);
    const middle = await get(s, "/api/orders?max=10&offset=10");
    expect(middle.headers.get("link")).toContain('rel="previous"');
    expect(middle.headers.get("link")).toContain('rel="next"');
    expect((await get(s, "/api/orders?max=101")).status).toBe(400);
    const tooMany = await get(s, `/api/orders?order_ids=${Array.from({ length: 101 }, (_, i) => `X-${i}`).join(",")}`);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).message).toBe("The limit of 100 is exceeded for the parameter : order_ids");
  });

  it("emits UTC Z dates and explicit nulls", async () => {
    const s = await start();
    s.control.createOrder();
    const text = await (await get(s, "/api/orders")).text();
    expect(text).toContain('"created_date":"2026-01-05T09:00:00Z"');
    expect(text).toContain('"shipping_address":null');
    expect(text).toContain('"customer_debited_date":null');
  });

  it("rate-limits per key with Retry-After, counting only first pages", async () => {
    const s = await start();
    expect((await get(s, "/api/orders")).status).toBe(200);
    expect((await get(s, "/api/orders?offset=10")).status).toBe(200);
    const limited = await get(s, "/api/orders");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await get(s, "/api/orders", { Authorization: s.keys.multi })).status).toBe(200);
    s.control.advanceClock(60_000);
    expect((await get(s, "/api/orders")).status).toBe(200);
  });

  it("is driven by the HTTP control API", async () => {
    const s = await start();
    const created = await (
      await fetch(`${s.url}/_sim/orders`, {
        method: "POST",
        body: JSON.stringify({ lines: [{ offer_sku: "S2001", quantity: 2 }] }),
      })
    ).json();
    expect(created.order_state).toBe("WAITING_ACCEPTANCE");
    await fetch(`${s.url}/_sim/faults/script`, {
      method: "POST",
      body: JSON.stringify({ operation: "A01", status: 503 }),
    });
    expect((await get(s, "/api/account")).status).toBe(503);
    expect((await get(s, "/api/account")).status).toBe(200);
    await fetch(`${s.url}/_sim/clock/advance`, { method: "POST", body: JSON.stringify({ ms: 3 * 24 * 3600_000 }) });
    const orders = await (await fetch(`${s.url}/_sim/orders`)).json();
    expect(orders[0].order_state).toBe("REFUSED");
    const calls = await (await fetch(`${s.url}/_sim/calls`)).json();
    expect(calls.map((call: { operation: string; status: number }) => `${call.operation}:${call.status}`)).toEqual([
      "A01:503",
      "A01:200",
    ]);
    const offers = await (await fetch(`${s.url}/_sim/offers`)).json();
    expect(offers.map((offer: { shop_sku: string }) => offer.shop_sku)).toEqual(["S2000", "S2001", "S2002"]);
  });
});

/** A PUT with no body and no Content-Length / Transfer-Encoding, written on a raw socket. */
async function rawPut(base: string, path: string, key: string): Promise<number> {
  const { connect } = await import("node:net");
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`PUT ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${key}\r\nConnection: close\r\n\r\n`);
    });
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("end", () => resolve(Number(data.split(" ")[1])));
    socket.on("error", reject);
  });
}
