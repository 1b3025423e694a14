import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable } from "@prisma/driver-adapter-utils";

/**
 * Prisma's driver adapters log every statement with its bound values through @prisma/debug, which keeps the
 * arguments of its last 100 calls in memory whether logging is on or not (for its crash reports). The engine binds
 * arrays of 1,000 to 10,000 values (a catalogue batch, a compared slice of offers, a stock file's lines), so that
 * history alone held 20-30 MB of rows at 100,000 SKUs, long after the statements were done. Here each statement goes
 * to the adapter as an object of its own, whose values are dropped once it has run: the history keeps the SQL only.
 */
export function releasingQueryValues(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => releasing(await factory.connect()),
  };
}

const queryMethods = new Set<PropertyKey>(["queryRaw", "executeRaw"]);

function releasing<T extends SqlQueryable>(target: T): T {
  return new Proxy(target, {
    get(inner, property) {
      if (queryMethods.has(property)) {
        const method = property as "queryRaw" | "executeRaw";
        return async (query: SqlQuery) => {
          const sent: SqlQuery = { sql: query.sql, args: query.args, argTypes: query.argTypes };
          try {
            return await inner[method](sent);
          } finally {
            sent.args = [];
            sent.argTypes = [];
          }
        };
      }
      if (property === "startTransaction") {
        const adapter = inner as unknown as SqlDriverAdapter;
        return async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) =>
          releasing(await adapter.startTransaction(...args));
      }
      const value: unknown = Reflect.get(inner, property, inner);
      return typeof value === "function" ? value.bind(inner) : value;
    },
  });
}
