import { afterAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { BACKGROUND_TURN_EVERY, gatedPGlite, inBackground, PriorityGate } from "~/db/priority-gate.server";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("PGlite priority gate", () => {
  it("runs one at a time, and a waiting request's query before the worker's waiting ones", async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    let running = 0;
    const job = (name: string) => async () => {
      running++;
      expect(running).toBe(1);
      await tick();
      order.push(name);
      running--;
    };
    const all = [
      inBackground(() => gate.run(job("worker-1"))), // even a free gate goes to the worker only after a yield
      inBackground(() => gate.run(job("worker-2"))),
      inBackground(() => gate.run(job("worker-3"))),
      gate.run(job("request")), // queued last, served first
    ];
    await Promise.all(all);
    expect(order).toEqual(["request", "worker-1", "worker-2", "worker-3"]);
  });

  it("never starves the worker: under a steady stream of requests it still gets a turn", async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    const job = (name: string) => async () => void order.push(name);
    const all = [gate.run(job("first"), false), gate.run(job("worker"), true)];
    for (let i = 0; i < BACKGROUND_TURN_EVERY + 4; i++) all.push(gate.run(job(`request-${i}`), false));
    await Promise.all(all);
    // Requests had BACKGROUND_TURN_EVERY turns in a row, then the worker had its one.
    expect(order.indexOf("worker")).toBe(BACKGROUND_TURN_EVERY);
    expect(order).toHaveLength(BACKGROUND_TURN_EVERY + 6);
  });

  const pglite = new PGlite();
  afterAll(() => pglite.close());

  it("on a real PGlite: a request's query is not starved by a busy worker's loop of queries and transactions", async () => {
    const db = gatedPGlite(pglite);
    await db.exec("CREATE TABLE t (n int)");
    let stop = false;
    let workerQueries = 0;
    const busyWorker = inBackground(async () => {
      // Four worker loops, each always with a query in flight or queued, as the embedded worker under a burst.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!stop) {
            await db.transaction(async (tx) => {
              await tx.query("INSERT INTO t SELECT generate_series(1, 200)");
              await tx.query("SELECT count(*) FROM t");
            });
            workerQueries++;
          }
        }),
      );
    });
    // The worker yields to the event loop before each of its turns, so this timer fires at all.
    await new Promise((r) => setTimeout(r, 50));
    // While the worker keeps four queries in line, a request's query waits for at most the one in flight.
    const before = workerQueries;
    const { rows } = await db.query<{ one: number }>("SELECT 1 AS one");
    const workerTurnsWhileWaiting = workerQueries - before;
    stop = true;
    await busyWorker;
    expect(rows[0].one).toBe(1);
    expect(workerTurnsWhileWaiting).toBeLessThanOrEqual(1);
    expect(workerQueries).toBeGreaterThan(0);
  });
});
