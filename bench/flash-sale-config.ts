import type { ConnectionStockRules } from "~/domain/stock/rules";

/** The flash-sale scenarios, apart from the engine code so bench/run.ts can list them without loading the app. */

export interface FlashSaleConfig {
  label: string;
  seed: number;
  hotSkus: number;
  hotStock: number;
  catalogSkus: number;
  catalogStock: number;
  durationMs: number;
  /** Mean arrivals per minute per hot SKU (Poisson). */
  d2cPerMinute: number;
  marketplacePerMinute: number;
  /** Shopify's webhook delivery delay, uniform in [min, max]. */
  webhookDelayMs: [number, number];
  /** How often the order flow reads new Mirakl orders (OR11); 0 = it sees each order the moment it is placed. */
  orderPollMs: number;
  /** When the paid order is created in Shopify, after it was placed; 0 = at once. */
  shopifyOrderAfterMs: number;
  baselineEveryMs: number;
  /** The connection's stock rules, the same for both policies. */
  stock: Partial<ConnectionStockRules>;
}

const FULL_BASE: FlashSaleConfig = {
  label: "",
  seed: 20260701,
  hotSkus: 10,
  hotStock: 60,
  catalogSkus: 500,
  catalogStock: 25,
  durationMs: 60 * 60_000,
  d2cPerMinute: 0.9,
  marketplacePerMinute: 0.7,
  webhookDelayMs: [1_000, 5_000],
  orderPollMs: 60_000,
  shopifyOrderAfterMs: 120_000,
  baselineEveryMs: 5 * 60_000,
  stock: { buffer: 0 },
};

const QUICK_BASE: FlashSaleConfig = {
  ...FULL_BASE,
  hotSkus: 2,
  hotStock: 12,
  catalogSkus: 50,
  durationMs: 10 * 60_000,
};

/**
 * The variants every run reports, each with both policies on the same customers. The order flow is
 * not built yet, so its two extremes are shown: polled as Mirakl allows (OR11 once a minute, Shopify
 * order once paid, 2 minutes later), and ideal (each order reserved and in Shopify the moment it is
 * placed), which leaves the pushing policy as the only difference.
 */
export function flashSaleVariants(quick: boolean): FlashSaleConfig[] {
  const base = quick ? QUICK_BASE : FULL_BASE;
  return [
    { ...base, label: "A. order flow polled (OR11 every 60 s, Shopify order 2 min later), buffer 0" },
    { ...base, label: "B. same, buffer 2", stock: { buffer: 2 } },
    {
      ...base,
      label: "C. ideal order flow (reserved and in Shopify at once), buffer 0",
      orderPollMs: 0,
      shopifyOrderAfterMs: 0,
    },
  ];
}
