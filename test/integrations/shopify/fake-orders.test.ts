import { beforeEach, describe, expect, it } from "vitest";
import { createFulfillment, createOrder, ORDER_RATE_LIMIT_MESSAGE, ShopifyFake } from "../../shopify-fake";

/**
 * The fake's orderCreate and what follows it (routing, fulfillmentOrderMove, search lag, the development-store
 * limit, lost answers), through raw GraphQL requests validated against the real 2026-07 schema.
 */

type Store = ShopifyFake["store"];
type Location = ReturnType<Store["addLocation"]>;
type Variant = ReturnType<Store["addProduct"]>["variants"][number];

let now: number;
let fake: ShopifyFake;
let store: Store;
let warehouse: Location;
let annex: Location;
let parisShop: Location;
let shoe: Variant;
let tent: Variant;
let carabiner: Variant;

function seed(options: ConstructorParameters<typeof ShopifyFake>[0] = {}) {
  now = Date.parse("2026-07-10T12:00:00Z");
  fake = new ShopifyFake({ now: () => now, ...options });
  store = fake.store;
  warehouse = store.addLocation({ name: "Warehouse" }); // primary
  annex = store.addLocation({ name: "Annex" });
  parisShop = store.addLocation({ name: "Paris shop", fulfillsOnlineOrders: false });
  [shoe] = store.addProduct({
    title: "Trail shoe",
    variants: [
      {
        sku: "SHOE-42",
        title: "42",
        price: "100.00",
        stock: { [warehouse.id]: { available: 5 }, [annex.id]: { available: 10 }, [parisShop.id]: { available: 20 } },
      },
    ],
  }).variants as [Variant];
  [tent] = store.addProduct({
    title: "Tent",
    variants: [
      { sku: "TENT", price: "120.00", stock: { [warehouse.id]: { available: 1 }, [annex.id]: { available: 3 } } },
    ],
  }).variants as [Variant];
  [carabiner] = store.addProduct({
    title: "Engraved carabiner",
    variants: [{ sku: "CARA", price: "14.50", tracked: false }],
  }).variants as [Variant];
}
beforeEach(() => seed());

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fake.admin().graphql(query, { variables });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as any, text };
}

const money = (amount: string, currencyCode = "EUR") => ({ shopMoney: { amount, currencyCode } });
const taxLinesFields = "title rate priceSet { shopMoney { amount } }";
const ORDER_FIELDS = `
  id name email phone note currencyCode presentmentCurrencyCode taxesIncluded displayFinancialStatus
  displayFulfillmentStatus sourceName sourceIdentifier registeredSourceUrl tags processedAt createdAt
  customerAcceptsMarketing
  customAttributes { key value }
  subtotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalShippingPriceSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  currentTotalPriceSet { shopMoney { amount } }
  taxLines { ${taxLinesFields} }
  shippingLines(first: 5) { nodes { title code source originalPriceSet { shopMoney { amount } } taxLines { ${taxLinesFields} } } }
  transactions(first: 5) { kind status gateway amountSet { shopMoney { amount currencyCode } } processedAt }
  customer { id email firstName lastName phone defaultAddress { city countryCodeV2 } }
  shippingAddress { firstName lastName address1 city zip countryCodeV2 country }
  billingAddress { city countryCodeV2 }
  lineItems(first: 10) {
    nodes {
      sku title quantity requiresShipping taxable variant { id }
      originalUnitPriceSet { shopMoney { amount } presentmentMoney { amount currencyCode } }
      customAttributes { key value }
      taxLines { ${taxLinesFields} }
    }
  }
  fulfillmentOrders(first: 5) {
    nodes { id status assignedLocation { location { id } } lineItems(first: 10) { nodes { id totalQuantity remainingQuantity } } }
  }`;
const ORDER_CREATE = `mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { ${ORDER_FIELDS} } userErrors { field message code } }
}`;

async function orderCreate(order: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const { status, body } = await graphql(ORDER_CREATE, { order, options });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data.orderCreate as { order: any; userErrors: Array<{ field: string[]; message: string; code: string }> };
}
const line = (variant: Variant, quantity: number, extra: Record<string, unknown> = {}) => ({
  variantId: variant.id,
  quantity,
  ...extra,
});
const levelAt = (variant: Variant, location: Location) => {
  const level = store.levelOf(variant.inventoryItemId, location.id)!;
  return { ...level.quantities, on_hand: store.quantity(level, "on_hand") };
};

