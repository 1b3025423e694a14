import { beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { action as inventoryWebhook } from "~/routes/webhooks.inventory_levels.update";
import { DeliveryGroupCommit, type PendingDelivery } from "~/webhooks/group-commit.server";
import { workUnits } from "~/worker/registry.server";
import { installShop, settle, webhookRequest } from "../helpers/app";
import { postgresSkipReason, postgresUrl, suiteOnDatabase } from "../helpers/postgres";

const shop = "group-commit.myshopify.com";
let seq = 0;
const row = (over: Partial<PendingDelivery> = {}): PendingDelivery => ({
  shop,
  topic: "inventory_levels/update",
  webhookId: `wh-${++seq}`,
  eventId: `evt-${seq}`,
  dedupeKey: `evt-${seq}`,
  apiVersion: "2026-07",
  triggeredAt: new Date(),
  payload: { n: seq },
  ...over,
});

if (!postgresUrl) console.warn(postgresSkipReason);

// The insert is SQL of its own (not Prisma's createMany): each database runs it.
describe.each([
  { database: "pglite" as const, skip: false },
  { database: "postgres" as const, skip: !postgresUrl },
])("webhook group commit on $database", ({ database, skip }) => {
  if (skip) return it.skip(postgresSkipReason);
  suiteOnDatabase(database, "mb_group_commit");
  beforeAll(() => installShop(shop));

  it("stores each row as Prisma would have: the schema's defaults, exact payload and instants", async () => {
    const groups = new DeliveryGroupCommit();
    const triggeredAt = new Date("2026-12-04T10:11:12.345Z");
    const payload = {
      inventory_item_id: "90071992547409931", // beyond 2^53, kept as the string parseShopifyJson gives
      available: -3,
      note: 'café — 漢字 "quoted" \\ back',
      nested: [{ a: null, b: [1.5, true] }],
    };
    const before = Date.now();
    const [withAll, bare] = [
      row({ triggeredAt, payload }),
      row({ eventId: null, apiVersion: null, triggeredAt: null }),
    ];
    expect(await Promise.all([groups.store(withAll), groups.store(bare)])).toEqual([true, true]);
    const after = Date.now();
    const stored = await prisma.webhookDelivery.findMany({
      where: { shop, dedupeKey: { in: [withAll.dedupeKey, bare.dedupeKey] } },
      orderBy: { webhookId: "asc" },
    });
    const [a, b] = withAll.webhookId < bare.webhookId ? stored : [stored[1], stored[0]];
    expect(a).toMatchObject({
      topic: "inventory_levels/update",
      webhookId: withAll.webhookId,
      eventId: withAll.eventId,
      apiVersion: "2026-07",
      payload,
      status: "PENDING",
      attempts: 0,
      processedAt: null,
      error: null,
      redactedAt: null,
    });
    expect(a.triggeredAt?.toISOString()).toBe(triggeredAt.toISOString());
    expect(b).toMatchObject({ eventId: null, apiVersion: null, triggeredAt: null, payload: bare.payload });
    for (const r of [a, b]) {
      // A UUIDv7, as @default(uuid(7)) makes: time-ordered, so the primary key index grows at its end.
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.receivedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(r.receivedAt.getTime()).toBeLessThanOrEqual(after);
    }
  });

  it("answers every caller only once its own row is committed, with one insert per group", async () => {
    const insertSizes: number[] = [];
    const marked: string[][] = [];
    const groups = new DeliveryGroupCommit(
      async (rows) => {
        insertSizes.push(rows.length);
        const stored = await prisma.webhookDelivery.createManyAndReturn({
          data: rows.map((r) => ({ ...r, status: "PENDING" as const })),
          skipDuplicates: true,
          select: { shop: true, topic: true, dedupeKey: true },
        });
        return new Set(stored.map((s) => `${s.shop}\u0000${s.topic}\u0000${s.dedupeKey}`));
      },
      async (shops) => void marked.push(shops),
    );
    const rows = Array.from({ length: 30 }, () => row());
    // Each caller checks, the moment it is answered, that its row is there.
    const seenOnAnswer = await Promise.all(
      rows.map(async (r) => {
        const inserted = await groups.store(r);
        const count = await prisma.webhookDelivery.count({ where: { shop, dedupeKey: r.dedupeKey } });
        return { inserted, count };
      }),
    );
    expect(seenOnAnswer.every((s) => s.inserted && s.count === 1)).toBe(true);
    // The first is written alone, the 29 that arrived meanwhile together: the number of inserts falls with the load.
    expect(insertSizes).toEqual([1, 29]);
    expect(marked).toEqual([[shop], [shop]]);
  });

  it("stores a key twice in one group once: the first caller stored it, the other is told it is a duplicate", async () => {
    const groups = new DeliveryGroupCommit();
    const original = row();
    const results = await Promise.all([groups.store(row()), groups.store(original), groups.store({ ...original })]);
    expect(results).toEqual([true, true, false]);
    expect(await prisma.webhookDelivery.count({ where: { shop, dedupeKey: original.dedupeKey } })).toBe(1);
    // A later redelivery of a stored row is a duplicate too.
    expect(await groups.store({ ...original, webhookId: "wh-again" })).toBe(false);
  });

  it("a group the database refuses is written row by row: only the bad row's caller fails, the others are stored", async () => {
    const groups = new DeliveryGroupCommit();
    // jsonb refuses the NUL character: the whole multi-row INSERT fails.
    const bad = row({ payload: { note: "nul \u0000 here" } });
    const good = [row(), row(), row()];
    const first = groups.store(row()); // written alone; the next four form one group behind it
    const outcomes = await Promise.allSettled([first, ...good.map((g) => groups.store(g)), groups.store(bad)]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected"]);
    const stored = await prisma.webhookDelivery.findMany({
      where: { shop, dedupeKey: { in: [...good, bad].map((r) => r.dedupeKey) } },
      select: { dedupeKey: true },
    });
    expect(stored.map((s) => s.dedupeKey).sort()).toEqual(good.map((g) => g.dedupeKey).sort());
  });

  it("concurrent signed deliveries through the route: one row per event id, duplicates in the burst included", async () => {
    const level = (available: number) => ({
      admin_graphql_api_id: "gid://shopify/InventoryLevel/1?inventory_item_id=77",
      inventory_item_id: 77,
      location_id: 1,
      available,
      updated_at: new Date().toISOString(),
    });
    const requests = Array.from({ length: 20 }, (_, i) =>
      webhookRequest(shop, "inventory_levels/update", level(i), { eventId: `burst-${i % 15}` }),
    );
    const forged = webhookRequest(shop, "inventory_levels/update", level(0), { eventId: "burst-forged", secret: "x" });
    const responses = await Promise.all(
      [...requests, forged].map((request) => settle(inventoryWebhook({ request, params: {}, context: {} }))),
    );
    expect(responses.map((r) => r.status)).toEqual([...Array(20).fill(200), 401]);
    const rows = await prisma.webhookDelivery.findMany({ where: { shop, dedupeKey: { startsWith: "burst-" } } });
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `burst-${i}`).sort());
    const unit = await prisma.workUnit.findUnique({ where: { key: workUnits.webhookInbox.key(shop) } });
    expect(unit?.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("while a pass outlasts the settle time, marks the inbox once per window and once more at the window's end", async () => {
    const runningShop = `group-commit-running-${database}.myshopify.com`;
    await installShop(runningShop);
    const key = workUnits.webhookInbox.key(runningShop);
    const groups = new DeliveryGroupCommit();
    process.env.WEBHOOK_INBOX_SETTLE_MS = "200";
    try {
      // A pass started a second ago, already marked for the pass after (due half a second ago): due and running.
      await workUnits.webhookInbox.markDirty(runningShop);
      const now = Date.now();
      await prisma.workUnit.update({
        where: { key },
        data: {
          leaseOwner: "w",
          leaseExpiresAt: new Date(now + 60_000),
          lastStartedAt: new Date(now - 1000),
          dueAt: new Date(now - 500),
        },
      });
      const version = async () => (await prisma.workUnit.findUniqueOrThrow({ where: { key } })).version;
      const start = await version();
      await groups.store(row({ shop: runningShop }));
      expect(await version()).toBe(start + 1);
      // More groups inside the window: stored, not marked again...
      await groups.store(row({ shop: runningShop }));
      await groups.store(row({ shop: runningShop }));
      expect(await version()).toBe(start + 1);
      // ...until the window's end, where one trailing mark covers them.
      await vi.waitFor(async () => expect(await version()).toBe(start + 2), { timeout: 2000, interval: 50 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await version()).toBe(start + 2);
      expect(await prisma.webhookDelivery.count({ where: { shop: runningShop } })).toBe(3);
    } finally {
      process.env.WEBHOOK_INBOX_SETTLE_MS = "0";
    }
  });

  it("marks a shop's inbox once for the deliveries of a settle window, and again once the unit may have run", async () => {
    const burstShop = "group-commit-marks.myshopify.com";
    await installShop(burstShop);
    const key = workUnits.webhookInbox.key(burstShop);
    const groups = new DeliveryGroupCommit();
    const INBOX_SETTLE_MS = 200;
    process.env.WEBHOOK_INBOX_SETTLE_MS = String(INBOX_SETTLE_MS); // the production default (tests run with 0)
    // The window runs on the clock: frozen here, so a slow machine cannot stretch it.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    try {
      const started = Date.now();
      await groups.store(row({ shop: burstShop }));
      const first = await prisma.workUnit.findUniqueOrThrow({ where: { key } });
      expect(first.dueAt.getTime()).toBe(started + INBOX_SETTLE_MS);
      // One group after another inside the window: the rows are stored, the unit is not marked again.
      for (let i = 0; i < 5; i++) await groups.store(row({ shop: burstShop }));
      vi.setSystemTime(started + INBOX_SETTLE_MS - 60);
      await groups.store(row({ shop: burstShop }));
      expect((await prisma.workUnit.findUniqueOrThrow({ where: { key } })).version).toBe(first.version);
      expect(await prisma.webhookDelivery.count({ where: { shop: burstShop } })).toBe(7);
      // Close to the unit's due time a pass may start and read its last rows: the next delivery marks again.
      vi.setSystemTime(started + INBOX_SETTLE_MS - 40);
      await groups.store(row({ shop: burstShop }));
      expect((await prisma.workUnit.findUniqueOrThrow({ where: { key } })).version).toBe(first.version + 1);
    } finally {
      vi.useRealTimers();
      process.env.WEBHOOK_INBOX_SETTLE_MS = "0";
    }
  });
});
