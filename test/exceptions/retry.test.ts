import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { Worker } from "~/worker/worker.server";
import { inboxTask, MAX_DELIVERY_ATTEMPTS, onWebhookTopic } from "~/webhooks/inbox.server";
import { receiveWebhook } from "~/webhooks/intake.server";
import { applyExceptionAction } from "~/exceptions/queue.server";
import { registerFlows } from "~/sync/index.server";
import { installShop, webhookRequest } from "../helpers/app";

const shop = "retrying.myshopify.com";
let downstreamHealthy = false;
const worker = new Worker({ handlers: [inboxTask], id: "retry-test" });

/** Runs due inbox units, moving the clock past each backoff by making the unit due again. */
async function drainWithBackoffElapsed() {
  for (let i = 0; i < 20; i++) {
    await prisma.workUnit.updateMany({ where: { shop }, data: { dueAt: new Date(0) } });
    if (!(await worker.runOnce())) return;
  }
}

beforeAll(async () => {
  registerFlows(); // Retry goes through the handlers the flows register
  await installShop(shop);
  onWebhookTopic("fulfillments/create", async () => {
    if (!downstreamHealthy) throw new Error("Mirakl answered 503");
    return { status: "PROCESSED" };
  });
});

describe("retry from the exceptions queue", () => {
  it("gives up after the attempt limit with one exception, then Retry re-runs the stored delivery and closes it", async () => {
    const payload = {
      admin_graphql_api_id: "gid://shopify/Fulfillment/255858046",
      order_id: 450789469,
      status: "success",
      tracking_numbers: ["1Z2345"],
      line_items: [{ admin_graphql_api_id: "gid://shopify/LineItem/466157049", sku: "SKU-1", quantity: 1 }],
    };
    expect(
      (
        await receiveWebhook(
          webhookRequest(shop, "fulfillments/create", payload, { eventId: "ful-1" }),
          "fulfillments/create",
        )
      ).status,
    ).toBe(200);
    await drainWithBackoffElapsed();

    const failed = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "ful-1" } });
    expect(failed.status).toBe("FAILED");
    expect(failed.attempts).toBe(MAX_DELIVERY_ATTEMPTS);
    const exception = await prisma.syncException.findFirstOrThrow({ where: { shop, entityId: failed.id } });
    expect(exception.kind).toBe("WEBHOOK_PROCESSING_FAILED");
    expect(exception.message).toContain("Mirakl answered 503");

    downstreamHealthy = true;
    const result = await applyExceptionAction(shop, { intent: "retry", ids: [exception.id] });
    expect(result).toMatchObject({ affected: 1, skipped: 0 });
    await drainWithBackoffElapsed();

    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("PROCESSED");
    const closed = await prisma.syncException.findUniqueOrThrow({ where: { id: exception.id } });
    expect(closed.status).toBe("RESOLVED");
    expect(closed.retryCount).toBe(1);
  });

  it("skips a retry when nothing failed behind the exception", async () => {
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shop, dedupeKey: "ful-1" } });
    const exception = await prisma.syncException.findFirstOrThrow({ where: { shop, entityId: delivery.id } });
    const result = await applyExceptionAction(shop, { intent: "retry", ids: [exception.id] });
    expect(result).toMatchObject({ affected: 0, skipped: 1 });
  });
});