describe("orderCreate stores what a marketplace order carries", () => {
  it("keeps lines, shipping, taxes, transactions, buyer and source, and totals them with tax added on top", async () => {
    const { order, userErrors } = await orderCreate({
      currency: "EUR",
      email: "buyer@example.com",
      phone: "+33612345678",
      note: "Mirakl order MKP-1-A",
      buyerAcceptsMarketing: false,
      sourceName: "mirakl",
      sourceIdentifier: "MKP-1-A",
      sourceUrl: "https://marketplace.example.com/orders/MKP-1-A",
      tags: ["mirakl", "decathlon", "mirakl"],
      customAttributes: [{ key: "Marketplace", value: "Decathlon" }],
      processedAt: "2026-07-10T11:00:00Z",
      shippingAddress: {
        firstName: "Ada",
        lastName: "Lovelace",
        address1: "1 rue de Rivoli",
        city: "Paris",
        zip: "75001",
        countryCode: "FR",
      },
      billingAddress: { city: "Lyon", countryCode: "FR" },
      lineItems: [
        line(shoe, 2, {
          priceSet: money("100.00"),
          requiresShipping: true,
          taxLines: [{ title: "TVA", rate: "0.2" }],
          properties: [{ name: "Mirakl line", value: "MKP-1-A-1" }],
        }),
        { title: "Gift wrap", quantity: 1, priceSet: money("5.00"), taxable: false },
      ],
      shippingLines: [
        {
          title: "Standard",
          code: "STD",
          source: "mirakl",
          priceSet: money("4.90"),
          taxLines: [{ title: "TVA", rate: "0.2" }],
        },
      ],
      transactions: [
        {
          kind: "SALE",
          status: "SUCCESS",
          gateway: "mirakl",
          amountSet: money("250.88"),
          processedAt: "2026-07-10T11:00:00Z",
        },
      ],
    });
    expect(userErrors).toEqual([]);
    expect(order).toMatchObject({
      email: "buyer@example.com",
      phone: "+33612345678",
      note: "Mirakl order MKP-1-A",
      currencyCode: "EUR",
      presentmentCurrencyCode: "EUR",
      taxesIncluded: false,
      displayFinancialStatus: "PAID", // derived: one successful sale covering the total
      displayFulfillmentStatus: "UNFULFILLED",
      sourceName: "mirakl",
      sourceIdentifier: "MKP-1-A",
      registeredSourceUrl: "https://marketplace.example.com/orders/MKP-1-A",
      tags: ["decathlon", "mirakl"],
      customAttributes: [{ key: "Marketplace", value: "Decathlon" }],
      processedAt: "2026-07-10T11:00:00.000Z",
      createdAt: "2026-07-10T12:00:00.000Z",
      customerAcceptsMarketing: false,
      // 2 × 100.00 + 5.00; shipping 4.90; tax 20 % of 200.00 and of 4.90; the gift wrap is not taxable.
      subtotalPriceSet: { shopMoney: { amount: "205.00", currencyCode: "EUR" } },
      totalShippingPriceSet: { shopMoney: { amount: "4.90" } },
      totalTaxSet: { shopMoney: { amount: "40.98" } },
      totalPriceSet: { shopMoney: { amount: "250.88", currencyCode: "EUR" } },
      currentTotalPriceSet: { shopMoney: { amount: "250.88" } },
      taxLines: [{ title: "TVA", rate: 0.2, priceSet: { shopMoney: { amount: "40.98" } } }],
      shippingLines: {
        nodes: [
          {
            title: "Standard",
            code: "STD",
            source: "mirakl",
            originalPriceSet: { shopMoney: { amount: "4.90" } },
            taxLines: [{ title: "TVA", rate: 0.2, priceSet: { shopMoney: { amount: "0.98" } } }],
          },
        ],
      },
      transactions: [
        {
          kind: "SALE",
          status: "SUCCESS",
          gateway: "mirakl",
          amountSet: { shopMoney: { amount: "250.88", currencyCode: "EUR" } },
          processedAt: "2026-07-10T11:00:00Z",
        },
      ],
      customer: null,
      shippingAddress: {
        firstName: "Ada",
        lastName: "Lovelace",
        city: "Paris",
        zip: "75001",
        countryCodeV2: "FR",
        country: "France",
      },
      billingAddress: { city: "Lyon", countryCodeV2: "FR" },
      lineItems: {
        nodes: [
          {
            sku: "SHOE-42",
            title: "Trail shoe",
            quantity: 2,
            requiresShipping: true,
            taxable: true,
            variant: { id: shoe.id },
            originalUnitPriceSet: { shopMoney: { amount: "100.00" } },
            customAttributes: [{ key: "Mirakl line", value: "MKP-1-A-1" }],
            taxLines: [{ title: "TVA", rate: 0.2, priceSet: { shopMoney: { amount: "40.00" } } }],
          },
          { sku: null, title: "Gift wrap", quantity: 1, requiresShipping: false, taxable: false, taxLines: [] },
        ],
      },
    });
    const stored = store.orders.get(order.id)!;
    expect(stored).toMatchObject({ sendReceipt: false, sendFulfillmentReceipt: false, inventoryBehaviour: "BYPASS" });
  });

  it("with taxesIncluded the prices hold the tax, so the total does not add it", async () => {
    const { order } = await orderCreate({
      taxesIncluded: true,
      lineItems: [line(tent, 1, { priceSet: money("120.00"), taxLines: [{ title: "TVA", rate: "0.2" }] })],
      shippingLines: [{ title: "Express", priceSet: money("6.00"), taxLines: [{ title: "TVA", rate: "0.2" }] }],
    });
    expect(order).toMatchObject({
      taxesIncluded: true,
      subtotalPriceSet: { shopMoney: { amount: "120.00" } },
      totalShippingPriceSet: { shopMoney: { amount: "6.00" } },
      totalTaxSet: { shopMoney: { amount: "21.00" } }, // 120 × 0.2 / 1.2 + 6 × 0.2 / 1.2
      totalPriceSet: { shopMoney: { amount: "126.00" } },
      displayFinancialStatus: "PENDING", // no transaction, no status given
    });
  });

  it("splits order-level tax lines across the taxable lines, and refuses tax lines on both the order and a line", async () => {
    const { order } = await orderCreate({
      taxLines: [{ title: "VAT", rate: "0.2", priceSet: money("10.00") }],
      lineItems: [
        { title: "Big", quantity: 1, priceSet: money("30.00") },
        { title: "Small", quantity: 1, priceSet: money("10.00") },
        { title: "Voucher", quantity: 1, priceSet: money("5.00"), taxable: false },
      ],
    });
    expect(order.lineItems.nodes.map((l: any) => l.taxLines.map((t: any) => t.priceSet.shopMoney.amount))).toEqual([
      ["7.50"],
      ["2.50"],
      [],
    ]);
    expect(order).toMatchObject({
      taxLines: [{ title: "VAT", priceSet: { shopMoney: { amount: "10.00" } } }],
      totalPriceSet: { shopMoney: { amount: "55.00" } },
    });

    const before = store.orders.size;
    const both = await orderCreate({
      taxLines: [{ title: "VAT", rate: "0.2" }],
      lineItems: [{ title: "Big", quantity: 1, priceSet: money("30.00"), taxLines: [{ title: "VAT", rate: "0.2" }] }],
    });
    expect(both).toEqual({
      order: null,
      userErrors: [{ field: ["order", "taxLines"], message: expect.stringContaining("not both"), code: "INVALID" }],
    });
    expect(store.orders.size).toBe(before);
  });

  it("takes the financial status given, else derives it from the transactions", async () => {
    const status = async (order: Record<string, unknown>) =>
      (await orderCreate({ lineItems: [{ title: "Item", quantity: 1, priceSet: money("50.00") }], ...order })).order
        .displayFinancialStatus;
    expect(await status({ transactions: [{ kind: "SALE", amountSet: money("20.00") }] })).toBe("PARTIALLY_PAID");
    expect(await status({ transactions: [{ kind: "AUTHORIZATION", amountSet: money("50.00") }] })).toBe("AUTHORIZED");
    expect(await status({ transactions: [{ kind: "SALE", status: "FAILURE", amountSet: money("50.00") }] })).toBe(
      "PENDING",
    );
    expect(await status({ financialStatus: "PAID" })).toBe("PAID");
  });

  it("records sendReceipt and sendFulfillmentReceipt from the options", async () => {
    const { order } = await orderCreate(
      { lineItems: [line(shoe, 1)] },
      { sendReceipt: true, sendFulfillmentReceipt: false },
    );
    expect(store.orders.get(order.id)).toMatchObject({ sendReceipt: true, sendFulfillmentReceipt: false });
    // A variant line without a price takes the variant's.
    expect(order.totalPriceSet.shopMoney.amount).toBe("100.00");
  });
});

