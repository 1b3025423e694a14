import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import {
  OR21_ERRORS,
  SPEC_OFFER_STATES,
  platformConfiguration,
  type PlatformSettings,
  type SimCarrier,
  type SimReason,
} from "./fixtures";
import {
  accountJson,
  cancelationCreatedJson,
  offerSummary,
  orderJson,
  refundCreatedJson,
  shipmentJson,
} from "./serialize";
import {
  DEFAULT_TIMINGS,
  IMPORT_OPERATIONS,
  IMPORT_OUTCOMES,
  MiraklApiError,
  OFFER_REPORT_COLUMNS,
  SimState,
  cents,
  createRandom,
  fromCents,
  iso,
  type ImportKind,
  type ImportOutcome,
  type LineMoneyChange,
  type OrderState,
  type OrderTemplate,
  type ScriptedImportOutcome,
  type SimImport,
  type SimExtraPrice,
  type SimOffer,
  type SimOrder,
  type SimShipment,
  type SimShipmentTracking,
  type SimShop,
  type Timings,
} from "./state";

export interface SimRateRule {
  minIntervalMs?: number;
  maxPerHour?: number;
}

/**
 * Mirakl's published "Maximum usage" per operation (docs/mirakl-api.md §2.9),
 * counted per API key. Only a listing's first page counts (offset=0 / no page_token),
 * and OR11 `order_ids=` look-ups are synchronous use, not counted.
 */
export const MIRAKL_PUBLISHED_LIMITS: Record<string, SimRateRule> = {
  OR11: { minIntervalMs: 60_000 },
  OF24: { minIntervalMs: 60_000 },
  OF02: { minIntervalMs: 60_000 },
  OF03: { minIntervalMs: 60_000 },
  STO01: { minIntervalMs: 60_000 },
  STO02: { minIntervalMs: 15_000 },
  STO03: { minIntervalMs: 60_000 },
  PRI01: { minIntervalMs: 60_000 },
  PRI02: { minIntervalMs: 60_000 },
  PRI03: { minIntervalMs: 60_000 },
  OF52: { minIntervalMs: 60_000 },
  OF53: { minIntervalMs: 10_000 },
  TL02: { minIntervalMs: 3_000, maxPerHour: 60 },
};

/**
 * Named rate-limit profiles. They are the simulator's own, written from Mirakl's documentation and never read
 * from the client's pacing table (app/integrations/mirakl/limiter.ts): a client that paces by a wrong table
 * earns 429s here instead of being agreed with.
 * - "mirakl": the published maximums above;
 * - "partner": Mirakl's "External Partner" persona, whose OR11 maximum is one call every 15 minutes;
 * - "off": no limits.
 */
export const SIM_RATE_PROFILES = {
  mirakl: MIRAKL_PUBLISHED_LIMITS,
  partner: { ...MIRAKL_PUBLISHED_LIMITS, OR11: { minIntervalMs: 15 * 60_000 } },
  off: {},
} as const satisfies Record<string, Record<string, SimRateRule>>;
export type SimRateProfile = keyof typeof SIM_RATE_PROFILES;

/**
 * A profile's name; exactly these rules (operation → rule); or a profile with some operations' rules replaced
 * (`{ profile: "mirakl", rules: { OR11: { minIntervalMs: 900000 } } }`; `{}` lifts an operation's limit).
 */
export type SimRateLimits =
  SimRateProfile | Record<string, SimRateRule> | { profile: SimRateProfile; rules?: Record<string, SimRateRule> };

export interface SimFaults {
  /** Probability (0..1) that a matching request gets `errorStatus`. */
  errorRate?: number;
  errorStatus?: number;
  /** Added before answering (real milliseconds). */
  latencyMs?: number;
  /** Probability that the socket is destroyed without an answer. */
  dropRate?: number;
  /** Adds unknown fields to every JSON object and an unknown value to state enums. */
  drift?: boolean;
  /** Restrict the faults to these operations (default: all). */
  operations?: string[];
  /** In-process only: rewrite a JSON body before it is sent. */
  transformResponse?: (operation: string, body: unknown) => unknown;
}

export interface ScriptedFault {
  operation: string;
  /** HTTP status to answer, or "drop" to destroy the connection. */
  status: number | "drop";
  /** Number of matching requests affected (default 1). */
  times?: number;
  retryAfterSeconds?: number;
  body?: unknown;
}

export interface SimCall {
  at: string;
  method: string;
  path: string;
  operation: string;
  status: number;
  key: string | null;
  shopId: number | null;
  contentType: string | null;
  contentLength: string | null;
  /** Request body as text (multipart bodies included), for conformance checks. */
  body: string;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Virtual clock start (default: real now). */
  startTime?: number | string | Date;
  /** "frozen" (default): time moves only via advanceClock. "realtime": it also follows the wall clock. */
  clock?: "frozen" | "realtime";
  /** "mirakl" (default) enforces MIRAKL_PUBLISHED_LIMITS; "partner", "off", custom rules, or a profile with overrides. */
  rateLimits?: SimRateLimits;
  /** What to do with `max` > 100: Mirakl's behaviour is undocumented. */
  maxPageSize?: "error" | "clamp";
  platform?: Partial<PlatformSettings>;
  timings?: Partial<Timings>;
  /** Safety margin Mirakl subtracts from OR11 start_update_date. */
  updateDateSafetyMs?: number;
  /** Seed default shops/keys (default true). */
  defaults?: boolean;
  /** SH21's carriers (default: the spec's example list, SPEC_CARRIERS; the demo uses MARKETPLACE_CARRIERS). */
  carriers?: SimCarrier[];
  /** RE01's reasons (default: the spec's example list, SPEC_REASONS; the demo uses MARKETPLACE_REASONS). */
  reasons?: SimReason[];
}

/**
 * A refund the operator makes (customer service, a return): amounts in the order's currency as in OR28. Taxes
 * left out are computed in proportion by the back office; any REFUND reason of RE01 will do.
 */
export interface OperatorRefund {
  order_line_id: string;
  amount: number | string;
  shipping_amount?: number | string;
  reason_code: string;
  quantity?: number;
  taxes?: { code: string; amount: number | string }[];
  shipping_taxes?: { code: string; amount: number | string }[];
}

/**
 * Units of a line the operator cancels before it ships. Amount defaults to the units' price (capped by what is
 * left), shipping to all that is left when no unit remains and 0 otherwise; taxes in proportion; any CANCELATION
 * reason of RE01.
 */
export interface OperatorCancelation {
  order_line_id: string;
  quantity: number;
  amount?: number | string;
  shipping_amount?: number | string;
  reason_code: string;
}

/** Line states in which OR28 may refund: shipped or to ship, never once CLOSED. */
const REFUNDABLE_LINE_STATES: OrderState[] = ["SHIPPING", "SHIPPED", "RECEIVED"];
/** Line states a cancelation can still catch: accepted, not yet shipped. */
const CANCELABLE_LINE_STATES: OrderState[] = ["WAITING_DEBIT", "WAITING_DEBIT_PAYMENT", "SHIPPING"];
/** Order states the operator can cancel from: not yet shipped, not already ended. */
export const OPERATOR_CANCELABLE_ORDER_STATES: readonly OrderState[] = [
  "STAGING",
  "WAITING_ACCEPTANCE",
  "WAITING_DEBIT",
  "WAITING_DEBIT_PAYMENT",
  "SHIPPING",
];

export const DEFAULT_KEYS = { single: "sim-key-shop-2001", multi: "sim-key-multi-shop" } as const;
export const DEFAULT_SHOPS = { main: 2001, second: 2002 } as const;

type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;
interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  handler: Handler;
  auth: boolean;
}
interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}
interface RequestContext {
  url: URL;
  params: string[];
  shop: SimShop;
  key: string;
  body: Buffer;
  headers: IncomingMessage["headers"];
  baseUrl: string;
}

const PAGE_MAX = 100;

function fail(status: number, message: string, code?: string): never {
  throw new MiraklApiError(status, message, code);
}

/**
 * Error codes for shipping that Mirakl does not publish (its OR23/OR24/ST01 documentation has no error table):
 * the simulator's own names, so the connector must rely on the status and not on these.
 */
export const SHIPPING_ERROR_CODES = {
  ORDER_INVALID_STATE: "ORDER_INVALID_STATE",
  CARRIER_NOT_FOUND: "CARRIER_NOT_FOUND",
  ALTERNATIVE_CARRIER_DISABLED: "ALTERNATIVE_CARRIER_DISABLED",
  TRACKING_NUMBER_MISSING: "TRACKING_NUMBER_MISSING",
  MULTI_SHIPMENT_DISABLED: "MULTI_SHIPMENT_DISABLED",
  VALIDATION_ERROR: "VALIDATION_ERROR",
} as const;

/** The message of Mirakl's own ST01 example for an order that is not (or no longer) waiting to be shipped. */
const notShippingMessage = (order: SimOrder) => `The order status must be 'SHIPPING' but it is '${order.state}'.`;

interface TrackingInput {
  carrier_code?: unknown;
  carrier_name?: unknown;
  carrier_standard_code?: unknown;
  tracking_number?: unknown;
  /** OR23 calls it `carrier_url`, ST01/ST23 `tracking_url`. */
  url?: unknown;
}

const optionalString = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);

/** One of OR21's published errors, with Mirakl's own description as the message. */
function or21Fail(code: keyof typeof OR21_ERRORS): never {
  throw new MiraklApiError(code === "ORDER_NOT_FOUND" ? 404 : 400, OR21_ERRORS[code], code);
}

function listParam(url: URL, name: string): string[] {
  return url.searchParams
    .getAll(name)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);
}

function parseDateParam(url: URL, name: string): number | null {
  const value = url.searchParams.get(name);
  if (value === null || value === "") return null;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) fail(400, `Invalid date for parameter : ${name}`);
  return parsed;
}

function jsonBody<T>(ctx: RequestContext): T {
  try {
    return JSON.parse(ctx.body.toString("utf8")) as T;
  } catch {
    return fail(400, "Malformed JSON body", "VALIDATION_ERROR");
  }
}

