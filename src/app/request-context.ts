import crypto from 'node:crypto';
import type http from 'node:http';
import type { DataSource } from 'typeorm';
import type { Context, StatementCount } from '../kernel/context';
import { UnauthenticatedError } from '../kernel/errors';
import { text, type Locale } from '../kernel/messages';
import { addVary } from '../graphql/http';
import type { RequestObservation } from '../graphql/prometheus';
import { unavailableIfOutage } from '../graphql/unavailable';
import { userService } from '../users/user.service';

// What every request served here starts from, for /graphql and the downloads alike: its id, its
// language, and the caller read from the bearer token.

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** The context of a request: its id, the caller from the bearer token (if any), fresh loaders. */
export async function requestContext(
  dataSource: DataSource,
  authorization: string | undefined,
  requestId: string,
  clientAddress: string,
  locale: Locale,
  statements?: StatementCount,
  observation?: RequestObservation,
): Promise<Context> {
  const ctx: Context = { actor: null, dataSource, db: dataSource.manager, requestId, clientAddress, locale, loaders: new Map(), statements, observation };
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError(text('BEARER_FORMAT'));
    try {
      ctx.actor = await userService.authenticate(ctx, match[1]);
    } catch (error) {
      // Apollo answers a failed context 500 unless the error names its own status.
      throw unavailableIfOutage(error);
    }
  }
  return ctx;
}

/** The response says in which language its messages are, and that Accept-Language chose it. */
export function answersIn(res: http.ServerResponse, locale: Locale): void {
  res.setHeader('content-language', locale);
  addVary(res, 'Accept-Language');
}

/** The request's id: the caller's `x-request-id` when it is a sane one, a new one otherwise. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}
