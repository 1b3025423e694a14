import { createHash } from "node:crypto";

/**
 * The `@idempotent` key for one business action. Derived from what identifies the action (e.g. the Mirakl
 * refund id), never random: a retry after a crash or a timeout must send the same key so Shopify replays
 * the first result instead of refunding or adjusting stock twice.
 */
export function idempotencyKeyFor(action: string, ...parts: ReadonlyArray<string | number>): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([action, ...parts]))
    .digest("hex");
  return `${action}:${digest.slice(0, 40)}`;
}
