import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { toMoney } from "~/domain/money";
import { WAITING_ACCEPTANCE, type AcceptanceOrder } from "~/domain/orders/acceptance";
import { activeVariant, decide, stockOf, type Scenario } from "./fixtures";

/*
 * Mirakl's own OR11 example order (Order_00010-A: one line, offer S2000, 3 × 55 USD) from the OpenAPI
 * document, read at test time and mapped the way the intake will map it. The example is RECEIVED; the
 * same order as it looked while waiting for acceptance is the example with the states set back.
 * The OR21 body the decision builds is validated against the spec's OR21 request schema.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// Beside the repository, as for test/integrations/mirakl/conformance.test.ts; a checkout elsewhere (a git worktree) can name it.
const specPath = process.env.MIRAKL_OPENAPI_SPEC ?? path.resolve(repoRoot, "../shared/mirakl/mmp-seller-openapi.json");
const specPresent = existsSync(specPath);
if (!specPresent) console.warn(`[order acceptance OR11 example] skipped: OpenAPI spec not found at ${specPath}`);

type Json = Record<string, unknown>;
interface Or11Line {
  order_line_id: string;
  offer_sku: string;
  quantity: number;
  price_unit: number;
  order_line_state: string;
}
interface Or11Order {
  order_id: string;
  currency_iso_code: string;
  order_state: string;
  order_lines: Or11Line[];
}

/** The minimal shape the decision takes, from an OR11 order (what the intake's mapping must do). */
function acceptanceOrderFrom(order: Or11Order): AcceptanceOrder {
  return {
    id: order.order_id,
    currency: order.currency_iso_code,
    lines: order.order_lines.map((line) => ({
      id: line.order_line_id,
      offerSku: line.offer_sku,
      quantity: line.quantity,
      unitPrice: toMoney(line.price_unit),
      state: line.order_line_state,
    })),
  };
}

describe.skipIf(!specPresent)("Mirakl's OR11 example order", () => {
  const load = () => JSON.parse(readFileSync(specPath, "utf8")) as Json;
  const spec = specPresent ? load() : {};
  const paths = spec.paths as Record<string, Record<string, Json>> | undefined;
  const or11 = paths?.["/api/orders"]?.get as Json | undefined;
  const example = (
    (or11?.responses as Json | undefined)?.["200"] as {
      content: { "application/json": { examples: Record<string, { value: { orders: Or11Order[] } }> } };
    }
  )?.content["application/json"].examples["application/json-0"].value.orders[0] as Or11Order;

  const waiting = (): Or11Order => ({
    ...example,
    order_state: WAITING_ACCEPTANCE,
    order_lines: example.order_lines.map((line) => ({ ...line, order_line_state: WAITING_ACCEPTANCE })),
  });

  const catalogue: Scenario["shop"] = {
    offers: { S2000: { status: "listed", advertisedUnitPrice: "55" } },
    variants: { S2000: [activeVariant("S2000", { title: "Example product" })] },
    stock: { S2000: stockOf(5, 1, 1) },
  };

  it("is the order the fixture expects (Order_00010-A, S2000, 3 × 55 USD, RECEIVED)", () => {
    expect(example.order_id).toBe("Order_00010-A");
    expect(acceptanceOrderFrom(example)).toEqual({
      id: "Order_00010-A",
      currency: "USD",
      lines: [{ id: "Order_00010-A-1", offerSku: "S2000", quantity: 3, unitPrice: "55", state: "RECEIVED" }],
    });
  });

  it("as published (RECEIVED): nothing to decide", () => {
    const result = decide({ lines: [...acceptanceOrderFrom(example).lines], shop: catalogue, currency: "USD" });
    expect(result.status).toBe("nothing-to-decide");
    expect(result.or21).toBeNull();
  });

  it("while waiting: accepted with its reasons, and the OR21 body matches Mirakl's OR21 request schema", () => {
    const order = acceptanceOrderFrom(waiting());
    const result = decide({
      lines: [...order.lines],
      shop: catalogue,
      currency: order.currency,
      connectionCurrency: "USD",
    });
    expect(result.status).toBe("final");
    expect(result.or21).toEqual({ order_lines: [{ id: "Order_00010-A-1", accepted: true }] });
    expect(result.lines[0]!.summary).toBe(
      "Accept line Order_00010-A-1: The order is in USD, the connection's currency; " +
        "Offer SKU S2000 is one of this connection's offers; " +
        "SKU S2000 maps to Shopify variant “Example product” (gid://shopify/ProductVariant/S2000); " +
        "The Shopify product of variant “Example product” (gid://shopify/ProductVariant/S2000) is active; " +
        "Unit price 55.00 USD is within 10 % of the advertised 55.00 USD; " +
        "4 sellable at Warehouse Lyon, 3 ordered (1 other open order holds 1)",
    );

    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(spec, "mirakl-seller");
    const validate = ajv.compile({ $ref: "mirakl-seller#/components/schemas/OR21_Request" });
    expect(validate(result.or21), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ order_lines: [{ id: "Order_00010-A-1" }] })).toBe(false); // the schema is really checked
  });

  it("while waiting, in a currency the connection does not sell in: refused, saying so", () => {
    const order = acceptanceOrderFrom(waiting());
    const result = decide({
      lines: [...order.lines],
      shop: catalogue,
      currency: order.currency,
      connectionCurrency: "EUR",
    });
    expect(result.or21).toEqual({ order_lines: [{ id: "Order_00010-A-1", accepted: false }] });
    expect(result.lines[0]!.reasons[0]!.message).toBe("The order is in USD, but this connection sells in EUR");
  });

  it("while waiting, with one unit fewer in stock: refused for stock", () => {
    const order = acceptanceOrderFrom(waiting());
    const result = decide({
      lines: [...order.lines],
      shop: { ...catalogue, stock: { S2000: stockOf(4, 2, 1) } },
      currency: order.currency,
      connectionCurrency: "USD",
    });
    expect(result.lines[0]!.reasons.map((r) => r.message)).toEqual([
      "Only 2 sellable at Warehouse Lyon, 3 ordered (1 other open order holds 2)",
    ]);
  });
});
