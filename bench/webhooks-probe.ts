// Preloaded into the production server by the webhook bench (`node --import tsx --import ./bench/webhooks-probe.ts
// server.ts`), with PGlite only. PGlite is one backend owned by one process: the bench cannot open the data
// directory while the server runs (a second PGlite on it would corrupt it), so to tell when the worker has drained
// the inbox it asks the server's own PGlite instance over the IPC channel. Nothing else changes in the server: the
// instance is remembered on its first query (the migrations at start), and the bench only asks after the burst,
// so the probe's queries never compete with the measured acknowledgements. The database runs in a thread of its
// own (app/db/pglite-thread.server.ts), which preloads this file too: the main thread relays each question to it
// over a BroadcastChannel.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { BroadcastChannel, isMainThread } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

type Query = (this: PGlite, ...args: unknown[]) => Promise<{ rows: unknown[] }>;

let server: PGlite | undefined;
let owner = PGlite.prototype as unknown as Record<string, unknown> | null;
while (owner && !Object.hasOwn(owner, "query")) owner = Object.getPrototypeOf(owner) as Record<string, unknown> | null;
if (!owner) throw new Error("webhooks-probe: PGlite has no query method to observe");
const original = owner.query as Query;
const remember = (instance: PGlite) => (server ??= instance);
owner.query = function (this: PGlite, ...args: unknown[]) {
  remember(this);
  return original.apply(this, args);
};

interface CountsRequest {
  type: "webhook-counts";
  id: number;
  shop: string;
}
type CountsAnswer = { type: "webhook-counts"; id: number; counts?: Record<string, number>; error?: string };

async function counts(shop: string): Promise<Record<string, number>> {
  const result = await server!.query<{ status: string; n: number }>(
    `SELECT status::text AS status, count(*)::int AS n FROM "WebhookDelivery" WHERE shop = $1 GROUP BY status`,
    [shop],
  );
  return Object.fromEntries(result.rows.map((r) => [r.status, r.n]));
}

const channel = new BroadcastChannel("webhooks-probe");
channel.unref();

if (isMainThread) {
  const answer = (body: CountsAnswer) => process.send?.(body);
  channel.onmessage = (event) => {
    const message = (event as { data: unknown }).data as CountsAnswer | CountsRequest;
    if (message?.type === "webhook-counts" && !("shop" in message)) answer(message);
  };
  // The main thread's event-loop delay over the burst: started and read by the bench around it.
  let loopDelay: IntervalHistogram | undefined;
  process.on("message", (message: { type?: string; id?: number; action?: "start" | "read" }) => {
    if (message?.type !== "loop-delay") return;
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    let read: { p99: number; max: number } | null = null;
    if (message.action === "start") {
      loopDelay?.disable();
      loopDelay = monitorEventLoopDelay({ resolution: 5 });
      loopDelay.enable();
    } else if (loopDelay) {
      loopDelay.disable();
      read = { p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
    }
    process.send?.({ type: "loop-delay", id: message.id, delay: read });
  });
  process.on("message", (message: CountsRequest) => {
    if (message?.type !== "webhook-counts") return;
    if (!server) return channel.postMessage(message); // the database thread holds it
    counts(message.shop)
      .then((c) => answer({ type: "webhook-counts", id: message.id, counts: c }))
      .catch((error: unknown) => answer({ type: "webhook-counts", id: message.id, error: String(error) }));
  });
  // The channel must not keep the server alive on its own (SIGTERM ends it as `npm start` would).
  process.channel?.unref();
} else {
  channel.onmessage = (event) => {
    const message = (event as { data: unknown }).data as CountsRequest;
    if (message?.type !== "webhook-counts" || !("shop" in message)) return;
    const reply = (body: Omit<CountsAnswer, "type" | "id">) =>
      channel.postMessage({ type: "webhook-counts", id: message.id, ...body });
    if (!server) return reply({ error: "the server has not opened its database yet" });
    counts(message.shop)
      .then((c) => reply({ counts: c }))
      .catch((error: unknown) => reply({ error: String(error) }));
  };
}
