import { GraphqlQueryError, HttpInternalError, HttpThrottlingError } from "@shopify/shopify-api";
import { describe, expect, it, vi } from "vitest";
import type { unauthenticated } from "~/shopify.server";
import { ShopifyAdminClient, shopifyAdminForShop, type AdminGraphqlTransport } from "~/integrations/shopify/client";
import { CostBuckets, type QueryCost } from "~/integrations/shopify/cost-buckets";
import {
  ShopifyGraphqlError,
  ShopifyRetriesExhaustedError,
  ShopifyUserErrorsError,
} from "~/integrations/shopify/errors";
import { locations, orderCancel, inventorySetQuantities } from "~/integrations/shopify/operations";

// The real `unauthenticated.admin` must fit the helper's parameter (compile-time check).
const _unauthenticatedFits: Parameters<typeof shopifyAdminForShop>[1] = null as unknown as typeof unauthenticated.admin;
void _unauthenticatedFits;

const shop = "test-shop.myshopify.com";

function fakeClock() {
  const clock = { now: 0, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.now += ms;
    },
  };
}

const json = (body: unknown, init?: ResponseInit) => new Response(JSON.stringify(body), init);
const cost = (
  requested: number,
  actual: number | null,
  currentlyAvailable: number,
  restoreRate = 50,
  maximumAvailable = 1000,
): QueryCost => ({
  requestedQueryCost: requested,
  actualQueryCost: actual,
  throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate },
});
const throttledBody = (requested: number, available: number) => ({
  errors: [
    {
      message: "Throttled",
      extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
    },
  ],
  extensions: { cost: cost(requested, null, available) },
});
const locationsData = { locations: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } };
const locationVars = { first: 10, includeInactive: false };

/** A transport that scripts answers in order and records what was sent. */
function scripted(...answers: Array<() => Response | Promise<Response>>) {
  const sent: Array<{ query: string; variables: unknown }> = [];
  const transport: AdminGraphqlTransport = {
    async graphql(query, options) {
      sent.push({ query, variables: options?.variables });
      const next = answers.shift();
      if (!next) throw new Error("no scripted answer left");
      return next();
    },
  };
  return { transport, sent };
}

/** A server-side leaky bucket on the same clock: the honest way to see whether the client paces. */
function leakyBucketServer(
  clock: { readonly now: number },
  perQueryCost: number,
  maximumAvailable = 1000,
  restoreRate = 50,
) {
  let available = maximumAvailable;
  let at = clock.now;
  let throttled = 0;
  const transport: AdminGraphqlTransport = {
    async graphql() {
      available = Math.min(maximumAvailable, available + ((clock.now - at) * restoreRate) / 1000);
      at = clock.now;
      if (perQueryCost > available) {
        throttled++;
        return json({
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
          extensions: { cost: cost(perQueryCost, null, available, restoreRate, maximumAvailable) },
        });
      }
      available -= perQueryCost;
      return json({
        data: locationsData,
        extensions: { cost: cost(perQueryCost, perQueryCost, available, restoreRate, maximumAvailable) },
      });
    },
  };
  return { transport, throttledCount: () => throttled };
}

