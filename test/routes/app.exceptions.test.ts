import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { reportException } from "~/exceptions/exceptions.server";
import { loader as listLoader, action as listAction } from "~/routes/app.exceptions._index/route";
import { loader as detailLoader } from "~/routes/app.exceptions.$id";
import { embeddedRequest, installShop, settle } from "../helpers/app";

const shopA = "alpha.myshopify.com";
const shopB = "beta.myshopify.com";
let aIds: string[] = [];
let bId = "";

async function seed(
  shop: string,
  entityId: string,
  kind: "MIRAKL_UNREACHABLE" | "WEBHOOK_PAYLOAD_INVALID" = "MIRAKL_UNREACHABLE",
) {
  return reportException({
    shop,
    kind,
    severity: "ERROR",
    entityType: "Sku",
    entityId,
    message: `problem with ${entityId}`,
    fixHint: "fix it",
  });
}

beforeAll(async () => {
  await installShop(shopA);
  await installShop(shopB);
  aIds = [(await seed(shopA, "A-1")).id, (await seed(shopA, "A-2", "WEBHOOK_PAYLOAD_INVALID")).id];
  bId = (await seed(shopB, "B-1")).id;
});

const load = async (shop: string, path: string) => {
  const response = await settle(listLoader({ request: await embeddedRequest(shop, path), params: {}, context: {} }));
  expect(response.status).toBe(200);
  return response.json();
};

describe("exceptions page", () => {
  it("counts repeats of one problem on one row", async () => {
    await seed(shopA, "A-1");
    await seed(shopA, "A-1");
    const row = await prisma.syncException.findUniqueOrThrow({ where: { id: aIds[0] } });
    expect(row.occurrences).toBe(3);
  });

  it("lists only the signed-in shop's rows, and filters by kind", async () => {
    const a = await load(shopA, "/app/exceptions");
    expect(a.rows.map((r: any) => r.id).sort()).toEqual([...aIds].sort());
    const b = await load(shopB, "/app/exceptions");
    expect(b.rows.map((r: any) => r.id)).toEqual([bId]);
    const filtered = await load(shopA, "/app/exceptions?kind=WEBHOOK_PAYLOAD_INVALID");
    expect(filtered.rows.map((r: any) => r.id)).toEqual([aIds[1]]);
  });

  it("does not let shop A read shop B's exception", async () => {
    const response = await settle(
      detailLoader({
        request: await embeddedRequest(shopA, `/app/exceptions/${bId}`),
        params: { id: bId },
        context: {},
      }),
    );
    expect(response.status).toBe(404);
  });

  it("does not let shop A dismiss shop B's exception, even in a bulk action", async () => {
    const request = await embeddedRequest(shopA, "/app/exceptions", {
      method: "POST",
      form: { intent: "dismiss", ids: [bId, aIds[0]] },
    });
    const body = await (await settle(listAction({ request, params: {}, context: {} }))).json();
    expect(body.result.affected).toBe(1);
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: bId } })).status).toBe("OPEN");
    expect((await prisma.syncException.findUniqueOrThrow({ where: { id: aIds[0] } })).status).toBe("DISMISSED");
  });

  it("rejects an unauthenticated request", async () => {
    const response = await settle(
      listLoader({ request: new Request("https://mirakl-bridge.test/app/exceptions"), params: {}, context: {} }),
    );
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).not.toBe(200);
  });

  it("rejects an unknown action with 400", async () => {
    const request = await embeddedRequest(shopA, "/app/exceptions", {
      method: "POST",
      form: { intent: "explode", ids: [aIds[1]] },
    });
    expect((await settle(listAction({ request, params: {}, context: {} }))).status).toBe(400);
  });
});
