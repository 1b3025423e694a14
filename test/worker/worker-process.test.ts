import { spawn } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import pg from "pg";
import { createScratchDatabase, postgresSkipReason, postgresUrl } from "../helpers/postgres";
import { workerCommand } from "../helpers/worker-command";

if (!postgresUrl) console.warn(`[worker-process.test] ${postgresSkipReason}`);

describe.skipIf(!postgresUrl)("npm run worker on PostgreSQL", () => {
  it("migrates, schedules its periodic work, and exits 0 on SIGTERM with no lease left behind", async () => {
    const scratch = await createScratchDatabase("mb_worker");
    try {
      // As package.json starts it: its heap cap and allocator settings included.
      const command = workerCommand();
      const child = spawn(process.execPath, [...command.nodeArgs, command.entry], {
        env: {
          ...process.env,
          ...command.env,
          DATABASE_URL: scratch.url,
          NODE_ENV: "development",
          LOG_LEVEL: "info",
          WORKER_ID: "sigterm-test",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      await vi.waitFor(() => expect(output).toContain("worker started"), { timeout: 30_000, interval: 100 });
      // The heap is capped (128 MB of old space by default): V8's own limit on this machine is several GB.
      const heapLimitMb = Number(/heapLimitMb[^0-9]*(\d+)/.exec(output)?.[1]);
      expect(heapLimitMb).toBeGreaterThan(100);
      expect(heapLimitMb).toBeLessThan(200);

      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);

      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      const { rows } = await client.query(`SELECT "key", "leaseOwner" FROM "WorkUnit"`);
      await client.end();
      expect(rows.map((r) => r.key)).toContain("webhook-inbox-sweep");
      expect(rows.every((r) => r.leaseOwner === null)).toBe(true);
    } finally {
      await scratch.drop();
    }
  });
});

describe("npm run worker without PostgreSQL", () => {
  it("refuses to start on the embedded database, with a clear message", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/sync/worker-main.ts"], {
      env: { ...process.env, DATABASE_URL: "", NODE_ENV: "development" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("needs DATABASE_URL");
  });
});
