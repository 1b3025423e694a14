import {
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type ASTVisitor,
  type DocumentNode,
  type IntrospectionObjectType,
  type IntrospectionQuery,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { ADMIN_API_VERSION, loadAdminIntrospection, loadAdminSchema } from "./admin-schema";

export interface IdempotencyPolicy {
  /** Mutations whose description says the `@idempotent` key is required at (or before) our API version. */
  required: ReadonlySet<string>;
  /** Mutations whose description documents `@idempotent` at all (the directive is only accepted on those). */
  supported: ReadonlySet<string>;
}

// Shopify writes this caution into each mutation description, e.g.
// "As of version `2026-04`, the idempotency key is required and must be provided using the `@idempotent` directive."
const requiredSentence =
  /As of (?:version )?`?(\d{4}-\d{2})`?, the idempotency key is required and must be provided using the `@idempotent` directive/;
const supportedSentence = /`@idempotent` directive/;

/** Read from the schema's own descriptions so the list follows Shopify instead of going stale in our code. */
export function idempotencyPolicyFromSchema(
  introspection: IntrospectionQuery,
  apiVersion: string = ADMIN_API_VERSION,
): IdempotencyPolicy {
  const mutationTypeName = introspection.__schema.mutationType?.name;
  const mutationType = introspection.__schema.types.find(
    (type): type is IntrospectionObjectType => type.kind === "OBJECT" && type.name === mutationTypeName,
  );
  const required = new Set<string>();
  const supported = new Set<string>();
  for (const field of mutationType?.fields ?? []) {
    const description = field.description ?? "";
    if (supportedSentence.test(description)) supported.add(field.name);
    const since = requiredSentence.exec(description)?.[1];
    if (since && since <= apiVersion) required.add(field.name);
  }
  return { required, supported };
}

/**
 * graphql-js cannot know that Shopify rejects some mutations without `@idempotent(key:)`: the directive is
 * optional in the grammar. This rule reports those, and the directive on a mutation that does not support it.
 */
export function idempotentDirectiveRule(policy: IdempotencyPolicy): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      for (const selection of operation.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const fieldName = selection.name.value;
        const idempotent = selection.directives?.find((directive) => directive.name.value === "idempotent");
        if (policy.required.has(fieldName) && !idempotent) {
          context.reportError(
            new GraphQLError(`Mutation "${fieldName}" requires @idempotent(key: ...) as of API ${ADMIN_API_VERSION}.`, {
              nodes: selection,
            }),
          );
        }
        if (idempotent && !policy.supported.has(fieldName)) {
          context.reportError(
            new GraphQLError(`Mutation "${fieldName}" does not document @idempotent support.`, { nodes: idempotent }),
          );
        }
      }
    },
  });
}

let policy: IdempotencyPolicy | undefined;
export function adminIdempotencyPolicy(): IdempotencyPolicy {
  policy ??= idempotencyPolicyFromSchema(loadAdminIntrospection());
  return policy;
}

export function adminValidationRules(): ValidationRule[] {
  return [...specifiedRules, idempotentDirectiveRule(adminIdempotencyPolicy())];
}

/** Parse and validate a document as Shopify would; returns the errors (empty when valid). */
export function validateAdminDocument(source: string | DocumentNode): readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = typeof source === "string" ? parse(source) : source;
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
  return validate(loadAdminSchema(), document, adminValidationRules());
}
