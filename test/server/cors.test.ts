import http from 'node:http';
import { Role } from '../../src/kernel/actor';
import { PREFLIGHT_MAX_AGE_SECONDS } from '../../src/graphql/cors';
import { createUser, smallTree } from '../support/factories';
import { useHarness } from '../support/harness';

const FRONTEND = 'http://example.gov.cn';
const OTHER_FRONTEND = 'https://desk.example.gov.cn:8443';
const STRANGER = 'http://evil.example.com';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// Node's own client: a browser's headers (Origin, Access-Control-Request-*) sent exactly as given.
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function preflight(url: string, origin: string, method = 'POST', headers = 'authorization, content-type'): Promise<RawResponse> {
  return send(url, 'OPTIONS', { origin, 'access-control-request-method': method, 'access-control-request-headers': headers });
}

const ME = JSON.stringify({ query: '{ me { username } }' });

describe('a frontend on another origin', () => {
  const h = useHarness({ CORS_ORIGINS: `${FRONTEND},${OTHER_FRONTEND}` });

  it.each([FRONTEND, OTHER_FRONTEND])('is allowed from a listed origin (%s): preflight, then the request with its token', async (origin) => {
    await smallTree(h.db);
    const user = await createUser(h.db, '110101', [Role.CIVIL_AFFAIRS_STAFF]);

    const answer = await preflight(`${h.url}/graphql`, origin);
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(answer.headers['access-control-allow-methods']?.split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(answer.headers['access-control-allow-headers']?.split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(answer.headers['access-control-max-age']).toBe(String(PREFLIGHT_MAX_AGE_SECONDS));
    expect(answer.headers.vary).toMatch(/\bOrigin\b/);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();

    const call = await send(`${h.url}/graphql`, 'POST', { origin, 'content-type': 'application/json', authorization: `Bearer ${user.token}` }, ME);
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body)).toEqual({ data: { me: { username: user.username } }, extensions: expect.any(Object) });
    expect(call.headers['access-control-allow-origin']).toBe(origin);
    expect(call.headers['access-control-expose-headers']?.split(/,\s*/)).toContain('x-request-id');
    expect(call.headers.vary).toMatch(/\bOrigin\b/);
  });

  it.each([
    [STRANGER],
    [`${FRONTEND}:8080`], // another port is another origin
    [FRONTEND.replace('http:', 'https:')],
    ['null'], // a sandboxed frame or a file:// page
  ])('is refused from an unlisted origin (%s): 403 and no CORS header', async (origin) => {
    const answer = await preflight(`${h.url}/graphql`, origin);
    expect(answer.status).toBe(403);
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);

    // Sent anyway (no browser would), the answer carries nothing that lets a page read it.
    const call = await send(`${h.url}/graphql`, 'POST', { origin, 'content-type': 'application/json' }, JSON.stringify({ query: '{ __typename }' }));
    expect(Object.keys(call.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    ['GET with no preflight-forcing header', 'GET', `/graphql?query=${encodeURIComponent('{ __typename }')}`, {}, undefined],
    ['POST as text/plain', 'POST', '/graphql', { 'content-type': 'text/plain' }, JSON.stringify({ query: '{ __typename }' })],
    ['POST as a form', 'POST', '/graphql', { 'content-type': 'application/x-www-form-urlencoded' }, 'query=%7B__typename%7D'],
  ])('still meets CSRF prevention for a simple request, listed origin or not: %s', async (_label, method, path, headers, body) => {
    for (const origin of [FRONTEND, STRANGER]) {
      const call = await send(`${h.url}${path}`, method, { origin, ...headers }, body);
      expect(call.status).toBe(400);
      expect(call.body).toMatch(/cross-site request forgery/i);
      expect(call.body).not.toContain('__typename":"Query');
    }
  });

  it('lets a listed origin fetch a download with a bearer token and read the answer', async () => {
    const answer = await preflight(`${h.url}/exports/notices/1.csv`, FRONTEND, 'GET', 'authorization');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(answer.headers['access-control-allow-headers']?.split(/,\s*/)).toContain('authorization');

    const refused = await preflight(`${h.url}/exports/notices/1.csv`, STRANGER, 'GET', 'authorization');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    // A token that is no token: the refusal is readable by the page, with its code.
    const download = await send(`${h.url}/exports/notices/1.csv`, 'GET', { origin: FRONTEND, authorization: 'Bearer not-a-token' });
    expect(download.status).toBe(401);
    expect(download.headers['access-control-allow-origin']).toBe(FRONTEND);
    expect(download.headers['access-control-expose-headers']?.split(/,\s*/)).toEqual(expect.arrayContaining(['content-disposition', 'x-request-id']));
    expect(JSON.parse(download.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('with no CORS_ORIGINS', () => {
  const h = useHarness();

  it('refuses every preflight, and same-origin calls work as before', async () => {
    const answer = await preflight(`${h.url}/graphql`, FRONTEND);
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect((await h.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});
