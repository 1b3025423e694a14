import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appEnv } from "~/config.server";
import { openDatabase } from "~/db.server";
import { afterWebProcessExit, restartDelayMs, STABLE_AFTER_MS, webProcessEnv } from "~/lib/web-processes.server";
import { webhookRequest } from "../helpers/app";
import { createScratchDatabase, postgresSkipReason, postgresUrl } from "../helpers/postgres";

const level = {
  admin_graphql_api_id: "gid://shopify/InventoryLevel/1?inventory_item_id=42",
  inventory_item_id: 42,
  location_id: 1,
  available: 3,
  updated_at: "2026-12-04T10:00:00Z",
};

let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
});
afterEach(() => {
  process.env = saved;
});

function envWith(overrides: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return appEnv;
}

describe("WEB_CONCURRENCY", () => {
  it("is one web process unless set", () => {
    expect(envWith({ WEB_CONCURRENCY: undefined })().WEB_CONCURRENCY).toBe(1);
    expect(envWith({ WEB_CONCURRENCY: "" })().WEB_CONCURRENCY).toBe(1);
    expect(envWith({ WEB_CONCURRENCY: "1" })().WEB_CONCURRENCY).toBe(1);
  });

  it("takes any whole number of processes on PostgreSQL", () => {
    const env = envWith({ WEB_CONCURRENCY: "4", DATABASE_URL: "postgresql://db.example/bridge" });
    expect(env().WEB_CONCURRENCY).toBe(4);
  });

  it.each(["0", "-2", "1.5", "two"])("refuses %j, saying what it wants", (value) => {
    const env = envWith({ WEB_CONCURRENCY: value, DATABASE_URL: "postgresql://db.example/bridge" });
    expect(env).toThrow(/WEB_CONCURRENCY: must be a whole number of web processes, 1 or more/);
  });

  it("refuses more than one web process on the embedded PGlite database, naming the way out", () => {
    const env = envWith({ WEB_CONCURRENCY: "2", DATABASE_URL: undefined });
    expect(env).toThrow(/WEB_CONCURRENCY: more than one web process needs PostgreSQL \(DATABASE_URL\)/);
    expect(env).toThrow(/PGlite data directory can be opened by one process only/);
  });
});