describe("ShopifyAdminClient pacing", () => {
  it("paces a sequential burst to the bucket instead of hitting THROTTLED", async () => {
    const { clock, now, sleep } = fakeClock();
    const server = leakyBucketServer(clock, 300);
    const client = new ShopifyAdminClient(server.transport, {
      shop,
      now,
      sleep,
      buckets: new CostBuckets(),
      random: () => 0.5,
    });
    for (let i = 0; i < 10; i++) await client.request(locations, locationVars);
    expect(server.throttledCount()).toBe(0);
    // 3000 points against a 1000-point bucket refilling at 50/s: at least 2000/50 = 40 s of waiting, and not much more.
    expect(clock.now).toBeGreaterThanOrEqual(40_000);
    expect(clock.now).toBeLessThan(44_000);
  });

  it("paces concurrent requests on one shop through the shared bucket", async () => {
    // Concurrent sleeps need real timer semantics: vitest's fake timers drive setTimeout and Date.now together.
    vi.useFakeTimers({ now: 0 });
    try {
      const clock = {
        get now() {
          return Date.now();
        },
      };
      const server = leakyBucketServer(clock, 300);
      const buckets = new CostBuckets();
      const client = new ShopifyAdminClient(server.transport, { shop, buckets }); // default clock and sleep
      await client.request(locations, locationVars); // learns the bucket and the operation's cost
      const firstWave = Array.from({ length: 4 }, () => client.request(locations, locationVars));
      // The first answer arrives while three requests still wait for their turn; a second wave starts then.
      await vi.advanceTimersByTimeAsync(0);
      await firstWave[0];
      const secondWave = Array.from({ length: 4 }, () => client.request(locations, locationVars));
      await vi.runAllTimersAsync();
      await Promise.all([...firstWave, ...secondWave]);
      expect(server.throttledCount()).toBe(0);
      // 2700 points against 1000 at 50/s: 34 s at least.
      expect(Date.now()).toBeGreaterThanOrEqual(34_000);
      expect(Date.now()).toBeLessThan(40_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps separate buckets per shop", () => {
    const buckets = new CostBuckets();
    buckets.observe("a.myshopify.com", { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 100 }, 0);
    expect(buckets.reserve("a.myshopify.com", 200, 0).waitMs).toBe(2000);
    expect(buckets.reserve("b.myshopify.com", 200, 0).waitMs).toBe(0);
  });
});

describe("ShopifyAdminClient retries", () => {
  it("retries a THROTTLED answer (HTTP 200) after the bucket refills", async () => {
    const { clock, now, sleep } = fakeClock();
    const { transport, sent } = scripted(
      () => json(throttledBody(400, 100)),
      () => json({ data: locationsData, extensions: { cost: cost(400, 2, 98) } }),
    );
    const client = new ShopifyAdminClient(transport, { shop, now, sleep, buckets: new CostBuckets(), random: () => 0 });
    const result = await client.requestWithCost(locations, locationVars);
    expect(result.data).toEqual(locationsData);
    expect(result.cost?.actualQueryCost).toBe(2);
    expect(sent).toHaveLength(2);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6000); // (400 - 100) / 50 per second
  });

  it("retries THROTTLED thrown by the library as GraphqlQueryError", async () => {
    const { now, sleep } = fakeClock();
    const body = throttledBody(100, 0);
    const { transport, sent } = scripted(
      () => {
        throw new GraphqlQueryError({
          message: "Throttled",
          response: {},
          body: {
            errors: { networkStatusCode: 200, message: "Throttled", graphQLErrors: body.errors },
            extensions: body.extensions,
          },
        });
      },
      () => json({ data: locationsData, extensions: { cost: cost(100, 2, 900) } }),
    );
    const client = new ShopifyAdminClient(transport, { shop, now, sleep, buckets: new CostBuckets() });
    await expect(client.request(locations, locationVars)).resolves.toEqual(locationsData);
    expect(sent).toHaveLength(2);
  });

  it("retries 429 honouring Retry-After and 5xx with backoff, from Responses and from library errors", async () => {
    const { clock, now, sleep } = fakeClock();
    const { transport, sent } = scripted(
      () => new Response("slow down", { status: 429, headers: { "Retry-After": "3" } }),
      () => {
        throw new HttpThrottlingError({
          message: "throttled",
          code: 429,
          statusText: "Too Many Requests",
          retryAfter: 2,
        });
      },
      () => new Response("oops", { status: 502 }),
      () => {
        throw new HttpInternalError({ message: "boom", code: 500, statusText: "Internal Server Error" });
      },
      () => json({ data: locationsData, extensions: { cost: cost(2, 2, 998) } }),
    );
    const client = new ShopifyAdminClient(transport, { shop, now, sleep, buckets: new CostBuckets(), random: () => 1 });
    await expect(client.request(locations, locationVars)).resolves.toEqual(locationsData);
    expect(sent).toHaveLength(5);
    expect(clock.sleeps).toEqual([3000, 2000, 2000, 4000]);
  });

  it("gives up after maxAttempts with a typed error", async () => {
    const { now, sleep } = fakeClock();
    const transport: AdminGraphqlTransport = { graphql: async () => new Response("down", { status: 503 }) };
    const client = new ShopifyAdminClient(transport, { shop, now, sleep, buckets: new CostBuckets(), maxAttempts: 3 });
    const error = await client.request(locations, locationVars).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyRetriesExhaustedError);
    expect(error).toMatchObject({ attempts: 3, lastFailure: "HTTP 503", operationName: "Locations" });
  });

  it("does not retry a GraphQL error that is not a throttle", async () => {
    const { now, sleep } = fakeClock();
    const { transport, sent } = scripted(() =>
      json({ errors: [{ message: "Access denied for locations field.", extensions: { code: "ACCESS_DENIED" } }] }),
    );
    const client = new ShopifyAdminClient(transport, { shop, now, sleep, buckets: new CostBuckets() });
    const error = await client.request(locations, locationVars).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect((error as ShopifyGraphqlError).codes).toEqual(["ACCESS_DENIED"]);
    expect(sent).toHaveLength(1);
  });

  it("lets Responses thrown by authenticate.admin's client through untouched", async () => {
    const redirect = new Response(null, { status: 401 });
    const transport: AdminGraphqlTransport = {
      graphql: async () => {
        throw redirect;
      },
    };
    const client = new ShopifyAdminClient(transport, { shop, buckets: new CostBuckets() });
    await expect(client.request(locations, locationVars)).rejects.toBe(redirect);
  });
});

