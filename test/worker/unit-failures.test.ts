import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { retryFor } from "~/exceptions/retries.server";
import { ShopifyAccessLostError } from "~/integrations/shopify/errors";
import { registerFlows } from "~/sync/index.server";
import { ConnectionUnitKind, ShopUnitKind } from "~/worker/registry.server";
import { claimDueUnit, markDirty } from "~/worker/work-units.server";
import { Worker } from "~/worker/worker.server";

/**
 * Nothing fails silently: a unit that keeps failing, or keeps killing its worker, becomes a WORKER_TASK_FAILED
 * exception and backs off; a lost Shopify access is reported as such (SHOPIFY_ACCESS_LOST, by the client), not
 * again as a failing task.
 */

beforeAll(async () => {
  await ensureDatabaseReady();
});

// Starts at the real time: Retry (as the queue calls it) marks the unit due at the real time.
let clock = Date.now();
const now = () => new Date(clock);
/** Past any backoff (15 minutes at most). */
const afterBackoff = () => (clock += 16 * 60_000);
const workerAt = (handlers: ConstructorParameters<typeof Worker>[0]["handlers"]) =>
  new Worker({ handlers, id: "failures-test", now });
const exceptionsOf = (shop: string) =>
  prisma.syncException.findMany({ where: { shop }, orderBy: { firstSeenAt: "asc" } });

describe("a unit that keeps failing", () => {
  it("after 5 failures in a row raises WORKER_TASK_FAILED naming its kind and last error; Retry runs it; success closes it", async () => {
    const shop = "failing-unit.myshopify.com";
    const kind = new ConnectionUnitKind("failing-connection-test", 2_000);
    let runs = 0;
    let healthy = false;
    const task = kind.task(async () => {
      runs++;
      if (!healthy) throw new Error(`Mirakl answered 500 (run ${runs})`);
      return { nextDueAt: null };
    });
    const worker = workerAt([task]);
    await kind.markDirty("conn-1", shop, now());

    for (let failure = 1; failure <= 4; failure++) {
      expect(await worker.runOnce()).toBe(true);
      afterBackoff();
    }
    expect(await exceptionsOf(shop)).toEqual([]); // a passing outage is not reported

    expect(await worker.runOnce()).toBe(true);
    const [raised] = await exceptionsOf(shop);
    expect(raised).toMatchObject({
      kind: "WORKER_TASK_FAILED",
      status: "OPEN",
      connectionId: "conn-1",
      entityType: "WorkUnit",
      entityId: kind.key("conn-1"),
    });
    expect(raised!.message).toContain('"failing-connection-test"');
    expect(raised!.message).toContain("5 times in a row");
    expect(raised!.message).toContain("Mirakl answered 500 (run 5)");
    expect(raised!.fixHint).toMatch(/Retry/);

    afterBackoff();
    await worker.runOnce();
    expect(await exceptionsOf(shop)).toMatchObject([{ occurrences: 2, message: expect.stringContaining("(run 6)") }]);

    // Retry from the queue runs it now, in the middle of its backoff.
    healthy = true;
    registerFlows();
    expect(await retryFor("WorkUnit")!(shop, kind.key("conn-1"), raised!)).toBe(true);
    expect(await worker.runOnce()).toBe(true);
    expect(runs).toBe(7);
    expect(await exceptionsOf(shop)).toMatchObject([{ kind: "WORKER_TASK_FAILED", status: "RESOLVED" }]);
    expect(await prisma.workUnit.findUniqueOrThrow({ where: { key: kind.key("conn-1") } })).toMatchObject({
      attempts: 0,
      lastError: null,
    });
  });

  it("Retry refuses another shop's unit", async () => {
    const kind = new ShopUnitKind("retry-scope-test", 2_000);
    await kind.markDirty("owner.myshopify.com", now());
    registerFlows();
    expect(await retryFor("WorkUnit")!("intruder.myshopify.com", kind.key("owner.myshopify.com"), {} as never)).toBe(
      false,
    );
  });

  it("a lost Shopify access is not reported again as a failing task", async () => {
    const shop = "access-lost-unit.myshopify.com";
    const kind = new ShopUnitKind("access-lost-test", 2_000);
    const task = kind.task(async () => {
      throw new ShopifyAccessLostError("offline session", "no-session", "no session");
    });
    const worker = workerAt([task]);
    await kind.markDirty(shop, now());
    for (let failure = 1; failure <= 6; failure++) {
      expect(await worker.runOnce()).toBe(true);
      afterBackoff();
    }
    expect(await prisma.syncException.count({ where: { shop, kind: "WORKER_TASK_FAILED" } })).toBe(0);
    expect((await prisma.workUnit.findUniqueOrThrow({ where: { key: kind.key(shop) } })).attempts).toBe(6);
  });
});

describe("a unit whose run kills its worker", () => {
  it("is not taken up again as soon as its lease runs out: it backs off longer each time, and after 5 is reported", async () => {
    const shop = "crashing-unit.myshopify.com";
    const kind = new ShopUnitKind("crashing-test", 10_000);
    const key = kind.key(shop);
    await markDirty(key, kind.kind, shop, now());

    // Each claim below is a worker that dies while running the unit: nothing completes it, its lease runs out.
    const gaps: number[] = [];
    let dead = await claimDueUnit("dying-worker", [kind.kind], kind.leaseMs, now());
    expect(dead).toMatchObject({ attempts: 1, previousRunAbandoned: false });
    for (let crash = 1; crash < 5; crash++) {
      const leaseRanOut = dead!.leaseExpiresAt!.getTime();
      clock = leaseRanOut + 1;
      expect(await claimDueUnit("other-worker", [kind.kind], kind.leaseMs, now())).toBeNull();
      // Taken up again only after a backoff that grows with the crashes in a row.
      let found = null;
      while (!found) {
        clock += 500;
        found = await claimDueUnit("dying-worker", [kind.kind], kind.leaseMs, now());
      }
      gaps.push(clock - leaseRanOut);
      expect(found).toMatchObject({ attempts: crash + 1, previousRunAbandoned: true });
      expect(found.lastError).toMatch(/stopped without finishing/);
      dead = found;
    }
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]! * 4);
    expect(await exceptionsOf(shop)).toEqual([]);

    // A live worker takes it up after the fifth crash: it is reported before it runs (it may crash again), ...
    let ran = false;
    const worker = workerAt([
      kind.task(async () => {
        ran = true;
        expect(await exceptionsOf(shop)).toMatchObject([{ kind: "WORKER_TASK_FAILED", status: "OPEN" }]);
        return { nextDueAt: null };
      }),
    ]);
    clock = dead!.leaseExpiresAt!.getTime() + 16 * 60_000;
    expect(await worker.runOnce()).toBe(true);
    expect(ran).toBe(true);
    const [raised] = await exceptionsOf(shop);
    expect(raised!.message).toContain('"crashing-test"');
    expect(raised!.message).toMatch(/stopped without finishing/);
    // ... and closed once it succeeds.
    expect(raised!.status).toBe("RESOLVED");
  });
});
