/** The acceptance scenarios, apart from the engine code so bench/run.ts can list them without loading the app. */

export interface AcceptanceConfig {
  seed: number;
  /** Orders placed in all, bursts included. */
  orders: number;
  durationMs: number;
  /** Bursts: this many orders each, placed within `burstSpreadMs` from a seeded start; the rest trickle in. */
  bursts: number[];
  burstSpreadMs: number;
  /** SKUs sold in Shopify with plenty of stock, and a few with little (later orders for them cannot be served). */
  regularSkus: number;
  regularStock: number;
  scarceSkus: number;
  scarceStock: number;
  /** Offers on Mirakl that no Shopify variant feeds (an old listing): their lines must be refused. */
  unknownSkus: number;
  /** Share of order lines for a scarce SKU, and for an unknown one; the rest are regular SKUs. */
  scarceLineShare: number;
  unknownLineShare: number;
  /** Share of orders with two lines (two different SKUs). */
  twoLineShare: number;
  /** Units per line, uniform in 1..maxQuantity. */
  maxQuantity: number;
  /**
   * The marketplace's acceptance deadline (the simulator refuses an order still waiting then), one baseline run
   * each; the engine runs once, with the tightest.
   */
  windows: { label: string; ms: number }[];
  /** The baseline's cron: OR11 for the waiting orders, then OR21 for each (Mirakl's Magento connector: every 15 min). */
  baselineEveryMs: number;
  /** After the last order, time runs on this long, so the baseline's next cron after the end runs. */
  tailMs: number;
}

const FULL: AcceptanceConfig = {
  seed: 20261001,
  orders: 1000,
  durationMs: 60 * 60_000,
  bursts: [200, 150, 150, 100],
  burstSpreadMs: 60_000,
  regularSkus: 300,
  regularStock: 40,
  scarceSkus: 10,
  scarceStock: 3,
  unknownSkus: 20,
  scarceLineShare: 0.08,
  unknownLineShare: 0.05,
  twoLineShare: 0.15,
  maxQuantity: 3,
  // 3 days: the simulator's default and the shortest operator rule the Mirakl notes found published (Jinius;
  // Conrad 5 days). 10 minutes: not a real operator's window, but shorter than the baseline's 15-minute cron,
  // to show what the cron's delay costs when the window is tight (at 30 or 60 minutes the baseline would
  // still lose none: its delay stays under 15 minutes).
  windows: [
    { label: "3 days", ms: 3 * 24 * 3600_000 },
    { label: "10 min (stress test)", ms: 10 * 60_000 },
  ],
  baselineEveryMs: 15 * 60_000,
  tailMs: 16 * 60_000,
};

const QUICK: AcceptanceConfig = {
  ...FULL,
  orders: 200,
  durationMs: 20 * 60_000,
  bursts: [60, 40],
  regularSkus: 50,
  scarceSkus: 4,
  unknownSkus: 5,
};

export const acceptanceConfig = (quick: boolean): AcceptanceConfig => (quick ? QUICK : FULL);
