// The fakes' process of the engine-memory bench (bench/engine-memory.ts starts it with an IPC channel): the Mirakl
// simulator and the Shopify fake of the 100k reconcile scenario, seeded here, served over HTTP on 127.0.0.1, and
// driven by the engine's process through messages (the shared virtual clock, the drift between the runs, the
// figures read from the simulator). Nothing of the engine runs here.
import "./env";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { nextImportCompletion } from "./harness";
import {
  countMismatches,
  injectDrift,
  miraklFigures,
  startReconcileWorld,
  type ReconcileWorld,
} from "./reconcile-100k";
import { FAKE_HOST_HEADER, type FakesRequest, type FakesStarted } from "./engine-memory-protocol";

let world: ReconcileWorld | null = null;
let server: Server | null = null;
const accessToken = "fake_access_token_direct";

async function body(request: IncomingMessage): Promise<string | undefined> {
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8"); // the Admin API's JSON
}

/** The Shopify fake over HTTP: each request goes to fake.fetch as the URL it was meant for, the answer streams back. */
async function serveShopify(w: ReconcileWorld): Promise<string> {
  const http = createServer(async (request, response) => {
    try {
      const host = request.headers[FAKE_HOST_HEADER];
      if (typeof host !== "string") throw new Error(`no ${FAKE_HOST_HEADER} header`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string" && name !== FAKE_HOST_HEADER && name !== "host") headers.set(name, value);
      const answer = await w.fake.fetch(`https://${host}${request.url}`, {
        method: request.method,
        headers,
        body: await body(request),
      });
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      const reader = answer.body?.getReader();
      for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) response.write(read.value);
      response.end();
    } catch (error) {
      response.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
    }
  });
  // As the simulator's (harness.ts): the engine is busy for seconds between two calls; keep its sockets.
  http.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  server = http;
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}

function peakRssMb(reset: boolean): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (reset) writeFileSync("/proc/self/clear_refs", "5");
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

async function handle(request: FakesRequest): Promise<unknown> {
  if (request.type === "start") {
    world = await startReconcileWorld(request.config);
    world.fake.admin(world.shop, accessToken); // the token the engine's Admin client sends
    const started: FakesStarted = {
      shopifyUrl: await serveShopify(world),
      apiVersion: world.fake.apiVersion,
      accessToken,
      miraklUrl: world.sim.url,
      miraklKey: world.sim.keys.single,
      now: world.clock.ms,
      locationId: world.location.id,
      seedMs: world.seedMs,
    };
    return started;
  }
  if (request.type === "peakRss") return peakRssMb(request.reset);
  const w = world;
  if (!w) throw new Error("the fakes are not started");
  switch (request.type) {
    case "advanceTo":
      w.clock.advanceTo(request.ms);
      return w.clock.ms;
    case "clearCalls":
      w.sim.control.clearCalls();
      return null;
    case "nextImportCompletion":
      return nextImportCompletion(w.sim);
    case "miraklFigures":
      return miraklFigures(w.sim);
    case "drift":
      injectDrift(w);
      return w.clock.ms;
    case "mismatches":
      return countMismatches(w, request.page);
  }
}

process.on("message", (message: { id: number; request: FakesRequest }) => {
  handle(message.request).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.stack : String(error) }),
  );
});
// The engine's process going away (or closing the channel) ends this one.
process.on("disconnect", () => {
  server?.close();
  void world?.sim.close().finally(() => process.exit(0));
  if (!world) process.exit(0);
});
process.send!({ ready: true });
