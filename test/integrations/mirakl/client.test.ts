import { afterEach, describe, expect, it } from "vitest";
import {
  type UnreadableOrder,
  MiraklAuthError,
  MiraklInvalidResponseError,
  MiraklRateLimitedError,
  MiraklTransientError,
  MiraklValidationError,
  createMiraklClient,
  unlimitedRateLimiter,
  type MiraklError,
} from "~/integrations/mirakl";
import { setupMirakl } from "./helpers";

type Setup = Awaited<ReturnType<typeof setupMirakl>>;
let current: Setup | undefined;
async function setup(options?: Parameters<typeof setupMirakl>[0]) {
  current = await setupMirakl(options);
  return current;
}
afterEach(async () => {
  await current?.sim.close();
  current = undefined;
});

async function failure(promise: Promise<unknown>): Promise<MiraklError> {
  try {
    await promise;
  } catch (error) {
    return error as MiraklError;
  }
  throw new Error("expected the call to fail");
}

describe("Mirakl client — protocol", () => {
  it("sends the raw key, Accept JSON and shop_id, and never reveals the key in records", async () => {
    const { sim, client, records } = await setup({ client: { shopId: 2001 } });
    const account = await client.getAccount();
    expect(account.shop_id).toBe(2001);
    expect(account.currency_iso_code).toBe("USD");
    const [call] = sim.control.calls("A01");
    expect(call.key).toBe(sim.keys.single);
    expect(call.path).toBe("/api/account?shop_id=2001");
    expect(records).toEqual([
      expect.objectContaining({
        connectionId: "conn-test",
        operation: "A01",
        method: "GET",
        path: "/api/account?shop_id=2001",
        status: 200,
        attempt: 1,
      }),
    ]);
    expect(JSON.stringify(records)).not.toContain(sim.keys.single);
  });

  it("maps 401 to an auth error whose message and record do not contain the key", async () => {
    const { client, records } = await setup({ client: { apiKey: "wrong-secret-key-123" } });
    const error = await failure(client.getAccount());
    expect(error).toBeInstanceOf(MiraklAuthError);
    expect(error.kind).toBe("auth");
    expect(error.status).toBe(401);
    expect(error.message).not.toContain("wrong-secret-key-123");
    expect(records.map((record) => record.status)).toEqual([401]);
    expect(JSON.stringify(records)).not.toContain("wrong-secret-key-123");
  });

  it("selects the shop with shop_id and gets 403 for a shop the key cannot see", async () => {
    const { sim } = await setup();
    const second = createMiraklClient({ baseUrl: sim.url, apiKey: sim.keys.multi, shopId: 2002, connectionId: "c2" });
    expect((await second.getAccount()).shop_id).toBe(2002);
    const other = createMiraklClient({ baseUrl: sim.url, apiKey: sim.keys.single, shopId: 2002, connectionId: "c3" });
    const error = await failure(other.getAccount());
    expect(error.kind).toBe("auth");
    expect(error.status).toBe(403);
  });

  it("reads the reference data and the CSV delimiter from the platform", async () => {
    const { client } = await setup();
    expect((await client.listCarriers()).map((carrier) => carrier.code)).toEqual(["DHL", "DPD", "FED", "TNT", "UPS"]);
    expect((await client.listReasons()).find((reason) => reason.code === "15")).toMatchObject({
      type: "REFUND",
      is_shop_right: true,
    });
    expect((await client.listOfferStates()).map((state) => state.code)).toContain("11");
    const configuration = await client.getPlatformConfiguration();
    expect(configuration.features.operator_csv_delimiter).toBe("SEMICOLON");
    expect(await client.getVersion()).toMatchObject({ version: expect.any(String) });
  });
});

