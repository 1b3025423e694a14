// The demo's Shopify: the in-process fake (test/shopify-fake) seeded with a small outdoor-gear shop, and the
// handle the demo page uses to change its stock. Shopify's side of every change is done as Shopify does it:
// the store changes, then a signed inventory_levels/update goes to the app's own webhook route.
import {
  ADMIN_SCHEMA_SOURCE,
  adminSchemaCacheDir,
  loadAdminSchema,
} from "../test/integrations/shopify/admin-schema.ts";
import {
  cancelFulfillment,
  cancelOrder,
  createFulfillment,
  createOrder,
  createRefund,
  fulfillmentStatusOf,
  refundableMoney,
  refundableShipping,
  ShopifyFake,
  updateTracking,
  type FakeFulfillment,
  type FakeInventoryLevel,
  type FakeLocation,
  type FakeOrder,
  type WebhookTarget,
} from "../test/shopify-fake/index.ts";
import type {
  DemoFulfilmentChange,
  DemoOrderChange,
  DemoShopifyStore,
  DemoStockChange,
} from "../app/demo/demo-shopify.server.ts";

/** One Shopify variant of the demo shop and, when the marketplace already lists it, its Mirakl offer. */
interface DemoVariantSeed {
  sku: string;
  title: string;
  barcode: string | null;
  price: string;
  tracked?: boolean;
  /** `available` at the warehouse and at the Paris shop. */
  warehouse: number;
  retail: number;
  /** What the marketplace shows before the first sync (null: no offer there yet). */
  offer: { quantity: number; price: number } | null;
}

interface DemoProductSeed {
  title: string;
  status?: "ACTIVE" | "DRAFT";
  variants: DemoVariantSeed[];
}

/**
 * Chosen so every Stock page filter shows something real: two SKUs the marketplace has no offer for, one
 * draft product (advertised 0), one made-to-order variant Shopify does not track, a low-stock size, and
 * stale marketplace quantities that the first push corrects.
 */
export const DEMO_PRODUCTS: DemoProductSeed[] = [
  {
    title: "Kiprun trail running shoe",
    variants: [
      {
        sku: "KIP-TR-41",
        title: "EU 41",
        barcode: "3608439123412",
        price: "89.99",
        warehouse: 12,
        retail: 3,
        offer: { quantity: 10, price: 89.99 },
      },
      {
        sku: "KIP-TR-42",
        title: "EU 42",
        barcode: "3608439123429",
        price: "89.99",
        warehouse: 7,
        retail: 2,
        offer: { quantity: 7, price: 89.99 },
      },
      {
        sku: "KIP-TR-43",
        title: "EU 43",
        barcode: "3608439123436",
        price: "89.99",
        warehouse: 2,
        retail: 4,
        offer: { quantity: 5, price: 89.99 },
      },
    ],
  },
  {
    title: "2 Seconds Easy tent, 2 person",
    variants: [
      {
        sku: "TENT-2S-2P",
        title: "Default",
        barcode: "3608439555107",
        price: "119.00",
        warehouse: 14,
        retail: 1,
        offer: { quantity: 20, price: 119 },
      },
    ],
  },
  {
    title: "NH500 hiking backpack 30 L",
    variants: [
      {
        sku: "BAG-NH30-BLU",
        title: "Blue",
        barcode: "3608439600210",
        price: "49.99",
        warehouse: 25,
        retail: 6,
        offer: { quantity: 25, price: 49.99 },
      },
      {
        sku: "BAG-NH30-GRY",
        title: "Grey",
        barcode: "3608439600227",
        price: "49.99",
        warehouse: 0,
        retail: 5,
        offer: { quantity: 3, price: 49.99 },
      },
    ],
  },
  {
    title: "Insulated bottle 0.8 L",
    variants: [
      {
        sku: "BOT-INS-08",
        title: "Default",
        barcode: "3608439710087",
        price: "19.99",
        warehouse: 60,
        retail: 12,
        offer: { quantity: 40, price: 19.99 },
      },
    ],
  },
  {
    title: "Engraved aluminium carabiner (made to order)",
    variants: [
      {
        sku: "CARA-ENG",
        title: "Default",
        barcode: null,
        price: "14.50",
        tracked: false,
        warehouse: 0,
        retail: 0,
        offer: { quantity: 3, price: 14.5 },
      },
    ],
  },
  {
    title: "Merino wool base layer",
    status: "DRAFT",
    variants: [
      {
        sku: "MER-BL-M",
        title: "M",
        barcode: "3608439800450",
        price: "59.00",
        warehouse: 9,
        retail: 0,
        offer: { quantity: 4, price: 59 },
      },
    ],
  },
  {
    title: "HL900 headlamp 400 lm",
    variants: [
      {
        sku: "LAMP-HL400",
        title: "Default",
        barcode: "3608439901010",
        price: "34.99",
        warehouse: 18,
        retail: 2,
        offer: null,
      },
    ],
  },
  {
    title: "Aluminium trekking poles (pair)",
    variants: [
      {
        sku: "POLE-TRK-AL",
        title: "Default",
        barcode: "3608439902024",
        price: "39.99",
        warehouse: 6,
        retail: 3,
        offer: null,
      },
    ],
  },
];

