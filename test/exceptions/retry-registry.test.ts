import { describe, expect, it } from "vitest";
import { isRetryable, registerRetry, retryableEntityTypes, retryFor } from "~/exceptions/retries.server";
import { registerFlows } from "~/sync/index.server";

describe("the exceptions queue's retry registry", () => {
  it("is filled by the composition root for every entity type that has a retry", () => {
    registerFlows();
    registerFlows(); // idempotent: the web process and the worker may both call it
    expect(retryableEntityTypes().sort()).toEqual(
      [
        "MarketplaceConnection",
        "MarketplaceOrder",
        "MarketplaceRefund",
        "MarketplaceShipment",
        "MiraklOrder",
        "MiraklOrderLine",
        "OfferStock",
        "ReconcileRun",
        "StockImport",
        "WebhookDelivery",
        "WorkUnit",
      ].sort(),
    );
    expect(isRetryable("OfferStock")).toBe(true);
    expect(isRetryable("Shop")).toBe(false); // a catalogue refresh is started again by itself
    expect(isRetryable("MarketplaceOrderLine")).toBe(false); // a refused line: Mirakl has the decision
  });

  it("refuses a second, different retry for one entity type", () => {
    registerFlows();
    expect(() => registerRetry("OfferStock", async () => false)).toThrow(/already registered/);
    const other = { retryOtherThing: async () => false };
    expect(() => registerRetry("OfferStock", other.retryOtherThing)).toThrow(/already registered/);
  });

  it("takes the same function made again (its module reloaded by the dev server) in place of the old one", async () => {
    const first = { retrySomething: async () => false };
    const reloaded = { retrySomething: async () => true };
    registerRetry("HotReloaded", first.retrySomething);
    expect(() => registerRetry("HotReloaded", reloaded.retrySomething)).not.toThrow();
    expect(await retryFor("HotReloaded")!("shop", "id", { connectionId: null, kind: "WORKER_FAILED" as never })).toBe(
      true,
    );
  });
});
