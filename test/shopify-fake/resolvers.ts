import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { isInventoryQuantityName } from "~/integrations/shopify/quantity-names";
import { cancelOrder, createFulfillment, createOrder, createRefund, updateTracking, type ActionResult, type FakeUserError } from "./actions";
import type {
  FakeBulkOperation,
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
}

type Args = Record<string, any>;

const encodeCursor = (index: number) => Buffer.from(`cursor:${index}`).toString("base64");
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, "base64").toString("utf8").replace("cursor:", ""));

function connection<T>(items: T[], args: Args, context: ResolverContext, view: (item: T) => unknown) {
  if (!context.bulk && args.first == null && args.last == null) throw new GraphQLError("you must provide one of first or last");
  if ((args.first ?? 0) > 250 || (args.last ?? 0) > 250) throw new GraphQLError("The maximum number of items per page is 250.");
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? decodeCursor(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end).map((item, offset) => ({ cursor: encodeCursor(start + offset), node: view(item) }));
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
  if (consumed !== query.length) throw new GraphQLError(`the Shopify fake cannot interpret the search query ${JSON.stringify(query)}`);
  return terms;
}

function matchesAny<T>(item: T, terms: Array<{ field: string; value: string }>, fields: Record<string, (item: T, value: string) => boolean>): boolean {
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
      inventoryQuantity: () => store.levelsOfItem(v.inventoryItemId).reduce((sum, level) => sum + level.quantities.available, 0),
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
        return { __typename: "InventoryQuantity", id: `${l.id.split("?")[0]}/${name}`, name, quantity: store.quantity(l, name), updatedAt: l.updatedAt };
      }),
  });
  const lineItemView = (li: FakeLineItem, order: FakeOrder): Record<string, unknown> => {
    const refunded = order.refunds.flatMap((r) => r.lineItems).filter((l) => l.lineItemId === li.id).reduce((s, l) => s + l.quantity, 0);
    return {
      __typename: "LineItem",
      id: li.id,
      sku: li.sku,
      title: li.title,
      name: li.title,
      quantity: li.quantity,
      currentQuantity: li.currentQuantity,
      refundableQuantity: Math.max(0, li.quantity - refunded),
      unfulfilledQuantity: order.fulfillmentOrders.flatMap((fo) => fo.lineItems).filter((l) => l.lineItemId === li.id).reduce((s, l) => s + l.remainingQuantity, 0),
      variant: () => (li.variantId ? variantView(store.variants.get(li.variantId)!) : null),
      originalUnitPriceSet: moneyBag(li.unitPrice, order.currency),
    };
  };
  const lineItemById = (order: FakeOrder, id: string) => lineItemView(order.lineItems.find((l) => l.id === id)!, order);
  const fulfillmentOrderView = (fo: FakeFulfillmentOrder): Record<string, unknown> => {
    const order = store.orders.get(fo.orderId)!;
    return {
      __typename: "FulfillmentOrder",
      id: fo.id,
      status: fo.status,
      requestStatus: "UNSUBMITTED",
      orderId: order.id,
      orderName: order.name,
      assignedLocation: { location: () => locationView(store.locations.get(fo.locationId)!), name: store.locations.get(fo.locationId)!.name },
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
        connection(f.lineItems, args, context, (l) => ({ __typename: "FulfillmentLineItem", id: l.id, quantity: l.quantity, lineItem: () => lineItemById(order, l.lineItemId) })),
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
        })),
      transactions: (args: Args) =>
        connection(r.transactions, args, context, (t) => ({ __typename: "OrderTransaction", id: t.id, kind: t.kind, status: t.status, gateway: t.gateway, amountSet: moneyBag(t.amount, order.currency) })),
    };
  };
  const metafieldView = (m: FakeMetafield) => ({ __typename: "Metafield", id: m.id, namespace: m.namespace, key: m.key, type: m.type, value: m.value });
  const orderView = (o: FakeOrder): Record<string, unknown> => {
    const remaining = o.fulfillmentOrders.flatMap((fo) => fo.lineItems).reduce((s, l) => s + l.remainingQuantity, 0);
    const fulfilled = o.fulfillments.flatMap((f) => f.lineItems).reduce((s, l) => s + l.quantity, 0);
    return {
      __typename: "Order",
      id: o.id,
      name: o.name,
      email: o.email,
      sourceName: o.sourceName,
      sourceIdentifier: o.sourceIdentifier,
      tags: o.tags,
      createdAt: o.createdAt,
      processedAt: o.createdAt,
      cancelledAt: o.cancelledAt,
      cancelReason: o.cancelReason,
      currencyCode: o.currency,
      displayFinancialStatus: o.financialStatus,
      displayFulfillmentStatus: remaining === 0 && fulfilled > 0 ? "FULFILLED" : fulfilled > 0 ? "PARTIALLY_FULFILLED" : "UNFULFILLED",
      totalPriceSet: moneyBag(o.totalPrice, o.currency),
      metafield: (args: Args) => {
        const m = store.metafieldOf(o.id, args.namespace ?? "$app", args.key);
        return m ? metafieldView(m) : null;
      },
      lineItems: (args: Args) => connection(o.lineItems, args, context, (li) => lineItemView(li, o)),
      fulfillmentOrders: (args: Args) => connection(o.fulfillmentOrders, args, context, fulfillmentOrderView),
      fulfillments: (args: Args) => (args.first != null ? o.fulfillments.slice(0, args.first) : o.fulfillments).map(fulfillmentView),
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
        if (!type) throw new GraphQLError(`Invalid global id '${id}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
        return null;
    }
  };
  const typed = (type: string) => (args: Args) => {
    const node = nodeById(args.id);
    return node && node.__typename === type ? node : null;
  };

  /** Replays the first result for a repeated idempotency key, refuses the key with different arguments. */
  const idempotent = (info: GraphQLResolveInfo, args: Args, run: () => Record<string, unknown>, errorKey = "userErrors") => {
    const key = context.idempotencyKey(info);
    if (key === null) return run();
    const cacheKey = `${info.fieldName}:${key}`;
    const fingerprint = JSON.stringify(args);
    const previous = context.idempotencyCache.get(cacheKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return userErrorsPayload([{ field: null, message: "The same idempotency key was used with different parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }], errorKey);
      }
      return previous.result as Record<string, unknown>;
    }
    const result = run();
    context.idempotencyCache.set(cacheKey, { fingerprint, result });
    return result;
  };

  const outcome = <T>(result: ActionResult<T>, key: string, view: (value: T) => unknown, errorKey = "userErrors") =>
    result.userErrors ? { [key]: null, ...userErrorsPayload(result.userErrors, errorKey) } : { [key]: view(result.ok as T), [errorKey]: [] };

  const inventoryChange = (
    input: { name: string; reason: string; referenceDocumentUri?: string | null },
    changes: Array<{ inventoryItemId: string; locationId: string; apply: (current: number) => number; changeFromQuantity?: number | null }>,
  ) => {
    if (!isInventoryQuantityName(input.name)) return userErrorsPayload([{ field: ["input", "name"], message: `Invalid quantity name: ${input.name}`, code: "INVALID_NAME" }]);
    const name = input.name;
    const errors: FakeUserError[] = [];
    const levels = changes.map((change, index) => {
      if (!store.inventoryItems.has(change.inventoryItemId)) errors.push({ field: ["input", "quantities", String(index), "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
      if (!store.locations.has(change.locationId)) errors.push({ field: ["input", "quantities", String(index), "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" });
      const level = store.levelOf(change.inventoryItemId, change.locationId);
      if (store.inventoryItems.has(change.inventoryItemId) && store.locations.has(change.locationId) && !level) {
        errors.push({ field: ["input", "quantities", String(index), "locationId"], message: "The specified inventory item is not stocked at the location.", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
      }
      if (level && change.changeFromQuantity != null && store.quantity(level, name) !== change.changeFromQuantity) {
        errors.push({
          field: ["input", "quantities", String(index), "changeFromQuantity"],
          message: "The specified compare quantity does not match the current quantity.",
          code: "CHANGE_FROM_QUANTITY_STALE",
        });
      }
      return level;
    });
    if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors.map((e) => ({ ...e, code: e.code ?? null })) };
    const applied = changes.map((change, index) => {
      const level = levels[index]!;
      const before = store.quantity(level, name);
      store.setQuantity(level, name, change.apply(before));
      return { level, delta: store.quantity(level, name) - before };
    });
    return {
      inventoryAdjustmentGroup: {
        __typename: "InventoryAdjustmentGroup",
        id: store.gid("InventoryAdjustmentGroup"),
        createdAt: store.timestamp(),
        reason: input.reason,
        referenceDocumentUri: input.referenceDocumentUri ?? null,
        changes: applied.map(({ level, delta }) => ({
          name,
          delta,
          quantityAfterChange: store.quantity(level, name),
          item: itemView(store.inventoryItems.get(level.inventoryItemId)!),
          location: locationView(store.locations.get(level.locationId)!),
        })),
      },
      userErrors: [],
    };
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
    fulfillment: typed("Fulfillment"),
    fulfillmentOrder: typed("FulfillmentOrder"),
    refund: typed("Refund"),
    bulkOperation: typed("BulkOperation"),
    productVariants: (args: Args) => {
      const terms = parseSearchQuery(args.query);
      const variants = [...store.variants.values()].filter((v) => matchesAny(v, terms, { sku: (x, value) => x.sku === value }));
      return connection(args.reverse ? variants.reverse() : variants, args, context, variantView);
    },
    locations: (args: Args) =>
      connection(
        [...store.locations.values()].filter((l) => args.includeInactive || l.isActive),
        args,
        context,
        locationView,
      ),
    orders: (args: Args) => {
      const terms = parseSearchQuery(args.query);
      const orders = [...store.orders.values()].filter((o) =>
        matchesAny(o, terms, {
          source_identifier: (x, value) => x.sourceIdentifier === value,
          source_name: (x, value) => x.sourceName === value,
          tag: (x, value) => x.tags.some((t) => t.toLowerCase() === value.toLowerCase()),
          name: (x, value) => x.name === value || x.name === `#${value}`,
        }),
      );
      orders.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return connection(args.reverse ? orders.reverse() : orders, args, context, orderView);
    },

    // Mutation root
    inventorySetQuantities: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () => {
        const input = args.input;
        if (input.name !== "available" && input.name !== "on_hand") {
          return { inventoryAdjustmentGroup: null, userErrors: [{ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" }] };
        }
        return inventoryChange(
          input,
          (input.quantities as Args[]).map((q) => ({ inventoryItemId: q.inventoryItemId, locationId: q.locationId, changeFromQuantity: q.changeFromQuantity, apply: () => q.quantity })),
        );
      }),
    inventoryAdjustQuantities: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () =>
        inventoryChange(
          args.input,
          (args.input.changes as Args[]).map((c) => ({ inventoryItemId: c.inventoryItemId, locationId: c.locationId, changeFromQuantity: c.changeFromQuantity, apply: (current: number) => current + c.delta })),
        ),
      ),
    orderCreate: (args: Args) => outcome(createOrder(store, args.order, args.options?.inventoryBehaviour ?? "BYPASS"), "order", orderView),
    orderCancel: (args: Args) => {
      const result = cancelOrder(store, args.orderId, args.reason, args.restock);
      const errors = result.userErrors ? userErrorsPayload(result.userErrors).userErrors : [];
      return {
        job: result.ok ? { __typename: "Job", id: store.gid("Job"), done: true } : null,
        orderCancelUserErrors: errors,
        userErrors: errors.map(({ field, message }) => ({ field, message })),
      };
    },
    fulfillmentCreate: (args: Args) => outcome(createFulfillment(store, args.fulfillment), "fulfillment", fulfillmentView),
    fulfillmentTrackingInfoUpdate: (args: Args) => outcome(updateTracking(store, args.fulfillmentId, args.trackingInfoInput), "fulfillment", fulfillmentView),
    refundCreate: (args: Args, _ctx: unknown, info: GraphQLResolveInfo) =>
      idempotent(info, args, () => {
        const result = createRefund(store, args.input);
        return result.userErrors
          ? { refund: null, order: null, ...userErrorsPayload(result.userErrors) }
          : { refund: refundView(result.ok), order: orderView(store.orders.get(result.ok.orderId)!), userErrors: [] };
      }),
    metafieldsSet: (args: Args) => {
      const inputs = args.metafields as Args[];
      if (inputs.length > 25) return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO" }] };
      const missingOwner = inputs.findIndex((m) => !nodeById(m.ownerId));
      if (missingOwner >= 0) return { metafields: null, userErrors: [{ field: ["metafields", String(missingOwner), "ownerId"], message: "Owner does not exist.", code: "INVALID" }] };
      const saved = inputs.map((m) => {
        const namespace = m.namespace ?? "$app";
        const existing = store.metafieldOf(m.ownerId, namespace, m.key);
        const metafield: FakeMetafield = existing ?? { id: store.gid("Metafield"), ownerId: m.ownerId, namespace, key: m.key, type: m.type ?? "single_line_text_field", value: m.value };
        metafield.value = m.value;
        if (m.type) metafield.type = m.type;
        store.metafields.set(metafield.id, metafield);
        return metafieldView(metafield);
      });
      return { metafields: saved, userErrors: [] };
    },
    bulkOperationRunQuery: (args: Args) => {
      const started = context.startBulkOperation(args.query);
      return Array.isArray(started) ? { bulkOperation: null, userErrors: userErrorsPayload(started).userErrors } : { bulkOperation: bulkOperationView(started), userErrors: [] };
    },
  };
}
