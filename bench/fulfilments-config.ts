/** The fulfilment scenarios, apart from the engine code so bench/run.ts can list them without loading the app. */

export interface FulfilmentsConfig {
  seed: number;
  /** Paid Mirakl orders made into Shopify orders before the first fulfilment. */
  orders: number;
  /** Fulfilments created in Shopify per second, open loop (one every 1000 / rate ms, whatever the app does). */
  perSecond: number;
  /** Share of orders with two lines (two SKUs); the rest have one line of 1 to maxQuantity units. */
  twoLineShare: number;
  maxQuantity: number;
  /** Share of the orders that can be split (two lines, or more than one unit) fulfilled in two parts. */
  partialShare: number;
  /** The rest of a partly fulfilled order is fulfilled this long after its first part at the earliest, uniform. */
  restAfterMs: [number, number];
  /** Shopify's webhook delivery delay, uniform in [min, max] (as the flash sale's). */
  webhookDelayMs: [number, number];
  /** The baseline: a batch connector reading Shopify fulfilments and pushing them this often. */
  baselineEveryMs: number;
  /** After the last fulfilment, time runs on at most this long (a lost webhook waits for the 10-minute sweep). */
  tailMs: number;
}

export interface FulfilmentsVariant {
  label: string;
  /** The platform's multi-shipment feature (PC01): off → OR23 + OR24; on → ST01 (shipped) per fulfilment. */
  multiShipment: boolean;
  /** Share of webhook deliveries that never reach the app (seeded); the sweep has to find them. */
  lostShare: number;
}

const FULL: FulfilmentsConfig = {
  seed: 20261204,
  orders: 300,
  perSecond: 5,
  twoLineShare: 0.4,
  maxQuantity: 3,
  partialShare: 0.3,
  restAfterMs: [30_000, 120_000],
  webhookDelayMs: [1_000, 5_000],
  baselineEveryMs: 5 * 60_000,
  tailMs: 25 * 60_000,
};

const QUICK: FulfilmentsConfig = { ...FULL, orders: 80 };

export const fulfilmentsConfig = (quick: boolean): FulfilmentsConfig => (quick ? QUICK : FULL);

export const fulfilmentsVariants: FulfilmentsVariant[] = [
  { label: "one shipment per order (OR23 + OR24)", multiShipment: false, lostShare: 0 },
  { label: "multi-shipment (ST01 shipped per fulfilment)", multiShipment: true, lostShare: 0 },
  { label: "OR23 + OR24, 10 % of webhooks lost", multiShipment: false, lostShare: 0.1 },
];