describe("Mirakl client — orders paging", () => {
  it("pages through 1,000 orders with max=100 until total_count, pacing only the first page", async () => {
    const { sim, client, clock } = await setup();
    sim.control.createOrders(1000);
    const orders = await client.listAllOrders({ orderStateCodes: ["WAITING_ACCEPTANCE"] });
    expect(orders).toHaveLength(1000);
    expect(new Set(orders.map((order) => order.order_id)).size).toBe(1000);
    const calls = sim.control.calls("OR11");
    expect(calls).toHaveLength(10);
    expect(calls.map((call) => new URL(call.path, sim.url).searchParams.get("offset"))).toEqual([
      "0",
      "100",
      "200",
      "300",
      "400",
      "500",
      "600",
      "700",
      "800",
      "900",
    ]);
    expect(calls.every((call) => call.status === 200)).toBe(true);
    expect(clock.sleeps).toEqual([]);
  });

  it("chunks order_ids by 100 and does not pace look-ups", async () => {
    const { sim, client } = await setup();
    const ids = sim.control.createOrders(250);
    const orders = await client.getOrdersByIds(ids);
    expect(orders.map((order) => order.order_id).sort()).toEqual([...ids].sort());
    const calls = sim.control.calls("OR11");
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(new URL(call.path, sim.url).searchParams.get("order_ids")!.split(",").length).toBeLessThanOrEqual(100);
    }
  });

  it("polls by start_update_date, overlapping by Mirakl's safety margin, and advances the cursor", async () => {
    const { sim, client, clock } = await setup();
    const [old] = sim.control.createOrders(1);
    sim.control.advanceClock(600_000);
    clock.advance(600_000);
    const [recent] = sim.control.createOrders(1);
    const initial = await client.pollOrderUpdates(new Date(clock.now() - 60_000));
    expect(initial.orders.map((order) => order.order_id)).toEqual([recent]);
    expect(initial.cursor).toBe(initial.orders[0].last_updated_date);

    sim.control.advanceClock(120_000);
    clock.advance(120_000);
    await client.acceptOrderLines(old, [{ id: `${old}-1`, accepted: true }]);
    const next = await client.pollOrderUpdates(initial.cursor);
    // `recent` was last updated exactly at the cursor: Mirakl's margin returns it again.
    expect(next.orders.map((order) => [order.order_id, order.order_state])).toEqual([
      [old, "WAITING_DEBIT_PAYMENT"],
      [recent, "WAITING_ACCEPTANCE"],
    ]);
    expect(Date.parse(next.cursor)).toBe(Date.parse(initial.cursor) + 120_000);
    expect(new URL(sim.control.calls("OR11").at(-1)!.path, sim.url).searchParams.get("start_update_date")).toBe(
      initial.cursor,
    );
  });
});

describe("Mirakl client — rate limits and retries", () => {
  it("paces OR11 at one call per minute so the simulator never answers 429", async () => {
    const { sim, client, clock } = await setup();
    await client.listOrdersPage({});
    await client.listOrdersPage({});
    expect(clock.sleeps).toEqual([60_000]);
    expect(sim.control.calls("OR11").map((call) => call.status)).toEqual([200, 200]);
  });

  it("waits out a short Retry-After on a 429 for reads, then retries", async () => {
    const { sim, client, clock, records } = await setup({ client: { limiter: unlimitedRateLimiter } });
    sim.control.scriptFault({ operation: "OR11", status: 429, retryAfterSeconds: 5 });
    await client.listOrdersPage({});
    expect(sim.control.calls("OR11").map((call) => call.status)).toEqual([429, 200]);
    expect(clock.sleeps).toEqual([5_000]);
    expect(records.filter((record) => record.operation === "OR11").map((record) => record.attempt)).toEqual([1, 2]);
  });

  it("does not sleep in the call through a long Retry-After: the flow gets it and reschedules, the bucket is held back", async () => {
    const { sim, client, clock } = await setup();
    await client.listOrdersPage({});
    clock.advance(60_000);
    sim.control.scriptFault({ operation: "OR11", status: 429, retryAfterSeconds: 120 });
    const limited = await failure(client.listOrdersPage({}));
    expect(limited).toBeInstanceOf(MiraklRateLimitedError);
    expect((limited as MiraklRateLimitedError).retryAfterMs).toBe(120_000);
    expect(clock.sleeps).toEqual([]); // the worker slot was never held for two minutes
    // The next call on that bucket waits out the Retry-After (and a full interval for the retry it stands for).
    await client.listOrdersPage({});
    expect(clock.sleeps).toEqual([180_000]);
  });

  it("retries 5xx and dropped connections on reads with growing backoff", async () => {
    const { sim, client, clock } = await setup();
    sim.control.scriptFault({ operation: "SH21", status: 503, times: 2 });
    sim.control.scriptFault({ operation: "SH21", status: "drop" });
    const carriers = await client.listCarriers();
    expect(carriers.length).toBeGreaterThan(0);
    expect(sim.control.calls("SH21").map((call) => call.status)).toEqual([503, 503, -1, 200]);
    // Equal jitter with random()=0.5: 75% of 500, 1000, 2000 ms.
    expect(clock.sleeps).toEqual([375, 750, 1500]);
  });

  it("gives up after the retry budget with a transient error", async () => {
    const { sim, client } = await setup({ client: { retry: { retries: 2 } } });
    sim.control.scriptFault({ operation: "RE01", status: 500, times: 10 });
    const error = await failure(client.listReasons());
    expect(error).toBeInstanceOf(MiraklTransientError);
    expect(error.status).toBe(500);
    expect(sim.control.calls("RE01")).toHaveLength(3);
  });

  it("turns a timeout into a transient error", async () => {
    const { sim, client } = await setup({ client: { timeoutMs: 50, retry: { retries: 0 } } });
    sim.control.setFaults({ latencyMs: 300, operations: ["V01"] });
    const error = await failure(client.getVersion());
    expect(error.kind).toBe("transient");
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/timed out/);
  });

  it("never retries OR28 refunds, even on 503 or 429", async () => {
    const { sim, client } = await setup();
    const orderId = sim.control.createOrder({ state: "SHIPPED", lines: [{ offer_sku: "S2000" }] }).id;
    sim.control.scriptFault({ operation: "OR28", status: 503 });
    const refund = [{ order_line_id: `${orderId}-1`, amount: "10", shipping_amount: "0", reason_code: "15" }];
    expect(await failure(client.refundOrderLines(refund))).toBeInstanceOf(MiraklTransientError);
    sim.control.scriptFault({ operation: "OR28", status: 429, retryAfterSeconds: 5 });
    const limited = await failure(client.refundOrderLines(refund));
    expect(limited).toBeInstanceOf(MiraklRateLimitedError);
    expect((limited as MiraklRateLimitedError).retryAfterMs).toBe(5000);
    expect(sim.control.calls("OR28")).toHaveLength(2);
    expect(sim.control.order(orderId)!.order_lines[0].refunds).toEqual([]);
  });
});

