import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { Pool } from "undici";
import prisma, { closeDatabase } from "~/db.server";
import { apiVersion } from "~/shopify.server";
import { installShop } from "../test/helpers/app";
import { workerCommand } from "../test/helpers/worker-command";
import { percentile, seededRandom } from "./harness";
import { postgresDatabase, postgresUrl, useAppDatabase, type BenchDatabase } from "./postgres";

/**
 * Webhook bursts against the built production server (issue 15). The app is built once (`npm run build`, reused
 * while build/ is newer than the sources) and started as `npm start` starts it (`NODE_ENV=production tsx server.ts`:
 * here `node --import tsx server.ts`, which is what tsx runs, so the measured process is the server itself and not a
 * wrapper), on a database of its own: embedded PGlite in a temporary directory (worker inside the web process, the
 * default), or a fresh PostgreSQL database with `npm run worker` processes beside it.
 *
 * The shop is installed (offline session, Shop row) and mirrors VARIANTS variants with a level each at one location,
 * so every delivery is processed for real (the inbox applies the level, the recompute runs). There is no Mirakl
 * connection: a push would need a marketplace, and a reconcile a Shopify catalogue export; the intake and the inbox
 * are what is measured.
 *
 * The load is open-loop: delivery i is sent at start + i / rate whatever the answers (undici's pool, keep-alive,
 * enough connections), signed before the run, `inventory_levels/update` deliveries with distinct event ids. About 1 % repeat an earlier
 * delivery's event id (Shopify's duplicate: must stay one row), 1 % carry a forged HMAC (401, nothing stored) and
 * 0.5 % a malformed JSON body with a valid HMAC (400 and a WEBHOOK_PAYLOAD_INVALID exception). The ack time runs from
 * the instant the delivery was due to be sent to the end of its answer, so a late load generator counts against the
 * figure rather than hiding it.
 *
 * Before the burst, a warm-up (2 s at 20/s, processed, left out of every figure) compiles the server's code paths.
 * After the burst: time to drain (from the last scheduled send until no stored delivery is PENDING, polled every
 * 250 ms: through the server's own PGlite over IPC, see webhooks-probe.ts, or with a query to PostgreSQL), the
 * server's peak RSS (VmHWM of the web process and any process it started), then the server is stopped and the
 * WebhookDelivery table read through the app's own database module: deliveries lost are the valid distinct event
 * ids the server acknowledged (200) that have no row. One it did not acknowledge (an error, a timeout, a 5xx) is
 * not lost, Shopify retries it: those are counted apart, as unacknowledged.
 */

export const SHOP = "bench-webhooks.myshopify.com";
const VARIANTS = 300;
const LOCATION = 7001;
const ITEM_BASE = 880_000_000;
const API_KEY = "bench-api-key";
const API_SECRET = "bench-api-secret";
const APP_URL = "https://mirakl-bridge.bench";
const ENCRYPTION_KEY = "S2V5Rm9yVGVzdHNPbmx5LU5vdEFSZWFsU2VjcmV0ISE=";
const SCOPES = "read_products,read_inventory,write_inventory,read_locations,read_orders,write_orders";
const ROOT = path.resolve(import.meta.dirname, "..");
const REQUEST_TIMEOUT_MS = 30_000;

export interface WebhookRunConfig {
  database: "pglite" | "postgres";
  /** Offered deliveries per second. */
  rate: number;
  seconds: number;
  /** Web processes asked for (WEB_CONCURRENCY); the server runs one today, the figures say how many ran. */
  webProcesses: number;
  /** `npm run worker` processes beside the server (PostgreSQL); with PGlite the worker is inside the web process. */
  workerProcesses: number;
  seed: number;
}

