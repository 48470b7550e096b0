import { getNamedType, isLeafType, isObjectType, type GraphQLField, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

// type-graphql calls every field through machinery for features this API does not use (its own
// middlewares, auth checker, argument validation, a dependency container):
// - it passes each argument through an async validator, validation off or not, so every field that
//   takes an argument answers with a promise: a list of a hundred nodes, each with its coverage,
//   awaits a hundred promises and their Promise.all before one byte is written;
// - it wraps every plain property of a type not marked `simpleResolvers` in a resolver of its own.
// `withDirectResolvers` keeps the schema as built (types, arguments, descriptions, complexity) and
// changes only how fields are called: a plain property is read without a resolver (graphql-jit reads
// it inline, see executor.ts), and a resolver method whose arguments are all scalars or enums is
// called directly with them. A property declared `simple: false` may hold a promise (a connection's
// count, made only when asked for) and keeps a resolver that reads it. Anything else (input objects,
// argument classes, custom parameters, a root that needs converting into its class) keeps
// type-graphql's own resolver.

type Param = NonNullable<ReturnType<typeof getMetadataStorage>['queries'][number]['params']>[number];
type Handler = (...params: unknown[]) => unknown;

/** How to read one parameter of a method without type-graphql, or null when it needs type-graphql. */
function directParam(param: Param, field: GraphQLField<unknown, unknown>): ((root: any, args: any, ctx: any, info: any) => unknown) | 'convert-root' | null {
  switch (param.kind) {
    case 'context':
      return param.propertyName ? (_root, _args, ctx) => ctx[param.propertyName!] : (_root, _args, ctx) => ctx;
    case 'info':
      return (_root, _args, _ctx, info) => info;
    case 'root': {
      const type = param.getType?.();
      if (param.propertyName) return null;
      // A root declared as its own class is converted into it when it is not one already.
      return type === undefined || type === Object ? (root) => root : 'convert-root';
    }
    case 'arg': {
      if (param.validateFn || (param.validateSettings !== undefined && param.validateSettings !== false)) return null;
      const arg = field.args.find((candidate) => candidate.name === param.name);
      if (!arg || !isLeafType(getNamedType(arg.type))) return null;
      const name = param.name;
      return (_root, args) => args[name];
    }
    default:
      return null;
  }
}

/** A direct call of `method` on `instance`, or null when a parameter needs type-graphql. */
function directResolver(
  instance: Record<string, Handler>,
  method: string,
  params: readonly Param[],
  field: GraphQLField<unknown, unknown>,
  original: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> | null {
  const ordered = [...params].sort((a, b) => a.index - b.index);
  const readers = ordered.map((param) => directParam(param, field));
  if (readers.some((reader) => reader === null)) return null;
  const rootType = ordered.find((param) => param.kind === 'root')?.getType?.() as (new () => unknown) | undefined;
  const convertsRoot = readers.includes('convert-root');
  const read = readers as ((root: unknown, args: unknown, ctx: unknown, info: unknown) => unknown)[];
  const handler = instance[method];
  return (root, args, ctx, info) => {
    if (convertsRoot && !(root instanceof rootType!)) return original(root, args, ctx, info);
    const values = new Array<unknown>(read.length);
    for (let i = 0; i < read.length; i++) values[i] = convertsRoot && readers[i] === 'convert-root' ? root : read[i](root, args, ctx, info);
    return handler.apply(instance, values);
  };
}

/** Resolves fields of `schema` (built by type-graphql from these resolver classes) without type-graphql's per-call machinery; returns how many fields changed. */
export function withDirectResolvers(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  const typeNames = new Map<Function, string>(storage.objectTypes.map((type) => [type.target, type.name]));
  const instances = new Map<Function, Record<string, Handler>>();
  const instanceOf = (target: Function) => {
    let instance = instances.get(target);
    if (!instance) {
      instance = new (target as new () => Record<string, Handler>)();
      instances.set(target, instance);
    }
    return instance;
  };
  let changed = 0;
  const direct = (typeName: string | undefined, fieldName: string, target: Function, method: string, params: readonly Param[], plain: 'plain' | 'awaited' | null) => {
    const type = typeName ? schema.getType(typeName) : undefined;
    if (!isObjectType(type)) return;
    const field = type.getFields()[fieldName];
    if (!field?.resolve) return;
    if (plain) {
      field.resolve = plain === 'plain' ? undefined : (root) => (root as Record<string, unknown>)[fieldName];
      changed++;
      return;
    }
    const resolver = directResolver(instanceOf(target), method, params, field, field.resolve);
    if (resolver) {
      field.resolve = resolver;
      changed++;
    }
  };
  const unused = (meta: { middlewares?: unknown[]; roles?: unknown[] }) => (meta.middlewares?.length ?? 0) === 0 && meta.roles === undefined;

  for (const query of storage.queries) if (unused(query)) direct(schema.getQueryType()?.name, query.schemaName, query.target, query.methodName, query.params ?? [], null);
  for (const mutation of storage.mutations) if (unused(mutation)) direct(schema.getMutationType()?.name, mutation.schemaName, mutation.target, mutation.methodName, mutation.params ?? [], null);
  for (const resolver of storage.fieldResolvers) {
    if (resolver.kind !== 'external' || !resolver.getObjectType || !unused(resolver)) continue;
    direct(typeNames.get(resolver.getObjectType()), resolver.schemaName, resolver.target, resolver.methodName, resolver.params ?? [], null);
  }
  // Plain properties: those with a resolver of any kind were handled above or keep theirs.
  const resolved = new Set(storage.fieldResolvers.filter((resolver) => resolver.getObjectType).map((resolver) => `${typeNames.get(resolver.getObjectType!())}.${resolver.methodName}`));
  for (const type of storage.objectTypes) {
    for (const field of type.fields ?? []) {
      if (field.name !== field.schemaName || !unused(field) || resolved.has(`${type.name}.${field.name}`)) continue;
      direct(type.name, field.schemaName, type.target, field.name, [], field.simple === false ? 'awaited' : 'plain');
    }
  }
  return changed;
}
