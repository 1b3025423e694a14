import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import type { IGraphQLConfig, IGraphQLProject } from "graphql-config";
import { adminSchemaJsonFile } from "./scripts/codegen/admin-schema-file.ts";
import { ADMIN_API_VERSION } from "./test/integrations/shopify/admin-schema.ts";

/**
 * Types for every `#graphql` operation under app/integrations/shopify, generated Shopify's way by
 * `npm run codegen` into app/types (admin.types.d.ts: the schema; admin.generated.d.ts: our operations, and the
 * `AdminQueries`/`AdminMutations` augmentation of @shopify/admin-api-client that app/integrations/shopify/operation.ts
 * reads). test/integrations/shopify/codegen.test.ts fails when the committed files differ from what this config generates.
 */
const project = shopifyApiProject({
  apiType: ApiType.Admin,
  apiVersion: ADMIN_API_VERSION,
  // bulk-queries.ts holds the anonymous bulk export query, a string argument rather than an operation.
  documents: ["./app/integrations/shopify/**/*.ts", "!./app/integrations/shopify/bulk-queries.ts"],
  outputDir: "./app/types",
  // String unions, so variables take "OTHER" rather than an enum import.
  enumsAsConst: true,
});

type Output = Record<string, unknown> & { plugins?: string[]; config?: Record<string, unknown> };

/**
 * Four departures from the preset's defaults:
 * - the schema is the pinned 2026-07 introspection the schema tests validate against (offline), not
 *   shopify.dev's live proxy, so the preset's download-the-schema output is dropped;
 * - selected fields are never optional (`avoidOptionals.field`): GraphQL always returns what was selected, null
 *   when empty, so results read `string | null` as the code always treated them;
 * - admin.types.d.ts holds only what operations use (scalars, enums, inputs: `onlyOperationTypes`), 1.3 MB
 *   instead of 4 MB of object types nobody reads (the operation types are resolved in admin.generated.d.ts);
 * - the files are written in the repository's Prettier style, so `prettier --check .` covers them.
 */
function offlineProject(schemaFile: string): IGraphQLProject {
  const codegen = project.extensions!.codegen as { generates: Record<string, Output> };
  const generates = Object.fromEntries(
    Object.entries(codegen.generates)
      .filter(([, output]) => !output.plugins?.includes("introspection"))
      .map(([file, output]) => [
        file,
        {
          ...output,
          schema: schemaFile,
          config: { ...output.config, avoidOptionals: { field: true }, onlyOperationTypes: true },
        },
      ]),
  );
  return {
    ...project,
    schema: schemaFile,
    extensions: {
      ...project.extensions,
      codegen: { ...codegen, generates, hooks: { afterAllFileWrite: ["prettier --write"] } },
    },
  };
}

const config: IGraphQLConfig = { projects: { default: offlineProject(adminSchemaJsonFile()) } };

export default config;
