import type { AdminMutations, AdminQueries } from "@shopify/admin-api-client";
import { Kind, parse, visit } from "graphql";

/**
 * `npm run codegen` reads every `#graphql` literal under app/integrations/shopify and augments the admin API
 * client's `AdminQueries`/`AdminMutations` with one entry per operation, keyed by the literal's exact text
 * (app/types/admin.generated.d.ts). The library declares a catch-all string key there; dropping it means a
 * document the codegen has not seen does not type-check instead of silently becoming `any`.
 */
type GeneratedOnly<T> = {
  [K in keyof T as string extends K ? never : number extends K ? never : symbol extends K ? never : K]: T[K];
};
export type AdminDocuments = GeneratedOnly<AdminQueries> & GeneratedOnly<AdminMutations>;
export type AdminDocument = Extract<keyof AdminDocuments, string>;

/**
 * A typed Admin GraphQL operation: `document` is what is sent to Shopify (validated against the real schema in
 * test/shopify), and the phantom types tie its variables and result together for the client.
 */
export interface AdminOperation<TData, TVariables> {
  readonly name: string;
  readonly kind: "query" | "mutation";
  /** The operation followed by the fragments it spreads. */
  readonly document: string;
  /** Never set at runtime; carries the types. */
  readonly __types?: { data: TData; variables: TVariables };
}

export type OperationData<T> = T extends AdminOperation<infer D, unknown> ? D : never;
export type OperationVariables<T> = T extends AdminOperation<unknown, infer V> ? V : never;

/** A named fragment, written once and spread by name; operations list the fragments they use. */
export interface AdminFragment {
  readonly name: string;
  /** Its definition followed by the definitions of the fragments it spreads, each once. */
  readonly definitions: readonly string[];
}

function withDependencies(own: string, fragments: readonly AdminFragment[]): string[] {
  const definitions = [own];
  for (const fragment of fragments)
    for (const definition of fragment.definitions) if (!definitions.includes(definition)) definitions.push(definition);
  return definitions;
}

/**
 * Checks at load time that the spreads and the listed fragments agree, so a missing fragment fails the first
 * import (and every test) rather than the first request to Shopify.
 */
function checkFragments(document: string, label: string, root?: string): void {
  const defined = new Set<string>();
  const spread = new Set<string>(root ? [root] : []);
  visit(parse(document), {
    FragmentDefinition: (node) => void defined.add(node.name.value),
    FragmentSpread: (node) => void spread.add(node.name.value),
  });
  const missing = [...spread].filter((name) => !defined.has(name));
  const unused = [...defined].filter((name) => !spread.has(name));
  const problems = [
    ...(missing.length > 0 ? [`fragments not passed: ${missing.join(", ")}`] : []),
    ...(unused.length > 0 ? [`fragments passed but not spread: ${unused.join(", ")}`] : []),
  ];
  if (problems.length > 0) throw new Error(`${label}: ${problems.join("; ")}`);
}

export function adminFragment(source: string, ...uses: readonly AdminFragment[]): AdminFragment {
  const definition = parse(source).definitions[0];
  if (definition?.kind !== Kind.FRAGMENT_DEFINITION)
    throw new Error(`an Admin fragment must start with a fragment definition:\n${source.slice(0, 120)}`);
  const definitions = withDependencies(source, uses);
  checkFragments(definitions.join("\n"), `fragment ${definition.name.value}`, definition.name.value);
  return { name: definition.name.value, definitions };
}

type GeneratedMutations = GeneratedOnly<AdminMutations>;

/**
 * The schema makes every mutation payload nullable, but Shopify returns null there only together with top-level
 * errors, and the client throws on those: a result the client hands back has its payloads.
 */
type WithPayloads<TData> = { [K in keyof TData]: NonNullable<TData[K]> };

type Generated<D extends AdminDocument> = AdminOperation<
  D extends keyof GeneratedMutations ? WithPayloads<AdminDocuments[D]["return"]> : AdminDocuments[D]["return"],
  AdminDocuments[D]["variables"]
>;

/**
 * An operation of the product: `source` must be a static `#graphql` literal (no `${}`) so that the codegen reads
 * it, and its result and variable types are the generated ones for exactly that text.
 */
export function adminOperation<const D extends AdminDocument>(
  source: D,
  ...fragments: readonly AdminFragment[]
): Generated<D> {
  return operationFrom(source, fragments);
}

/**
 * A document the codegen does not see (tests probing the fake with invalid or ad hoc queries): the caller states
 * the types.
 */
export function untypedAdminOperation<TData, TVariables = Record<string, never>>(
  source: string,
): AdminOperation<TData, TVariables> {
  return operationFrom(source, []);
}

function operationFrom<TData, TVariables>(
  source: string,
  fragments: readonly AdminFragment[],
): AdminOperation<TData, TVariables> {
  const match = /^\s*(?:#graphql\s*)?(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(source);
  if (!match) throw new Error(`an Admin operation must start with a named query or mutation:\n${source.slice(0, 120)}`);
  const name = match[2]!;
  const document = withDependencies(source, fragments).join("\n");
  checkFragments(document, name);
  return { kind: match[1] as "query" | "mutation", name, document };
}

/** Global ids are opaque strings, e.g. "gid://shopify/ProductVariant/123"; numeric ids lose precision in JavaScript. */
export type Gid = string;

/** The shape every mutation payload's `userErrors` (or `<thing>UserErrors`) share; the client collects them. */
export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}
