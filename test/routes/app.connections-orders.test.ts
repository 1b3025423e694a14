import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { parseConnectionSettings, shopifyOrderSettingsSchema } from "~/domain/connection-settings";
import { defaultAcceptanceSettings } from "~/domain/orders/acceptance-settings";
import { formValuesFrom, settingsFromForm } from "~/connections/order-settings-form";
import { action, loader } from "~/routes/app.connections.$id_.orders/route";
import { workUnits } from "~/worker/registry.server";
import { forgetRefundReasons } from "~/connections/refund-reasons.server";
import { embeddedRequest, installShop, settle } from "../helpers/app";
import { startMiraklSimulator, type RunningMiraklSimulator } from "../simulators/mirakl";
import { MARKETPLACE_REASONS } from "../simulators/mirakl/fixtures";

/** The connection's Order acceptance page: what it shows, what a save stores, and what it refuses. */

let testCount = 0;
const budget = { ordersPollMinutes: 1, miraklBudgetPercent: 100 };
const shopifyOrderDefaults = shopifyOrderSettingsSchema.parse({});
let shop: string;
let connectionId: string;

type RouteFunction = (args: ActionFunctionArgs) => unknown;
const call = async (fn: RouteFunction, asShop: string, id: string, form?: Record<string, string>) =>
  settle(
    fn({
      request: await embeddedRequest(asShop, `/app/connections/${id}/orders`, form ? { method: "POST", form } : {}),
      params: { id },
      context: {},
    }),
  );
