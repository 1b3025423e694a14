import { afterEach, describe, expect, it } from "vitest";
import {
  createManualClock,
  createMiraklClient,
  createRateLimiter,
  MIRAKL_RATE_RULES,
  MiraklInvalidResponseError,
  MiraklNotFoundError,
  MiraklRateLimitedError,
  type MiraklClient,
  type RateRule,
} from "~/integrations/mirakl";
import { SIM_RATE_PROFILES, startMiraklSimulator, type RunningMiraklSimulator, type SimulatorOptions } from "./index";

/*
 * What Mirakl's imports do on a bad day, reproduced through the control API: an import that never finishes, one
 * that fails, one whose error report is lost or broken; OF24's own status (OF02), error report (OF03) and the OF21
 * look-up; and rate-limit profiles that are the simulator's own, so a client pacing by a wrong table earns 429s.
 */

let sim: RunningMiraklSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions = {}) {
  sim = await startMiraklSimulator({ startTime: "2026-03-02T08:00:00Z", rateLimits: "off", ...options });
  return sim;
}

/** The app's client on the simulator's clock, paced by `rules` (default: none), never retrying. */
function clientFor(s: RunningMiraklSimulator, rules: Readonly<Record<string, RateRule>> = {}) {
  const clock = createManualClock(s.control.now(), (ms) => s.control.advanceClock(ms));
  return createMiraklClient({
    baseUrl: s.url,
    apiKey: s.keys.single,
    connectionId: "sim-imports",
    clock,
    limiter: createRateLimiter({ clock, rules }),
    retry: { retries: 0 },
    csvDelimiter: ";",
  });
}

