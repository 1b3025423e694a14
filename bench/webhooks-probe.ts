// Preloaded into the production server by the webhook bench (`node --import tsx --import ./bench/webhooks-probe.ts
// server.ts`), with PGlite only. PGlite is one backend owned by one process: the bench cannot open the data
// directory while the server runs (a second PGlite on it would corrupt it), so to tell when the worker has drained
// the inbox it asks the server's own PGlite instance over the IPC channel. Nothing else changes in the server: the
// instance is remembered on its first query (the migrations at start), and the bench only asks after the burst,
// so the probe's queries never compete with the measured acknowledgements.
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

process.on("message", (message: CountsRequest) => {
  if (message?.type !== "webhook-counts") return;
  const answer = (body: Record<string, unknown>) => process.send?.({ type: "webhook-counts", id: message.id, ...body });
  if (!server) return answer({ error: "the server has not opened its database yet" });
  server
    .query<{ status: string; n: number }>(
      `SELECT status::text AS status, count(*)::int AS n FROM "WebhookDelivery" WHERE shop = $1 GROUP BY status`,
      [message.shop],
    )
    .then((result) => answer({ counts: Object.fromEntries(result.rows.map((r) => [r.status, r.n])) }))
    .catch((error: unknown) => answer({ error: String(error) }));
});
// The channel must not keep the server alive on its own (SIGTERM ends it as `npm start` would).
process.channel?.unref();