const stored = async () =>
  parseConnectionSettings(
    (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
  ).acceptance;

beforeEach(async () => {
  shop = `order-settings-${++testCount}.myshopify.com`;
  await installShop(shop);
  connectionId = (
    await createConnection(shop, { name: "Carrefour", baseUrl: "https://carrefour.example", apiKey: "key-1" })
  ).id;
});

describe("order acceptance settings page", () => {
  it("shows the defaults of a connection nobody configured", async () => {
    const response = await call(loader, shop, connectionId);
    expect(response.status).toBe(200);
    const page = await response.json();
    expect(page.values).toEqual(formValuesFrom(defaultAcceptanceSettings(), budget, shopifyOrderDefaults));
    expect(page.values.priceTolerancePercent).toBe("10");
    expect(page.orderAcceptance).toBeNull();
  });

  it("saves what the merchant chose and wakes the acceptance unit", async () => {
    const values = {
      ...formValuesFrom(defaultAcceptanceSettings(), budget, shopifyOrderDefaults),
      priceTolerancePercent: "12,5",
      maxQuantityPerLine: "4",
      acceptanceWindowHours: "48",
      whenPartialAcceptanceForbidden: "review-all",
    };
    values.onFailedRule.insufficientStock = "review";
    const response = await call(action, shop, connectionId, { values: JSON.stringify(values) });
    expect(response.status).toBe(200);
    expect(await stored()).toMatchObject({
      priceTolerancePercent: 12.5,
      maxQuantityPerLine: 4,
      acceptanceWindowHours: 48,
      whenPartialAcceptanceForbidden: "review-all",
      onFailedRule: { insufficientStock: "review", skuNotFound: "refuse" },
    });
    expect(await prisma.workUnit.count({ where: { key: workUnits.orderAcceptance.key(connectionId) } })).toBe(1);
  });

  it("refuses bad values field by field and stores nothing", async () => {
    const values = {
      ...formValuesFrom(defaultAcceptanceSettings(), budget, shopifyOrderDefaults),
      priceTolerancePercent: "ten",
      maxQuantityPerLine: "1.5",
      acceptanceWindowHours: "0",
    };
    let response = await call(action, shop, connectionId, { values: JSON.stringify(values) });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual({
      priceTolerancePercent: "Enter a percentage, e.g. 10",
      maxQuantityPerLine: "Enter a whole number of units, or leave empty",
    });
    response = await call(action, shop, connectionId, {
      values: JSON.stringify({ ...values, priceTolerancePercent: "150", maxQuantityPerLine: "" }),
    });
    expect((await response.json()).errors).toMatchObject({
      priceTolerancePercent: "the price tolerance is at most 100 %",
      acceptanceWindowHours: "the acceptance window is at least 1 hour",
    });
    response = await call(action, shop, connectionId, { values: "{not json" });
    expect(response.status).toBe(400);
    expect(await stored()).toEqual(defaultAcceptanceSettings());
  });

  it("the call budget: poll interval and share of Mirakl's allowance are saved, and a self-imposed slowdown is forgotten", async () => {
    await prisma.marketplaceConnection.update({
      where: { id: connectionId },
      data: { settings: { ordersPollSlowedToMinutes: 30 } },
    });
    expect((await (await call(loader, shop, connectionId)).json()).ordersPollSlowedToMinutes).toBe(30);
    const values = {
      ...formValuesFrom(defaultAcceptanceSettings(), budget, shopifyOrderDefaults),
      ordersPollMinutes: "15",
      miraklBudgetPercent: "50",
    };
    expect((await call(action, shop, connectionId, { values: JSON.stringify(values) })).status).toBe(200);
    const settings = parseConnectionSettings(
      (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
    );
    expect(settings).toMatchObject({ ordersPollMinutes: 15, miraklBudgetPercent: 50, ordersPollSlowedToMinutes: null });
    const bad = { ...values, ordersPollMinutes: "0", miraklBudgetPercent: "120" };
    expect((await (await call(action, shop, connectionId, { values: JSON.stringify(bad) })).json()).errors).toEqual({
      ordersPollMinutes: "Enter a whole number of minutes from 1 to 15",
      miraklBudgetPercent: "Enter a whole percentage from 10 to 100",
    });
  });

  it("the shipping deadline warning: shown at its default, saved, refused outside 0 to 720 hours", async () => {
    expect((await (await call(loader, shop, connectionId)).json()).values.shippingDeadlineWarningHours).toBe("24");
    const values = {
      ...formValuesFrom(defaultAcceptanceSettings(), budget, shopifyOrderDefaults),
      shippingDeadlineWarningHours: " 6 ",
    };
    expect((await call(action, shop, connectionId, { values: JSON.stringify(values) })).status).toBe(200);
    const settings = async () =>
      parseConnectionSettings(
        (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
      );
    expect((await settings()).shippingDeadlineWarningHours).toBe(6);
    expect((await (await call(loader, shop, connectionId)).json()).values.shippingDeadlineWarningHours).toBe("6");
    for (const bad of ["-1", "721", "1.5", ""]) {
      const response = await call(action, shop, connectionId, {
        values: JSON.stringify({ ...values, shippingDeadlineWarningHours: bad }),
      });
      expect((await response.json()).errors).toEqual({
        shippingDeadlineWarningHours: "Enter a whole number of hours from 0 to 720",
      });
    }
    expect((await settings()).shippingDeadlineWarningHours).toBe(6);
    // A page from before this setting sends none: the default is saved.
    const { shippingDeadlineWarningHours: _dropped, ...older } = values;
    expect((await call(action, shop, connectionId, { values: JSON.stringify(older) })).status).toBe(200);
    expect((await settings()).shippingDeadlineWarningHours).toBe(24);
  });

  it("another shop's connection is a 404, on read and on save", async () => {
    const other = `order-settings-other-${testCount}.myshopify.com`;
    await installShop(other);
    expect((await call(loader, other, connectionId)).status).toBe(404);
    const response = await call(action, other, connectionId, {
      values: JSON.stringify(formValuesFrom(defaultAcceptanceSettings(), budget, shopifyOrderDefaults)),
    });
    expect(response.status).toBe(404);
  });

  it("the form parser fills rules the browser did not send with refuse", () => {
    const parsed = settingsFromForm({ priceTolerancePercent: "5", acceptanceWindowHours: "24", onFailedRule: {} });
    expect(parsed).toMatchObject({ ok: true, settings: { onFailedRule: { invalidLine: "refuse" } } });
    expect(settingsFromForm({ onFailedRule: { insufficientStock: "accept" } })).toEqual({
      ok: false,
      errors: { form: "The form could not be read: reload the page" },
    });
  });
});

describe("Shopify orders settings", () => {
  it("are on without a customer by default, and a save stores the merchant's choice", async () => {
    const page = await (await call(loader, shop, connectionId)).json();
    expect(page.values.createShopifyOrders).toBe(true);
    expect(page.values.shopifyCustomer).toBe("none");
    const values = { ...page.values, createShopifyOrders: false, shopifyCustomer: "attach" };
    const response = await call(action, shop, connectionId, { values: JSON.stringify(values) });
    expect(response.status).toBe(200);
    const stored = parseConnectionSettings(
      (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
    );
    expect(stored.shopifyOrders).toEqual({ create: false, customer: "attach" });
  });

  it("refuses a customer mode it does not know, saving nothing", async () => {
    const page = await (await call(loader, shop, connectionId)).json();
    const values = { ...page.values, shopifyCustomer: "marketing" };
    const response = await call(action, shop, connectionId, { values: JSON.stringify(values) });
    expect(response.status).toBe(400);
    const stored = parseConnectionSettings(
      (await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: connectionId } })).settings,
    );
    expect(stored.shopifyOrders.customer).toBe("none");
  });
});

describe("refund and cancellation settings", () => {
  let sim: RunningMiraklSimulator;
  let decathlon: string;
  beforeAll(async () => {
    sim = await startMiraklSimulator({ port: 0, rateLimits: "off", reasons: MARKETPLACE_REASONS });
  });
  afterAll(async () => sim?.close());
  beforeEach(async () => {
    forgetRefundReasons();
    decathlon = (await createConnection(shop, { name: "Decathlon", baseUrl: sim.url, apiKey: sim.keys.single })).id;
  });
  const refundsStored = async (id: string) =>
    parseConnectionSettings((await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id } })).settings).refunds;

  it("offers the marketplace's own reasons, asks each time by default, and saves the choices", async () => {
    const page = await (await call(loader, shop, decathlon)).json();
    expect(page.reasons).toEqual({
      ok: true,
      refund: [
        { code: "15", label: "Out of stock" },
        { code: "16", label: "Damaged item" },
      ],
      cancelation: [{ code: "34", label: "Cancelled by the client prior to shipping" }],
    });
    expect(page.values).toMatchObject({
      refundReasonCode: "",
      cancelationReasonCode: "",
      mirrorRefundsToShopify: true,
      restockReturns: false,
    });
    const values = {
      ...page.values,
      refundReasonCode: "16",
      cancelationReasonCode: "34",
      mirrorRefundsToShopify: false,
      restockReturns: true,
    };
    expect((await call(action, shop, decathlon, { values: JSON.stringify(values) })).status).toBe(200);
    expect(await refundsStored(decathlon)).toEqual({
      reasonCode: "16",
      cancelationReasonCode: "34",
      mirrorToShopify: false,
      restockReturns: true,
    });
    expect((await (await call(loader, shop, decathlon)).json()).values).toMatchObject({
      refundReasonCode: "16",
      restockReturns: true,
    });
    // "Ask each time" clears the reason.
    await call(action, shop, decathlon, { values: JSON.stringify({ ...values, refundReasonCode: "" }) });
    expect((await refundsStored(decathlon)).reasonCode).toBeNull();
  });

  it("refuses a reason the shop may not use, or of the wrong type, on its field, saving nothing", async () => {
    const page = await (await call(loader, shop, decathlon)).json();
    const response = await call(action, shop, decathlon, {
      values: JSON.stringify({ ...page.values, refundReasonCode: "18", cancelationReasonCode: "15" }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual({
      refundReasonCode: "The marketplace does not offer this refund reason to shops: choose one from the list",
      cancelationReasonCode:
        "The marketplace does not offer this cancellation reason to shops: choose one from the list",
    });
    const tooLong = await call(action, shop, decathlon, {
      values: JSON.stringify({ ...page.values, refundReasonCode: "x".repeat(51) }),
    });
    expect((await tooLong.json()).errors).toEqual({
      refundReasonCode: "Not a reason code of the marketplace: choose one from the list",
    });
    expect(await refundsStored(decathlon)).toMatchObject({ reasonCode: null, cancelationReasonCode: null });
  });

  it("still shows and saves when Mirakl cannot be read, saying why, and keeps the reason saved", async () => {
    await prisma.marketplaceConnection.update({
      where: { id: connectionId },
      data: { settings: { refunds: { reasonCode: "15" } } },
    });
    const response = await call(loader, shop, connectionId);
    expect(response.status).toBe(200);
    const page = await response.json();
    expect(page.reasons).toEqual({
      ok: false,
      problem: "Mirakl could not be reached for its reasons: try again in a minute.",
    });
    expect(page.values.refundReasonCode).toBe("15");
    const saved = await call(action, shop, connectionId, {
      values: JSON.stringify({ ...page.values, restockReturns: true }),
    });
    expect(saved.status).toBe(200);
    expect(await refundsStored(connectionId)).toMatchObject({ reasonCode: "15", restockReturns: true });
  });
});