async function multipartFile(ctx: RequestContext): Promise<string> {
  const contentType = ctx.headers["content-type"] ?? "";
  if (!contentType.startsWith("multipart/form-data")) fail(415, "Content type must be multipart/form-data");
  const form = await new Request("http://sim/upload", {
    method: "POST",
    headers: { "content-type": contentType },
    body: new Uint8Array(ctx.body),
  }).formData();
  const file = form.get("file");
  if (!file || typeof file === "string") fail(400, "Missing part : file");
  return (await file.text()).replace(/^\uFEFF/, "");
}

function addDrift(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(addDrift);
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] =
        key.endsWith("_state") || key === "status" || key === "refund_state"
          ? typeof inner === "string"
            ? "SIM_FUTURE_STATE"
            : inner
          : addDrift(inner);
    }
    copy.sim_added_field = { note: "fields Mirakl adds later", at: null };
    return copy;
  }
  return value;
}

export class MiraklSimulator {
  readonly state: SimState;
  readonly calls: SimCall[] = [];
  private faults: SimFaults = {};
  private scripted: ScriptedFault[] = [];
  private rateRules: Record<string, SimRateRule>;
  private readonly rateHistory = new Map<string, number[]>();
  private readonly random: () => number;
  private clockOffset = 0;
  private readonly realtime: boolean;
  private readonly realStart = Date.now();
  private readonly virtualStart: number;
  private readonly routes: Route[];
  private server = createServer((request, response) => void this.handle(request, response));
  private readonly sockets = new Set<Socket>();
  baseUrl = "";

  constructor(readonly options: SimulatorOptions = {}) {
    this.random = createRandom(options.seed ?? 1);
    this.realtime = options.clock === "realtime";
    this.virtualStart = options.startTime === undefined ? Date.now() : new Date(options.startTime).getTime();
    this.rateRules = this.resolveRateRules(options.rateLimits ?? "mirakl");
    const platform: PlatformSettings = {
      operatorCsvDelimiter: "SEMICOLON",
      orderAcceptance: "NOT_AUTOMATIC",
      detailsBeforeAcceptance: false,
      disableSellerAlternativeCarrier: false,
      multiShipment: false,
      ...options.platform,
    };
    this.state = new SimState(() => this.now(), this.random, platform, { ...DEFAULT_TIMINGS, ...options.timings });
    if (options.carriers) this.state.carriers = structuredClone(options.carriers);
    if (options.reasons) this.state.reasons = structuredClone(options.reasons);
    if (options.defaults ?? true) {
      this.state.addShop({ id: DEFAULT_SHOPS.main, name: "Simulated Shop", currency: "USD" });
      this.state.addShop({ id: DEFAULT_SHOPS.second, name: "Second Shop", currency: "EUR" });
      this.state.addKey(DEFAULT_KEYS.single, [DEFAULT_SHOPS.main]);
      this.state.addKey(DEFAULT_KEYS.multi, [DEFAULT_SHOPS.main, DEFAULT_SHOPS.second]);
    }
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.routes = this.buildRoutes();
  }

  now(): number {
    return this.virtualStart + this.clockOffset + (this.realtime ? Date.now() - this.realStart : 0);
  }

  advanceClock(ms: number) {
    this.clockOffset += ms;
    this.state.tick();
  }

  setFaults(faults: SimFaults) {
    this.faults = { ...faults };
  }

  scriptFault(fault: ScriptedFault) {
    this.scripted.push({ times: 1, ...fault });
  }

  /** Clears random and scripted faults, scripted import outcomes included. */
  clearFaults() {
    this.faults = {};
    this.scripted = [];
    this.state.importScripts.length = 0;
  }

  setRateLimits(limits: SimRateLimits) {
    this.rateRules = this.resolveRateRules(limits);
    this.rateHistory.clear();
  }

  rateLimits(): Record<string, SimRateRule> {
    return structuredClone(this.rateRules);
  }

  private resolveRateRules(limits: SimRateLimits): Record<string, SimRateRule> {
    const profile = (name: unknown) => {
      if (typeof name !== "string" || !Object.hasOwn(SIM_RATE_PROFILES, name))
        throw new MiraklApiError(
          400,
          `Unknown rate-limit profile ${String(name)}: use ${Object.keys(SIM_RATE_PROFILES).join(", ")}`,
        );
      return structuredClone(SIM_RATE_PROFILES[name as SimRateProfile]) as Record<string, SimRateRule>;
    };
    if (typeof limits === "string") return profile(limits);
    if ("profile" in limits) {
      const { profile: name, rules } = limits as { profile: SimRateProfile; rules?: Record<string, SimRateRule> };
      return { ...profile(name), ...structuredClone(rules ?? {}) };
    }
    return structuredClone(limits as Record<string, SimRateRule>);
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? "/", this.baseUrl || "http://127.0.0.1");
    const method = request.method ?? "GET";

    if (url.pathname.startsWith("/_sim/")) return this.handleControl(method, url, body, response);

    const match = this.match(method, url.pathname);
    const operation = match?.route.operation ?? "UNKNOWN";
    const rawKey = typeof request.headers.authorization === "string" ? request.headers.authorization : null;
    const call: SimCall = {
      at: iso(this.now())!,
      method,
      path: url.pathname + url.search,
      operation,
      status: 0,
      key: rawKey,
      shopId: null,
      contentType: request.headers["content-type"] ?? null,
      contentLength: request.headers["content-length"] ?? null,
      body: body.toString("utf8"),
    };
    this.calls.push(call);

    const send = (reply: Reply) => {
      call.status = reply.status;
      const headers: Record<string, string> = { ...reply.headers };
      let payload = "";
      if (reply.json !== undefined) {
        let value: unknown = reply.json;
        if (this.faultApplies(operation) && reply.status < 300) {
          if (this.faults.drift) value = addDrift(value);
          if (this.faults.transformResponse) value = this.faults.transformResponse(operation, value);
        }
        payload = JSON.stringify(value);
        headers["Content-Type"] = "application/json;charset=UTF-8";
      } else if (reply.text !== undefined) {
        payload = reply.text;
        headers["Content-Type"] = reply.contentType ?? "text/plain;charset=UTF-8";
      }
      response.writeHead(reply.status, headers);
      response.end(payload);
    };