describe("userErrors", () => {
  it("turn into ShopifyUserErrorsError with field, message and code", async () => {
    const { transport } = scripted(() =>
      json({
        data: {
          inventorySetQuantities: {
            inventoryAdjustmentGroup: null,
            userErrors: [
              {
                field: ["input", "quantities", "0", "changeFromQuantity"],
                message: "The specified compare quantity does not match the current quantity.",
                code: "COMPARE_QUANTITY_STALE",
              },
            ],
          },
        },
        extensions: { cost: cost(10, 10, 990) },
      }),
    );
    const client = new ShopifyAdminClient(transport, { shop, buckets: new CostBuckets() });
    const error = await client
      .request(inventorySetQuantities, {
        idempotencyKey: "k1",
        input: {
          name: "available",
          reason: "correction",
          quantities: [
            {
              inventoryItemId: "gid://shopify/InventoryItem/1",
              locationId: "gid://shopify/Location/1",
              quantity: 5,
              changeFromQuantity: 4,
            },
          ],
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserErrorsError);
    const userErrors = error as ShopifyUserErrorsError;
    expect(userErrors.operationName).toBe("InventorySetQuantities");
    expect(userErrors.errors).toEqual([
      {
        field: ["input", "quantities", "0", "changeFromQuantity"],
        message: "The specified compare quantity does not match the current quantity.",
        code: "COMPARE_QUANTITY_STALE",
      },
    ]);
    expect(userErrors.hasCode("COMPARE_QUANTITY_STALE")).toBe(true);
  });

  it("are read from payload fields named <thing>UserErrors too (orderCancel)", async () => {
    const { transport } = scripted(() =>
      json({
        data: {
          orderCancel: {
            job: null,
            orderCancelUserErrors: [
              { field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" },
            ],
          },
        },
      }),
    );
    const client = new ShopifyAdminClient(transport, { shop, buckets: new CostBuckets() });
    await expect(
      client.request(orderCancel, {
        orderId: "gid://shopify/Order/1",
        reason: "OTHER",
        restock: true,
        notifyCustomer: false,
      }),
    ).rejects.toMatchObject({ name: "ShopifyUserErrorsError", errors: [{ field: ["orderId"], code: "INVALID" }] });
  });
});

describe("shopifyAdminForShop", () => {
  it("builds a client from the offline admin of that shop", async () => {
    const asked: string[] = [];
    const { transport } = scripted(() => json({ data: locationsData }));
    const client = await shopifyAdminForShop(
      shop,
      async (s) => {
        asked.push(s);
        return { admin: transport };
      },
      { buckets: new CostBuckets() },
    );
    expect(asked).toEqual([shop]);
    expect(client.shop).toBe(shop);
    await expect(client.request(locations, locationVars)).resolves.toEqual(locationsData);
  });
});
