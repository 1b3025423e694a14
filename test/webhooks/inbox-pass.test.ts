import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { deliveryGroupCommit } from "~/webhooks/group-commit.server";
import { onWebhookTopic, processInbox } from "~/webhooks/inbox.server";
import { workUnits } from "~/worker/registry.server";

// A topic no flow of these tests consumes otherwise: its handler is this file's.
const TOPIC = "products/delete";
let seq = 0;
const seen: string[] = [];
/** Called with each delivery the handler processes (a test stores more deliveries from here). */
let duringProcessing: (dedupeKey: string) => Promise<void> = async () => {};

const pendingRow = (shop: string, dedupeKey: string) => ({
  shop,
  topic: TOPIC,
  webhookId: `wh-${dedupeKey}`,
  eventId: dedupeKey,
  dedupeKey,
  apiVersion: null,
  triggeredAt: new Date(Date.UTC(2026, 11, 1, 10, 0, 0, ++seq)),
  payload: { id: seq },
});

const statuses = async (shop: string) =>
  Object.fromEntries(
    (await prisma.webhookDelivery.findMany({ where: { shop }, select: { dedupeKey: true, status: true } })).map((r) => [
      r.dedupeKey,
      r.status,
    ]),
  );

beforeAll(async () => {
  await ensureDatabaseReady();
  onWebhookTopic(TOPIC, async (delivery) => {
    seen.push(delivery.dedupeKey);
    await duringProcessing(delivery.dedupeKey);
    return { status: "PROCESSED" };
  });
});

describe("inbox pass", () => {
  it("takes what was pending when it read; a delivery stored meanwhile waits for the next pass, which its mark makes due", async () => {
    const shop = "inbox-pass-late.myshopify.com";
    await deliveryGroupCommit.store(pendingRow(shop, "first"));
    await deliveryGroupCommit.store(pendingRow(shop, "second"));
    duringProcessing = async (key) => {
      // As in a burst: a delivery arrives (stored and its inbox marked, as the intake does) while the pass runs.
      if (key === "first") await deliveryGroupCommit.store(pendingRow(shop, "late"));
    };
    const versionBefore = (await prisma.workUnit.findUnique({ where: { key: workUnits.webhookInbox.key(shop) } }))!
      .version;

    await processInbox(shop);
    expect(await statuses(shop)).toEqual({ first: "PROCESSED", second: "PROCESSED", late: "PENDING" });
    const unit = await prisma.workUnit.findUnique({ where: { key: workUnits.webhookInbox.key(shop) } });
    expect(unit!.version).toBeGreaterThan(versionBefore); // the late delivery's mark: the unit runs again
    expect(unit!.dueAt.getTime()).toBeLessThanOrEqual(Date.now());

    duringProcessing = async () => {};
    await processInbox(shop);
    expect(await statuses(shop)).toEqual({ first: "PROCESSED", second: "PROCESSED", late: "PROCESSED" });
  });

  it("reads on while the batches come back full: a backlog is processed in one pass", async () => {
    const shop = "inbox-pass-backlog.myshopify.com";
    const keys = Array.from({ length: 130 }, (_, i) => `backlog-${i}`);
    await prisma.webhookDelivery.createMany({ data: keys.map((key) => pendingRow(shop, key)) });
    seen.length = 0;

    await processInbox(shop);
    expect(Object.values(await statuses(shop)).filter((s) => s !== "PROCESSED")).toEqual([]);
    expect(seen).toEqual(keys); // oldest event first, each once
  });
});
