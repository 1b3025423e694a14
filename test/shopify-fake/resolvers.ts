import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { isInventoryQuantityName, type InventoryQuantityName } from "~/integrations/shopify/quantity-names";
import {
  cancelOrder,
  cancelFulfillment,
  createFulfillment,
  createOrder,
  createRefund,
  currentOrderTotals,
  fulfillmentStatusOf,
  moveFulfillmentOrder,
  orderTaxLines,
  updateTracking,
  type ActionResult,
  type FakeUserError,
} from "./actions";
import type {
  FakeBulkOperation,
  FakeCustomer,
  FakeMailingAddress,
  FakeMoney,
  FakeTaxLine,
  FakeFulfillment,
  FakeFulfillmentOrder,
  FakeInventoryItem,
  FakeInventoryLevel,
  FakeLineItem,
  FakeLocation,
  FakeMetafield,
  FakeOrder,
  FakeProduct,
  FakeRefund,
  FakeShopStore,
  FakeVariant,
} from "./store";

/**
 * Resolvers over the store, shaped for graphql-js's default field resolver: each view is a plain object whose
 * properties are values or `(args) => value` functions, and `__typename` picks the concrete type of an interface.
 */
export interface ResolverContext {
  store: FakeShopStore;
  /** Bulk queries may omit `first` on connections; ordinary queries may not. */
  bulk: boolean;
  idempotencyKey: (info: GraphQLResolveInfo) => string | null;
  idempotencyCache: Map<string, { fingerprint: string; result: unknown }>;
  startBulkOperation: (query: string) => FakeBulkOperation | FakeUserError[];
  /** The API version of the request (orderCreate's processedAt rule depends on it). */
  apiVersion: string;
  /** How long after its creation an order stays out of `orders(...)`, Shopify's search index. */
  searchLagMs: number;
  now: () => number;
}

type Args = Record<string, any>;

/** One quantity of one level to change; `field` is the input path its userErrors name. */
interface FakeQuantityChange {
  name: InventoryQuantityName;
  field: string[];
  inventoryItemId: string;
  locationId: string;
  apply: (current: number) => number;
  changeFromQuantity?: number | null;
  ledgerDocumentUri?: string | null;
  /** Refuses the change (with this error) when it would leave the quantity below the minimum. */
  floor?: { minimum: number; error: FakeUserError };
}

/** The names inventoryMoveQuantities moves between: committed and incoming belong to orders and transfers. */
const movableQuantityNames = new Set(["available", "reserved", "damaged", "safety_stock", "quality_control"]);

/** Shopify's documented adjustment reasons (quantities-states guide). */
const inventoryReasons = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);

/** A URI with a scheme and content; a GID names its app, type and id. */
const isUri = (value: unknown): boolean =>
  typeof value === "string" &&
  (value.startsWith("gid://") ? /^gid:\/\/[^/\s]+\/[^/\s]+\/\S+$/.test(value) : /^[a-z][a-z0-9+.-]*:\S+$/i.test(value));

const encodeCursor = (index: number) => Buffer.from(`cursor:${index}`).toString("base64");
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, "base64").toString("utf8").replace("cursor:", ""));

function connection<T>(items: T[], args: Args, context: ResolverContext, view: (item: T) => unknown) {
  if (!context.bulk && args.first == null && args.last == null)
    throw new GraphQLError("you must provide one of first or last");
  if ((args.first ?? 0) > 250 || (args.last ?? 0) > 250)
    throw new GraphQLError("The maximum number of items per page is 250.");
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? decodeCursor(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items
    .slice(start, end)
    .map((item, offset) => ({ cursor: encodeCursor(start + offset), node: view(item) }));
  return {
    edges: slice,
    nodes: slice.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice.at(-1)?.cursor ?? null,
    },
  };
}

const moneyBag = (amount: string, currencyCode: string) => ({
  shopMoney: { amount, currencyCode },
  presentmentMoney: { amount, currencyCode },
});

/** The subset of Shopify's search syntax the product uses: `field:value` terms joined by OR, values optionally quoted. */
export function parseSearchQuery(query: string | null | undefined): Array<{ field: string; value: string }> {
  if (!query?.trim()) return [];
  const terms: Array<{ field: string; value: string }> = [];
  const pattern = /\s*([a-z_]+):(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))\s*(?:OR\s*|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(query))) {
    terms.push({ field: match[1]!, value: (match[2] ?? match[3] ?? match[4] ?? "").replace(/\\(.)/g, "$1") });
    consumed = pattern.lastIndex;
  }
  if (consumed !== query.length)
    throw new GraphQLError(`the Shopify fake cannot interpret the search query ${JSON.stringify(query)}`);
  return terms;
}

function matchesAny<T>(
  item: T,
  terms: Array<{ field: string; value: string }>,
  fields: Record<string, (item: T, value: string) => boolean>,
): boolean {
  if (terms.length === 0) return true;
  return terms.some(({ field, value }) => {
    const test = fields[field];
    if (!test) throw new GraphQLError(`the Shopify fake does not support the search field "${field}"`);
    return test(item, value);
  });
}

