import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/db.server";
import { applyMigrations } from "~/db/migrate.server";
import { inBackground } from "~/db/priority-gate.server";
import { Prisma } from "~/generated/prisma/client";

// The embedded default: PGlite in a thread of its own, on a directory, with Prisma talking to it across threads.
const dir = mkdtempSync(path.join(tmpdir(), "pglite-thread-"));
let db: ReturnType<typeof openDatabase>;

beforeAll(async () => {
  process.env.PGLITE_THREAD = "on";
  try {
    db = openDatabase({ pgliteDataDir: dir });
  } finally {
    process.env.PGLITE_THREAD = "off";
  }
  await applyMigrations(db.migrationTarget());
}, 60_000);

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const shop = "thread.myshopify.com";
const delivery = (dedupeKey: string, payload: Prisma.InputJsonValue = { n: 1 }) => ({
  shop,
  topic: "inventory_levels/update",
  webhookId: `wh-${dedupeKey}`,
  dedupeKey,
  payload,
});

describe("PGlite in its own thread", () => {
  it("runs Prisma's reads and writes, JSON, dates and exact 64-bit ids across the thread", async () => {
    const triggeredAt = new Date("2026-11-22T10:00:00.123Z");
    const payload = { inventory_item_id: "271878346596884015", nested: { list: [1, "two", null] } };
    await db.prisma.webhookDelivery.create({ data: { ...delivery("a", payload), triggeredAt } });
    const row = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "a" } });
    expect(row.payload).toEqual(payload);
    expect(row.triggeredAt?.toISOString()).toBe(triggeredAt.toISOString());
    const [{ big }] = await db.prisma.$queryRaw<{ big: bigint }[]>`SELECT 271878346596884015::int8 AS big`;
    expect(big).toBe(271878346596884015n);
  });

  it("turns the database's refusals into Prisma's own errors (a unique key is P2002)", async () => {
    await db.prisma.webhookDelivery.create({ data: delivery("dup") });
    const error = await db.prisma.webhookDelivery.create({ data: delivery("dup") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
  });

  it("commits and rolls back interactive transactions, and keeps the thread usable after a failed one", async () => {
    await db.prisma.$transaction(async (tx) => {
      await tx.webhookDelivery.create({ data: delivery("tx-kept") });
    });
    const failed = await db.prisma
      .$transaction(async (tx) => {
        await tx.webhookDelivery.create({ data: delivery("tx-undone") });
        throw new Error("changed my mind");
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe("changed my mind");
    const keys = (await db.prisma.webhookDelivery.findMany({ where: { dedupeKey: { startsWith: "tx-" } } })).map(
      (r) => r.dedupeKey,
    );
    expect(keys).toEqual(["tx-kept"]);
    expect(await db.prisma.webhookDelivery.count({ where: { shop } })).toBeGreaterThan(0);
  });

  it("serves a request's query before background work already queued", async () => {
    const order: string[] = [];
    const background = inBackground(() =>
      Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          db.prisma.$executeRaw`SELECT pg_sleep(0.02)`.then(() => void order.push(`background-${i}`)),
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 5)); // the background queries reach the thread first
    const request = db.prisma.$queryRaw`SELECT 1`.then(() => void order.push("request"));
    await Promise.all([background, request]);
    // At most the background query already running (and the one dispatched with it) go before the request.
    expect(order.indexOf("request")).toBeLessThanOrEqual(2);
  });
});
