import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportVariantInventory, type VariantInventoryRow } from "~/integrations/shopify/bulk-export";
import { ShopifyAdminClient, shopifyAdminForShop } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { ShopifyGraphqlError, ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import { untypedAdminOperation } from "~/integrations/shopify/operation";
import * as ops from "~/integrations/shopify/operations";
import { syncedQuantityNames } from "~/integrations/shopify/quantity-names";
import { ShopifyFake } from "../../shopify-fake";
import { createFakeShopifyApp } from "../../shopify-fake/test-app";

// Every test gets a fresh fake shop stocked as below: no test sees another's orders, moves or writes.
type Store = ShopifyFake["store"];
type Variant = ReturnType<Store["addProduct"]>["variants"][number];
let fake: ShopifyFake;
let uninstall: () => void;
let client: ShopifyAdminClient;
let store: Store;
let warehouse: ReturnType<Store["addLocation"]>;
let shop2: typeof warehouse;
let product: ReturnType<Store["addProduct"]>["product"];
let shoe42: Variant;
let shoe43: Variant;
const money = (amount: string) => ({ shopMoney: { amount, currencyCode: "EUR" as const } });

beforeEach(async () => {
  fake = new ShopifyFake();
  store = fake.store;
  warehouse = store.addLocation({ name: "Warehouse" });
  shop2 = store.addLocation({ name: "Shop floor", fulfillsOnlineOrders: false });
  let variants: Variant[];
  ({ product, variants } = store.addProduct({
    title: "Trail shoe",
    variants: [
      {
        sku: "SHOE-42",
        title: "42",
        price: "89.90",
        stock: { [warehouse.id]: { available: 7, damaged: 1 }, [shop2.id]: { available: 2 } },
      },
      { sku: "SHOE-43", title: "43", price: "89.90", stock: { [warehouse.id]: { available: 3, safety_stock: 2 } } },
    ],
  }));
  [shoe42, shoe43] = variants as [Variant, Variant];
  const { app, uninstall: undo } = await createFakeShopifyApp(fake);
  uninstall = undo;
  // The product path: the library's offline admin client, through setAbstractFetchFunc, into the fake.
  client = await shopifyAdminForShop(fake.defaultShop, app.unauthenticated.admin, { buckets: new CostBuckets() });
});
afterEach(() => uninstall());

/** The marketplace order for two SHOE-42 that the order tests read, fulfil and refund. */
const createShoeOrder = () =>
  client.request(ops.orderCreate, {
    order: {
      currency: "EUR",
      email: "buyer@example.com",
      sourceName: "mirakl",
      sourceIdentifier: "MKP-ORDER-0001-A",
      tags: ["mirakl", "mirakl-shop-2001"],
      financialStatus: "PAID",
      lineItems: [{ variantId: shoe42.id, quantity: 2, priceSet: money("89.90") }],
      shippingLines: [{ title: "Standard", priceSet: money("4.90") }],
      transactions: [{ kind: "SALE", status: "SUCCESS", gateway: "mirakl", amountSet: money("184.70") }],
    },
    options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY", sendReceipt: false, sendFulfillmentReceipt: false },
  });
const placeShoeOrder = async () => (await createShoeOrder()).orderCreate.order!.id;

/** Ships one of the order's two shoes from the warehouse: one unit stays committed. */
async function fulfilOneShoe(orderId: string) {
  const { order } = await client.request(ops.orderFulfillmentOrders, { orderId });
  const fo = order!.fulfillmentOrders.nodes[0]!;
  await client.request(ops.fulfillmentCreate, {
    fulfillment: {
      lineItemsByFulfillmentOrder: [
        { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0]!.id, quantity: 1 }] },
      ],
      notifyCustomer: false,
    },
  });
  expect(store.levelOf(shoe42.inventoryItemId, warehouse.id)!.quantities).toMatchObject({ available: 5, committed: 1 });
}

