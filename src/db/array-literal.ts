/**
 * A PostgreSQL array literal of whole numbers (`{1,2,3}`), for `$n::int[]` / `$n::bigint[]`
 * parameters of set-wise statements: pg would quote and escape every element of a JS array, which
 * costs more than the statement itself when it carries hundreds of thousands of them.
 */
export function integerArray(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number: ${value}`);
  }
  return `{${values.join(',')}}`;
}

/** A literal of integer-array literals for a `$n::text[]` parameter cast row by row to int[] (`{"{1,2}","{3}"}`). */
export function integerArrays(values: readonly (readonly number[])[]): string {
  return `{${values.map((inner) => `"${integerArray(inner)}"`).join(',')}}`;
}
