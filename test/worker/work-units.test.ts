import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import {
  borrowLease,
  claimDueUnit,
  completeUnit,
  markDirty,
  renewLease,
  returnLease,
} from "~/worker/work-units.server";

beforeAll(async () => {
  await ensureDatabaseReady();
});

const t0 = new Date("2026-11-22T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("work unit leases", () => {
  it("lets only one worker claim a due unit", async () => {
    await markDirty("k:one", "test", "a.myshopify.com", t0);
    const first = await claimDueUnit("worker-a", ["test"], 10_000, at(1));
    const second = await claimDueUnit("worker-b", ["test"], 10_000, at(2));
    expect(first?.key).toBe("k:one");
    expect(second).toBeNull();
    await completeUnit(first!, { nextDueAt: null }, at(3));
  });

  it("hands an expired lease to another worker (after the first crash's 2 s backoff) and fences the old holder", async () => {
    await markDirty("k:crash", "test-crash", null, t0);
    const dead = await claimDueUnit("worker-a", ["test-crash"], 5_000, at(1));
    expect(dead).not.toBeNull();
    expect(await claimDueUnit("worker-b", ["test-crash"], 5_000, at(4_000))).toBeNull();
    expect(await claimDueUnit("worker-b", ["test-crash"], 5_000, at(6_000))).toBeNull(); // lease out at 5 001, + 2 s
    const takeover = await claimDueUnit("worker-b", ["test-crash"], 5_000, at(7_100));
    expect(takeover?.leaseOwner).toBe("worker-b");
    expect(takeover!.leaseToken).toBe(dead!.leaseToken + 1);
    expect(takeover).toMatchObject({ previousRunAbandoned: true, attempts: 2 });
    // The crashed worker comes back: it can neither renew nor complete.
    expect(await renewLease(dead!, 5_000, at(7_500))).toBe(false);
    expect(await completeUnit(dead!, { nextDueAt: null }, at(7_600))).toBe(false);
    expect(await completeUnit(takeover!, { nextDueAt: null }, at(8_000))).toBe(true);
  });

  it("keeps a mark made while the unit was running", async () => {
    await markDirty("k:dirty", "test-dirty", null, t0);
    const unit = await claimDueUnit("worker-a", ["test-dirty"], 10_000, at(1));
    await markDirty("k:dirty", "test-dirty", null, at(2)); // a webhook arrives mid-run
    await completeUnit(unit!, { nextDueAt: at(3_600_000) }, at(3));
    const again = await claimDueUnit("worker-a", ["test-dirty"], 10_000, at(4));
    expect(again?.key).toBe("k:dirty");
    await completeUnit(again!, { nextDueAt: at(3_600_000) }, at(5));
    expect(await claimDueUnit("worker-a", ["test-dirty"], 10_000, at(6))).toBeNull();
    const row = await prisma.workUnit.findUniqueOrThrow({ where: { key: "k:dirty" } });
    expect(row.dueAt.toISOString()).toBe(at(3_600_000).toISOString());
  });

  it("a mark made while the unit runs sets when the run after starts: a delayed mark is kept, an immediate one wins", async () => {
    await markDirty("k:settle", "test-settle", null, t0);
    const unit = await claimDueUnit("worker-a", ["test-settle"], 10_000, at(1));
    // A burst's deliveries ask for the unit 200 ms after each (gathering them in one run): the first mark counts.
    expect((await markDirty("k:settle", "test-settle", null, at(202))).toISOString()).toBe(at(202).toISOString());
    expect((await markDirty("k:settle", "test-settle", null, at(250))).toISOString()).toBe(at(202).toISOString());
    await completeUnit(unit!, { nextDueAt: at(3_600_000) }, at(100));
    expect(await claimDueUnit("worker-a", ["test-settle"], 10_000, at(150))).toBeNull();
    const gathered = await claimDueUnit("worker-a", ["test-settle"], 10_000, at(202));
    expect(gathered?.key).toBe("k:settle");
    // While that run goes on, a delayed mark and then an immediate one (an operator's Retry): the sooner wins.
    await markDirty("k:settle", "test-settle", null, at(500));
    await markDirty("k:settle", "test-settle", null, at(210));
    await completeUnit(gathered!, { nextDueAt: null }, at(220));
    expect((await claimDueUnit("worker-a", ["test-settle"], 10_000, at(221)))?.key).toBe("k:settle");
  });

  it("a failed run keeps its backoff even when marked dirty meanwhile", async () => {
    await markDirty("k:failing", "test-failing", null, t0);
    const unit = await claimDueUnit("worker-a", ["test-failing"], 10_000, at(1));
    await markDirty("k:failing", "test-failing", null, at(2)); // webhooks keep coming
    await completeUnit(unit!, { nextDueAt: at(30_000), error: "Mirakl answered 503" }, at(3));
    expect(await claimDueUnit("worker-a", ["test-failing"], 10_000, at(4))).toBeNull();
    expect((await claimDueUnit("worker-a", ["test-failing"], 10_000, at(30_000)))?.key).toBe("k:failing"); // the mark is served then
  });

  it("a borrowed lease keeps the unit from running (and the unit's run keeps it from being borrowed), schedule untouched", async () => {
    await markDirty("k:borrowed", "test-borrowed", "a.myshopify.com", t0);
    const borrowed = await borrowLease("k:borrowed", "test-borrowed", "a.myshopify.com", "push", 10_000, at(1));
    expect(borrowed?.leaseOwner).toBe("push");
    expect(await borrowLease("k:borrowed", "test-borrowed", "a.myshopify.com", "other", 10_000, at(2))).toBeNull();
    expect(await claimDueUnit("worker-a", ["test-borrowed"], 10_000, at(3))).toBeNull();
    await returnLease(borrowed!);
    const row = await prisma.workUnit.findUniqueOrThrow({ where: { key: "k:borrowed" } });
    expect(row).toMatchObject({ attempts: 0, version: 1, leaseOwner: null, leaseExpiresAt: null });
    expect(row.dueAt.toISOString()).toBe(t0.toISOString());

    const run = await claimDueUnit("worker-a", ["test-borrowed"], 10_000, at(4));
    expect(run?.key).toBe("k:borrowed");
    expect(await borrowLease("k:borrowed", "test-borrowed", "a.myshopify.com", "push", 10_000, at(5))).toBeNull();
    await completeUnit(run!, { nextDueAt: null }, at(6));
    expect(await borrowLease("k:borrowed", "test-borrowed", "a.myshopify.com", "push", 10_000, at(7))).not.toBeNull();
  });

  it("borrowing a unit that does not exist yet creates it idle, and a dead borrower's lease expires", async () => {
    const borrowed = await borrowLease("k:new", "test-new", "b.myshopify.com", "push", 5_000, at(1));
    expect(borrowed).toMatchObject({ key: "k:new", kind: "test-new", shop: "b.myshopify.com", attempts: 0 });
    expect(borrowed!.dueAt.getUTCFullYear()).toBe(9999);
    expect(await borrowLease("k:new", "test-new", "b.myshopify.com", "again", 5_000, at(4_000))).toBeNull();
    const after = await borrowLease("k:new", "test-new", "b.myshopify.com", "again", 5_000, at(6_000));
    expect(after?.leaseOwner).toBe("again");
    await returnLease(borrowed!); // the dead borrower comes back: the new holder keeps its lease
    expect((await prisma.workUnit.findUniqueOrThrow({ where: { key: "k:new" } })).leaseOwner).toBe("again");
  });
});
