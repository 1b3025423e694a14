import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createManualClock,
  createMiraklClient,
  createRateLimiter,
  type MiraklCallRecord,
  type MiraklShipmentsCreated,
  type MiraklShipmentsUpdated,
} from "~/integrations/mirakl";
import { MARKETPLACE_REASONS, startMiraklSimulator, type RunningMiraklSimulator } from "../../simulators/mirakl";

/*
 * Conformance: every simulator response and every client JSON request body seen
 * in a broad scenario is validated against Mirakl's own OpenAPI 3.1 document.
 *
 * One deliberate relaxation: Mirakl emits explicit nulls, even for fields its
 * spec marks as required (its own OR11 example has `"description": null`), and
 * the spec never declares nullability. Every typed schema therefore also admits
 * null; presence of required keys is still enforced.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// Beside the repository by default; MIRAKL_OPENAPI_SPEC names it elsewhere (e.g. from a git worktree).
const specPath = process.env.MIRAKL_OPENAPI_SPEC ?? path.resolve(repoRoot, "../shared/mirakl/mmp-seller-openapi.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.warn(`[mirakl conformance] skipped: OpenAPI spec not found at ${specPath}`);

type Json = Record<string, unknown>;

function allowNulls(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNulls);
  if (!node || typeof node !== "object") return;
  const schema = node as Json;
  if (typeof schema.type === "string" && schema.type !== "null") schema.type = [schema.type, "null"];
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  for (const value of Object.values(schema)) allowNulls(value);
}

function collectFormats(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => collectFormats(item, into));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "format" && typeof value === "string") into.add(value);
      else collectFormats(value, into);
    }
  }
  return into;
}

interface Exchange {
  method: string;
  url: string;
  status: number;
  contentType: string;
  responseText: string;
  requestBody: unknown;
}

describe.skipIf(!specPresent)("Mirakl OpenAPI conformance", () => {
  let spec: Json;
  let ajv: Ajv2020;
  const operations = new Map<string, { method: string; pointer: string; op: Json }>();
  const validators = new Map<string, ValidateFunction>();
  let sim: RunningMiraklSimulator;
  const exchanges: Exchange[] = [];
  const records: MiraklCallRecord[] = [];
  /** The multi-shipment answers (ST01, ST23, ST24), to show each kind was seen. */
  const shipmentAnswers: (MiraklShipmentsCreated | MiraklShipmentsUpdated)[] = [];
  /** The states of the orders read back after refunds and cancelations, to show each kind was seen. */
  const orderStates: string[] = [];

  const validatorFor = (pointer: string) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `mirakl-seller${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };

  beforeAll(async () => {
    spec = JSON.parse(readFileSync(specPath, "utf8")) as Json;
    for (const [route, methods] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(methods)) {
        if (op && typeof op === "object" && typeof op.operationId === "string") {
          const escaped = route.replace(/~/g, "~0").replace(/\//g, "~1");
          operations.set(op.operationId, { method: method.toUpperCase(), pointer: `#/paths/${escaped}/${method}`, op });
        }
      }
    }
    allowNulls(spec.components);
    allowNulls(spec.paths);
    ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    for (const format of collectFormats(spec, new Set())) {
      if (!ajv.formats[format]) ajv.addFormat(format, true);
    }
    ajv.addSchema(spec, "mirakl-seller");

    sim = await startMiraklSimulator({ startTime: "2026-01-05T09:00:00Z" });
    const clock = createManualClock(sim.control.now(), (ms) => sim.control.advanceClock(ms));
    const capturingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = init?.body;
      exchanges.push({
        method: init?.method ?? "GET",
        url: String(input),
        status: response.status,
        contentType: response.headers.get("content-type") ?? "",
        responseText: await response.clone().text(),
        requestBody: typeof body === "string" ? JSON.parse(body) : body,
      });
      return response;
    };
    const client = createMiraklClient({
      baseUrl: sim.url,
      apiKey: sim.keys.single,
      connectionId: "conformance",
      fetch: capturingFetch,
      clock,
      limiter: createRateLimiter({ clock }),
      recorder: (record) => {
        records.push(record);
      },
    });

    // A scenario touching every operation the client implements.
    await client.getAccount();
    await client.getPlatformConfiguration();
    await client.getVersion();
    await client.listCarriers();
    await client.listReasons();
    await client.listOfferStates();
    const waiting = sim.control.createOrder({
      lines: [{ offer_sku: "S2000", quantity: 2, tax_rate: 20 }, { offer_sku: "S2001" }],
    }).id;
    const toCancel = sim.control.createOrder().id;
    const shipped = sim.control.createOrder({
      state: "SHIPPING",
      lines: [
        { offer_sku: "S2000", tax_rate: 10 },
        { offer_sku: "S2001", quantity: 2 },
      ],
    }).id;
    await client.listAllOrders();
    await client.acceptOrderLines(waiting, [
      { id: `${waiting}-1`, accepted: true },
      { id: `${waiting}-2`, accepted: false },
    ]);
    await client.acceptOrderLines(toCancel, [{ id: `${toCancel}-1`, accepted: true }]);
    await client.cancelOrder(toCancel);
    // OR30 needs the shop's partial cancelation and an order it may still cancel (not debited: paid on delivery).
    sim.control.setPartialCancelation(sim.shops.main, true);
    const partlyCanceled = sim.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2001", quantity: 2, tax_rate: 20 }],
    }).id;
    await client.cancelOrderLines([
      {
        order_line_id: `${partlyCanceled}-1`,
        quantity: 1,
        amount: "19.9",
        shipping_amount: "0",
        reason_code: "34",
        taxes: [{ code: "TAXDEFAULT", amount: "3.98" }],
      },
    ]);
    // What the operator and Mirakl do on their side shows in OR11 too: a customer-service refund (taxes computed
    // in proportion), a canceled line, a canceled order with its reason, and an order canceled at a refused debit.
    sim.control.setReasons(MARKETPLACE_REASONS);
    const operatorSide = sim.control.createOrder({
      state: "SHIPPED",
      lines: [
        { offer_sku: "S2000", quantity: 2, tax_rate: 20, tax_rule: "PROPORTIONAL_TO_AMOUNT" },
        { offer_sku: "S2001", tax_rate: 5.5 },
      ],
    }).id;
    sim.control.refundLine({ order_line_id: `${operatorSide}-1`, amount: 30, shipping_amount: 1, reason_code: "17" });
    const operatorCanceled = sim.control.createOrder({
      state: "SHIPPING",
      lines: [
        { offer_sku: "S2000", quantity: 2 },
        { offer_sku: "S2001", tax_rate: 20 },
      ],
    }).id;
    sim.control.cancelLines([{ order_line_id: `${operatorCanceled}-1`, quantity: 1, reason_code: "35" }]);
    const wholeCanceled = sim.control.createOrder({
      state: "SHIPPING",
      lines: [{ offer_sku: "S2001", tax_rate: 20 }],
    }).id;
    sim.control.cancelOrder(wholeCanceled, sim.shops.main, "35");
    const debitRefused = sim.control.createOrder().id;
    await client.acceptOrderLines(debitRefused, [{ id: `${debitRefused}-1`, accepted: true }]);
    sim.control.refuseDebit(debitRefused);
    sim.control.advanceClock(60_000);
    await client.setTracking(shipped, { carrier_code: "DHL", tracking_number: "JD0001" });
    await client.shipOrder(shipped);
    await client.refundOrderLines(
      [
        {
          order_line_id: `${shipped}-1`,
          amount: "5",
          shipping_amount: "1",
          reason_code: "15",
          quantity: 1,
          taxes: [{ code: "TAXDEFAULT", amount: "0.5" }],
          shipping_taxes: [{ code: "TAXDEFAULT", amount: "0.1" }],
        },
      ],
      { orderTaxMode: "TAX_EXCLUDED" },
    );
    const read = await client.getOrdersByIds([
      waiting,
      toCancel,
      shipped,
      partlyCanceled,
      operatorSide,
      operatorCanceled,
      wholeCanceled,
      debitRefused,
    ]);
    orderStates.push(...read.map((order) => order.order_state));
    const stock = await client.importStock([
      { offer_sku: "S2000", quantity: 4 },
      { offer_sku: "NOPE", quantity: 1 },
    ]);
    const prices = await client.importPrices([
      { offer_sku: "S2000", price: "52.5" },
      { offer_sku: "NOPE", price: "1" },
    ]);
    const offers = await client.upsertOffers([
      {
        shop_sku: "S2002",
        product_id: "S2002",
        product_id_type: "SHOP_SKU",
        price: "13",
        state_code: "11",
        update_delete: "update",
        quantity: 3,
        description: "Six cups",
        discount: { price: "12", start_date: "2026-01-01T00:00:00Z", end_date: "2026-02-01T00:00:00Z" },
      },
      {
        shop_sku: "NEW-LAMP",
        product_id: "4006381333931",
        product_id_type: "EAN",
        price: "-1",
        state_code: "11",
        update_delete: "update",
        quantity: 1,
      },
    ]);
    sim.control.advanceClock(30_000);
    await client.getOfferImportStatus(offers.import_id);
    await client.getOfferImportErrorReport(offers.import_id);
    await client.findOfferBySku("S2002");
    await client.getStockImportStatus(stock.import_id);
    await client.getStockImportErrorReport(stock.import_id);
    await client.getPriceImportStatus(prices.import_id);
    await client.getPriceImportErrorReport(prices.import_id);
    const tracking = await client.startOfferExport({ include_inactive_offers: true });
    sim.control.advanceClock(30_000);
    const status = await client.getOfferExportStatus(tracking);
    await client.downloadOfferExportChunk(status.urls[0]);
    for await (const line of client.iterateTransactionLogs({ limit: 3 })) void line;
    sim.simulator.control.addInvoice(sim.shops.main, { total_excl: 10, total_incl: 12 });
    await client.listInvoices();

    sim.control.setPlatform({ multiShipment: true });
    const parts = sim.control.createOrder({
      state: "SHIPPING",
      lines: [
        { offer_sku: "S2000", quantity: 2 },
        { offer_sku: "S2001", quantity: 1 },
      ],
    }).id;
    const created = await client.createShipments([
      {
        order_id: parts,
        shipment_lines: [{ order_line_id: `${parts}-1`, quantity: 1, package_reference: "box-1" }],
        tracking: { carrier_code: "UPS", tracking_number: "1Z2356F1ZJ98L9733M5", tracking_url: null },
        shipped: true,
      },
      {
        order_id: parts,
        shipment_lines: [
          { order_line_id: `${parts}-1`, quantity: 1, package_reference: null },
          { order_line_id: `${parts}-2`, quantity: 1 },
        ],
        tracking: { carrier_name: "Custom carrier", tracking_url: "http://www.customcarrier.com/tracking" },
      },
      { order_id: shipped, shipment_lines: [{ order_line_id: `${shipped}-1`, quantity: 1 }] },
    ]);
    const pending = created.shipment_success[1].id;
    const tracked = await client.updateShipmentTracking([
      { id: pending, tracking: { carrier_code: "DHL", tracking_number: "JD0002" } },
      { id: "no-such-shipment", tracking: { carrier_code: "DHL", tracking_number: "JD0002" } },
    ]);
    const shippedParts = await client.shipShipments([pending, pending]);
    shipmentAnswers.push(created, tracked, shippedParts);
    await client.listShipments({ orderIds: [parts] });
    await client.listShipments({ states: ["SHIPPED"] });
  });

  afterAll(async () => {
    await sim?.close();
  });

  it("covers every client operation", () => {
    expect(exchanges).toHaveLength(records.length);
    const seen = new Set(records.map((record) => record.operation));
    for (const op of [
      "A01",
      "PC01",
      "V01",
      "SH21",
      "RE01",
      "OF61",
      "OR11",
      "OR21",
      "OR23",
      "OR24",
      "OR28",
      "OR29",
      "OR30",
      "STO01",
      "STO02",
      "STO03",
      "PRI01",
      "PRI02",
      "PRI03",
      "OF24",
      "OF02",
      "OF03",
      "OF21",
      "OF52",
      "OF53",
      "OF54",
      "ST01",
      "ST11",
      "ST23",
      "ST24",
      "TL02",
      "IV01",
    ]) {
      expect(seen, op).toContain(op);
    }
    expect(records.every((record) => record.status !== null && record.status < 300)).toBe(true);
  });

  /** Where a response strays from the spec (nothing when it conforms). */
  const responseFailures = (operation: string, exchange: Exchange, failures: string[]) => {
    const entry = operations.get(operation)!;
    const responses = entry.op.responses as Record<string, Json>;
    const declared = responses[String(exchange.status)];
    if (!declared) return failures.push(`${operation}: undeclared status ${exchange.status}`);
    const content = declared.content as Record<string, Json> | undefined;
    if (exchange.status === 204) {
      if (exchange.responseText !== "") failures.push(`${operation}: 204 with a body`);
      return;
    }
    // V01 declares no content: Mirakl says its body is free-form and to be ignored.
    if (!content) return;
    const mediaType = exchange.contentType.split(";")[0].trim();
    if (!content[mediaType]) return failures.push(`${operation}: undeclared content type ${mediaType}`);
    if (mediaType !== "application/json") return;
    const pointer = `${entry.pointer}/responses/${exchange.status}/content/application~1json/schema`;
    const validate = validatorFor(pointer);
    const body = JSON.parse(exchange.responseText);
    // OF54 chunk files hold an array of the offers the spec describes one at a time.
    const items = operation === "OF54" ? (body as unknown[]) : [body];
    for (const item of items) {
      if (!validate(item)) failures.push(`${operation}: ${ajv.errorsText(validate.errors, { separator: "\n  " })}`);
    }
  };

  it("every simulator response matches the spec", () => {
    const failures: string[] = [];
    exchanges.forEach((exchange, index) => responseFailures(records[index].operation, exchange, failures));
    expect(failures).toEqual([]);
  });

  it("sees each kind of multi-shipment answer: created or updated, refused, and both in one call", () => {
    expect(shipmentAnswers.map((answer) => [answer.shipment_success.length, answer.shipment_errors.length])).toEqual([
      [2, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it("reads back orders refunded and canceled by the shop, the operator and a refused debit", () => {
    // `waiting` was debited meanwhile (the clock moved past its debit).
    expect(orderStates).toEqual([
      "SHIPPING",
      "CANCELED",
      "SHIPPED",
      "SHIPPING",
      "SHIPPED",
      "SHIPPING",
      "CANCELED",
      "CANCELED",
    ]);
  });

  it("every client JSON request body matches the spec", () => {
    const failures: string[] = [];
    let checked = 0;
    exchanges.forEach((exchange, index) => {
      const operation = records[index].operation;
      const requestBody = operations.get(operation)!.op.requestBody as Json | undefined;
      if (!requestBody) return;
      const content = requestBody.content as Record<string, Json>;
      if (content["multipart/form-data"]) {
        const form = exchange.requestBody as FormData;
        if (!(form instanceof FormData) || !form.get("file"))
          failures.push(`${operation}: multipart body without a file part`);
        checked += 1;
        return;
      }
      const validate = validatorFor(
        `${operations.get(operation)!.pointer}/requestBody/content/application~1json/schema`,
      );
      if (!validate(exchange.requestBody))
        failures.push(`${operation}: ${ajv.errorsText(validate.errors, { separator: "\n  " })}`);
      checked += 1;
    });
    expect(failures).toEqual([]);
    // OR21 ×3, OR23, OR28, OR30, OF24, OF52, ST01, ST23, ST24 (JSON) and STO01, PRI01 (multipart).
    expect(checked).toBe(13);
  });
});
