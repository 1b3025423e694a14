// The adapter the Remix package uses (web-api) captures globalThis.fetch when imported: import it first so
// install() wins. Not the node adapter: it would swap in converters for node's IncomingMessage and break
// authenticate.webhook on web Requests.
import "@shopify/shopify-api/adapters/web-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { randomUUID } from "node:crypto";
import {
  execute,
  getDirectiveValues,
  getOperationAST,
  Kind,
  type GraphQLError,
  type OperationDefinitionNode,
  type SelectionNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLResolveInfo,
} from "graphql";
import { loadAdminSchema } from "../integrations/shopify/admin-schema";
import { adminValidationRules } from "../integrations/shopify/admin-validation";
import { actualQueryCost, FakeLeakyBucket, requestedQueryCost, type FakeBucketOptions } from "./cost";
import { createRootValue, type ResolverContext } from "./resolvers";
import { FakeShopStore, type FakeBulkOperation, type FakeShopEvent } from "./store";
import {
  deliverWebhook,
  signWebhook,
  webhookPayloads,
  type SignedWebhook,
  type WebhookDeliveryInit,
  type WebhookTarget,
} from "./webhooks";

export interface ShopifyFakeOptions {
  /** The default shop; `shop(domain)` adds others. */
  shop?: string;
  apiKey?: string;
  apiSecret?: string;
  apiVersion?: string;
  scopes?: string;
  now?: () => number;
  bucket?: Partial<FakeBucketOptions>;
  /** How many `bulkOperation(id)` polls report RUNNING before COMPLETED. */
  bulkPollsUntilComplete?: number;
  /** Chunk size for streamed bulk results; small values exercise line reassembly. */
  bulkChunkBytes?: number;
  /**
   * Answer 401 to an access token this fake did not issue, as Shopify does for a revoked or foreign token.
   * Off by default so tests can store any token; the demo turns it on (its database outlives the fake).
   */
  requireIssuedTokens?: boolean;
  /**
   * How long (fake clock) a new order stays invisible to `orders(query:)`, Shopify's search index. `order(id:)`
   * and `nodes` see it at once. Default 3000 ms; settable later with `fake.searchLagMs = 0`.
   */
  searchLagMs?: number;
  /**
   * orderCreate mutations allowed per rolling 60 s (fake clock), as on a development or trial store: default 5;
   * null means unlimited, like a paid plan. Settable later with `fake.orderCreatePerMinute`.
   */
  orderCreatePerMinute?: number | null;
  /** Every shop's currency (Shop.currencyCode), default EUR, and its other enabled presentment currencies. */
  currency?: string;
  presentmentCurrencies?: string[];
}

/** What a development store answers to the 6th order of a minute (Shopify's REST documentation, verbatim). */
export const ORDER_RATE_LIMIT_MESSAGE =
  "Exceeded order API rate limit, please try again in a minute. Upgrade to a paid account to remove this limit.";

export interface FakeGraphqlRequest {
  shop: string;
  apiVersion: string;
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  status: number;
  throttled: boolean;
  requestedQueryCost: number | null;
  errors: readonly GraphQLFormattedError[];
  /** Executed, then answered with a failure by `loseNextAnswer`: the caller never saw the result. */
  answerLost?: boolean;
}

interface FakeShopState {
  store: FakeShopStore;
  bucket: FakeLeakyBucket;
  idempotencyCache: Map<string, { fingerprint: string; result: unknown }>;
  /** Fake-clock times of the orderCreate mutations executed, for the development-store limit. */
  orderCreateTimes: number[];
}

/** See `loseNextAnswer`. */
export interface LostAnswerOptions {
  /** The HTTP status answered after execution; default 502. */
  status?: number;
  /** Instead of any answer, the fetch rejects as a dropped connection does (`TypeError: fetch failed`). */
  networkError?: boolean;
}

const BULK_HOST = "fake-shopify-storage.test";

