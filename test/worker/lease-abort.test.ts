import { beforeAll, describe, expect, it, vi } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createMiraklClient, unlimitedRateLimiter, withMiraklAbortSignal } from "~/integrations/mirakl";
import { Worker, type TaskHandler } from "~/worker/worker.server";
import { markDirty } from "~/worker/work-units.server";

/** A Mirakl endpoint that never answers, but lets go when the request is aborted (as fetch does). */
function hangingMirakl() {
  const started: string[] = [];
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    started.push(String(input));
    return new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }) as typeof globalThis.fetch;
  const client = createMiraklClient({
    baseUrl: "https://marketplace.example",
    apiKey: "key",
    connectionId: "lease-abort",
    limiter: unlimitedRateLimiter,
    retry: { retries: 0 },
    fetch,
    timeoutMs: 60_000,
  });
  return { client, started };
}

beforeAll(async () => {
  await ensureDatabaseReady();
});

describe("the lease's abort signal reaches Mirakl calls", () => {
  it("a request made under the signal stops when it is aborted, without the caller passing it", async () => {
    const { client, started } = hangingMirakl();
    const controller = new AbortController();
    const call = withMiraklAbortSignal(controller.signal, () => client.listAllOrders({}));
    await vi.waitFor(() => expect(started).toHaveLength(1));
    controller.abort(new Error("lease lost"));
    await expect(call).rejects.toThrow(/lease lost/);
    // Already aborted: nothing is sent at all.
    await expect(withMiraklAbortSignal(controller.signal, () => client.listAllOrders({}))).rejects.toThrow(
      /lease lost/,
    );
    expect(started).toHaveLength(1);
  });

  it("a worker that loses its unit's lease stops the unit's Mirakl call and records no failure", async () => {
    const { client, started } = hangingMirakl();
    let outcome: unknown = null;
    const handler: TaskHandler = {
      kind: "lease-abort-test",
      leaseMs: 300,
      run: (_unit, ctx) =>
        withMiraklAbortSignal(ctx.signal, async () => {
          try {
            await client.listAllOrders({});
          } catch (error) {
            outcome = error;
            throw error;
          }
          return { nextDueAt: null };
        }),
    };
    const worker = new Worker({ handlers: [handler], idleDelayMs: 20, id: "lease-abort-a" }).start();
    await markDirty("lease-abort-test:1", "lease-abort-test", null);
    await vi.waitFor(() => expect(started).toHaveLength(1), { timeout: 5_000 });
    // Another worker takes the unit over (its lease renewal now fails).
    await prisma.workUnit.update({
      where: { key: "lease-abort-test:1" },
      data: { leaseOwner: "lease-abort-b", leaseToken: { increment: 1 } },
    });
    await vi.waitFor(() => expect(outcome).toBeInstanceOf(Error), { timeout: 5_000 });
    expect((outcome as Error).message).toMatch(/lease lost/);
    await worker.stop();
    const unit = await prisma.workUnit.findUniqueOrThrow({ where: { key: "lease-abort-test:1" } });
    expect(unit.lastError).toBeNull();
    expect(unit.leaseOwner).toBe("lease-abort-b");
    expect(
      await prisma.syncException.count({ where: { kind: "WORKER_TASK_FAILED", entityId: "lease-abort-test:1" } }),
    ).toBe(0);
  });
});