    try {
      this.state.tick();
      if (this.faults.latencyMs && this.faultApplies(operation))
        await new Promise((resolve) => setTimeout(resolve, this.faults.latencyMs));
      const scripted = this.takeScripted(operation);
      if (
        scripted?.status === "drop" ||
        (this.faultApplies(operation) && this.random() < (this.faults.dropRate ?? 0))
      ) {
        call.status = -1;
        request.socket.destroy();
        return;
      }
      if (scripted) {
        const headers: Record<string, string> =
          scripted.retryAfterSeconds === undefined ? {} : { "Retry-After": String(scripted.retryAfterSeconds) };
        return send({
          status: scripted.status as number,
          json: scripted.body ?? { status: scripted.status, message: "Simulated failure" },
          headers,
        });
      }
      if (this.faultApplies(operation) && this.random() < (this.faults.errorRate ?? 0)) {
        const status = this.faults.errorStatus ?? 503;
        return send({ status, json: { status, message: "Simulated failure" } });
      }
      if (!match) fail(404, `No endpoint ${method} ${url.pathname}`);

      // Authentication: raw key, no "Bearer"; then shop selection by shop_id.
      if (!rawKey || !this.state.keys.has(rawKey)) fail(401, "Unauthorized");
      const shopIds = this.state.keys.get(rawKey)!;
      const shopParam = url.searchParams.get("shop_id");
      if (shopParam !== null && !/^\d+$/.test(shopParam)) fail(400, "Invalid value for parameter : shop_id");
      const shopId = shopParam === null ? shopIds[0] : Number(shopParam);
      if (!shopIds.includes(shopId)) fail(403, `Access denied to shop ${shopId}`);
      call.shopId = shopId;

      const accept = request.headers.accept;
      if (accept && !/application\/json|\*\/\*|text\/csv/.test(accept)) fail(406, "Not acceptable");
      if (
        method === "PUT" &&
        body.length === 0 &&
        request.headers["content-length"] === undefined &&
        request.headers["transfer-encoding"] === undefined
      ) {
        return send({
          status: 411,
          text: "<html><body><h1>411 Length Required</h1></body></html>",
          contentType: "text/html",
        });
      }

      const retryAfter = this.checkRateLimit(rawKey, shopId, operation, url);
      if (retryAfter !== null) {
        return send({
          status: 429,
          json: { status: 429, message: "Too many requests" },
          headers: { "Retry-After": String(retryAfter) },
        });
      }
      const reply = await match.route.handler({
        url,
        params: match.params,
        shop: this.state.shop(shopId),
        key: rawKey,
        body,
        headers: request.headers,
        baseUrl: this.baseUrl,
      });
      return send(reply);
    } catch (error) {
      if (error instanceof MiraklApiError) {
        const json: Record<string, unknown> = { status: error.status, message: error.message };
        if (error.code) json.code = error.code;
        return send({ status: error.status, json });
      }
      return send({ status: 500, json: { status: 500, message: `Simulator error: ${(error as Error).message}` } });
    }
  }

  private faultApplies(operation: string) {
    return !this.faults.operations || this.faults.operations.includes(operation);
  }

  private takeScripted(operation: string): ScriptedFault | undefined {
    const index = this.scripted.findIndex((fault) => fault.operation === operation || fault.operation === "*");
    if (index === -1) return undefined;
    const fault = this.scripted[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.scripted.splice(index, 1);
    return fault;
  }

  /** Returns Retry-After seconds when the call must be refused. */
  private checkRateLimit(key: string, shopId: number, operation: string, url: URL): number | null {
    const rule = this.rateRules[operation];
    if (!rule) return null;
    const continuation = (url.searchParams.get("offset") ?? "0") !== "0" || url.searchParams.has("page_token");
    if (continuation || (operation === "OR11" && url.searchParams.has("order_ids"))) return null;
    const bucket = `${key}|${shopId}|${operation}`;
    const now = this.now();
    const history = (this.rateHistory.get(bucket) ?? []).filter((at) => at > now - 3600_000);
    let allowedAt = now;
    if (rule.minIntervalMs && history.length)
      allowedAt = Math.max(allowedAt, history[history.length - 1] + rule.minIntervalMs);
    if (rule.maxPerHour !== undefined && history.length >= rule.maxPerHour)
      allowedAt = Math.max(allowedAt, history[history.length - rule.maxPerHour] + 3600_000);
    if (allowedAt > now) return Math.max(1, Math.ceil((allowedAt - now) / 1000));
    history.push(now);
    this.rateHistory.set(bucket, history);
    return null;
  }

  private match(method: string, pathname: string): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(pathname);
      if (found) return { route, params: found.slice(1).map(decodeURIComponent) };
    }
    return undefined;
  }

  // ---------------------------------------------------------------- routes

  private buildRoutes(): Route[] {
    const r = (method: string, path: string, operation: string, handler: Handler): Route => ({
      method,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
      operation,
      handler,
      auth: true,
    });
    const state = this.state;
    return [
      r("GET", "/api/account", "A01", (ctx) => ({ status: 200, json: accountJson(ctx.shop) })),
      r("GET", "/api/platform/configuration", "PC01", () => ({
        status: 200,
        json: platformConfiguration(state.platform),
      })),
      r("GET", "/api/version", "V01", () => ({ status: 200, json: { version: "3.240-sim" } })),
      r("GET", "/api/shipping/carriers", "SH21", () => ({
        status: 200,
        json: { carriers: [...state.carriers].sort((a, b) => a.label.localeCompare(b.label)) },
      })),
      r("GET", "/api/reasons", "RE01", () => ({
        status: 200,
        json: { reasons: state.reasons, total_count: state.reasons.length },
      })),
      r("GET", "/api/offers/states", "OF61", () => ({
        status: 200,
        json: { offer_states: SPEC_OFFER_STATES, total_count: SPEC_OFFER_STATES.length },
      })),
      r("GET", "/api/orders", "OR11", (ctx) => this.listOrders(ctx)),
      r("PUT", "/api/orders/refund", "OR28", (ctx) => this.refund(ctx)),
      r("PUT", "/api/orders/cancel", "OR30", (ctx) => this.cancelLines(ctx)),
      r("PUT", "/api/orders/{order_id}/accept", "OR21", (ctx) => this.accept(ctx)),
      r("PUT", "/api/orders/{order_id}/tracking", "OR23", (ctx) => this.tracking(ctx)),
      r("PUT", "/api/orders/{order_id}/ship", "OR24", (ctx) => this.ship(ctx)),
      r("PUT", "/api/orders/{order_id}/cancel", "OR29", (ctx) => this.cancelOrder(ctx)),
      r("POST", "/api/shipments", "ST01", (ctx) => this.createShipments(ctx)),
      r("GET", "/api/shipments", "ST11", (ctx) => this.listShipments(ctx)),
      r("POST", "/api/shipments/tracking", "ST23", (ctx) => this.shipmentTracking(ctx)),
      r("PUT", "/api/shipments/ship", "ST24", (ctx) => this.shipShipments(ctx)),
      r("POST", "/api/offers/stock/imports", "STO01", (ctx) => this.csvImport(ctx, "STOCK")),
      r("GET", "/api/offers/stock/imports/{import_id}/status", "STO02", (ctx) => ({
        status: 200,
        json: this.stockStatus(this.importOf(ctx, "STOCK")),
      })),
      r("GET", "/api/offers/stock/imports/{import_id}/error_report", "STO03", (ctx) =>
        this.errorReport(this.importOf(ctx, "STOCK")),
      ),
      r("POST", "/api/offers/pricing/imports", "PRI01", (ctx) => this.csvImport(ctx, "PRICE")),
      r("GET", "/api/offers/pricing/imports", "PRI02", (ctx) => this.priceImports(ctx)),
      r("GET", "/api/offers/pricing/imports/{import_id}/error_report", "PRI03", (ctx) =>
        this.errorReport(this.importOf(ctx, "PRICE")),
      ),
      r("POST", "/api/offers", "OF24", (ctx) => this.offerUpsert(ctx)),
      r("GET", "/api/offers", "OF21", (ctx) => this.listOffers(ctx)),
      r("GET", "/api/offers/imports/{import}", "OF02", (ctx) => ({
        status: 200,
        json: this.offerImportStatus(this.importOf(ctx, "OFFER")),
      })),
      r("GET", "/api/offers/imports/{import}/error_report", "OF03", (ctx) =>
        this.errorReport(this.importOf(ctx, "OFFER")),
      ),
      r("POST", "/api/offers/export/async", "OF52", (ctx) => this.startExport(ctx)),
      r("GET", "/api/offers/export/async/status/{tracking_id}", "OF53", (ctx) => this.exportStatus(ctx)),
      r("GET", "/sim-storage/offers-export/{tracking_id}/chunk-0.json", "OF54", (ctx) => this.exportChunk(ctx)),
      r("GET", "/api/sellerpayment/transactions_logs", "TL02", (ctx) => this.transactionLogs(ctx)),
      r("GET", "/api/invoices", "IV01", (ctx) => this.invoices(ctx)),
    ];
  }

  /** Offset pagination with total_count and a Link header, as Mirakl does. */
  private offsetPage<T>(ctx: RequestContext, items: T[]): { page: T[]; headers: Record<string, string> } {
    const max = Number(ctx.url.searchParams.get("max") ?? 10);
    const offset = Number(ctx.url.searchParams.get("offset") ?? 0);
    if (!Number.isInteger(max) || max < 1) fail(400, "Invalid value for parameter : max");
    if (!Number.isInteger(offset) || offset < 0) fail(400, "Invalid value for parameter : offset");
    if (max > PAGE_MAX && this.options.maxPageSize !== "clamp")
      fail(400, `The limit of ${PAGE_MAX} is exceeded for the parameter : max`);
    const size = Math.min(max, PAGE_MAX);
    const page = items.slice(offset, offset + size);
    const link = (at: number) => {
      const next = new URL(ctx.url.toString(), ctx.baseUrl);
      next.searchParams.set("offset", String(at));
      next.searchParams.set("max", String(size));
      return `<${ctx.baseUrl}${next.pathname}${next.search}>`;
    };
    const links: string[] = [];
    if (offset > 0) links.push(`${link(Math.max(0, offset - size))}; rel="previous"`);
    if (offset + size < items.length) links.push(`${link(offset + size)}; rel="next"`);
    return { page, headers: links.length ? { Link: links.join(", ") } : {} };
  }

  private listOrders(ctx: RequestContext): Reply {
    const { url } = ctx;
    const ids = listParam(url, "order_ids");
    if (ids.length > 100) fail(400, "The limit of 100 is exceeded for the parameter : order_ids");
    const states = listParam(url, "order_state_codes");
    const channels = listParam(url, "channel_codes");
    const sellerRefs = listParam(url, "order_references_for_seller");
    const startDate = parseDateParam(url, "start_date");
    const endDate = parseDateParam(url, "end_date");
    const startUpdate = parseDateParam(url, "start_update_date");
    const endUpdate = parseDateParam(url, "end_update_date");
    const safety = this.options.updateDateSafetyMs ?? 5_000;
    let orders = [...ctx.shop.orders.values()].filter((order) => {
      if (ids.length && !ids.includes(order.id)) return false;
      if (states.length && !states.includes(order.state)) return false;
      if (channels.length && !channels.includes(order.channel?.code ?? "")) return false;
      if (sellerRefs.length && !sellerRefs.includes(order.references.order_reference_for_seller ?? "")) return false;
      if (startDate !== null && order.created < startDate) return false;
      if (endDate !== null && order.created > endDate) return false;
      if (startUpdate !== null && order.updated < startUpdate - safety) return false;
      if (endUpdate !== null && order.updated > endUpdate) return false;
      return true;
    });
    orders.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
    if (url.searchParams.get("order") === "desc") orders = orders.reverse();
    const { page, headers } = this.offsetPage(ctx, orders);
    return {
      status: 200,
      json: { orders: page.map((order) => orderJson(this.state, order)), total_count: orders.length },
      headers,
    };
  }

  private order(ctx: RequestContext): SimOrder {
    const order = ctx.shop.orders.get(ctx.params[0]);
    if (!order) or21Fail("ORDER_NOT_FOUND");
    return order;
  }

  private accept(ctx: RequestContext): Reply {
    const order = this.order(ctx);
    let body: { order_lines?: ({ id?: unknown; accepted?: unknown } | null)[] } | null;
    try {
      body = JSON.parse(ctx.body.toString("utf8"));
    } catch {
      return or21Fail("VALIDATION_ERROR");
    }
    if (!body || !Array.isArray(body.order_lines)) or21Fail("VALIDATION_ERROR");
    if (body.order_lines.some((decision) => decision === null)) or21Fail("ORDER_LINE_NULL_ELEMENT");
    const decisions = body.order_lines as { id?: unknown; accepted?: unknown }[];
    if (decisions.some((decision) => typeof decision.id !== "string" || typeof decision.accepted !== "boolean"))
      or21Fail("VALIDATION_ERROR");
    if (order.state !== "WAITING_ACCEPTANCE") or21Fail("ORDER_INVALID_STATE");
    const seen = new Set<string>();
    for (const decision of decisions as { id: string; accepted: boolean }[]) {
      if (seen.has(decision.id)) or21Fail("ORDER_LINE_DUPLICATE_ID");
      seen.add(decision.id);
      if (!order.lines.some((line) => line.id === decision.id)) or21Fail("ORDER_LINE_NOT_FOUND");
    }
    const waiting = order.lines.filter((line) => line.state === "WAITING_ACCEPTANCE");
    if (waiting.some((line) => !seen.has(line.id))) or21Fail("ORDER_LINE_ACCEPTANCE_DECISION_MISSING");
    const valid = decisions as { id: string; accepted: boolean }[];
    const mixed = valid.some((decision) => decision.accepted) && valid.some((decision) => !decision.accepted);
    if (mixed && !ctx.shop.partialAcceptance) or21Fail("ORDER_PARTIAL_ACCEPTANCE_DISABLED");
    this.state.accept(order, valid, this.now());
    return { status: 204 };
  }

  /**
   * A registered carrier (`carrier_code`, one of SH21's) gets SH21's label and its URL template filled with the
   * tracking number (a template that needs one makes it mandatory); without a code it is an "alternative"
   * carrier (`carrier_name`, URL as given), refused when the platform disables them.
   */
  private resolveTracking(input: TrackingInput): SimShipmentTracking {
    const code = optionalString(input.carrier_code);
    const number = optionalString(input.tracking_number);
    if (code) {
      const carrier = this.state.carriers.find((entry) => entry.code === code);
      if (!carrier) fail(400, `Carrier with code '${code}' does not exist`, SHIPPING_ERROR_CODES.CARRIER_NOT_FOUND);
      if (carrier.tracking_url?.includes("{trackingId}") && !number)
        fail(400, `A tracking number is required for carrier '${code}'`, SHIPPING_ERROR_CODES.TRACKING_NUMBER_MISSING);
      return {
        carrier_code: carrier.code,
        carrier_name: carrier.label,
        carrier_standard_code: carrier.standard_code ?? null,
        tracking_number: number,
        tracking_url: carrier.tracking_url ? carrier.tracking_url.replaceAll("{trackingId}", number ?? "") : null,
      };
    }
    const name = optionalString(input.carrier_name);
    if (!name) fail(400, "A carrier code or a carrier name is required", SHIPPING_ERROR_CODES.VALIDATION_ERROR);
    if (this.state.platform.disableSellerAlternativeCarrier)
      fail(
        400,
        `Carrier '${name}' is not registered and the marketplace does not allow other carriers`,
        SHIPPING_ERROR_CODES.ALTERNATIVE_CARRIER_DISABLED,
      );
    return {
      carrier_code: null,
      carrier_name: name,
      carrier_standard_code: optionalString(input.carrier_standard_code),
      tracking_number: number,
      tracking_url: optionalString(input.url),
    };
  }

  private tracking(ctx: RequestContext): Reply {
    const order = this.order(ctx);
    const body = jsonBody<Record<string, unknown> | null>(ctx);
    if (!body || typeof body !== "object") fail(400, "Input validation failed", SHIPPING_ERROR_CODES.VALIDATION_ERROR);
    if (order.state !== "SHIPPING") fail(400, notShippingMessage(order), SHIPPING_ERROR_CODES.ORDER_INVALID_STATE);
    const tracking = this.resolveTracking({ ...body, url: body.carrier_url });
    order.tracking = {
      carrier_code: tracking.carrier_code,
      carrier_standard_code: tracking.carrier_standard_code,
      company: tracking.carrier_name,
      number: tracking.tracking_number,
      url: tracking.tracking_url,
    };
    order.updated = this.now();
    return { status: 204 };
  }

  private ship(ctx: RequestContext): Reply {
    const order = this.order(ctx);
    if (order.state !== "SHIPPING") fail(400, notShippingMessage(order), SHIPPING_ERROR_CODES.ORDER_INVALID_STATE);
    this.state.ship(order, this.now());
    return { status: 204 };
  }

  private cancelOrder(ctx: RequestContext): Reply {
    const order = this.order(ctx);
    if (!this.state.canCancel(order)) fail(400, `Order ${order.id} cannot be canceled`, "ORDER_INVALID_STATE");
    this.state.cancelOrder(order, this.now());
    return { status: 204 };
  }

  // ------------------------------------------------------------- shipments

  /** ST01-ST24 bodies: `{"shipments": [...]}` with 1 to 1000 items, else the whole call is refused. */
  private shipmentItems(ctx: RequestContext): Record<string, unknown>[] {
    const body = jsonBody<{ shipments?: unknown } | null>(ctx);
    const items = body?.shipments;
    if (!Array.isArray(items) || items.length === 0 || items.some((item) => !item || typeof item !== "object"))
      fail(400, "Input validation failed: shipments is required", SHIPPING_ERROR_CODES.VALIDATION_ERROR);
    if (items.length > 1000)
      fail(400, "The limit of 1000 is exceeded for the parameter : shipments", SHIPPING_ERROR_CODES.VALIDATION_ERROR);
    return items as Record<string, unknown>[];
  }

  /**
   * ST01: each shipment is checked on its own; a refused one goes to `shipment_errors` (order id and message) and
   * changes nothing, the others are created. The lines of one call count together against what is left to ship.
   */
  private createShipments(ctx: RequestContext): Reply {
    if (!this.state.platform.multiShipment)
      fail(400, "Multi-shipment is not enabled on this platform", SHIPPING_ERROR_CODES.MULTI_SHIPMENT_DISABLED);
    const items = this.shipmentItems(ctx);
    if (items.some((item) => typeof item.order_id !== "string" || !Array.isArray(item.shipment_lines)))
      fail(400, "Input validation failed: order_id and shipment_lines are required", "VALIDATION_ERROR");
    const now = this.now();
    const success: ReturnType<typeof shipmentJson>[] = [];
    const errors: { order_id: string; message: string }[] = [];
    for (const item of items) {
      const orderId = item.order_id as string;
      try {
        const order = ctx.shop.orders.get(orderId);
        if (!order) fail(400, `Order with id '${orderId}' does not exist.`);
        if (order.state !== "SHIPPING") fail(400, notShippingMessage(order));
        const requested = item.shipment_lines as Record<string, unknown>[];
        if (requested.length === 0) fail(400, "Shipment quantity is invalid.");
        const wanted = new Map<string, number>();
        const lines = requested.map((entry) => {
          const line =
            typeof entry?.order_line_id === "string"
              ? order.lines.find((candidate) => candidate.id === entry.order_line_id)
              : order.lines.find((candidate) => candidate.offer_sku === entry?.offer_sku);
          if (!line)
            fail(400, `Order line '${String(entry?.order_line_id ?? entry?.offer_sku)}' is not in order '${orderId}'.`);
          if (line.state !== "SHIPPING")
            fail(400, `The order line status must be 'SHIPPING' but it is '${line.state}'.`);
          const quantity = entry.quantity;
          if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1)
            fail(400, "Shipment quantity is invalid.");
          wanted.set(line.id, (wanted.get(line.id) ?? 0) + quantity);
          if (wanted.get(line.id)! > this.state.shippableUnits(line) - this.state.unitsInShipments(ctx.shop, line))
            fail(400, "Shipment quantity is invalid.");
          return {
            order_line_id: line.id,
            offer_sku: line.offer_sku,
            quantity,
            package_reference: optionalString(entry.package_reference),
          };
        });
        const trackingInput = item.tracking as Record<string, unknown> | undefined | null;
        const tracking =
          trackingInput && typeof trackingInput === "object"
            ? this.resolveTracking({ ...trackingInput, url: trackingInput.tracking_url })
            : null;
        const warehouse = (item.shipping_from as { warehouse?: { code?: unknown } } | undefined)?.warehouse?.code;
        const shipment = this.state.createShipment(
          ctx.shop,
          order,
          {
            order_id: order.id,
            lines,
            tracking,
            invoice_reference: optionalString(item.invoice_reference),
            warehouse_code: optionalString(warehouse),
          },
          item.shipped === true,
          now,
        );
        success.push(shipmentJson(shipment));
      } catch (error) {
        if (!(error instanceof MiraklApiError)) throw error;
        errors.push({ order_id: orderId, message: error.message });
      }
    }
    return { status: 201, json: { shipment_errors: errors, shipment_success: success } };
  }

  /** ST11: seek paging (limit ≤ 100), sorted by creation date; filters as published. */
  private listShipments(ctx: RequestContext): Reply {
    const url = this.seekQuery(ctx);
    const orderIds = listParam(url, "order_id");
    const states = listParam(url, "shipment_state_code");
    const debitStates = listParam(url, "shipment_customer_debit_state_code");
    const updatedFrom = parseDateParam(url, "last_updated_from");
    const updatedTo = parseDateParam(url, "last_updated_to");
    const descending = (url.searchParams.get("sort") ?? "").toUpperCase().endsWith(",DESC");
    const shipments = [...ctx.shop.shipments.values()]
      .filter((shipment) => !orderIds.length || orderIds.includes(shipment.order_id))
      .filter((shipment) => !states.length || states.includes(shipment.status))
      .filter((shipment) => !debitStates.length || debitStates.includes(shipmentJson(shipment).status_customer_debit))
      .filter((shipment) => updatedFrom === null || (shipment.updated ?? shipment.created) >= updatedFrom)
      .filter((shipment) => updatedTo === null || (shipment.updated ?? shipment.created) <= updatedTo)
      .sort((a, b) => (descending ? b.created - a.created : a.created - b.created));
    return this.seekPage(ctx, shipments.map(shipmentJson), PAGE_MAX);
  }

  /** ST23 / ST24: per shipment, `shipment_success` (id) or `shipment_errors` (id, message). */
  private eachShipment(
    ctx: RequestContext,
    apply: (shipment: SimShipment, order: SimOrder, item: Record<string, unknown>) => void,
  ): Reply {
    const items = this.shipmentItems(ctx);
    if (items.some((item) => typeof item.id !== "string"))
      fail(400, "Input validation failed: id is required", SHIPPING_ERROR_CODES.VALIDATION_ERROR);
    const success: { id: string }[] = [];
    const errors: { id: string; message: string }[] = [];
    for (const item of items) {
      const id = item.id as string;
      try {
        const shipment = ctx.shop.shipments.get(id);
        if (!shipment) fail(400, `No shipment with id '${id}'.`);
        apply(shipment, ctx.shop.orders.get(shipment.order_id)!, item);
        success.push({ id });
      } catch (error) {
        if (!(error instanceof MiraklApiError)) throw error;
        errors.push({ id, message: error.message });
      }
    }
    return { status: 200, json: { shipment_errors: errors, shipment_success: success } };
  }

  private shipmentTracking(ctx: RequestContext): Reply {
    return this.eachShipment(ctx, (shipment, _order, item) => {
      if (shipment.status !== "SHIPPING" && shipment.status !== "SHIPPED")
        fail(400, `The shipment status must be 'SHIPPING' or 'SHIPPED' but it is '${shipment.status}'.`);
      const input = item.tracking as Record<string, unknown> | null | undefined;
      if (!input || typeof input !== "object") fail(400, "tracking is required");
      shipment.tracking = this.resolveTracking({ ...input, url: input.tracking_url });
      shipment.updated = this.now();
    });
  }

  private shipShipments(ctx: RequestContext): Reply {
    return this.eachShipment(ctx, (shipment, order) => {
      if (shipment.status !== "SHIPPING")
        fail(400, `The shipment status must be 'SHIPPING' but it is '${shipment.status}'.`);
      if (order.state !== "SHIPPING") fail(400, notShippingMessage(order));
      this.state.shipShipment(ctx.shop, order, shipment, this.now());
    });
  }

  private money(value: unknown, field: string): number {
    if (typeof value !== "number" && !(typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)))
      fail(400, `${field} must be a number`, "VALIDATION_ERROR");
    const amount = cents(value);
    if (amount < 0) fail(400, `${field} must be positive`, "VALIDATION_ERROR");
    return amount;
  }

  /** A reason the shop may use: listed by RE01 under that type with `is_shop_right`. */
  private shopReason(code: unknown, type: "REFUND" | "CANCELATION") {
    if (!this.state.findReason(code, type)?.is_shop_right)
      fail(400, `Reason code '${String(code)}' is not a valid ${type} reason`, "REASON_CODE_INVALID");
  }

  /** A reason the operator may use: any RE01 reason of that type. */
  private operatorReason(code: unknown, type: "REFUND" | "CANCELATION") {
    const reason = this.state.findReason(code, type);
    if (!reason) fail(400, `Reason code '${String(code)}' is not a ${type} reason`, "REASON_CODE_INVALID");
    return reason;
  }

  /** An OR28/OR30 entry (or an operator's) in cents; taxes left out stay undefined for Mirakl to settle. */
  private moneyChange(
    input: Record<string, unknown>,
    currency: string,
    defaults: { amount?: number; shipping?: number } = {},
  ): LineMoneyChange {
    const taxes = (value: unknown, field: string) => {
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value)) return fail(400, `${field} must be a list`, "VALIDATION_ERROR");
      return value.map((entry: Record<string, unknown>, index) => ({
        code: String(entry?.code ?? ""),
        amount: this.money(entry?.amount, `${field}[${index}].amount`),
      }));
    };
    if (
      input.currency_iso_code !== undefined &&
      input.currency_iso_code !== null &&
      input.currency_iso_code !== currency
    )
      fail(
        400,
        `currency_iso_code ${String(input.currency_iso_code)} is not the order's currency ${currency}`,
        "VALIDATION_ERROR",
      );
    const quantity = Number(input.quantity ?? 0);
    if (!Number.isInteger(quantity) || quantity < 0)
      fail(400, "quantity must be a whole number, 0 or more", "VALIDATION_ERROR");
    return {
      lineId: String(input.order_line_id ?? ""),
      amount:
        input.amount === undefined && defaults.amount !== undefined
          ? defaults.amount
          : this.money(input.amount, "amount"),
      shipping:
        input.shipping_amount === undefined && defaults.shipping !== undefined
          ? defaults.shipping
          : this.money(input.shipping_amount, "shipping_amount"),
      quantity,
      reasonCode: String(input.reason_code),
      taxes: taxes(input.taxes, "taxes"),
      shippingTaxes: taxes(input.shipping_taxes, "shipping_taxes"),
    };
  }

  /** OR28: the shop refunds lines; one call's refunds share an `order_refund_id`. A refused call changes nothing. */
  private refund(ctx: RequestContext): Reply {
    const body = jsonBody<{ order_tax_mode?: string; refunds?: Record<string, unknown>[] }>(ctx);
    if (!Array.isArray(body.refunds) || body.refunds.length === 0) fail(400, "refunds is required", "VALIDATION_ERROR");
    const inputs = body.refunds;
    const changes = inputs.map((input) => {
      const { order, line } = this.state.findLine(ctx.shop, String(input?.order_line_id ?? ""));
      if (!REFUNDABLE_LINE_STATES.includes(line.state))
        fail(400, `Order line ${line.id} cannot be refunded in state ${line.state}`, "ORDER_INVALID_STATE");
      this.shopReason(input.reason_code, "REFUND");
      return this.moneyChange(input, order.currency);
    });
    const planned = this.state.planLineChanges(ctx.shop, "REFUND", changes, "SHOP");
    const created = this.state.applyRefunds(ctx.shop, planned, this.now(), "SHOP");
    const refunds = created.map(({ order, line, refund }, index) =>
      refundCreatedJson(order, line, refund, Boolean(inputs[index].excluded_from_shipment)),
    );
    return { status: 200, json: { order_tax_mode: body.order_tax_mode ?? "TAX_EXCLUDED", refunds } };
  }

  /**
   * OR30: the shop cancels units of lines, only with "Shop partial cancelation" and while the order can be
   * canceled (`can_cancel`: after a PAY_ON_ACCEPTANCE debit the shop refunds instead). A refused call changes nothing.
   */
  private cancelLines(ctx: RequestContext): Reply {
    const body = jsonBody<{ order_tax_mode?: string; cancelations?: Record<string, unknown>[] }>(ctx);
    if (!Array.isArray(body.cancelations) || body.cancelations.length === 0)
      fail(400, "cancelations is required", "VALIDATION_ERROR");
    if (!ctx.shop.partialCancelation)
      fail(400, "Shop partial cancelation is not enabled", "ORDER_PARTIAL_CANCELATION_DISABLED");
    const changes = body.cancelations.map((input) => {
      const { order, line } = this.state.findLine(ctx.shop, String(input?.order_line_id ?? ""));
      if (!CANCELABLE_LINE_STATES.includes(line.state) || !this.state.canCancel(order))
        fail(400, `Order line ${line.id} cannot be canceled in state ${line.state}`, "ORDER_INVALID_STATE");
      this.shopReason(input.reason_code, "CANCELATION");
      if (input.quantity === undefined) fail(400, "quantity is required", "VALIDATION_ERROR");
      return this.moneyChange(input, order.currency);
    });
    const planned = this.state.planLineChanges(ctx.shop, "CANCELATION", changes, "SHOP");
    const created = this.state.applyCancelations(ctx.shop, planned, this.now(), "SHOP");
    const cancelations = created.map(({ order, line, cancelation }) =>
      cancelationCreatedJson(order, line, cancelation),
    );
    return { status: 200, json: { cancelations, order_tax_mode: body.order_tax_mode ?? "TAX_EXCLUDED" } };
  }

  /** The operator refunds a line (control API): OR28's rules on amounts and states, the operator's reasons. */
  private operatorRefund(input: OperatorRefund, shopId: number) {
    this.state.tick();
    const shop = this.state.shop(shopId);
    const { order, line } = this.state.findLine(shop, String(input?.order_line_id ?? ""));
    if (!REFUNDABLE_LINE_STATES.includes(line.state))
      fail(400, `Order line ${line.id} cannot be refunded in state ${line.state}`, "ORDER_INVALID_STATE");
    this.operatorReason(input.reason_code, "REFUND");
    const change = this.moneyChange({ ...input }, order.currency, { shipping: 0 });
    const planned = this.state.planLineChanges(shop, "REFUND", [change], "OPERATOR");
    const [created] = this.state.applyRefunds(shop, planned, this.now(), "OPERATOR");
    return refundCreatedJson(created.order, created.line, created.refund);
  }

  /** The operator cancels units of lines not yet shipped (control API), whatever the shop's switches and the debit. */
  private operatorCancelLines(inputs: OperatorCancelation[], shopId: number) {
    this.state.tick();
    const shop = this.state.shop(shopId);
    if (!Array.isArray(inputs) || inputs.length === 0) fail(400, "cancelations is required", "VALIDATION_ERROR");
    const changes = inputs.map((input) => {
      const { order, line } = this.state.findLine(shop, String(input?.order_line_id ?? ""));
      if (!CANCELABLE_LINE_STATES.includes(line.state))
        fail(400, `Order line ${line.id} cannot be canceled in state ${line.state}`, "ORDER_INVALID_STATE");
      this.operatorReason(input.reason_code, "CANCELATION");
      const left = this.state.lineBalance(line);
      const quantity = Number(input.quantity);
      return this.moneyChange({ ...input }, order.currency, {
        amount: Number.isInteger(quantity) ? Math.min(left.amount, line.price_unit * quantity) : undefined,
        shipping: quantity === left.units ? left.shipping : 0,
      });
    });
    if (changes.some((change) => change.quantity === 0)) fail(400, "quantity must be at least 1", "VALIDATION_ERROR");
    const planned = this.state.planLineChanges(shop, "CANCELATION", changes, "OPERATOR");
    return this.state
      .applyCancelations(shop, planned, this.now(), "OPERATOR")
      .map(({ order, line, cancelation }) => cancelationCreatedJson(order, line, cancelation));
  }

  private async csvImport(ctx: RequestContext, kind: "STOCK" | "PRICE"): Promise<Reply> {
    const text = await multipartFile(ctx);
    const delimiter = this.state.platform.operatorCsvDelimiter === "COMMA" ? "," : ";";
    let records: string[][];
    try {
      records = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true });
    } catch {
      return fail(400, "The file is not a valid CSV file");
    }
    const [header = [], ...rows] = records;
    const required = kind === "STOCK" ? ["offer-sku", "quantity"] : ["offer-sku", "price"];
    for (const column of required) if (!header.includes(column)) fail(400, `Missing required column : ${column}`);
    const entry = this.state.createImport(ctx.shop, kind, { header, rows, delimiter }, text);
    const path =
      kind === "STOCK"
        ? `/api/offers/stock/imports/${entry.import_id}/status`
        : `/api/offers/pricing/imports?import_id=${entry.import_id}`;
    return { status: 201, json: { import_id: entry.import_id }, headers: { Location: `${ctx.baseUrl}${path}` } };
  }

  private importOf(ctx: RequestContext, kind: ImportKind) {
    const entry = ctx.shop.imports.get(ctx.params[0]);
    if (!entry || entry.kind !== kind) fail(404, `Import '${ctx.params[0]}' not found`);
    return entry;
  }

  /** OF02: an OF24 (or OF01) import's progress and counts; the counts are known once it is processed. */
  private offerImportStatus(entry: SimImport) {
    const done = entry.status === "COMPLETE" || entry.status === "FAILED";
    const lines = entry.offers?.length ?? entry.rows.length;
    return {
      date_created: iso(entry.created),
      has_error_report: entry.errors.length > 0,
      import_id: Number(entry.import_id),
      lines_in_error: done ? entry.errors.length : 0,
      lines_in_pending: done ? 0 : lines,
      lines_in_success: done ? entry.linesOk : 0,
      lines_read: done ? lines : 0,
      mode: "NORMAL",
      offer_deleted: entry.offersDeleted,
      offer_inserted: entry.offersInserted,
      offer_updated: entry.offersUpdated,
      reason_status: entry.status === "FAILED" ? entry.failureReason : null,
      status: entry.status,
      type: null,
    };
  }

  /** OF21: the shop's offers (not the deleted ones), filtered by `sku`, `product_id` and `offer_state_codes`. */
  private listOffers(ctx: RequestContext): Reply {
    const { url } = ctx;
    const sku = url.searchParams.get("sku");
    const productId = url.searchParams.get("product_id");
    const states = listParam(url, "offer_state_codes");
    const offers = [...ctx.shop.offers.values()]
      .filter((offer) => !offer.deleted)
      .filter((offer) => !sku || offer.shop_sku === sku)
      .filter((offer) => !productId || offer.product_id === productId || offer.product_sku === productId)
      .filter((offer) => !states.length || states.includes(offer.state_code))
      .sort((a, b) => a.price - b.price || a.offer_id - b.offer_id);
    const { page, headers } = this.offsetPage(ctx, offers);
    return {
      status: 200,
      json: { offers: page.map((offer) => this.listedOffer(ctx.shop, offer)), total_count: offers.length },
      headers,
    };
  }

  private listedOffer(shop: SimShop, offer: SimOffer) {
    const origin = fromCents(offer.price);
    const discounted = offer.discount?.price == null ? origin : fromCents(offer.discount.price);
    const pricing = {
      channel_code: null,
      discount_end_date: offer.discount?.end_date ?? null,
      discount_start_date: offer.discount?.start_date ?? null,
      price: discounted,
      unit_discount_price: offer.discount?.price == null ? null : discounted,
      unit_origin_price: origin,
      volume_prices: [
        {
          price: discounted,
          quantity_threshold: 1,
          unit_discount_price: offer.discount?.price == null ? null : discounted,
          unit_origin_price: origin,
        },
      ],
    };
    return {
      active: offer.active,
      all_prices: [pricing],
      applicable_pricing: pricing,
      category_code: offer.category_code,
      category_label: offer.category_label,
      channels: [],
      currency_iso_code: shop.currency,
      description: offer.description,
      discount: offer.discount && {
        discount_price: offer.discount.price === null ? null : fromCents(offer.discount.price),
        end_date: offer.discount.end_date,
        origin_price: origin,
        ranges: [],
        start_date: offer.discount.start_date,
      },
      fulfillment: { center: { code: "DEFAULT" } },
      inactivity_reasons: offer.active ? [] : ["ZERO_QUANTITY"],
      leadtime_to_ship: offer.leadtime_to_ship,
      logistic_class: { code: "M", label: "Medium" },
      max_order_quantity: null,
      min_order_quantity: null,
      min_quantity_alert: null,
      min_shipping_price: 0,
      min_shipping_price_additional: 0,
      min_shipping_type: "STD",
      min_shipping_zone: "DOM",
      offer_id: offer.offer_id,
      package_quantity: 1,
      price: discounted,
      product_references: offer.product_id
        ? [{ reference: offer.product_id, reference_type: offer.product_id_type ?? "EAN" }]
        : [],
      product_sku: offer.product_sku,
      product_title: offer.product_title,
      quantity: offer.quantity,
      shipping_deadline: iso(this.now() + (offer.leadtime_to_ship ?? 2) * 24 * 3600_000),
      shop_sku: offer.shop_sku,
      state_code: offer.state_code,
      total_price: discounted,
      warehouses: Object.entries(offer.warehouses).map(([code, quantity]) => ({ code, quantity })),
    };
  }

  private stockStatus(entry: ReturnType<MiraklSimulator["importOf"]>) {
    const done = entry.status === "COMPLETE" || entry.status === "FAILED";
    return {
      date_created: iso(entry.created),
      has_error_report: entry.errors.length > 0,
      import_id: entry.import_id,
      lines_in_error: done ? entry.errors.length : 0,
      lines_in_success: done ? entry.linesOk : 0,
      shop_id: entry.shopId,
      status: entry.status,
    };
  }

  /**
   * STO03/PRI03: line number, reason, then the original columns. OF03 (an OF24 import): the offer file's columns,
   * then `error-line` and `error-message`, as in Mirakl's OF03 example. An import whose outcome lost its report
   * answers 404 although its status said it had one, or a truncated file.
   */
  private errorReport(entry: SimImport): Reply {
    const offers = entry.kind === "OFFER";
    const contentType = offers ? "application/octet-stream" : "text/csv;charset=UTF-8";
    if (!entry.errors.length || entry.outcome === "report-missing") fail(404, "No error report for this import");
    const records = offers
      ? [
          [...OFFER_REPORT_COLUMNS.map(([column]) => column), "error-line", "error-message"],
          ...entry.errors.map((error) => [...error.row, String(error.line), error.reason]),
        ]
      : [
          ["line-number", "error-message", ...entry.header],
          ...entry.errors.map((error) => [String(error.line), error.reason, ...error.row]),
        ];
    const text = stringifyCsv(records, { delimiter: entry.delimiter, record_delimiter: "unix" });
    // Cut inside the first rejected line's quoted reason: the quote never closes, as in a download that broke off.
    if (entry.outcome === "report-unparsable")
      return { status: 200, text: `${text.split("\n")[0]}\n"2${entry.delimiter}"The off`, contentType };
    return { status: 200, text, contentType };
  }

  private priceImports(ctx: RequestContext): Reply {
    const wanted = this.seekQuery(ctx).searchParams.get("import_id");
    const entries = [...ctx.shop.imports.values()]
      .filter((entry) => entry.kind === "PRICE" && (!wanted || entry.import_id === wanted))
      .sort((a, b) => b.created - a.created);
    return this.seekPage(
      ctx,
      entries.map((entry) => {
        const done = entry.status === "COMPLETE" || entry.status === "FAILED";
        return {
          date_created: iso(entry.created),
          has_error_report: entry.errors.length > 0,
          import_id: entry.import_id,
          lines_in_error: done ? entry.errors.length : 0,
          lines_in_success: done ? entry.linesOk : 0,
          offers_in_error: done ? entry.errors.length : 0,
          offers_updated: done ? entry.offersUpdated : 0,
          origin: "API",
          reason_status: entry.status === "FAILED" ? (entry.failureReason ?? "INTERNAL_ERROR") : null,
          shop_id: entry.shopId,
          status: entry.status,
        };
      }),
      100,
    );
  }

  private decodePageToken(token: string): { offset: number; limit: number; query: string } {
    try {
      const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Record<string, unknown>;
      if (typeof decoded.offset === "number" && typeof decoded.limit === "number")
        return { offset: decoded.offset, limit: decoded.limit, query: String(decoded.query ?? "") };
    } catch {
      // falls through to the error below
    }
    return fail(400, "Invalid page_token");
  }

  /**
   * The parameters a seek-paged listing filters by: with `page_token`, those of the first page, which the token
   * carries (Mirakl ignores every other parameter then).
   */
  private seekQuery(ctx: RequestContext): URL {
    const token = ctx.url.searchParams.get("page_token");
    if (!token) return ctx.url;
    return new URL(`${ctx.url.pathname}?${this.decodePageToken(token).query}`, ctx.url);
  }

  /** Seek pagination: the opaque token carries the position, the page size and the first page's parameters. */
  private seekPage<T>(ctx: RequestContext, items: T[], maxLimit: number): Reply {
    const token = ctx.url.searchParams.get("page_token");
    let offset = 0;
    let limit = Number(ctx.url.searchParams.get("limit") ?? 10);
    let query = ctx.url.searchParams.toString();
    if (token) ({ offset, limit, query } = this.decodePageToken(token));
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
      fail(400, `The limit of ${maxLimit} is exceeded for the parameter : limit`);
    const encode = (at: number) => Buffer.from(JSON.stringify({ offset: at, limit, query })).toString("base64url");
    const data = items.slice(offset, offset + limit);
    const json: Record<string, unknown> = { data };
    if (offset + limit < items.length) json.next_page_token = encode(offset + limit);
    if (offset > 0) json.previous_page_token = encode(Math.max(0, offset - limit));
    return { status: 200, json };
  }

  private offerUpsert(ctx: RequestContext): Reply {
    const body = jsonBody<{ offers?: Record<string, unknown>[] }>(ctx);
    if (!Array.isArray(body.offers) || body.offers.length === 0) fail(400, "offers is required", "VALIDATION_ERROR");
    const delimiter = this.state.platform.operatorCsvDelimiter === "COMMA" ? "," : ";";
    const entry = this.state.createImport(
      ctx.shop,
      "OFFER",
      { offers: body.offers, delimiter },
      ctx.body.toString("utf8"),
    );
    return {
      status: 201,
      json: { import_id: Number(entry.import_id) },
      headers: { Location: `${ctx.baseUrl}/api/offers/imports/${entry.import_id}` },
    };
  }

  private startExport(ctx: RequestContext): Reply {
    const body = jsonBody<{ export_type?: string; last_request_date?: string; include_inactive_offers?: boolean }>(ctx);
    if (body.export_type && body.export_type !== "application/json")
      fail(400, "Only application/json exports are simulated", "VALIDATION_ERROR");
    for (const existing of ctx.shop.exports.values()) {
      if (existing.status === "PENDING") return { status: 200, json: { tracking_id: existing.tracking_id } };
    }
    const tracking_id = this.state.uuid();
    ctx.shop.exports.set(tracking_id, {
      tracking_id,
      shopId: ctx.shop.id,
      created: this.now(),
      lastRequestDate: body.last_request_date ? Date.parse(body.last_request_date) : null,
      includeInactive: Boolean(body.include_inactive_offers),
      status: "PENDING",
      chunk: null,
    });
    return { status: 200, json: { tracking_id } };
  }

  private exportStatus(ctx: RequestContext): Reply {
    const entry = ctx.shop.exports.get(ctx.params[0]);
    if (!entry) fail(404, `Export '${ctx.params[0]}' not found`);
    const urls =
      entry.status === "COMPLETED"
        ? [`${ctx.baseUrl}/sim-storage/offers-export/${entry.tracking_id}/chunk-0.json`]
        : [];
    return { status: 200, json: { error: null, last_updated: iso(this.now()), status: entry.status, urls } };
  }

  private exportChunk(ctx: RequestContext): Reply {
    const entry = ctx.shop.exports.get(ctx.params[0]);
    if (!entry?.chunk) fail(404, "Export chunk not found");
    return { status: 200, json: entry.chunk };
  }

  private transactionLogs(ctx: RequestContext): Reply {
    const url = this.seekQuery(ctx);
    const from = parseDateParam(url, "date_created_from");
    const to = parseDateParam(url, "date_created_to");
    const updatedFrom = parseDateParam(url, "last_updated_from");
    const types = listParam(url, "transaction_type");
    const orderId = url.searchParams.get("order_id");
    const [field, direction] = (url.searchParams.get("sort") ?? "dateCreated,DESC").split(",");
    const key = field === "lastUpdated" ? "updated" : "created";
    const lines = ctx.shop.transactions
      .filter((line) => (from === null || line.created >= from) && (to === null || line.created <= to))
      .filter((line) => updatedFrom === null || line.updated >= updatedFrom)
      .filter((line) => !types.length || types.includes(line.type))
      .filter((line) => !orderId || line.order?.id === orderId)
      .sort((a, b) => (direction === "ASC" ? a[key] - b[key] : b[key] - a[key]) || a.id.localeCompare(b.id))
      .map((line) => ({
        amount: fromCents(line.amount),
        amount_credited: fromCents(Math.max(0, line.amount)),
        amount_debited: fromCents(Math.max(0, -line.amount)),
        currency_iso_code: line.currency,
        date_created: iso(line.created),
        entities: {
          order: line.order && { id: line.order.id, commercial_id: line.order.commercial_id },
          order_line: line.order_line && { id: line.order_line },
          refund: line.refund && { id: line.refund },
        },
        id: line.id,
        last_updated: iso(line.updated),
        payment_state: line.payment_state,
        type: line.type,
      }));
    return this.seekPage(ctx, lines, 2000);
  }

  private invoices(ctx: RequestContext): Reply {
    const invoices = [...ctx.shop.invoices]
      .sort((a, b) => a.created - b.created)
      .map((invoice) => ({
        currency_iso_code: invoice.currency,
        date_created: iso(invoice.created),
        details: [],
        due_date: iso(invoice.created + 30 * 24 * 3600_000),
        id: invoice.id,
        invoice_id: invoice.invoice_id,
        issue_date: iso(invoice.created),
        payment: { reference: null, state: invoice.payment_state, transaction_date: null },
        shop_id: invoice.shopId,
        state: "COMPLETE",
        total_amount_excl_taxes: fromCents(invoice.total_excl),
        total_amount_incl_taxes: fromCents(invoice.total_incl),
        type: "AUTO_INVOICE",
      }));
    const { page, headers } = this.offsetPage(ctx, invoices);
    return { status: 200, json: { invoices: page, total_count: invoices.length }, headers };
  }

  // --------------------------------------------------------------- control

  private async handleControl(method: string, url: URL, body: Buffer, response: ServerResponse) {
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(json));
    };
    try {
      const input = body.length ? JSON.parse(body.toString("utf8")) : {};
      const route = `${method} ${url.pathname}`;
      const shopId = Number(url.searchParams.get("shop_id") ?? input.shopId ?? DEFAULT_SHOPS.main);
      switch (true) {
        case route === "GET /_sim/state":
          return reply(200, {
            now: iso(this.now()),
            platform: this.state.platform,
            timings: this.state.timings,
            shops: [...this.state.shops.values()].map((shop) => ({
              id: shop.id,
              name: shop.name,
              currency: shop.currency,
              partialAcceptance: shop.partialAcceptance,
              partialCancelation: shop.partialCancelation,
              orders: shop.orders.size,
              offers: shop.offers.size,
            })),
            keys: Object.fromEntries(this.state.keys),
          });
        case route === "PUT /_sim/timings":
          return reply(200, this.control.setTimings(input as Partial<Timings>));
        case route === "PUT /_sim/platform":
          this.control.setPlatform(input as Partial<PlatformSettings>);
          return reply(200, this.state.platform);
        case route === "PUT /_sim/partial-cancelation":
          if (typeof input.enabled !== "boolean") return reply(400, { message: "enabled must be true or false" });
          this.control.setPartialCancelation(shopId, input.enabled);
          return reply(200, { shopId, partialCancelation: input.enabled });
        case route === "PUT /_sim/reasons":
          if (!Array.isArray(input.reasons)) return reply(400, { message: "reasons must be a list" });
          this.control.setReasons(input.reasons as SimReason[]);
          return reply(200, { reasons: this.control.reasons() });
        case route === "POST /_sim/refunds":
          return reply(201, this.control.refundLine(input as OperatorRefund, shopId));
        case route === "POST /_sim/cancelations":
          return reply(201, {
            cancelations: this.control.cancelLines(input.cancelations as OperatorCancelation[], shopId),
          });
        case method === "POST" && /^\/_sim\/orders\/[^/]+\/cancel$/.test(url.pathname): {
          const orderId = decodeURIComponent(url.pathname.split("/")[3]);
          this.control.cancelOrder(orderId, shopId, input.reason_code as string | undefined);
          return reply(200, this.control.order(orderId, shopId));
        }
        case method === "POST" && /^\/_sim\/orders\/[^/]+\/refuse-debit$/.test(url.pathname): {
          const orderId = decodeURIComponent(url.pathname.split("/")[3]);
          this.control.refuseDebit(orderId, shopId);
          return reply(200, this.control.order(orderId, shopId));
        }
        case route === "PUT /_sim/partial-acceptance":
          if (typeof input.enabled !== "boolean") return reply(400, { message: "enabled must be true or false" });
          this.control.setPartialAcceptance(shopId, input.enabled);
          return reply(200, { shopId, partialAcceptance: input.enabled });
        case route === "POST /_sim/clock/advance":
          this.advanceClock(Number(input.ms ?? 0));
          return reply(200, { now: iso(this.now()) });
        case route === "POST /_sim/orders":
          return reply(201, orderJson(this.state, this.control.createOrder(input as OrderTemplate)));
        case route === "GET /_sim/orders":
          return reply(200, this.control.orders(shopId));
        case route === "GET /_sim/offers":
          return reply(200, this.control.offers(shopId));
        case route === "POST /_sim/offers":
          return reply(201, this.control.addOffer(shopId, input));
        case route === "POST /_sim/shops":
          this.control.addShop(input);
          return reply(201, { id: input.id });
        case route === "POST /_sim/keys":
          this.state.addKey(String(input.key), (input.shopIds as number[]) ?? [DEFAULT_SHOPS.main]);
          return reply(201, { key: input.key });
        case route === "GET /_sim/calls":
          return reply(200, this.calls);
        case route === "DELETE /_sim/calls":
          this.calls.length = 0;
          return reply(200, {});
        case route === "PUT /_sim/faults":
          this.setFaults(input as SimFaults);
          return reply(200, {});
        case route === "POST /_sim/faults/script":
          this.scriptFault(input as ScriptedFault);
          return reply(200, {});
        case route === "DELETE /_sim/faults":
          this.clearFaults();
          return reply(200, {});
        case route === "GET /_sim/rate-limits":
          return reply(200, this.rateLimits());
        case route === "PUT /_sim/rate-limits": {
          const profile = input.profile ?? input.mode;
          this.setRateLimits(profile === undefined ? (input.rules ?? {}) : { profile, rules: input.rules });
          return reply(200, this.rateLimits());
        }
        case route === "PUT /_sim/products/unknown":
          this.control.setUnknownProducts((input.productIds as string[]) ?? []);
          return reply(200, { productIds: [...this.state.unknownProducts] });
        case route === "GET /_sim/shipments":
          return reply(200, this.control.shipments(url.searchParams.get("order_id") ?? undefined, shopId));
        case route === "PUT /_sim/carriers":
          if (!Array.isArray(input.carriers)) return reply(400, { message: "carriers must be a list" });
          this.control.setCarriers(input.carriers as SimCarrier[]);
          return reply(200, { carriers: this.control.carriers() });
        case route === "GET /_sim/imports":
          return reply(200, this.control.imports(shopId));
        case route === "POST /_sim/imports/outcomes":
          this.control.scriptImportOutcome(input as ScriptedImportOutcome);
          return reply(200, { pending: this.state.importScripts });
        case method === "PUT" && /^\/_sim\/imports\/[^/]+$/.test(url.pathname):
          return reply(
            200,
            this.control.setImportOutcome(
              decodeURIComponent(url.pathname.slice("/_sim/imports/".length)),
              input.outcome as ImportOutcome,
              shopId,
            ),
          );
        default:
          return reply(404, { message: `Unknown control route ${route}` });
      }
    } catch (error) {
      const status = error instanceof MiraklApiError ? error.status : 400;
      return reply(status, { message: (error as Error).message });
    }
  }

  /** Typed control surface for in-process use (the HTTP control API maps onto it). */
  readonly control = {
    createOrder: (template: OrderTemplate = {}) => {
      this.state.tick();
      return this.state.createOrder(template);
    },
    /** Creates an order and returns its Mirakl JSON id. */
    createOrders: (count: number, template: OrderTemplate = {}) =>
      Array.from({ length: count }, () => this.control.createOrder(template).id),
    order: (orderId: string, shopId: number = DEFAULT_SHOPS.main) => {
      const order = this.state.shop(shopId).orders.get(orderId);
      return order ? orderJson(this.state, order) : undefined;
    },
    orders: (shopId: number = DEFAULT_SHOPS.main) =>
      [...this.state.shop(shopId).orders.values()].map((order) => orderJson(this.state, order)),
    /**
     * The operator cancels an order that has not shipped (back office, customer service), whatever `can_cancel`
     * says: OR29's effect, with an optional CANCELATION reason of RE01 shown as the order's and lines' state reason.
     */
    cancelOrder: (orderId: string, shopId: number = DEFAULT_SHOPS.main, reasonCode?: string) => {
      this.state.tick();
      const order = this.state.shop(shopId).orders.get(orderId);
      if (!order) throw new MiraklApiError(404, `Order ${orderId} not found`, "ORDER_NOT_FOUND");
      if (!OPERATOR_CANCELABLE_ORDER_STATES.includes(order.state))
        throw new MiraklApiError(
          400,
          `Order ${orderId} cannot be canceled in state ${order.state}`,
          "ORDER_INVALID_STATE",
        );
      const reason = reasonCode === undefined ? null : this.operatorReason(reasonCode, "CANCELATION");
      this.state.cancelOrder(order, this.now(), reason && { code: reason.code, label: reason.label }, "OPERATOR");
    },
    /** The operator refunds a line (customer service, a return); returns it as OR28 would. */
    refundLine: (refund: OperatorRefund, shopId: number = DEFAULT_SHOPS.main) => this.operatorRefund(refund, shopId),
    /** The operator cancels units of lines before they ship; returns them as OR30 would. */
    cancelLines: (cancelations: OperatorCancelation[], shopId: number = DEFAULT_SHOPS.main) =>
      this.operatorCancelLines(cancelations, shopId),
    /**
     * The customer's payment will be refused: when the debit is due (PAY_ON_ACCEPTANCE), Mirakl cancels the order
     * with DEBIT_REFUSED_REASON instead of debiting it.
     */
    refuseDebit: (orderId: string, shopId: number = DEFAULT_SHOPS.main) => {
      this.state.tick();
      const order = this.state.shop(shopId).orders.get(orderId);
      if (!order) throw new MiraklApiError(404, `Order ${orderId} not found`, "ORDER_NOT_FOUND");
      const waiting: OrderState[] = ["STAGING", "WAITING_ACCEPTANCE", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT"];
      if (order.payment_workflow !== "PAY_ON_ACCEPTANCE" || !waiting.includes(order.state))
        throw new MiraklApiError(
          400,
          `Order ${orderId} (${order.payment_workflow}, ${order.state}) has no debit to come at acceptance`,
          "ORDER_INVALID_STATE",
        );
      order.debitRefused = true;
    },
    /** RE01's reasons from now on (e.g. MARKETPLACE_REASONS), replacing the list. */
    setReasons: (reasons: SimReason[]) => {
      this.state.reasons = structuredClone(reasons);
    },
    reasons: (): SimReason[] => structuredClone(this.state.reasons),
    offers: (shopId: number = DEFAULT_SHOPS.main) => [...this.state.shop(shopId).offers.values()].map(offerSummary),
    offer: (sku: string, shopId: number = DEFAULT_SHOPS.main) => {
      const offer = this.state.shop(shopId).offers.get(sku);
      return offer ? offerSummary(offer) : undefined;
    },
    addOffer: (
      shopId: number,
      input: { shop_sku: string; price?: number; quantity?: number; product_title?: string },
    ) =>
      offerSummary(
        this.state.upsertOffer(this.state.shop(shopId), {
          shop_sku: input.shop_sku,
          price: cents(input.price ?? 10),
          quantity: input.quantity ?? 0,
          product_title: input.product_title ?? input.shop_sku,
        }),
      ),
    /** Prices the merchant set in the back office beyond the default one; a price import deletes them. */
    setExtraPrices: (sku: string, prices: SimExtraPrice[], shopId: number = DEFAULT_SHOPS.main) => {
      const offer = this.state.shop(shopId).offers.get(sku);
      if (!offer) throw new Error(`no offer ${sku} on shop ${shopId}`);
      offer.extra_prices = prices.map((p) => structuredClone(p));
      offer.updated = this.state.now();
    },
    addShop: (input: {
      id: number;
      name?: string;
      currency?: string;
      partialAcceptance?: boolean;
      partialCancelation?: boolean;
      keys?: string[];
    }) => {
      this.state.addShop(input);
      for (const key of input.keys ?? []) this.state.addKey(key, [...(this.state.keys.get(key) ?? []), input.id]);
    },
    addKey: (key: string, shopIds: number[]) => this.state.addKey(key, shopIds),
    addInvoice: (shopId: number, input: { total_excl: number; total_incl: number; currency?: string }) => {
      const shop = this.state.shop(shopId);
      shop.invoices.push({
        id: this.state.uuid(),
        invoice_id: shop.invoices.length + 1,
        shopId,
        created: this.now(),
        currency: input.currency ?? shop.currency,
        total_excl: cents(input.total_excl),
        total_incl: cents(input.total_incl),
        payment_state: "PENDING",
      });
    },
    setPartialAcceptance: (shopId: number, enabled: boolean) => {
      this.state.shop(shopId).partialAcceptance = enabled;
    },
    /** "Shop partial cancelation": whether OR30 is open to the shop (off by default, as Mirakl ships it). */
    setPartialCancelation: (shopId: number, enabled: boolean) => {
      this.state.shop(shopId).partialCancelation = enabled;
    },
    partialCancelation: (shopId: number = DEFAULT_SHOPS.main) => this.state.shop(shopId).partialCancelation,
    setPlatform: (settings: Partial<PlatformSettings>) => {
      this.state.platform = { ...this.state.platform, ...settings };
    },
    /**
     * Changes lifecycle delays (virtual ms), e.g. the auto-refusal deadline `acceptanceDeadlineMs`. An order's
     * acceptance deadline is fixed when it starts waiting: a new deadline applies to orders placed afterwards.
     */
    setTimings: (timings: Partial<Timings>) => {
      for (const [name, value] of Object.entries(timings)) {
        if (!(name in DEFAULT_TIMINGS)) throw new MiraklApiError(400, `Unknown timing ${name}`);
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
          throw new MiraklApiError(400, `${name} must be a number of milliseconds, 0 or more`);
      }
      this.state.timings = { ...this.state.timings, ...timings };
      return { ...this.state.timings };
    },
    timings: (): Timings => ({ ...this.state.timings }),
    platform: (): PlatformSettings => ({ ...this.state.platform }),
    partialAcceptance: (shopId: number = DEFAULT_SHOPS.main) => this.state.shop(shopId).partialAcceptance,
    advanceClock: (ms: number) => this.advanceClock(ms),
    now: () => this.now(),
    calls: (operation?: string) =>
      operation ? this.calls.filter((call) => call.operation === operation) : [...this.calls],
    clearCalls: () => {
      this.calls.length = 0;
    },
    setFaults: (faults: SimFaults) => this.setFaults(faults),
    scriptFault: (fault: ScriptedFault) => this.scriptFault(fault),
    clearFaults: () => this.clearFaults(),
    setRateLimits: (limits: SimRateLimits) => this.setRateLimits(limits),
    /** The rules in force, operation → rule. */
    rateLimits: () => this.rateLimits(),
    /** The next `times` (default 1) imports created by STO01, PRI01 or OF24 end as `outcome` (see ImportOutcome). */
    scriptImportOutcome: (script: ScriptedImportOutcome) => {
      const operations = Object.values(IMPORT_OPERATIONS) as string[];
      if (!operations.includes(script.operation))
        throw new MiraklApiError(400, `operation must be one of ${operations.join(", ")}`);
      if (!IMPORT_OUTCOMES.includes(script.outcome))
        throw new MiraklApiError(400, `outcome must be one of ${IMPORT_OUTCOMES.join(", ")}`);
      if (script.times !== undefined && (!Number.isInteger(script.times) || script.times < 1))
        throw new MiraklApiError(400, "times must be a whole number of at least 1");
      this.state.importScripts.push({ times: 1, ...script });
    },
    /** Changes how an existing import ends, e.g. releases a hang with "complete" or loses a finished one's report. */
    setImportOutcome: (importId: string, outcome: ImportOutcome, shopId: number = DEFAULT_SHOPS.main) => {
      if (!IMPORT_OUTCOMES.includes(outcome))
        throw new MiraklApiError(400, `outcome must be one of ${IMPORT_OUTCOMES.join(", ")}`);
      return this.importSummary(this.state.setImportOutcome(this.state.shop(shopId), importId, outcome));
    },
    /** SH21's carriers from now on (e.g. MARKETPLACE_CARRIERS), replacing the list. */
    setCarriers: (carriers: SimCarrier[]) => {
      this.state.carriers = structuredClone(carriers);
    },
    carriers: (): SimCarrier[] => structuredClone(this.state.carriers),
    /** The shop's shipments (ST11's JSON), oldest first, of one order or all. */
    shipments: (orderId?: string, shopId: number = DEFAULT_SHOPS.main) =>
      [...this.state.shop(shopId).shipments.values()]
        .filter((shipment) => orderId === undefined || shipment.order_id === orderId)
        .sort((a, b) => a.created - b.created)
        .map(shipmentJson),
    /** Product references the catalogue lacks from now on (replacing the list): OF24 cannot create offers on them. */
    setUnknownProducts: (productIds: readonly string[]) => {
      this.state.unknownProducts.clear();
      for (const id of productIds) this.state.unknownProducts.add(String(id));
    },
    /** The shop's imports (STO01, PRI01, OF24), oldest first. */
    imports: (shopId: number = DEFAULT_SHOPS.main) =>
      [...this.state.shop(shopId).imports.values()]
        .sort((a, b) => a.created - b.created)
        .map((entry) => this.importSummary(entry)),
  };

  private importSummary(entry: SimImport) {
    return {
      import_id: entry.import_id,
      operation: IMPORT_OPERATIONS[entry.kind],
      status: entry.status,
      outcome: entry.outcome,
      created: iso(entry.created),
      lines_in_success: entry.linesOk,
      lines_in_error: entry.errors.length,
    };
  }
}

export interface RunningMiraklSimulator {
  url: string;
  /** Default keys and shops seeded at start. */
  keys: typeof DEFAULT_KEYS;
  shops: typeof DEFAULT_SHOPS;
  control: MiraklSimulator["control"];
  simulator: MiraklSimulator;
  close(): Promise<void>;
}

export async function startMiraklSimulator(options: SimulatorOptions = {}): Promise<RunningMiraklSimulator> {
  const simulator = new MiraklSimulator(options);
  const url = await simulator.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  return {
    url,
    keys: DEFAULT_KEYS,
    shops: DEFAULT_SHOPS,
    control: simulator.control,
    simulator,
    close: () => simulator.close(),
  };
}