describe("every Admin operation against the fake (real schema, real library client)", () => {
  it("Locations", async () => {
    const { locations } = await client.request(ops.locations, { first: 10, includeInactive: false });
    expect(locations.nodes.map((l) => l.name)).toEqual(["Warehouse", "Shop floor"]);
    expect(locations.nodes[0]).toMatchObject({ id: warehouse.id, isPrimary: true, isActive: true });
    expect(fake.requests.at(-1)).toMatchObject({
      shop: fake.defaultShop,
      apiVersion: "2026-07",
      operationName: "Locations",
    });
  });

  it("VariantsBySku and VariantsByIds", async () => {
    const bySku = await client.request(ops.variantsBySku, { query: ops.skuSearchQuery(["SHOE-42"]), first: 10 });
    expect(bySku.productVariants.nodes).toEqual([
      {
        id: shoe42.id,
        sku: "SHOE-42",
        title: "42",
        displayName: "Trail shoe - 42",
        barcode: null,
        price: "89.90",
        compareAtPrice: null,
        product: { id: product.id, title: "Trail shoe", status: "ACTIVE" },
        inventoryItem: { id: shoe42.inventoryItemId, sku: "SHOE-42", tracked: true },
      },
    ]);
    const both = await client.request(ops.variantsBySku, {
      query: ops.skuSearchQuery(["SHOE-42", "SHOE-43"]),
      first: 10,
    });
    expect(both.productVariants.nodes).toHaveLength(2);
    const byIds = await client.request(ops.variantsByIds, { ids: [shoe43.id, "gid://shopify/ProductVariant/1"] });
    expect(byIds.nodes[0]).toMatchObject({ __typename: "ProductVariant", id: shoe43.id, sku: "SHOE-43" });
    expect(byIds.nodes[1]).toBeNull();
  });

  it("ProductVariantsForSync pages a product's variants with the catalogue facts, null once deleted", async () => {
    const {
      product: boot,
      variants: [left],
    } = store.addProduct({
      title: "Boot",
      status: "DRAFT",
      variants: [
        { sku: "BOOT-L", barcode: "4006381333931", price: "120.00", compareAtPrice: "150.00", tracked: false },
        { sku: "BOOT-R" },
      ],
    });
    const first = await client.request(ops.productVariantsForSync, { id: boot.id, first: 1 });
    expect(first.product).toMatchObject({
      id: boot.id,
      status: "DRAFT",
      variants: { pageInfo: { hasNextPage: true } },
    });
    expect(first.product!.variants.nodes[0]).toMatchObject({
      id: left!.id,
      sku: "BOOT-L",
      barcode: "4006381333931",
      price: "120.00",
      compareAtPrice: "150.00",
      product: { status: "DRAFT" },
      inventoryItem: { tracked: false },
    });
    const rest = await client.request(ops.productVariantsForSync, {
      id: boot.id,
      first: 1,
      after: first.product!.variants.pageInfo.endCursor,
    });
    expect(rest.product!.variants.nodes.map((v) => v.sku)).toEqual(["BOOT-R"]);
    store.deleteProduct(boot.id);
    expect((await client.request(ops.productVariantsForSync, { id: boot.id, first: 10 })).product).toBeNull();
  });

  it("InventoryItemsWithLevels and InventoryLevelById read named quantities per location", async () => {
    const { nodes } = await client.request(ops.inventoryItemsWithLevels, {
      ids: [shoe42.inventoryItemId],
      quantityNames: [...syncedQuantityNames],
      levelsFirst: 10,
    });
    const item = nodes[0];
    if (item?.__typename !== "InventoryItem") throw new Error(`expected an InventoryItem, got ${item?.__typename}`);
    expect(item.inventoryLevels.nodes.map((l) => l.location.name)).toEqual(["Warehouse", "Shop floor"]);
    const quantities = Object.fromEntries(item.inventoryLevels.nodes[0]!.quantities.map((q) => [q.name, q.quantity]));
    expect(quantities).toEqual({ available: 7, committed: 0, reserved: 0, damaged: 1, safety_stock: 0, on_hand: 8 });

    const levelId = item.inventoryLevels.nodes[1]!.id;
    const { inventoryLevel } = await client.request(ops.inventoryLevelById, {
      id: levelId,
      quantityNames: ["available", "on_hand"],
    });
    expect(inventoryLevel).toMatchObject({
      id: levelId,
      item: { id: shoe42.inventoryItemId, variant: { id: shoe42.id } },
      location: { id: shop2.id },
    });
    expect(inventoryLevel!.quantities.map((q) => [q.name, q.quantity])).toEqual([
      ["available", 2],
      ["on_hand", 2],
    ]);
  });

  it("InventorySetQuantities: compare-and-set, stale refusal, idempotent replay", async () => {
    const write = (quantity: number, changeFromQuantity: number, idempotencyKey: string) =>
      client.request(ops.inventorySetQuantities, {
        idempotencyKey,
        input: {
          name: "available",
          reason: "correction",
          referenceDocumentUri: "mirakl-bridge://sync/1",
          quantities: [
            { inventoryItemId: shoe43.inventoryItemId, locationId: warehouse.id, quantity, changeFromQuantity },
          ],
        },
      });
    const first = await write(10, 3, "set-1");
    expect(first.inventorySetQuantities.inventoryAdjustmentGroup?.changes).toEqual(
      expect.arrayContaining([
        {
          name: "available",
          delta: 7,
          quantityAfterChange: 10,
          item: { id: shoe43.inventoryItemId },
          location: { id: warehouse.id },
        },
      ]),
    );
    const replay = await write(10, 3, "set-1");
    expect(replay.inventorySetQuantities.inventoryAdjustmentGroup?.id).toBe(
      first.inventorySetQuantities.inventoryAdjustmentGroup?.id,
    );
    expect(store.levelOf(shoe43.inventoryItemId, warehouse.id)!.quantities.available).toBe(10);

    const stale = await write(12, 3, "set-2").catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ShopifyUserErrorsError);
    expect((stale as ShopifyUserErrorsError).errors[0]).toMatchObject({
      code: "CHANGE_FROM_QUANTITY_STALE",
      field: ["input", "quantities", "0", "changeFromQuantity"],
    });
  });

  it("InventoryAdjustQuantities applies a delta", async () => {
    const result = await client.request(ops.inventoryAdjustQuantities, {
      idempotencyKey: "adjust-1",
      input: {
        name: "damaged",
        reason: "damaged",
        changes: [{ inventoryItemId: shoe42.inventoryItemId, locationId: warehouse.id, delta: 2 }],
      },
    });
    expect(result.inventoryAdjustQuantities.inventoryAdjustmentGroup?.changes[0]).toMatchObject({
      name: "damaged",
      delta: 2,
      quantityAfterChange: 3,
    });
    expect(store.quantity(store.levelOf(shoe42.inventoryItemId, warehouse.id)!, "on_hand")).toBe(10);
  });

  it("InventoryMoveQuantities moves available to reserved under a ledger document (rules: test/sync/reservations)", async () => {
    const terminal = (name: "available" | "reserved") => ({
      name,
      locationId: shop2.id,
      changeFromQuantity: null,
      ...(name === "reserved" ? { ledgerDocumentUri: "gid://mirakl-bridge/MiraklOrderLine/L-1" } : {}),
    });
    const result = await client.request(ops.inventoryMoveQuantities, {
      idempotencyKey: "move-1",
      input: {
        reason: "reservation_created",
        referenceDocumentUri: "gid://mirakl-bridge/MiraklOrder/O-1",
        changes: [
          {
            inventoryItemId: shoe42.inventoryItemId,
            quantity: 1,
            from: terminal("available"),
            to: terminal("reserved"),
          },
        ],
      },
    });
    expect(
      result.inventoryMoveQuantities.inventoryAdjustmentGroup?.changes.map((c) => [
        c.name,
        c.delta,
        c.quantityAfterChange,
      ]),
    ).toEqual([
      ["available", -1, 1],
      ["reserved", 1, 1],
    ]);
  });

  it("OrderCreate with options, then OrdersBySourceIdentifier and OrderById", async () => {
    fake.searchLagMs = 0; // searches right after creating; the lag itself is tested in fake-orders.test.ts
    const { orderCreate } = await createShoeOrder();
    expect(orderCreate.order).toMatchObject({
      sourceIdentifier: "MKP-ORDER-0001-A",
      tags: ["mirakl", "mirakl-shop-2001"],
      totalPriceSet: { shopMoney: { amount: "184.70", currencyCode: "EUR" } },
    });
    const orderId = orderCreate.order!.id;
    const level = store.levelOf(shoe42.inventoryItemId, warehouse.id)!;
    expect(level.quantities).toMatchObject({ available: 5, committed: 2 });

    const found = await client.request(ops.ordersBySourceIdentifier, {
      query: ops.sourceIdentifierSearchQuery("MKP-ORDER-0001-A"),
      first: 5,
    });
    expect(found.orders.nodes.map((o) => o.id)).toEqual([orderId]);
    const none = await client.request(ops.ordersBySourceIdentifier, {
      query: ops.sourceIdentifierSearchQuery("MKP-ORDER-0001"),
      first: 5,
    });
    expect(none.orders.nodes).toEqual([]);

    const refused = await client
      .request(ops.orderCreate, {
        order: { lineItems: [{ variantId: shoe43.id, quantity: 99, priceSet: money("1.00") }] },
        options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY", sendReceipt: false, sendFulfillmentReceipt: false },
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: "ShopifyUserErrorsError", errors: [{ code: "INVENTORY_CLAIM_FAILED" }] });
  });

  it("MetafieldsSet then OrderById reads it back", async () => {
    const orderId = await placeShoeOrder();
    const { metafieldsSet } = await client.request(ops.metafieldsSet, {
      metafields: [
        {
          ownerId: orderId,
          namespace: "mirakl_bridge",
          key: "marketplace_order",
          type: "json",
          value: '{"orderId":"MKP-ORDER-0001-A"}',
        },
      ],
    });
    expect(metafieldsSet.metafields).toEqual([
      expect.objectContaining({ namespace: "mirakl_bridge", key: "marketplace_order" }),
    ]);
    const { order } = await client.request(ops.orderById, {
      id: orderId,
      metafieldNamespace: "mirakl_bridge",
      metafieldKey: "marketplace_order",
    });
    expect(order).toMatchObject({
      id: orderId,
      sourceName: "mirakl",
      metafield: { value: '{"orderId":"MKP-ORDER-0001-A"}' },
      displayFulfillmentStatus: "UNFULFILLED",
    });
    expect(order!.lineItems.nodes).toEqual([
      expect.objectContaining({
        sku: "SHOE-42",
        quantity: 2,
        currentQuantity: 2,
        refundableQuantity: 2,
        variant: { id: shoe42.id },
      }),
    ]);
  });

  it("OrderFulfillmentOrders, FulfillmentCreate with tracking, FulfillmentTrackingInfoUpdate, FulfillmentById", async () => {
    const orderId = await placeShoeOrder();
    const { order } = await client.request(ops.orderFulfillmentOrders, { orderId });
    const fo = order!.fulfillmentOrders.nodes[0]!;
    expect(fo).toMatchObject({
      status: "OPEN",
      assignedLocation: { location: { id: warehouse.id } },
      supportedActions: [{ action: "CREATE_FULFILLMENT" }],
    });
    const { fulfillmentCreate } = await client.request(ops.fulfillmentCreate, {
      fulfillment: {
        lineItemsByFulfillmentOrder: [
          { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0]!.id, quantity: 1 }] },
        ],
        trackingInfo: { company: "DHL", number: "JD0001", url: "https://track.example/JD0001" },
        notifyCustomer: false,
      },
    });
    const fulfillment = fulfillmentCreate.fulfillment!;
    expect(fulfillment).toMatchObject({
      status: "SUCCESS",
      order: { id: orderId },
      trackingInfo: [{ company: "DHL", number: "JD0001", url: "https://track.example/JD0001" }],
    });
    expect(store.levelOf(shoe42.inventoryItemId, warehouse.id)!.quantities.committed).toBe(1);

    const updated = await client.request(ops.fulfillmentTrackingInfoUpdate, {
      fulfillmentId: fulfillment.id,
      trackingInfoInput: { company: "UPS", number: "1Z999" },
      notifyCustomer: false,
    });
    expect(updated.fulfillmentTrackingInfoUpdate.fulfillment?.trackingInfo).toEqual([
      { company: "UPS", number: "1Z999", url: null },
    ]);
    const { fulfillment: read } = await client.request(ops.fulfillmentById, { id: fulfillment.id });
    expect(read?.fulfillmentLineItems.nodes).toEqual([
      expect.objectContaining({ quantity: 1, lineItem: expect.objectContaining({ sku: "SHOE-42" }) }),
    ]);

    const after = await client.request(ops.orderFulfillmentOrders, { orderId });
    expect(after.order!.fulfillmentOrders.nodes[0]).toMatchObject({
      status: "IN_PROGRESS",
      lineItems: { nodes: [expect.objectContaining({ remainingQuantity: 1 })] },
    });
    expect(after.order!.fulfillments.map((f) => f.id)).toEqual([fulfillment.id]);
  });

  it("RefundCreate is idempotent on its key, RefundById reads it", async () => {
    const orderId = await placeShoeOrder();
    await fulfilOneShoe(orderId);
    const { order } = await client.request(ops.orderById, {
      id: orderId,
      metafieldNamespace: "mirakl_bridge",
      metafieldKey: "marketplace_order",
    });
    const lineItemId = order!.lineItems.nodes[0]!.id;
    const input = {
      orderId,
      note: "Mirakl refund 77",
      notify: false,
      refundLineItems: [{ lineItemId, quantity: 1, restockType: "CANCEL" as const, locationId: warehouse.id }],
      transactions: [{ orderId, amount: "89.90", gateway: "mirakl", kind: "REFUND" as const }],
    };
    const first = await client.request(ops.refundCreate, { idempotencyKey: "mirakl-refund-77", input });
    const again = await client.request(ops.refundCreate, { idempotencyKey: "mirakl-refund-77", input });
    expect(again.refundCreate.refund?.id).toBe(first.refundCreate.refund?.id);
    expect(store.orders.get(orderId)!.refunds).toHaveLength(1);
    const { refund } = await client.request(ops.refundById, { id: first.refundCreate.refund!.id });
    expect(refund).toMatchObject({
      order: { id: orderId },
      note: "Mirakl refund 77",
      totalRefundedSet: { shopMoney: { amount: "89.90" } },
    });
    expect(refund!.refundLineItems.nodes).toEqual([
      expect.objectContaining({
        quantity: 1,
        restockType: "CANCEL",
        lineItem: expect.objectContaining({ id: lineItemId }),
      }),
    ]);
    // The cancelled unit went back to available.
    expect(store.levelOf(shoe42.inventoryItemId, warehouse.id)!.quantities).toMatchObject({
      available: 6,
      committed: 0,
    });

    const reused = await client
      .request(ops.refundCreate, { idempotencyKey: "mirakl-refund-77", input: { ...input, note: "different" } })
      .catch((e: unknown) => e);
    // refundCreate's userErrors are the plain UserError type: field and message, no code.
    expect(reused).toMatchObject({
      name: "ShopifyUserErrorsError",
      errors: [{ message: expect.stringContaining("idempotency key"), code: null }],
    });
  });

  it("OrderCancel restocks and refuses a second cancel with orderCancelUserErrors", async () => {
    store.setQuantity(store.levelOf(shoe43.inventoryItemId, warehouse.id)!, "available", 10); // restocked
    const { orderCreate } = await client.request(ops.orderCreate, {
      order: {
        sourceName: "mirakl",
        sourceIdentifier: "MKP-ORDER-0002-A",
        lineItems: [{ variantId: shoe43.id, quantity: 3, priceSet: money("89.90") }],
      },
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY", sendReceipt: false, sendFulfillmentReceipt: false },
    });
    const id = orderCreate.order!.id;
    expect(store.levelOf(shoe43.inventoryItemId, warehouse.id)!.quantities).toMatchObject({
      available: 7,
      committed: 3,
    });
    const { orderCancel } = await client.request(ops.orderCancel, {
      orderId: id,
      reason: "INVENTORY",
      restock: true,
      notifyCustomer: false,
      staffNote: "Mirakl refused",
    });
    expect(orderCancel.job?.done).toBe(true);
    expect(store.levelOf(shoe43.inventoryItemId, warehouse.id)!.quantities).toMatchObject({
      available: 10,
      committed: 0,
    });
    const { order } = await client.request(ops.orderById, {
      id,
      metafieldNamespace: "mirakl_bridge",
      metafieldKey: "x",
    });
    expect(order).toMatchObject({ cancelReason: "INVENTORY", cancelledAt: expect.any(String) });
    await expect(
      client.request(ops.orderCancel, {
        orderId: id,
        reason: "OTHER",
        restock: true,
        notifyCustomer: false,
      }),
    ).rejects.toMatchObject({
      errors: [{ code: "INVALID", message: "Order has already been cancelled" }],
    });
  });

  it("BulkOperationRunQuery + BulkOperationById + streamed JSONL with __parentId", async () => {
    const streaming = new ShopifyFake({ bulkPollsUntilComplete: 2, bulkChunkBytes: 7 });
    const loc = streaming.store.addLocation({ name: "Main" });
    const other = streaming.store.addLocation({ name: "Second" });
    const seeded = streaming.store.addProduct({
      title: "Jacket",
      variants: [
        { sku: "J-S", stock: { [loc.id]: { available: 4, committed: 1 }, [other.id]: { available: 1 } } },
        { sku: null, stock: { [loc.id]: { available: 0 } } },
      ],
    });
    const bulkClient = new ShopifyAdminClient(streaming.admin(), {
      shop: streaming.defaultShop,
      buckets: new CostBuckets(),
    });
    const rows: VariantInventoryRow[] = [];
    for await (const row of exportVariantInventory(bulkClient, {
      fetch: streaming.fetch,
      sleep: async () => {},
      intervalMs: 0,
    }))
      rows.push(row);

    const [jS, noSku] = seeded.variants;
    expect(rows.filter((r) => r.kind === "variant")).toEqual([
      expect.objectContaining({
        variantId: jS!.id,
        sku: "J-S",
        inventoryItemId: jS!.inventoryItemId,
        productTitle: "Jacket",
        productStatus: "ACTIVE",
        price: "10.00",
        compareAtPrice: null,
        barcode: null,
        tracked: true,
      }),
      expect.objectContaining({ variantId: noSku!.id, sku: null }),
    ]);
    expect(rows.filter((r) => r.kind === "level")).toEqual([
      expect.objectContaining({
        variantId: jS!.id,
        locationId: loc.id,
        quantities: { available: 4, committed: 1, reserved: 0, damaged: 0, safety_stock: 0, on_hand: 5 },
        availableUpdatedAt: expect.any(String),
      }),
      expect.objectContaining({
        variantId: jS!.id,
        locationId: other.id,
        quantities: expect.objectContaining({ available: 1 }),
      }),
      expect.objectContaining({ variantId: noSku!.id, locationId: loc.id }),
    ]);
    const polls = streaming.requests.filter((r) => r.operationName === "BulkOperationById");
    expect(polls).toHaveLength(3); // RUNNING, RUNNING, COMPLETED
    const started = streaming.requests.find((r) => r.operationName === "BulkOperationRunQuery")!;
    expect(started.variables).toMatchObject({ groupObjects: false });
  });
});

