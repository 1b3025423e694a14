import { beforeAll, describe, expect, it } from "vitest";
import prisma, { ensureDatabaseReady } from "~/db.server";
import { createConnection } from "~/connections/connections.server";
import { updateConnectionFromForm } from "~/connections/connection-forms.server";

const shop = "retarget.myshopify.com";
const otherShop = "retarget-other.myshopify.com";

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.set(name, value);
  return data;
}

async function pushedRow(connectionId: string, rowShop: string, offerSku: string) {
  return prisma.offerStock.create({
    data: {
      shop: rowShop,
      connectionId,
      offerSku,
      desiredQuantity: 5,
      desiredVersion: 2,
      pushedVersion: 2,
      pushedQuantity: 5,
      pushedAt: new Date(),
      desiredPrice: "10",
      pushedPrice: "10",
      miraklQuantity: 5,
      miraklObservedAt: new Date(),
    },
  });
}

beforeAll(async () => {
  await ensureDatabaseReady();
});

describe("pointing a connection at another Mirakl instance or shop", () => {
  it("forgets what the old one had: in-flight imports closed, every offer pushed again, a full reconcile asked", async () => {
    const connection = await createConnection(shop, {
      name: "Leroy Merlin",
      baseUrl: "https://old-marketplace.mirakl.net",
      apiKey: "k1",
    });
    const other = await createConnection(otherShop, {
      name: "Leroy Merlin",
      baseUrl: "https://old-marketplace.mirakl.net",
      apiKey: "k1",
    });
    await pushedRow(connection.id, shop, "SKU-1");
    await pushedRow(other.id, otherShop, "SKU-1");
    const inFlight = await prisma.stockImport.create({
      data: { shop, connectionId: connection.id, status: "SENT", miraklImportId: "42", lines: [], lineCount: 1 },
    });

    // Renaming only changes nothing that was pushed.
    expect(
      (
        await updateConnectionFromForm(
          shop,
          connection.id,
          form({ name: "Leroy Merlin FR", baseUrl: "https://old-marketplace.mirakl.net" }),
        )
      ).ok,
    ).toBe(true);
    expect(await prisma.offerStock.findFirstOrThrow({ where: { connectionId: connection.id } })).toMatchObject({
      pushedVersion: 2,
      desiredVersion: 2,
      miraklQuantity: 5,
    });
    expect(await prisma.reconcileRun.count({ where: { connectionId: connection.id } })).toBe(0);

    expect(
      (
        await updateConnectionFromForm(
          shop,
          connection.id,
          form({ name: "Leroy Merlin FR", baseUrl: "https://new-marketplace.mirakl.net" }),
        )
      ).ok,
    ).toBe(true);
    const row = await prisma.offerStock.findFirstOrThrow({ where: { connectionId: connection.id } });
    expect(row.desiredVersion).toBeGreaterThan(row.pushedVersion); // stock goes out again
    expect(row).toMatchObject({
      pushedQuantity: null,
      pushedPrice: null,
      miraklQuantity: null,
      miraklObservedAt: null,
      desiredQuantity: 5,
    });
    expect(await prisma.stockImport.findUniqueOrThrow({ where: { id: inFlight.id } })).toMatchObject({
      status: "FAILED",
    });
    expect(
      await prisma.reconcileRun.findFirst({ where: { connectionId: connection.id, finishedAt: null } }),
    ).toMatchObject({ kind: "FULL" });
    expect(await prisma.workUnit.findUnique({ where: { key: `stock-push:${connection.id}` } })).not.toBeNull();

    // The other shop's connection is untouched.
    expect(await prisma.offerStock.findFirstOrThrow({ where: { connectionId: other.id } })).toMatchObject({
      pushedVersion: 2,
      miraklQuantity: 5,
    });
  });
});
