import { createHmac } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { createFulfillment, createOrder, ShopifyFake } from "../../shopify-fake";

/**
 * The fake's fulfilments as Shopify announces them: fulfillmentCreate, fulfillmentTrackingInfoUpdate and
 * fulfillmentCancel (raw GraphQL on the real 2026-07 schema), and the fulfillments/create and fulfillments/update
 * webhooks a subscription receives.
 */

type Store = ShopifyFake["store"];
type Variant = ReturnType<Store["addProduct"]>["variants"][number];

let fake: ShopifyFake;
let store: Store;
let warehouseId: string;
let shoe: Variant;
let tent: Variant;
/** What the subscribed "app" received: topic, verified HMAC, parsed body. */
let received: Array<{ topic: string | null; hmacValid: boolean; body: Record<string, unknown> }>;

const receiver = async (request: Request) => {
  const body = await request.text();
  const hmac = createHmac("sha256", fake.apiSecret).update(body, "utf8").digest("base64");
  received.push({
    topic: request.headers.get("X-Shopify-Topic"),
    hmacValid: request.headers.get("X-Shopify-Hmac-Sha256") === hmac,
    body: JSON.parse(body) as Record<string, unknown>,
  });
  return new Response(null, { status: 200 });
};

async function graphql<T = Record<string, any>>(query: string, variables: Record<string, unknown>) {
  const response = await fake.admin().graphql(query, { variables });
  const json = (await response.json()) as { data: T; errors?: unknown };
  expect(json.errors).toBeUndefined();
  return json.data;
}

const FULFILLMENT_FIELDS = `fulfillment { id name status displayStatus trackingInfo { company number } } userErrors { field message }`;
const fulfil = (fulfillment: Record<string, unknown>) =>
  graphql(
    `mutation Fulfil($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { ${FULFILLMENT_FIELDS} } }`,
    { fulfillment },
  ).then((d) => d.fulfillmentCreate);
const updateTracking = (fulfillmentId: string, trackingInfoInput: Record<string, unknown>) =>
  graphql(
    `mutation Track($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!) {
      fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput) { ${FULFILLMENT_FIELDS} }
    }`,
    { fulfillmentId, trackingInfoInput },
  ).then((d) => d.fulfillmentTrackingInfoUpdate);
const cancel = (id: string) =>
  graphql(`mutation Cancel($id: ID!) { fulfillmentCancel(id: $id) { ${FULFILLMENT_FIELDS} } }`, { id }).then(
    (d) => d.fulfillmentCancel,
  );
const fulfillmentOrders = (orderId: string) =>
  graphql(
    `
      query FOs($id: ID!) {
        order(id: $id) {
          displayFulfillmentStatus
          fulfillmentOrders(first: 10) {
            nodes {
              id
              status
              assignedLocation {
                location {
                  id
                }
              }
              lineItems(first: 10) {
                nodes {
                  id
                  sku
                  totalQuantity
                  remainingQuantity
                }
              }
            }
          }
        }
      }
    `,
    { id: orderId },
  ).then((d) => d.order);

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

/** An order of 3 shoes and 1 tent that committed its units at the warehouse. */
function placeOrder() {
  const created = createOrder(
    store,
    {
      lineItems: [
        { variantId: shoe.id, quantity: 3 },
        { variantId: tent.id, quantity: 1 },
      ],
    },
    { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
  );
  if (!created.ok) throw new Error("order refused");
  return created.ok;
}
const shoeLevel = () => store.levelOf(shoe.inventoryItemId, warehouseId)!;

describe("fulfilment webhooks from the fake", () => {
  it("sends nothing by itself without a subscription", async () => {
    const order = placeOrder();
    expect(
      (await fulfil({ lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: order.fulfillmentOrders[0]!.id }] }))
        .userErrors,
    ).toEqual([]);
    expect(fake.webhooks.sent()).toEqual([]);
  });

  it("signs and sends fulfillments/create, then fulfillments/update for tracking and cancel, to the subscribed targets", async () => {
    fake.webhooks.subscribe("fulfillments/create", receiver);
    fake.webhooks.subscribe("fulfillments/update", receiver);
    const order = placeOrder();
    const fo = order.fulfillmentOrders[0]!;
    const created = await fulfil({
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems[0]!.id, quantity: 2 }] },
      ],
      trackingInfo: { company: "UPS", number: "1Z999AA10123456784" },
    });
    expect(created.fulfillment).toMatchObject({ name: `${order.name}.1`, status: "SUCCESS" });
    await fake.webhooks.settle();
    expect(received).toEqual([
      {
        topic: "fulfillments/create",
        hmacValid: true,
        body: expect.objectContaining({
          admin_graphql_api_id: created.fulfillment.id,
          name: `${order.name}.1`,
          status: "success",
          tracking_company: "UPS",
          tracking_number: "1Z999AA10123456784",
          line_items: [expect.objectContaining({ sku: "SHOE-42", quantity: 2, fulfillable_quantity: 1 })],
        }),
      },
    ]);

    await updateTracking(created.fulfillment.id, { company: "UPS", number: "1Z999AA10123456785" });
    expect((await cancel(created.fulfillment.id)).fulfillment).toMatchObject({
      status: "CANCELLED",
      displayStatus: "CANCELED",
    });
    const outcomes = await Promise.all((await fake.webhooks.settle()).map((d) => d.outcome));
    expect(outcomes).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }]);
    expect(received.slice(1)).toEqual([
      {
        topic: "fulfillments/update",
        hmacValid: true,
        body: expect.objectContaining({ status: "success", tracking_number: "1Z999AA10123456785" }),
      },
      {
        topic: "fulfillments/update",
        hmacValid: true,
        body: expect.objectContaining({ status: "cancelled", tracking_number: "1Z999AA10123456785" }),
      },
    ]);
  });

  it("announces changes made without GraphQL too (seeding actions), only for the subscribed topic and shop", async () => {
    fake.webhooks.subscribe("fulfillments/create", receiver);
    fake.webhooks.subscribe("fulfillments/update", receiver, { shop: "another-shop.myshopify.com" });
    const order = placeOrder();
    const made = createFulfillment(store, {
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: order.fulfillmentOrders[0]!.id }],
    });
    await updateTracking(made.ok!.id, { company: "DHL Express", number: "1234567890" });
    await fake.webhooks.settle();
    expect(received.map((r) => r.topic)).toEqual(["fulfillments/create"]);
    expect(received[0]!.body).toMatchObject({ tracking_company: null, line_items: [{ quantity: 3 }, { quantity: 1 }] });
  });

  it("an unsubscribed target, or one that fails, receives no more: the failure is recorded, nothing throws", async () => {
    const unsubscribe = fake.webhooks.subscribe("fulfillments/create", receiver);
    fake.webhooks.subscribe("fulfillments/create", async () => {
      throw new TypeError("fetch failed");
    });
    unsubscribe();
    const order = placeOrder();
    await fulfil({ lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: order.fulfillmentOrders[0]!.id }] });
    const [delivery] = await fake.webhooks.settle();
    expect(await delivery!.outcome).toEqual({ error: "fetch failed" });
    expect(received).toEqual([]);
  });
});

