/**
 * The demo Shopify page's fulfil form, shared by the page (browser) and its action (server): the carriers a
 * merchant picks from, as Shopify names them. The demo connection maps the first four to the marketplace's
 * carriers; Mondial Relay is left unmapped on purpose, so its shipments show what a blocked carrier looks like.
 */
export const DEMO_FULFIL_CARRIERS = ["UPS", "DHL Express", "Colissimo", "Chronopost", "Mondial Relay"] as const;

/** The Select's value for "Other…": the carrier is then the free text typed beside it. */
export const OTHER_CARRIER = "__other";

/** Each line's quantity field is `LINE_FIELD_PREFIX + lineItemId`. */
export const LINE_FIELD_PREFIX = "line:";

/** Carrier tracking-number shapes, so the demo's numbers look like the real ones. */
const trackingShapes: Record<string, (digits: string) => string> = {
  UPS: (d) => `1Z${d.slice(0, 6).replace(/\d/g, (c) => "ABCDEFGHJK"[Number(c)]!)}${d.slice(6, 16)}`,
  "DHL Express": (d) => d.slice(0, 10),
  Colissimo: (d) => `6A${d.slice(0, 11)}`,
  Chronopost: (d) => `XW${d.slice(0, 9)}FR`,
  "Mondial Relay": (d) => d.slice(0, 8),
};

/**
 * A plausible tracking number for the carrier, the same for the same seed (so the page does not change it on
 * every reload). Not a valid check digit: the marketplace never verifies it.
 */
export function suggestedTrackingNumber(carrier: string, seed: string): string {
  let digits = "";
  let hash = 2166136261;
  for (let round = 0; digits.length < 20; round++) {
    for (const char of `${seed}|${carrier}|${round}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
    digits += String(hash).padStart(10, "0");
  }
  return (trackingShapes[carrier] ?? ((d: string) => d.slice(0, 12)))(digits);
}
