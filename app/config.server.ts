import { z } from "zod";

const MiB = 1024 * 1024;
/** An empty variable means "unset", as in most deploy tools. */
const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);

/**
 * Stand-ins that let the demo and the tests run without a Shopify app. They are public, so in production they
 * would be a forgery key (a known secret signs webhooks that erase shops) or a localhost URL: there each
 * variable below must be set, and a missing one stops the process naming it.
 */
const DEVELOPMENT_DEFAULTS = {
  SHOPIFY_API_KEY: "demo-api-key",
  SHOPIFY_API_SECRET: "demo-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:3000",
} as const;
const REQUIRED_IN_PRODUCTION = ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "ENCRYPTION_KEY"] as const;
const WEB_CONCURRENCY_MESSAGE = "must be a whole number of web processes, 1 or more (default 1)";
/** A byte count from the environment; empty means unset. */
const byteLimit = (fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().default(fallback));

/**
 * Every environment variable the app reads, validated once. A bad value stops the process at
 * start with a readable message instead of failing later inside a request.
 */
const envVariables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.preprocess(unsetIfEmpty, z.string().optional()),
  SHOPIFY_API_SECRET: z.preprocess(unsetIfEmpty, z.string().optional()),
  SHOPIFY_APP_URL: z.preprocess(unsetIfEmpty, z.url().optional()),
  SCOPES: z.string().optional(),
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        "DATABASE_URL must be a postgresql:// URL (leave it unset for the embedded PGlite database)",
      )
      .optional(),
  ),
  PGLITE_DATA_DIR: z.string().default("./data/pglite"),
  // The embedded database runs in a thread of its own (off: in the calling thread, as the unit tests run it).
  PGLITE_THREAD: z.enum(["on", "off"]).default("on"),
  ENCRYPTION_KEY: z.preprocess(unsetIfEmpty, z.string().optional()),
  ENCRYPTION_KEYS_PREVIOUS: z.string().optional(),
  WORKER_MODE: z.enum(["embedded", "off"]).optional(),
  WORKER_ID: z.string().optional(),
  MIRAKL_BRIDGE_DEMO: z.enum(["0", "1"]).default("0"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Shopify's largest payloads (orders with many lines) are a few hundred KB; 5 MiB leaves ample headroom.
  WEBHOOK_MAX_BODY_BYTES: byteLimit(5 * MiB),
  // How long a shop's inbox gathers deliveries before a pass (app/webhooks/group-commit.server.ts).
  WEBHOOK_INBOX_SETTLE_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  // Every request through server.ts (declared length): above the 10 MB mapping CSV import plus form overhead.
  MAX_REQUEST_BODY_BYTES: byteLimit(16 * MiB),
  // `npm start` forks this many web processes sharing one port (server.ts); more than one needs PostgreSQL.
  WEB_CONCURRENCY: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: WEB_CONCURRENCY_MESSAGE })
      .int({ error: WEB_CONCURRENCY_MESSAGE })
      .min(1, { error: WEB_CONCURRENCY_MESSAGE })
      .default(1),
  ),
});
const envSchema = envVariables
  .refine((env) => !(env.MIRAKL_BRIDGE_DEMO === "1" && env.NODE_ENV === "production"), {
    path: ["MIRAKL_BRIDGE_DEMO"],
    message: "the demo mode (no Shopify authentication) cannot be enabled when NODE_ENV=production",
  })
  // Refused rather than quietly run as one process: whoever set it sized the deployment for N processes and should
  // learn at start, not under load, that the embedded database cannot give them.
  .refine((env) => env.WEB_CONCURRENCY <= 1 || env.DATABASE_URL !== undefined, {
    path: ["WEB_CONCURRENCY"],
    message:
      "more than one web process needs PostgreSQL (DATABASE_URL): the embedded PGlite data directory can be opened by one process only. Set DATABASE_URL, or unset WEB_CONCURRENCY",
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (env[name] === undefined)
        ctx.addIssue({ code: "custom", path: [name], message: "is required when NODE_ENV=production" });
    }
  })
  .transform((env) => ({
    ...env,
    // Production has all three (checked above); these stand-ins only ever fill in outside it.
    SHOPIFY_API_KEY: env.SHOPIFY_API_KEY ?? DEVELOPMENT_DEFAULTS.SHOPIFY_API_KEY,
    SHOPIFY_API_SECRET: env.SHOPIFY_API_SECRET ?? DEVELOPMENT_DEFAULTS.SHOPIFY_API_SECRET,
    SHOPIFY_APP_URL: env.SHOPIFY_APP_URL ?? DEVELOPMENT_DEFAULTS.SHOPIFY_APP_URL,
  }));

export type AppEnv = z.infer<typeof envSchema>;

const envNames = Object.keys(envVariables.shape) as (keyof typeof envVariables.shape)[];
let lastParsed: { values: (string | undefined)[]; env: Readonly<AppEnv> } | undefined;

/**
 * The configuration, parsed again only when one of its variables changed since the last call (tests and the demo
 * change process.env at run time): the webhook intake reads it several times per delivery, and a parse costs
 * about a tenth of a millisecond of the web thread.
 */
export function appEnv(): Readonly<AppEnv> {
  const values = envNames.map((name) => process.env[name]);
  if (lastParsed && values.every((value, i) => value === lastParsed!.values[i])) return lastParsed.env;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  lastParsed = { values, env: Object.freeze(parsed.data) };
  return lastParsed.env;
}

/** PGlite is one backend in one process: the worker must then live inside the web process. */
export function usesEmbeddedDatabase(env = appEnv()): boolean {
  return !env.DATABASE_URL;
}
