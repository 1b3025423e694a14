import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import {
  FAILURE_KEPT_MS,
  REASONS_KEPT_MS,
  forgetRefundReasons,
  reasonText,
  refundReasonsFor,
} from "~/connections/refund-reasons.server";
import { installShop } from "../helpers/app";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";
import { MARKETPLACE_REASONS, SPEC_REASONS } from "../simulators/mirakl/fixtures";

/** RE01 reasons for the refund pages: the shop's own per type, every label, kept a day, and a readable failure. */

let sim: RunningMiraklSimulator;
let testCount = 0;
let shop: string;
let connectionId: string;

beforeAll(async () => {
  sim = await startMiraklSimulator({ port: 0, rateLimits: "off", reasons: MARKETPLACE_REASONS });
});
afterAll(async () => sim?.close());
beforeEach(async () => {
  forgetRefundReasons();
  sim.control.setReasons(MARKETPLACE_REASONS);
  sim.control.clearFaults();
  sim.control.clearCalls();
  shop = `refund-reasons-${++testCount}.myshopify.com`;
  await installShop(shop);
  connectionId = (await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single })).id;
});

describe("refund reasons", () => {
  it("offers the REFUND and CANCELATION reasons the shop may use, and labels the operator's too", async () => {
    const read = await refundReasonsFor(shop, connectionId);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.reasons.refund).toEqual([
      { code: "15", label: "Out of stock" },
      { code: "16", label: "Damaged item" },
    ]);
    expect(read.reasons.cancelation).toEqual([{ code: "34", label: "Cancelled by the client prior to shipping" }]);
    expect(read.reasons.labels.REFUND["18"]).toBe("Commercial gesture");
    expect(read.reasons.labels.CANCELATION["35"]).toBe("Cancelled by customer service");
    // Messaging and incident reasons are no refund's.
    expect(read.reasons.labels.REFUND["26"]).toBeUndefined();
    expect(reasonText("18", read.reasons.labels.REFUND)).toBe("Commercial gesture (18)");
    expect(reasonText("99", read.reasons.labels.REFUND)).toBe("99");
    expect(reasonText(null, read.reasons.labels.REFUND)).toBeNull();
  });

  it("reads Mirakl once a day per connection, and again when the connection's credentials change", async () => {
    const start = new Date();
    await refundReasonsFor(shop, connectionId, { now: start });
    sim.control.setReasons(SPEC_REASONS);
    const later = await refundReasonsFor(shop, connectionId, { now: new Date(start.getTime() + REASONS_KEPT_MS - 1) });
    expect(later.ok && later.reasons.refund.map((r) => r.code)).toEqual(["15", "16"]);
    expect(sim.control.calls("RE01")).toHaveLength(1);
    const nextDay = await refundReasonsFor(shop, connectionId, { now: new Date(start.getTime() + REASONS_KEPT_MS) });
    expect(nextDay.ok && nextDay.reasons.refund.map((r) => r.code)).toEqual(["15"]);
    expect(sim.control.calls("RE01")).toHaveLength(2);
    await prisma.marketplaceConnection.update({
      where: { id: connectionId },
      data: { apiKeyUpdatedAt: new Date(start.getTime() + 1000) },
    });
    await refundReasonsFor(shop, connectionId, { now: new Date(start.getTime() + REASONS_KEPT_MS + 1) });
    expect(sim.control.calls("RE01")).toHaveLength(3);
  });

  it("says why when Mirakl fails, remembers it a minute, then reads again", async () => {
    sim.control.scriptFault({ operation: "RE01", status: 500 });
    const start = new Date();
    const failed = await refundReasonsFor(shop, connectionId, { now: start });
    expect(failed).toEqual({
      ok: false,
      problem: "Mirakl could not be reached for its reasons: try again in a minute.",
    });
    expect((await refundReasonsFor(shop, connectionId, { now: new Date(start.getTime() + 1000) })).ok).toBe(false);
    expect(sim.control.calls("RE01")).toHaveLength(1);
    const again = await refundReasonsFor(shop, connectionId, { now: new Date(start.getTime() + FAILURE_KEPT_MS) });
    expect(again.ok).toBe(true);
  });

  it("does not keep a page waiting: past the wait it answers without them, and the read fills the memory", async () => {
    sim.control.setFaults({ latencyMs: 400, operations: ["RE01"] });
    const hurried = await refundReasonsFor(shop, connectionId, { waitMs: 20 });
    expect(hurried).toEqual({
      ok: false,
      problem: "Mirakl has not answered yet with its reasons: reload the page in a moment.",
    });
    await expect.poll(async () => (await refundReasonsFor(shop, connectionId, { waitMs: 0 })).ok).toBe(true);
    expect(sim.control.calls("RE01")).toHaveLength(1);
  });

  it("a disabled, keyless or other shop's connection is not read", async () => {
    await prisma.marketplaceConnection.update({ where: { id: connectionId }, data: { enabled: false } });
    expect(await refundReasonsFor(shop, connectionId)).toMatchObject({ ok: false, problem: /disabled/ });
    expect(await refundReasonsFor("someone-else.myshopify.com", connectionId)).toEqual({
      ok: false,
      problem: "No such connection.",
    });
    expect(sim.control.calls("RE01")).toHaveLength(0);
  });
});
