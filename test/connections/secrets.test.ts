import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import {
  decryptSecret,
  encryptSecret,
  loadKeys,
  needsReencryption,
  SecretBoxError,
} from "~/connections/secret-box.server";
import {
  createConnection,
  listConnections,
  loadConnectionCredentials,
  updateConnection,
} from "~/connections/connections.server";
import { reportException } from "~/exceptions/exceptions.server";
import { logger, setLogSink } from "~/lib/logger.server";
import { appEnv } from "~/config.server";
import { embeddedRequest, installShop, settle } from "../helpers/app";

const API_KEY = "mk_live_9f8e7d6c5b4a-do-not-leak";
const captured: string[] = [];
// Each test gets its own installed shop; the tests that need a stored key create it with `storedConnection`.
let shop: string;
let shopCount = 0;

/** The connection whose key the tests look for, stored encrypted for the test's shop. */
const storedConnection = () =>
  createConnection(shop, { name: "Leroy Merlin", baseUrl: "https://leroymerlin.mirakl.net", apiKey: API_KEY });

beforeAll(async () => {
  setLogSink((line) => captured.push(line));
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) => void captured.push(args.map(String).join(" ")),
    );
  }
});
beforeEach(async () => {
  shop = `secretive-${++shopCount}.myshopify.com`;
  await installShop(shop);
});
afterAll(() => vi.restoreAllMocks());

describe("API key encryption at rest", () => {
  it("round-trips, and the stored value is not the key", async () => {
    const created = await storedConnection();
    const row = await prisma.marketplaceConnection.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.apiKeyEncrypted).not.toContain(API_KEY);
    expect(row.apiKeyEncrypted).toMatch(/^v1:[\w-]{8}:/);
    expect((await loadConnectionCredentials(shop, created.id))?.apiKey).toBe(API_KEY);
    // Two encryptions of the same key differ (random IV).
    expect(encryptSecret(API_KEY, "ctx")).not.toBe(encryptSecret(API_KEY, "ctx"));
  });

  it("refuses a tampered ciphertext and one moved to another row", () => {
    const sealed = encryptSecret(API_KEY, "MarketplaceConnection:a:1");
    const parts = sealed.split(":");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join(":"), "MarketplaceConnection:a:1")).toThrow(SecretBoxError);
    expect(() => decryptSecret(sealed, "MarketplaceConnection:b:2")).toThrow(/authentication/);
  });

  it("decrypts with a rotated-out key listed in ENCRYPTION_KEYS_PREVIOUS", () => {
    const oldKeys = loadKeys({ ...appEnv(), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") });
    const sealed = encryptSecret(API_KEY, "ctx", oldKeys);
    expect(() => decryptSecret(sealed, "ctx")).toThrow(/ENCRYPTION_KEYS_PREVIOUS/);
    const rotated = loadKeys({ ...appEnv(), ENCRYPTION_KEYS_PREVIOUS: Buffer.alloc(32, 7).toString("base64") });
    expect(decryptSecret(sealed, "ctx", rotated)).toBe(API_KEY);
    expect(needsReencryption(sealed, rotated)).toBe(true);
  });

  it("keeps the stored key when an edit leaves the key blank", async () => {
    await storedConnection();
    const [connection] = await listConnections(shop);
    await updateConnection(shop, connection.id, { name: "Leroy Merlin FR", apiKey: "" });
    expect((await loadConnectionCredentials(shop, connection.id))?.apiKey).toBe(API_KEY);
  });

  it("never puts the key in a page or a log line", async () => {
    await storedConnection();
    const [connection] = await listConnections(shop);
    const exception = await reportException({
      shop,
      connectionId: connection.id,
      kind: "MIRAKL_AUTH_FAILED",
      severity: "CRITICAL",
      entityType: "MarketplaceConnection",
      entityId: connection.id,
      message: "Mirakl answered 401",
      fixHint: "Generate a new API key",
    });
    logger.error("mirakl call failed", {
      connection: connection.id,
      apiKey: API_KEY,
      headers: { Authorization: API_KEY },
    });

    // Every embedded page, found from the route files so a new page is covered the day it lands.
    // A big page is a folder route (`app.stock/route.tsx`); its route id is the folder's name.
    const routes = readdirSync("app/routes", { withFileTypes: true })
      .filter(
        (e) =>
          e.name.startsWith("app.") &&
          (e.isDirectory() ? existsSync(`app/routes/${e.name}/route.tsx`) : /^app\..*\.tsx$/.test(e.name)),
      )
      .map((e) => (e.isDirectory() ? `${e.name}/route.tsx` : e.name));
    expect(routes.length).toBeGreaterThan(1);
    for (const file of routes) {
      const module = await import(`~/routes/${file.replace(/\.tsx$/, "")}`);
      if (!module.loader) continue;
      // A `$id` page is about the record its folder names: a connection's page, else an exception's;
      // a `$connectionId` page (the Stock area's settings and mapping) is about a connection.
      const id = file.startsWith("app.connections.") ? connection.id : exception.id;
      const path =
        "/" +
        file
          .replace(/(\/route)?\.tsx$/, "")
          .replace(/\._index$/, "")
          .replace(/\$id/, id)
          .replace(/\$connectionId/, connection.id)
          .split(".")
          .join("/");
      const params = { id, connectionId: connection.id };
      const response = await settle(module.loader({ request: await embeddedRequest(shop, path), params, context: {} }));
      // The demo pages exist only in the loopback demo (npm run demo): a real embedded request gets a 404;
      // a customer data request's file only exists for a data request, which this shop has none of.
      const notHere = ["app.demo.shopify.tsx", "app.demo.marketplace/route.tsx", "app.data-requests.$requestId.tsx"];
      expect(response.status, `${file} at ${path}`).toBe(notHere.includes(file) ? 404 : 200);
      expect(await response.text(), file).not.toContain(API_KEY);
    }
    expect(captured.length).toBeGreaterThan(0);
    expect(captured.join("\n")).not.toContain(API_KEY);
    expect(captured.join("\n")).toContain("[redacted]");
  });
});
