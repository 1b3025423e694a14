import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/**
 * Shopify's Admin GraphQL schema for the API version we target, taken from the introspection dump that
 * Shopify ships inside `@shopify/dev-mcp`. That package pulls in the whole CLI, so it is never installed:
 * the tarball is fetched with `npm pack` once, the one file we need is kept in a cache that git ignores,
 * and its digest is pinned so a republished tarball cannot change what "valid" means under our feet.
 */
export const ADMIN_API_VERSION = "2026-07";
export const ADMIN_SCHEMA_SOURCE = {
  packageSpec: "@shopify/dev-mcp@1.16.0",
  tarballFile: "shopify-dev-mcp-1.16.0.tgz",
  pathInTarball: `package/dist/data/admin_${ADMIN_API_VERSION}.json.gz`,
  sha256: "5bcde995c89c59acdb2ee494378d96f45ce7378a16ec829a74b71d696a08ef19",
} as const;

const repoRoot = path.resolve(import.meta.dirname, "../../..");
/** Under node_modules/.cache, which git ignores and a fresh clone does not have. */
export const adminSchemaCacheDir = path.join(repoRoot, "node_modules/.cache/shopify-admin-schema");
const cachedFileIn = (cacheDir: string) => path.join(cacheDir, `admin_${ADMIN_API_VERSION}.json.gz`);

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function fetchIntoCache(cacheDir: string): void {
  const scratch = mkdtempSync(path.join(tmpdir(), "shopify-admin-schema-"));
  try {
    execFileSync("npm", ["pack", ADMIN_SCHEMA_SOURCE.packageSpec, "--pack-destination", scratch, "--silent"], {
      cwd: scratch,
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 120_000,
    });
    execFileSync("tar", ["-xzf", ADMIN_SCHEMA_SOURCE.tarballFile, ADMIN_SCHEMA_SOURCE.pathInTarball], { cwd: scratch });
    const extracted = path.join(scratch, ADMIN_SCHEMA_SOURCE.pathInTarball);
    const digest = sha256(readFileSync(extracted));
    if (digest !== ADMIN_SCHEMA_SOURCE.sha256) {
      throw new Error(
        `${ADMIN_SCHEMA_SOURCE.packageSpec} ${ADMIN_SCHEMA_SOURCE.pathInTarball} has sha256 ${digest}, expected ${ADMIN_SCHEMA_SOURCE.sha256}`,
      );
    }
    mkdirSync(cacheDir, { recursive: true });
    // Test files run in parallel workers; rename is atomic, so a concurrent reader sees either nothing or the whole file.
    renameSync(extracted, cachedFileIn(cacheDir));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The gzipped introspection bytes, fetched on first use and verified against the pinned digest every time. */
export function adminSchemaGzip(cacheDir: string = adminSchemaCacheDir): Buffer {
  const cachedFile = cachedFileIn(cacheDir);
  if (!existsSync(cachedFile)) fetchIntoCache(cacheDir);
  const bytes = readFileSync(cachedFile);
  const digest = sha256(bytes);
  if (digest !== ADMIN_SCHEMA_SOURCE.sha256) {
    rmSync(cachedFile, { force: true });
    throw new Error(
      `cached ${cachedFile} has sha256 ${digest}, expected ${ADMIN_SCHEMA_SOURCE.sha256}; deleted it, run again`,
    );
  }
  return bytes;
}

let introspection: IntrospectionQuery | undefined;
let schema: GraphQLSchema | undefined;

/** The raw introspection result; it keeps the descriptions (and Shopify's `requiredAccess` extras) that rules read. */
export function loadAdminIntrospection(): IntrospectionQuery {
  introspection ??= (JSON.parse(gunzipSync(adminSchemaGzip()).toString("utf8")) as { data: IntrospectionQuery }).data;
  return introspection;
}

export function loadAdminSchema(): GraphQLSchema {
  schema ??= buildClientSchema(loadAdminIntrospection());
  return schema;
}
