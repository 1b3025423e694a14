import { createHash } from "node:crypto";

/** The identity of "the same problem": one row per (connection, kind, entity), counted, not flooded. */
export function exceptionFingerprint(input: {
  connectionId?: string | null;
  kind: string;
  entityType: string;
  entityId: string;
}): string {
  return createHash("sha256")
    .update(JSON.stringify([input.connectionId ?? null, input.kind, input.entityType, input.entityId]))
    .digest("hex");
}
