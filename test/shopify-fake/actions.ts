import type { FakeFulfillment, FakeOrder, FakeRefund, FakeShopStore } from "./store";

/**
 * What Shopify does to a shop when an order is created, fulfilled, cancelled or refunded, reduced to the
 * effects our sync observes (inventory states, fulfillment orders, statuses). Mutations and test seeding share it.
 */
export interface FakeUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}
export type ActionResult<T> = { ok: T; userErrors?: undefined } | { ok?: undefined; userErrors: FakeUserError[] };

const money = (value: number) => value.toFixed(2);

export interface CreateOrderInput {
  currency?: string;
  email?: string | null;
  name?: string;
  tags?: string[];
  sourceName?: string | null;
  sourceIdentifier?: string | null;
  financialStatus?: string;
  processedAt?: string;
  lineItems?: Array<{
    variantId?: string | null;
    sku?: string | null;
    title?: string | null;
    quantity: number;
    priceSet?: { shopMoney: { amount: string; currencyCode: string } } | null;
  }>;
  shippingLines?: Array<{ priceSet: { shopMoney: { amount: string } } }>;
  metafields?: Array<{ namespace: string; key: string; type: string; value: string }>;
}

export function createOrder(
  store: FakeShopStore,
  input: CreateOrderInput,
  inventoryBehaviour = "BYPASS",
): ActionResult<FakeOrder> {
  const lines = input.lineItems ?? [];
  if (lines.length === 0)
    return {
      userErrors: [
        { field: ["order", "lineItems"], message: "Line items must have at least one line item", code: "INVALID" },
      ],
    };
  const userErrors: FakeUserError[] = [];
  const location = store.primaryLocation();
  const resolved = lines.map((line, index) => {
    const variant = line.variantId ? store.variants.get(line.variantId) : undefined;
    if (line.variantId && !variant)
      userErrors.push({
        field: ["order", "lineItems", String(index), "variantId"],
        message: "Variant does not exist",
        code: "INVALID",
      });
    if (line.quantity <= 0)
      userErrors.push({
        field: ["order", "lineItems", String(index), "quantity"],
        message: "Quantity must be greater than 0",
        code: "INVALID",
      });
    return { line, variant };
  });
  if (inventoryBehaviour === "DECREMENT_OBEYING_POLICY") {
    for (const [index, { line, variant }] of resolved.entries()) {
      const level = variant ? store.levelOf(variant.inventoryItemId, location.id) : undefined;
      const tracked = variant ? store.inventoryItems.get(variant.inventoryItemId)?.tracked : false;
      if (tracked && (!level || level.quantities.available < line.quantity)) {
        userErrors.push({
          field: ["order", "lineItems", String(index)],
          message: `Unable to reserve inventory for ${variant?.sku ?? "line item"}`,
          code: "INVENTORY_CLAIM_FAILED",
        });
      }
    }
  }
  if (userErrors.length > 0) return { userErrors };

  const orderId = store.gid("Order");
  const currency = input.currency ?? lines[0]?.priceSet?.shopMoney.currencyCode ?? "EUR";
  const lineItems = resolved.map(({ line, variant }) => ({
    id: store.gid("LineItem"),
    variantId: variant?.id ?? null,
    sku: line.sku ?? variant?.sku ?? null,
    title: line.title ?? (variant ? (store.products.get(variant.productId)?.title ?? variant.title) : "Custom item"),
    quantity: line.quantity,
    currentQuantity: line.quantity,
    unitPrice: line.priceSet?.shopMoney.amount ?? variant?.price ?? "0.00",
  }));
  const shipping = (input.shippingLines ?? []).reduce((sum, s) => sum + Number(s.priceSet.shopMoney.amount), 0);
  const total = lineItems.reduce((sum, l) => sum + Number(l.unitPrice) * l.quantity, 0) + shipping;
  const order: FakeOrder = {
    id: orderId,
    name: input.name ?? store.nextOrderName(),
    email: input.email ?? null,
    currency,
    sourceName: input.sourceName ?? null,
    sourceIdentifier: input.sourceIdentifier ?? null,
    tags: [...(input.tags ?? [])].sort(),
    createdAt: input.processedAt ?? store.timestamp(),
    cancelledAt: null,
    cancelReason: null,
    financialStatus: input.financialStatus ?? "PAID",
    totalPrice: money(total),
    lineItems,
    fulfillmentOrders: [
      {
        id: store.gid("FulfillmentOrder"),
        orderId,
        locationId: location.id,
        status: "OPEN",
        lineItems: lineItems.map((l) => ({
          id: store.gid("FulfillmentOrderLineItem"),
          lineItemId: l.id,
          totalQuantity: l.quantity,
          remainingQuantity: l.quantity,
        })),
      },
    ],
    fulfillments: [],
    refunds: [],
  };
  if (inventoryBehaviour !== "BYPASS") {
    for (const line of lineItems)
      moveStock(store, line.variantId, location.id, line.quantity, "available", "committed");
  }
  store.orders.set(orderId, order);
  for (const m of input.metafields ?? []) {
    const id = store.gid("Metafield");
    store.metafields.set(id, { id, ownerId: orderId, ...m });
  }
  return { ok: order };
}

