// Imported first by every bench entry point: the app reads its configuration at import time, so the
// benchmark gets the same fixed, offline configuration as the tests (never a developer's .env), an
// in-memory PGlite database of its own (the embedded default; nothing to clean up), and quiet logs.
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY = "bench-api-key";
process.env.SHOPIFY_API_SECRET = "bench-api-secret";
process.env.SHOPIFY_APP_URL = "https://mirakl-bridge.bench";
process.env.SCOPES = "read_products,read_inventory,write_inventory,read_locations,read_orders,write_orders";
process.env.ENCRYPTION_KEY = "S2V5Rm9yVGVzdHNPbmx5LU5vdEFSZWFsU2VjcmV0ISE=";
process.env.MIRAKL_BRIDGE_DEMO = "0";
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "error";
delete process.env.DATABASE_URL;
process.env.PGLITE_DATA_DIR = "memory://";

export {};
