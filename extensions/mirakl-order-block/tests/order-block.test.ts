// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import type { OrderBlockOrder, OrderBlockResponse } from "../../../app/routes/api.admin-block.order/contract";
import en from "../locales/en.default.json";
import renderBlock from "../src/BlockExtension";

/**
 * The block as the admin runs it: the extension's entry point called with the target's `shopify` global
 * (the order on screen, i18n) and `fetch` to the app stubbed, rendered by Preact into the document.
 */

const ORDER_GID = "gid://shopify/Order/1001";
const EXPECTED_URL = "/api/admin-block/order?id=gid%3A%2F%2Fshopify%2FOrder%2F1001";

const miraklOrder: OrderBlockOrder = {
  marketplace: "Decathlon",
  miraklOrderId: "DEC-7001-A",
  state: "SHIPPING",
  stateLabel: "To ship",
  shippingDeadline: "2026-07-12T14:00:00.000Z",
  shippingOverdue: false,
  currency: "EUR",
  commission: { amount: "3.6", formatted: "3.60 EUR" },
  netToSeller: { amount: "21.39", formatted: "21.39 EUR" },
  orderPagePath: "/app/orders/0190d3c4-aaaa-7bbb-8ccc-123456789abc",
  carrierMapping: {
    status: "not-configured",
    message: "No carrier map for this marketplace yet: fulfilments cannot be sent to Mirakl",
  },
};

/** The admin's translate over the extension's real locale file, with `{{name}}` replacements. */
function translate(key: string, replacements: Record<string, unknown> = {}) {
  const template = (en as Record<string, string>)[key];
  if (template === undefined) throw new Error(`no "${key}" in locales/en.default.json`);
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(replacements[name]));
}

// The admin's formatters take this beside Intl's options.
type ExtensionLocaleOption = { inExtensionLocale?: boolean };

function stubAdmin(selected: { id: string }[], answer: () => Promise<Response>) {
  const fetchFromApp = vi.fn((_url: string) => answer());
  vi.stubGlobal("fetch", fetchFromApp);
  vi.stubGlobal("shopify", {
    data: { selected },
    i18n: {
      translate,
      // The merchant's locale and time zone, fixed for the test.
      formatDate: (
        date: Date,
        { inExtensionLocale: _, ...options }: Intl.DateTimeFormatOptions & ExtensionLocaleOption = {},
      ) => new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(date),
    },
  });
  return fetchFromApp;
}

const jsonAnswer =
  (body: OrderBlockResponse | unknown, status = 200) =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));

/** Runs the extension, then lets the app's answer arrive and the block render it. */
async function showBlock() {
  await act(async () => {
    await renderBlock();
  });
  await act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
}

const block = () => document.body.querySelector("s-admin-block");
const text = () => document.body.textContent ?? "";
const fields = () =>
  Array.from(document.body.querySelectorAll("s-paragraph"), (p) => p.textContent?.replace(/\s+/g, " ").trim());

afterEach(async () => {
  await act(() => render(null, document.body));
  vi.unstubAllGlobals();
});

describe("the admin order block", () => {
  it("shows the Mirakl order behind the Shopify order, and links to its page in the app", async () => {
    const fetchFromApp = stubAdmin([{ id: ORDER_GID }], jsonAnswer({ found: true, order: miraklOrder }));
    await showBlock();

    expect(fetchFromApp).toHaveBeenCalledExactlyOnceWith(EXPECTED_URL);
    expect(block()?.getAttribute("heading")).toBe("Mirakl marketplace order");
    expect(fields()).toEqual([
      "Marketplace: Decathlon",
      "Mirakl order: DEC-7001-A",
      "State: To ship",
      "Ship by: 12 Jul 2026, 14:00",
      "Commission: 3.60 EUR",
      "Net to seller: 21.39 EUR",
      "Carriers: No carrier map for this marketplace yet: fulfilments cannot be sent to Mirakl",
    ]);
    expect(document.body.querySelector("s-badge")).toBeNull();
    const carrierNote = Array.from(document.body.querySelectorAll("s-text")).find((t) =>
      t.textContent?.startsWith("No carrier map"),
    );
    expect(carrierNote?.getAttribute("tone")).toBe("warning");
    const link = document.body.querySelector("s-link");
    expect(link?.getAttribute("href")).toBe("/app/orders/0190d3c4-aaaa-7bbb-8ccc-123456789abc");
    expect(link?.textContent).toBe("Open the order in Mirakl Bridge");
  });

  it("says the shipping deadline has passed, and that unknown money is unknown", async () => {
    stubAdmin(
      [{ id: ORDER_GID }],
      jsonAnswer({
        found: true,
        order: { ...miraklOrder, shippingOverdue: true, commission: null, netToSeller: null },
      }),
    );
    await showBlock();

    const badge = document.body.querySelector("s-badge");
    expect(badge?.textContent).toBe("Overdue");
    expect(badge?.getAttribute("tone")).toBe("critical");
    expect(fields()).toContain("Ship by: 12 Jul 2026, 14:00 Overdue");
    expect(fields()).toContain("Commission: Unknown");
    expect(fields()).toContain("Net to seller: Unknown");
  });

  it("renders nothing at all for an order that did not come from Mirakl", async () => {
    const fetchFromApp = stubAdmin([{ id: ORDER_GID }], jsonAnswer({ found: false }));
    await showBlock();

    expect(fetchFromApp).toHaveBeenCalledExactlyOnceWith(EXPECTED_URL);
    expect(document.body.innerHTML).toBe("");
  });

  it("renders nothing while the app has not answered (no block flashes on other orders)", async () => {
    stubAdmin([{ id: ORDER_GID }], () => new Promise<Response>(() => {}));
    await showBlock();

    expect(document.body.innerHTML).toBe("");
  });

  it("renders nothing, and asks nothing, when the admin names no order", async () => {
    const fetchFromApp = stubAdmin([], jsonAnswer({ found: false }));
    await showBlock();

    expect(fetchFromApp).not.toHaveBeenCalled();
    expect(document.body.innerHTML).toBe("");
  });

  it("shows a short error when the app fails, never what the server sent", async () => {
    stubAdmin([{ id: ORDER_GID }], () =>
      Promise.resolve(new Response("Error: boom\n    at loader (app/routes/x.ts:12:3)", { status: 500 })),
    );
    await showBlock();

    expect(block()?.getAttribute("heading")).toBe("Mirakl marketplace order");
    const error = document.body.querySelector("s-text");
    expect(error?.getAttribute("tone")).toBe("critical");
    expect(text()).toBe("The Mirakl details could not be loaded (error 500). Reload the page to try again.");
  });

  it.each([
    ["the app cannot be reached", () => Promise.reject(new TypeError("Failed to fetch"))],
    ["the answer is not JSON", () => Promise.resolve(new Response("<html>gateway</html>", { status: 200 }))],
    ["the answer has another shape", jsonAnswer({ found: true, order: { ...miraklOrder, miraklOrderId: 7001 } })],
    [
      "the order page is not the app's",
      jsonAnswer({ found: true, order: { ...miraklOrder, orderPagePath: "https://x" } }),
    ],
  ])("shows a short error when %s", async (_case, answer) => {
    stubAdmin([{ id: ORDER_GID }], answer);
    await showBlock();

    expect(text()).toBe("The Mirakl details could not be loaded. Reload the page to try again.");
    expect(document.body.querySelector("s-link")).toBeNull();
  });
});