export interface WebhookRunOutcome {
  config: WebhookRunConfig;
  label: string;
  sent: { total: number; valid: number; duplicates: number; forged: number; malformed: number };
  /** Answers (any status) per second, from the first scheduled send to the last answer. */
  answeredPerSecond: number;
  ackMs: { p50: number | null; p99: number | null; max: number | null };
  statuses: Record<string, number>;
  /** Valid distinct deliveries acknowledged (200) with no row after the run (must be 0). */
  lost: number;
  /** Valid distinct deliveries never acknowledged (connection error, timeout, 5xx): Shopify would send them again. */
  unacknowledged: number;
  /** Rows beyond one per stored valid distinct delivery, rows from forged deliveries, FAILED rows from malformed ones. */
  extraRows: number;
  forgedRows: number;
  malformedRows: number;
  rowsByStatus: Record<string, number>;
  /** From the last scheduled send until nothing stored is PENDING; null when it did not drain within the wait. */
  drainMs: number | null;
  drainWaitMs: number;
  /**
   * CPU the server (web and worker processes) used from the burst's start until drained, per delivery sent: what
   * each delivery costs to take in and process, read from the kernel, so steadier than times on a shared machine.
   */
  serverCpuMsPerDelivery: number;
  /**
   * Of that, the main thread of the process the bench started, per delivery sent: the web process's (HTTP, Prisma,
   * the embedded worker's code), or with several web processes the cluster primary's (it only hands connections on).
   */
  webThreadCpuMsPerDelivery: number;
  /** The web process (and any it started) / each worker process: peak RSS (VmHWM), MB. */
  webPeakRssMb: number;
  workerPeakRssMb: number[];
  /** Processes found under the web process's pid when the burst ended (1 = the server alone). */
  webProcessesSeen: number;
  /** How late the load generator sent, at worst (its own lag, included in the ack times). */
  maxSendLagMs: number;
  /** CPU the load generator (this process) used during the burst, per delivery: it shares the server's cores. */
  generatorCpuMsPerDelivery: number;
  /**
   * The web process's main thread during the burst (PGlite runs, where probed): event-loop delay p99 and max, ms,
   * from perf_hooks.monitorEventLoopDelay. A long stall there delays every acknowledgement waiting behind it.
   */
  webLoopDelayMs: { p99: number; max: number } | null;
  wallMs: number;
}

const list = (value: string | undefined, fallback: number[]) =>
  value
    ? value
        .split(",")
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isFinite(n) && n > 0)
    : fallback;

/**
 * The runs, from the environment: BENCH_WEBHOOK_SECONDS (60; 10 with --quick), BENCH_WEBHOOK_PGLITE_RATES
 * (20,100,200), BENCH_WEBHOOK_POSTGRES_RATES (200,500,1000,1100: the answered rate of a run offered exactly
 * 1,000/s ends a little under it, its last answers coming after its last send), BENCH_WEBHOOK_PROCESSES (web processes for the
 * PostgreSQL runs, e.g. 1,2,4; default 1), BENCH_WEBHOOK_WORKERS (worker processes with PostgreSQL, default 1).
 */
export function webhookRuns(quick: boolean, postgres: boolean): WebhookRunConfig[] {
  const seconds = Number(process.env.BENCH_WEBHOOK_SECONDS ?? (quick ? 10 : 60));
  const workers = Number(process.env.BENCH_WEBHOOK_WORKERS ?? 1);
  const runs: WebhookRunConfig[] = list(process.env.BENCH_WEBHOOK_PGLITE_RATES, [20, 100, 200]).map((rate) => ({
    database: "pglite",
    rate,
    seconds,
    webProcesses: 1,
    workerProcesses: 0,
    seed: 20260715,
  }));
  if (postgres)
    for (const webProcesses of list(process.env.BENCH_WEBHOOK_PROCESSES, [1]))
      for (const rate of list(process.env.BENCH_WEBHOOK_POSTGRES_RATES, [200, 500, 1000, 1100]))
        runs.push({ database: "postgres", rate, seconds, webProcesses, workerProcesses: workers, seed: 20260715 });
  return runs;
}

export function runLabel(config: WebhookRunConfig) {
  return config.database === "pglite"
    ? "embedded PGlite, worker in process"
    : `PostgreSQL, ${config.webProcesses} web process${config.webProcesses > 1 ? "es" : ""}, ${config.workerProcesses} worker process${config.workerProcesses === 1 ? "" : "es"}`;
}

// ---- the production build ----

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** `npm run build` unless build/ is newer than everything it is built from. */
export function ensureProductionBuild() {
  const built = path.join(ROOT, "build/server/index.js");
  const sources = Math.max(
    newestMtime(path.join(ROOT, "app")),
    ...["vite.config.ts", "package.json", "package-lock.json"]
      .map((f) => path.join(ROOT, f))
      .filter(existsSync)
      .map((f) => statSync(f).mtimeMs),
  );
  if (existsSync(built) && statSync(built).mtimeMs > sources) return "reused build/ (newer than the sources)";
  const result = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error("webhook bench: npm run build failed");
  return "built with npm run build";
}

