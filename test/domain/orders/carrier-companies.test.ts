import { describe, expect, it } from "vitest";
import { carrierCompanies, type CarrierCompaniesInput } from "~/domain/orders/carrier-companies";

/** The Carriers page's list: one row per company key, blocked first, then what waits for a person. */

const carriers = [
  { code: "UPS", label: "UPS", standardCode: "UPS", trackingUrl: null },
  { code: "COL", label: "Colissimo", standardCode: null, trackingUrl: null },
];
const input = (over: Partial<CarrierCompaniesInput>): CarrierCompaniesInput => ({
  known: [],
  seen: [],
  blocked: [],
  mapped: [],
  carriers,
  ...over,
});
const mapped = (company: string, miraklCode: string, confirmed: boolean) => ({
  company,
  companyKey: company.toLowerCase().replace(/[^a-z0-9]/g, ""),
  miraklCode,
  confirmed,
});

describe("carrierCompanies", () => {
  it("keeps one row per company, spelled as the map, else Shopify, else the first fulfilment spells it", () => {
    const { companies } = carrierCompanies(
      input({
        known: ["UPS", "Colissimo"],
        seen: ["u.p.s.", "colissimo ", "La Poste Express", "la-poste express", null],
        mapped: [mapped("Ups", "UPS", true)],
      }),
    );
    expect(companies.map((c) => [c.company, c.seen])).toEqual([
      ["Ups", true],
      ["Colissimo", true],
      ["La Poste Express", true],
    ]);
  });

  it("counts distinct waiting orders per company; no company, or one without a letter or digit, is the default's", () => {
    const { companies, noCompanyBlockedOrders } = carrierCompanies(
      input({
        known: ["UPS", "DPD"],
        blocked: [
          { company: "DPD", orderId: "o1" },
          { company: "dpd", orderId: "o1" },
          { company: "DPD", orderId: "o2" },
          { company: "UPS", orderId: "o3" },
          { company: null, orderId: "o4" },
          { company: "--", orderId: "o5" },
        ],
      }),
    );
    expect(companies.map((c) => [c.company, c.blockedOrders])).toEqual([
      ["DPD", 2],
      ["UPS", 1],
    ]);
    expect(noCompanyBlockedOrders).toBe(2);
  });

  it("after the blocked: suggestions, mappings to a carrier gone, the map, seen, then Shopify's other companies", () => {
    const { companies } = carrierCompanies(
      input({
        known: ["Amazon", "Zeta Post"],
        seen: ["Seen Co"],
        blocked: [{ company: "Zeta Post", orderId: "o1" }],
        mapped: [
          mapped("Mapped Co", "UPS", true),
          mapped("Gone Co", "OLD", true),
          mapped("Suggested Co", "COL", false),
        ],
      }),
    );
    expect(companies.map((c) => c.company)).toEqual([
      "Zeta Post",
      "Suggested Co",
      "Gone Co",
      "Mapped Co",
      "Seen Co",
      "Amazon",
    ]);
    expect(companies.find((c) => c.company === "Gone Co")!.mapping).toEqual({
      miraklCode: "OLD",
      miraklLabel: null,
      confirmed: true,
    });
  });
});
