import { describe, expect, it } from "vitest";
import {
  companyKey,
  resolveCarrier,
  suggestCarrier,
  trackingUrlFor,
  type CarrierMapEntry,
  type CarrierPolicy,
  type MarketplaceCarrier,
} from "~/domain/orders/carriers";

// The marketplace's carriers as SH21 lists them (Mirakl's own example carriers, and two French ones).
const carriers: MarketplaceCarrier[] = [
  { code: "UPS", label: "UPS", standardCode: "UPS", trackingUrl: "https://www.ups.com/track?tracknum={trackingId}" },
  { code: "DHL", label: "DHL Express", standardCode: "DHL", trackingUrl: "https://www.dhl.com/track?id={trackingId}" },
  {
    code: "COL",
    label: "Colissimo",
    standardCode: null,
    trackingUrl: "https://www.laposte.fr/outils/suivre-vos-envois?code={trackingId}",
  },
  { code: "CHR", label: "Chronopost", standardCode: null, trackingUrl: null },
];
const strict: CarrierPolicy = { alternativeCarriersAllowed: false, defaultCarrierCode: null };
const lenient: CarrierPolicy = { alternativeCarriersAllowed: true, defaultCarrierCode: null };
const mapped = (company: string, code: string, confirmed = true): CarrierMapEntry => ({
  companyKey: companyKey(company),
  miraklCode: code,
  confirmed,
});
const fulfilment = (company: string | null, trackingUrl: string | null = null) => ({ company, trackingUrl });

describe("company keys", () => {
  it("ignore case, accents, spaces and punctuation", () => {
    expect(companyKey("UPS")).toBe("ups");
    expect(companyKey(" u.p.s. ")).toBe("ups");
    expect(companyKey("DHL-Express")).toBe(companyKey("DHL Express"));
    expect(companyKey("La Poste – Colissimo")).toBe("lapostecolissimo");
    expect(companyKey("Gebrüder Weiss")).toBe("gebruderweiss");
  });
});

describe("resolving a fulfilment's carrier", () => {
  it("a confirmed mapping ships with the marketplace's code, whatever the spelling in Shopify", () => {
    expect(resolveCarrier(fulfilment("u.p.s"), [mapped("UPS", "UPS")], carriers, strict)).toEqual({
      kind: "mapped",
      code: "UPS",
      label: "UPS",
      reason: '"u.p.s" is mapped to UPS (UPS)',
    });
  });

  it("an unmapped company is blocked where the marketplace takes only its carriers, and says how to fix it", () => {
    const result = resolveCarrier(fulfilment("GLS"), [mapped("UPS", "UPS")], carriers, strict);
    expect(result).toMatchObject({ kind: "blocked", cause: "UNMAPPED" });
    expect(result.kind === "blocked" && result.fixHint).toBe(
      'Map "GLS" on the Carriers page; the shipment then goes out by itself.',
    );
  });

  it("an unmapped company goes by name and tracking URL where the marketplace allows other carriers", () => {
    expect(resolveCarrier(fulfilment("GLS", "https://gls.example/1Z"), [], carriers, lenient)).toMatchObject({
      kind: "alternative",
      name: "GLS",
      trackingUrl: "https://gls.example/1Z",
    });
  });

  it("a suggestion nobody confirmed never ships by itself", () => {
    expect(resolveCarrier(fulfilment("DHL"), [mapped("DHL", "DHL", false)], carriers, strict)).toMatchObject({
      kind: "blocked",
      cause: "UNCONFIRMED",
    });
    // Where other carriers are allowed it goes by name instead, still not under the unconfirmed code.
    expect(resolveCarrier(fulfilment("DHL"), [mapped("DHL", "DHL", false)], carriers, lenient)).toMatchObject({
      kind: "alternative",
      name: "DHL",
    });
  });

  it("a mapping to a carrier the marketplace removed is blocked, even where other carriers are allowed", () => {
    expect(resolveCarrier(fulfilment("TNT"), [mapped("TNT", "TNT")], carriers, lenient)).toMatchObject({
      kind: "blocked",
      cause: "MAPPED_CARRIER_GONE",
    });
  });

  it("no tracking company: the default carrier, else blocked", () => {
    expect(resolveCarrier(fulfilment(null), [], carriers, { ...strict, defaultCarrierCode: "COL" })).toMatchObject({
      kind: "mapped",
      code: "COL",
    });
    expect(resolveCarrier(fulfilment("  "), [], carriers, strict)).toMatchObject({
      kind: "blocked",
      cause: "NO_COMPANY",
    });
    expect(resolveCarrier(fulfilment(null), [], carriers, { ...strict, defaultCarrierCode: "OLD" })).toMatchObject({
      kind: "blocked",
      cause: "NO_COMPANY",
    });
  });
});

describe("suggesting a carrier for a Shopify company", () => {
  it("the same code, label or standard code", () => {
    expect(suggestCarrier("ups", carriers)?.code).toBe("UPS");
    expect(suggestCarrier("DHL express", carriers)?.code).toBe("DHL");
    expect(suggestCarrier("Colissimo", carriers)?.code).toBe("COL");
  });

  it("a label that starts with the company, when only one does", () => {
    expect(suggestCarrier("Chrono", carriers)?.code).toBe("CHR");
  });

  it("nothing when unsure or unknown", () => {
    expect(suggestCarrier("GLS", carriers)).toBeNull();
    expect(suggestCarrier("...", carriers)).toBeNull();
    const twins = [...carriers, { code: "UPS2", label: "UPS", standardCode: null, trackingUrl: null }];
    expect(suggestCarrier("UPS", twins)).toBeNull();
  });
});

describe("tracking URLs", () => {
  it("fill SH21's template with the number, encoded", () => {
    expect(trackingUrlFor(carriers[0]!, " 1Z 999 ")).toBe("https://www.ups.com/track?tracknum=1Z%20999");
    expect(trackingUrlFor(carriers[3]!, "X")).toBeNull();
  });
});

describe("Shopify's known tracking companies", () => {
  it("are the list the 2026-07 Admin schema documents for every country", async () => {
    const { loadAdminIntrospection } = await import("../../integrations/shopify/admin-schema");
    const { SHOPIFY_TRACKING_COMPANIES } = await import("~/domain/orders/shopify-carriers");
    const type = loadAdminIntrospection().__schema.types.find((t) => t.name === "FulfillmentTrackingInfo");
    const description =
      type && "fields" in type ? ((type.fields ?? []).find((f) => f.name === "company")?.description ?? "") : "";
    const everyCountry = description
      .split("### Supported tracking companies")[1]!
      .split("specific countries")[0]!
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("* "))
      .map((line) => line.slice(2));
    expect(everyCountry.length).toBeGreaterThan(50);
    expect(SHOPIFY_TRACKING_COMPANIES).toEqual(everyCountry);
  });
});