// ---- the database ----

async function pgliteDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-webhooks-pglite-"));
  const env = { PGLITE_DATA_DIR: dir };
  return {
    env,
    use: () => useAppDatabase(env),
    dispose: async () => {
      await closeDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const itemId = (i: number) => ITEM_BASE + i;

/** The installed shop and its mirror, written through the app's database module before the server starts. */
async function seedShop() {
  await installShop(SHOP);
  const observedAt = new Date(Date.now() - 3_600_000);
  await prisma.shop.update({ where: { shop: SHOP }, data: { catalogRefreshedAt: observedAt } });
  await prisma.shopifyVariant.createMany({
    data: Array.from({ length: VARIANTS }, (_, i) => ({
      variantId: `gid://shopify/ProductVariant/${ITEM_BASE + 500_000 + i}`,
      shop: SHOP,
      productId: `gid://shopify/Product/${ITEM_BASE + 900_000 + Math.floor(i / 3)}`,
      sku: `BENCH-${String(i).padStart(4, "0")}`,
      title: `Bench variant ${i}`,
      productStatus: "ACTIVE",
      tracked: true,
      inventoryItemId: `gid://shopify/InventoryItem/${itemId(i)}`,
      price: "19.90",
      observedAt,
    })),
  });
  await prisma.shopifyInventoryLevel.createMany({
    data: Array.from({ length: VARIANTS }, (_, i) => ({
      shop: SHOP,
      inventoryItemId: `gid://shopify/InventoryItem/${itemId(i)}`,
      locationId: `gid://shopify/Location/${LOCATION}`,
      available: 100,
      observedAt,
    })),
  });
}

/** Every WebhookDelivery row of the shop: its dedupe key and status. */
async function readDeliveries(): Promise<{ dedupeKey: string; status: string }[]> {
  return prisma.webhookDelivery.findMany({ where: { shop: SHOP }, select: { dedupeKey: true, status: true } });
}

// ---- the server ----

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("PGLITE_") || key === "DATABASE_URL") delete env[key];
  return {
    ...env,
    NODE_ENV: "production",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: APP_URL,
    SCOPES,
    ENCRYPTION_KEY,
    MIRAKL_BRIDGE_DEMO: "0",
    LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? "error",
    ...extra,
  };
}

async function startWebServer(env: NodeJS.ProcessEnv, probe: boolean): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes.
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      ...(probe ? ["--import", "./bench/webhooks-probe.ts"] : []),
      "server.ts",
    ],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("webhook bench: the server did not start within 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`webhook bench: the server exited with ${code} before listening`));
    });
  });
  child.stdout!.resume();
  return child;
}

