import { describe, expect, it } from "vitest";
import { createOfferSkuResolver, createShopifySkuResolver, validateOverrides } from "~/domain/sku-mapping";

describe("offer SKU resolution", () => {
  const resolve = createOfferSkuResolver([
    { shopifySku: "TSHIRT-RED-M", offerSku: "DKT-123-M" },
    { shopifySku: "OLD-NAME", offerSku: "MUG-1" },
  ]);

  it("is the identity by default", () => {
    expect(resolve("SOCKS-1")).toEqual({ kind: "identity", offerSku: "SOCKS-1" });
  });
  it("follows an override", () => {
    expect(resolve("TSHIRT-RED-M")).toEqual({ kind: "override", offerSku: "DKT-123-M" });
  });
  it("shadows the Shopify SKU whose name an override took, so one offer never gets two quantities", () => {
    expect(resolve("MUG-1")).toEqual({ kind: "shadowed", claimedBy: "OLD-NAME" });
  });
});

describe("Shopify SKU of an offer (order lines)", () => {
  const overrides = [
    { shopifySku: "TSHIRT-RED-M", offerSku: "DKT-123-M" },
    { shopifySku: "OLD-NAME", offerSku: "MUG-1" },
  ];
  const offerOf = createOfferSkuResolver(overrides);
  const shopifyOf = createShopifySkuResolver(overrides);

  it("follows the override that claims the offer, else the identity", () => {
    expect(shopifyOf("DKT-123-M")).toBe("TSHIRT-RED-M");
    expect(shopifyOf("MUG-1")).toBe("OLD-NAME");
    expect(shopifyOf("SOCKS-1")).toBe("SOCKS-1");
  });
  it("finds no Shopify SKU for an offer named like an overridden Shopify SKU", () => {
    expect(shopifyOf("TSHIRT-RED-M")).toBeNull();
  });
  it("is the inverse of the offer resolution for every SKU that feeds an offer", () => {
    for (const sku of ["TSHIRT-RED-M", "OLD-NAME", "SOCKS-1", "MUG-1", "DKT-123-M"]) {
      const resolved = offerOf(sku);
      if (resolved.kind !== "shadowed") expect(shopifyOf(resolved.offerSku)).toBe(sku);
    }
  });
});

describe("override validation", () => {
  const row = (line: number, shopifySku: string, offerSku: string) => ({ line, shopifySku, offerSku });

  it("accepts a clean set", () => {
    expect(validateOverrides([row(1, "A", "X"), row(2, "B", "Y")])).toEqual([]);
  });
  it("rejects a Shopify SKU mapped twice and an offer targeted twice, naming the lines", () => {
    const problems = validateOverrides([row(1, "A", "X"), row(2, "A", "Y"), row(3, "B", "X")]);
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
    expect(problems[0].message).toContain("line 1");
  });
  it("rejects chains", () => {
    expect(validateOverrides([row(1, "A", "B"), row(2, "B", "C")])[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining("chains"),
    });
  });
  it("rejects empty, padded, multi-line and over-long SKUs", () => {
    const problems = validateOverrides([
      row(1, "", "X"),
      row(2, " B", "Y"),
      row(3, "C", "Z\nZ"),
      row(4, "D".repeat(101), "W"),
    ]);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 3, 4]);
  });
});

import { beforeAll } from "vitest";
import { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { exportOverridesCsv, importOverridesCsv, listOverrides } from "~/connections/sku-mapping.server";

describe("override CSV import and export", () => {
  const shop = "mapper.myshopify.com";
  const other = "other-mapper.myshopify.com";
  let connectionId = "";
  let otherConnectionId = "";
  beforeAll(async () => {
    await ensureDatabaseReady();
    connectionId = (
      await createConnection(shop, { name: "Carrefour", baseUrl: "https://carrefour.mirakl.net", apiKey: "k1" })
    ).id;
    otherConnectionId = (
      await createConnection(other, { name: "Carrefour", baseUrl: "https://carrefour.mirakl.net", apiKey: "k2" })
    ).id;
  });

  it("round-trips through CSV and reports what changed", async () => {
    const first = await importOverridesCsv(shop, connectionId, "shopify_sku,offer_sku\nA,X\nB,Y\n");
    expect(first).toMatchObject({ ok: true, created: 2, removed: 0 });
    const csv = await exportOverridesCsv(shop, connectionId);
    expect(csv).toBe("shopify_sku,offer_sku\nA,X\nB,Y\n");
    const second = await importOverridesCsv(shop, connectionId, "\uFEFFshopify_sku;offer_sku\nA;X\nB;Z\n");
    expect(second).toMatchObject({ ok: true, created: 1, removed: 1, unchanged: 1 });
    if (second.ok) expect(second.changedShopifySkus).toEqual(["B", "Y", "Z"]);
  });

  it("changes nothing when the file has a problem, and names the line", async () => {
    const result = await importOverridesCsv(shop, connectionId, "shopify_sku,offer_sku\nA,X\nA,W\n");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ line: 3 });
    expect(await listOverrides(shop, connectionId)).toEqual([
      { shopifySku: "A", offerSku: "X" },
      { shopifySku: "B", offerSku: "Z" },
    ]);
  });

  it("rejects a file without the expected header", async () => {
    const result = await importOverridesCsv(shop, connectionId, "sku,offer\nA,X\n");
    expect(result.ok).toBe(false);
  });

  it("cannot touch another shop's connection", async () => {
    const result = await importOverridesCsv(shop, otherConnectionId, "shopify_sku,offer_sku\nQ,R\n");
    expect(result).toMatchObject({ ok: false });
    expect(await listOverrides(other, otherConnectionId)).toEqual([]);
  });
});
