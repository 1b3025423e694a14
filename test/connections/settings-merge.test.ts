import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection, mergeConnectionSettings } from "~/connections/connections.server";
import { parseConnectionSettings } from "~/domain/connection-settings";

/** Several writers own different settings (the stock form, "Test connection"): each writes only its own keys. */

const shop = "settings-merge.myshopify.com";
let id = "";
const stored = async () =>
  parseConnectionSettings((await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id } })).settings);

beforeAll(async () => {
  await ensureDatabaseReady();
  id = (
    await createConnection(shop, {
      name: "Decathlon",
      baseUrl: "https://decathlon.mirakl.test",
      apiKey: "k",
      settings: { stock: { buffer: 1 } },
    })
  ).id;
});

describe("mergeConnectionSettings", () => {
  it("writes the given keys and keeps whatever another writer stored meanwhile", async () => {
    // Another writer (a settings save) stores new stock rules after this writer read the settings.
    await prisma.$executeRaw`UPDATE "MarketplaceConnection" SET "settings" = jsonb_set("settings", '{stock,buffer}', '3') WHERE "id" = ${id}`;
    const result = await mergeConnectionSettings(shop, id, { csvDelimiter: ",", currencyIsoCode: "EUR" });
    expect(result).toMatchObject({ csvDelimiter: ",", currencyIsoCode: "EUR" });
    expect(await stored()).toMatchObject({ csvDelimiter: ",", currencyIsoCode: "EUR", stock: { buffer: 3 } });
  });

  it("refuses an invalid value and writes nothing", async () => {
    const before = await stored();
    await expect(mergeConnectionSettings(shop, id, { currencyIsoCode: "euro" })).rejects.toThrow();
    expect(await stored()).toEqual(before);
  });

  it("is scoped by shop", async () => {
    expect(await mergeConnectionSettings("someone-else.myshopify.com", id, { csvDelimiter: "|" })).toBeNull();
    expect((await stored()).csvDelimiter).toBe(",");
  });
});
