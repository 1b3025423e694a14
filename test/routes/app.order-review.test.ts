import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { submitReview } from "~/sync/orders/review.server";
import { action } from "~/routes/app.orders.$id/route";
import { embeddedRequest, installShop, settle } from "../helpers/app";

// The action's own work is the form and the answer; what a review does is review.server's (tested there).
vi.mock("~/sync/orders/review.server", () => ({ submitReview: vi.fn() }));
const submitted = vi.mocked(submitReview);

const shop = "review-a.myshopify.com";
const otherShop = "review-b.myshopify.com";
let orderId = "";
let foreignOrderId = "";

const order = (owner: string, miraklOrderId: string) =>
  prisma.marketplaceOrder.create({
    data: {
      shop: owner,
      connectionId: "connection",
      miraklOrderId,
      state: "WAITING_ACCEPTANCE",
      currency: "EUR",
      price: "10",
      shippingPrice: "0",
      totalPrice: "10",
      createdOnMiraklAt: new Date(),
      updatedOnMiraklAt: new Date(),
      payload: {},
      payloadHash: miraklOrderId,
      acceptance: "REVIEW",
    },
  });

beforeAll(async () => {
  await installShop(shop);
  await installShop(otherShop);
  orderId = (await order(shop, "R-1")).id;
  foreignOrderId = (await order(otherShop, "R-2")).id;
});

beforeEach(() => submitted.mockReset());

const post = async (as: string, id: string, form: Record<string, string | string[]>) =>
  settle(
    action({
      request: await embeddedRequest(as, `/app/orders/${id}`, { method: "POST", form }),
      params: { id },
      context: {},
    }),
  );

describe("Order page review action", () => {
  it("sends every line's answer to submitReview and goes back to the order", async () => {
    submitted.mockResolvedValue({ ok: true });
    const response = await post(shop, orderId, { "line:R-1-1": "accept", "line:R-1-2": "refuse", intent: "review" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/app/orders/${orderId}`);
    expect(submitted).toHaveBeenCalledTimes(1);
    const [input, now] = submitted.mock.calls[0]!;
    expect(input).toEqual({ shop, orderId, choices: { "R-1-1": true, "R-1-2": false }, staff: "staff" });
    expect(now).toBeInstanceOf(Date);
  });

  it("shows submitReview's problem instead of redirecting", async () => {
    submitted.mockResolvedValue({ ok: false, problem: "Mirakl forbids partial acceptance on this marketplace" });
    const response = await post(shop, orderId, { "line:R-1-1": "accept" });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ problem: "Mirakl forbids partial acceptance on this marketplace" });
  });

  it("refuses a form without answers or with an unknown answer, without calling submitReview", async () => {
    const empty = await post(shop, orderId, { intent: "review" });
    expect(empty.status).toBe(400);
    expect((await empty.json()).problem).toMatch(/Accept or Refuse/);
    const odd = await post(shop, orderId, { "line:R-1-1": "maybe" });
    expect(odd.status).toBe(400);
    expect(submitted).not.toHaveBeenCalled();
  });

  it("answers 404 for another shop's order or an unknown one, without calling submitReview", async () => {
    expect((await post(shop, foreignOrderId, { "line:R-2-1": "accept" })).status).toBe(404);
    expect((await post(shop, "no-such-order", { "line:R-2-1": "accept" })).status).toBe(404);
    expect(submitted).not.toHaveBeenCalled();
  });
});
