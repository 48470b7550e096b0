import { Role } from '../../src/kernel/actor';
import { createUser, smallTree } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

// A budget of five `{ me { username } }` (101 each) per minute.
const h = useHarness({ RATE_LIMIT_COST: '505', RATE_LIMIT_WINDOW_SECONDS: '60' });

async function post(query: string, token?: string) {
  const response = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { data?: any; errors?: { extensions: Record<string, unknown> }[] } };
}

describe('the per-caller cost budget', () => {
  it('answers a caller over its budget with HTTP 429, Retry-After and LIMIT_EXCEEDED, and no one else', async () => {
    await smallTree(h.db);
    const [first, second] = [await createUser(h.db, '32', [Role.ANALYST], 'first'), await createUser(h.db, '32', [Role.ANALYST], 'second')];
    for (let i = 0; i < 5; i++) expect((await post('{ me { username } }', first.token)).status).toBe(200);
    const refused = await post('{ me { username } }', first.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    const extensions = refused.body.errors?.[0].extensions;
    expect(extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(extensions?.retryAfterSeconds).toBe(Number(refused.retryAfter));
    expect(refused.body.data).toBeUndefined();
    // Another user has a budget of its own.
    expect((await post('{ me { username } }', second.token)).body.data).toEqual({ me: { username: 'second' } });
  });

  it('charges what an operation costs, not one per request', async () => {
    await smallTree(h.db);
    // Ids start again at 1 in every test while the server's budgets live on: spend two first.
    await createUser(h.db, '32', [Role.ANALYST], 'one');
    await createUser(h.db, '32', [Role.ANALYST], 'two');
    const user = await createUser(h.db, '32', [Role.ANALYST], 'costly');
    const four = `{ ${[1, 2, 3, 4].map((i) => `a${i}: me { username }`).join(' ')} }`;
    expect((await post(four, user.token)).status).toBe(200);
    expect((await post('{ me { username } }', user.token)).status).toBe(200);
    expect((await post('{ me { username } }', user.token)).status).toBe(429);
  });

  it('keys signed-out callers by their address', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post('{ a: grantableRoles b: __typename }'));
    expect(answers.map((a) => a.status)).toContain(429);
    expect(errorCodes({ status: 429, data: null, errors: answers.at(-1)!.body.errors as never, extensions: undefined })).toEqual(['LIMIT_EXCEEDED']);
  });
});
