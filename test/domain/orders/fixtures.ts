import {
  catalogFrom,
  decideOrderAcceptance,
  WAITING_ACCEPTANCE,
  type AcceptanceInput,
  type AcceptanceOrderLine,
  type OfferFacts,
  type SkuStockFacts,
  type VariantFacts,
} from "~/domain/orders/acceptance";
import { acceptanceSettingsSchema } from "~/domain/orders/acceptance-settings";
import type { SkuOverride } from "~/domain/sku-mapping";

/** Builders for the acceptance tests: a small shop whose every SKU is sellable unless a test says otherwise. */

export const line = (
  id: string,
  offerSku: string,
  quantity: number,
  unitPrice = "20",
  state = WAITING_ACCEPTANCE,
): AcceptanceOrderLine => ({ id, offerSku, quantity, unitPrice, state });

export const activeVariant = (sku: string, overrides: Partial<VariantFacts> = {}): VariantFacts => ({
  variantId: `gid://shopify/ProductVariant/${sku}`,
  title: sku,
  productStatus: "ACTIVE",
  deleted: false,
  ...overrides,
});

export const stockOf = (sellableUnits: number, reservedByOtherOrders = 0, otherOpenOrders = 0): SkuStockFacts => ({
  sellableUnits,
  reservedByOtherOrders,
  otherOpenOrders,
  where: "Warehouse Lyon",
});

export interface Shop {
  /** Offer SKU → offer facts; default: every SKU below listed at 20. */
  offers?: Record<string, OfferFacts>;
  skuOverrides?: SkuOverride[];
  variants?: Record<string, VariantFacts[]>;
  stock?: Record<string, SkuStockFacts>;
}

/** BLUE-42 and RED-7: listed at 20.00, active, 10 sellable each. */
export function shop(overrides: Shop = {}): Required<Shop> {
  return {
    offers: overrides.offers ?? {
      "BLUE-42": { status: "listed", advertisedUnitPrice: "20" },
      "RED-7": { status: "listed", advertisedUnitPrice: "20" },
    },
    skuOverrides: overrides.skuOverrides ?? [],
    variants: overrides.variants ?? { "BLUE-42": [activeVariant("BLUE-42")], "RED-7": [activeVariant("RED-7")] },
    stock: overrides.stock ?? { "BLUE-42": stockOf(10), "RED-7": stockOf(10) },
  };
}

export interface Scenario {
  lines: AcceptanceOrderLine[];
  shop?: Shop;
  settings?: unknown;
  partialAcceptance?: "allowed" | "forbidden";
  orderAcceptance?: string | null;
  currency?: string;
  connectionCurrency?: string | null;
}

export function inputFor(scenario: Scenario): AcceptanceInput {
  const data = shop(scenario.shop);
  return {
    order: { id: "ORDER-1-A", currency: scenario.currency ?? "EUR", lines: scenario.lines },
    platform: {
      orderAcceptance: scenario.orderAcceptance === undefined ? "NOT_AUTOMATIC" : scenario.orderAcceptance,
      partialAcceptance: scenario.partialAcceptance ?? "allowed",
    },
    connectionCurrency: scenario.connectionCurrency === undefined ? "EUR" : scenario.connectionCurrency,
    settings: acceptanceSettingsSchema.parse(scenario.settings ?? {}),
    catalog: catalogFrom({
      offers: new Map(Object.entries(data.offers)),
      skuOverrides: data.skuOverrides,
      variantsBySku: new Map(Object.entries(data.variants)),
      stockBySku: new Map(Object.entries(data.stock)),
    }),
  };
}

export const decide = (scenario: Scenario) => decideOrderAcceptance(inputFor(scenario));
