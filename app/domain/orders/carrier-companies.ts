import { companyKey, type MarketplaceCarrier } from "./carriers";

/**
 * The Shopify tracking companies a connection's carrier map is about (issue 12): Shopify's known list, every company
 * the shop's fulfilments named, and those already in the map, one per `companyKey`. Those whose shipments are
 * blocked come first, with how many orders wait: mapping them is what releases the orders.
 */

export interface CarrierCompany {
  key: string;
  /** The map's spelling, else Shopify's, else the first seen on a fulfilment. */
  company: string;
  mapping: { miraklCode: string; miraklLabel: string | null; confirmed: boolean } | null;
  /** Named on at least one of the connection's fulfilments. */
  seen: boolean;
  /** Distinct orders with a blocked shipment naming this company. */
  blockedOrders: number;
}

export interface CarrierCompaniesInput {
  known: readonly string[];
  /** Every distinct company on the connection's fulfilments (null: none named). */
  seen: readonly (string | null)[];
  /** The connection's blocked shipments, one per (company, order). */
  blocked: readonly { company: string | null; orderId: string }[];
  mapped: readonly { company: string; companyKey: string; miraklCode: string; confirmed: boolean }[];
  carriers: readonly MarketplaceCarrier[];
}

/** A fulfilment's company as a key, or null when it names none a person could map (the default carrier's case). */
const keyOf = (company: string | null) => (company ? companyKey(company) || null : null);

export function carrierCompanies(input: CarrierCompaniesInput): {
  companies: CarrierCompany[];
  /** Distinct orders with a blocked shipment that names no tracking company: the default carrier releases them. */
  noCompanyBlockedOrders: number;
} {
  const labelOf = new Map(input.carriers.map((c) => [c.code, c.label]));
  const byKey = new Map<string, CarrierCompany>();
  const add = (company: string) => {
    const key = companyKey(company);
    if (!key) return undefined;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { key, company: company.trim(), mapping: null, seen: false, blockedOrders: 0 };
      byKey.set(key, entry);
    }
    return entry;
  };
  // Spelling precedence follows the order of addition: the map's, Shopify's, then the fulfilments'.
  for (const m of input.mapped) {
    const entry = add(m.company);
    if (entry)
      entry.mapping = {
        miraklCode: m.miraklCode,
        miraklLabel: labelOf.get(m.miraklCode) ?? null,
        confirmed: m.confirmed,
      };
  }
  for (const company of input.known) add(company);
  for (const company of input.seen) if (keyOf(company)) add(company!)!.seen = true;

  const blockedOrders = new Map<string | null, Set<string>>();
  for (const { company, orderId } of input.blocked) {
    const key = keyOf(company);
    if (key) add(company!)!.seen = true;
    const orders = blockedOrders.get(key) ?? new Set<string>();
    blockedOrders.set(key, orders.add(orderId));
  }
  for (const [key, orders] of blockedOrders) if (key) byKey.get(key)!.blockedOrders = orders.size;

  const companies = [...byKey.values()].sort(
    (a, b) => b.blockedOrders - a.blockedOrders || rank(a) - rank(b) || a.company.localeCompare(b.company, "en"),
  );
  return { companies, noCompanyBlockedOrders: blockedOrders.get(null)?.size ?? 0 };
}

/** After the blocked ones: suggestions waiting for a person, mappings to a carrier gone, the map, then the rest. */
function rank(c: CarrierCompany): number {
  if (c.mapping) return !c.mapping.confirmed ? 0 : c.mapping.miraklLabel === null ? 1 : 2;
  return c.seen ? 3 : 4;
}