/** A worker as `npm run worker` starts one (package.json: its heap cap and allocator settings). */
function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const command = workerCommand(env);
  return spawn(process.execPath, [...command.nodeArgs, command.entry], {
    cwd: ROOT,
    env: { ...env, ...command.env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 35_000);
  await exited;
  clearTimeout(killer);
}

/** The pid and every process below it (a clustered server's workers). */
function processTree(pid: number): number[] {
  const children = (p: number): number[] => {
    try {
      return readdirSync(`/proc/${p}/task`).flatMap((task) =>
        readFileSync(`/proc/${p}/task/${task}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number),
      );
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

function peakRssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone already
    }
  }
  return Math.round(kb / 1024);
}

/** CPU time (user + system) the processes have used so far, ms; a figure the machine's other load barely moves. */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces), from "state": utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop()!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone already
    }
  }
  return ticks * (1000 / CLOCK_TICKS_PER_SECOND);
}
/** CPU time one thread of a process has used so far, ms (the main thread's id is the process's). */
function threadCpuMs(pid: number, tid = pid): number {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ").pop()!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS_PER_SECOND);
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on Linux whatever the kernel's own tick rate. */
const CLOCK_TICKS_PER_SECOND = 100;

// ---- the load ----

type Kind = "valid" | "duplicate" | "forged" | "malformed";

interface Delivery {
  kind: Kind;
  eventId: string;
  webhookId: string;
  body: string;
}

/** A delivery as sent: its bytes and headers, signed before the run (Shopify's signing is not the server's cost). */
interface SignedDelivery {
  kind: Kind;
  eventId: string;
  body: Buffer;
  headers: Record<string, string>;
}

function sign(delivery: Delivery): SignedDelivery {
  const body = Buffer.from(delivery.body);
  const secret = delivery.kind === "forged" ? "not-the-app-secret" : API_SECRET;
  return {
    kind: delivery.kind,
    eventId: delivery.eventId,
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body).digest("base64"),
      "x-shopify-topic": "inventory_levels/update",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": apiVersion,
      "x-shopify-webhook-id": delivery.webhookId,
      "x-shopify-event-id": delivery.eventId,
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  };
}

/** The deliveries, final bytes: a level's updated_at is the instant it is due to be sent, as a live import sends. */
function plan(config: WebhookRunConfig, runId: string, startsAt: number): Delivery[] {
  const random = seededRandom(config.seed);
  const interval = 1000 / config.rate;
  const total = Math.round(config.rate * config.seconds);
  const valid: Delivery[] = [];
  const deliveries: Delivery[] = [];
  for (let i = 0; i < total; i++) {
    const roll = random();
    const item = itemId(Math.floor(random() * VARIANTS));
    const payload = () =>
      JSON.stringify({
        inventory_item_id: item,
        location_id: LOCATION,
        available: Math.floor(random() * 200),
        updated_at: new Date(startsAt + i * interval).toISOString(),
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${LOCATION}?inventory_item_id=${item}`,
      });
    if (roll < 0.01 && valid.length > 0) {
      const original = valid[Math.floor(random() * valid.length)]!;
      deliveries.push({ ...original, kind: "duplicate", webhookId: `${runId}-wh-dup-${i}` });
    } else if (roll < 0.02) {
      deliveries.push({
        kind: "forged",
        eventId: `${runId}-forged-${i}`,
        webhookId: `${runId}-wh-${i}`,
        body: payload(),
      });
    } else if (roll < 0.025) {
      const body = payload();
      deliveries.push({
        kind: "malformed",
        eventId: `${runId}-malformed-${i}`,
        webhookId: `${runId}-wh-${i}`,
        body: body.slice(0, Math.floor(body.length / 2)),
      });
    } else {
      const delivery: Delivery = {
        kind: "valid",
        eventId: `${runId}-${i}`,
        webhookId: `${runId}-wh-${i}`,
        body: payload(),
      };
      valid.push(delivery);
      deliveries.push(delivery);
    }
  }
  return deliveries;
}

interface Answer {
  kind: Kind;
  eventId: string;
  status: number | "error" | "timeout";
  ackMs: number;
  answeredAt: number;
}

async function send(pool: Pool, delivery: SignedDelivery, dueAt: number): Promise<Answer> {
  const answer = (status: Answer["status"]) => {
    const now = performance.now();
    return { kind: delivery.kind, eventId: delivery.eventId, status, ackMs: now - dueAt, answeredAt: now };
  };
  try {
    const res = await pool.request({
      method: "POST",
      path: "/webhooks/inventory_levels/update",
      headers: delivery.headers,
      body: delivery.body,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    await res.body.dump();
    return answer(res.statusCode);
  } catch (error) {
    return answer((error as { code?: string }).code?.includes("TIMEOUT") ? "timeout" : "error");
  }
}

/**
 * Sends every delivery at its instant (start + i / rate), whatever the answers; resolves when all are answered.
 * undici's pool: a third of node:http's CPU a request, on the cores the server shares with it. Its connections
 * close when idle before the server's keep-alive timeout (it reads the server's Keep-Alive hint), so no request
 * is written on a socket the server is closing (which Shopify would retry but this run would count as lost).
 */
async function openLoop(deliveries: Delivery[], rate: number, port: number) {
  const signed = deliveries.map(sign);
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 2048, pipelining: 1 });
  const interval = 1000 / rate;
  const started = performance.now() + 50;
  const pending: Promise<Answer>[] = [];
  const cpuBefore = process.cpuUsage();
  let maxSendLagMs = 0;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < signed.length && started + next * interval <= now) {
        const dueAt = started + next * interval;
        maxSendLagMs = Math.max(maxSendLagMs, now - dueAt);
        pending.push(send(pool, signed[next]!, dueAt));
        next++;
      }
      if (next >= signed.length) return resolve();
      setTimeout(tick, Math.max(0, Math.min(interval, started + next * interval - performance.now())));
    };
    setTimeout(tick, 50);
  });
  const lastDueAt = started + (signed.length - 1) * interval;
  const answers = await Promise.all(pending);
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  return { answers, started, lastDueAt, maxSendLagMs, generatorCpuMs: (cpu.user + cpu.system) / 1000 };
}

