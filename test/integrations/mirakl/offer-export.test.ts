import { createServer, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMiraklClient,
  MiraklInvalidResponseError,
  MiraklTransientError,
  miraklExportedOfferSchema,
  type MiraklExportedOffer,
} from "~/integrations/mirakl";
import { parseOfferExportChunk } from "~/integrations/mirakl/offer-export";

/**
 * OF54's JSON export chunk is read as it downloads (a chunk can hold a million offers): offers come out as soon as
 * they are complete, and a broken body ends the reading with an error that says what is wrong.
 */

const details = { operation: "OF54" as const, method: "GET", path: "/exports/chunk-0.json", status: 200 };

function offer(i: number): Record<string, unknown> {
  return {
    offer_id: 1000 + i,
    shop_sku: `SKU-${i}`,
    product_sku: `P-${i}`,
    quantity: i % 7,
    active: i % 3 !== 0,
    deleted: false,
    currency_iso_code: "EUR",
    // Multi-byte characters and escapes, which a cut between two reads must not break.
    description: `Café « ${i} » — "quoted" \\ back\nslash ✓`,
    prices: [{ origin_price: 19.9 + i, volume_prices: [{ quantity_threshold: 1, unit_origin_price: 19.9 + i }] }],
  };
}

const expected = (offers: Record<string, unknown>[]) => offers.map((o) => miraklExportedOfferSchema.parse(o));

/** The bytes in reads of `size` bytes, counting how many were handed out. */
function reads(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  const source = {
    handedOut: 0,
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) {
        source.handedOut++;
        yield bytes.slice(at, at + size);
      }
    },
  };
  return source;
}

async function collect(chunks: AsyncIterable<Uint8Array>) {
  const offers: MiraklExportedOffer[] = [];
  let error: unknown = null;
  try {
    for await (const o of parseOfferExportChunk(chunks, details)) offers.push(o);
  } catch (e) {
    error = e;
  }
  return { offers, error };
}

describe("OF54 export chunk, parsed as it arrives", () => {
  it("gives the same offers as parsing the whole chunk, whatever the cuts between reads", async () => {
    const offers = Array.from({ length: 40 }, (_, i) => offer(i));
    const text = JSON.stringify(offers, null, 1);
    for (const size of [1, 3, 7, 64, 1000, text.length]) {
      const { offers: parsed, error } = await collect(reads(text, size));
      expect(error).toBeNull();
      expect(parsed).toEqual(expected(offers));
    }
  });

  it("hands each offer over as soon as it is complete, long before the chunk ends", async () => {
    const offers = Array.from({ length: 2_000 }, (_, i) => offer(i));
    const source = reads(JSON.stringify(offers), 4096);
    const handedOutAtFirst: number[] = [];
    for await (const o of parseOfferExportChunk(source, details)) {
      if (o.shop_sku === "SKU-0" || o.shop_sku === "SKU-1999") handedOutAtFirst.push(source.handedOut);
    }
    const total = Math.ceil(new TextEncoder().encode(JSON.stringify(offers)).length / 4096);
    expect(total).toBeGreaterThan(50);
    expect(handedOutAtFirst).toEqual([1, total]);
  });

  it("a malformed chunk stops with a clear error after the offers before the fault", async () => {
    const text = `[${JSON.stringify(offer(0))}, ${JSON.stringify(offer(1))}, {"offer_id": 3, "shop_sku": oops}]`;
    const { offers, error } = await collect(reads(text, 16));
    expect(offers.map((o) => o.shop_sku)).toEqual(["SKU-0", "SKU-1"]);
    expect(error).toBeInstanceOf(MiraklInvalidResponseError);
    expect((error as MiraklInvalidResponseError).issues[0]).toMatch(/^the export chunk is not valid JSON: /);
    expect((error as Error).message).toContain("OF54");
  });

  it("refuses a truncated chunk, a chunk that is not an array, an empty one, and bytes after the array", async () => {
    const whole = JSON.stringify([offer(0), offer(1)]);
    const cases: [string, RegExp][] = [
      [whole.slice(0, whole.length - 30), /^the export chunk ends before its JSON does/],
      [whole.slice(0, whole.indexOf("},{") + 2), /^the export chunk ends before its JSON does/],
      [JSON.stringify({ offers: [offer(0)] }), /^the export chunk is not a JSON array$/],
      ["", /^the export chunk is empty, not a JSON array$/],
      [`${whole} [1]`, /^the export chunk is not valid JSON: /],
    ];
    for (const [text, issue] of cases) {
      const { error } = await collect(reads(text, 5));
      expect(error, text).toBeInstanceOf(MiraklInvalidResponseError);
      expect((error as MiraklInvalidResponseError).issues[0]).toMatch(issue);
    }
  });

  it("names the offer that does not match the schema", async () => {
    const broken = { ...offer(1), shop_sku: "" };
    const { offers, error } = await collect(reads(JSON.stringify([offer(0), broken, offer(2)]), 50));
    expect(offers).toHaveLength(1);
    expect((error as MiraklInvalidResponseError).issues).toEqual([expect.stringMatching(/^offer \[1\]\.shop_sku: /)]);
  });
});

