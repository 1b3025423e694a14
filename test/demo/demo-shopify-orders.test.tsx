import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DemoShopifyOrders } from "~/components/demo-shopify-orders";
import type { DemoShopifyOrder } from "~/demo/demo-shopify.server";

/** The demo Shopify page's Orders section as the server renders it, reduced to its visible text. */
function visibleText(orders: DemoShopifyOrder[]): string {
  const html = renderToStaticMarkup(
    <AppProvider i18n={en}>
      <DemoShopifyOrders orders={orders} onRefresh={() => {}} />
    </AppProvider>,
  );
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

const miraklOrder: DemoShopifyOrder = {
  id: "gid://shopify/Order/10000000000000001",
  name: "#1002",
  sourceName: "mirakl",
  sourceIdentifier: "MKP-2001-A",
  createdAt: "2026-07-10T12:01:30.000Z",
  financialStatus: "PAID",
  fulfillmentStatus: "PARTIALLY_FULFILLED",
  total: { amount: "243.90", currencyCode: "EUR" },
  lines: [
    {
      id: "gid://shopify/LineItem/1",
      sku: "TENT-2S-2P",
      title: "2 Seconds Easy tent",
      quantity: 2,
      unitPrice: "119.00",
      toFulfil: 1,
      refundable: 2,
    },
    {
      id: "gid://shopify/LineItem/2",
      sku: null,
      title: "Gift wrap",
      quantity: 1,
      unitPrice: "0.00",
      toFulfil: 1,
      refundable: 1,
    },
  ],
  shippingRefundable: "5.90",
  cancelledAt: null,
  cancelReason: null,
  refunds: [],
  tags: ["decathlon", "mirakl"],
  receiptSent: false,
  fulfillments: [],
};

describe("the demo Shopify page's Orders section", () => {
  it("says where the app's orders will come from while there are none", () => {
    const text = visibleText([]);
    expect(text).toContain("Orders");
    expect(text).toContain(
      "No orders yet. The orders the app creates from Mirakl appear here about a minute after the marketplace debits the customer.",
    );
  });

  it("shows each order's name, time, source and Mirakl id, lines, total, statuses, tags and receipt", () => {
    const text = visibleText([
      miraklOrder,
      {
        ...miraklOrder,
        id: "gid://shopify/Order/3",
        name: "#1001",
        sourceName: "web",
        sourceIdentifier: null,
        receiptSent: true,
        tags: [],
      },
    ]);
    for (const expected of [
      "#1002 2026-07-10 12:01 UTC",
      "mirakl MKP-2001-A",
      "2 × TENT-2S-2P at 119.00 2 Seconds Easy tent",
      "1 × Gift wrap at 0.00",
      "243.90 EUR",
      "Paid",
      "Partially fulfilled",
      "decathlon mirakl",
      "Not sent",
      "#1001",
      "Sent to the buyer",
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain("No orders yet");
    expect(text.indexOf("#1002")).toBeLessThan(text.indexOf("#1001"));
  });
});