/** The topics the fake sends by itself to a subscribed target when its shop changes (see `webhooks.subscribe`). */
export type FakeWebhookTopic = FakeShopEvent["topic"];

/** One delivery the fake sent by itself; `outcome` settles once the target answered (or the request failed). */
export interface FakeWebhookDelivery {
  topic: FakeWebhookTopic;
  shop: string;
  webhook: SignedWebhook;
  outcome: Promise<{ status: number } | { error: string }>;
}

interface WebhookSubscription {
  topic: FakeWebhookTopic;
  shop: string;
  target: WebhookTarget;
}

export class ShopifyFake {
  readonly defaultShop: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiVersion: string;
  readonly scopes: string;
  readonly requests: FakeGraphqlRequest[] = [];
  readonly issuedAccessTokens = new Set<string>();
  readonly #shops = new Map<string, FakeShopState>();
  readonly #now: () => number;
  readonly #bucketOptions: FakeBucketOptions;
  readonly #bulkPolls: number;
  readonly #bulkChunkBytes: number;
  readonly #requireIssuedTokens: boolean;
  #forcedThrottles = 0;
  #failNextBulk: string | null = null;
  #forcedFailures: Array<{ status: number; retryAfterSeconds?: number }> = [];
  #lostAnswers: Array<{ operationName: string } & LostAnswerOptions> = [];
  readonly #currency: string;
  readonly #presentmentCurrencies: string[];
  readonly #subscriptions = new Set<WebhookSubscription>();
  readonly #sent: FakeWebhookDelivery[] = [];
  /** See ShopifyFakeOptions.searchLagMs. */
  searchLagMs: number;
  /** See ShopifyFakeOptions.orderCreatePerMinute. */
  orderCreatePerMinute: number | null;

  constructor(options: ShopifyFakeOptions = {}) {
    this.defaultShop = options.shop ?? "mirakl-bridge-test.myshopify.com";
    this.apiKey = options.apiKey ?? process.env.SHOPIFY_API_KEY ?? "test-api-key";
    this.apiSecret = options.apiSecret ?? process.env.SHOPIFY_API_SECRET ?? "test-api-secret";
    this.apiVersion = options.apiVersion ?? "2026-07";
    this.scopes =
      options.scopes ??
      "read_products,read_inventory,write_inventory,read_locations,read_orders,write_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders";
    this.#now = options.now ?? Date.now;
    // Shopify's Standard plan: 2000-point bucket restoring 100 points/s, 1000 points at most per query.
    this.#bucketOptions = { maximumAvailable: 2000, restoreRate: 100, maxSingleQueryCost: 1000, ...options.bucket };
    this.#bulkPolls = options.bulkPollsUntilComplete ?? 1;
    this.#bulkChunkBytes = options.bulkChunkBytes ?? 64 * 1024;
    this.#requireIssuedTokens = options.requireIssuedTokens ?? false;
    this.searchLagMs = options.searchLagMs ?? 3000;
    this.orderCreatePerMinute = options.orderCreatePerMinute === undefined ? 5 : options.orderCreatePerMinute;
    this.#currency = options.currency ?? "EUR";
    this.#presentmentCurrencies = options.presentmentCurrencies ?? [];
    this.#state(this.defaultShop);
  }

  /** The default shop's data, to seed and inspect. */
  get store(): FakeShopStore {
    return this.#state(this.defaultShop).store;
  }

  storeFor(shop: string): FakeShopStore {
    return this.#state(shop).store;
  }

  bucketStatus(shop = this.defaultShop) {
    return this.#state(shop).bucket.status();
  }

  /** The next `count` GraphQL requests answer THROTTLED (HTTP 200), whatever the bucket says. */
  throttleNext(count = 1): void {
    this.#forcedThrottles += count;
  }

  /** Empties the shop's bucket, as a burst from elsewhere in the app would. */
  drainBucket(shop = this.defaultShop): void {
    this.#state(shop).bucket.drain();
  }

