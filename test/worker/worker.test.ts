import { beforeAll, describe, expect, it, vi } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { Worker, type TaskHandler } from "~/worker/worker.server";
import { markDirty } from "~/worker/work-units.server";

beforeAll(async () => {
  await ensureDatabaseReady();
});

describe("worker loop", () => {
  it("runs dirty units, retries a failing one with backoff, and stops cleanly after the unit in hand", async () => {
    const runs: string[] = [];
    let failOnce = true;
    const handler: TaskHandler = {
      kind: "loop-test",
      leaseMs: 2_000,
      async run(unit) {
        runs.push(unit.key);
        if (unit.key === "loop-test:flaky" && failOnce) {
          failOnce = false;
          throw new Error("transient");
        }
        return { nextDueAt: null };
      },
      retryDelayMs: () => 50,
    };
    const worker = new Worker({ handlers: [handler], idleDelayMs: 20 }).start();
    await markDirty("loop-test:a", "loop-test", null);
    await markDirty("loop-test:flaky", "loop-test", null);
    await vi.waitFor(
      () => {
        expect(runs.filter((k) => k === "loop-test:flaky")).toHaveLength(2);
        expect(runs).toContain("loop-test:a");
      },
      { timeout: 5_000, interval: 20 },
    );
    await worker.stop();
    const flaky = await prisma.workUnit.findUniqueOrThrow({ where: { key: "loop-test:flaky" } });
    expect(flaky.lastError).toBeNull();
    expect(flaky.leaseOwner).toBeNull();
    expect(flaky.attempts).toBe(0);
  });

  it("two workers never run the same unit at the same time", async () => {
    let running = 0;
    let maxConcurrent = 0;
    let total = 0;
    const handler: TaskHandler = {
      kind: "exclusive-test",
      leaseMs: 2_000,
      async run() {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        total++;
        return { nextDueAt: total < 6 ? new Date() : null };
      },
    };
    const a = new Worker({ handlers: [handler], idleDelayMs: 5, id: "a" }).start();
    const b = new Worker({ handlers: [handler], idleDelayMs: 5, id: "b" }).start();
    await markDirty("exclusive-test:one", "exclusive-test", null);
    await vi.waitFor(() => expect(total).toBeGreaterThanOrEqual(6), { timeout: 5_000, interval: 20 });
    await Promise.all([a.stop(), b.stop()]);
    expect(maxConcurrent).toBe(1);
  });

  it("a poke wakes one idle loop, and each claim wakes the next: due units still run side by side", async () => {
    let running = 0;
    let maxConcurrent = 0;
    const ran: string[] = [];
    const handler: TaskHandler = {
      kind: "poke-test",
      leaseMs: 2_000,
      async run(unit) {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        await new Promise((r) => setTimeout(r, 150));
        running--;
        ran.push(unit.key);
        return { nextDueAt: null };
      },
    };
    // Idle loops sleep a minute: only pokes (and claims waking the next loop) get them going within the test.
    const worker = new Worker({ handlers: [handler], idleDelayMs: 60_000, concurrency: 3 }).start();
    await new Promise((r) => setTimeout(r, 100)); // every loop found nothing and went idle
    for (const id of ["a", "b", "c"]) await markDirty(`poke-test:${id}`, "poke-test", null);
    worker.poke();
    await vi.waitFor(() => expect(ran).toHaveLength(3), { timeout: 3_000, interval: 20 });
    await worker.stop();
    expect(maxConcurrent).toBe(3);
  });
});
