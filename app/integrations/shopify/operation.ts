/**
 * A typed Admin GraphQL operation: the document is the single source sent to Shopify (validated against the
 * real schema in test/shopify), and the phantom types tie its variables and result together for the client.
 */
export interface AdminOperation<TData, TVariables> {
  readonly name: string;
  readonly kind: "query" | "mutation";
  readonly document: string;
  /** Never set at runtime; carries the types. */
  readonly __types?: { data: TData; variables: TVariables };
}

export type OperationData<T> = T extends AdminOperation<infer D, unknown> ? D : never;
export type OperationVariables<T> = T extends AdminOperation<unknown, infer V> ? V : never;

export function adminOperation<TData, TVariables = Record<string, never>>(
  document: string,
): AdminOperation<TData, TVariables> {
  const match = /^\s*(?:#graphql\s*)?(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  if (!match)
    throw new Error(`an Admin operation must start with a named query or mutation:\n${document.slice(0, 120)}`);
  return { kind: match[1] as "query" | "mutation", name: match[2]!, document };
}

/** Global ids are opaque strings, e.g. "gid://shopify/ProductVariant/123"; numeric ids lose precision in JavaScript. */
export type Gid = string;

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