  /** The next bulk operation ends FAILED with this error code (e.g. "INTERNAL_SERVER_ERROR", "TIMEOUT"). */
  failNextBulkOperation(errorCode = "INTERNAL_SERVER_ERROR"): void {
    this.#failNextBulk = errorCode;
  }

  /** The next request(s) fail with this HTTP status (429, 500, 502, 503...) BEFORE anything runs: nothing changes. */
  failNext(status: number, count = 1, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.#forcedFailures.push({ status, retryAfterSeconds });
  }

  /**
   * The next executed request with this GraphQL operation name (e.g. "OrderCreate") runs in full (the order is
   * created, the stock moves) and then its answer is lost: HTTP 502 (or `status`), or with `networkError` the fetch
   * rejects. The "sent but not recorded" case; compare `failNext`, which fails before anything runs.
   */
  loseNextAnswer(operationName: string, options: LostAnswerOptions = {}): void {
    this.#lostAnswers.push({ operationName, ...options });
  }

  /** The fetch Shopify's library should use; `install()` wires it in. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname === BULK_HOST) return this.#bulkFile(url);
    const graphqlPath = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (request.method === "POST" && graphqlPath) return this.#graphql(url.hostname, graphqlPath[1]!, request);
    if (request.method === "POST" && url.pathname === "/admin/oauth/access_token")
      return this.#accessToken(url.hostname, request);
    return Response.json({ errors: `the Shopify fake does not serve ${request.method} ${url.href}` }, { status: 404 });
  };

  /**
   * Routes @shopify/shopify-api's outgoing requests (admin.graphql, token exchange) to this fake. Patching
   * globalThis.fetch would not work: the node adapter captured it at import. Returns the undo function.
   */
  install(): () => void {
    const previous = abstractFetch;
    setAbstractFetchFunc(this.fetch as typeof abstractFetch);
    return () => setAbstractFetchFunc(previous);
  }