describe("orderCreate and customers", () => {
  it("toUpsert creates a customer keyed by email and updates it on the next order; none means no customer", async () => {
    const first = await orderCreate({
      email: "ada@example.com",
      lineItems: [line(shoe, 1)],
      shippingAddress: { firstName: "Ada", lastName: "Lovelace", city: "Paris", countryCode: "FR" },
      customer: { toUpsert: { email: "ada@example.com", phone: "+33600000001" } },
    });
    expect(first.order.customer).toMatchObject({
      email: "ada@example.com",
      firstName: "Ada", // lent by the shipping address to a nameless customer
      lastName: "Lovelace",
      phone: "+33600000001",
      defaultAddress: { city: "Paris", countryCodeV2: "FR" },
    });
    const second = await orderCreate({
      lineItems: [line(shoe, 1)],
      customer: { toUpsert: { email: "ADA@example.com", firstName: "Augusta", tags: ["mirakl"] } },
    });
    expect(second.order.customer.id).toBe(first.order.customer.id);
    expect(second.order.customer.firstName).toBe("Augusta");
    expect(second.order.email).toBe("ADA@example.com");
    expect(store.customers.size).toBe(1);

    const anonymous = await orderCreate({ email: "someone@example.com", lineItems: [line(shoe, 1)] });
    expect(anonymous.order.customer).toBeNull();
    expect(store.customers.size).toBe(1);
  });

  it("toAssociate links an existing customer by id; an unknown id, or customer with customerId, is refused", async () => {
    const created = await orderCreate({
      lineItems: [line(shoe, 1)],
      customer: { toUpsert: { email: "grace@example.com", firstName: "Grace" } },
    });
    const customerId = created.order.customer.id as string;
    const associated = await orderCreate({ lineItems: [line(shoe, 1)], customer: { toAssociate: { id: customerId } } });
    expect(associated.order.customer).toMatchObject({ id: customerId, firstName: "Grace" });
    expect(associated.order.email).toBe("grace@example.com");

    const orders = store.orders.size;
    const unknown = await orderCreate({
      lineItems: [line(shoe, 1)],
      customer: { toAssociate: { id: "gid://shopify/Customer/1" } },
    });
    expect(unknown.userErrors).toEqual([
      { field: ["order", "customer", "toAssociate", "id"], message: "Customer does not exist", code: "INVALID" },
    ]);
    const redundant = await orderCreate({
      lineItems: [line(shoe, 1)],
      customerId,
      customer: { toUpsert: { email: "other@example.com" } },
    });
    expect(redundant.userErrors).toMatchObject([{ code: "REDUNDANT_CUSTOMER_FIELDS" }]);
    expect(store.orders.size).toBe(orders);
    expect(store.customers.size).toBe(1); // other@example.com was not created
  });
});

