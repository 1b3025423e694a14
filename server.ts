// The app's HTTP server: Remix behind express, with Vite middleware in development and the built
// bundle in production. `npm start` (production, after `npm run build`) and `npm run demo` use it;
// `shopify app dev` uses Remix's own Vite dev server instead. With WEB_CONCURRENCY > 1 the entry is a node:cluster
// primary that runs that many web processes on one port (app/lib/web-processes.server.ts).
import cluster from "node:cluster";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { createServer as createHttpServer, type Server } from "node:http";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import type { ViteDevServer } from "vite";
import { appEnv, type AppEnv } from "./app/config.server";
import { declaredLengthExceeds, payloadTooLargeMessage } from "./app/lib/request-body.server";
import { superviseWebProcesses } from "./app/lib/web-processes.server";
import { mayBeWebhook } from "./app/webhooks/webhook-path";

export interface StartedServer {
  url: string;
  vite?: ViteDevServer;
  /** Loads an app module in the same module graph as the running app (one database, one worker). */
  loadAppModule<T>(specifier: string): Promise<T>;
  /** Stops taking requests and resolves once those in hand are answered. */
  close(): Promise<void>;
  /** After `close`: lets the in-process worker finish its unit, then closes the app's database. */
  stopApp(): Promise<void>;
}

export async function startServer(options: {
  host: string;
  port: number;
  onLoopbackOnly?: boolean;
}): Promise<StartedServer> {
  // Validated first: a production start without its secrets stops here, naming each missing variable.
  const env = appEnv();
  const production = env.NODE_ENV === "production";
  const root = import.meta.dirname;
  const app = express();
  // Webhooks are answered ahead of express and Remix by the app's own intake (app/webhooks/node-intake.server.ts),
  // taken from the build so that it shares the app's database and worker; any other request, and a webhook path
  // that is no topic, goes on to express.
  const appEntry = async () =>
    (typeof build === "function" ? await build() : build).entry.module as typeof import("./app/entry.server");
  const httpServer = createHttpServer((req, res) => {
    if (!mayBeWebhook(req)) return app(req, res);
    appEntry().then(
      (entry) => entry.receiveNodeWebhook(req, res, () => app(req, res)),
      () => app(req, res),
    );
  });
  const vite = production
    ? undefined
    : // Vite's WebSocket rides on this server's own port: on its default port (24678) two dev servers, such as
      // the demo and an e2e run, would fight over it and every page of the second would fail.
      await import("vite").then((v) =>
        v.createServer({
          root,
          server: { middlewareMode: true, hmr: { server: httpServer, clientPort: options.port } },
          appType: "custom",
        }),
      );

  app.disable("x-powered-by");
  app.use(refuseDeclaredOversizedBodies(env.MAX_REQUEST_BODY_BYTES));
  if (vite) {
    app.use(vite.middlewares);
  } else {
    app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
  }
  const build = vite
    ? () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
    : ((await import(path.join(root, "build/server/index.js"))) as ServerBuild);
  app.all("*", createRequestHandler({ build, mode: production ? "production" : "development" }));

  const loadAppModule = <T>(specifier: string) =>
    (vite ? vite.ssrLoadModule(specifier) : import(path.join(root, specifier))) as Promise<T>;
  if (vite) {
    // Warm the app and migrate before listening, so the first request never meets a database without tables.
    await vite.ssrLoadModule("virtual:remix/server-build");
    await (await loadAppModule<typeof import("./app/db.server")>("/app/db.server.ts")).ensureDatabaseReady();
  }

  const server = await new Promise<Server>((resolve, reject) => {
    httpServer.once("error", reject).listen(options.port, options.host, () => resolve(httpServer));
  });
  const address = server.address() as AddressInfo;
  if (options.onLoopbackOnly) {
    if (address.address !== "127.0.0.1") throw new Error(`the demo must bind to 127.0.0.1, not ${address.address}`);
    // Read by app/auth.server.ts: the only way the demo's sign-in-free path opens.
    (globalThis as any).__miraklBridgeDemoLoopback = true;
  }
  return {
    url: `http://${address.address}:${address.port}`,
    vite,
    loadAppModule,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await vite?.close();
    },
    stopApp: async () => (await appEntry()).stopWorkerAndDatabase(),
  };
}

/**
 * A coarse outer bound on every request, answered before Remix reads anything. Bodies without a declared
 * length are bounded where they are read unauthenticated (the webhook intake).
 */
export function refuseDeclaredOversizedBodies(limitBytes: number): express.RequestHandler {
  return (req, res, next) => {
    if (!declaredLengthExceeds(req.headers["content-length"], limitBytes)) return next();
    res.status(413).set("Connection", "close").type("text/plain").send(payloadTooLargeMessage(limitBytes));
  };
}

/**
 * On SIGTERM/SIGINT: stops taking requests, answers those in hand, then lets the in-process worker (if any) finish its
 * unit and closes the database, and exits. One order for all of it: the worker's own signal handler
 * (app/worker/embedded.server.ts) stands aside, as it closed the database under a webhook still being stored.
 */
function closeOnSignal(started: StartedServer) {
  (globalThis as { __miraklBridgeServerShutsDown?: boolean }).__miraklBridgeServerShutsDown = true;
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), 30_000).unref();
    try {
      await started.close();
      await started.stopApp();
    } catch (error) {
      console.error(`shutting down: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => void close());
  process.on("SIGINT", () => void close());
}

async function main() {
  const host = process.env.BIND_HOST ?? (process.env.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1");
  const port = Number(process.env.PORT ?? 3000);
  let env: AppEnv;
  try {
    env = appEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const webProcesses = env.WEB_CONCURRENCY;
  if (cluster.isPrimary && webProcesses > 1) {
    // The primary only forks, watches and stops: it serves nothing and opens no database.
    const supervisor = superviseWebProcesses({
      count: webProcesses,
      workerId: env.WORKER_ID,
      onListening: (address) =>
        console.log(
          `Mirakl Bridge listening on http://${address.address}:${address.port} (${webProcesses} web processes)`,
        ),
      onGiveUp: (code) => process.exit(code),
    });
    const stop = (signal: NodeJS.Signals) => void supervisor.stop(signal).then((code) => process.exit(code));
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    return;
  }
  const started = await startServer({ host, port });
  closeOnSignal(started);
  // One line, from the primary, once every web process listens (scripts wait for it).
  if (cluster.isPrimary) console.log(`Mirakl Bridge listening on ${started.url}`);
}

if (process.argv[1] === import.meta.filename) await main();