  /**
   * Bulk result files are downloaded with plain `fetch` (they live on a storage host, not behind the Admin
   * API), so `install()` does not reach them: this routes that one host of `globalThis.fetch` to the fake,
   * for a whole app running in-process (the demo). Tests can pass `fake.fetch` instead. Returns the undo function.
   */
  installBulkStorage(): () => void {
    const previous = globalThis.fetch;
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : input);
      return url.hostname === BULK_HOST ? this.fetch(input, init) : previous(input, init);
    };
    return () => {
      globalThis.fetch = previous;
    };
  }

  /** A `{ graphql }` admin object straight onto the fake, for code that takes one without the app. */
  admin(shop = this.defaultShop, accessToken = "fake_access_token_direct") {
    this.issuedAccessTokens.add(accessToken);
    return {
      graphql: (query: string, options?: { variables?: Record<string, unknown> }) =>
        this.fetch(`https://${shop}/admin/api/${this.apiVersion}/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": accessToken },
          body: JSON.stringify({ query, variables: options?.variables ?? {} }),
        }),
    };
  }

  // ---- webhooks -------------------------------------------------------------------------------------------

  readonly webhooks = {
    /** Signs a delivery with the app secret; deliver the result as often and in whatever order a test needs. */
    sign: (init: Omit<WebhookDeliveryInit, "shop"> & { shop?: string }): SignedWebhook =>
      signWebhook({ ...init, shop: init.shop ?? this.defaultShop }, this.apiSecret),
    deliver: (
      target: WebhookTarget,
      delivery: SignedWebhook | (Omit<WebhookDeliveryInit, "shop"> & { shop?: string }),
    ): Promise<Response> => deliverWebhook(target, "body" in delivery ? delivery : this.webhooks.sign(delivery)),
    /** Payload builders over a shop's store, shaped like Shopify's 2026-07 examples. */
    payloads: (shop = this.defaultShop) => webhookPayloads(this.storeFor(shop)),
    /**
     * Opt-in automatic deliveries (fulfillments/create, fulfillments/update, refunds/create, orders/cancelled), as a
     * webhook subscription at Shopify: from now on every `topic` event of the
     * shop (whether a GraphQL mutation or a seeding action made it) is signed and sent to `target`, after the
     * change. Without a subscription the fake sends nothing by itself. Returns the function that unsubscribes.
     * Not modelled: Shopify's retries of a failed delivery.
     */
    subscribe: (topic: FakeWebhookTopic, target: WebhookTarget, options: { shop?: string } = {}): (() => void) => {
      const subscription = { topic, target, shop: options.shop ?? this.defaultShop };
      this.#subscriptions.add(subscription);
      return () => this.#subscriptions.delete(subscription);
    },
    /** Every delivery the subscriptions made, oldest first. */
    sent: (): readonly FakeWebhookDelivery[] => this.#sent,
    /** Waits for every delivery sent so far to be answered; returns them. */
    settle: async (): Promise<readonly FakeWebhookDelivery[]> => {
      const sent = [...this.#sent];
      await Promise.all(sent.map((d) => d.outcome));
      return sent;
    },
  };

  /** Signs the event's payload as it is now and sends it to every subscription for its topic and shop. */
  #announce(store: FakeShopStore, event: FakeShopEvent): void {
    for (const subscription of this.#subscriptions) {
      if (subscription.topic !== event.topic || subscription.shop !== store.shop) continue;
      const webhook = signWebhook(
        { topic: event.topic, shop: store.shop, payload: eventPayload(store, event) },
        this.apiSecret,
      );
      // After the change has returned to its caller, as Shopify sends once the change is committed.
      const outcome = Promise.resolve()
        .then(() => deliverWebhook(subscription.target, webhook))
        .then(
          async (response) => {
            await response.body?.cancel();
            return { status: response.status };
          },
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        );
      this.#sent.push({ topic: event.topic, shop: store.shop, webhook, outcome });
    }
  }

  // ---- internals ------------------------------------------------------------------------------------------

  #state(shop: string): FakeShopState {
    let state = this.#shops.get(shop);
    if (!state) {
      const store = new FakeShopStore(shop, this.#now);
      store.currency = this.#currency;
      store.presentmentCurrencies = [...this.#presentmentCurrencies];
      store.onEvent((event) => this.#announce(store, event));
      state = {
        store,
        bucket: new FakeLeakyBucket(this.#bucketOptions, this.#now),
        idempotencyCache: new Map(),
        orderCreateTimes: [],
      };
      this.#shops.set(shop, state);
    }
    return state;
  }

  async #graphql(shop: string, apiVersion: string, request: Request): Promise<Response> {
    const token = request.headers.get("X-Shopify-Access-Token");
    if (!token || (this.#requireIssuedTokens && !this.issuedAccessTokens.has(token))) {
      return Response.json(
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        { status: 401 },
      );
    }
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = (await request.json()) as typeof body;
    } catch {
      return Response.json({ errors: "Invalid JSON in request body" }, { status: 400 });
    }
    const log: FakeGraphqlRequest = {
      shop,
      apiVersion,
      operationName: null,
      query: body.query ?? "",
      variables: body.variables ?? {},
      status: 200,
      throttled: false,
      requestedQueryCost: null,
      errors: [],
    };
    this.requests.push(log);
    const respond = (payload: Record<string, unknown>, status = 200, headers?: Record<string, string>) => {
      log.status = status;
      log.errors = (payload.errors as GraphQLFormattedError[] | undefined) ?? [];
      return Response.json(payload, { status, headers });
    };

    const failure = this.#forcedFailures.shift();
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds != null ? { "Retry-After": String(failure.retryAfterSeconds) } : {};
      return respond(
        {
          errors:
            failure.status === 429
              ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
              : "Internal error",
        },
        failure.status,
        headers,
      );
    }
    if (apiVersion !== this.apiVersion) {
      return respond(
        { errors: [{ message: `the Shopify fake only serves API ${this.apiVersion}, not ${apiVersion}` }] },
        404,
      );
    }

    let document: DocumentNode;
    try {
      document = parse(body.query ?? "");
    } catch (error) {
      return respond({ errors: [(error as GraphQLError).toJSON()] });
    }
    const schema = loadAdminSchema();
    const validationErrors = validate(schema, document, adminValidationRules());
    if (validationErrors.length > 0) return respond({ errors: validationErrors.map((e) => e.toJSON()) });
    const operation = getOperationAST(document, body.operationName);
    if (!operation)
      return respond({
        errors: [{ message: "An operation name is required when the document has several operations." }],
      });
    log.operationName = operation.name?.value ?? null;

    const state = this.#state(shop);
    const variables = body.variables ?? {};
    // A development store's order limit is checked before anything runs, and the refused request creates nothing.
    const orderCreates = operation.operation === "mutation" ? rootFieldCount(document, operation, "orderCreate") : 0;
    if (orderCreates > 0 && this.orderCreatePerMinute !== null) {
      const now = this.#now();
      state.orderCreateTimes = state.orderCreateTimes.filter((at) => now - at < 60_000);
      if (state.orderCreateTimes.length + orderCreates > this.orderCreatePerMinute)
        return respond({ errors: ORDER_RATE_LIMIT_MESSAGE }, 429, { "Retry-After": "60" });
    }
    const requested = requestedQueryCost(schema, document, operation, variables);
    log.requestedQueryCost = requested;
    const throttleStatus = () => state.bucket.status();
    if (requested > this.#bucketOptions.maxSingleQueryCost) {
      return respond({
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${this.#bucketOptions.maxSingleQueryCost}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: this.#bucketOptions.maxSingleQueryCost },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
        },
      });
    }
    const forced = this.#forcedThrottles > 0;
    if (forced) this.#forcedThrottles--;
    if (forced || !state.bucket.take(requested)) {
      log.throttled = true;
      return respond({
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
        },
      });
    }

    const context = this.#resolverContext(state, false, apiVersion);
    for (let i = 0; i < orderCreates; i++) state.orderCreateTimes.push(this.#now());
    const result = await execute({
      schema,
      document,
      rootValue: this.#rootValue(context),
      contextValue: context,
      variableValues: variables,
      operationName: body.operationName,
    });
    const actual = actualQueryCost(result.data, requested, operation.operation === "mutation");
    state.bucket.refund(requested - actual);
    const lost = this.#lostAnswers.findIndex((l) => l.operationName === log.operationName);
    if (lost >= 0) {
      const { status = 502, networkError = false } = this.#lostAnswers.splice(lost, 1)[0]!;
      log.answerLost = true;
      if (networkError) {
        log.status = 0;
        throw new TypeError("fetch failed", {
          cause: new Error("other side closed (the Shopify fake lost the answer)"),
        });
      }
      return respond({ errors: "Bad Gateway" }, status);
    }
    return respond({
      ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      data: result.data ?? null,
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() },
      },
    });
  }

  #resolverContext(state: FakeShopState, bulk: boolean, apiVersion = this.apiVersion): ResolverContext {
    const idempotent = loadAdminSchema().getDirective("idempotent")!;
    return {
      store: state.store,
      bulk,
      idempotencyCache: state.idempotencyCache,
      idempotencyKey: (info: GraphQLResolveInfo) => {
        const values = getDirectiveValues(idempotent, info.fieldNodes[0]!, info.variableValues);
        return typeof values?.key === "string" ? values.key : null;
      },
      startBulkOperation: (query) => this.#startBulkOperation(state, query),
      apiVersion,
      searchLagMs: this.searchLagMs,
      now: this.#now,
    };
  }

  #rootValue(context: ResolverContext) {
    const root = createRootValue(context);
    return {
      ...root,
      // Each poll moves a bulk operation along, so callers see CREATED/RUNNING before COMPLETED.
      bulkOperation: (args: { id: string }) => {
        const operation = context.store.bulkOperations.get(args.id);
        if (operation) this.#advanceBulkOperation(operation);
        return root.bulkOperation(args);
      },
    };
  }

  #startBulkOperation(
    state: FakeShopState,
    query: string,
  ): FakeBulkOperation | Array<{ field: string[]; message: string; code: string }> {
    const running = [...state.store.bulkOperations.values()].find(
      (op) => op.status === "CREATED" || op.status === "RUNNING",
    );
    if (running)
      return [
        {
          field: ["query"],
          message: `A bulk query operation for this app and shop is already in progress: ${running.id}.`,
          code: "OPERATION_IN_PROGRESS",
        },
      ];
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [{ field: ["query"], message: (error as GraphQLError).message, code: "INVALID" }];
    }
    const errors = validate(loadAdminSchema(), document, specifiedRules);
    if (errors.length > 0)
      return [{ field: ["query"], message: errors.map((e) => e.message).join("; "), code: "INVALID" }];
    const context = this.#resolverContext(state, true);
    const result = execute({
      schema: loadAdminSchema(),
      document,
      rootValue: this.#rootValue(context),
      contextValue: context,
    });
    if ("then" in result) throw new Error("the fake's resolvers are synchronous");
    if (result.errors?.length)
      return [{ field: ["query"], message: result.errors.map((e) => e.message).join("; "), code: "INVALID" }];
    const { lines, roots } = flattenBulkResult(result.data ?? {});
    const id = state.store.gid("BulkOperation");
    const operation: FakeBulkOperation = {
      id,
      status: "CREATED",
      query,
      createdAt: state.store.timestamp(),
      completedAt: null,
      lines,
      rootObjectCount: roots,
      pollsUntilComplete: this.#bulkPolls,
      errorCode: this.#failNextBulk,
      // Shopify gives no file at all for an export that found nothing.
      url: lines.length > 0 ? `https://${BULK_HOST}/bulk/${encodeURIComponent(id)}/${randomUUID()}.jsonl` : null,
    };
    this.#failNextBulk = null;
    state.store.bulkOperations.set(id, operation);
    return operation;
  }

  #advanceBulkOperation(operation: FakeBulkOperation): void {
    if (operation.status === "COMPLETED" || operation.status === "FAILED") return;
    if (operation.pollsUntilComplete > 0) {
      operation.pollsUntilComplete--;
      operation.status = "RUNNING";
      return;
    }
    operation.status = operation.errorCode ? "FAILED" : "COMPLETED";
    operation.completedAt = new Date(this.#now()).toISOString();
  }

  #bulkFile(url: URL): Response {
    for (const state of this.#shops.values()) {
      for (const operation of state.store.bulkOperations.values()) {
        if (operation.url === url.href && operation.status === "COMPLETED") {
          const bytes = new TextEncoder().encode(operation.lines.map((line) => `${line}\n`).join(""));
          const chunkSize = this.#bulkChunkBytes;
          let offset = 0;
          const stream = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (offset >= bytes.length) return controller.close();
              controller.enqueue(bytes.slice(offset, offset + chunkSize));
              offset += chunkSize;
            },
          });
          return new Response(stream, { headers: { "Content-Type": "application/jsonl" } });
        }
      }
    }
    return new Response("<Error><Code>NoSuchKey</Code></Error>", { status: 404 });
  }

  async #accessToken(shop: string, request: Request): Promise<Response> {
    const body = (await request.json()) as Record<string, string>;
    if (body.client_id !== this.apiKey || body.client_secret !== this.apiSecret) {
      return Response.json(
        { error: "invalid_client", error_description: "Client authentication failed" },
        { status: 401 },
      );
    }
    const accessToken = `fake_access_token_${randomUUID().replace(/-/g, "")}`;
    this.issuedAccessTokens.add(accessToken);
    const expiring = body.expiring === "1" || body.grant_type === "refresh_token";
    const offline = {
      access_token: accessToken,
      scope: this.scopes,
      ...(expiring
        ? {
            expires_in: 3600,
            refresh_token: `shprt_fake_${randomUUID().replace(/-/g, "")}`,
            refresh_token_expires_in: 7_776_000,
          }
        : {}),
    };
    this.#state(shop);
    if (body.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token") {
      return Response.json({
        access_token: accessToken,
        scope: this.scopes,
        expires_in: 86_399,
        associated_user_scope: this.scopes,
        associated_user: {
          id: 902541635,
          first_name: "Fake",
          last_name: "Merchant",
          email: "merchant@example.com",
          email_verified: true,
          account_owner: true,
          locale: "en",
          collaborator: false,
        },
      });
    }
    return Response.json(offline);
  }
}

