import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { logger } from '../config/logger';
import { databaseAvailability, isDatabaseUnreachable, POOL_TIMEOUT, RETRY_AFTER_SECONDS } from '../db/availability';

const STATEMENT_TIMEOUT = '57014';

/** Typed errors reach the client as they are; anything unexpected becomes a generic error here and a full log entry. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  if ((original as { code?: string } | null)?.code === STATEMENT_TIMEOUT) {
    return { message: 'The request took too long and was stopped', path: formatted.path, extensions: { code: 'LIMIT_EXCEEDED' } };
  }
  // A failure while the context is made (signing the caller in) arrives wrapped by Apollo.
  const cause = original instanceof GraphQLError && original.originalError ? original.originalError : original;
  // The outage is logged once (availability), not once per failed request; unavailable.ts sets the 503.
  if (isDatabaseUnreachable(cause)) {
    databaseAvailability.markDown(cause);
    return {
      message: 'The database is unreachable; try again shortly',
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: RETRY_AFTER_SECONDS },
    };
  }
  if (cause instanceof Error && cause.message === POOL_TIMEOUT) {
    logger().warn({ path: formatted.path }, 'no database connection came free in time');
    return { message: 'The server is busy; try again shortly', path: formatted.path, extensions: { code: 'LIMIT_EXCEEDED' } };
  }
  logger().error({ err: original, path: formatted.path }, 'unexpected error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