describe("the primary's decisions", () => {
  const died = { stopping: false, clusterUp: true, listened: true, livedMs: 500, consecutiveCrashes: 0 };

  it("lets web processes go when it is stopping them", () => {
    expect(afterWebProcessExit({ ...died, stopping: true })).toEqual({ action: "none" });
  });

  it("gives up on a start that failed instead of repeating it", () => {
    const next = afterWebProcessExit({ ...died, clusterUp: false, listened: false });
    expect(next.action).toBe("give-up");
  });

  it("restarts a process that died after the start, backing off while it keeps dying soon after starting", () => {
    const delays: number[] = [];
    let crashes = 0;
    for (let i = 0; i < 8; i++) {
      const next = afterWebProcessExit({ ...died, consecutiveCrashes: crashes });
      if (next.action !== "restart") throw new Error(`expected a restart, got ${next.action}`);
      delays.push(next.delayMs);
      crashes = next.consecutiveCrashes;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    // A replacement that never listened is still restarted once the server is up (it may be a passing failure).
    expect(afterWebProcessExit({ ...died, listened: false }).action).toBe("restart");
  });

  it("starts the backoff afresh for a process that had been running well", () => {
    const next = afterWebProcessExit({ ...died, livedMs: STABLE_AFTER_MS, consecutiveCrashes: 6 });
    expect(next).toEqual({ action: "restart", delayMs: restartDelayMs(1), consecutiveCrashes: 1 });
  });

  it("gives each web process's embedded worker a name of its own when WORKER_ID is set", () => {
    expect(webProcessEnv(2, "bridge-eu")).toEqual({ WEB_PROCESS_SLOT: "2", WORKER_ID: "bridge-eu-web2" });
    expect(webProcessEnv(1, undefined)).toEqual({ WEB_PROCESS_SLOT: "1" });
  });
});

// ---- the production entry (`npm start` runs server.ts) ----

const productionEnv: Record<string, string> = {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "real-client-id",
  SHOPIFY_API_SECRET: "real-client-secret",
  SHOPIFY_APP_URL: "https://bridge.example.com",
  ENCRYPTION_KEY: "S2V5Rm9yVGVzdHNPbmx5LU5vdEFSZWFsU2VjcmV0ISE=",
  BIND_HOST: "127.0.0.1",
  LOG_LEVEL: "info",
};

function startEntry(env: Record<string, string>) {
  const { DATABASE_URL: _inherited, WORKER_MODE: _mode, WORKER_ID: _id, ...base } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...base, ...productionEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { text: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The primary's children that are web processes (the cluster gives each its slot). */
function webProcessPids(primary: ChildProcess): number[] {
  const children = readdirSync(`/proc/${primary.pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${primary.pid}/task/${task}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number),
  );
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .some((v) => v.startsWith("WEB_PROCESS_SLOT="));
    } catch {
      return false; // exited meanwhile
    }
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A delivery with a forged HMAC: answered 401 by whichever web process takes it, without touching the database. */
async function forgedDelivery(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/inventory_levels/update`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-hmac-sha256": "forged", "x-shopify-topic": "x" },
    body: "{}",
  });
  return response.status;
}

describe("npm start with WEB_CONCURRENCY", () => {
  it("refuses several web processes on PGlite before forking any", async () => {
    const entry = startEntry({ WEB_CONCURRENCY: "2", PGLITE_DATA_DIR: "memory://", PORT: "0" });
    expect(await entry.exited).toBe(1);
    expect(entry.output.text).toMatch(/WEB_CONCURRENCY: more than one web process needs PostgreSQL/);
    expect(entry.output.text).not.toMatch(/listening on/);
  });

  // The production entry needs the Remix build: made here (a fresh clone in CI has none), so these tests run
  // rather than skip. One file builds it: two building at once would write over each other.
  const skip = !postgresUrl ? postgresSkipReason : "";
  if (!existsSync("build/server/index.js"))
    execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore", timeout: 240_000 });

  it("on SIGTERM answers the webhook in hand, then stops the embedded worker and the database, and exits 0", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "mb-sigterm-"));
    const port = await freePort();
    const secret = productionEnv.SHOPIFY_API_SECRET!;
    const entry = startEntry({ PGLITE_DATA_DIR: dataDir, PORT: String(port) });
    const log = () => entry.output.text;
    try {
      await until(
        "the embedded worker to start",
        () => log().includes("worker started in the web process"),
        60_000,
        log,
      );
      const request = webhookRequest("sigterm.myshopify.com", "inventory_levels/update", level, {
        eventId: "sigterm-1",
        secret,
      });
      const body = Buffer.from(await request.text());
      const head = [`POST /webhooks/inventory_levels/update HTTP/1.1`, `Host: 127.0.0.1:${port}`];
      request.headers.forEach((value, name) => head.push(`${name}: ${value}`));
      head.push(`Content-Length: ${body.length}`, "", "");
      // The delivery is in hand (its headers and half its body read) when SIGTERM comes.
      const socket = connect(port, "127.0.0.1");
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.write(Buffer.concat([Buffer.from(head.join("\r\n")), body.subarray(0, 20)]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      entry.child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(entry.child.exitCode).toBeNull(); // waiting for the request in hand, database open
      socket.end(body.subarray(20));
      expect(await entry.exited).toBe(0);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(log()).toContain("shutting down: finishing the unit in hand");

      const database = openDatabase({ pgliteDataDir: dataDir });
      try {
        const rows = await database.prisma.webhookDelivery.findMany({ where: { dedupeKey: "sigterm-1" } });
        expect(rows).toHaveLength(1);
      } finally {
        await database.close();
      }
    } finally {
      if (entry.child.exitCode === null) entry.child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
  it.skipIf(skip)(
    `serves from 2 web processes on PostgreSQL, restarts one that dies and stops on SIGTERM${skip ? ` (skipped: ${skip})` : ""}`,
    async () => {
      const database = await createScratchDatabase("mb_webprocs");
      const port = await freePort();
      const entry = startEntry({ WEB_CONCURRENCY: "2", DATABASE_URL: database.url, PORT: String(port) });
      const log = () => entry.output.text;
      try {
        await until("the cluster to listen", () => log().includes("(2 web processes)"), 60_000, log);
        expect(log()).toContain(`Mirakl Bridge listening on http://127.0.0.1:${port} (2 web processes)`);
        const first = webProcessPids(entry.child);
        expect(first).toHaveLength(2);
        expect(await Promise.all([1, 2, 3, 4].map(() => forgedDelivery(port)))).toEqual([401, 401, 401, 401]);

        process.kill(first[0], "SIGKILL");
        const replaced = await until(
          "the killed web process to be replaced",
          () => {
            const now = webProcessPids(entry.child);
            return now.length === 2 && !now.includes(first[0]) && now;
          },
          30_000,
          log,
        );
        expect(replaced).toContain(first[1]);
        expect(log()).toMatch(/web process exited unexpectedly; restarting it.*"signal":"SIGKILL".*"restartInMs":1000/);
        expect(await forgedDelivery(port)).toBe(401);

        entry.child.kill("SIGTERM");
        expect(await entry.exited).toBe(0);
        for (const pid of replaced) expect(existsSync(`/proc/${pid}`)).toBe(false);
      } finally {
        if (entry.child.exitCode === null) entry.child.kill("SIGKILL");
        await database.drop();
      }
    },
    120_000,
  );
});