describe("fulfillmentCancel", () => {
  it("gives a partly fulfilled fulfillment order its units back and commits them again", async () => {
    const order = placeOrder();
    const fo = order.fulfillmentOrders[0]!;
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 3 });
    const { fulfillment } = await fulfil({
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems[0]!.id, quantity: 2 }] },
      ],
    });
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 1 });
    expect((await fulfillmentOrders(order.id)).displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");

    expect((await cancel(fulfillment.id)).userErrors).toEqual([]);
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 3 });
    const after = await fulfillmentOrders(order.id);
    expect(after.displayFulfillmentStatus).toBe("UNFULFILLED");
    expect(after.fulfillmentOrders.nodes).toEqual([
      expect.objectContaining({
        id: fo.id,
        status: "OPEN",
        lineItems: {
          nodes: [
            expect.objectContaining({ sku: "SHOE-42", totalQuantity: 3, remainingQuantity: 3 }),
            expect.objectContaining({ sku: "TENT-2P", totalQuantity: 1, remainingQuantity: 1 }),
          ],
        },
      }),
    ]);
  });

  it("keeps an entirely fulfilled fulfillment order closed and opens a new one at its location for the units", async () => {
    const order = placeOrder();
    const fo = order.fulfillmentOrders[0]!;
    const first = await fulfil({
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems[0]!.id, quantity: 3 }] },
      ],
    });
    await fulfil({ lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] }); // the tent: now CLOSED
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 0 });

    await cancel(first.fulfillment.id);
    const after = await fulfillmentOrders(order.id);
    expect(after.displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(after.fulfillmentOrders.nodes).toEqual([
      expect.objectContaining({ id: fo.id, status: "CLOSED" }),
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/FulfillmentOrder\//),
        status: "OPEN",
        assignedLocation: { location: { id: warehouseId } },
        lineItems: {
          nodes: [expect.objectContaining({ sku: "SHOE-42", totalQuantity: 3, remainingQuantity: 3 })],
        },
      },
    ]);
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 3 });
    // The reopened units can be fulfilled again.
    const again = await fulfil({
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: after.fulfillmentOrders.nodes[1].id }],
    });
    expect(again.userErrors).toEqual([]);
    expect((await fulfillmentOrders(order.id)).displayFulfillmentStatus).toBe("FULFILLED");
  });

  it("refuses an unknown or already cancelled fulfillment, and changes nothing", async () => {
    fake.webhooks.subscribe("fulfillments/update", receiver);
    const order = placeOrder();
    const { fulfillment } = await fulfil({
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: order.fulfillmentOrders[0]!.id }],
    });
    expect((await cancel("gid://shopify/Fulfillment/1")).userErrors).toEqual([
      { field: ["id"], message: "Fulfillment does not exist." },
    ]);
    await cancel(fulfillment.id);
    const twice = await cancel(fulfillment.id);
    expect(twice).toEqual({
      fulfillment: null,
      userErrors: [{ field: ["id"], message: "Fulfillment is already cancelled." }],
    });
    expect(shoeLevel().quantities).toMatchObject({ available: 7, committed: 3 });
    await fake.webhooks.settle();
    expect(received).toHaveLength(1);
  });
});
