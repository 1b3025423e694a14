import { beforeEach, describe, expect, it } from "vitest";
import { ShopifyAdminClient } from "~/integrations/shopify/client";
import { CostBuckets } from "~/integrations/shopify/cost-buckets";
import { ShopifyGraphqlError, ShopifyUserErrorsError } from "~/integrations/shopify/errors";
import { untypedAdminOperation } from "~/integrations/shopify/operation";
import { inventoryMoveQuantities, type InventoryMoveTerminal } from "~/integrations/shopify/operations";
import { ShopifyFake } from "../../shopify-fake";

/** The fake's inventoryMoveQuantities follows Shopify's documented rules (2026-07), through the product's typed operation. */

let fakeNow: number;
let store: ShopifyFake["store"];
let warehouse: ReturnType<ShopifyFake["store"]["addLocation"]>;
let retail: typeof warehouse;
let item: string;
let client: ShopifyAdminClient;

/**
 * A fresh fake whose one product, a tent, has `atWarehouse` at the warehouse and 2 available at retail.
 * Every test starts from its own: no test sees the moves, keys or clock of another.
 */
function stockTent(atWarehouse: { available: number; reserved?: number }) {
  fakeNow = Date.parse("2026-07-01T08:00:00Z");
  const fake = new ShopifyFake({ now: () => fakeNow });
  store = fake.store;
  warehouse = store.addLocation({ name: "Warehouse" });
  retail = store.addLocation({ name: "Retail" });
  const {
    variants: [tent],
  } = store.addProduct({
    title: "Tent",
    variants: [{ sku: "TENT", stock: { [warehouse.id]: atWarehouse, [retail.id]: { available: 2 } } }],
  });
  item = tent!.inventoryItemId;
  client = new ShopifyAdminClient(fake.admin(), {
    shop: fake.defaultShop,
    buckets: new CostBuckets(),
    sleep: async () => {},
  });
}
beforeEach(() => stockTent({ available: 10 }));
const level = (locationId = warehouse.id) => store.levelOf(item, locationId)!.quantities;

const LEDGER = "gid://mirakl-bridge/MiraklOrderLine/ORDER-1-1";
const available = (locationId = warehouse.id, changeFromQuantity: number | null = null): InventoryMoveTerminal => ({
  name: "available",
  locationId,
  changeFromQuantity,
});
const reserved = (
  locationId = warehouse.id,
  ledgerDocumentUri: string | null = LEDGER,
  changeFromQuantity: number | null = null,
): InventoryMoveTerminal => ({
  name: "reserved",
  locationId,
  changeFromQuantity,
  ledgerDocumentUri,
});
const moveQuantities = (
  idempotencyKey: string,
  quantity: number,
  from: InventoryMoveTerminal,
  to: InventoryMoveTerminal,
  reason = "reservation_created",
) =>
  client.request(inventoryMoveQuantities, {
    idempotencyKey,
    input: {
      reason,
      referenceDocumentUri: "gid://mirakl-bridge/MiraklOrder/ORDER-1",
      changes: [{ inventoryItemId: item, quantity, from, to }],
    },
  });
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShopifyUserErrorsError);
  return (error as ShopifyUserErrorsError).errors;
};