describe("OF54 through the client: the body is streamed from the connection", () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  async function serve(handler: (response: ServerResponse) => void | Promise<void>) {
    server = createServer((_request, response) => void handler(response));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const client = createMiraklClient({
      baseUrl: url,
      apiKey: "key",
      connectionId: "conn-stream",
      timeoutMs: 300,
      retry: { retries: 0 },
    });
    return { client, chunkUrl: `${url}/exports/chunk-0.json` };
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("reads a large chunk sent in many writes, slower in all than the call's timeout", async () => {
    const offers = Array.from({ length: 5_000 }, (_, i) => offer(i));
    const text = JSON.stringify(offers);
    const { client, chunkUrl } = await serve(async (response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      // 10 writes 100 ms apart: a second in all, though the call's timeout is 300 ms (it restarts with each read).
      const step = Math.ceil(text.length / 10);
      for (let at = 0; at < text.length; at += step) {
        response.write(text.slice(at, at + step));
        await pause(100);
      }
      response.end();
    });
    let count = 0;
    for await (const o of client.streamOfferExportChunk(chunkUrl)) {
      expect(o.shop_sku).toBe(`SKU-${count}`);
      count++;
    }
    expect(count).toBe(5_000);
    expect((await client.downloadOfferExportChunk(chunkUrl)).map((o) => o.shop_sku)).toEqual(
      offers.map((o) => o.shop_sku),
    );
  });

  it("a connection that drops or stalls mid-chunk is a transient error (the reconcile tries the chunk again later)", async () => {
    const text = JSON.stringify(Array.from({ length: 50 }, (_, i) => offer(i)));
    const dropped = await serve((response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(text.slice(0, text.length / 2));
      setTimeout(() => response.destroy(), 50);
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const o of dropped.client.streamOfferExportChunk(dropped.chunkUrl)) seen.push(o.shop_sku);
    })().catch((e: unknown) => e);
    expect(seen.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(MiraklTransientError);
    expect((error as Error).message).toMatch(/network error while reading the answer/);
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const stalled = await serve((response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(text.slice(0, 100)); // then nothing: the idle deadline (300 ms) ends it
      setTimeout(() => response.destroy(), 2_000);
    });
    const stall = await (async () => {
      for await (const o of stalled.client.streamOfferExportChunk(stalled.chunkUrl)) void o;
    })().catch((e: unknown) => e);
    expect(stall).toBeInstanceOf(MiraklTransientError);
    expect((stall as Error).message).toMatch(/no data for 300 ms while reading the answer/);
  });

  it("an error answer is an error as for any call, not a stream", async () => {
    const { client, chunkUrl } = await serve((response) => {
      response.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "gone" }));
    });
    const error = await (async () => {
      for await (const o of client.streamOfferExportChunk(chunkUrl)) void o;
    })().catch((e: unknown) => e);
    expect((error as Error).name).toBe("MiraklNotFoundError");
    expect((error as Error).message).toContain("gone");
  });
});
