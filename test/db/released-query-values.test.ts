import { describe, expect, it } from "vitest";
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { releasingQueryValues } from "~/db/released-query-values.server";

/** An adapter that, like Prisma's, keeps every statement object it was given (its debug history). */
function recordingFactory(options: { fail?: boolean } = {}) {
  const history: SqlQuery[] = [];
  const seenWhileRunning: unknown[][] = [];
  const queryable = {
    provider: "postgres" as const,
    adapterName: "recording",
    async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      history.push(query);
      seenWhileRunning.push([...query.args]);
      await Promise.resolve();
      if (options.fail) throw new Error("refused");
      return { columnNames: ["n"], columnTypes: [], rows: [[query.args.length]] };
    },
    async executeRaw(query: SqlQuery): Promise<number> {
      history.push(query);
      seenWhileRunning.push([...query.args]);
      return query.args.length;
    },
  };
  const transaction: Transaction = {
    ...queryable,
    options: { usePhantomQuery: false },
    commit: async () => {},
    rollback: async () => {},
  };
  let disposed = false;
  const adapter: SqlDriverAdapter = {
    ...queryable,
    executeScript: async () => {},
    startTransaction: async () => transaction,
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {
      disposed = true;
    },
  };
  const factory: SqlDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "recording",
    connect: async () => adapter,
  };
  return { factory, history, seenWhileRunning, isDisposed: () => disposed };
}

const statement = (): SqlQuery => ({
  sql: "SELECT $1::text[]",
  args: [["gid://shopify/ProductVariant/1", "gid://shopify/ProductVariant/2"]],
  argTypes: [{ scalarType: "string", arity: "list" }],
});

describe("releasingQueryValues", () => {
  it("gives the adapter the statement's values while it runs, and leaves none in what the adapter kept", async () => {
    const recording = recordingFactory();
    const adapter = await releasingQueryValues(recording.factory).connect();
    const query = statement();

    const result = await adapter.queryRaw(query);
    const affected = await adapter.executeRaw(statement());

    expect(result.rows).toEqual([[1]]);
    expect(affected).toBe(1);
    expect(recording.seenWhileRunning).toEqual([query.args, query.args]);
    expect(recording.history.map((kept) => [kept.sql, kept.args, kept.argTypes])).toEqual([
      ["SELECT $1::text[]", [], []],
      ["SELECT $1::text[]", [], []],
    ]);
    // Prisma's own statement object is not touched.
    expect(query.args).toEqual(statement().args);
  });

  it("releases the values of a statement that failed, and the failure reaches the caller", async () => {
    const recording = recordingFactory({ fail: true });
    const adapter = await releasingQueryValues(recording.factory).connect();

    await expect(adapter.queryRaw(statement())).rejects.toThrow("refused");
    expect(recording.history[0]!.args).toEqual([]);
  });

  it("does the same inside a transaction, which still commits", async () => {
    const recording = recordingFactory();
    const adapter = await releasingQueryValues(recording.factory).connect();
    const transaction = await adapter.startTransaction();

    await transaction.queryRaw(statement());
    await transaction.commit();

    expect(transaction.options).toEqual({ usePhantomQuery: false });
    expect(recording.history[0]!.args).toEqual([]);
  });

  it("passes everything else through", async () => {
    const recording = recordingFactory();
    const factory = releasingQueryValues(recording.factory);
    const adapter = await factory.connect();

    expect([factory.provider, factory.adapterName, adapter.provider, adapter.adapterName]).toEqual([
      "postgres",
      "recording",
      "postgres",
      "recording",
    ]);
    expect(adapter.getConnectionInfo?.()).toEqual({ supportsRelationJoins: true });
    await adapter.executeScript("SELECT 1");
    await adapter.dispose();
    expect(recording.isDisposed()).toBe(true);
  });
});
