import { lookup as systemLookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Agent } from "undici";

/**
 * Where a Mirakl request may go. A connection's base URL and the export download links Mirakl hands back (OF54)
 * are typed in or sent by someone else: without this a merchant, or a compromised operator, could make the server
 * call its own loopback, the private network or the cloud metadata service (SSRF).
 *
 * Outside the demo and tests: https only, every address a host resolves to must be public, the connection is made
 * to the very addresses that were checked (the check runs inside the socket's own DNS lookup, so a second
 * resolution cannot switch it: DNS rebinding), and redirects are not followed.
 */
export interface MiraklUrlPolicy {
  /** Demo and tests only: the Mirakl simulator listens on http://127.0.0.1. */
  allowLoopback: boolean;
}

export const STRICT_URL_POLICY: MiraklUrlPolicy = { allowLoopback: false };

/** A request the policy does not allow; `reason` is a sentence for the merchant. */
export class UrlRefusedError extends Error {
  name = "UrlRefusedError";
  readonly code = "MIRAKL_URL_REFUSED";
  constructor(readonly reason: string) {
    super(reason);
  }
}

type ResolvedAddress = { address: string; family: number };
/** All addresses of a host name, as dns.lookup with { all: true } gives them; injectable for tests. */
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

const resolveWithSystem: ResolveAll = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

function blockList(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [network, prefix] = range.split("/");
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

const LOOPBACK = blockList(["127.0.0.0/8", "::1/128"]);

/**
 * Not globally reachable, after IANA's special-purpose registries. A BlockList also matches an IPv4 rule against
 * the IPv4-mapped IPv6 form (::ffff:a.b.c.d). Kept by kind so the merchant reads why a URL is refused.
 */
const NOT_PUBLIC: readonly { kind: string; ranges: BlockList }[] = [
  { kind: "a loopback address (this server)", ranges: LOOPBACK },
  {
    kind: "a private network address",
    ranges: blockList(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fec0::/10"]),
  },
  {
    // 169.254.169.254 is the AWS, GCP and Azure metadata service; fd00:ec2::254 (AWS, IPv6) is in fc00::/7 above.
    kind: "a link-local or cloud metadata address",
    ranges: blockList(["169.254.0.0/16", "fe80::/10"]),
  },
  {
    kind: "a reserved or special-purpose address",
    ranges: blockList([
      "0.0.0.0/8",
      "192.0.0.0/24", // IETF protocol assignments (includes Oracle Cloud's metadata 192.0.0.192)
      "192.0.2.0/24",
      "192.88.99.0/24",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "224.0.0.0/4",
      "240.0.0.0/4", // includes 255.255.255.255
      "::/96", // unspecified and the deprecated IPv4-compatible block
      "64:ff9b::/96", // NAT64: would reach any IPv4 address, private ones included
      "64:ff9b:1::/48",
      "100::/64",
      "2001::/23", // IETF protocol assignments, Teredo included
      "2001:db8::/32",
      "2002::/16", // 6to4: embeds an IPv4 address
      "ff00::/8",
    ]),
  },
];

/** Why this IP address may not be called, or null. */
export function addressRefusal(address: string, policy: MiraklUrlPolicy): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 6 ? "ipv6" : "ipv4";
  if (policy.allowLoopback && LOOPBACK.check(address, type)) return null;
  const hit = NOT_PUBLIC.find(({ ranges }) => ranges.check(address, type));
  return hit ? `${address} is ${hit.kind}, not a public internet address` : null;
}

/** URL.hostname keeps the brackets of an IPv6 literal. */
const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");
const isLoopbackHost = (host: string) =>
  host === "localhost" || (isIP(host) !== 0 && LOOPBACK.check(host, isIP(host) === 6 ? "ipv6" : "ipv4"));

/** Why this URL may not be called, before any DNS: scheme, credentials, and a literal IP address. */
export function urlRefusal(url: URL, policy: MiraklUrlPolicy): string | null {
  const host = bareHost(url.hostname);
  const plainHttpAllowed = policy.allowLoopback && isLoopbackHost(host);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && plainHttpAllowed))
    return `${url.protocol}//${url.host} is refused: Mirakl is only called over https://`;
  if (url.username || url.password) return "A URL with a user name or password in it is refused";
  // Connecting to a literal address skips DNS, so this is its only check.
  return isIP(host) ? addressRefusal(host, policy) : null;
}

/** Every address the host resolves to, refused as a whole if any one is not allowed. */
async function checkedAddresses(
  hostname: string,
  policy: MiraklUrlPolicy,
  resolveAll: ResolveAll,
): Promise<ResolvedAddress[]> {
  const host = bareHost(hostname);
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveAll(host);
  if (addresses.length === 0) throw new UrlRefusedError(`${host} has no address`);
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, policy);
    if (refusal) throw new UrlRefusedError(`${host} resolves to ${refusal}`);
  }
  return addresses;
}

/**
 * For forms: why this URL would be refused, or null. A host that does not resolve now is not refused here (the
 * connection test says it is unreachable); it is checked again on every connection.
 */
export async function miraklUrlRefusal(
  value: string,
  policy: MiraklUrlPolicy,
  resolveAll: ResolveAll = resolveWithSystem,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not a URL`;
  }
  const refusal = urlRefusal(url, policy);
  if (refusal) return refusal;
  try {
    await checkedAddresses(url.hostname, policy, resolveAll);
    return null;
  } catch (error) {
    return error instanceof UrlRefusedError ? error.reason : null;
  }
}

/** A socket `lookup` that resolves, checks every address and hands exactly those to the connection. */
function guardedLookup(policy: MiraklUrlPolicy, resolveAll: ResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    checkedAddresses(hostname, policy, resolveAll).then(
      (addresses) => {
        const wanted = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) {
          callback(
            Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: "ENOTFOUND" }),
            "",
          );
        } else if (options.all) {
          (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, wanted);
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, ""),
    );
  };
}

/**
 * `fetch` held to the policy: the URL is checked first, then every connection goes through the guarded lookup, and
 * a redirect is refused rather than followed (its target would escape the checks, and Mirakl does not redirect).
 */
export function guardedFetch(policy: MiraklUrlPolicy, options: { resolveAll?: ResolveAll } = {}): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(policy, options.resolveAll ?? resolveWithSystem) } });
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const refusal = urlRefusal(url, policy);
    if (refusal) throw new UrlRefusedError(refusal);
    const response = await fetch(input, { ...init, redirect: "manual", dispatcher } as RequestInit);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new UrlRefusedError(
        `${url.host} answered with a redirect (HTTP ${response.status}), which is not followed`,
      );
    }
    return response;
  };
}

/** The refusal behind a failed fetch (undici wraps connection errors as `cause`), if that is what it was. */
export function findUrlRefusal(error: unknown): UrlRefusedError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UrlRefusedError) return e;
  }
  return undefined;
}