/** The payload Shopify sends for the event, built from the shop as it is right after the change. */
function eventPayload(store: FakeShopStore, event: FakeShopEvent): unknown {
  const payloads = webhookPayloads(store);
  switch (event.topic) {
    case "fulfillments/create":
    case "fulfillments/update":
      return payloads.fulfillment(event.fulfillment);
    case "refunds/create":
      return payloads.refundCreate(event.refund);
    case "orders/cancelled":
      return payloads.orderCancelled(event.order);
  }
}

/** How many times the operation's root selection asks for `fieldName` (aliases and fragments included). */
function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode, fieldName: string): number {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const count = (selections: readonly SelectionNode[], seen: Set<string>): number =>
    selections.reduce((total, selection) => {
      if (selection.kind === Kind.FIELD) return total + (selection.name.value === fieldName ? 1 : 0);
      if (selection.kind === Kind.INLINE_FRAGMENT) return total + count(selection.selectionSet.selections, seen);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return total;
      return total + count(fragment.selectionSet.selections, new Set([...seen, fragment.name.value]));
    }, 0);
  return count(operation.selectionSet.selections, new Set());
}

/**
 * Shopify's JSONL without `groupObjects`: every node of every connection is its own line, and a node found
 * inside another node's connection carries that node's id as `__parentId`. Parents come before children.
 */
