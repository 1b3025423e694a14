import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { setAbstractFetchFunc, type AbstractFetchFunc } from "@shopify/shopify-api/runtime";
import type { IngestResult } from "~/sync/catalog/mirror.server";
import { startEngine, type EngineClock, type ShopifySide } from "./engine";
import { FAKE_HOST_HEADER, type FakesRequest, type FakesStarted } from "./engine-memory-protocol";
import { postgresDatabase, postgresUrl } from "./postgres";
import { measureReconcileRun, type FakesControl, type MiraklFigures, type ReconcileConfig } from "./reconcile-run";

/**
 * Issue 15, point 4: the memory of the engine alone during the 100k reconcile (bench/reconcile-100k.ts, same data,
 * same seed, same cold and warm runs). This process runs the engine as the worker does, the app's units through
 * its Worker with Prisma on PostgreSQL (a fresh database, dropped after); the Shopify fake and the Mirakl simulator
 * run in a child process (bench/engine-memory-fakes.ts) and answer over HTTP on 127.0.0.1, as they would across the
 * network. The virtual clock lives in both: the engine's copy moves the child's over IPC before going on, so
 * Mirakl's waits (575 s of them cold) take no real time. The drift of the warm run is made in the child.
 *
 * Measured here: this process's peak RSS (the kernel's VmHWM, restarted at each run's start) and its JS heap
 * (heapUsed sampled every 20 ms and between units); the child's VmHWM is reported beside it, not counted.
 */

export interface EngineMemoryResult {
  config: ReconcileConfig;
  /** Why the bench did not run (no PostgreSQL); the other fields are then absent. */
  skipped?: string;
  database?: string;
  /** The engine process's Node options (tsx, a heap cap if any). */
  nodeArgs?: string[];
  /** The environment `npm run worker` sets, which the engine's process was started with (set by bench/run.ts). */
  workerEnv?: Record<string, string>;
  seedMs?: number;
  /** The engine process's RSS and heap once the engine was set up, before the first run. */
  setup?: { rssMb: number; heapUsedMb: number };
  cold?: EngineRun;
  warm?: EngineRun;
}

export type EngineRun = Awaited<ReturnType<typeof measureReconcileRun>> & {
  /** The fakes' process (Shopify fake + Mirakl simulator) over the same run: VmHWM, MB. */
  fakesPeakRssMb: number | null;
};

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The child, and its answers to numbered requests. */
function startFakes(): { child: ChildProcess; ask: <T>(request: FakesRequest) => Promise<T>; ready: Promise<void> } {
  const child = fork(path.join(import.meta.dirname, "engine-memory-fakes.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let readyResolve: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  child.on("message", (message: { ready?: true; id?: number; result?: unknown; error?: string }) => {
    if (message.ready) return readyResolve();
    const pending = waiting.get(message.id!);
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.error !== undefined) pending.reject(new Error(`engine-memory fakes: ${message.error}`));
    else pending.resolve(message.result);
  });
  child.once("exit", (code, signal) => {
    for (const pending of waiting.values())
      pending.reject(new Error(`engine-memory fakes exited (${code ?? signal}) with requests pending`));
    waiting.clear();
  });
  const ask = <T>(request: FakesRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, request });
    });
  return { child, ask, ready };
}

/**
 * The Shopify fake as the engine reaches it: every request for https://<host>/<path> goes to the fakes' HTTP server
 * with the host in a header (the shop's Admin API, and the bulk export's file on its storage host).
 */
