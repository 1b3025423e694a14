import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMiraklClient, isMiraklError, unlimitedRateLimiter } from "~/integrations/mirakl";
import {
  addressRefusal,
  guardedFetch,
  miraklUrlRefusal,
  STRICT_URL_POLICY,
  urlRefusal,
  type UrlRefusedError,
  type ResolveAll,
} from "~/integrations/mirakl/url-guard";

const LOOPBACK_ALLOWED = { allowLoopback: true };
const resolvesTo =
  (...addresses: string[]): ResolveAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("which addresses a Mirakl call may reach", () => {
  it.each([
    ["127.0.0.1", /loopback/],
    ["127.8.9.10", /loopback/],
    ["::1", /loopback/],
    ["10.1.2.3", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["100.100.100.200", /private/], // Alibaba Cloud metadata, in the carrier-grade NAT range
    ["fd00:ec2::254", /private/], // AWS metadata over IPv6
    ["169.254.169.254", /link-local or cloud metadata/],
    ["fe80::1", /link-local/],
    ["0.0.0.0", /reserved/],
    ["192.0.0.192", /reserved/], // Oracle Cloud metadata
    ["255.255.255.255", /reserved/],
    ["224.0.0.1", /reserved/],
    ["::", /reserved/],
    ["::ffff:127.0.0.1", /loopback/], // IPv4-mapped IPv6
    ["::ffff:169.254.169.254", /metadata/],
    ["64:ff9b::a9fe:a9fe", /reserved/], // NAT64 form of 169.254.169.254
    ["2002:a9fe:a9fe::1", /reserved/], // 6to4 form of 169.254.169.254
  ])("refuses %s", (address, reason) => {
    expect(addressRefusal(address, STRICT_URL_POLICY)).toMatch(reason);
  });

  it.each(["93.184.215.14", "52.95.110.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:93.184.215.14"])(
    "allows the public address %s",
    (address) => {
      expect(addressRefusal(address, STRICT_URL_POLICY)).toBeNull();
    },
  );

  it("lets the demo and tests reach loopback only, never the private network or metadata", () => {
    expect(addressRefusal("127.0.0.1", LOOPBACK_ALLOWED)).toBeNull();
    expect(addressRefusal("::1", LOOPBACK_ALLOWED)).toBeNull();
    expect(addressRefusal("10.0.0.1", LOOPBACK_ALLOWED)).toMatch(/private/);
    expect(addressRefusal("169.254.169.254", LOOPBACK_ALLOWED)).toMatch(/metadata/);
  });
});

describe("which URLs a Mirakl call may use", () => {
  it.each([
    ["http://marketplace-prod.mirakl.net", /only called over https/],
    ["ftp://marketplace-prod.mirakl.net", /only called over https/],
    ["http://127.0.0.1:3457", /only called over https/],
    ["https://127.0.0.1", /loopback/],
    ["https://[::1]:8443", /loopback/],
    ["https://2130706433/", /loopback/], // 127.0.0.1 written as one number
    ["https://0x7f.1/", /loopback/],
    ["https://169.254.169.254/latest/meta-data/", /metadata/],
    ["https://user:secret@marketplace-prod.mirakl.net", /user name or password/],
  ])("refuses %s outside the demo and tests", (value, reason) => {
    expect(urlRefusal(new URL(value), STRICT_URL_POLICY)).toMatch(reason);
  });

  it("allows https to a host name (checked again at connection time) and plain http to loopback in demo/tests", () => {
    expect(urlRefusal(new URL("https://marketplace-prod.mirakl.net/api"), STRICT_URL_POLICY)).toBeNull();
    expect(urlRefusal(new URL("http://127.0.0.1:3457"), LOOPBACK_ALLOWED)).toBeNull();
    expect(urlRefusal(new URL("http://localhost:3457"), LOOPBACK_ALLOWED)).toBeNull();
    expect(urlRefusal(new URL("http://10.0.0.5"), LOOPBACK_ALLOWED)).toMatch(/https/);
    expect(urlRefusal(new URL("http://marketplace-prod.mirakl.net"), LOOPBACK_ALLOWED)).toMatch(/https/);
  });

  it("checks every address a host name resolves to", async () => {
    const mixed = resolvesTo("93.184.215.14", "10.0.0.7");
    expect(await miraklUrlRefusal("https://mirakl.example", STRICT_URL_POLICY, mixed)).toMatch(
      /mirakl\.example resolves to 10\.0\.0\.7 is a private network address/,
    );
    const metadata = resolvesTo("169.254.169.254");
    expect(await miraklUrlRefusal("https://metadata.google.internal", STRICT_URL_POLICY, metadata)).toMatch(/metadata/);
    expect(await miraklUrlRefusal("https://mirakl.example", STRICT_URL_POLICY, resolvesTo("93.184.215.14"))).toBeNull();
  });

  it("does not refuse a host that does not resolve yet (the connection test reports it unreachable)", async () => {
    const nowhere: ResolveAll = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await miraklUrlRefusal("https://not-yet.example", STRICT_URL_POLICY, nowhere)).toBeNull();
  });
});

