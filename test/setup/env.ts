// Every test runs with a fixed, test-only configuration: never a developer's .env.
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://mirakl-bridge.test";
process.env.SCOPES ??= "read_products";
process.env.ENCRYPTION_KEY ??= "S2V5Rm9yVGVzdHNPbmx5LU5vdEFSZWFsU2VjcmV0ISE=";
// Each test file gets its own throwaway in-memory PGlite; PostgreSQL only where a test asks for it.
process.env.PGLITE_DATA_DIR = "memory://";
// In the calling thread: a database thread per test file would only add its start-up (test/db/pglite-thread.test.ts
// runs the threaded database itself).
process.env.PGLITE_THREAD ??= "off";
// Deliveries are processed as soon as a test drains the worker (group-commit.test.ts sets its own).
process.env.WEBHOOK_INBOX_SETTLE_MS = "0";
delete process.env.DATABASE_URL;
process.env.MIRAKL_BRIDGE_DEMO = "0";
