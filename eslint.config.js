// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import globals from "globals";

/**
 * The layers, lowest first. A layer may import itself and anything below it, never above:
 * routes → sync → (exceptions, worker, webhooks, connections, shops) → integrations → domain, lib, db.
 * `no-restricted-paths` enforces the back-edges the structure rules forbid; `no-cycle` catches the rest.
 */
const lowerLayers = ["app/exceptions", "app/worker", "app/integrations", "app/domain", "app/lib", "app/db"];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "build/**",
      ".cache/**",
      "app/generated/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "extensions/**/dist/**",
      "extensions/*/shopify.d.ts", // the Shopify CLI writes it (the `shopify` global's type for the target)
      "**/*.generated.d.ts",
      "app/types/**", // npm run codegen; 4 MB of schema types that only the generator writes
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      "import-x/no-cycle": "error",
      "import-x/no-self-import": "error",
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: lowerLayers.map((dir) => `./${dir}/**`),
              from: ["./app/sync/**", "./app/routes/**"],
              message:
                "Lower layers never import app/sync or app/routes: register a handler in the composition root instead.",
            },
            {
              target: "./app/domain/**",
              from: ["./app/!(domain)/**", "./app/*.ts", "./app/*.tsx"],
              except: [],
              message: "app/domain is pure: no I/O, no imports from other app layers.",
            },
            {
              target: "./app/sync/**",
              from: "./app/routes/**",
              message: "Reconcilers never import routes.",
            },
          ],
        },
      ],
    },
  },
  {
    // Browser code: a route's sections and the shared components run in the browser, where a server module
    // (.server.ts) does not exist — Remix's build refuses it. Types from one are fine (erased at build).
    files: ["app/components/**/*.tsx", "app/routes/*/!(route).tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/*.server", "~/**/*.server"],
              allowTypeImports: true,
              message: "Browser code cannot import a server module (only its types): move the value to a plain module.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, benchmarks and scripts poke at fakes and loosely typed fixtures on purpose.
    files: ["test/**", "bench/**", "scripts/**", "server.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
