import { Kind, parse, visit, type ListValueNode } from "graphql";
import { describe, expect, it } from "vitest";
import { variantInventoryExportQuery } from "~/integrations/shopify/bulk-queries";
import {
  allAdminOperations,
  embeddedAdminDocuments,
  inventoryItemsWithLevels,
  locations,
  orderById,
} from "~/integrations/shopify/operations";
import {
  adminFragment,
  adminOperation,
  untypedAdminOperation,
  type AdminFragment,
} from "~/integrations/shopify/operation";
import { syncedQuantityNames } from "~/integrations/shopify/quantity-names";
import { loadAdminIntrospection } from "./admin-schema";
import { adminIdempotencyPolicy, idempotencyPolicyFromSchema, validateAdminDocument } from "./admin-validation";

const messages = (source: string) => validateAdminDocument(source).map((error) => error.message);

describe("Admin operations against Shopify's 2026-07 schema", () => {
  it("has every operation under a unique name", () => {
    const names = allAdminOperations.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(19);
  });

  it.each(allAdminOperations.map((op) => [op.name, op] as const))("%s is valid", (_name, op) => {
    expect(messages(op.document)).toEqual([]);
  });

  it.each(Object.entries(embeddedAdminDocuments))("the %s document is valid", (_name, document) => {
    expect(messages(document)).toEqual([]);
  });

  it("rejects a field that does not exist (InventoryLevel.available was removed)", () => {
    expect(messages(`query { inventoryLevel(id: "gid://shopify/InventoryLevel/1") { id available } }`)).toEqual([
      'Cannot query field "available" on type "InventoryLevel".',
    ]);
  });

  it("rejects a deliberately wrong field inside one of our own operations", () => {
    const broken = allAdminOperations
      .find((op) => op.name === "OrderById")!
      .document.replace("sourceIdentifier", "sourceIdentifer");
    expect(messages(broken)).toEqual([expect.stringContaining('Cannot query field "sourceIdentifer" on type "Order"')]);
  });

  it("rejects orderCreate options put on the order input", () => {
    const wrong = `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { field message } } }`;
    expect(messages(wrong)).toEqual([]);
    const inline = `mutation { orderCreate(order: { lineItems: [{ title: "x", priceSet: { shopMoney: { amount: "1", currencyCode: EUR } } }], inventoryBehaviour: BYPASS }) { order { id } } }`;
    expect(messages(inline)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Field "inventoryBehaviour" is not defined by type "OrderCreateOrderInput"'),
        expect.stringContaining('Field "OrderCreateLineItemInput.quantity" of required type "Int!" was not provided'),
      ]),
    );
  });
});

describe("@idempotent directive rule", () => {
  it("derives the mutations that require a key from the schema descriptions", () => {
    const { required, supported } = adminIdempotencyPolicy();
    for (const name of [
      "refundCreate",
      "inventorySetQuantities",
      "inventoryAdjustQuantities",
      "inventoryMoveQuantities",
      "inventoryActivate",
    ]) {
      expect(required.has(name), name).toBe(true);
    }
    expect(required.has("orderCreate")).toBe(false);
    expect([...required].every((name) => supported.has(name))).toBe(true);
  });

  it("follows the version written in the description", () => {
    // 2026-01 made the key optional and 2026-04 required it: an older API version must not demand it.
    expect(idempotencyPolicyFromSchema(loadAdminIntrospection(), "2026-01").required.size).toBe(0);
  });

  it("is present on every operation mutation that requires it", () => {
    const { required } = adminIdempotencyPolicy();
    const ours = allAdminOperations.filter((op) =>
      [...required].some((name) => new RegExp(`\\b${name}\\(`).test(op.document)),
    );
    expect(ours.map((op) => op.name).sort()).toEqual([
      "InventoryAdjustQuantities",
      "InventoryMoveQuantities",
      "InventorySetQuantities",
      "RefundCreate",
    ]);
    for (const op of ours) expect(op.document).toMatch(/@idempotent\(key: \$idempotencyKey\)/);
  });

  it("fails a required mutation without the directive", () => {
    const withoutKey = allAdminOperations
      .find((op) => op.name === "RefundCreate")!
      .document.replace(" @idempotent(key: $idempotencyKey)", "")
      .replace(", $idempotencyKey: String!", "");
    expect(messages(withoutKey)).toEqual(['Mutation "refundCreate" requires @idempotent(key: ...) as of API 2026-07.']);
  });

  it("fails the directive on a mutation that does not support it", () => {
    const op = `mutation($k: String!) { orderCancel(orderId: "gid://shopify/Order/1", reason: OTHER, restock: false) @idempotent(key: $k) { job { id } } }`;
    expect(messages(op)).toEqual(['Mutation "orderCancel" does not document @idempotent support.']);
  });
});

describe("adminOperation", () => {
  it("reads the kind and name from the document", () => {
    expect(untypedAdminOperation(`#graphql\nmutation Foo { x }`)).toMatchObject({ kind: "mutation", name: "Foo" });
    expect(() => untypedAdminOperation(`{ shop { id } }`)).toThrow(/named query or mutation/);
  });

  it("sends each fragment an operation spreads once, after the operation", () => {
    const definitions = (document: string) =>
      parse(document).definitions.map((d) => ("name" in d && d.name ? `${d.kind}:${d.name.value}` : d.kind));
    expect(definitions(orderById.document)).toEqual([
      "OperationDefinition:OrderById",
      "FragmentDefinition:OrderSummaryFields",
    ]);
    expect(definitions(inventoryItemsWithLevels.document)).toEqual([
      "OperationDefinition:InventoryItemsWithLevels",
      "FragmentDefinition:ProductVariantFields",
    ]);
    expect(definitions(locations.document)).toEqual(["OperationDefinition:Locations"]);
  });

  it("refuses a spread whose fragment is not passed, and a fragment that is passed but not spread", () => {
    const shopFields = adminFragment(`#graphql\nfragment ShopFields on Shop { id name }`);
    const nested = adminFragment(`#graphql\nfragment ShopMore on Shop { ...ShopFields email }`, shopFields);
    expect(nested.definitions).toHaveLength(2);
    expect(() => untypedAdminOperation(`query Q { shop { ...ShopFields } }`)).toThrow(
      "Q: fragments not passed: ShopFields",
    );
    // Typed operations only accept documents the codegen saw; the check itself does not depend on the text.
    const anyOperation = adminOperation as unknown as (source: string, ...fragments: AdminFragment[]) => unknown;
    expect(() => anyOperation(`query Q { shop { id } }`, shopFields)).toThrow(
      "Q: fragments passed but not spread: ShopFields",
    );
    expect(() => anyOperation(`query Q { shop { ...ShopMore } }`, nested)).not.toThrow();
    expect(() => adminFragment(`#graphql\nfragment Broken on Shop { ...ShopFields }`)).toThrow(
      "fragment Broken: fragments not passed: ShopFields",
    );
  });
});

describe("the bulk export query", () => {
  it("asks for exactly the synced quantity names (a static document cannot interpolate them)", () => {
    const names: string[] = [];
    visit(parse(variantInventoryExportQuery), {
      Field(field) {
        if (field.name.value !== "quantities") return;
        const list = field.arguments?.find((argument) => argument.name.value === "names")?.value as ListValueNode;
        for (const value of list.values) if (value.kind === Kind.STRING) names.push(value.value);
      },
    });
    expect(names).toEqual([...syncedQuantityNames]);
  });
});
