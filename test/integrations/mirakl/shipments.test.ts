import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  MIRAKL_MAX_SHIPMENTS_PER_CALL,
  MiraklTransientError,
  shipmentPageSchema,
  shipmentsCreatedSchema,
  shipmentsUpdatedSchema,
  type MiraklShipmentInput,
} from "~/integrations/mirakl";
import { setupMirakl } from "./helpers";

/*
 * The multi-shipment API through the client (ST01, ST11, ST23, ST24) against the simulator with the platform's
 * multi_shipment on, and the client's schemas against the answers in Mirakl's OpenAPI document.
 */

type Setup = Awaited<ReturnType<typeof setupMirakl>>;
let current: Setup | undefined;
async function setup() {
  current = await setupMirakl({ sim: { platform: { multiShipment: true } } });
  return current;
}
afterEach(async () => {
  await current?.sim.close();
  current = undefined;
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

/** An order waiting to be shipped: S2000 ×3 (line 1) and S2001 ×1 (line 2). */
const shippingOrder = ({ sim }: Setup) =>
  sim.control.createOrder({
    state: "SHIPPING",
    lines: [
      { offer_sku: "S2000", quantity: 3 },
      { offer_sku: "S2001", quantity: 1 },
    ],
  }).id;

const oneUnit = (orderId: string, line = 1): MiraklShipmentInput => ({
  order_id: orderId,
  shipment_lines: [{ order_line_id: `${orderId}-${line}`, quantity: 1 }],
});

const searchParams = ({ sim }: Setup, operation: string) =>
  sim.control.calls(operation).map((call) => new URL(call.path, sim.url).searchParams);

describe("ST01 createShipments", () => {
  it("creates each shipment or refuses it on its own, and sends only the fields that have a value", async () => {
    const setup_ = await setup();
    const { sim, client } = setup_;
    const orderId = shippingOrder(setup_);

    const result = await client.createShipments([
      {
        order_id: orderId,
        shipment_lines: [{ order_line_id: `${orderId}-1`, quantity: 2, package_reference: "box-1" }],
        tracking: { carrier_code: "UPS", carrier_name: null, tracking_number: "1Z2356F1ZJ98L9733M5" },
        shipped: true,
      },
      {
        order_id: orderId,
        shipment_lines: [{ order_line_id: `${orderId}-1`, quantity: 5, package_reference: null }],
      },
      oneUnit("SIM-999999-A"),
      {
        ...oneUnit(orderId, 2),
        tracking: { carrier_name: "Custom carrier", tracking_url: "https://custom.example/1" },
      },
    ]);

    expect(result.shipment_success).toHaveLength(2);
    expect(result.shipment_success[0]).toMatchObject({
      order_id: orderId,
      status: "SHIPPED",
      status_customer_debit: "NO_DEBIT",
      shipment_lines: [{ order_line_id: `${orderId}-1`, offer_sku: "S2000", quantity: 2, package_reference: "box-1" }],
      tracking: {
        carrier_code: "UPS",
        tracking_number: "1Z2356F1ZJ98L9733M5",
        tracking_url: expect.stringContaining("1Z2356F1ZJ98L9733M5"),
      },
    });
    expect(result.shipment_success[1]).toMatchObject({
      status: "SHIPPING",
      tracking: { carrier_name: "Custom carrier", tracking_url: "https://custom.example/1" },
    });
    // Unknown keys are kept (loose schemas).
    expect(result.shipment_success[0]).toHaveProperty("shipping_from");
    expect(result.shipment_errors).toEqual([
      { order_id: orderId, message: "Shipment quantity is invalid." },
      { order_id: "SIM-999999-A", message: expect.stringContaining("SIM-999999-A") },
    ]);
    expect(sim.control.shipments(orderId).map((shipment) => shipment.id)).toEqual(
      result.shipment_success.map((shipment) => shipment.id),
    );

    const [call] = sim.control.calls("ST01");
    expect(call.status).toBe(201);
    const sent = JSON.parse(call.body) as { shipments: Record<string, unknown>[] };
    expect(sent.shipments[0]).toEqual({
      order_id: orderId,
      shipment_lines: [{ order_line_id: `${orderId}-1`, quantity: 2, package_reference: "box-1" }],
      tracking: { carrier_code: "UPS", tracking_number: "1Z2356F1ZJ98L9733M5" },
      shipped: true,
    });
    expect(sent.shipments[1]).toEqual({
      order_id: orderId,
      shipment_lines: [{ order_line_id: `${orderId}-1`, quantity: 5 }],
    });
  });

  it("is never retried: a 5xx or a dropped connection fails the call and nothing is sent again", async () => {
    const setup_ = await setup();
    const { sim, client, clock } = setup_;
    const orderId = shippingOrder(setup_);

    sim.control.scriptFault({ operation: "ST01", status: 503 });
    const unavailable = await failure(client.createShipments([oneUnit(orderId)]));
    expect(unavailable).toBeInstanceOf(MiraklTransientError);
    sim.control.scriptFault({ operation: "ST01", status: "drop" });
    expect(await failure(client.createShipments([oneUnit(orderId)]))).toBeInstanceOf(MiraklTransientError);

    expect(sim.control.calls("ST01").map((call) => call.status)).toEqual([503, -1]);
    expect(clock.sleeps).toEqual([]);
    expect(sim.control.shipments(orderId)).toEqual([]);
  });

  it("refuses more than 1000 shipments without calling Mirakl, and sends nothing for none", async () => {
    const setup_ = await setup();
    const { sim, client } = setup_;
    const orderId = shippingOrder(setup_);
    const tooMany = Array.from({ length: MIRAKL_MAX_SHIPMENTS_PER_CALL + 1 }, () => oneUnit(orderId));

    const refused = await failure(client.createShipments(tooMany));
    expect(refused).toBeInstanceOf(RangeError);
    expect(refused.message).toBe("ST01 accepts at most 1000 shipments per call (got 1001): send them in batches");
    expect(await failure(client.shipShipments(tooMany.map((_, index) => `id-${index}`)))).toBeInstanceOf(RangeError);
    expect(
      await failure(client.updateShipmentTracking(tooMany.map((_, index) => ({ id: `id-${index}`, tracking: {} })))),
    ).toBeInstanceOf(RangeError);

    expect(await client.createShipments([])).toEqual({ shipment_success: [], shipment_errors: [] });
    expect(await client.shipShipments([])).toEqual({ shipment_success: [], shipment_errors: [] });
    expect(await client.updateShipmentTracking([])).toEqual({ shipment_success: [], shipment_errors: [] });
    expect(sim.control.calls()).toEqual([]);
  });
});

describe("ST23 updateShipmentTracking and ST24 shipShipments", () => {
  it("retries ST23 on a 5xx and replaces the tracking; an unknown shipment is an error entry", async () => {
    const setup_ = await setup();
    const { sim, client, clock } = setup_;
    const orderId = shippingOrder(setup_);
    const [created] = (await client.createShipments([oneUnit(orderId)])).shipment_success;

    sim.control.scriptFault({ operation: "ST23", status: 503 });
    const result = await client.updateShipmentTracking([
      { id: created.id, tracking: { carrier_code: "DHL", tracking_number: "JD0002", tracking_url: null } },
      { id: "no-such-shipment", tracking: { carrier_code: "DHL", tracking_number: "JD0003" } },
    ]);

    expect(sim.control.calls("ST23").map((call) => call.status)).toEqual([503, 200]);
    expect(clock.sleeps).toEqual([375]);
    expect(result).toEqual({
      shipment_success: [{ id: created.id }],
      shipment_errors: [{ id: "no-such-shipment", message: "No shipment with id 'no-such-shipment'." }],
    });
    expect(JSON.parse(sim.control.calls("ST23")[1].body).shipments[0]).toEqual({
      id: created.id,
      tracking: { carrier_code: "DHL", tracking_number: "JD0002" },
    });
    const [shipment] = await client.listShipments({ orderIds: [orderId] });
    expect(shipment.tracking).toMatchObject({ carrier_code: "DHL", tracking_number: "JD0002" });
  });

  it("ships shipments with ST24 (retried on a 5xx); the order ships with its last unit, a repeat is an error entry", async () => {
    const setup_ = await setup();
    const { sim, client } = setup_;
    const orderId = shippingOrder(setup_);
    const created = await client.createShipments([
      { order_id: orderId, shipment_lines: [{ order_line_id: `${orderId}-1`, quantity: 3 }] },
      oneUnit(orderId, 2),
    ]);
    const [first, second] = created.shipment_success.map((shipment) => shipment.id);

    expect(await client.shipShipments([first])).toEqual({ shipment_success: [{ id: first }], shipment_errors: [] });
    expect(sim.control.order(orderId)!.order_state).toBe("SHIPPING");

    sim.control.scriptFault({ operation: "ST24", status: 502 });
    const shipped = await client.shipShipments([second, first]);
    expect(sim.control.calls("ST24").map((call) => call.status)).toEqual([200, 502, 200]);
    expect(shipped.shipment_success).toEqual([{ id: second }]);
    expect(shipped.shipment_errors).toEqual([{ id: first, message: expect.stringContaining("SHIPPED") }]);
    expect(sim.control.order(orderId)!.order_state).toBe("SHIPPED");
    expect(JSON.parse(sim.control.calls("ST24")[2].body)).toEqual({ shipments: [{ id: second }, { id: first }] });
  });
});

describe("ST11 listShipments", () => {
  it("follows seek pages to the end, sending only page_token after the first page", async () => {
    const setup_ = await setup();
    const { sim, client, clock } = setup_;
    const orderIds = sim.control.createOrders(130, { state: "SHIPPING" });
    const created = await client.createShipments(orderIds.map((orderId) => oneUnit(orderId)));
    expect(created.shipment_errors).toEqual([]);

    const shipments = await client.listShipments();
    expect(shipments.map((shipment) => shipment.id)).toEqual(created.shipment_success.map((shipment) => shipment.id));

    const calls = searchParams(setup_, "ST11");
    expect(calls).toHaveLength(2);
    expect(calls[0].get("limit")).toBe("100");
    expect([...calls[1].keys()]).toEqual(["page_token"]);
    expect(sim.control.calls("ST11").every((call) => call.status === 200)).toBe(true);
    expect(clock.sleeps).toEqual([]);
  });

  it("filters by order (order_id repeated, 100 per listing), state and update date", async () => {
    const setup_ = await setup();
    const { sim, client, clock } = setup_;
    const [a, b, c] = [shippingOrder(setup_), shippingOrder(setup_), shippingOrder(setup_)];
    const created = await client.createShipments([a, b, c].map((orderId) => oneUnit(orderId)));
    const [shipmentA, shipmentB] = created.shipment_success.map((shipment) => shipment.id);
    await client.shipShipments([shipmentA]);
    sim.control.clearCalls();

    expect((await client.listShipments({ orderIds: [a, b, a] })).map((shipment) => shipment.order_id)).toEqual([a, b]);
    expect(searchParams(setup_, "ST11")[0].getAll("order_id")).toEqual([a, b]);

    const shipped = await client.listShipments({ states: ["SHIPPED"] });
    expect(shipped.map((shipment) => [shipment.id, shipment.status])).toEqual([[shipmentA, "SHIPPED"]]);
    expect(searchParams(setup_, "ST11")[1].getAll("shipment_state_code")).toEqual(["SHIPPED"]);

    sim.control.advanceClock(60_000);
    clock.advance(60_000);
    const since = new Date(clock.now());
    await client.updateShipmentTracking([{ id: shipmentB, tracking: { carrier_code: "DHL", tracking_number: "JD1" } }]);
    expect((await client.listShipments({ updatedFrom: since })).map((shipment) => shipment.id)).toEqual([shipmentB]);
    expect(searchParams(setup_, "ST11")[2].get("last_updated_from")).toBe(since.toISOString());

    sim.control.clearCalls();
    const many = [a, ...Array.from({ length: 149 }, (_, index) => `SIM-9${String(index).padStart(5, "0")}-A`)];
    expect((await client.listShipments({ orderIds: many })).map((shipment) => shipment.id)).toEqual([shipmentA]);
    expect(searchParams(setup_, "ST11").map((params) => params.getAll("order_id").length)).toEqual([100, 50]);

    sim.control.clearCalls();
    expect(await client.listShipments({ orderIds: [] })).toEqual([]);
    expect(sim.control.calls("ST11")).toEqual([]);
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// Beside the repository, as for conformance.test.ts; a checkout elsewhere (a git worktree) can name it.
const specPath = process.env.MIRAKL_OPENAPI_SPEC ?? path.resolve(repoRoot, "../shared/mirakl/mmp-seller-openapi.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.warn(`[Mirakl shipment examples] skipped: OpenAPI spec not found at ${specPath}`);

describe.skipIf(!specPresent)("the shipment schemas read Mirakl's OpenAPI examples", () => {
  type Examples = Record<string, { value: unknown }>;
  const spec = specPresent
    ? (JSON.parse(readFileSync(specPath, "utf8")) as {
        paths: Record<
          string,
          Record<string, { responses: Record<string, { content: Record<string, { examples: Examples }> }> }>
        >;
      })
    : undefined;
  const examples = (route: string, method: string, status: string) =>
    Object.values(spec!.paths[route][method].responses[status].content["application/json"].examples).map(
      (example) => example.value,
    );

  it("ST01: created shipments and refusals", () => {
    const [business, typed] = examples("/api/shipments", "post", "201").map((value) =>
      shipmentsCreatedSchema.parse(value),
    );
    expect(business.shipment_success.map((shipment) => [shipment.order_id, shipment.status])).toEqual([
      ["ORDER_01-A", "SHIPPING"],
      ["ORDER_02-A", "SHIPPED"],
    ]);
    expect(business.shipment_success[0].shipment_lines[1]).toMatchObject({
      order_line_id: "ORDER_01-A-2",
      quantity: 3,
    });
    expect(business.shipment_success[0].tracking).toMatchObject({ carrier_code: "UPS", milestones: [] });
    expect(business.shipment_errors[0]).toEqual({
      order_id: "leadtime-ship02-A",
      message: "The order status must be 'SHIPPING' but it is 'SHIPPED'.",
    });
    expect(typed.shipment_success[0].tracking?.validity_status).toBe("MISSING_TRACKING");
  });

  it("ST11: a page of shipments and its next_page_token", () => {
    const [business, typed] = examples("/api/shipments", "get", "200").map((value) => shipmentPageSchema.parse(value));
    expect(business.data.map((shipment) => shipment.status)).toEqual(["SHIPPED", "CLOSED", "SHIPPING", "SHIPPED"]);
    expect(business.data[1].tracking).toMatchObject({ carrier_code: null, carrier_name: "La Poste" });
    expect(business.next_page_token).toEqual(expect.any(String));
    expect(business.previous_page_token).toBeNull();
    expect(typed.data).toHaveLength(1);
  });

  it("ST23 and ST24: successes and errors by shipment id", () => {
    for (const route of ["/api/shipments/tracking", "/api/shipments/ship"]) {
      const method = route.endsWith("ship") ? "put" : "post";
      for (const value of examples(route, method, "200")) {
        const parsed = shipmentsUpdatedSchema.parse(value);
        expect(parsed.shipment_errors[0]).toEqual({ id: expect.any(String), message: expect.any(String) });
        expect(parsed.shipment_success.length).toBeGreaterThan(0);
      }
    }
  });
});
