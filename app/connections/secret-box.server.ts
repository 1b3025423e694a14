import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { appEnv } from "~/config.server";
import { logger } from "~/lib/logger.server";

/**
 * AES-256-GCM envelope for secrets at rest (Mirakl API keys).
 * Format: "v1:<keyId>:<iv>:<tag>:<ciphertext>", base64url parts. The key id (a hash prefix of the
 * key) lets a rotated-out key still decrypt old rows: ENCRYPTION_KEYS_PREVIOUS lists them.
 * The associated data binds a ciphertext to its row, so a value copied onto another connection
 * does not decrypt.
 */
export class SecretBoxError extends Error {
  name = "SecretBoxError";
}

interface Key {
  id: string;
  bytes: Buffer;
}

function parseKey(encoded: string): Key {
  const bytes = /^[0-9a-f]{64}$/i.test(encoded) ? Buffer.from(encoded, "hex") : Buffer.from(encoded, "base64");
  if (bytes.length !== 32)
    throw new SecretBoxError("ENCRYPTION_KEY must be 32 bytes, given as 64 hex characters or base64");
  return { id: createHash("sha256").update(bytes).digest("base64url").slice(0, 8), bytes };
}

export function loadKeys(env = appEnv()): { current: Key; all: Key[] } {
  if (!env.ENCRYPTION_KEY) {
    throw new SecretBoxError("ENCRYPTION_KEY is not set: generate one with `openssl rand -base64 32`");
  }
  const current = parseKey(env.ENCRYPTION_KEY);
  // One malformed old key must not break the others: it is left out (and logged), so only the rows it sealed fail.
  const previous = (env.ENCRYPTION_KEYS_PREVIOUS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((encoded, index) => {
      try {
        return [parseKey(encoded)];
      } catch (error) {
        warnOnce(
          `ENCRYPTION_KEYS_PREVIOUS entry ${index + 1} is not a usable key and is ignored: ${error instanceof Error ? error.message : String(error)}`,
        );
        return [];
      }
    });
  return { current, all: [current, ...previous] };
}

const warned = new Set<string>();
function warnOnce(message: string) {
  if (warned.has(message)) return;
  warned.add(message);
  logger.warn(message);
}

export function encryptSecret(plaintext: string, associatedData: string, keys = loadKeys()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.current.bytes, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    "v1",
    keys.current.id,
    iv.toString("base64url"),
    tag.toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(":");
}

export function decryptSecret(envelope: string, associatedData: string, keys = loadKeys()): string {
  const [version, keyId, iv, tag, ciphertext] = envelope.split(":");
  if (version !== "v1" || !keyId || !iv || !tag || ciphertext === undefined)
    throw new SecretBoxError("not a v1 secret envelope");
  const key = keys.all.find((k) => k.id === keyId);
  if (!key)
    throw new SecretBoxError(
      `the key that encrypted this secret (${keyId}) is not configured; add it to ENCRYPTION_KEYS_PREVIOUS`,
    );
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError("secret failed authentication (wrong key, or the value was tampered with or moved)");
  }
}

/** True when the envelope was sealed with an older key and should be re-encrypted. */
export function needsReencryption(envelope: string, keys = loadKeys()): boolean {
  return envelope.split(":")[1] !== keys.current.id;
}
