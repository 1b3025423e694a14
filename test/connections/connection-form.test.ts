import { describe, expect, it } from "vitest";
import {
  editConnectionSchema,
  fieldErrorsOf,
  miraklBaseUrlSchema,
  newConnectionSchema,
} from "~/connections/connection-form";

const url = (value: string) => miraklBaseUrlSchema.safeParse(value);

describe("Mirakl base URL", () => {
  it.each([
    ["https://decathlon-prod.mirakl.net", "https://decathlon-prod.mirakl.net"],
    ["https://decathlon-prod.mirakl.net/", "https://decathlon-prod.mirakl.net"],
    ["https://decathlon-prod.mirakl.net/api", "https://decathlon-prod.mirakl.net"],
    ["https://decathlon-prod.mirakl.net/api/", "https://decathlon-prod.mirakl.net"],
    ["  https://Market.Example.com/mirakl/api  ", "https://market.example.com/mirakl"],
    ["http://127.0.0.1:3458", "http://127.0.0.1:3458"],
    ["http://localhost:8080/api", "http://localhost:8080"],
  ])("accepts %s as %s", (input, expected) => {
    const parsed = url(input);
    expect(parsed.success && parsed.data).toBe(expected);
  });

  it.each([
    ["", "Enter the marketplace's Mirakl URL"],
    ["decathlon.mirakl.net", "Enter a full URL"],
    ["http://decathlon.mirakl.net", "must start with https://"],
    ["ftp://decathlon.mirakl.net", "must start with https://"],
    ["https://user:pass@decathlon.mirakl.net", "Remove the user name and password"],
    ["https://decathlon.mirakl.net/api?shop_id=1", "Remove the query string"],
    ["https://decathlon.mirakl.net/#x", "Remove the query string"],
    ["http://10.0.0.5", "must start with https://"],
  ])("rejects %j with a clear message", (input, message) => {
    const parsed = url(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });
});

describe("connection forms", () => {
  it("requires a name, URL and key for a new connection and names each field", () => {
    const parsed = newConnectionSchema.safeParse({ name: " ", baseUrl: "nope", apiKey: "" });
    expect(parsed.success).toBe(false);
    const errors = fieldErrorsOf(parsed.error!);
    expect(errors.name).toBe("Give the connection a name");
    expect(errors.baseUrl).toContain("Enter a full URL");
    expect(errors.apiKey).toBe("Paste the API key from the Mirakl back office");
  });

  it("keeps the stored key when the edit form's key is blank, and checks the shop id", () => {
    const ok = editConnectionSchema.parse({
      name: "Decathlon",
      baseUrl: "https://d.mirakl.net/api",
      miraklShopId: "",
      apiKey: "",
    });
    expect(ok).toEqual({ name: "Decathlon", baseUrl: "https://d.mirakl.net", miraklShopId: null, apiKey: "" });
    const bad = editConnectionSchema.safeParse({
      name: "D",
      baseUrl: "https://d.mirakl.net",
      miraklShopId: "12a",
      apiKey: "has space in it",
    });
    const errors = fieldErrorsOf(bad.error!);
    expect(errors.miraklShopId).toContain("is a number");
    expect(errors.apiKey).toBe("An API key has no spaces in it");
  });
});
