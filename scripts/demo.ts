// `npm run demo`: the whole product on its embedded default, offline, on http://127.0.0.1:3456.
// A seeded demo shop, no Shopify account: the demo-only sign-in path opens because this server
// binds to 127.0.0.1 and NODE_ENV is not production (see app/auth.server.ts).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.resolve(process.env.DEMO_DATA_DIR ?? path.join(root, "data/demo"));
mkdirSync(dataDir, { recursive: true });

// The demo's own encryption key, made once and kept beside its database.
const keyFile = path.join(dataDir, "encryption.key");
if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString("base64"), { mode: 0o600 });

Object.assign(process.env, {
  NODE_ENV: "development",
  MIRAKL_BRIDGE_DEMO: "1",
  PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
  SHOPIFY_API_KEY: "mirakl-bridge-demo",
  SHOPIFY_API_SECRET: "mirakl-bridge-demo-secret",
  ENCRYPTION_KEY: readFileSync(keyFile, "utf8").trim(),
});
delete process.env.DATABASE_URL;
const port = Number(process.env.DEMO_PORT ?? 3456);
process.env.SHOPIFY_APP_URL = `http://127.0.0.1:${port}`;

const { startServer } = await import("../server.ts");
const server = await startServer({ host: "127.0.0.1", port, onLoopbackOnly: true });
const { seedDemo } = await server.loadAppModule<typeof import("../app/demo/seed.server")>("/app/demo/seed.server.ts");
const summary = await seedDemo({ appUrl: server.url });
const mirakl = await startDemoMirakl(port + 1, server);

console.log(`
Mirakl Bridge demo is running: ${server.url}/app
  shop:      ${summary.shop}
  data:      ${dataDir} (delete it to start over)
  seeded:    ${summary.notes.join("; ")}
  mirakl:    ${mirakl.url} (simulator; key ${mirakl.apiKey}) → connection "${mirakl.connectionName}"
Press Ctrl+C to stop.`);

/**
 * The Mirakl simulator next to the app (DEMO_PORT + 1, loopback only) and the demo connection pointing
 * at it. The simulator starts empty on every run while the demo keeps its database, so the connection
 * is re-pointed and re-keyed on each start rather than created once.
 */
async function startDemoMirakl(miraklPort: number, app: { loadAppModule<T>(specifier: string): Promise<T> }) {
  const { startMiraklSimulator } = await import("../test/simulators/mirakl/index.ts");
  const simulator = await startMiraklSimulator({ port: miraklPort, host: "127.0.0.1", clock: "realtime" });
  const { seedDemoMiraklConnection } = await app.loadAppModule<typeof import("../app/demo/seed.server")>("/app/demo/seed.server.ts");
  const connection = await seedDemoMiraklConnection({ baseUrl: simulator.url, apiKey: simulator.keys.single });
  const stop = () => void simulator.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return { url: simulator.url, apiKey: simulator.keys.single, connectionName: connection.name };
}