describe("orderCreate refusals create nothing", () => {
  it("refuses a currency the shop cannot take, and accepts an enabled presentment currency", async () => {
    const refused = await orderCreate({
      currency: "GBP",
      lineItems: [line(shoe, 1, { priceSet: money("80.00", "GBP") })],
    });
    expect(refused).toEqual({
      order: null,
      userErrors: [{ field: ["order", "currency"], message: expect.stringContaining("GBP"), code: "INVALID" }],
    });
    expect(store.orders.size).toBe(0);

    seed({ presentmentCurrencies: ["GBP"] });
    const accepted = await orderCreate({
      presentmentCurrency: "GBP",
      lineItems: [
        line(shoe, 1, {
          priceSet: {
            shopMoney: { amount: "100.00", currencyCode: "EUR" },
            presentmentMoney: { amount: "85.00", currencyCode: "GBP" },
          },
        }),
      ],
    });
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.order).toMatchObject({
      currencyCode: "EUR", // no currency given: the shop's
      presentmentCurrencyCode: "GBP",
      totalPriceSet: {
        shopMoney: { amount: "100.00", currencyCode: "EUR" },
        presentmentMoney: { amount: "85.00", currencyCode: "GBP" },
      },
    });
  });

  it("a deleted variant refuses the whole order: no customer, no stock moved, no order number used", async () => {
    store.deleteVariant(tent.id);
    const result = await orderCreate(
      {
        lineItems: [line(shoe, 2), line(tent, 1)],
        customer: { toUpsert: { email: "ada@example.com" } },
      },
      { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    );
    expect(result.userErrors).toEqual([
      { field: ["order", "lineItems", "1", "variantId"], message: "Variant does not exist", code: "INVALID" },
    ]);
    expect(store.orders.size).toBe(0);
    expect(store.customers.size).toBe(0);
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 5, committed: 0 });
    expect((await orderCreate({ lineItems: [line(shoe, 1)] })).order.name).toBe("#1001");
  });

  it("processedAt: unreadable is refused; in the future it is clamped to now in 2026-07 and refused before", async () => {
    const unreadable = await orderCreate({ processedAt: "yesterday", lineItems: [line(shoe, 1)] });
    expect(unreadable.userErrors).toMatchObject([{ field: ["order", "processedAt"], code: "PROCESSED_AT_INVALID" }]);
    const clamped = await orderCreate({ processedAt: "2026-07-11T00:00:00Z", lineItems: [line(shoe, 1)] });
    expect(clamped.order.processedAt).toBe("2026-07-10T12:00:00.000Z");

    seed({ apiVersion: "2026-04" });
    const older = await orderCreate({ processedAt: "2026-07-11T00:00:00Z", lineItems: [line(shoe, 1)] });
    expect(older.userErrors).toMatchObject([{ field: ["order", "processedAt"], code: "PROCESSED_AT_INVALID" }]);
    expect(store.orders.size).toBe(0);
  });
});

