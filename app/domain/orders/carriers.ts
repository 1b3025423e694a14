/**
 * Which marketplace carrier a Shopify fulfilment ships with (issue 12). Pure: the fulfilment flow reads the
 * connection's carrier map and SH21 carriers, asks `resolveCarrier`, and sends Mirakl what it says; the Carriers
 * page asks `suggestCarrier` for the match it proposes. Every answer carries its reason, for the page and the
 * exception that explains a blocked shipment.
 */

export interface MarketplaceCarrier {
  code: string;
  label: string;
  standardCode: string | null;
  /** SH21's URL template, e.g. "https://track.example/{trackingId}". */
  trackingUrl: string | null;
}

export interface CarrierMapEntry {
  companyKey: string;
  miraklCode: string;
  /** A suggestion nobody confirmed is never used to ship. */
  confirmed: boolean;
}

export interface CarrierPolicy {
  /** PC01 `disable_seller_alternative_carrier` is false: an unregistered carrier may be sent by name and URL. */
  alternativeCarriersAllowed: boolean;
  /** For a fulfilment with no tracking company at all. */
  defaultCarrierCode: string | null;
}

export type BlockedCause = "NO_COMPANY" | "UNMAPPED" | "UNCONFIRMED" | "MAPPED_CARRIER_GONE";

export type CarrierResolution =
  | { kind: "mapped"; code: string; label: string; reason: string }
  | { kind: "alternative"; name: string; trackingUrl: string | null; reason: string }
  | { kind: "blocked"; cause: BlockedCause; reason: string; fixHint: string };

/**
 * One key per carrier as people type it: case, accents, spaces and punctuation do not count ("UPS", "ups ",
 * "U.P.S." are one; "DHL Express" and "DHL-Express" are one).
 */
export function companyKey(company: string): string {
  return company
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

export function resolveCarrier(
  fulfilment: { company: string | null; trackingUrl: string | null },
  map: readonly CarrierMapEntry[],
  carriers: readonly MarketplaceCarrier[],
  policy: CarrierPolicy,
): CarrierResolution {
  const byCode = new Map(carriers.map((c) => [c.code, c]));
  const company = fulfilment.company?.trim() || null;
  if (!company) {
    const fallback = policy.defaultCarrierCode ? byCode.get(policy.defaultCarrierCode) : undefined;
    if (fallback)
      return {
        kind: "mapped",
        code: fallback.code,
        label: fallback.label,
        reason: `No tracking company on the fulfilment: the connection's default carrier ${fallback.label} (${fallback.code})`,
      };
    return {
      kind: "blocked",
      cause: "NO_COMPANY",
      reason: policy.defaultCarrierCode
        ? `No tracking company on the fulfilment, and the default carrier ${policy.defaultCarrierCode} is no longer one of the marketplace's carriers`
        : "No tracking company on the fulfilment, and the connection has no default carrier",
      fixHint:
        "Add the carrier to the fulfilment's tracking in Shopify, or choose a default carrier on the Carriers page.",
    };
  }

  const entry = map.find((e) => e.companyKey === companyKey(company));
  if (entry?.confirmed) {
    const carrier = byCode.get(entry.miraklCode);
    if (carrier)
      return {
        kind: "mapped",
        code: carrier.code,
        label: carrier.label,
        reason: `"${company}" is mapped to ${carrier.label} (${carrier.code})`,
      };
    return {
      kind: "blocked",
      cause: "MAPPED_CARRIER_GONE",
      reason: `"${company}" is mapped to ${entry.miraklCode}, which the marketplace no longer lists among its carriers`,
      fixHint: `Map "${company}" to one of the marketplace's current carriers on the Carriers page; the shipment then goes out by itself.`,
    };
  }
  if (policy.alternativeCarriersAllowed)
    return {
      kind: "alternative",
      name: company,
      trackingUrl: fulfilment.trackingUrl,
      reason: `"${company}" is not mapped; the marketplace accepts other carriers, so it is sent by name${fulfilment.trackingUrl ? " with its tracking URL" : ""}`,
    };
  if (entry)
    return {
      kind: "blocked",
      cause: "UNCONFIRMED",
      reason: `"${company}" has a suggested carrier (${entry.miraklCode}) nobody confirmed, and the marketplace accepts only its own carriers`,
      fixHint: `Confirm or change the carrier suggested for "${company}" on the Carriers page; the shipment then goes out by itself.`,
    };
  return {
    kind: "blocked",
    cause: "UNMAPPED",
    reason: `"${company}" is not mapped to a marketplace carrier, and the marketplace accepts only its own carriers`,
    fixHint: `Map "${company}" on the Carriers page; the shipment then goes out by itself.`,
  };
}

export interface CarrierSuggestion {
  code: string;
  reason: string;
}

/**
 * The marketplace carrier a Shopify company most likely is: the same code, standard code or label (as keys), else
 * one whose label starts with the company ("UPS" → "UPS Standard") or the other way round; null when unsure
 * (several equally good, or none). The merchant confirms it.
 */
export function suggestCarrier(company: string, carriers: readonly MarketplaceCarrier[]): CarrierSuggestion | null {
  const key = companyKey(company);
  if (!key) return null;
  const exact = carriers.filter((c) =>
    [c.code, c.label, c.standardCode].some((name) => name !== null && companyKey(name) === key),
  );
  if (exact.length === 1)
    return { code: exact[0]!.code, reason: `"${company}" is the marketplace's ${exact[0]!.label} (same name)` };
  if (exact.length > 1) return null;
  const prefix = carriers.filter((c) => {
    const label = companyKey(c.label);
    return label.length > 0 && (label.startsWith(key) || key.startsWith(label));
  });
  if (prefix.length === 1)
    return { code: prefix[0]!.code, reason: `"${company}" looks like the marketplace's ${prefix[0]!.label}` };
  return null;
}

/** The tracking URL Mirakl builds for a registered carrier, from its SH21 template; null without a template. */
export function trackingUrlFor(carrier: MarketplaceCarrier, trackingNumber: string): string | null {
  if (!carrier.trackingUrl || !carrier.trackingUrl.includes("{trackingId}")) return null;
  return carrier.trackingUrl.replaceAll("{trackingId}", encodeURIComponent(trackingNumber.trim()));
}
