import type http from 'node:http';
import { addVary } from './http';

// What a page on another origin needs to call the API and its downloads with a bearer token.
const ALLOW_METHODS = 'GET, POST';
const ALLOW_HEADERS = 'authorization, content-type, x-request-id, apollo-require-preflight';
// Read by a frontend: a download's file name, the retry hint of a 429 or 503, the id to quote in a report.
const EXPOSE_HEADERS = 'content-disposition, retry-after, x-request-id';
// Chromium caps a preflight's cache at 2 hours; a longer value would only be cut.
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * Cross-origin access for the pages of `origins` (exact `scheme://host[:port]`), before any route runs.
 * Returns true when it has answered the request: a preflight, 204 with what the API accepts for a listed
 * origin and 403 without any CORS header for any other. Other requests go on; a listed origin's get
 * `Access-Control-Allow-Origin`. No credentials are allowed: the API is called with bearer tokens, not cookies.
 * This only lets listed pages read answers; Apollo's CSRF prevention still refuses simple requests.
 */
export function corsGate(origins: readonly string[]): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const listed = new Set(origins);
  return (req, res) => {
    if (listed.size === 0 && req.method !== 'OPTIONS') return false;
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && listed.has(origin);
    // Answers differ by origin: shared caches must key them by it.
    if (listed.size > 0) addVary(res, 'Origin');
    if (req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined) {
      if (!allowed) {
        res.writeHead(403, { 'content-length': 0 });
        res.end();
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
        'content-length': 0,
      });
      res.end();
      return true;
    }
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
    }
    return false;
  };
}
