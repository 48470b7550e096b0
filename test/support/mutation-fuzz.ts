import type { Harness } from './harness';

/** One drawn call: the document, its variables, and who sends it. */
export interface DrawnCall {
  query: string;
  variables: Record<string, unknown>;
  token: string;
}

/**
 * Sends `cases` calls one after another, each drawn by `call`: every answer must be data or a typed error
 * (never INTERNAL_SERVER_ERROR or HTTP 5xx), and a refused call must leave `counts` (a summary of the tables
 * the calls write) as it found them. Enough calls must get through, and enough be refused as bad input, for
 * the run to mean something.
 */
export async function fuzzMutations(h: Harness, cases: number, call: () => DrawnCall, counts: () => Promise<unknown>): Promise<void> {
  const failures: unknown[] = [];
  const outcomes = new Map<string, number>();
  for (let i = 0; i < cases; i += 1) {
    const { query, variables, token } = call();
    const before = await counts();
    const res = await h.gql(query, variables, token);
    const code = res.errors ? res.errors[0].extensions.code : 'OK';
    outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    if (res.status >= 500 || code === 'INTERNAL_SERVER_ERROR' || code === undefined) failures.push({ query, variables, errors: res.errors });
    if (res.errors && JSON.stringify(await counts()) !== JSON.stringify(before)) failures.push({ halfWritten: query, variables });
  }
  expect(failures).toEqual([]);
  expect(outcomes.get('OK') ?? 0).toBeGreaterThan(5);
  expect(outcomes.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(cases / 10);
}