describe("Mirakl client — tolerant but safe parsing", () => {
  it("accepts extra fields, new enum values and explicit nulls", async () => {
    const { sim, client } = await setup();
    sim.control.createOrder();
    sim.control.setFaults({ drift: true, operations: ["OR11"] });
    const [order] = await client.listAllOrders();
    expect(order.order_state).toBe("SIM_FUTURE_STATE");
    expect((order as Record<string, unknown>).sim_added_field).toEqual({ note: "fields Mirakl adds later", at: null });
    expect(order.customer?.shipping_address).toBeNull();
    expect(order.acceptance_decision_date).toBeNull();
  });

  it("an order without an id is reported as unreadable, the rest of the page is returned, no retry", async () => {
    const { sim, client } = await setup();
    sim.control.createOrder();
    const readable = sim.control.createOrder().id;
    sim.control.setFaults({
      transformResponse: (operation, body) => {
        if (operation !== "OR11") return body;
        const page = body as { orders: Record<string, unknown>[] };
        const broken = page.orders.find((o) => o.order_id !== readable)!;
        delete broken.order_id;
        return page;
      },
    });
    const unreadable: UnreadableOrder[] = [];
    const orders = await client.listAllOrders({}, { onUnreadableOrder: (o) => unreadable.push(o) });
    expect(orders.map((o) => o.order_id)).toEqual([readable]);
    expect(unreadable).toEqual([{ orderId: null, problems: [expect.stringContaining("order_id")] }]);
    expect(sim.control.calls("OR11")).toHaveLength(1);
  });

  it("an order with non-numeric money is reported with its id and the field at fault", async () => {
    const { sim, client } = await setup();
    const id = sim.control.createOrder().id;
    sim.control.setFaults({
      transformResponse: (operation, body) => {
        const page = body as { orders?: { order_lines: Record<string, unknown>[] }[] };
        if (operation === "OR11") page.orders![0].order_lines[0].price = "12,50 €";
        return page;
      },
    });
    const unreadable: UnreadableOrder[] = [];
    expect(await client.listAllOrders({}, { onUnreadableOrder: (o) => unreadable.push(o) })).toEqual([]);
    expect(unreadable).toEqual([{ orderId: id, problems: [expect.stringContaining("order_lines.0.price")] }]);
  });

  it("a page that is not an order list at all is still an invalid response", async () => {
    const { sim, client } = await setup();
    sim.control.createOrder();
    sim.control.setFaults({
      transformResponse: (operation, body) => (operation === "OR11" ? { orders: "nope" } : body),
    });
    const error = await failure(client.listAllOrders());
    expect(error).toBeInstanceOf(MiraklInvalidResponseError);
  });

  it("keeps money as exact decimal strings", async () => {
    const { sim, client } = await setup();
    const id = sim.control.createOrder({
      lines: [{ offer_sku: "S2001", quantity: 3, price_unit: 19.9, shipping_price: 0.1 }],
    }).id;
    const [order] = await client.getOrdersByIds([id]);
    expect(order.order_lines[0]).toMatchObject({
      price_unit: "19.9",
      price: "59.7",
      shipping_price: "0.1",
      total_price: "59.8",
    });
    expect(order.total_price).toBe("59.8");
  });
});

