import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import { addVary } from './http';
import path from 'node:path';
import zlib from 'node:zlib';

/** The page's policy: everything from this server; GraphiQL's fonts are data: URLs in its stylesheet. */
export const EXPLORER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
// An asset's name carries a hash of its content: it can be cached for good.
const IMMUTABLE = 'public, max-age=31536000, immutable';

// Starts GraphiQL against this server's /graphql, found relative to the page (it works behind a path prefix).
const BOOT_JS = `(function () {
  var fetcher = GraphiQL.createFetcher({ url: new URL('graphql', document.baseURI).href });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }),
  );
})();
`;
const PAGE_CSS = 'html, body, #graphiql { height: 100%; margin: 0; }\n';

interface Asset {
  name: string;
  type: string;
  body: Buffer;
  gzipped?: Buffer;
}

function packageFile(pkg: string, file: string): Buffer {
  return fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file));
}

function asset(base: string, ext: string, body: Buffer): Asset {
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name: `${base}.${hash}.${ext}`, type: TYPES[ext], body };
}

function page(assets: Asset[]): string {
  const styles = assets.filter((a) => a.name.endsWith('.css')).map((a) => `  <link rel="stylesheet" href="explorer/assets/${a.name}">`);
  const scripts = assets.filter((a) => a.name.endsWith('.js')).map((a) => `  <script src="explorer/assets/${a.name}"></script>`);
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>颐养 API explorer</title>
${styles.join('\n')}
</head>
<body>
  <div id="graphiql">Loading…</div>
${scripts.join('\n')}
</body>
</html>
`;
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer): void {
  const { vary, ...rest } = headers;
  if (vary !== undefined) addVary(res, String(vary));
  res.writeHead(status, { ...rest, 'content-length': body.length, 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * GraphiQL served by this server alone, for networks without internet access: the page at /explorer (and
 * at /graphql for a browser), React and GraphiQL from npm at /explorer/assets/. Returns the routes'
 * handler: true when it has answered the request.
 */
export function explorerRoutes(): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  // In order: the stylesheets, then the scripts as each needs the one before.
  const assets = [
    asset(`graphiql-${packageVersion('graphiql')}.min`, 'css', packageFile('graphiql', 'graphiql.min.css')),
    asset('explorer', 'css', Buffer.from(PAGE_CSS)),
    asset(`react-${packageVersion('react')}.production.min`, 'js', packageFile('react', 'umd/react.production.min.js')),
    asset(`react-dom-${packageVersion('react-dom')}.production.min`, 'js', packageFile('react-dom', 'umd/react-dom.production.min.js')),
    asset(`graphiql-${packageVersion('graphiql')}.min`, 'js', packageFile('graphiql', 'graphiql.min.js')),
    asset('explorer', 'js', Buffer.from(BOOT_JS)),
  ];
  const byName = new Map(assets.map((a) => [a.name, a]));
  const html = Buffer.from(page(assets));
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const isPage = url === '/explorer' || (url === '/graphql' && /\btext\/html\b/.test(req.headers.accept ?? ''));
    if (isPage) {
      send(req, res, 200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': EXPLORER_CSP, 'cache-control': 'no-cache', 'referrer-policy': 'no-referrer' }, html);
      return true;
    }
    if (!url.startsWith('/explorer/assets/')) return false;
    const found = byName.get(url.slice('/explorer/assets/'.length));
    if (!found) {
      send(req, res, 404, { 'content-type': 'text/plain; charset=utf-8' }, Buffer.from('Not found\n'));
      return true;
    }
    const headers: http.OutgoingHttpHeaders = { 'content-type': found.type, 'cache-control': IMMUTABLE, vary: 'Accept-Encoding' };
    // GraphiQL's script is 3.5 MB; compressed once, on first use, it is under a quarter of that.
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      found.gzipped ??= zlib.gzipSync(found.body);
      send(req, res, 200, { ...headers, 'content-encoding': 'gzip' }, found.gzipped);
    } else {
      send(req, res, 200, headers, found.body);
    }
    return true;
  };
}

function packageVersion(pkg: string): string {
  return (JSON.parse(packageFile(pkg, 'package.json').toString('utf8')) as { version: string }).version;
}
