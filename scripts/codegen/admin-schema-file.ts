import { existsSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  ADMIN_API_VERSION,
  adminSchemaCacheDir,
  adminSchemaGzip,
} from "../../test/integrations/shopify/admin-schema.ts";

/**
 * The pinned Admin introspection as a plain JSON file, for graphql-codegen's schema loader: the same bytes the
 * schema tests validate against (digest-checked by `adminSchemaGzip`), so codegen never asks shopify.dev.
 */
export function adminSchemaJsonFile(cacheDir: string = adminSchemaCacheDir): string {
  const file = path.join(cacheDir, `admin_${ADMIN_API_VERSION}.json`);
  if (existsSync(file)) return file;
  const json = gunzipSync(adminSchemaGzip(cacheDir));
  // Written aside then renamed: a parallel test worker sees either no file or the whole file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, json);
  renameSync(partial, file);
  return file;
}
