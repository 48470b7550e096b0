/**
 * `data` as an instance of `Type` (same fields, Type's prototype). type-graphql hands a field
 * resolver its parent as an instance of the parent's class, copying a plain object into a new
 * instance on every call otherwise: for a list of a hundred nodes, a hundred copies per field.
 */
export function asInstance<T extends object, D extends object>(Type: abstract new (...args: never[]) => T, data: D): D {
  return Object.assign(Object.create(Type.prototype) as D, data);
}