describe("orderCreate inventory behaviour and routing", () => {
  it("BYPASS moves no stock; DECREMENT_IGNORING_POLICY commits even below zero", async () => {
    await orderCreate({ lineItems: [line(shoe, 2)] }, { inventoryBehaviour: "BYPASS" });
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 5, committed: 0 });

    const { order } = await orderCreate(
      { lineItems: [line(tent, 4), line(carabiner, 1)] },
      { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    );
    // No location has 4 tents: the primary takes the order and goes below zero.
    expect(order.fulfillmentOrders.nodes[0].assignedLocation.location.id).toBe(warehouse.id);
    expect(levelAt(tent, warehouse)).toMatchObject({ available: -3, committed: 4, on_hand: 1 });
  });

  it("DECREMENT_OBEYING_POLICY refuses with INVENTORY_CLAIM_FAILED when no location has enough, claiming nothing", async () => {
    const result = await orderCreate(
      { lineItems: [line(shoe, 1), line(tent, 2), line(tent, 2)] },
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    );
    // Two lines of the same tent need 4 together: the annex has 3, so the order goes to the primary, which has 1.
    expect(result.userErrors).toEqual([
      {
        field: ["order", "lineItems", "1"],
        message: "Unable to reserve inventory for TENT",
        code: "INVENTORY_CLAIM_FAILED",
      },
      {
        field: ["order", "lineItems", "2"],
        message: "Unable to reserve inventory for TENT",
        code: "INVENTORY_CLAIM_FAILED",
      },
    ]);
    expect(store.orders.size).toBe(0);
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 5, committed: 0 });
    expect(levelAt(tent, annex)).toMatchObject({ available: 3, committed: 0 });
  });

  it("routes to the first location (primary first) that has every line, skipping those that do not ship online", async () => {
    const atPrimary = await orderCreate(
      { lineItems: [line(shoe, 5)] },
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    );
    expect(atPrimary.order.fulfillmentOrders.nodes[0].assignedLocation.location.id).toBe(warehouse.id);
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 0, committed: 5 });

    // The warehouse has no shoe left and one tent: the annex has both.
    const atAnnex = await orderCreate(
      { lineItems: [line(shoe, 2), line(tent, 2)] },
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    );
    expect(atAnnex.order.fulfillmentOrders.nodes[0].assignedLocation.location.id).toBe(annex.id);
    expect(levelAt(shoe, annex)).toMatchObject({ available: 8, committed: 2 });
    expect(levelAt(tent, annex)).toMatchObject({ available: 1, committed: 2 });

    // Only the Paris shop has 15 shoes, and it does not fulfil online orders: refused rather than routed there.
    const tooMany = await orderCreate(
      { lineItems: [line(shoe, 15)] },
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    );
    expect(tooMany.userErrors).toMatchObject([{ code: "INVENTORY_CLAIM_FAILED" }]);

    store.locations.get(annex.id)!.isActive = false;
    // No shoe at the warehouse; the annex has them but is no longer active.
    const inactive = await orderCreate(
      { lineItems: [line(shoe, 3)] },
      { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
    );
    expect(inactive.order.fulfillmentOrders.nodes[0].assignedLocation.location.id).toBe(warehouse.id);
  });
});

