// Every test runs with a fixed, test-only configuration: never a developer's .env.
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://mirakl-bridge.test";
process.env.SCOPES ??= "read_products";
process.env.ENCRYPTION_KEY ??= "S2V5Rm9yVGVzdHNPbmx5LU5vdEFSZWFsU2VjcmV0ISE=";
// Each test file gets its own throwaway in-memory PGlite; PostgreSQL only where a test asks for it.
process.env.PGLITE_DATA_DIR = "memory://";
delete process.env.DATABASE_URL;
process.env.MIRAKL_BRIDGE_DEMO = "0";
