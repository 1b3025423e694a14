// @shopify/shopify-app-session-storage-prisma imports `Prisma` from "@prisma/client", whose entry
// requires the old generated `.prisma/client/default`. Prisma 7's `prisma-client` generator writes
// into app/generated instead, so that module does not exist. The library only uses
// Prisma.PrismaClientKnownRequestError (to retry a P2002 race); this shim provides it from the same
// ESM runtime module our generated client uses, so `instanceof` holds. Needs Node >= 22.12 (require(esm)).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = path.resolve(import.meta.dirname, "../../node_modules/.prisma/client");
mkdirSync(dir, { recursive: true });
writeFileSync(
  path.join(dir, "package.json"),
  JSON.stringify({ name: ".prisma/client", private: true, type: "module" }, null, 2) + "\n",
);
writeFileSync(
  path.join(dir, "default.js"),
  `// Written by scripts/prisma/legacy-client-shim.mjs: see there.
import { PrismaClientKnownRequestError } from "@prisma/client/runtime/client";
export const Prisma = { PrismaClientKnownRequestError };
`,
);
// Vite's dev dependency scan also crawls server-only imports and pre-bundles "@prisma/client" for
// the browser, whose browser entry requires this file. Nothing in the browser uses it.
writeFileSync(
  path.join(dir, "index-browser.js"),
  "// Written by scripts/prisma/legacy-client-shim.mjs.\nexport const Prisma = {};\n",
);