const FO_MOVE = `mutation FulfillmentOrderMove($id: ID!, $newLocationId: ID!, $items: [FulfillmentOrderLineItemInput!]) {
  fulfillmentOrderMove(id: $id, newLocationId: $newLocationId, fulfillmentOrderLineItems: $items) {
    movedFulfillmentOrder { ...FO }
    originalFulfillmentOrder { ...FO }
    remainingFulfillmentOrder { ...FO }
    userErrors { field message code }
  }
}
fragment FO on FulfillmentOrder {
  id status assignedLocation { location { id } }
  lineItems(first: 10) { nodes { id totalQuantity remainingQuantity lineItem { sku } } }
}`;
const ORDER_FOS = `query OrderFulfillmentOrders($id: ID!) {
  order(id: $id) { fulfillmentOrders(first: 10) { nodes { id status assignedLocation { location { id } } lineItems(first: 10) { nodes { totalQuantity remainingQuantity } } } } }
}`;

describe("fulfillmentOrderMove", () => {
  async function placeAtWarehouse(behaviour = "DECREMENT_OBEYING_POLICY") {
    const { order } = await orderCreate(
      { lineItems: [line(shoe, 3), line(tent, 1)] },
      { inventoryBehaviour: behaviour },
    );
    const fo = order.fulfillmentOrders.nodes[0];
    expect(fo.assignedLocation.location.id).toBe(warehouse.id);
    return { orderId: order.id as string, fo };
  }
  const move = async (id: string, newLocationId: string, items?: Array<{ id: string; quantity: number }>) => {
    const { body } = await graphql(FO_MOVE, { id, newLocationId, items });
    expect(body.errors).toBeUndefined();
    return body.data.fulfillmentOrderMove;
  };

  it("moves a whole fulfillment order: same id, new location, committed units follow, on_hand unchanged", async () => {
    const { orderId, fo } = await placeAtWarehouse();
    const before = { warehouse: levelAt(shoe, warehouse), annex: levelAt(shoe, annex) };
    expect(before.warehouse).toMatchObject({ available: 2, committed: 3 });

    const result = await move(fo.id, annex.id);
    expect(result.userErrors).toEqual([]);
    expect(result.movedFulfillmentOrder).toMatchObject({ id: fo.id, assignedLocation: { location: { id: annex.id } } });
    expect(result.originalFulfillmentOrder.id).toBe(fo.id);
    expect(result.remainingFulfillmentOrder).toBeNull();
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 5, committed: 0, on_hand: before.warehouse.on_hand });
    expect(levelAt(shoe, annex)).toMatchObject({ available: 7, committed: 3, on_hand: before.annex.on_hand });
    expect(levelAt(tent, warehouse)).toMatchObject({ available: 1, committed: 0 });
    expect(levelAt(tent, annex)).toMatchObject({ available: 2, committed: 1 });

    const { body } = await graphql(ORDER_FOS, { id: orderId });
    expect(body.data.order.fulfillmentOrders.nodes).toEqual([
      expect.objectContaining({ id: fo.id, status: "OPEN", assignedLocation: { location: { id: annex.id } } }),
    ]);
  });

  it("moves part of a fulfillment order into a new one; the original keeps the rest", async () => {
    const { orderId, fo } = await placeAtWarehouse();
    const shoeLine = fo.lineItems.nodes[0];
    const result = await move(fo.id, annex.id, [{ id: shoeLine.id, quantity: 2 }]);
    expect(result.userErrors).toEqual([]);
    expect(result.movedFulfillmentOrder).toMatchObject({
      status: "OPEN",
      assignedLocation: { location: { id: annex.id } },
      lineItems: { nodes: [{ totalQuantity: 2, remainingQuantity: 2, lineItem: { sku: "SHOE-42" } }] },
    });
    expect(result.movedFulfillmentOrder.id).not.toBe(fo.id);
    expect(result.originalFulfillmentOrder).toMatchObject({
      id: fo.id,
      status: "OPEN",
      assignedLocation: { location: { id: warehouse.id } },
      lineItems: {
        nodes: [
          { totalQuantity: 1, remainingQuantity: 1, lineItem: { sku: "SHOE-42" } },
          { totalQuantity: 1, remainingQuantity: 1, lineItem: { sku: "TENT" } },
        ],
      },
    });
    expect(result.remainingFulfillmentOrder.id).toBe(fo.id);
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 4, committed: 1 });
    expect(levelAt(shoe, annex)).toMatchObject({ available: 8, committed: 2 });

    const { body } = await graphql(ORDER_FOS, { id: orderId });
    expect(body.data.order.fulfillmentOrders.nodes.map((n: any) => n.assignedLocation.location.id)).toEqual([
      warehouse.id,
      annex.id,
    ]);
  });

  it("after a partial fulfilment, moves the unfulfilled rest to a new fulfillment order and closes the original", async () => {
    const { orderId } = await placeAtWarehouse();
    const stored = store.orders.get(orderId)!.fulfillmentOrders[0]!;
    createFulfillment(store, {
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: stored.id, fulfillmentOrderLineItems: [{ id: stored.lineItems[0]!.id, quantity: 1 }] },
      ],
    });
    const result = await move(stored.id, annex.id);
    expect(result.movedFulfillmentOrder.lineItems.nodes).toMatchObject([
      { totalQuantity: 2, remainingQuantity: 2, lineItem: { sku: "SHOE-42" } },
      { totalQuantity: 1, remainingQuantity: 1, lineItem: { sku: "TENT" } },
    ]);
    expect(result.originalFulfillmentOrder).toMatchObject({
      id: stored.id,
      status: "CLOSED",
      lineItems: { nodes: [{ totalQuantity: 1, remainingQuantity: 0, lineItem: { sku: "SHOE-42" } }] },
    });
    expect(result.remainingFulfillmentOrder).toBeNull();
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 4, committed: 0 }); // one shipped, two released
    expect(levelAt(shoe, annex)).toMatchObject({ available: 8, committed: 2 });
  });

  it("refuses a destination that does not stock an item, a closed fulfillment order, and too many units", async () => {
    const { fo } = await placeAtWarehouse();
    const noTent = await move(fo.id, parisShop.id);
    expect(noTent).toMatchObject({
      movedFulfillmentOrder: null,
      userErrors: [{ field: ["newLocationId"], message: expect.stringContaining("TENT") }],
    });
    const tooMany = await move(fo.id, annex.id, [{ id: fo.lineItems.nodes[0].id, quantity: 4 }]);
    expect(tooMany.userErrors).toMatchObject([{ field: ["fulfillmentOrderLineItems", "0", "quantity"] }]);
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 2, committed: 3 });
    expect(store.findFulfillmentOrder(fo.id)!.locationId).toBe(warehouse.id);

    createFulfillment(store, { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] });
    const closed = await move(fo.id, annex.id);
    expect(closed.userErrors).toMatchObject([{ field: ["id"], message: expect.stringContaining("closed") }]);
  });

  it("moves a BYPASS order's fulfillment order without touching stock it never committed", async () => {
    const { fo } = await placeAtWarehouse("BYPASS");
    expect((await move(fo.id, annex.id)).userErrors).toEqual([]);
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 5, committed: 0 });
    expect(levelAt(shoe, annex)).toMatchObject({ available: 10, committed: 0 });
  });
});

