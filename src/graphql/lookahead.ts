import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../kernel/context';

/**
 * What a field of a listed item can read for every item of the list at once, before graphql-js
 * resolves the items one by one; the field then answers each item from what was read, without a
 * promise of its own. It only reads ahead: the field still checks access and validates its
 * arguments for every item, so a prefetch skips (rather than refuses) what it may not or cannot read.
 */
export type ListPrefetch<T> = (ctx: Context, items: readonly T[], args: Record<string, unknown>, subfields: ReadonlySet<string>) => Promise<void>;

const prefetches = new Map<string, ListPrefetch<never>>();

/** Declares the prefetch of `field` of the object type `typeName` (once, where the field is resolved). */
export function prefetchField<T>(typeName: string, field: string, prefetch: ListPrefetch<T>): void {
  prefetches.set(`${typeName}.${field}`, prefetch as ListPrefetch<never>);
}

/**
 * Runs the prefetch of every field selected on the items a list field returns: `path` leads from the
 * field's type to the items (`['edges', 'node']` for a connection, `[]` for a plain list).
 */
export async function prefetchSelected<T>(ctx: Context, info: GraphQLResolveInfo, path: readonly string[], items: readonly T[]): Promise<void> {
  if (items.length === 0 || prefetches.size === 0) return;
  let type = getNamedType(info.returnType);
  let fieldNodes: readonly FieldNode[] = info.fieldNodes;
  for (const step of path) {
    if (!isObjectType(type)) return;
    const field = type.getFields()[step];
    if (!field) return;
    fieldNodes = fieldNodes.flatMap((node) => selectedFields(info, node.selectionSet)).filter((node) => node.name.value === step);
    type = getNamedType(field.type);
  }
  if (!isObjectType(type) || fieldNodes.length === 0) return;
  const itemType: GraphQLObjectType = type;
  const work: Promise<void>[] = [];
  for (const node of fieldNodes.flatMap((parent) => selectedFields(info, parent.selectionSet))) {
    const prefetch = prefetches.get(`${itemType.name}.${node.name.value}`);
    const field = itemType.getFields()[node.name.value];
    if (!prefetch || !field) continue;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, info.variableValues);
    } catch {
      continue; // the field reports its bad arguments itself
    }
    const subfields = new Set(selectedFields(info, node.selectionSet).map((sub) => sub.name.value));
    // A prefetch that fails leaves the field to read (and report) on its own.
    work.push(prefetch(ctx, items as readonly never[], args, subfields).catch(() => undefined));
  }
  await Promise.all(work);
}

/**
 * Whether any field named in `names` is selected anywhere below the field being resolved (through
 * fragments, at any depth): what a root field reads ahead for when a field below will need it.
 */
export function selectsBelow(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const pending = info.fieldNodes.flatMap((node) => selectedFields(info, node.selectionSet));
  for (let field = pending.pop(); field !== undefined; field = pending.pop()) {
    if (names.has(field.name.value)) return true;
    pending.push(...selectedFields(info, field.selectionSet));
  }
  return false;
}

/** The fields of a selection set, through inline fragments and fragment spreads. */
function selectedFields(info: GraphQLResolveInfo, selectionSet: SelectionSetNode | undefined): FieldNode[] {
  if (!selectionSet) return [];
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...selectedFields(info, selection.selectionSet));
    else fields.push(...selectedFields(info, info.fragments[selection.name.value]?.selectionSet));
  }
  return fields;
}
