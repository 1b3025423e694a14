import { z } from "zod";

const MiB = 1024 * 1024;
/** A byte count from the environment; empty means unset. */
const byteLimit = (fallback: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().default(fallback));

/**
 * Every environment variable the app reads, validated once. A bad value stops the process at
 * start with a readable message instead of failing later inside a request.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1).default("demo-api-key"),
    SHOPIFY_API_SECRET: z.string().min(1).default("demo-api-secret"),
    SHOPIFY_APP_URL: z.url().default("http://127.0.0.1:3000"),
    SCOPES: z.string().optional(),
    DATABASE_URL: z.preprocess(
      (v) => (v === "" ? undefined : v), // an empty variable means "unset", as in most deploy tools
      z
        .string()
        .regex(
          /^postgres(ql)?:\/\//,
          "DATABASE_URL must be a postgresql:// URL (leave it unset for the embedded PGlite database)",
        )
        .optional(),
    ),
    PGLITE_DATA_DIR: z.string().default("./data/pglite"),
    ENCRYPTION_KEY: z.string().optional(),
    ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),
    WORKER_MODE: z.enum(["embedded", "off"]).optional(),
    WORKER_ID: z.string().optional(),
    MIRAKL_BRIDGE_DEMO: z.enum(["0", "1"]).default("0"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    // Shopify's largest payloads (orders with many lines) are a few hundred KB; 5 MiB leaves ample headroom.
    WEBHOOK_MAX_BODY_BYTES: byteLimit(5 * MiB),
    // Every request through server.ts (declared length): above the 10 MB mapping CSV import plus form overhead.
    MAX_REQUEST_BODY_BYTES: byteLimit(16 * MiB),
  })
  .refine((env) => !(env.MIRAKL_BRIDGE_DEMO === "1" && env.NODE_ENV === "production"), {
    path: ["MIRAKL_BRIDGE_DEMO"],
    message: "the demo mode (no Shopify authentication) cannot be enabled when NODE_ENV=production",
  });

export type AppEnv = z.infer<typeof envSchema>;

/** Parsed on each call (microseconds): tests and the demo change process.env at run time. */
export function appEnv(): AppEnv {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

/** PGlite is one backend in one process: the worker must then live inside the web process. */
export function usesEmbeddedDatabase(env = appEnv()): boolean {
  return !env.DATABASE_URL;
}