describe("the fake behaves like Shopify at the edges", () => {
  it("rejects an invalid query through the library as a GraphQL error", async () => {
    const wrong = untypedAdminOperation<{ shop: unknown }>(`#graphql
query Wrong { inventoryLevel(id: "gid://shopify/InventoryLevel/1") { id available } }`);
    const error = await client.request(wrong, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect((error as ShopifyGraphqlError).message).toContain('Cannot query field "available" on type "InventoryLevel"');
  });

  it("rejects a required-idempotent mutation sent without @idempotent", async () => {
    const bare = untypedAdminOperation<unknown, { input: unknown }>(`#graphql
mutation Bare($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { message } } }`);
    await expect(client.request(bare, { input: {} })).rejects.toThrow(/requires @idempotent/);
  });

  it("refuses a connection without first, and a query above the single-query cost limit", async () => {
    const noFirst = untypedAdminOperation<unknown>(`#graphql
query NoFirst { locations { nodes { id } } }`);
    await expect(client.request(noFirst, {})).rejects.toThrow(/first or last/);
    const tooBig = untypedAdminOperation<unknown>(`#graphql
query TooBig { productVariants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 250) { nodes { id location { id } } } } } } }`);
    const error = await client.request(tooBig, {}).catch((e: unknown) => e);
    expect((error as ShopifyGraphqlError).codes).toEqual(["MAX_COST_EXCEEDED"]);
  });

  it("reports realistic cost and drains the bucket", async () => {
    const fresh = new ShopifyFake();
    fresh.store.addLocation({ name: "A" });
    const direct = new ShopifyAdminClient(fresh.admin(), { shop: fresh.defaultShop, buckets: new CostBuckets() });
    const { cost } = await direct.requestWithCost(ops.locations, { first: 50, includeInactive: false });
    expect(cost).toEqual({
      requestedQueryCost: 52,
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
    expect(cost!.actualQueryCost).toBeLessThan(52);
    expect(cost!.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(2000 - 52);
    const mutation = await direct.requestWithCost(ops.metafieldsSet, { metafields: [] });
    expect(mutation.cost?.requestedQueryCost).toBe(10);
  });
});