function userErrorsPayload(errors: FakeUserError[], key = "userErrors") {
  return { [key]: errors.map((e) => ({ field: e.field, message: e.message, code: e.code ?? null })) };
}

export function createRootValue(context: ResolverContext) {
  const { store } = context;

  const productView = (p: FakeProduct): Record<string, unknown> => ({
    __typename: "Product",
    id: p.id,
    title: p.title,
    status: p.status,
    updatedAt: p.updatedAt,
    variants: (args: Args) => connection(store.variantsOfProduct(p.id), args, context, variantView),
  });
  const locationView = (l: FakeLocation) => ({ __typename: "Location", ...l });
  const variantView = (v: FakeVariant): Record<string, unknown> => {
    const product = store.products.get(v.productId)!;
    return {
      __typename: "ProductVariant",
      id: v.id,
      sku: v.sku,
      title: v.title,
      price: v.price,
      compareAtPrice: v.compareAtPrice,
      barcode: v.barcode,
      updatedAt: v.updatedAt,
      displayName: `${product.title} - ${v.title}`,
      product: () => productView(product),
      inventoryItem: () => itemView(store.inventoryItems.get(v.inventoryItemId)!),
      inventoryQuantity: () =>
        store.levelsOfItem(v.inventoryItemId).reduce((sum, level) => sum + level.quantities.available, 0),
    };
  };
  const itemView = (i: FakeInventoryItem): Record<string, unknown> => ({
    __typename: "InventoryItem",
    id: i.id,
    sku: i.sku,
    tracked: i.tracked,
    variant: () => variantView(store.variants.get(i.variantId)!),
    inventoryLevels: (args: Args) => connection(store.levelsOfItem(i.id), args, context, levelView),
    inventoryLevel: (args: Args) => {
      const level = store.levelOf(i.id, args.locationId);
      return level ? levelView(level) : null;
    },
  });
  const levelView = (l: FakeInventoryLevel): Record<string, unknown> => ({
    __typename: "InventoryLevel",
    id: l.id,
    updatedAt: l.updatedAt,
    item: () => itemView(store.inventoryItems.get(l.inventoryItemId)!),
    location: () => locationView(store.locations.get(l.locationId)!),
    quantities: (args: Args) =>
      (args.names as string[]).map((name) => {
        if (!isInventoryQuantityName(name)) throw new GraphQLError(`Invalid quantity name: ${name}`);
        return {
          __typename: "InventoryQuantity",
          id: `${l.id.split("?")[0]}/${name}`,
          name,
          quantity: store.quantity(l, name),
          updatedAt: l.updatedAt,
        };
      }),
  });
  const orderMoney = (m: FakeMoney, order: FakeOrder) => ({
    shopMoney: { amount: m.shop, currencyCode: order.currency },
    presentmentMoney: { amount: m.presentment, currencyCode: order.presentmentCurrency },
  });
  const taxLineView = (t: FakeTaxLine, order: FakeOrder) => ({
    __typename: "TaxLine",
    title: t.title,
    rate: t.rate,
    ratePercentage: Math.round(t.rate * 100 * 1e6) / 1e6,
    priceSet: orderMoney(t.amount, order),
    channelLiable: t.channelLiable,
    source: null,
  });
  const addressView = (a: FakeMailingAddress | null, id: string) =>
    a && {
      __typename: "MailingAddress",
      id: `gid://shopify/MailingAddress/${id.split("/").pop()}`,
      ...a,
      countryCodeV2: a.countryCode,
      name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
      formatted: () =>
        [a.company, a.address1, a.address2, [a.zip, a.city].filter(Boolean).join(" "), a.country].filter(
          (part): part is string => !!part,
        ),
    };
  const customerView = (c: FakeCustomer): Record<string, unknown> => {
    const orders = [...store.orders.values()].filter((o) => o.customerId === c.id);
    return {
      __typename: "Customer",
      id: c.id,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      displayName: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.phone || "",
      phone: c.phone,
      note: c.note,
      tags: c.tags,
      taxExempt: c.taxExempt,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      defaultAddress: addressView(c.defaultAddress, c.id),
      defaultEmailAddress: c.email ? { emailAddress: c.email } : null,
      defaultPhoneNumber: c.phone ? { phoneNumber: c.phone } : null,
      numberOfOrders: String(orders.length),
      lastOrder: () => (orders.length > 0 ? orderView(orders.at(-1)!) : null),
    };
  };
  const lineItemView = (li: FakeLineItem, order: FakeOrder): Record<string, unknown> => {
    const refunded = order.refunds
      .flatMap((r) => r.lineItems)
      .filter((l) => l.lineItemId === li.id)
      .reduce((s, l) => s + l.quantity, 0);
    const unitPrice: FakeMoney = { shop: li.unitPrice, presentment: li.presentmentUnitPrice };
    const times = (quantity: number): FakeMoney => ({
      shop: (Number(li.unitPrice) * quantity).toFixed(2),
      presentment: (Number(li.presentmentUnitPrice) * quantity).toFixed(2),
    });
    const unfulfilled = order.fulfillmentOrders
      .flatMap((fo) => fo.lineItems)
      .filter((l) => l.lineItemId === li.id)
      .reduce((s, l) => s + l.remainingQuantity, 0);
    const variant = li.variantId ? store.variants.get(li.variantId) : undefined;
    return {
      __typename: "LineItem",
      id: li.id,
      sku: li.sku,
      title: li.title,
      name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
      variantTitle: li.variantTitle,
      vendor: li.vendor,
      quantity: li.quantity,
      currentQuantity: li.currentQuantity,
      refundableQuantity: Math.max(0, li.quantity - refunded),
      unfulfilledQuantity: unfulfilled,
      requiresShipping: li.requiresShipping,
      taxable: li.taxable,
      isGiftCard: li.giftCard,
      taxLines: (args: Args) =>
        (args.first != null ? li.taxLines.slice(0, args.first) : li.taxLines).map((t) => taxLineView(t, order)),
      customAttributes: li.properties.map(({ name, value }) => ({ __typename: "Attribute", key: name, value })),
      variant: () => (variant ? variantView(variant) : null),
      product: () => (variant ? productView(store.products.get(variant.productId)!) : null),
      originalUnitPriceSet: orderMoney(unitPrice, order),
      discountedUnitPriceSet: orderMoney(unitPrice, order),
      discountedUnitPriceAfterAllDiscountsSet: orderMoney(unitPrice, order),
      originalTotalSet: orderMoney(times(li.quantity), order),
      discountedTotalSet: orderMoney(times(li.quantity), order),
      unfulfilledOriginalTotalSet: orderMoney(times(unfulfilled), order),
      unfulfilledDiscountedTotalSet: orderMoney(times(unfulfilled), order),
      totalDiscountSet: orderMoney({ shop: "0.00", presentment: "0.00" }, order),
      discountAllocations: [],
    };
  };
  const lineItemById = (order: FakeOrder, id: string) =>
    lineItemView(
      order.lineItems.find((l) => l.id === id)!,
      order,
    );
  const fulfillmentOrderView = (fo: FakeFulfillmentOrder): Record<string, unknown> => {
    const order = store.orders.get(fo.orderId)!;
    return {
      __typename: "FulfillmentOrder",
      id: fo.id,
      status: fo.status,
      requestStatus: "UNSUBMITTED",
      createdAt: fo.createdAt,
      updatedAt: fo.updatedAt,
      orderId: order.id,
      orderName: order.name,
      orderProcessedAt: order.processedAt,
      assignedLocation: {
        location: () => locationView(store.locations.get(fo.locationId)!),
        name: store.locations.get(fo.locationId)!.name,
      },
      supportedActions: fo.status === "OPEN" || fo.status === "IN_PROGRESS" ? [{ action: "CREATE_FULFILLMENT" }] : [],
      order: () => orderView(order),
      lineItems: (args: Args) =>
        connection(fo.lineItems, args, context, (l) => ({
          __typename: "FulfillmentOrderLineItem",
          id: l.id,
          sku: order.lineItems.find((li) => li.id === l.lineItemId)?.sku ?? null,
          totalQuantity: l.totalQuantity,
          remainingQuantity: l.remainingQuantity,
          lineItem: () => lineItemById(order, l.lineItemId),
        })),
    };
  };
  const fulfillmentView = (f: FakeFulfillment): Record<string, unknown> => {
    const order = store.orders.get(f.orderId)!;
    return {
      __typename: "Fulfillment",
      id: f.id,
      name: f.name,
      status: f.status,
      displayStatus: f.status === "SUCCESS" ? "FULFILLED" : "CANCELED",
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
      totalQuantity: f.lineItems.reduce((s, l) => s + l.quantity, 0),
      trackingInfo: (args: Args) => (args.first != null ? f.trackingInfo.slice(0, args.first) : f.trackingInfo),
      order: () => orderView(order),
      fulfillmentLineItems: (args: Args) =>
        connection(f.lineItems, args, context, (l) => ({
          __typename: "FulfillmentLineItem",
          id: l.id,
          quantity: l.quantity,
          lineItem: () => lineItemById(order, l.lineItemId),
        })),
    };
  };
  const refundView = (r: FakeRefund): Record<string, unknown> => {
    const order = store.orders.get(r.orderId)!;
    const total = r.transactions.reduce((s, t) => s + Number(t.amount), 0).toFixed(2);
    return {
      __typename: "Refund",
      id: r.id,
      createdAt: r.createdAt,
      note: r.note,
      order: () => orderView(order),
      totalRefundedSet: moneyBag(total, order.currency),
      refundLineItems: (args: Args) =>
        connection(r.lineItems, args, context, (l) => ({
          __typename: "RefundLineItem",
          id: l.id,
          quantity: l.quantity,
          restockType: l.restockType,
          restocked: l.restockType !== "NO_RESTOCK",
          lineItem: () => lineItemById(order, l.lineItemId),
          subtotalSet: moneyBag(l.subtotal, order.currency),
          totalTaxSet: moneyBag(l.totalTax, order.currency),
        })),
      refundShippingLines: (args: Args) =>
        connection(r.shippingLines, args, context, (l) => ({
          __typename: "RefundShippingLine",
          id: l.id,
          shippingLine: () =>
            shippingLineView(
              order.shippingLines.find((s) => s.id === l.shippingLineId)!,
              order,
            ),
          subtotalAmountSet: moneyBag(l.subtotal, order.currency),
          taxAmountSet: moneyBag(l.tax, order.currency),
        })),
      transactions: (args: Args) =>
        connection(r.transactions, args, context, (t) => ({
          __typename: "OrderTransaction",
          id: t.id,
          kind: t.kind,
          status: t.status,
          gateway: t.gateway,
          amountSet: moneyBag(t.amount, order.currency),
        })),
    };
  };
  const metafieldView = (m: FakeMetafield) => ({
    __typename: "Metafield",
    id: m.id,
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
  });
  /** The order's amounts after removals (cancelled or refunded-and-cancelled units), as the `current*` fields serve them. */
  const currentTotals = currentOrderTotals;
  const transactionView = (t: FakeOrder["transactions"][number], order: FakeOrder) => ({
    __typename: "OrderTransaction",
    id: t.id,
    kind: t.kind,
    status: t.status,
    gateway: t.gateway,
    formattedGateway: t.gateway,
    amountSet: orderMoney(t.amount, order),
    authorizationCode: t.authorizationCode,
    processedAt: t.processedAt,
    createdAt: t.createdAt,
    test: t.test,
    manualPaymentGateway: false,
    order: () => orderView(order),
  });
  const shippingLineView = (s: FakeOrder["shippingLines"][number], o: FakeOrder) => ({
    __typename: "ShippingLine",
    id: s.id,
    title: s.title,
    code: s.code,
    source: s.source,
    custom: true,
    isRemoved: false,
    carrierIdentifier: null,
    deliveryCategory: null,
    phone: null,
    shippingRateHandle: null,
    originalPriceSet: orderMoney(s.price, o),
    discountedPriceSet: orderMoney(s.price, o),
    currentDiscountedPriceSet: orderMoney(s.price, o),
    discountAllocations: [],
    taxLines: s.taxLines.map((t) => taxLineView(t, o)),
  });
  const orderView = (o: FakeOrder): Record<string, unknown> => {
    const money = (m: FakeMoney) => orderMoney(m, o);
    const current = () => currentTotals(o);
    const taxLines = () => orderTaxLines(o).map((t) => taxLineView(t, o));
    const customer = o.customerId ? store.customers.get(o.customerId) : undefined;
    return {
      __typename: "Order",
      id: o.id,
      legacyResourceId: o.id.split("/").pop(),
      name: o.name,
      email: o.email,
      phone: o.phone,
      note: o.note,
      test: o.test,
      sourceName: o.sourceName,
      sourceIdentifier: o.sourceIdentifier,
      registeredSourceUrl: o.sourceUrl,
      tags: o.tags,
      customAttributes: o.customAttributes.map((a) => ({ __typename: "Attribute", ...a })),
      customerAcceptsMarketing: o.buyerAcceptsMarketing,
      customer: () => (customer ? customerView(customer) : null),
      shippingAddress: addressView(o.shippingAddress, o.id),
      billingAddress: addressView(o.billingAddress, o.id),
      createdAt: o.createdAt,
      updatedAt: o.createdAt,
      processedAt: o.processedAt,
      cancelledAt: o.cancelledAt,
      cancelReason: o.cancelReason,
      cancellation: o.cancelledAt ? { __typename: "OrderCancellation", staffNote: o.cancelStaffNote } : null,
      closed: false,
      confirmed: true,
      currencyCode: o.currency,
      presentmentCurrencyCode: o.presentmentCurrency,
      taxesIncluded: o.taxesIncluded,
      displayFinancialStatus: o.financialStatus,
      displayFulfillmentStatus: fulfillmentStatusOf(o),
      requiresShipping: o.lineItems.some((l) => l.requiresShipping),
      subtotalLineItemsQuantity: o.lineItems.reduce((s, l) => s + l.quantity, 0),
      currentSubtotalLineItemsQuantity: o.lineItems.reduce((s, l) => s + l.currentQuantity, 0),
      subtotalPriceSet: money(o.subtotalPrice),
      totalShippingPriceSet: money(o.totalShippingPrice),
      totalTaxSet: money(o.totalTax),
      totalPriceSet: money(o.totalPrice),
      originalTotalPriceSet: money(o.totalPrice),
      currentSubtotalPriceSet: () => money(current().subtotal),
      currentShippingPriceSet: () => money(current().shipping),
      currentTotalTaxSet: () => money(current().tax),
      currentTotalPriceSet: () => money(current().total),
      totalDiscountsSet: money({ shop: "0.00", presentment: "0.00" }),
      currentTotalDiscountsSet: money({ shop: "0.00", presentment: "0.00" }),
      taxLines,
      currentTaxLines: taxLines,
      shippingLine: () => (o.shippingLines[0] ? shippingLineView(o.shippingLines[0], o) : null),
      shippingLines: (args: Args) => connection(o.shippingLines, args, context, (l) => shippingLineView(l, o)),
      transactions: (args: Args) =>
        (args.first != null ? o.transactions.slice(0, args.first) : o.transactions).map((t) => transactionView(t, o)),
      paymentGatewayNames: [...new Set(o.transactions.flatMap((t) => (t.gateway ? [t.gateway] : [])))],
      metafield: (args: Args) => {
        const m = store.metafieldOf(o.id, args.namespace ?? "$app", args.key);
        return m ? metafieldView(m) : null;
      },
      lineItems: (args: Args) => connection(o.lineItems, args, context, (li) => lineItemView(li, o)),
      fulfillmentOrders: (args: Args) => connection(o.fulfillmentOrders, args, context, fulfillmentOrderView),
      fulfillments: (args: Args) =>
        (args.first != null ? o.fulfillments.slice(0, args.first) : o.fulfillments).map(fulfillmentView),
      refunds: (args: Args) => (args.first != null ? o.refunds.slice(0, args.first) : o.refunds).map(refundView),
    };
  };
  const bulkOperationView = (b: FakeBulkOperation): Record<string, unknown> => ({
    __typename: "BulkOperation",
    id: b.id,
    status: b.status,
    type: "QUERY",
    query: b.query,
    errorCode: b.status === "FAILED" ? b.errorCode : null,
    createdAt: b.createdAt,
    completedAt: b.completedAt,
    objectCount: String(b.status === "COMPLETED" ? b.lines.length : 0),
    rootObjectCount: String(b.status === "COMPLETED" ? b.rootObjectCount : 0),
    fileSize: b.status === "COMPLETED" ? String(b.lines.join("\n").length) : null,
    url: b.status === "COMPLETED" ? b.url : null,
    partialDataUrl: null,
  });

  const nodeById = (id: string): Record<string, unknown> | null => {
    const type = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1];
    switch (type) {
      case "ProductVariant":
        return store.variants.has(id) ? variantView(store.variants.get(id)!) : null;
      case "Product":
        return store.products.has(id) ? productView(store.products.get(id)!) : null;
      case "InventoryItem":
        return store.inventoryItems.has(id) ? itemView(store.inventoryItems.get(id)!) : null;
      case "InventoryLevel":
        return store.inventoryLevels.has(id) ? levelView(store.inventoryLevels.get(id)!) : null;
      case "Location":
        return store.locations.has(id) ? locationView(store.locations.get(id)!) : null;
      case "Order":
        return store.orders.has(id) ? orderView(store.orders.get(id)!) : null;
      case "Customer":
        return store.customers.has(id) ? customerView(store.customers.get(id)!) : null;
      case "Fulfillment": {
        const f = store.findFulfillment(id);
        return f ? fulfillmentView(f) : null;
      }
      case "FulfillmentOrder": {
        const fo = store.findFulfillmentOrder(id);
        return fo ? fulfillmentOrderView(fo) : null;
      }
      case "Refund": {
        const r = store.findRefund(id);
        return r ? refundView(r) : null;
      }
      case "BulkOperation":
        return store.bulkOperations.has(id) ? bulkOperationView(store.bulkOperations.get(id)!) : null;
      default:
        if (!type)
          throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
        return null;
    }
  };
  const jobView = (id: string) => ({ __typename: "Job", id, done: true });
  const typed = (type: string) => (args: Args) => {
    const node = nodeById(args.id);
    return node && node.__typename === type ? node : null;
  };

  /** Replays the first result for a repeated idempotency key, refuses the key with different arguments. */
  const idempotent = (
    info: GraphQLResolveInfo,
    args: Args,
    run: () => Record<string, unknown>,
    errorKey = "userErrors",
  ) => {
    const key = context.idempotencyKey(info);
    if (key === null) return run();
    const cacheKey = `${info.fieldName}:${key}`;
    const fingerprint = JSON.stringify(args);
    const previous = context.idempotencyCache.get(cacheKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return userErrorsPayload(
          [
            {
              field: null,
              message: "The same idempotency key was used with different parameters.",
              code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
            },
          ],
          errorKey,
        );
      }
      return previous.result as Record<string, unknown>;
    }
    const result = run();
    context.idempotencyCache.set(cacheKey, { fingerprint, result });
    return result;
  };

  const outcome = <T>(result: ActionResult<T>, key: string, view: (value: T) => unknown, errorKey = "userErrors") =>
    result.userErrors
      ? { [key]: null, ...userErrorsPayload(result.userErrors, errorKey) }
      : { [key]: view(result.ok as T), [errorKey]: [] };

  /**
   * Applies quantity changes to levels, all or nothing: every change is checked (item, location, stocked there,
   * compare-and-set, floor) before any is applied. Each change names its own quantity and input path, so a move
   * (two names, or two locations) goes through the same checks as a set or an adjustment.
   */
  const inventoryChange = (
    input: { reason: string; referenceDocumentUri?: string | null },
    changes: FakeQuantityChange[],
  ) => {
    const errors: FakeUserError[] = [];
    const levels = changes.map((change) => {
      if (!store.inventoryItems.has(change.inventoryItemId))
        errors.push({
          field: [...change.field, "inventoryItemId"],
          message: "The specified inventory item could not be found.",
          code: "INVALID_INVENTORY_ITEM",
        });
      if (!store.locations.has(change.locationId))
        errors.push({
          field: [...change.field, "locationId"],
          message: "The specified location could not be found.",
          code: "INVALID_LOCATION",
        });
      const level = store.levelOf(change.inventoryItemId, change.locationId);
      if (store.inventoryItems.has(change.inventoryItemId) && store.locations.has(change.locationId) && !level) {
        errors.push({
          field: [...change.field, "locationId"],
          message: "The specified inventory item is not stocked at the location.",
          code: "ITEM_NOT_STOCKED_AT_LOCATION",
        });
      }
      if (
        level &&
        change.changeFromQuantity != null &&
        store.quantity(level, change.name) !== change.changeFromQuantity
      ) {
        errors.push({
          field: [...change.field, "changeFromQuantity"],
          message: "The specified compare quantity does not match the current quantity.",
          code: "CHANGE_FROM_QUANTITY_STALE",
        });
      }
      if (level && change.floor && change.apply(store.quantity(level, change.name)) < change.floor.minimum)
        errors.push(change.floor.error);
      return level;
    });
    if (errors.length > 0)
      return { inventoryAdjustmentGroup: null, userErrors: errors.map((e) => ({ ...e, code: e.code ?? null })) };
    const applied = changes.map((change, index) => {
      const level = levels[index]!;
      const before = store.quantity(level, change.name);
      store.setQuantity(level, change.name, change.apply(before));
      return { change, level, delta: store.quantity(level, change.name) - before };
    });
    return {
      inventoryAdjustmentGroup: {
        __typename: "InventoryAdjustmentGroup",
        id: store.gid("InventoryAdjustmentGroup"),
        createdAt: store.timestamp(),
        reason: input.reason,
        referenceDocumentUri: input.referenceDocumentUri ?? null,
        changes: applied.map(({ change, level, delta }) => ({
          name: change.name,
          delta,
          quantityAfterChange: store.quantity(level, change.name),
          ledgerDocumentUri: change.ledgerDocumentUri ?? null,
          item: itemView(store.inventoryItems.get(level.inventoryItemId)!),
          location: locationView(store.locations.get(level.locationId)!),
        })),
      },
      userErrors: [],
    };
  };

  /** inventorySetQuantities / inventoryAdjustQuantities: one quantity name for every change of the input. */
  const namedInventoryChange = (
    input: Args,
    listField: "quantities" | "changes",
    apply: (entry: Args) => (current: number) => number,
  ) => {
    const name = input.name as string;
    if (!isInventoryQuantityName(name))
      return userErrorsPayload([
        { field: ["input", "name"], message: `Invalid quantity name: ${name}`, code: "INVALID_NAME" },
      ]);
    return inventoryChange(
      input as { reason: string; referenceDocumentUri?: string | null },
      (input[listField] as Args[]).map((entry, index) => ({
        name,
        field: ["input", listField, String(index)],
        inventoryItemId: entry.inventoryItemId,
        locationId: entry.locationId,
        changeFromQuantity: entry.changeFromQuantity,
        ledgerDocumentUri: entry.ledgerDocumentUri,
        apply: apply(entry),
      })),
    );
  };

  /** inventoryMoveQuantities: Shopify's input rules first, then each change as a withdrawal and a deposit. */
  const inventoryMove = (input: Args) => {
    const moves = input.changes as Args[];
    const errors: FakeUserError[] = [];
    const refuse = (field: string[], code: string | null, message: string) => errors.push({ field, message, code });
    if (!inventoryReasons.has(input.reason))
      refuse(["input", "reason"], "INVALID_REASON", "The specified reason is invalid.");
    if (!isUri(input.referenceDocumentUri))
      refuse(
        ["input", "referenceDocumentUri"],
        "INVALID_REFERENCE_DOCUMENT",
        "The specified reference document is invalid.",
      );
    const ledgers = new Set<string>();
    moves.forEach((move, index) => {
      const at = ["input", "changes", String(index)];
      if (move.quantity < 0)
        refuse([...at, "quantity"], "INVALID_QUANTITY_NEGATIVE", "The quantity can't be negative.");
      if (move.quantity > 2_000_000_000)
        refuse([...at, "quantity"], "INVALID_QUANTITY_TOO_HIGH", "The quantity can't be higher than 2,000,000,000.");
      for (const side of ["from", "to"] as const) {
        const terminal = move[side] as Args;
        const field = [...at, side];
        if (!movableQuantityNames.has(terminal.name))
          refuse([...field, "name"], "INVALID_QUANTITY_NAME", "The specified quantity name is invalid.");
        // Shopify documents the field as mandatory even though the schema lets it be omitted: null skips the check.
        if (!("changeFromQuantity" in terminal))
          refuse(
            [...field, "changeFromQuantity"],
            null,
            "changeFromQuantity must be provided; pass null to skip the compare-and-swap check.",
          );
        const ledger = terminal.ledgerDocumentUri as string | null | undefined;
        if (terminal.name === "available") {
          if (ledger != null)
            refuse(
              [...field, "ledgerDocumentUri"],
              "INVALID_AVAILABLE_DOCUMENT",
              "A ledger document URI is not allowed when adjusting available.",
            );
        } else if (ledger == null) {
          refuse(
            [...field, "ledgerDocumentUri"],
            "INVALID_QUANTITY_DOCUMENT",
            "A ledger document URI is required except when adjusting available.",
          );
        } else if (ledger.startsWith("gid://shopify/")) {
          refuse(
            [...field, "ledgerDocumentUri"],
            "INTERNAL_LEDGER_DOCUMENT",
            "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.",
          );
        } else if (!isUri(ledger)) {
          refuse(
            [...field, "ledgerDocumentUri"],
            "INVALID_LEDGER_DOCUMENT",
            "The specified ledger document is invalid.",
          );
        }
        if (ledger != null) ledgers.add(ledger);
      }
      // Between two names at one location, or one name between two locations: never both, never neither.
      const sameName = move.from.name === move.to.name;
      const sameLocation = move.from.locationId === move.to.locationId;
      if (sameName && sameLocation)
        refuse(at, "SAME_QUANTITY_NAME", "The quantity names for each change can't be the same.");
      if (!sameName && !sameLocation)
        refuse(at, "DIFFERENT_LOCATIONS", "The quantities can't be moved between different locations.");
    });
    if (ledgers.size > 2)
      refuse(
        ["input", "changes"],
        "MAXIMUM_LEDGER_DOCUMENT_URIS",
        "Only a maximum of 2 ledger document URIs across all changes is allowed.",
      );
    if (errors.length > 0) return userErrorsPayload(errors);
    return inventoryChange(
      input as { reason: string; referenceDocumentUri: string },
      moves.flatMap((move, index): FakeQuantityChange[] => {
        const at = ["input", "changes", String(index)];
        const terminal = (side: "from" | "to", sign: 1 | -1): FakeQuantityChange => ({
          name: move[side].name,
          field: [...at, side],
          inventoryItemId: move.inventoryItemId,
          locationId: move[side].locationId,
          changeFromQuantity: move[side].changeFromQuantity,
          ledgerDocumentUri: move[side].ledgerDocumentUri,
          apply: (current) => current + sign * move.quantity,
          // Not confirmed against Shopify: the fake refuses to take a state below zero rather than oversell it.
          ...(sign < 0
            ? {
                floor: {
                  minimum: 0,
                  error: {
                    field: [...at, "quantity"],
                    message: `The quantity can't be negative: only the units in ${move.from.name} can be moved.`,
                    code: "INVALID_QUANTITY_NEGATIVE",
                  },
                },
              }
            : {}),
        });
        return [terminal("from", -1), terminal("to", 1)];
      }),
    );
  };

  return {
    // Query root
    node: (args: Args) => nodeById(args.id),
    nodes: (args: Args) => (args.ids as string[]).map(nodeById),
    product: typed("Product"),
    productVariant: typed("ProductVariant"),
    inventoryItem: typed("InventoryItem"),
    inventoryLevel: typed("InventoryLevel"),
    location: typed("Location"),
    order: typed("Order"),
    customer: typed("Customer"),
    shop: () => ({
      __typename: "Shop",
      id: "gid://shopify/Shop/548380009",
      name: store.shop.split(".")[0],
      myshopifyDomain: store.shop,
      currencyCode: store.currency,
      enabledPresentmentCurrencies: store.enabledPresentmentCurrencies(),
    }),
    fulfillment: typed("Fulfillment"),
    fulfillmentOrder: typed("FulfillmentOrder"),
    refund: typed("Refund"),
    job: (args: Args) => (/^gid:\/\/shopify\/Job\/\d+$/.test(args.id) ? jobView(args.id) : null),
    bulkOperation: typed("BulkOperation"),
    productVariants: (args: Args) => {
      const terms = parseSearchQuery(args.query);
      const variants = [...store.variants.values()].filter((v) =>
        matchesAny(v, terms, { sku: (x, value) => x.sku === value }),
      );
      return connection(args.reverse ? variants.reverse() : variants, args, context, variantView);
    },
    locations: (args: Args) =>
      connection(
        [...store.locations.values()].filter((l) => args.includeInactive || l.isActive),
        args,
        context,
        locationView,
      ),
    // orders(...) reads Shopify's search index, which takes `searchLagMs` to see a new order; order(id:) and
    // nodes(ids:) read the order itself and see it at once.
    orders: (args: Args) => {
      const terms = parseSearchQuery(args.query);
      const indexedBefore = context.now() - context.searchLagMs;
      const orders = [...store.orders.values()].filter(
        (o) =>
          Date.parse(o.createdAt) <= indexedBefore &&
          matchesAny(o, terms, {
            source_identifier: (x, value) => x.sourceIdentifier === value,
            source_name: (x, value) => x.sourceName === value,
            tag: (x, value) => x.tags.some((t) => t.toLowerCase() === value.toLowerCase()),
            name: (x, value) => x.name === value || x.name === `#${value}`,
            email: (x, value) => x.email?.toLowerCase() === value.toLowerCase(),
          }),
      );
      // Map order is creation order: a stable sort keeps it among equal timestamps, as ids would.
      if (args.sortKey === "PROCESSED_AT") orders.sort((a, b) => a.processedAt.localeCompare(b.processedAt));
      else if (args.sortKey === "CREATED_AT") orders.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return connection(args.reverse ? orders.reverse() : orders, args, context, orderView);
    },

    // Mutation root
    inventorySetQuantities: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () => {
        const input = args.input;
        if (input.name !== "available" && input.name !== "on_hand") {
          return {
            inventoryAdjustmentGroup: null,
            userErrors: [
              {
                field: ["input", "name"],
                message: "The quantity name must be either 'available' or 'on_hand'.",
                code: "INVALID_NAME",
              },
            ],
          };
        }
        return namedInventoryChange(input, "quantities", (q) => () => q.quantity);
      }),
    inventoryAdjustQuantities: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () => namedInventoryChange(args.input, "changes", (c) => (current) => current + c.delta)),
    inventoryMoveQuantities: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () => inventoryMove(args.input)),
    orderCreate: (args: Args) =>
      outcome(createOrder(store, args.order, { ...args.options, apiVersion: context.apiVersion }), "order", orderView),
    fulfillmentOrderMove: (args: Args) => {
      const result = moveFulfillmentOrder(store, args as Parameters<typeof moveFulfillmentOrder>[1]);
      if (result.userErrors)
        return {
          movedFulfillmentOrder: null,
          originalFulfillmentOrder: null,
          remainingFulfillmentOrder: null,
          ...userErrorsPayload(result.userErrors),
        };
      const { moved, original, remaining } = result.ok;
      return {
        movedFulfillmentOrder: fulfillmentOrderView(moved),
        originalFulfillmentOrder: fulfillmentOrderView(original),
        remainingFulfillmentOrder: remaining ? fulfillmentOrderView(remaining) : null,
        userErrors: [],
      };
    },
    // Shopify cancels in a job; the fake's is done at once (see cancelOrder), and job(id:) answers so.
    orderCancel: (args: Args) => {
      const result = cancelOrder(store, args.orderId, args.reason, args.restock, {
        refund: args.refundMethod?.originalPaymentMethodsRefund ?? args.refund,
        notifyCustomer: args.notifyCustomer,
        staffNote: args.staffNote,
      });
      const errors = result.userErrors ? userErrorsPayload(result.userErrors).userErrors : [];
      return {
        job: result.ok ? jobView(store.gid("Job")) : null,
        orderCancelUserErrors: errors,
        userErrors: errors.map(({ field, message }) => ({ field, message })),
      };
    },
    fulfillmentCreate: (args: Args) =>
      outcome(createFulfillment(store, args.fulfillment), "fulfillment", fulfillmentView),
    fulfillmentTrackingInfoUpdate: (args: Args) =>
      outcome(updateTracking(store, args.fulfillmentId, args.trackingInfoInput), "fulfillment", fulfillmentView),
    fulfillmentCancel: (args: Args) => outcome(cancelFulfillment(store, args.id), "fulfillment", fulfillmentView),
    refundCreate: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () => {
        const result = createRefund(store, args.input);
        return result.userErrors
          ? { refund: null, order: null, ...userErrorsPayload(result.userErrors) }
          : { refund: refundView(result.ok), order: orderView(store.orders.get(result.ok.orderId)!), userErrors: [] };
      }),
    metafieldsSet: (args: Args) => {
      const inputs = args.metafields as Args[];
      if (inputs.length > 25)
        return {
          metafields: null,
          userErrors: [
            {
              field: ["metafields"],
              message: "Exceeded the maximum metafields input limit of 25.",
              code: "LESS_THAN_OR_EQUAL_TO",
            },
          ],
        };
      const missingOwner = inputs.findIndex((m) => !nodeById(m.ownerId));
      if (missingOwner >= 0)
        return {
          metafields: null,
          userErrors: [
            {
              field: ["metafields", String(missingOwner), "ownerId"],
              message: "Owner does not exist.",
              code: "INVALID",
            },
          ],
        };
      const saved = inputs.map((m) => {
        const namespace = m.namespace ?? "$app";
        const existing = store.metafieldOf(m.ownerId, namespace, m.key);
        const metafield: FakeMetafield = existing ?? {
          id: store.gid("Metafield"),
          ownerId: m.ownerId,
          namespace,
          key: m.key,
          type: m.type ?? "single_line_text_field",
          value: m.value,
        };
        metafield.value = m.value;
        if (m.type) metafield.type = m.type;
        store.metafields.set(metafield.id, metafield);
        return metafieldView(metafield);
      });
      return { metafields: saved, userErrors: [] };
    },
    bulkOperationRunQuery: (args: Args) => {
      const started = context.startBulkOperation(args.query);
      return Array.isArray(started)
        ? { bulkOperation: null, userErrors: userErrorsPayload(started).userErrors }
        : { bulkOperation: bulkOperationView(started), userErrors: [] };
    },
  };
}