// ---- the drain ----

type Counts = Record<string, number>;

function probeCounts(server: ChildProcess): () => Promise<Counts> {
  let id = 0;
  return () =>
    new Promise((resolve, reject) => {
      const ask = ++id;
      const onMessage = (message: { type?: string; id?: number; counts?: Counts; error?: string }) => {
        if (message?.type !== "webhook-counts" || message.id !== ask) return;
        server.off("message", onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.counts ?? {});
      };
      server.on("message", onMessage);
      server.send({ type: "webhook-counts", id: ask, shop: SHOP });
    });
}

function postgresCounts(url: string): { counts: () => Promise<Counts>; close: () => Promise<void> } {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  return {
    counts: async () => {
      await connected;
      const result = await client.query<{ status: string; n: number }>(
        `SELECT status::text AS status, count(*)::int AS n FROM "WebhookDelivery" WHERE shop = $1 GROUP BY status`,
        [SHOP],
      );
      return Object.fromEntries(result.rows.map((r) => [r.status, r.n]));
    },
    close: () => client.end(),
  };
}

/** Starts (before the burst) or reads (after it) the web thread's event-loop delay, through the probe. */
function probeLoopDelay(server: ChildProcess, action: "start" | "read") {
  const id = Math.random();
  return new Promise<{ p99: number; max: number } | null>((resolve) => {
    const onMessage = (message: { type?: string; id?: number; delay?: { p99: number; max: number } | null }) => {
      if (message?.type !== "loop-delay" || message.id !== id) return;
      server.off("message", onMessage);
      resolve(message.delay ?? null);
    };
    server.on("message", onMessage);
    server.send({ type: "loop-delay", id, action });
  });
}