const control = (s: RunningMiraklSimulator, method: string, route: string, body?: unknown) =>
  fetch(`${s.url}/_sim/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

const HOUR = 3600_000;
const newOffer = (sku: string, quantity: number) => ({
  shop_sku: sku,
  product_id: "4006381333931",
  product_id_type: "EAN",
  price: "24.9",
  state_code: "11",
  update_delete: "update" as const,
  quantity,
});

describe("imports that hang, fail or lose their report", () => {
  it("an STO01 import told to hang stays WAITING for hours, and completes once released", async () => {
    const s = await start();
    const client = clientFor(s);
    const scripted = await control(s, "POST", "imports/outcomes", { operation: "STO01", outcome: "hang-waiting" });
    expect(scripted.status).toBe(200);
    const stuck = await client.importStock([{ offer_sku: "S2000", quantity: 4 }]);
    const next = await client.importStock([{ offer_sku: "S2001", quantity: 5 }]); // only the next import was told
    s.control.advanceClock(6 * HOUR);
    expect((await client.getStockImportStatus(stuck.import_id)).status).toBe("WAITING");
    expect((await client.getStockImportStatus(next.import_id)).status).toBe("COMPLETE");
    expect(s.control.offer("S2000")!.quantity).not.toBe(4);

    const released = await control(s, "PUT", `imports/${stuck.import_id}`, { outcome: "complete" });
    expect(await released.json()).toMatchObject({ import_id: stuck.import_id, status: "COMPLETE" });
    expect(s.control.offer("S2000")!.quantity).toBe(4);
  });

  it("an import in flight can be made to hang RUNNING, or to fail with nothing applied", async () => {
    const s = await start();
    const client = clientFor(s);
    const running = await client.importStock([{ offer_sku: "S2000", quantity: 4 }]);
    s.control.setImportOutcome(running.import_id, "hang-running");
    s.control.advanceClock(HOUR);
    expect((await client.getStockImportStatus(running.import_id)).status).toBe("RUNNING");

    s.control.scriptImportOutcome({ operation: "PRI01", outcome: "fail" });
    const prices = await client.importPrices([{ offer_sku: "S2001", price: "99" }]);
    s.control.advanceClock(15_000);
    const status = await client.getPriceImportStatus(prices.import_id);
    expect(status).toMatchObject({ status: "FAILED", has_error_report: false });
    expect(status.reason_status).toBeTruthy();
    expect(s.control.offer("S2001")!.price).not.toBe(99);
    expect(s.control.imports().map((entry) => [entry.operation, entry.status, entry.outcome])).toEqual([
      ["STO01", "RUNNING", "hang-running"],
      ["PRI01", "FAILED", "fail"],
    ]);
  });

  it("an import whose report is lost says it has one, then answers 404; a broken report is no CSV file", async () => {
    const s = await start();
    const client = clientFor(s);
    s.control.scriptImportOutcome({ operation: "STO01", outcome: "report-missing" });
    s.control.scriptImportOutcome({ operation: "PRI01", outcome: "report-unparsable" });
    const stock = await client.importStock([
      { offer_sku: "S2000", quantity: 2 },
      { offer_sku: "NOPE", quantity: 1 },
    ]);
    const prices = await client.importPrices([
      { offer_sku: "S2000", price: "12" },
      { offer_sku: "NOPE", price: "1" },
    ]);
    s.control.advanceClock(15_000);
    expect(await client.getStockImportStatus(stock.import_id)).toMatchObject({
      status: "COMPLETE",
      has_error_report: true,
      lines_in_error: 1,
    });
    expect(s.control.offer("S2000")!.quantity).toBe(2); // the good line went through
    expect(await failure(client.getStockImportErrorReport(stock.import_id))).toBeInstanceOf(MiraklNotFoundError);
    const broken = await failure(client.getPriceImportErrorReport(prices.import_id));
    expect(broken).toBeInstanceOf(MiraklInvalidResponseError);
    expect((broken as Error).message).toMatch(/not a readable CSV/);

    // Restored, the same reports read as usual.
    s.control.setImportOutcome(stock.import_id, "complete");
    s.control.setImportOutcome(prices.import_id, "complete");
    expect(
      (await client.getStockImportErrorReport(stock.import_id)).rows.map((row) => row.values["offer-sku"]),
    ).toEqual(["NOPE"]);
    expect((await client.getPriceImportErrorReport(prices.import_id)).rows).toHaveLength(1);
  });

  it("refuses unknown operations, outcomes and imports", async () => {
    const s = await start();
    expect((await control(s, "POST", "imports/outcomes", { operation: "OR11", outcome: "fail" })).status).toBe(400);
    expect((await control(s, "POST", "imports/outcomes", { operation: "STO01", outcome: "explode" })).status).toBe(400);
    expect((await control(s, "PUT", "imports/no-such-import", { outcome: "complete" })).status).toBe(404);
    const client = clientFor(s);
    const done = await client.importStock([{ offer_sku: "S2000", quantity: 1 }]);
    s.control.advanceClock(15_000);
    // A finished import cannot start hanging; only its report can be lost.
    expect((await control(s, "PUT", `imports/${done.import_id}`, { outcome: "hang-waiting" })).status).toBe(400);
  });
});

describe("OF24 has its import status (OF02) and error report (OF03)", () => {
  it("follows an OF24 import to COMPLETE with inserted, updated and rejected offers, and lists their lines", async () => {
    const s = await start();
    const client = clientFor(s);
    const created = await client.upsertOffers([
      newOffer("LAMP-1", 6),
      { ...newOffer("S2000", 3), product_id: "S2000", product_id_type: "SHOP_SKU" }, // exists: replaced
      { ...newOffer("LAMP-2", 1), price: "-1" },
    ]);
    const waiting = await client.getOfferImportStatus(created.import_id);
    expect(waiting).toMatchObject({ status: "WAITING", lines_in_pending: 3, lines_in_error: 0 });
    s.control.advanceClock(15_000);
    const done = await client.getOfferImportStatus(created.import_id);
    expect(done).toMatchObject({
      status: "COMPLETE",
      has_error_report: true,
      lines_read: 3,
      lines_in_success: 2,
      lines_in_error: 1,
      offer_inserted: 1,
      offer_updated: 1,
    });
    const report = await client.getOfferImportErrorReport(created.import_id);
    expect(report.csv.split("\n")[0]).toMatch(/error-line;error-message$/);
    expect(report.rows).toEqual([
      expect.objectContaining({ line: 3, values: expect.objectContaining({ sku: "LAMP-2", price: "-1" }) }),
    ]);
    expect(report.rows[0].reason).toMatch(/price/);
  });

  it("refuses to create an offer on a product the catalogue lacks, as in Mirakl's OF03 example", async () => {
    const s = await start();
    const client = clientFor(s);
    expect((await control(s, "PUT", "products/unknown", { productIds: ["4006381333948"] })).status).toBe(200);
    const created = await client.upsertOffers([
      newOffer("LAMP-1", 6),
      { ...newOffer("LAMP-4", 2), product_id: "4006381333948" },
    ]);
    s.control.advanceClock(15_000);
    expect(await client.getOfferImportStatus(created.import_id)).toMatchObject({
      lines_in_error: 1,
      offer_inserted: 1,
    });
    expect((await client.getOfferImportErrorReport(created.import_id)).rows).toEqual([
      { line: 2, reason: "The product does not exist", values: expect.objectContaining({ sku: "LAMP-4" }) },
    ]);
    expect(s.control.offer("LAMP-4")).toBeUndefined();
  });

  it("OF24 imports hang, fail and lose their report like the others", async () => {
    const s = await start();
    const client = clientFor(s);
    s.control.scriptImportOutcome({ operation: "OF24", outcome: "hang-waiting" });
    const stuck = await client.upsertOffers([newOffer("LAMP-1", 6)]);
    s.control.scriptImportOutcome({ operation: "OF24", outcome: "fail" });
    const failed = await client.upsertOffers([newOffer("LAMP-2", 6)]);
    s.control.scriptImportOutcome({ operation: "OF24", outcome: "report-missing" });
    const lost = await client.upsertOffers([{ ...newOffer("LAMP-3", 6), price: "-1" }]);
    s.control.advanceClock(HOUR);
    expect((await client.getOfferImportStatus(stuck.import_id)).status).toBe("WAITING");
    expect(await client.getOfferImportStatus(failed.import_id)).toMatchObject({ status: "FAILED" });
    expect(s.control.offer("LAMP-2")).toBeUndefined();
    expect(await client.getOfferImportStatus(lost.import_id)).toMatchObject({ has_error_report: true });
    expect(await failure(client.getOfferImportErrorReport(lost.import_id))).toBeInstanceOf(MiraklNotFoundError);
  });

  it("OF21 finds an offer by its exact SKU, the deleted ones excepted", async () => {
    const s = await start();
    const client = clientFor(s);
    s.control.addOffer(2001, { shop_sku: "LAMP", quantity: 2 });
    s.control.addOffer(2001, { shop_sku: "LAMP-XL", quantity: 2 });
    expect(await client.findOfferBySku("LAMP")).toMatchObject({ shop_sku: "LAMP", quantity: 2, active: true });
    expect(await client.findOfferBySku("LAMP-X")).toBeNull();
    await client.upsertOffers([{ ...newOffer("LAMP", 0), update_delete: "delete" }]);
    s.control.advanceClock(15_000);
    expect(await client.findOfferBySku("LAMP")).toBeNull();
  });
});

describe("rate-limit profiles are the simulator's own", () => {
  it('"partner" allows one OR11 per 15 minutes: a client paced by its own one-a-minute table earns a 429', async () => {
    const s = await start({ rateLimits: "partner" });
    const client: MiraklClient = clientFor(s, MIRAKL_RATE_RULES);
    await client.listAllOrders();
    const limited = await failure(client.listAllOrders()); // the client waited its minute; Mirakl wants 15
    expect(limited).toBeInstanceOf(MiraklRateLimitedError);
    expect((limited as MiraklRateLimitedError).retryAfterMs).toBe(14 * 60_000);
    s.control.advanceClock(14 * 60_000);
    expect(await client.listAllOrders()).toEqual([]);
    // The profile left the other operations at Mirakl's published maximums.
    expect(s.control.rateLimits()).toEqual({ ...SIM_RATE_PROFILES.mirakl, OR11: { minIntervalMs: 15 * 60_000 } });
  });

  it("is chosen and adjusted through the control API, a profile with some operations overridden", async () => {
    const s = await start();
    const set = async (body: unknown) => {
      const response = await control(s, "PUT", "rate-limits", body);
      return { status: response.status, rules: (await response.json()) as Record<string, unknown> };
    };
    expect((await set({ profile: "partner" })).rules.OR11).toEqual({ minIntervalMs: 900_000 });
    const adjusted = await set({ profile: "mirakl", rules: { STO02: { minIntervalMs: 60_000 }, TL02: {} } });
    expect(adjusted.rules).toMatchObject({
      OR11: { minIntervalMs: 60_000 },
      STO02: { minIntervalMs: 60_000 },
      TL02: {},
    });
    expect((await set({ rules: { OR11: { maxPerHour: 4 } } })).rules).toEqual({ OR11: { maxPerHour: 4 } });
    expect((await set({ mode: "off" })).rules).toEqual({});
    expect((await set({ profile: "fast" })).status).toBe(400);
    expect(await (await control(s, "GET", "rate-limits")).json()).toEqual({});
  });
});
