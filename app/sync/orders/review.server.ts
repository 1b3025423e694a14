import prisma from "~/db.server";
import { type Prisma } from "~/generated/prisma/client";
import { parseConnectionSettings } from "~/domain/connection-settings";
import { completeReview, type LineDecision, type OrderAcceptance } from "~/domain/orders/acceptance";
import { workUnits } from "~/worker/registry.server";
import { appendTimeline } from "~/sync/orders/mirror.server";
import { platformOf } from "~/sync/orders/acceptance.server";

/**
 * A person's Accept / Refuse on an order in review (the Order page). The choices complete the app's
 * decision into one OR21 with every waiting line (as Mirakl requires); the intent is stored and the
 * connection's acceptance unit sends it at once, with the same lost-answer guard as the app's decisions.
 */

export interface ReviewInput {
  shop: string;
  /** MarketplaceOrder.id */
  orderId: string;
  /** Order line id → accepted. */
  choices: Record<string, boolean>;
  /** Who decided, for the timeline. */
  staff: string;
}

export type ReviewResult = { ok: true } | { ok: false; problem: string };

export async function submitReview(input: ReviewInput, now = new Date()): Promise<ReviewResult> {
  const order = await prisma.marketplaceOrder.findFirst({
    where: { id: input.orderId, shop: input.shop },
    include: { lines: { orderBy: { lineIndex: "asc" } } },
  });
  if (!order) return { ok: false, problem: "No such order" };
  if (order.acceptance !== "REVIEW")
    return { ok: false, problem: `Order ${order.miraklOrderId} is not waiting for a person's decision` };
  const connection = await prisma.marketplaceConnection.findFirst({
    where: { id: order.connectionId, shop: input.shop },
    select: { settings: true },
  });
  if (!connection) return { ok: false, problem: "The order's connection no longer exists" };
  const waiting = order.lines.filter((line) => line.state === "WAITING_ACCEPTANCE");
  // The app's decision as stored, in the shape completeReview checks the choices against.
  const acceptance: OrderAcceptance = {
    orderId: order.miraklOrderId,
    status: "needs-review",
    message: "",
    otherLineIds: [],
    or21: null,
    lines: waiting.map(
      (line) =>
        ({
          lineId: line.lineId,
          offerSku: line.offerSku,
          quantity: line.quantity,
          shopifySku: null,
          variantId: null,
          decision: (line.decision as LineDecision["decision"] | null) ?? "review",
          ownDecision: (line.decision as LineDecision["decision"] | null) ?? "review",
          checks: [],
          failures: [],
          orderReason: null,
          reasons: [],
          summary: line.decisionSummary ?? "",
        }) satisfies LineDecision,
    ),
  };
  const choices = new Map(Object.entries(input.choices).filter(([id]) => waiting.some((l) => l.lineId === id)));
  let settings;
  try {
    settings = parseConnectionSettings(connection.settings);
  } catch {
    return { ok: false, problem: "The connection's settings cannot be read: save them again first" };
  }
  const completion = completeReview(acceptance, choices, platformOf(settings).partialAcceptance);
  if (!completion.ok) return completion;

  const staff = input.staff.trim() || "staff";
  // Compare-and-set on REVIEW: another person's decision sent meanwhile stands, lines and timeline included.
  const claimed = await prisma.$transaction(async (tx) => {
    const { count } = await tx.marketplaceOrder.updateMany({
      where: { id: order.id, shop: input.shop, acceptance: "REVIEW" },
      data: {
        acceptance: "SENDING",
        needsAttention: false,
        or21Body: completion.or21 as unknown as Prisma.InputJsonValue,
        or21By: staff,
        or21RequestedAt: now,
        or21Attempts: 0,
        or21Error: null,
      },
    });
    if (count === 0) return false;
    for (const decision of completion.or21.order_lines)
      await tx.marketplaceOrderLine.updateMany({
        where: { orderId: order.id, shop: input.shop, lineId: decision.id },
        data: { decision: decision.accepted ? "accept" : "refuse", decidedAt: now, decidedBy: staff },
      });
    await appendTimeline(
      input.shop,
      order.id,
      completion.or21.order_lines.map((decision) => ({
        actor: "STAFF" as const,
        kind: "staff-decision",
        message: `${staff} ${decision.accepted ? "accepted" : "refused"} line ${decision.id}`,
        detail: { lineId: decision.id, accepted: decision.accepted, by: staff },
      })),
      now,
      tx,
    );
    return true;
  });
  if (!claimed) return { ok: false, problem: "Someone decided this order meanwhile: reload the page" };
  await workUnits.orderAcceptance.markDirty(order.connectionId, input.shop, now);
  return { ok: true };
}