const ORDERS_BY_SOURCE = `query OrdersBySource($query: String!) { orders(first: 5, query: $query) { nodes { id } } }`;
const ORDER_BY_ID = `query OrderById($id: ID!) { order(id: $id) { id } nodes(ids: [$id]) { id } }`;

describe("search lag", () => {
  it("orders(query:) sees a new order only searchLagMs after it was created; order(id:) and nodes at once", async () => {
    const { order } = await orderCreate({ sourceIdentifier: "MKP-9", lineItems: [line(shoe, 1)] });
    const search = async () =>
      (await graphql(ORDERS_BY_SOURCE, { query: 'source_identifier:"MKP-9"' })).body.data.orders.nodes;
    expect(await search()).toEqual([]);
    expect((await graphql(ORDER_BY_ID, { id: order.id })).body.data).toEqual({
      order: { id: order.id },
      nodes: [{ id: order.id }],
    });
    now += 2999;
    expect(await search()).toEqual([]);
    now += 1;
    expect(await search()).toEqual([{ id: order.id }]);
  });

  it("can be set after construction", async () => {
    fake.searchLagMs = 0;
    const { order } = await orderCreate({ sourceIdentifier: "MKP-10", lineItems: [line(shoe, 1)] });
    expect((await graphql(ORDERS_BY_SOURCE, { query: "source_identifier:MKP-10" })).body.data.orders.nodes).toEqual([
      { id: order.id },
    ]);
  });
});