/** An offer the marketplace still lists although the shop no longer sells the product in Shopify. */
export const DEMO_ORPHAN_OFFER = {
  shop_sku: "STOVE-CMP-OLD",
  product_title: "Camping stove (discontinued)",
  quantity: 2,
  price: 24.9,
};

/** The offers the demo's marketplace shop starts with. */
export function demoMiraklOffers() {
  const offers = DEMO_PRODUCTS.flatMap((product) =>
    product.variants.flatMap((v) =>
      v.offer
        ? [
            {
              shop_sku: v.sku,
              product_title: `${product.title} ${v.title}`,
              quantity: v.offer.quantity,
              price: v.offer.price,
            },
          ]
        : [],
    ),
  );
  return [...offers, DEMO_ORPHAN_OFFER];
}

/** Shopify's Admin schema is what the fake executes against: without it the demo has no Shopify at all. */
export function loadDemoAdminSchema() {
  try {
    loadAdminSchema();
  } catch (error) {
    throw new Error(
      [
        "The demo's Shopify (an in-process fake) needs Shopify's Admin API schema, and it could not be had.",
        `It comes from the npm package ${ADMIN_SCHEMA_SOURCE.packageSpec} (fetched once with \`npm pack\`, file ${ADMIN_SCHEMA_SOURCE.pathInTarball})`,
        `and is cached in ${adminSchemaCacheDir}. Run the demo once with access to the npm registry, or copy that file there.`,
        `Cause: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      ].join("\n"),
      { cause: error },
    );
  }
}

export interface DemoShopify {
  fake: ShopifyFake;
  warehouse: FakeLocation;
  retail: FakeLocation;
  /** An offline access token the fake issued (client credentials), for the app's offline session. */
  issueOfflineToken(): Promise<{ accessToken: string; scope: string }>;
  /**
   * The handle the demo page uses. Webhooks go to the app at `appUrl` (`/webhooks/<topic>`), or to what `app`
   * gives for a topic (tests hand the route actions). Fulfilment webhooks are subscribed here.
   */
  store(app: string | ((topic: string) => WebhookTarget)): DemoShopifyStore;
}

export function createDemoShopify({
  shop,
  apiKey,
  apiSecret,
  now,
}: {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** The fake's clock (tests); the wall clock by default. */
  now?: () => number;
}): DemoShopify {
  // The demo's database outlives each run's fake: a token from an earlier run must fail, as at Shopify.
  // A bulk export completes by the first poll, as a small shop's does. Orders behave as on a development store:
  // search finds a new order a few seconds late, and at most 5 orders a minute can be created.
  const fake = new ShopifyFake({
    shop,
    apiKey,
    apiSecret,
    requireIssuedTokens: true,
    bulkPollsUntilComplete: 0,
    searchLagMs: 5000,
    orderCreatePerMinute: 5,
    now,
  });
  const warehouse = fake.store.addLocation({ name: "Warehouse Lyon", isPrimary: true });
  const retail = fake.store.addLocation({ name: "Retail shop Paris", isPrimary: false, fulfillsOnlineOrders: false });
  for (const product of DEMO_PRODUCTS) {
    fake.store.addProduct({
      title: product.title,
      status: product.status ?? "ACTIVE",
      variants: product.variants.map((v) => ({
        sku: v.sku,
        title: v.title,
        barcode: v.barcode,
        price: v.price,
        tracked: v.tracked ?? true,
        stock:
          v.tracked === false
            ? {}
            : { [warehouse.id]: { available: v.warehouse }, [retail.id]: { available: v.retail } },
      })),
    });
  }

  async function issueOfflineToken() {
    const response = await fake.fetch(`https://${shop}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: apiKey, client_secret: apiSecret, grant_type: "client_credentials" }),
    });
    if (!response.ok) throw new Error(`the Shopify fake refused the demo's token request: ${response.status}`);
    const { access_token, scope } = (await response.json()) as { access_token: string; scope: string };
    return { accessToken: access_token, scope };
  }

  function store(app: string | ((topic: string) => WebhookTarget)): DemoShopifyStore {
    const targetOf = (topic: string) => (typeof app === "string" ? `${app}/webhooks/${topic}` : app(topic));
    const webhookUrl = targetOf("inventory_levels/update");
    // Shopify sends these by itself once subscribed, whoever makes the change (this page or the app's GraphQL).
    for (const topic of ["fulfillments/create", "fulfillments/update", "refunds/create", "orders/cancelled"] as const)
      fake.webhooks.subscribe(topic, targetOf(topic));
    const variantOf = (variantId: string) => {
      const variant = fake.store.variants.get(variantId);
      if (!variant) throw new Error(`no variant ${variantId} in the demo shop`);
      return variant;
    };
    const locationOf = (locationId: string) => {
      const location = fake.store.locations.get(locationId);
      if (!location) throw new Error(`no location ${locationId} in the demo shop`);
      return location;
    };
    /** What Shopify does after any inventory change: a signed inventory_levels/update to the app. */
    const notify = async (level: FakeInventoryLevel) => {
      const signed = fake.webhooks.sign({
        topic: "inventory_levels/update",
        payload: fake.webhooks.payloads().inventoryLevelUpdate(level),
      });
      return (await fake.webhooks.deliver(webhookUrl, signed)).status;
    };
    const fulfillmentOf = (fulfillmentId: string) => {
      const fulfillment = fake.store.findFulfillment(fulfillmentId);
      if (!fulfillment) throw new Error(`no fulfilment ${fulfillmentId} in the demo shop`);
      return fulfillment;
    };
    /**
     * Runs a fulfilment change in the fake and waits for the webhook it made the fake send: the change is
     * synchronous, so the deliveries added meanwhile are exactly its own.
     */
    const fulfilmentChange = async (
      topic: DemoFulfilmentChange["topic"],
      change: () => { ok?: FakeFulfillment; userErrors?: Array<{ message: string }> },
    ): Promise<DemoFulfilmentChange> => {
      const before = fake.webhooks.sent().length;
      const result = change();
      if (!result.ok) throw new Error(result.userErrors!.map((e) => e.message).join("; "));
      const delivery = fake.webhooks
        .sent()
        .slice(before)
        .find((d) => d.topic === topic);
      return {
        orderName: fake.store.orders.get(result.ok.orderId)!.name,
        fulfillmentName: result.ok.name,
        topic,
        webhook: delivery ? await delivery.outcome : null,
      };
    };

    const orderOf = (orderId: string) => {
      const order = fake.store.orders.get(orderId);
      if (!order) throw new Error(`no order ${orderId} in the demo shop`);
      return order;
    };
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    const amount = (c: number, order: FakeOrder) => `${(c / 100).toFixed(2)} ${order.currency}`;
    /**
     * Runs a refund or cancel in the fake and waits for the webhooks it made the fake send: the change is
     * synchronous, so the deliveries added meanwhile are exactly its own.
     */
    const orderChange = async (order: FakeOrder, change: () => string): Promise<DemoOrderChange> => {
      const before = fake.webhooks.sent().length;
      const summary = change();
      const sent = fake.webhooks.sent().slice(before);
      return {
        orderName: order.name,
        summary,
        webhooks: await Promise.all(sent.map(async (d) => ({ topic: d.topic, outcome: await d.outcome }))),
      };
    };
    const unitsOf = (lines: Array<{ quantity: number }>) => {
      const units = lines.reduce((s, l) => s + l.quantity, 0);
      return `${units} unit${units === 1 ? "" : "s"}`;
    };

    return {
      shop,
      refund: async ({ orderId, lines, refundShipping, restock, note }) => {
        const order = orderOf(orderId);
        return orderChange(order, () => {
          // As the admin's Refund screen: unfulfilled units are cancelled, shipped ones returned to where they left.
          const refundLineItems: Array<{ lineItemId: string; quantity: number; restockType: string }> = [];
          let owed = 0;
          for (const { lineItemId, quantity } of lines) {
            const line = order.lineItems.find((l) => l.id === lineItemId);
            if (!line) throw new Error(`${order.name} has no line ${lineItemId}`);
            const unfulfilled = order.fulfillmentOrders
              .filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS")
              .flatMap((fo) => fo.lineItems)
              .filter((l) => l.lineItemId === lineItemId)
              .reduce((s, l) => s + l.remainingQuantity, 0);
            const cancelled = restock ? Math.min(unfulfilled, quantity) : 0;
            if (cancelled > 0) refundLineItems.push({ lineItemId, quantity: cancelled, restockType: "CANCEL" });
            if (quantity > cancelled)
              refundLineItems.push({
                lineItemId,
                quantity: quantity - cancelled,
                restockType: restock ? "RETURN" : "NO_RESTOCK",
              });
            const tax = line.taxLines.reduce((s, t) => s + cents(t.amount.shop), 0);
            owed +=
              cents(line.unitPrice) * quantity +
              (order.taxesIncluded ? 0 : Math.round((tax * quantity) / line.quantity));
          }
          const shipping = refundShipping ? refundableShipping(order) : { price: 0, tax: 0 };
          owed += shipping.price + (order.taxesIncluded ? 0 : shipping.tax);
          owed = Math.min(owed, refundableMoney(order));
          const gateway = order.transactions.find((t) => ["SALE", "CAPTURE"].includes(t.kind))?.gateway ?? "manual";
          const result = createRefund(fake.store, {
            orderId,
            note,
            refundLineItems,
            shipping: refundShipping ? { fullRefund: true } : null,
            transactions: owed > 0 ? [{ kind: "REFUND", gateway, amount: (owed / 100).toFixed(2) }] : [],
          });
          if (result.userErrors) throw new Error(result.userErrors.map((e) => e.message).join("; "));
          const what = [lines.length > 0 ? unitsOf(lines) : null, refundShipping ? "shipping" : null]
            .filter(Boolean)
            .join(" and ");
          return `refund of ${what}, ${amount(owed, order)}${restock ? ", restocked" : ""}`;
        });
      },
      cancelOrder: async ({ orderId, reason, restock, refund, staffNote }) => {
        const order = orderOf(orderId);
        return orderChange(order, () => {
          const result = cancelOrder(fake.store, orderId, reason, restock, {
            refund,
            staffNote,
            notifyCustomer: false,
          });
          if (result.userErrors) throw new Error(result.userErrors.map((e) => e.message).join("; "));
          const refunded = refund ? order.refunds.at(-1)?.transactions.reduce((s, t) => s + cents(t.amount), 0) : 0;
          return [
            `cancelled (${reason.toLowerCase()})`,
            restock ? "units restocked" : null,
            refund ? `${amount(refunded ?? 0, order)} refunded` : null,
          ]
            .filter(Boolean)
            .join(", ");
        });
      },
      locations: () =>
        [...fake.store.locations.values()].map((l) => ({ id: l.id, name: l.name, isPrimary: l.isPrimary })),
      variants: () =>
        [...fake.store.variants.values()].map((variant) => {
          const product = fake.store.products.get(variant.productId)!;
          const item = fake.store.inventoryItems.get(variant.inventoryItemId)!;
          return {
            variantId: variant.id,
            inventoryItemId: variant.inventoryItemId,
            productTitle: product.title,
            productStatus: product.status,
            variantTitle: variant.title,
            sku: variant.sku,
            barcode: variant.barcode,
            price: variant.price,
            tracked: item.tracked,
            available: Object.fromEntries(
              fake.store
                .levelsOfItem(variant.inventoryItemId)
                .map((level) => [level.locationId, level.quantities.available]),
            ),
          };
        }),
      async setAvailable({ variantId, locationId, available }): Promise<DemoStockChange> {
        const variant = variantOf(variantId);
        const location = locationOf(locationId);
        if (!fake.store.inventoryItems.get(variant.inventoryItemId)!.tracked)
          throw new Error(`Shopify does not track inventory for ${variant.sku ?? "this variant"}`);
        const level =
          fake.store.levelOf(variant.inventoryItemId, location.id) ??
          fake.store.stock(variant.inventoryItemId, location.id, {});
        const availableBefore = level.quantities.available;
        fake.store.setQuantity(level, "available", available);
        return {
          sku: variant.sku,
          locationName: location.name,
          availableBefore,
          availableAfter: level.quantities.available,
          webhookStatus: await notify(level),
        };
      },
      async sell({ variantId, quantity }): Promise<DemoStockChange> {
        const variant = variantOf(variantId);
        const availableBefore = new Map(
          fake.store.levelsOfItem(variant.inventoryItemId).map((l) => [l.locationId, l.quantities.available]),
        );
        const created = createOrder(
          fake.store,
          { lineItems: [{ variantId, quantity }], sourceName: "web", email: "customer@example.com", currency: "EUR" },
          { inventoryBehaviour: "DECREMENT_OBEYING_POLICY", sendReceipt: true },
        );
        if (created.userErrors) throw new Error(created.userErrors.map((e) => e.message).join("; "));
        // Shopify routed the order to a location that has the units: the stock moved there.
        const location = locationOf(created.ok.fulfillmentOrders[0]!.locationId);
        const after = fake.store.levelOf(variant.inventoryItemId, location.id);
        // An untracked variant's order moves no stock, so Shopify sends no inventory webhook.
        const webhookStatus =
          after && fake.store.inventoryItems.get(variant.inventoryItemId)!.tracked ? await notify(after) : null;
        return {
          sku: variant.sku,
          locationName: location.name,
          availableBefore: availableBefore.get(location.id) ?? 0,
          availableAfter: after?.quantities.available ?? 0,
          orderName: created.ok.name,
          webhookStatus,
        };
      },
      fulfil: ({ orderId, company, trackingNumber, lines }) =>
        fulfilmentChange("fulfillments/create", () => {
          const order = fake.store.orders.get(orderId);
          if (!order) throw new Error(`no order ${orderId} in the demo shop`);
          // The units of a line may sit on several open fulfillment orders (after a cancel): take them in order.
          const byFulfillmentOrder = new Map<string, Array<{ id: string; quantity: number }>>();
          for (const { lineItemId, quantity } of lines) {
            let left = quantity;
            for (const fo of order.fulfillmentOrders) {
              if (fo.status !== "OPEN" && fo.status !== "IN_PROGRESS") continue;
              for (const line of fo.lineItems) {
                if (line.lineItemId !== lineItemId || line.remainingQuantity === 0 || left === 0) continue;
                const taken = Math.min(left, line.remainingQuantity);
                byFulfillmentOrder.set(fo.id, [
                  ...(byFulfillmentOrder.get(fo.id) ?? []),
                  { id: line.id, quantity: taken },
                ]);
                left -= taken;
              }
            }
            if (left > 0) {
              const line = order.lineItems.find((l) => l.id === lineItemId);
              throw new Error(
                `${order.name} has fewer than ${quantity} units of ${line?.sku ?? line?.title ?? lineItemId} to fulfil`,
              );
            }
          }
          return createFulfillment(fake.store, {
            lineItemsByFulfillmentOrder: [...byFulfillmentOrder].map(([fulfillmentOrderId, items]) => ({
              fulfillmentOrderId,
              fulfillmentOrderLineItems: items,
            })),
            trackingInfo: { company, number: trackingNumber },
          });
        }),
      updateTracking: ({ fulfillmentId, trackingNumber }) =>
        fulfilmentChange("fulfillments/update", () => {
          const company = fulfillmentOf(fulfillmentId).trackingInfo[0]?.company ?? null;
          return updateTracking(fake.store, fulfillmentId, { company, number: trackingNumber });
        }),
      cancelFulfillment: ({ fulfillmentId }) =>
        fulfilmentChange("fulfillments/update", () => cancelFulfillment(fake.store, fulfillmentId)),
      orders: () =>
        // Newest first; among orders created in the same millisecond, the later one first.
        [...fake.store.orders.values()]
          .reverse()
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
          .map((order) => ({
            id: order.id,
            name: order.name,
            sourceName: order.sourceName,
            sourceIdentifier: order.sourceIdentifier,
            createdAt: order.createdAt,
            financialStatus: order.financialStatus,
            fulfillmentStatus: fulfillmentStatusOf(order),
            total: { amount: order.totalPrice.shop, currencyCode: order.currency },
            cancelledAt: order.cancelledAt,
            cancelReason: order.cancelReason,
            shippingRefundable: (
              ((shipping) => shipping.price + (order.taxesIncluded ? 0 : shipping.tax))(refundableShipping(order)) / 100
            ).toFixed(2),
            refunds: order.refunds.map((r) => ({
              id: r.id,
              createdAt: r.createdAt,
              note: r.note,
              amount: (r.transactions.reduce((s, t) => s + cents(t.amount), 0) / 100).toFixed(2),
              shipping: (r.shippingLines.reduce((s, l) => s + cents(l.subtotal), 0) / 100).toFixed(2),
              lines: r.lineItems.map((l) => {
                const line = order.lineItems.find((li) => li.id === l.lineItemId)!;
                return { sku: line.sku, title: line.title, quantity: l.quantity, restockType: l.restockType };
              }),
            })),
            lines: order.lineItems.map((line) => ({
              id: line.id,
              sku: line.sku,
              title: line.title,
              quantity: line.quantity,
              unitPrice: line.unitPrice,
              toFulfil: order.fulfillmentOrders
                .filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS")
                .flatMap((fo) => fo.lineItems)
                .filter((l) => l.lineItemId === line.id)
                .reduce((sum, l) => sum + l.remainingQuantity, 0),
              refundable:
                line.quantity -
                order.refunds
                  .flatMap((r) => r.lineItems)
                  .filter((l) => l.lineItemId === line.id)
                  .reduce((sum, l) => sum + l.quantity, 0),
            })),
            tags: order.tags,
            receiptSent: order.sendReceipt,
            fulfillments: order.fulfillments.map((f) => ({
              id: f.id,
              name: f.name,
              status: f.status,
              company: f.trackingInfo[0]?.company ?? null,
              trackingNumber: f.trackingInfo[0]?.number ?? null,
              lines: f.lineItems.map((l) => {
                const line = order.lineItems.find((li) => li.id === l.lineItemId)!;
                return { sku: line.sku, title: line.title, quantity: l.quantity };
              }),
            })),
          })),
    };
  }

  return { fake, warehouse, retail, issueOfflineToken, store };
}
