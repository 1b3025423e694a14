import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { coerceInputValue, type GraphQLInputType } from "graphql";
import { describe, expect, it } from "vitest";
import {
  ADJUSTMENT_DISCOUNT_CODE,
  ORDER_LINE_PROPERTY,
  countryCodeAlpha2,
  inventoryBehaviourFor,
  planShopifyOrder,
  remainingQuantity,
  shopifyOrderDue,
  shopifySourceName,
  type LineVariant,
  type MiraklOrderLike,
  type MiraklOrderLineLike,
  type ShopifyOrderContext,
  type ShopifyOrderPlan,
} from "~/domain/orders/shopify-order";
import { miraklOrderSchema } from "~/integrations/mirakl/schemas";
import { loadAdminSchema } from "../../integrations/shopify/admin-schema";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const specPath = process.env.MIRAKL_OPENAPI_SPEC ?? path.resolve(repoRoot, "../shared/mirakl/mmp-seller-openapi.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.warn(`[Shopify order OR11 example] skipped: OpenAPI spec not found at ${specPath}`);

const schema = loadAdminSchema();
/** Shopify's own input coercion: a field or enum value Shopify does not know throws, as the real API would refuse it. */
function assertValidShopifyInput(plan: ShopifyOrderPlan) {
  const coerce = (typeName: string, value: unknown) =>
    coerceInputValue(value, schema.getType(typeName) as GraphQLInputType, (pathTo, _invalid, error) => {
      throw new Error(`${typeName}.${pathTo.join(".")}: ${error.message}`);
    });
  coerce("OrderCreateOrderInput", plan.order);
  coerce("OrderCreateOptionsInput", plan.options);
}

const variant = (sku: string, tracked = true): LineVariant => ({
  kind: "variant",
  variantId: `gid://shopify/ProductVariant/${sku}`,
  sku,
  tracked,
});

function contextFor(order: MiraklOrderLike, overrides: Partial<ShopifyOrderContext> = {}): ShopifyOrderContext {
  return {
    marketplace: "Décathlon FR",
    variants: new Map(order.order_lines.map((line) => [line.order_line_id, variant(line.offer_sku)])),
    customerMode: "none",
    inventoryBehaviour: inventoryBehaviourFor(order),
    addressAsNoteOnly: false,
    now: new Date("2026-12-03T12:00:00Z"),
    ...overrides,
  };
}

function plan(order: MiraklOrderLike, overrides: Partial<ShopifyOrderContext> = {}): ShopifyOrderPlan {
  const mapping = planShopifyOrder(order, contextFor(order, overrides));
  if (!mapping.ok) throw new Error(JSON.stringify(mapping.problems));
  assertValidShopifyInput(mapping.plan);
  return mapping.plan;
}

function line(overrides: Partial<MiraklOrderLineLike> & { order_line_id: string }): MiraklOrderLineLike {
  return {
    order_line_state: "SHIPPING",
    offer_sku: "SKU-1",
    product_title: "Trail shoe",
    quantity: 1,
    price_unit: "50",
    price: "50",
    shipping_price: "5",
    total_commission: "6",
    taxes: [],
    shipping_taxes: [],
    fees: [],
    cancelations: [],
    shipped_date: null,
    ...overrides,
  };
}

function order(overrides: Partial<MiraklOrderLike> = {}): MiraklOrderLike {
  return {
    order_id: "9001-A",
    commercial_id: "9001",
    order_state: "SHIPPING",
    created_date: "2026-12-03T10:00:00Z",
    customer_debited_date: "2026-12-03T10:05:00Z",
    shipping_deadline: "2026-12-05T23:59:59Z",
    currency_iso_code: "EUR",
    order_tax_mode: "TAX_INCLUDED",
    payment_workflow: "PAY_ON_ACCEPTANCE",
    shipping_type_code: "STD",
    shipping_type_label: "Standard delivery",
    customer_notification_email: "notification+abc@notification.mirakl.net",
    customer: {
      firstname: "Ada",
      lastname: "Lovelace",
      shipping_address: {
        firstname: "Ada",
        lastname: "Lovelace",
        street_1: "12 rue de la Paix",
        zip_code: "75002",
        city: "Paris",
        country: "France",
        country_iso_code: "FRA",
        phone: "+33100000000",
      },
      billing_address: null,
    },
    order_lines: [
      line({
        order_line_id: "9001-A-1",
        quantity: 2,
        price: "100",
        shipping_price: "5.9",
        taxes: [{ code: "TVA", amount: "16.67", rate: "20" }],
        shipping_taxes: [{ code: "TVA", amount: "0.98", rate: "20" }],
        total_commission: "12.5",
      }),
    ],
    ...overrides,
  };
}

describe("when a Shopify order is due", () => {
  it("once the customer paid (SHIPPING) or later, with a line left to ship", () => {
    for (const state of ["SHIPPING", "SHIPPED", "TO_COLLECT", "RECEIVED"])
      expect(shopifyOrderDue(order({ order_state: state })), state).toBe(true);
    for (const state of [
      "STAGING",
      "WAITING_ACCEPTANCE",
      "WAITING_DEBIT",
      "WAITING_DEBIT_PAYMENT",
      "CANCELED",
      "REFUSED",
      "CLOSED",
    ])
      expect(shopifyOrderDue(order({ order_state: state })), state).toBe(false);
  });

  it("not when every line was refused or cancelled", () => {
    const lines = [
      line({ order_line_id: "L1", order_line_state: "REFUSED" }),
      line({ order_line_id: "L2", order_line_state: "CANCELED" }),
      line({ order_line_id: "L3", quantity: 2, cancelations: [{ quantity: 2, amount: "100" }] }),
    ];
    expect(shopifyOrderDue(order({ order_lines: lines }))).toBe(false);
    const mapping = planShopifyOrder(order({ order_lines: lines }), contextFor(order({ order_lines: lines })));
    expect(mapping.ok).toBe(false);
    expect(!mapping.ok && mapping.problems[0]!.cause).toBe("NOTHING_TO_CREATE");
  });

  it("remaining quantity is the quantity less cancelled units", () => {
    expect(remainingQuantity({ quantity: 3, cancelations: [{ quantity: 1 }, { quantity: 0 }] })).toBe(2);
    expect(remainingQuantity({ quantity: 1, cancelations: [{ quantity: 5 }] })).toBe(0);
  });
});

describe("how the order moves Shopify's stock", () => {
  it("commits the units (the hold goes back) when nothing shipped yet", () => {
    expect(inventoryBehaviourFor(order())).toBe("DECREMENT_IGNORING_POLICY");
  });

  it("leaves stock alone when a line shipped first (its reservation takes the units out)", () => {
    const shipped = order({
      order_lines: [
        line({ order_line_id: "L1" }),
        line({ order_line_id: "L2", order_line_state: "SHIPPED", shipped_date: "2026-12-03T11:00:00Z" }),
      ],
    });
    expect(inventoryBehaviourFor(shipped)).toBe("BYPASS");
    // A refused line that would ship never counts.
    expect(
      inventoryBehaviourFor(
        order({
          order_lines: [line({ order_line_id: "L1" }), line({ order_line_id: "L2", order_line_state: "REFUSED" })],
        }),
      ),
    ).toBe("DECREMENT_IGNORING_POLICY");
  });
});

describe("the Shopify order of a paid Mirakl order", () => {
  it("TAX_INCLUDED, debited: Mirakl's prices and taxes, one paid transaction, no receipt, no customer", () => {
    const result = plan(order());
    expect(result.options).toEqual({
      inventoryBehaviour: "DECREMENT_IGNORING_POLICY",
      sendReceipt: false,
      sendFulfillmentReceipt: false,
    });
    const input = result.order;
    expect(input.currency).toBe("EUR");
    expect(input.taxesIncluded).toBe(true);
    expect(input.lineItems).toEqual([
      {
        variantId: "gid://shopify/ProductVariant/SKU-1",
        sku: "SKU-1",
        title: "Trail shoe",
        quantity: 2,
        priceSet: { shopMoney: { amount: "50", currencyCode: "EUR" } },
        taxLines: [
          {
            title: "TVA",
            rate: "0.2",
            priceSet: { shopMoney: { amount: "16.67", currencyCode: "EUR" } },
            channelLiable: false,
          },
        ],
        requiresShipping: true,
        taxable: true,
        properties: [{ name: ORDER_LINE_PROPERTY, value: "9001-A-1" }],
      },
    ]);
    expect(input.shippingLines).toEqual([
      {
        title: "Standard delivery",
        code: "STD",
        source: "Décathlon FR",
        priceSet: { shopMoney: { amount: "5.9", currencyCode: "EUR" } },
        taxLines: [
          {
            title: "TVA",
            rate: "0.2",
            priceSet: { shopMoney: { amount: "0.98", currencyCode: "EUR" } },
            channelLiable: false,
          },
        ],
      },
    ]);
    expect(input.discountCode).toBeUndefined();
    // Taxes included: the customer paid the lines and the shipping, nothing on top.
    expect(input.transactions).toEqual([
      {
        kind: "SALE",
        status: "SUCCESS",
        gateway: "Décathlon FR (Mirakl)",
        amountSet: { shopMoney: { amount: "105.9", currencyCode: "EUR" } },
        processedAt: "2026-12-03T10:05:00.000Z",
      },
    ]);
    expect(result.paid).toBe("105.9");
    expect(result.commission).toBe("12.5");
    expect(result.netToSeller).toBe("93.4");
    expect(input.financialStatus).toBe("PAID");
    expect(input.sourceName).toBe("mirakl-decathlon-fr");
    expect(input.sourceIdentifier).toBe("9001-A");
    expect(input.tags).toEqual(["Mirakl", "Décathlon FR"]);
    // The alias never becomes a Shopify customer or a marketing contact.
    expect(input.email).toBeUndefined();
    expect(input.customer).toBeUndefined();
    expect(input.buyerAcceptsMarketing).toBe(false);
    expect(input.customAttributes).toContainEqual({
      key: "Marketplace notification e-mail",
      value: "notification+abc@notification.mirakl.net",
    });
    expect(input.shippingAddress).toEqual({
      firstName: "Ada",
      lastName: "Lovelace",
      address1: "12 rue de la Paix",
      city: "Paris",
      zip: "75002",
      countryCode: "FR",
      phone: "+33100000000",
    });
    expect(input.billingAddress).toBeUndefined();
    expect(input.metafields).toEqual(
      expect.arrayContaining([
        { namespace: "$app:mirakl", key: "order_id", type: "single_line_text_field", value: "9001-A" },
        { namespace: "$app:mirakl", key: "commercial_id", type: "single_line_text_field", value: "9001" },
        { namespace: "$app:mirakl", key: "shipping_deadline", type: "date_time", value: "2026-12-05T23:59:59Z" },
        {
          namespace: "$app:mirakl",
          key: "commission",
          type: "money",
          value: '{"amount":"12.5","currency_code":"EUR"}',
        },
        {
          namespace: "$app:mirakl",
          key: "net_to_seller",
          type: "money",
          value: '{"amount":"93.4","currency_code":"EUR"}',
        },
      ]),
    );
    expect(result.notices).toEqual([]);
  });

  it("TAX_EXCLUDED: taxes are added on top of the lines and shipping in the transaction", () => {
    const result = plan(
      order({
        order_tax_mode: "TAX_EXCLUDED",
        order_lines: [
          line({
            order_line_id: "L1",
            price: "50",
            shipping_price: "10",
            taxes: [{ code: "GST", amount: "2.5", rate: null }],
            shipping_taxes: [{ code: "GST", amount: "0.5", rate: null }],
          }),
        ],
      }),
    );
    expect(result.order.taxesIncluded).toBe(false);
    // No rate from Mirakl: the amount over the base it was charged on.
    expect(result.order.lineItems[0]!.taxLines[0]!.rate).toBe("0.05");
    expect(result.order.shippingLines[0]!.taxLines[0]!.rate).toBe("0.05");
    expect(result.paid).toBe("63");
  });

  it("refused and cancelled lines stay out; cancelled units lower the quantity", () => {
    const result = plan(
      order({
        order_lines: [
          line({
            order_line_id: "L1",
            quantity: 3,
            price: "150",
            shipping_price: "6",
            cancelations: [{ quantity: 1, amount: "50", shipping_amount: "2" }],
          }),
          line({ order_line_id: "L2", offer_sku: "SKU-2", order_line_state: "REFUSED" }),
          line({ order_line_id: "L3", offer_sku: "SKU-3", order_line_state: "CANCELED" }),
        ],
      }),
    );
    expect(result.order.lineItems.map((l) => [l.sku, l.quantity])).toEqual([["SKU-1", 2]]);
    expect(result.lineIds).toEqual(["L1"]);
    expect(result.order.shippingLines[0]!.priceSet.shopMoney.amount).toBe("4");
    expect(result.paid).toBe("104");
  });

  it("a payment collected later (PAY_ON_DELIVERY, not debited): a pending transaction, order pending", () => {
    const result = plan(order({ payment_workflow: "PAY_ON_DELIVERY", customer_debited_date: null }));
    expect(result.order.financialStatus).toBe("PENDING");
    expect(result.order.transactions[0]!.status).toBe("PENDING");
    expect(result.order.transactions[0]!.amountSet.shopMoney.amount).toBe("105.9");
  });

  it("attach mode: a customer with the alias, never opted into marketing", () => {
    const result = plan(order(), { customerMode: "attach" });
    expect(result.order.email).toBe("notification+abc@notification.mirakl.net");
    expect(result.order.customer).toEqual({
      toUpsert: { email: "notification+abc@notification.mirakl.net", firstName: "Ada", lastName: "Lovelace" },
    });
    expect(result.order.buyerAcceptsMarketing).toBe(false);
    expect(result.order.customAttributes.map((a) => a.key)).not.toContain("Marketplace notification e-mail");
  });

  it("a variant gone since acceptance, or shared by two: no order, a problem per line", () => {
    const mirakl = order({
      order_lines: [line({ order_line_id: "L1" }), line({ order_line_id: "L2", offer_sku: "SKU-2" })],
    });
    const mapping = planShopifyOrder(
      mirakl,
      contextFor(mirakl, {
        variants: new Map<string, LineVariant>([
          ["L1", { kind: "missing", shopifySku: "SKU-1" }],
          ["L2", { kind: "ambiguous", shopifySku: "SKU-2", count: 2 }],
        ]),
      }),
    );
    expect(mapping.ok).toBe(false);
    expect(!mapping.ok && mapping.problems.map((p) => [p.cause, p.lineId])).toEqual([
      ["VARIANT_MISSING", "L1"],
      ["VARIANT_AMBIGUOUS", "L2"],
    ]);
  });

  it("an untracked variant and a zero price: created, each with a notice", () => {
    const mirakl = order({
      order_lines: [line({ order_line_id: "L1", price_unit: "0", price: "0", shipping_price: "0" })],
    });
    const result = plan(mirakl, { variants: new Map([["L1", variant("SKU-1", false)]]) });
    expect(result.order.lineItems[0]!.priceSet.shopMoney.amount).toBe("0");
    expect(result.order.shippingLines).toEqual([]);
    expect(result.notices.map((n) => n.message)).toEqual([
      'Line L1 ("SKU-1") was sold at 0 EUR.',
      'Shopify does not track the stock of "SKU-1" (line L1): the order took no units out of stock.',
    ]);
  });

  it("an unknown country: the address goes without a country code, with a notice", () => {
    const mirakl = order();
    mirakl.customer!.shipping_address = {
      ...mirakl.customer!.shipping_address!,
      country_iso_code: "XKX",
      country: "Kosovo",
    };
    const result = plan(mirakl);
    expect(result.order.shippingAddress?.countryCode).toBeUndefined();
    expect(result.order.shippingAddress?.country).toBe("Kosovo");
    expect(result.notices[0]!.message).toContain('"XKX"');
  });

  it("an address Shopify refused before: sent in the note only", () => {
    const result = plan(order(), { addressAsNoteOnly: true });
    expect(result.order.shippingAddress).toBeUndefined();
    expect(result.order.note).toContain("12 rue de la Paix");
    expect(result.order.note).toContain("75002 Paris");
  });

  it("a 100-line order: every line, exact to the cent", () => {
    const lines = Array.from({ length: 100 }, (_, i) =>
      line({
        order_line_id: `L${i + 1}`,
        offer_sku: `SKU-${i + 1}`,
        price_unit: "0.1",
        price: "0.1",
        shipping_price: "0.01",
      }),
    );
    const result = plan(order({ order_lines: lines }));
    expect(result.order.lineItems).toHaveLength(100);
    expect(result.paid).toBe("11"); // 100 × 0.10 + 100 × 0.01, not 10.999999…
  });

  it("an order shipped before the Shopify order: fulfilled, no stock moved", () => {
    const shipped = order({
      order_state: "SHIPPED",
      order_lines: [line({ order_line_id: "L1", order_line_state: "SHIPPED", shipped_date: "2026-12-03T11:00:00Z" })],
    });
    const result = plan(shipped);
    expect(result.options.inventoryBehaviour).toBe("BYPASS");
    expect(result.order.fulfillmentStatus).toBe("FULFILLED");
  });

  it("a processed date in the future (a clock ahead of ours) is brought back to now", () => {
    const result = plan(order({ created_date: "2027-01-01T00:00:00Z", customer_debited_date: "2027-01-01T00:00:00Z" }));
    expect(result.order.processedAt).toBe("2026-12-03T12:00:00.000Z");
  });
});

describe("helpers", () => {
  it("country codes: Mirakl's alpha-3 as Shopify's alpha-2", () => {
    expect(countryCodeAlpha2("FRA")).toBe("FR");
    expect(countryCodeAlpha2("usa")).toBe("US");
    expect(countryCodeAlpha2("XKX")).toBeNull();
    expect(countryCodeAlpha2(null)).toBeNull();
  });

  it("source names are stable handles", () => {
    expect(shopifySourceName("Décathlon FR")).toBe("mirakl-decathlon-fr");
    expect(shopifySourceName("  ")).toBe("mirakl");
  });
});

describe.skipIf(!specPresent)("Mirakl's OR11 example order (Order_00010-A)", () => {
  const spec = specPresent ? (JSON.parse(readFileSync(specPath, "utf8")) as Record<string, any>) : {};
  const raw = specPresent
    ? spec.paths["/api/orders"].get.responses["200"].content["application/json"].examples["application/json-0"].value
        .orders[0]
    : null;

  it("maps to a valid orderCreate with Mirakl's money, less its cancelled amounts", () => {
    const mirakl = miraklOrderSchema.parse(raw) as unknown as MiraklOrderLike;
    expect(mirakl.order_id).toBe("Order_00010-A");
    const result = plan(mirakl);
    const input = result.order;
    // 3 × 55 USD, of which 12.34 was cancelled without cancelling a unit: a fixed adjustment.
    expect(input.lineItems[0]).toMatchObject({
      sku: "S2000",
      quantity: 3,
      priceSet: { shopMoney: { amount: "55", currencyCode: "USD" } },
    });
    expect(input.discountCode).toEqual({
      itemFixedDiscountCode: {
        code: ADJUSTMENT_DISCOUNT_CODE,
        amountSet: { shopMoney: { amount: "12.34", currencyCode: "USD" } },
      },
    });
    // tax1 17.5 % and tax2 (no rate: computed) of 10 each, less 0.75 each cancelled.
    expect(input.lineItems[0]!.taxLines.map((t) => [t.title, t.rate, t.priceSet.shopMoney.amount])).toEqual([
      ["tax1", "0.175", "9.25"],
      ["tax2", "0.060592", "9.25"],
    ]);
    expect(input.lineItems[1]).toMatchObject({
      title: "Marketplace fee fee1",
      priceSet: { shopMoney: { amount: "0.65" } },
    });
    expect(input.shippingLines[0]!.priceSet.shopMoney.amount).toBe("6.77");
    expect(input.shippingLines[0]!.taxLines.map((t) => t.priceSet.shopMoney.amount)).toEqual(["8.46", "8.46"]);
    expect(input.taxesIncluded).toBe(false);
    // 152.66 + 0.65 fee + 6.77 shipping + 35.42 taxes (TAX_EXCLUDED).
    expect(result.paid).toBe("195.5");
    expect(result.commission).toBe("18.92");
    expect(result.netToSeller).toBe("141.16");
    expect(input.shippingAddress).toMatchObject({
      countryCode: "US",
      company: "LIMARK Company, Paris branch",
      province: "Manhattan",
    });
    expect(input.note).toBe("Delivery instructions: One article per box");
    // RECEIVED: shipped before any Shopify order, so it leaves stock alone and is fulfilled.
    expect(result.options.inventoryBehaviour).toBe("BYPASS");
    expect(input.fulfillmentStatus).toBe("FULFILLED");
  });

  it("Shopify's input validation really runs (an unknown field throws)", () => {
    const mirakl = miraklOrderSchema.parse(raw) as unknown as MiraklOrderLike;
    const result = plan(mirakl);
    expect(() =>
      assertValidShopifyInput({ ...result, order: { ...result.order, inventoryBehaviour: "BYPASS" } as never }),
    ).toThrow(/inventoryBehaviour/);
  });
});
