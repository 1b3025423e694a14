import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { generate, loadContext } from "@graphql-codegen/cli";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "../../..");

/** What `npm run codegen` would write, formatted as its Prettier hook formats it, by path from the repository root. */
async function generatedFiles(): Promise<Map<string, string>> {
  const context = await loadContext(path.join(repoRoot, ".graphqlrc.ts"));
  context.updateConfig({ silent: true });
  const outputs = await generate(context, false);
  const files = new Map<string, string>();
  for (const { filename, content } of outputs) {
    const file = path.resolve(repoRoot, filename);
    const options = await prettier.resolveConfig(file);
    files.set(path.relative(repoRoot, file), await prettier.format(content, { ...options, filepath: file }));
  }
  return files;
}

describe("generated Admin GraphQL types", () => {
  it("are what the operations and the pinned schema generate (otherwise run npm run codegen)", async () => {
    const expected = await generatedFiles();
    const dirs = new Set([...expected.keys()].map((file) => path.dirname(file)));
    const committed = [...dirs].flatMap((dir) => readdirSync(path.join(repoRoot, dir)).map((f) => path.join(dir, f)));
    const stale = [...expected].filter(
      ([file, content]) => readFileSync(path.join(repoRoot, file), "utf8") !== content,
    );
    const extra = committed.filter((file) => !expected.has(file));
    expect(
      { stale: stale.map(([file]) => file), extra },
      "generated types are out of date: run npm run codegen and commit app/types",
    ).toEqual({ stale: [], extra: [] });
  }, 300_000);
});
