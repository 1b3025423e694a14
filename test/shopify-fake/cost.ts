import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Shopify's requested query cost, after https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits:
 * scalars and enums cost 0, objects 1, a connection 2 plus `first`/`last` times the cost of one node,
 * a mutation 10. A `nodes(ids:)` list counts once per id.
 */
export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  if (operation.operation === "mutation") return 10 * operation.selectionSet.selections.length;

  const selectionCost = (selectionSet: SelectionSetNode | undefined, parent: GraphQLCompositeType): number => {
    if (!selectionSet) return 0;
    let total = 0;
    const perType = new Map<string, number>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent);
      else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const typeName = fragment.typeCondition?.name.value;
        const type = (typeName ? schema.getType(typeName) : parent) as GraphQLCompositeType;
        // On an interface only one concrete type's fragment applies to each node: take the most expensive.
        const cost = selectionCost(fragment.selectionSet, type);
        if (isAbstractType(parent) && typeName) perType.set(typeName, Math.max(perType.get(typeName) ?? 0, cost));
        else total += cost;
      }
    }
    return total + Math.max(0, ...perType.values());
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType): number => {
    if (node.name.value === "__typename" || !("getFields" in parent)) return 0;
    const field = parent.getFields()[node.name.value] as GraphQLField<unknown, unknown> | undefined;
    if (!field) return 0;
    const type = getNamedType(field.type);
    if (isLeafType(type)) return 0;
    const args = getArgumentValues(field, node, variables);
    const children = selectionCost(node.selectionSet, type as GraphQLCompositeType);
    if (isObjectType(type) && type.name.endsWith("Connection")) {
      const size = Number(args.first ?? args.last ?? 0);
      return 2 + size * connectionNodeCost(node, type);
    }
    if (Array.isArray(args.ids)) return args.ids.length * Math.max(1, children);
    return 1 + children;
  };

  /** One node of a connection: what is selected under `nodes` or `edges { node }`. */
  const connectionNodeCost = (node: FieldNode, connection: GraphQLCompositeType): number => {
    let cost = 0;
    for (const selection of node.selectionSet?.selections ?? []) {
      if (selection.kind !== Kind.FIELD || !("getFields" in connection)) continue;
      if (selection.name.value === "nodes") cost = Math.max(cost, fieldCost(selection, connection));
      if (selection.name.value === "edges") {
        const edgeType = getNamedType(connection.getFields().edges!.type) as GraphQLCompositeType;
        for (const inner of selection.selectionSet?.selections ?? []) {
          if (inner.kind === Kind.FIELD && inner.name.value === "node")
            cost = Math.max(cost, fieldCost(inner, edgeType));
        }
      }
    }
    return cost;
  };

  return Math.max(1, selectionCost(operation.selectionSet, root));
}

/** Shopify refunds the difference once it knows the real size; this counts the objects actually returned. */
export function actualQueryCost(data: unknown, requested: number, isMutation: boolean): number {
  if (isMutation) return requested;
  let objects = 0;
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      objects++;
      Object.values(value).forEach(visit);
    }
  };
  visit(data);
  return Math.min(requested, Math.max(1, objects - 1));
}

export interface FakeBucketOptions {
  maximumAvailable: number;
  restoreRate: number;
  /** Shopify refuses any single query above this cost. */
  maxSingleQueryCost: number;
}

export class FakeLeakyBucket {
  #available: number;
  #at: number;

  constructor(
    readonly options: FakeBucketOptions,
    private readonly now: () => number,
  ) {
    this.#available = options.maximumAvailable;
    this.#at = now();
  }

  get currentlyAvailable(): number {
    const now = this.now();
    this.#available = Math.min(
      this.options.maximumAvailable,
      this.#available + ((now - this.#at) / 1000) * this.options.restoreRate,
    );
    this.#at = now;
    return this.#available;
  }

  take(cost: number): boolean {
    if (cost > this.currentlyAvailable) return false;
    this.#available -= cost;
    return true;
  }

  refund(points: number): void {
    this.#available = Math.min(this.options.maximumAvailable, this.currentlyAvailable + points);
  }

  drain(): void {
    void this.currentlyAvailable;
    this.#available = 0;
  }

  status() {
    return {
      maximumAvailable: this.options.maximumAvailable,
      currentlyAvailable: Math.floor(this.currentlyAvailable),
      restoreRate: this.options.restoreRate,
    };
  }
}