/** Moves stock between two named states of the variant's level at a location (negative available is allowed, as at Shopify). */
function moveStock(
  store: FakeShopStore,
  variantId: string | null,
  locationId: string,
  quantity: number,
  from: "available" | "committed" | null,
  to: "available" | "committed" | null,
) {
  const variant = variantId ? store.variants.get(variantId) : undefined;
  if (!variant || !store.inventoryItems.get(variant.inventoryItemId)?.tracked) return;
  const level =
    store.levelOf(variant.inventoryItemId, locationId) ?? store.stock(variant.inventoryItemId, locationId, {});
  if (from) level.quantities[from] -= quantity;
  if (to) level.quantities[to] += quantity;
  level.updatedAt = store.timestamp();
}

export function cancelOrder(
  store: FakeShopStore,
  orderId: string,
  reason: string,
  restock: boolean,
): ActionResult<FakeOrder> {
  const order = store.orders.get(orderId);
  if (!order) return { userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
  if (order.cancelledAt)
    return { userErrors: [{ field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" }] };
  order.cancelledAt = store.timestamp();
  order.cancelReason = reason;
  for (const fo of order.fulfillmentOrders) {
    for (const line of fo.lineItems) {
      const lineItem = order.lineItems.find((l) => l.id === line.lineItemId)!;
      moveStock(
        store,
        lineItem.variantId,
        fo.locationId,
        line.remainingQuantity,
        "committed",
        restock ? "available" : null,
      );
      lineItem.currentQuantity -= line.remainingQuantity;
      line.remainingQuantity = 0;
    }
    if (fo.status !== "CLOSED") fo.status = "CANCELLED";
  }
  return { ok: order };
}

export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  numbers?: string[] | null;
  url?: string | null;
  urls?: string[] | null;
}

function trackingList(tracking: TrackingInput | null | undefined): FakeFulfillment["trackingInfo"] {
  if (!tracking) return [];
  const numbers = tracking.numbers?.length ? tracking.numbers : tracking.number ? [tracking.number] : [];
  const urls = tracking.urls?.length ? tracking.urls : tracking.url ? [tracking.url] : [];
  return numbers.map((number, index) => ({ company: tracking.company ?? null, number, url: urls[index] ?? null }));
}

export function createFulfillment(
  store: FakeShopStore,
  input: {
    lineItemsByFulfillmentOrder: Array<{
      fulfillmentOrderId: string;
      fulfillmentOrderLineItems?: Array<{ id: string; quantity: number }> | null;
    }>;
    trackingInfo?: TrackingInput | null;
  },
): ActionResult<FakeFulfillment> {
  const groups = input.lineItemsByFulfillmentOrder;
  const fulfillmentOrders = groups.map((g) => store.findFulfillmentOrder(g.fulfillmentOrderId));
  if (groups.length === 0 || fulfillmentOrders.some((fo) => !fo)) {
    return {
      userErrors: [
        { field: ["fulfillment", "lineItemsByFulfillmentOrder"], message: "Fulfillment order does not exist." },
      ],
    };
  }
  const order = store.orders.get(fulfillmentOrders[0]!.orderId)!;
  if (fulfillmentOrders.some((fo) => fo!.orderId !== order.id))
    return {
      userErrors: [{ field: ["fulfillment"], message: "All fulfillment orders must belong to the same order." }],
    };
  const lines: FakeFulfillment["lineItems"] = [];
  for (const [index, group] of groups.entries()) {
    const fo = fulfillmentOrders[index]!;
    if (fo.status === "CLOSED" || fo.status === "CANCELLED")
      return {
        userErrors: [{ field: ["fulfillment"], message: `Fulfillment order ${fo.id} is ${fo.status.toLowerCase()}.` }],
      };
    const requested = group.fulfillmentOrderLineItems?.length
      ? group.fulfillmentOrderLineItems
      : fo.lineItems.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
    for (const item of requested) {
      const line = fo.lineItems.find((l) => l.id === item.id);
      if (!line || item.quantity <= 0 || item.quantity > line.remainingQuantity) {
        return {
          userErrors: [
            {
              field: ["fulfillment", "lineItemsByFulfillmentOrder"],
              message: "Invalid fulfillment order line item quantity requested.",
            },
          ],
        };
      }
    }
    for (const item of requested) {
      const line = fo.lineItems.find((l) => l.id === item.id)!;
      line.remainingQuantity -= item.quantity;
      const lineItem = order.lineItems.find((l) => l.id === line.lineItemId)!;
      moveStock(store, lineItem.variantId, fo.locationId, item.quantity, "committed", null);
      lines.push({ id: store.gid("FulfillmentLineItem"), lineItemId: line.lineItemId, quantity: item.quantity });
    }
    fo.status = fo.lineItems.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
  }
  const now = store.timestamp();
  const fulfillment: FakeFulfillment = {
    id: store.gid("Fulfillment"),
    orderId: order.id,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    status: "SUCCESS",
    createdAt: now,
    updatedAt: now,
    trackingInfo: trackingList(input.trackingInfo),
    lineItems: lines,
  };
  order.fulfillments.push(fulfillment);
  return { ok: fulfillment };
}

export function updateTracking(
  store: FakeShopStore,
  fulfillmentId: string,
  tracking: TrackingInput,
): ActionResult<FakeFulfillment> {
  const fulfillment = store.findFulfillment(fulfillmentId);
  if (!fulfillment) return { userErrors: [{ field: ["fulfillmentId"], message: "Fulfillment does not exist." }] };
  fulfillment.trackingInfo = trackingList(tracking);
  fulfillment.updatedAt = store.timestamp();
  return { ok: fulfillment };
}

export interface CreateRefundInput {
  orderId: string;
  note?: string | null;
  refundLineItems?: Array<{
    lineItemId: string;
    quantity: number;
    restockType?: string | null;
    locationId?: string | null;
  }> | null;
  shipping?: { amount?: string | null; fullRefund?: boolean | null } | null;
  transactions?: Array<{ amount: string; gateway: string; kind: string }> | null;
}

export function createRefund(store: FakeShopStore, input: CreateRefundInput): ActionResult<FakeRefund> {
  const order = store.orders.get(input.orderId);
  if (!order) return { userErrors: [{ field: ["input", "orderId"], message: "Order does not exist" }] };
  const refunded = (lineItemId: string) =>
    order.refunds
      .flatMap((r) => r.lineItems)
      .filter((l) => l.lineItemId === lineItemId)
      .reduce((s, l) => s + l.quantity, 0);
  const lines: FakeRefund["lineItems"] = [];
  for (const [index, item] of (input.refundLineItems ?? []).entries()) {
    const lineItem = order.lineItems.find((l) => l.id === item.lineItemId);
    if (!lineItem)
      return {
        userErrors: [
          { field: ["input", "refundLineItems", String(index), "lineItemId"], message: "Line item does not exist" },
        ],
      };
    if (item.quantity <= 0 || item.quantity > lineItem.quantity - refunded(lineItem.id)) {
      return {
        userErrors: [
          {
            field: ["input", "refundLineItems", String(index), "quantity"],
            message: "Quantity cannot refund more items than were purchased",
          },
        ],
      };
    }
    const restockType = (item.restockType ?? "NO_RESTOCK") as FakeRefund["lineItems"][number]["restockType"];
    const locationId = item.locationId ?? order.fulfillmentOrders[0]?.locationId ?? null;
    if (restockType === "CANCEL" && locationId) {
      const fo = order.fulfillmentOrders.find((f) => f.lineItems.some((l) => l.lineItemId === lineItem.id))!;
      const foLine = fo.lineItems.find((l) => l.lineItemId === lineItem.id)!;
      const cancelled = Math.min(foLine.remainingQuantity, item.quantity);
      foLine.remainingQuantity -= cancelled;
      lineItem.currentQuantity -= cancelled;
      moveStock(store, lineItem.variantId, locationId, cancelled, "committed", "available");
    } else if (restockType === "RETURN" && locationId) {
      moveStock(store, lineItem.variantId, locationId, item.quantity, null, "available");
    }
    lines.push({
      id: store.gid("RefundLineItem"),
      lineItemId: lineItem.id,
      quantity: item.quantity,
      restockType,
      locationId,
      subtotal: money(Number(lineItem.unitPrice) * item.quantity),
    });
  }
  const refund: FakeRefund = {
    id: store.gid("Refund"),
    orderId: order.id,
    createdAt: store.timestamp(),
    note: input.note ?? null,
    lineItems: lines,
    transactions: (input.transactions ?? []).map((t) => ({
      id: store.gid("OrderTransaction"),
      kind: "REFUND",
      status: "SUCCESS",
      amount: money(Number(t.amount)),
      gateway: t.gateway,
    })),
  };
  order.refunds.push(refund);
  const refundedTotal = order.refunds.flatMap((r) => r.transactions).reduce((s, t) => s + Number(t.amount), 0);
  if (refundedTotal > 0)
    order.financialStatus = refundedTotal >= Number(order.totalPrice) ? "REFUNDED" : "PARTIALLY_REFUNDED";
  return { ok: refund };
}