function remoteShopify(started: FakesStarted): ShopifySide {
  const remoteFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set(FAKE_HOST_HEADER, url.host);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return fetch(`${started.shopifyUrl}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body,
      signal: request.signal,
    });
  };
  return {
    fetch: remoteFetch as typeof fetch,
    admin: (shop?: string, accessToken = started.accessToken) => ({
      graphql: (query: string, options?: { variables?: Record<string, unknown> }) =>
        remoteFetch(`https://${shop}/admin/api/${started.apiVersion}/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": accessToken },
          body: JSON.stringify({ query, variables: options?.variables ?? {} }),
        }),
    }),
    // What ShopifyFake.install does: the Shopify library's own requests go to the fake.
    install: () => {
      setAbstractFetchFunc(remoteFetch as AbstractFetchFunc);
      return () => setAbstractFetchFunc(fetch as AbstractFetchFunc);
    },
  };
}

/** The engine's copy of the virtual clock: moving it moves the fakes' clock first (the simulator applies what fell due). */
class RemoteClock implements EngineClock {
  constructor(
    public ms: number,
    private readonly ask: <T>(request: FakesRequest) => Promise<T>,
  ) {}
  date = () => new Date(this.ms);
  now = () => this.ms;
  async advanceTo(ms: number) {
    if (ms <= this.ms) return;
    this.ms = await this.ask<number>({ type: "advanceTo", ms });
  }
}

export async function runEngineMemoryBench(config: ReconcileConfig): Promise<EngineMemoryResult> {
  const adminUrl = await postgresUrl();
  if (!adminUrl)
    return {
      config,
      skipped:
        "no PostgreSQL answers (BENCH_POSTGRES_URL, DATABASE_URL, or 127.0.0.1:5432): the engine-memory run needs one and was skipped",
    };
  const name = `engine_mem_${process.pid}_${randomBytes(3).toString("hex")}`;
  let database: Awaited<ReturnType<typeof postgresDatabase>>;
  try {
    database = await postgresDatabase(adminUrl, name);
  } catch (error) {
    const where = new URL(adminUrl);
    return {
      config,
      skipped: `PostgreSQL at ${where.host} did not answer (${error instanceof Error ? error.message : String(error)}): the engine-memory run needs one and was skipped`,
    };
  }
  const fakes = startFakes();
  try {
    await database.use();
    await fakes.ready;
    const started = await fakes.ask<FakesStarted>({ type: "start", config });
    const clock = new RemoteClock(started.now, fakes.ask);
    let ingested: IngestResult | null = null;
    const engine = await startEngine({
      shop: "reconcile-bench.myshopify.com",
      fake: remoteShopify(started),
      sim: { url: started.miraklUrl, keys: { single: started.miraklKey } },
      clock,
      stock: { locationIds: [started.locationId] },
      readOrders: false,
      onCatalogueIngested: (result) => (ingested = result),
    });
    const control: FakesControl = {
      clearCalls: () => fakes.ask({ type: "clearCalls" }),
      nextImportCompletion: () => fakes.ask<number | null>({ type: "nextImportCompletion" }),
      miraklFigures: () => fakes.ask<MiraklFigures>({ type: "miraklFigures" }),
      mismatches: (page) => fakes.ask<number>({ type: "mismatches", page }),
    };
    const takeIngested = () => {
      const taken = ingested as IngestResult | null;
      ingested = null;
      return taken;
    };
    const measured = async (label: string): Promise<EngineRun> => {
      await fakes.ask({ type: "peakRss", reset: true });
      const figures = await measureReconcileRun({ engine, clock, fakes: control, label, takeIngested });
      return { ...figures, fakesPeakRssMb: await fakes.ask<number | null>({ type: "peakRss", reset: false }) };
    };
    try {
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      const setup = { rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed) };
      const cold = await measured("cold");
      clock.ms = await fakes.ask<number>({ type: "drift" });
      const warm = await measured("warm");
      return { config, database: name, nodeArgs: process.execArgv, seedMs: started.seedMs, setup, cold, warm };
    } finally {
      engine.close();
    }
  } finally {
    fakes.child.disconnect();
    await new Promise<void>((resolve) =>
      fakes.child.exitCode !== null ? resolve() : fakes.child.once("exit", () => resolve()),
    );
    await database.dispose();
  }
}
