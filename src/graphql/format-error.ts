import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { logger } from '../config/logger';

const STATEMENT_TIMEOUT = '57014';
// pg-pool's answer when no connection came free within connectionTimeoutMillis.
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

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
  if (cause instanceof Error && cause.message === POOL_TIMEOUT) {
    logger().warn({ path: formatted.path }, 'no database connection came free in time');
    return { message: 'The server is busy; try again shortly', path: formatted.path, extensions: { code: 'LIMIT_EXCEEDED' } };
  }
  logger().error({ err: original, path: formatted.path }, 'unexpected error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