describe("Mirakl client — order workflow against the simulator", () => {
  it("accepts, waits for debit, tracks, ships and refunds", async () => {
    const { sim, client } = await setup();
    const id = sim.control.createOrder({
      lines: [{ offer_sku: "S2000", quantity: 2, tax_rate: 20 }, { offer_sku: "S2001" }],
    }).id;
    const [waiting] = await client.getOrdersByIds([id]);
    expect(waiting.order_state).toBe("WAITING_ACCEPTANCE");
    expect(waiting.customer?.shipping_address).toBeNull();

    const missing = await failure(client.acceptOrderLines(id, [{ id: `${id}-1`, accepted: true }]));
    expect(missing).toBeInstanceOf(MiraklValidationError);
    expect(missing.miraklCode).toBe("ORDER_LINE_ACCEPTANCE_DECISION_MISSING");

    await client.acceptOrderLines(id, [
      { id: `${id}-1`, accepted: true },
      { id: `${id}-2`, accepted: false },
    ]);
    const [accepted] = await client.getOrdersByIds([id]);
    expect(accepted.order_state).toBe("WAITING_DEBIT_PAYMENT");
    expect(accepted.can_cancel).toBe(true);
    expect(accepted.order_lines.map((line) => line.order_line_state)).toEqual(["WAITING_DEBIT_PAYMENT", "REFUSED"]);

    const again = await failure(
      client.acceptOrderLines(id, [
        { id: `${id}-1`, accepted: true },
        { id: `${id}-2`, accepted: false },
      ]),
    );
    expect(again.miraklCode).toBe("ORDER_INVALID_STATE");

    sim.control.advanceClock(60_000);
    const [shipping] = await client.getOrdersByIds([id]);
    expect(shipping.order_state).toBe("SHIPPING");
    expect(shipping.can_cancel).toBe(false);
    expect(shipping.customer?.shipping_address?.country_iso_code).toBe("USA");

    await client.setTracking(id, { carrier_code: "UPS", tracking_number: "1Z999" });
    await client.shipOrder(id);
    const ship = sim.control.calls("OR24")[0];
    expect(ship).toMatchObject({ status: 204, contentLength: "0" });
    const [shipped] = await client.getOrdersByIds([id]);
    expect(shipped).toMatchObject({
      order_state: "SHIPPED",
      shipping_carrier_code: "UPS",
      shipping_tracking: "1Z999",
      shipping_tracking_url: "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z999",
    });

    const line = `${id}-1`;
    const noTaxes = await failure(
      client.refundOrderLines([{ order_line_id: line, amount: "10", shipping_amount: "0", reason_code: "15" }]),
    );
    expect(noTaxes.miraklCode).toBe("REFUND_TAXES_MISSING");
    const tooMuch = await failure(
      client.refundOrderLines([
        {
          order_line_id: line,
          amount: "110.01",
          shipping_amount: "0",
          reason_code: "15",
          taxes: [{ code: "TAXDEFAULT", amount: "22" }],
        },
      ]),
    );
    expect(tooMuch.miraklCode).toBe("REFUND_AMOUNT_EXCEEDED");
    const badReason = await failure(
      client.refundOrderLines([
        {
          order_line_id: line,
          amount: "1",
          shipping_amount: "0",
          reason_code: "34",
          taxes: [{ code: "TAXDEFAULT", amount: "0.2" }],
        },
      ]),
    );
    expect(badReason.miraklCode).toBe("REASON_CODE_INVALID");

    const result = await client.refundOrderLines([
      {
        order_line_id: line,
        amount: "10.5",
        shipping_amount: "0",
        reason_code: "15",
        taxes: [{ code: "TAXDEFAULT", amount: "2.1" }],
      },
    ]);
    expect(result.refunds[0]).toMatchObject({ order_line_id: line, amount: "10.5", reason_code: "15" });
    const [refunded] = await client.getOrdersByIds([id]);
    expect(refunded.order_lines[0].refunds[0]).toMatchObject({
      id: result.refunds[0].refund_id,
      refund_state: "WAITING_REFUND",
      amount: "10.5",
    });
    sim.control.advanceClock(3600_000);
    const [settled] = await client.getOrdersByIds([id]);
    expect(settled.order_lines[0].refunds[0].refund_state).toBe("REFUNDED");
  });

  it("auto-refuses at the acceptance deadline with no decision date", async () => {
    const { sim, client } = await setup({ sim: { timings: { acceptanceDeadlineMs: 24 * 3600_000 } } });
    const id = sim.control.createOrder().id;
    sim.control.advanceClock(24 * 3600_000);
    const [order] = await client.getOrdersByIds([id]);
    expect(order.order_state).toBe("REFUSED");
    expect(order.acceptance_decision_date).toBeNull();
  });

  it("refuses partial acceptance when the shop forbids it", async () => {
    const { sim, client } = await setup();
    sim.control.setPartialAcceptance(2001, false);
    const id = sim.control.createOrder({ lines: [{ offer_sku: "S2000" }, { offer_sku: "S2001" }] }).id;
    const error = await failure(
      client.acceptOrderLines(id, [
        { id: `${id}-1`, accepted: true },
        { id: `${id}-2`, accepted: false },
      ]),
    );
    expect(error.miraklCode).toBe("ORDER_PARTIAL_ACCEPTANCE_DISABLED");
  });

  it("cancels while can_cancel and refuses afterwards; cancels single lines with OR30", async () => {
    const { sim, client } = await setup();
    const id = sim.control.createOrder().id;
    await client.acceptOrderLines(id, [{ id: `${id}-1`, accepted: true }]);
    await client.cancelOrder(id);
    expect((await client.getOrdersByIds([id]))[0].order_state).toBe("CANCELED");

    const shipped = sim.control.createOrder({ state: "SHIPPED" }).id;
    expect((await failure(client.cancelOrder(shipped))).miraklCode).toBe("ORDER_INVALID_STATE");

    sim.control.setPartialCancelation(2001, true);
    const two = sim.control.createOrder({
      state: "SHIPPING",
      payment_workflow: "PAY_ON_DELIVERY",
      lines: [{ offer_sku: "S2000", quantity: 2 }, { offer_sku: "S2001" }],
    }).id;
    const result = await client.cancelOrderLines([
      { order_line_id: `${two}-2`, quantity: 1, amount: "19.9", shipping_amount: "4.99", reason_code: "34" },
    ]);
    expect(result.cancelations[0]).toMatchObject({ order_line_id: `${two}-2`, amount: "19.9" });
    const [after] = await client.getOrdersByIds([two]);
    expect(after.order_lines.map((line) => line.order_line_state)).toEqual(["SHIPPING", "CANCELED"]);
  });
});