describe("the guarded fetch", () => {
  let server: Server;
  let port = 0;
  const received: { url?: string; contentType?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      received.push({ url: req.url, contentType: req.headers["content-type"] });
      req.resume().on("end", () => {
        if (req.url === "/redirect") {
          res.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" }).end();
        } else {
          res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses a host name that resolves to a private or metadata address, before connecting", async () => {
    const strict = guardedFetch(STRICT_URL_POLICY, { resolveAll: resolvesTo("169.254.169.254") });
    const error = await strict("https://mirakl.example/api/account").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch's "fetch failed", with the refusal as its cause
    expect(((error as Error).cause as UrlRefusedError).reason).toMatch(/resolves to 169\.254\.169\.254/);
  });

  it("connects to exactly the address it checked, never to a second resolution (DNS rebinding)", async () => {
    let lookups = 0;
    const pinned = (address: string): ResolveAll => {
      return async () => {
        lookups++;
        return [{ address, family: 4 }];
      };
    };
    // localhost would resolve to 127.0.0.1 by itself; the server listens on 127.0.0.1 only.
    const toServer = guardedFetch(LOOPBACK_ALLOWED, { resolveAll: pinned("127.0.0.1") });
    expect((await toServer(`http://localhost:${port}/api/account`)).status).toBe(200);
    expect(lookups).toBe(1);
    const elsewhere = guardedFetch(LOOPBACK_ALLOWED, { resolveAll: pinned("127.0.0.2") });
    await expect(elsewhere(`http://localhost:${port}/api/account`)).rejects.toThrow();
    expect(lookups).toBe(2);
  });

  it("does not follow a redirect", async () => {
    const fetchLoopback = guardedFetch(LOOPBACK_ALLOWED);
    const before = received.length;
    await expect(fetchLoopback(`http://127.0.0.1:${port}/redirect`)).rejects.toThrow(/redirect .*not followed/);
    expect(received.length).toBe(before + 1);
  });

  it("sends multipart imports (STO01, OF24) unchanged", async () => {
    const form = new FormData();
    form.append("file", new Blob(["offer-sku;quantity\nA;1\n"], { type: "text/csv" }), "stock.csv");
    const response = await guardedFetch(LOOPBACK_ALLOWED)(`http://127.0.0.1:${port}/api/offers/stock/imports`, {
      method: "POST",
      body: form,
    });
    expect(response.status).toBe(200);
    expect(received.at(-1)?.contentType).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("makes the client fail once, without retries, with a url_refused error for the base URL and OF54 links", async () => {
    let lookups = 0;
    const client = createMiraklClient({
      baseUrl: "https://mirakl.example",
      apiKey: "key-for-the-guard-test",
      connectionId: "guard",
      limiter: unlimitedRateLimiter,
      fetch: guardedFetch(STRICT_URL_POLICY, {
        resolveAll: async () => {
          lookups++;
          return [{ address: "10.0.0.9", family: 4 }];
        },
      }),
    });
    const refused = await client.getAccount().catch((e: unknown) => e);
    expect(isMiraklError(refused) && refused.kind).toBe("url_refused");
    expect((refused as Error).message).toMatch(/10\.0\.0\.9 is a private network address/);
    expect(lookups).toBe(1);
    for (const link of ["http://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/export.json"]) {
      const download = await client.downloadOfferExportChunk(link).catch((e: unknown) => e);
      expect(isMiraklError(download) && download.kind).toBe("url_refused");
    }
  });
});