export function flattenBulkResult(data: Record<string, unknown>): { lines: string[]; roots: number } {
  const lines: string[] = [];
  let roots = 0;
  const isConnection = (value: unknown): value is { edges?: Array<{ node: unknown }>; nodes?: unknown[] } =>
    !!value &&
    typeof value === "object" &&
    (Array.isArray((value as { edges?: unknown }).edges) || Array.isArray((value as { nodes?: unknown }).nodes));
  const nodesOf = (connection: { edges?: Array<{ node: unknown }>; nodes?: unknown[] }) =>
    connection.nodes ?? connection.edges!.map((edge) => edge.node);

  /** Copies a node without its nested connections, collecting those for their own lines. */
  const strip = (value: unknown, nested: Array<{ edges?: Array<{ node: unknown }>; nodes?: unknown[] }>): unknown => {
    if (Array.isArray(value)) return value.map((v) => strip(v, nested));
    if (!value || typeof value !== "object") return value;
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (isConnection(child)) nested.push(child);
      else copy[key] = strip(child, nested);
    }
    return copy;
  };
  const emit = (connection: { edges?: Array<{ node: unknown }>; nodes?: unknown[] }, parentId: string | null) => {
    for (const node of nodesOf(connection)) {
      const nested: Array<{ edges?: Array<{ node: unknown }>; nodes?: unknown[] }> = [];
      const line = strip(node, nested) as Record<string, unknown>;
      if (parentId) line.__parentId = parentId;
      else roots++;
      lines.push(JSON.stringify(line));
      for (const child of nested) emit(child, (node as { id?: string }).id ?? parentId);
    }
  };
  for (const value of Object.values(data)) if (isConnection(value)) emit(value, null);
  return { lines, roots };
}
