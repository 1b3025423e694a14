import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN_API_VERSION, adminSchemaGzip, loadAdminIntrospection, loadAdminSchema } from "./admin-schema";

const scratch = mkdtempSync(path.join(tmpdir(), "admin-schema-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the pinned Admin schema", () => {
  it("fetches into an empty cache with npm pack and verifies the pinned digest", () => {
    const fresh = path.join(scratch, "fresh");
    const bytes = adminSchemaGzip(fresh);
    expect(bytes.length).toBe(924_024);
    // The second call reads the cache (no network): same bytes.
    expect(adminSchemaGzip(fresh).equals(bytes)).toBe(true);
  });

  it("refuses and deletes a cached file whose digest does not match", () => {
    const tampered = path.join(scratch, "tampered");
    const file = path.join(tampered, `admin_${ADMIN_API_VERSION}.json.gz`);
    mkdirSync(tampered);
    writeFileSync(file, "not the schema");
    expect(() => adminSchemaGzip(tampered)).toThrow(/sha256 .* expected 5bcde995/);
    // Deleted, so the next run fetches a good copy again.
    expect(existsSync(file)).toBe(false);
  });

  it("is the 2026-07 Admin schema", () => {
    const schema = loadAdminSchema();
    expect(schema.getQueryType()?.name).toBe("QueryRoot");
    expect(schema.getDirective("idempotent")?.args.map((a) => a.name)).toEqual(["key"]);
    expect(Object.keys(schema.getTypeMap()).length).toBeGreaterThan(3000);
    expect(loadAdminIntrospection().__schema.types.some((t) => t.name === "InventorySetQuantitiesInput")).toBe(true);
  });
});
