// Batched reads answer many keys from one statement: each key's rows, in the order the keys came.

/** The rows of each key, in the order of `keys` (an empty list for a key with none), row order kept. */
export function groupByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const byKey = new Map<K, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) byKey.get(keyOf(row))?.push(row);
  return keys.map((key) => byKey.get(key) ?? []);
}