async function waitForDrain(counts: () => Promise<Counts>, lastDueAt: number, waitMs: number) {
  for (;;) {
    const current = await counts();
    if (!current.PENDING) return performance.now() - lastDueAt;
    if (performance.now() - lastDueAt > waitMs) return null;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---- one run ----

export async function runWebhookBurst(config: WebhookRunConfig, run: number): Promise<WebhookRunOutcome> {
  const wallStarted = performance.now();
  const adminUrl = config.database === "postgres" ? await postgresUrl() : null;
  if (config.database === "postgres" && !adminUrl) throw new Error("webhook bench: no PostgreSQL answers");
  const database = adminUrl
    ? await postgresDatabase(adminUrl, `bench_webhooks_${process.pid}_${run}`)
    : await pgliteDatabase();
  await database.use();
  await seedShop();
  await closeDatabase();

  const port = await freePort();
  const env = childEnv({
    ...database.env,
    PORT: String(port),
    BIND_HOST: "127.0.0.1",
    WEB_CONCURRENCY: String(config.webProcesses),
    ...(config.database === "pglite" ? { WORKER_MODE: "embedded" } : {}),
  });
  const server = await startWebServer(env, config.database === "pglite");
  const workers = Array.from({ length: config.workerProcesses }, (_, i) =>
    startWorker({ ...env, WORKER_ID: `bench-worker-${i + 1}` }),
  );
  const postgres = adminUrl ? postgresCounts(database.env.DATABASE_URL!) : null;
  try {
    // Let the embedded worker (or the worker processes) finish starting before the burst.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const runId = `bench-${process.pid}-${run}`;
    const counts = postgres ? postgres.counts : probeCounts(server);
    // Warm-up, not measured: 2 s at 20/s (its rows are left out below), then its processing, so the burst meets a
    // server whose code paths are compiled and whose pool is open, as Shopify's bursts meet a running app.
    const warmId = `${runId}-warm`;
    await openLoop(
      plan({ ...config, rate: 20, seconds: 2, seed: config.seed + 1 }, warmId, Date.now() + 100),
      20,
      port,
    );
    await waitForDrain(counts, performance.now(), 60_000);
    const deliveries = plan(config, runId, Date.now() + 100);
    const serverPids = () => [...processTree(server.pid!), ...workers.map((w) => w.pid!)];
    const cpuBefore = cpuMs(serverPids());
    const webThreadBefore = threadCpuMs(server.pid!);
    if (!postgres) await probeLoopDelay(server, "start");
    const { answers, started, lastDueAt, maxSendLagMs, generatorCpuMs } = await openLoop(deliveries, config.rate, port);
    const webLoopDelayMs = postgres ? null : await probeLoopDelay(server, "read");
    const webPids = processTree(server.pid!);

    const drainWaitMs = Number(process.env.BENCH_WEBHOOK_DRAIN_SECONDS ?? 180) * 1000;
    const drainMs = await waitForDrain(counts, lastDueAt, drainWaitMs);
    const serverCpuMs = cpuMs(serverPids()) - cpuBefore;
    const webThreadCpuMs = threadCpuMs(server.pid!) - webThreadBefore;
    const webPeakRssMb = peakRssMb(processTree(server.pid!));
    const workerPeakRssMb = workers.map((w) => peakRssMb([w.pid!]));
    await postgres?.close();
    await Promise.all([server, ...workers].map(stop));

    await database.use();
    const rows = (await readDeliveries()).filter((r) => !r.dedupeKey.startsWith(`${warmId}-`));
    const keys = new Map(rows.map((r) => [r.dedupeKey, r.status]));
    const validIds = new Set(deliveries.filter((d) => d.kind === "valid").map((d) => d.eventId));
    const acknowledged = new Set(answers.filter((a) => a.status === 200).map((a) => a.eventId));
    const lost = [...validIds].filter((id) => acknowledged.has(id) && !keys.has(id)).length;
    const unacknowledged = [...validIds].filter((id) => !acknowledged.has(id)).length;
    const forgedRows = rows.filter((r) => r.dedupeKey.startsWith(`${runId}-forged-`)).length;
    const malformedRows = rows.filter((r) => r.dedupeKey.startsWith(`${runId}-malformed-`)).length;
    const rowsByStatus: Record<string, number> = {};
    for (const r of rows) rowsByStatus[r.status] = (rowsByStatus[r.status] ?? 0) + 1;
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
    const acks = answers.filter((a) => typeof a.status === "number").map((a) => a.ackMs);
    const lastAnswer = Math.max(...answers.map((a) => a.answeredAt));
    const count = (kind: Kind) => deliveries.filter((d) => d.kind === kind).length;
    return {
      config,
      label: runLabel(config),
      sent: {
        total: deliveries.length,
        valid: validIds.size,
        duplicates: count("duplicate"),
        forged: count("forged"),
        malformed: count("malformed"),
      },
      answeredPerSecond: acks.length / ((lastAnswer - started) / 1000),
      ackMs: { p50: percentile(acks, 50), p99: percentile(acks, 99), max: acks.length ? Math.max(...acks) : null },
      statuses,
      lost,
      unacknowledged,
      extraRows: rows.length - [...validIds].filter((id) => keys.has(id)).length - forgedRows - malformedRows,
      forgedRows,
      malformedRows,
      rowsByStatus,
      drainMs,
      drainWaitMs,
      serverCpuMsPerDelivery: serverCpuMs / deliveries.length,
      webThreadCpuMsPerDelivery: webThreadCpuMs / deliveries.length,
      webPeakRssMb,
      workerPeakRssMb,
      webProcessesSeen: webPids.length,
      maxSendLagMs,
      generatorCpuMsPerDelivery: generatorCpuMs / deliveries.length,
      webLoopDelayMs,
      wallMs: performance.now() - wallStarted,
    };
  } finally {
    await Promise.all([server, ...workers].map(stop));
    await database.dispose();
  }
}

export async function runWebhooksBench(quick: boolean) {
  const build = ensureProductionBuild();
  const postgres = (await postgresUrl()) !== null;
  const runs: WebhookRunOutcome[] = [];
  for (const [index, config] of webhookRuns(quick, postgres).entries()) {
    process.stderr.write(`webhook bench: ${runLabel(config)} at ${config.rate}/s for ${config.seconds} s\n`);
    runs.push(await runWebhookBurst(config, index));
  }
  return { build, postgres, runs };
}

export type WebhooksBenchResult = Awaited<ReturnType<typeof runWebhooksBench>>;
