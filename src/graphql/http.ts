import type http from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import bodyParser from 'body-parser';
import { logger } from '../config/logger';
import { english, inLocale, preferredLocale, text, type Text } from '../kernel/messages';

/** Serves one request; `context` makes its context once Apollo asks for it. */
type Handler<TContext> = (req: http.IncomingMessage, res: http.ServerResponse, context: () => Promise<TContext>) => void;

/** The JSON error body of a request refused before GraphQL runs, in the language it asked for. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: Text, code: string): void {
  const refusal = inLocale({ message: english(message), extensions: { code } }, message, preferredLocale(req.headers['accept-language']));
  const body = JSON.stringify({ errors: [refusal] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * /graphql on Node's own HTTP server, as Apollo's standalone server serves it: the JSON body parsed
 * (at most `maxBody`), the request handed to Apollo with the context the caller makes, the answer
 * written as it comes. No web framework sits in between: the rest of the routes (downloads, health)
 * are the application's.
 */
export function graphqlHttpHandler<TContext extends object>(
  apollo: ApolloServer<TContext>,
  maxBody: string,
): Handler<TContext> {
  apollo.assertStarted('graphqlHttpHandler()');
  const json = bodyParser.json({ limit: maxBody });
  return (req, res, context) => {
    json(req, res, (error?: { type?: string }) => {
      if (error) {
        if (error.type === 'entity.too.large') return refuse(req, res, 413, text('BODY_TOO_LARGE', { max: maxBody }), 'LIMIT_EXCEEDED');
        return refuse(req, res, 400, text('BODY_NOT_JSON'), 'BAD_REQUEST');
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const query = req.url!.indexOf('?');
      apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: req.method!.toUpperCase(),
            headers,
            search: query < 0 ? '' : req.url!.slice(query),
            body: (req as { body?: unknown }).body,
          },
          context,
        })
        .then(async (response) => {
          for (const [key, value] of response.headers) {
            // Vary may already be set (Origin, Accept-Language); Apollo's own Vary joins it.
            if (key === 'vary') addVary(res, value);
            else res.setHeader(key, value);
          }
          res.statusCode = response.status ?? 200;
          if (response.body.kind === 'complete') {
            res.setHeader('content-length', Buffer.byteLength(response.body.string));
            res.end(response.body.string);
            return;
          }
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        })
        .catch((failure: unknown) => {
          // Apollo answers every GraphQL error itself; this is a broken connection or a bug.
          logger().error({ err: failure, requestId: res.getHeader('x-request-id') }, 'graphql response failed');
          if (!res.headersSent) refuse(req, res, 500, text('INTERNAL'), 'INTERNAL_SERVER_ERROR');
          else res.destroy(failure instanceof Error ? failure : undefined);
        });
    });
  };
}

/** Adds `value` to the response's Vary header, keeping what earlier steps put there. */
export function addVary(res: http.ServerResponse, value: string): void {
  const earlier = res.getHeader('vary');
  res.setHeader('vary', earlier === undefined ? value : `${String(earlier)}, ${value}`);
}
