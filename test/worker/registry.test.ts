import { describe, expect, it } from "vitest";
import { allUnitKinds, workUnits } from "~/worker/registry.server";
import { allTasks } from "~/sync/index.server";

describe("the work-unit registry", () => {
  it("keeps the kind and key strings existing WorkUnit rows were stored with", () => {
    const connectionId = "cm0connection";
    const shop = "registry.myshopify.com";
    expect(
      allUnitKinds.map((unit) => [
        unit.kind,
        unit.scope === "singleton" ? unit.key : unit.key(unit.scope === "shop" ? shop : connectionId),
      ]),
    ).toEqual([
      ["webhook-inbox", `webhook-inbox:${shop}`],
      ["webhook-inbox-sweep", "webhook-inbox-sweep"],
      ["catalog-refresh", `catalog-refresh:${shop}`],
      ["stock-recompute", `stock-recompute:${shop}`],
      ["stock-push", `stock-push:${connectionId}`],
      ["price-push", `price-push:${connectionId}`],
      ["offer-create", `offer-create:${connectionId}`],
      ["stock-reconcile", `stock-reconcile:${connectionId}`],
      ["stock-reconcile-scheduler", "stock-reconcile-scheduler"],
      ["order-intake", `order-intake:${connectionId}`],
      ["order-acceptance", `order-acceptance:${connectionId}`],
      ["shopify-orders", `shopify-orders:${connectionId}`],
      ["fulfilments", `fulfilments:${connectionId}`],
      ["refunds", `refunds:${connectionId}`],
      ["reservation-holds", `reservation-holds:${shop}`],
      ["mirakl-call-prune", "mirakl-call-prune"],
      ["api-key-reencrypt", "api-key-reencrypt"],
    ]);
  });

  it("reads back the id a key was made from, and refuses another kind's key", () => {
    for (const unit of allUnitKinds) {
      if (unit.scope === "singleton") continue;
      for (const id of ["cm0abc", "a-shop.myshopify.com", "with:colon"]) expect(unit.idOf(unit.key(id))).toBe(id);
    }
    expect(() => workUnits.stockPush.idOf(workUnits.pricePush.key("cm0abc"))).toThrow(/not of kind stock-push/);
    // A kind that is a prefix of another must not read the other's keys as its own.
    expect(() => workUnits.webhookInbox.idOf(workUnits.webhookInboxSweep.key)).toThrow();
  });

  it("declares no kind twice", () => {
    const kinds = allUnitKinds.map((unit) => unit.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it("declares every kind the worker runs, with the lease the task claims it under", () => {
    const declared = new Map(allUnitKinds.map((unit) => [unit.kind, unit]));
    const tasks = allTasks();
    for (const task of tasks) {
      expect(declared.has(task.kind), `${task.kind} is declared in the registry`).toBe(true);
      expect(task.leaseMs).toBe(declared.get(task.kind)!.leaseMs);
    }
    const run = tasks.map((task) => task.kind);
    expect(new Set(run).size).toBe(run.length); // one task per kind
    expect([...declared.keys()].filter((kind) => !run.includes(kind))).toEqual([]); // and no kind nobody runs
  });
});