describe("development-store order limit", () => {
  const createVia = () =>
    graphql(ORDER_CREATE, { order: { lineItems: [line(shoe, 1)] }, options: { inventoryBehaviour: "BYPASS" } });

  it("refuses the 6th orderCreate of a rolling minute with HTTP 429 and Retry-After: 60, creating nothing", async () => {
    createOrder(store, { lineItems: [line(shoe, 1)] }); // seeding does not count
    for (let i = 0; i < 5; i++) {
      expect((await createVia()).status).toBe(200);
      now += 10_000;
    }
    expect(store.orders.size).toBe(6);
    const refused = await createVia();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    expect(JSON.parse(refused.text)).toEqual({ errors: ORDER_RATE_LIMIT_MESSAGE });
    expect(ORDER_RATE_LIMIT_MESSAGE).toBe(
      "Exceeded order API rate limit, please try again in a minute. Upgrade to a paid account to remove this limit.",
    );
    expect(store.orders.size).toBe(6);
    // Queries are not orders.
    expect((await graphql(ORDER_BY_ID, { id: [...store.orders.keys()][0] })).status).toBe(200);

    now += 10_000; // the first of the five is now 60 s old
    expect((await createVia()).status).toBe(200);
    expect(store.orders.size).toBe(7);
  });

  it("null means unlimited, as on a paid plan; the limit can be changed after construction", async () => {
    fake.orderCreatePerMinute = null;
    for (let i = 0; i < 8; i++) expect((await createVia()).status).toBe(200);
    fake.orderCreatePerMinute = 2;
    expect((await createVia()).status).toBe(429);
  });
});

describe("lost answers", () => {
  const LOCATIONS = `query Locations { locations(first: 5) { nodes { id } } }`;
  const createVia = () => graphql(ORDER_CREATE, { order: { lineItems: [line(shoe, 1)] } });

  it("loseNextAnswer executes the matching request in full, then answers 502", async () => {
    fake.loseNextAnswer("OrderCreate");
    expect((await graphql(LOCATIONS)).status).toBe(200); // another operation goes through untouched
    const lost = await graphql(ORDER_CREATE, {
      order: { sourceIdentifier: "MKP-LOST", lineItems: [line(shoe, 2)] },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(lost.status).toBe(502);
    const [order] = [...store.orders.values()];
    expect(order).toMatchObject({ sourceIdentifier: "MKP-LOST" });
    expect(levelAt(shoe, warehouse)).toMatchObject({ available: 3, committed: 2 });
    expect(fake.requests.at(-1)).toMatchObject({ operationName: "OrderCreate", status: 502, answerLost: true });
    expect((await createVia()).status).toBe(200); // only the next one
  });

  it("with networkError the fetch rejects, after the order was created", async () => {
    fake.loseNextAnswer("OrderCreate", { networkError: true });
    await expect(graphql(ORDER_CREATE, { order: { lineItems: [line(shoe, 1)] } })).rejects.toThrow("fetch failed");
    expect(store.orders.size).toBe(1);
  });

  it("failNext fails before anything runs: nothing is created", async () => {
    fake.failNext(502);
    expect((await graphql(ORDER_CREATE, { order: { lineItems: [line(shoe, 1)] } })).status).toBe(502);
    expect(store.orders.size).toBe(0);
  });
});
