import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { TEST_TOKEN_SECRET, useHarness, type Harness } from '../support/harness';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
// How a page or a script would reach another host: the hosts Apollo's landing page and GraphiQL's CDN set-up use,
// and any load or fetch of an absolute URL.
const EXTERNAL_LOADS = [
  /\/\/(unpkg\.com|cdn\.jsdelivr\.net|fonts\.googleapis\.com|fonts\.gstatic\.com|[\w.-]*apollographql\.com)/,
  /(fetch|importScripts|import)\(\s*["'`]https?:\/\//,
  /\b(src|href)\s*=\s*["'`]https?:\/\//,
];

/** Every src= and href= of a page, and every url( of a stylesheet. */
function references(text: string): string[] {
  const attributes = [...text.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
  const urls = [...text.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)].map((m) => m[2]);
  return [...attributes, ...urls];
}

/** Opens the explorer page at `path`, then checks that it and everything it loads come from the server itself. */
async function checkOffline(h: Harness, path: string): Promise<string[]> {
  const pageUrl = `${h.url}${path}`;
  const page = await fetch(pageUrl, { headers: { accept: HTML } });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  // The browser itself refuses anything from elsewhere: every source in the policy is this server, inline styles or data:.
  const policy = page.headers.get('content-security-policy') ?? '';
  expect(policy).toMatch(/(^|;)\s*default-src 'self'\s*(;|$)/);
  const sources = policy.split(';').flatMap((directive) => directive.trim().split(/\s+/).slice(1));
  expect(sources.filter((source) => !["'self'", "'none'", "'unsafe-inline'", 'data:'].includes(source))).toEqual([]);
  const html = await page.text();
  expect(html).toContain('id="graphiql"');

  const checked: string[] = [];
  const pending = references(html).map((ref) => new URL(ref, pageUrl));
  expect(pending.length).toBeGreaterThanOrEqual(4);
  for (const pattern of EXTERNAL_LOADS) expect(html).not.toMatch(pattern);
  while (pending.length > 0) {
    const url = pending.shift()!;
    if (url.protocol === 'data:') continue;
    expect(url.origin).toBe(new URL(h.url).origin);
    const asset = await fetch(url);
    expect([url.pathname, asset.status]).toEqual([url.pathname, 200]);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000/);
    const body = await asset.text();
    if (url.pathname.endsWith('.css')) {
      expect(asset.headers.get('content-type')).toMatch(/^text\/css/);
      pending.push(...references(body).map((ref) => new URL(ref, url)));
    } else {
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    }
    for (const pattern of EXTERNAL_LOADS) expect([url.pathname, pattern, pattern.test(body)]).toEqual([url.pathname, pattern, false]);
    checked.push(url.pathname);
  }
  return checked;
}

// Node's own client, so that the answer is seen as sent (fetch would undo the compression).
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

// Debian's package; where it is not installed the page is checked by its references alone.
const chromium = spawnSync('chromium', ['--version']).status === 0;

describe('the API explorer in development', () => {
  const h = useHarness();

  (chromium ? it : it.skip)('renders in a headless browser under its policy, with nothing refused', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', '--virtual-time-budget=10000', '--dump-dom', `${h.url}/explorer`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    // The DOM React built: GraphiQL's frame and its query editor.
    expect(stdout).toContain('class="graphiql-container"');
    expect(stdout).toContain('aria-label="Query Editor"');
    // The page's console: a load the policy refused, or any error, would be here.
    expect(stderr.split('\n').filter((line) => /:CONSOLE|Content Security Policy/.test(line))).toEqual([]);
  }, 90_000);

  it('is served at /explorer with React and GraphiQL from this server only', async () => {
    const assets = await checkOffline(h, '/explorer');
    // The stylesheet, React, ReactDOM, GraphiQL and what starts it.
    expect(assets.filter((p) => /\/graphiql-[\d.]+\.min\.[0-9a-f]+\.css$/.test(p))).toHaveLength(1);
    for (const name of ['react', 'react-dom', 'graphiql']) expect(assets.filter((p) => new RegExp(`/${name}-[\\d.]+\\.`).test(p) && p.endsWith('.js'))).toHaveLength(1);
  });

  it('is what a browser gets at /graphql, where API calls are answered as before', async () => {
    await checkOffline(h, '/graphql');
    expect((await h.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    const get = await fetch(`${h.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' }, extensions: expect.any(Object) });
  });

  it('sends GraphiQL compressed to a browser that accepts it, and answers 404 for an unknown asset', async () => {
    const page = await (await fetch(`${h.url}/explorer`)).text();
    const script = /src="([^"]*graphiql-[^"]*\.js)"/.exec(page)![1];
    const plain = await raw(`${h.url}/${script}`, {});
    const gzipped = await raw(`${h.url}/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 3);
    expect((await raw(`${h.url}/explorer/assets/graphiql.js`, {})).status).toBe(404);
  });
});

const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://owner@127.0.0.1/yiyang', JWT_SECRET: TEST_TOKEN_SECRET };

describe('the API explorer in production', () => {
  const h = useHarness(PRODUCTION);

  it('is not served unless EXPLORER=on, and no landing page is either', async () => {
    expect((await fetch(`${h.url}/explorer`, { headers: { accept: HTML } })).status).toBe(404);
    const browser = await fetch(`${h.url}/graphql`, { headers: { accept: HTML } });
    expect(browser.headers.get('content-type')).not.toMatch(/^text\/html/);
    expect(await browser.text()).not.toMatch(/<script/i);
  });
});

describe('the API explorer in production with EXPLORER=on', () => {
  const h = useHarness({ ...PRODUCTION, EXPLORER: 'on' });

  it('is served offline, and can read the schema', async () => {
    await checkOffline(h, '/explorer');
    expect((await h.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