describe("Mirakl client — offers, stock and prices", () => {
  it("imports stock asynchronously and reports bad lines in the error report", async () => {
    const { sim, client } = await setup();
    const created = await client.importStock([
      { offer_sku: "S2000", quantity: 7 },
      { offer_sku: "NOPE", quantity: 1 },
      { offer_sku: "S2001", quantity: -3 },
    ]);
    const upload = sim.control.calls("STO01")[0];
    expect(upload.contentType).toMatch(/^multipart\/form-data/);
    expect(upload.body).toContain("offer-sku;quantity;warehouse-code;update-delete\nS2000;7;;\nNOPE;1;;\nS2001;-3;;");
    expect((await client.getStockImportStatus(created.import_id)).status).toBe("WAITING");
    sim.control.advanceClock(15_000);
    const status = await client.getStockImportStatus(created.import_id);
    expect(status).toMatchObject({
      status: "COMPLETE",
      lines_in_success: 1,
      lines_in_error: 2,
      has_error_report: true,
    });
    const report = await client.getStockImportErrorReport(created.import_id);
    expect(report.rows.map((row) => [row.line, row.values["offer-sku"]])).toEqual([
      [3, "NOPE"],
      [4, "S2001"],
    ]);
    expect(report.rows[1].reason).toMatch(/positive/);
    expect(sim.control.offer("S2000")!.quantity).toBe(7);
    expect(sim.control.offer("S2001")!.quantity).toBe(50);
  });

  it("uses the operator's comma delimiter when PC01 says so", async () => {
    const { sim, client } = await setup({ sim: { platform: { operatorCsvDelimiter: "COMMA" } } });
    await client.importStock([{ offer_sku: "S2000", quantity: 3 }]);
    expect(sim.control.calls("STO01")[0].body).toContain("offer-sku,quantity,warehouse-code,update-delete\nS2000,3,,");
    sim.control.advanceClock(15_000);
    expect(sim.control.offer("S2000")!.quantity).toBe(3);
  });

  it("imports prices and exposes status and error report", async () => {
    const { sim, client } = await setup();
    const created = await client.importPrices([
      { offer_sku: "S2000", price: "49.99", discount_price: "45" },
      { offer_sku: "GHOST", price: "1" },
    ]);
    sim.control.advanceClock(15_000);
    const status = await client.getPriceImportStatus(created.import_id);
    expect(status).toMatchObject({ status: "COMPLETE", offers_updated: 1, lines_in_error: 1, has_error_report: true });
    const report = await client.getPriceImportErrorReport(created.import_id);
    expect(report.rows).toEqual([
      expect.objectContaining({ line: 3, values: expect.objectContaining({ "offer-sku": "GHOST" }) }),
    ]);
    expect(sim.control.offer("S2000")).toMatchObject({
      price: 49.99,
      discount: expect.objectContaining({ price: 45 }),
    });
  });

  it("OF24 replaces the whole offer: omitted fields are reset", async () => {
    const { sim, client } = await setup();
    await client.upsertOffers([
      {
        shop_sku: "S2000",
        product_id: "S2000",
        product_id_type: "SHOP_SKU",
        price: "60",
        state_code: "11",
        update_delete: "update",
        description: "Shiny",
        quantity: 9,
      },
    ]);
    sim.control.advanceClock(15_000);
    expect(sim.control.offer("S2000")).toMatchObject({ price: 60, quantity: 9, description: "Shiny" });
    sim.control.advanceClock(60_000);
    await client.upsertOffers([
      {
        shop_sku: "S2000",
        product_id: "S2000",
        product_id_type: "SHOP_SKU",
        price: "61",
        state_code: "11",
        update_delete: "update",
      },
    ]);
    sim.control.advanceClock(15_000);
    expect(sim.control.offer("S2000")).toMatchObject({ price: 61, quantity: 0, description: null });
  });

  it("exports offers asynchronously (OF52 → OF53 → OF54)", async () => {
    const { sim, client } = await setup();
    const trackingId = await client.startOfferExport({ include_inactive_offers: true });
    expect((await client.getOfferExportStatus(trackingId)).status).toBe("PENDING");
    sim.control.advanceClock(30_000);
    const status = await client.getOfferExportStatus(trackingId);
    expect(status.status).toBe("COMPLETED");
    const offers = await client.downloadOfferExportChunk(status.urls[0]);
    expect(offers.map((offer) => offer.shop_sku).sort()).toEqual(["S2000", "S2001", "S2002"]);
    expect(offers.find((offer) => offer.shop_sku === "S2001")?.prices[0].origin_price).toBe("19.9");
  });
});

describe("Mirakl client — accounting", () => {
  it("follows TL02 seek pages to the end, sending only page_token after the first page", async () => {
    const { sim, client } = await setup();
    sim.control.createOrders(3, { state: "SHIPPING" });
    const lines = [];
    for await (const line of client.iterateTransactionLogs({ limit: 4 })) lines.push(line);
    expect(lines).toHaveLength(9);
    expect(new Set(lines.map((line) => line.id)).size).toBe(9);
    const calls = sim.control.calls("TL02").map((call) => new URL(call.path, sim.url).searchParams);
    expect(calls).toHaveLength(3);
    expect(calls[0].get("limit")).toBe("4");
    expect([...calls[1].keys()]).toEqual(["page_token"]);
  });

  it("lists invoices across offset pages", async () => {
    const { sim, client } = await setup();
    for (let index = 0; index < 120; index += 1)
      sim.simulator.control.addInvoice(2001, { total_excl: 10 + index, total_incl: 12 + index });
    const invoices = await client.listInvoices();
    expect(invoices).toHaveLength(120);
    expect(invoices[119].total_amount_excl_taxes).toBe("129");
  });
});
