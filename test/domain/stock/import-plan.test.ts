import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  diffDesiredVsPushed,
  MAX_STOCK_IMPORT_LINES,
  planStockImportBatch,
  type StockImportRow,
} from "~/domain/sellable-quantity";

const row = (offerSku: string, quantity: number, warehouseCode = ""): StockImportRow => ({
  offerSku,
  warehouseCode,
  quantity,
});
const params = { numRuns: 300, seed: 7 };

describe("diffDesiredVsPushed", () => {
  it.each([
    { name: "unchanged quantity is not dirty", desired: [["A", 3]], pushed: [["A", 3]], changed: [], vanished: [] },
    { name: "a changed quantity is dirty", desired: [["A", 3]], pushed: [["A", 4]], changed: ["A"], vanished: [] },
    { name: "a change to 0 is dirty", desired: [["A", 0]], pushed: [["A", 4]], changed: ["A"], vanished: [] },
    {
      name: "never pushed (no entry) is dirty, even at 0",
      desired: [["A", 0]],
      pushed: [],
      changed: ["A"],
      vanished: [],
    },
    { name: "never pushed (null) is dirty", desired: [["A", 5]], pushed: [["A", null]], changed: ["A"], vanished: [] },
    {
      name: "pushed but no longer desired is reported as vanished, not dirty",
      desired: [],
      pushed: [["A", 5]],
      changed: [],
      vanished: ["A"],
    },
    {
      name: "a never-pushed row that is no longer desired is nothing",
      desired: [],
      pushed: [["A", null]],
      changed: [],
      vanished: [],
    },
    {
      name: "sorted, whatever the map order",
      desired: [
        ["b", 1],
        ["a", 1],
        ["C", 1],
      ],
      pushed: [
        ["z", 1],
        ["y", 1],
      ],
      changed: ["C", "a", "b"],
      vanished: ["y", "z"],
    },
  ] as const)("$name", ({ desired, pushed, changed, vanished }) => {
    const result = diffDesiredVsPushed(
      new Map(desired as unknown as [string, number][]),
      new Map(pushed as unknown as [string, number | null][]),
    );
    expect(result).toEqual({ changed, vanished });
  });

  it("changed is exactly the keys whose desired value differs from the pushed one", () => {
    const entries = fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e", "f"), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(
        entries,
        fc.dictionary(
          fc.constantFrom("a", "b", "c", "d", "e", "f"),
          fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
        ),
        (d, p) => {
          const { changed, vanished } = diffDesiredVsPushed(new Map(Object.entries(d)), new Map(Object.entries(p)));
          for (const key of Object.keys(d)) expect(changed.includes(key)).toBe(p[key] !== d[key]);
          for (const key of changed) expect(key in d).toBe(true);
          for (const key of Object.keys(p)) expect(vanished.includes(key)).toBe(!(key in d) && p[key] !== null);
        },
      ),
      params,
    );
  });
});

describe("planStockImportBatch", () => {
  it("keeps ≤ 10,000 lines per STO01 file by default", () => {
    expect(MAX_STOCK_IMPORT_LINES).toBe(10_000);
    const rows = Array.from({ length: 25_001 }, (_, i) => row(`SKU-${i}`, i % 7));
    const { batches } = planStockImportBatch(rows);
    expect(batches.map((b) => b.length)).toEqual([10_000, 10_000, 5_001]);
    expect(batches.flat()).toEqual(rows);
  });

  it("returns no batch for no rows", () => {
    expect(planStockImportBatch([])).toEqual({ batches: [], conflicts: [] });
  });

  it("never splits an offer's lines over two files, and starts a new file instead", () => {
    const rows = [row("A", 1), row("B", 1, "W1"), row("B", 2, "W2"), row("C", 3)];
    expect(planStockImportBatch(rows, 2).batches).toEqual([
      [row("A", 1)],
      [row("B", 1, "W1"), row("B", 2, "W2")],
      [row("C", 3)],
    ]);
  });

  it("groups an offer's lines together, global line first, warehouses sorted; offers in first-appearance order", () => {
    const rows = [row("Z", 1, "W2"), row("A", 2), row("Z", 3, ""), row("Z", 4, "W1")];
    expect(planStockImportBatch(rows).batches).toEqual([
      [row("Z", 3, ""), row("Z", 4, "W1"), row("Z", 1, "W2"), row("A", 2)],
    ]);
  });

  it("keeps the smallest quantity of a duplicated line and reports the conflict", () => {
    const { batches, conflicts } = planStockImportBatch([
      row("A", 5, "W1"),
      row("A", 2, "W1"),
      row("A", 2, "W1"),
      row("B", 1),
      row("B", 1),
    ]);
    expect(batches).toEqual([[row("A", 2, "W1"), row("B", 1)]]);
    expect(conflicts).toEqual([{ offerSku: "A", warehouseCode: "W1", quantities: [2, 5] }]);
  });

  it.each([-1, 1.5, Number.NaN, 1_000_000_001])("rejects quantity %s", (quantity) => {
    expect(() => planStockImportBatch([row("A", quantity)])).toThrow(RangeError);
  });

  it.each([0, -3, 2.5, Number.NaN])("rejects maxLines %s", (maxLines) => {
    expect(() => planStockImportBatch([row("A", 1)], maxLines)).toThrow(RangeError);
  });

  it("rejects an offer with more lines than fit in one file", () => {
    expect(() => planStockImportBatch([row("A", 1, "W1"), row("A", 1, "W2"), row("A", 1, "W3")], 2)).toThrow(
      /more than one file/,
    );
  });

  it("is deterministic and lossless; files respect the limit; offers are never split", () => {
    const rowsArb = fc.array(
      fc.record({
        offerSku: fc.constantFrom("A", "B", "C", "D", "E", "F", "G"),
        warehouseCode: fc.constantFrom("", "W1", "W2"),
        quantity: fc.integer({ min: 0, max: 9 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 3, max: 8 }), (rows, max) => {
        const plan = planStockImportBatch(rows, max);
        expect(planStockImportBatch(rows, max)).toEqual(plan);
        const lines = plan.batches.flat();
        const key = (r: StockImportRow) => `${r.offerSku}@${r.warehouseCode}`;
        expect(new Set(lines.map(key)).size).toBe(lines.length);
        expect(new Set(lines.map(key))).toEqual(new Set(rows.map(key)));
        for (const line of lines)
          expect(line.quantity).toBe(Math.min(...rows.filter((r) => key(r) === key(line)).map((r) => r.quantity)));
        for (const batch of plan.batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(max);
        }
        const fileOf = new Map<string, number>();
        plan.batches.forEach((batch, i) =>
          batch.forEach((r) => {
            expect(fileOf.get(r.offerSku) ?? i).toBe(i); // an offer's lines all sit in one file
            fileOf.set(r.offerSku, i);
          }),
        );
        expect([...new Set(lines.map((l) => l.offerSku))]).toEqual([...new Set(rows.map((r) => r.offerSku))]);
      }),
      params,
    );
  });
});