describe("inventoryMoveQuantities in the Shopify fake", () => {
  it("moves available to reserved and reports the adjustment group like the other inventory mutations", async () => {
    fakeNow += 1000;
    const { inventoryMoveQuantities: payload } = await moveQuantities(
      "move-1",
      3,
      available(warehouse.id, 10),
      reserved(warehouse.id, LEDGER, 0),
    );
    expect(payload.inventoryAdjustmentGroup).toMatchObject({
      createdAt: new Date(fakeNow).toISOString(),
      reason: "reservation_created",
      referenceDocumentUri: "gid://mirakl-bridge/MiraklOrder/ORDER-1",
      changes: [
        { name: "available", delta: -3, quantityAfterChange: 7, item: { id: item }, location: { id: warehouse.id } },
        { name: "reserved", delta: 3, quantityAfterChange: 3, item: { id: item }, location: { id: warehouse.id } },
      ],
    });
    expect(level()).toMatchObject({ available: 7, reserved: 3 });
  });

  it("replays the first result for a repeated key without moving again, and refuses the key with other parameters", async () => {
    stockTent({ available: 7, reserved: 3 });
    const first = await moveQuantities("move-2", 2, available(), reserved());
    const again = await moveQuantities("move-2", 2, available(), reserved());
    expect(again.inventoryMoveQuantities.inventoryAdjustmentGroup).toEqual(
      first.inventoryMoveQuantities.inventoryAdjustmentGroup,
    );
    expect(level()).toMatchObject({ available: 5, reserved: 5 });
    expect(await refusal(moveQuantities("move-2", 1, available(), reserved()))).toEqual([
      expect.objectContaining({ code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }),
    ]);
    expect(level()).toMatchObject({ available: 5, reserved: 5 });
  });

  it("requires the @idempotent key (Shopify requires it since 2026-04)", async () => {
    const bare = untypedAdminOperation<unknown, { input: unknown }>(`#graphql
mutation BareMove($input: InventoryMoveQuantitiesInput!) { inventoryMoveQuantities(input: $input) { userErrors { message } } }`);
    await expect(client.request(bare, { input: {} })).rejects.toThrow(ShopifyGraphqlError);
    await expect(client.request(bare, { input: {} })).rejects.toThrow(/requires @idempotent/);
  });

  it("compare-and-swap on either terminal: a stale changeFromQuantity refuses the whole move", async () => {
    stockTent({ available: 5, reserved: 5 });
    expect(await refusal(moveQuantities("move-3", 1, available(warehouse.id, 4), reserved()))).toEqual([
      {
        field: ["input", "changes", "0", "from", "changeFromQuantity"],
        message: expect.any(String),
        code: "CHANGE_FROM_QUANTITY_STALE",
      },
    ]);
    expect(await refusal(moveQuantities("move-4", 1, available(), reserved(warehouse.id, LEDGER, 4)))).toEqual([
      expect.objectContaining({
        field: ["input", "changes", "0", "to", "changeFromQuantity"],
        code: "CHANGE_FROM_QUANTITY_STALE",
      }),
    ]);
    expect(level()).toMatchObject({ available: 5, reserved: 5 });
  });

  it("needs changeFromQuantity on both terminals, even as null", async () => {
    const { changeFromQuantity: _omitted, ...withoutCompare } = available();
    const errors = await refusal(moveQuantities("move-5", 1, withoutCompare as InventoryMoveTerminal, reserved()));
    expect(errors).toEqual([
      expect.objectContaining({ field: ["input", "changes", "0", "from", "changeFromQuantity"] }),
    ]);
  });

  it("ledger documents: required except for available, refused for available, never gid://shopify", async () => {
    stockTent({ available: 5, reserved: 5 });
    expect(await refusal(moveQuantities("ledger-1", 1, available(), reserved(warehouse.id, null)))).toEqual([
      expect.objectContaining({
        field: ["input", "changes", "0", "to", "ledgerDocumentUri"],
        code: "INVALID_QUANTITY_DOCUMENT",
      }),
    ]);
    expect(
      await refusal(moveQuantities("ledger-2", 1, { ...available(), ledgerDocumentUri: LEDGER }, reserved())),
    ).toEqual([
      expect.objectContaining({
        field: ["input", "changes", "0", "from", "ledgerDocumentUri"],
        code: "INVALID_AVAILABLE_DOCUMENT",
      }),
    ]);
    expect(
      await refusal(moveQuantities("ledger-3", 1, available(), reserved(warehouse.id, "gid://shopify/Order/1"))),
    ).toEqual([expect.objectContaining({ code: "INTERNAL_LEDGER_DOCUMENT" })]);
    expect(await refusal(moveQuantities("ledger-4", 1, available(), reserved(warehouse.id, "not a uri")))).toEqual([
      expect.objectContaining({ code: "INVALID_LEDGER_DOCUMENT" }),
    ]);
    expect(level()).toMatchObject({ available: 5, reserved: 5 });
  });

  it("moves only the movable states, between names at one location or one name between locations", async () => {
    stockTent({ available: 5, reserved: 5 });
    const committed = {
      name: "committed",
      locationId: warehouse.id,
      changeFromQuantity: null,
      ledgerDocumentUri: LEDGER,
    } as unknown as InventoryMoveTerminal;
    expect(await refusal(moveQuantities("names-1", 1, available(), committed))).toEqual([
      expect.objectContaining({ code: "INVALID_QUANTITY_NAME" }),
    ]);
    expect(await refusal(moveQuantities("names-2", 1, available(), reserved(retail.id)))).toEqual([
      expect.objectContaining({ code: "DIFFERENT_LOCATIONS" }),
    ]);
    expect(await refusal(moveQuantities("names-3", 1, available(), available()))).toEqual([
      expect.objectContaining({ code: "SAME_QUANTITY_NAME" }),
    ]);
    expect(await refusal(moveQuantities("names-4", 1, available(), reserved(), "because"))).toEqual([
      expect.objectContaining({ field: ["input", "reason"], code: "INVALID_REASON" }),
    ]);

    // The same name between two locations is a move Shopify accepts.
    await moveQuantities("names-5", 2, available(warehouse.id), available(retail.id), "movement_created");
    expect(level()).toMatchObject({ available: 3, reserved: 5 });
    expect(level(retail.id)).toMatchObject({ available: 4 });
  });

  it("refuses to take a state below zero, and applies nothing", async () => {
    stockTent({ available: 3, reserved: 5 });
    expect(await refusal(moveQuantities("floor-1", 4, available(), reserved()))).toEqual([
      expect.objectContaining({ field: ["input", "changes", "0", "quantity"], code: "INVALID_QUANTITY_NEGATIVE" }),
    ]);
    expect(await refusal(moveQuantities("floor-2", 6, reserved(), available(), "reservation_deleted"))).toEqual([
      expect.objectContaining({ code: "INVALID_QUANTITY_NEGATIVE" }),
    ]);
    expect(level()).toMatchObject({ available: 3, reserved: 5 });
    await moveQuantities("floor-3", 5, reserved(), available(), "reservation_deleted");
    expect(level()).toMatchObject({ available: 8, reserved: 0 });
  });
});
