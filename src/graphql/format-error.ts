import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { logger } from '../config/logger';

const STATEMENT_TIMEOUT = '57014';

/** Typed errors reach the client as they are; anything unexpected becomes a generic error here and a full log entry. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  if ((original as { code?: string } | null)?.code === STATEMENT_TIMEOUT) {
    return { message: 'The request took too long and was stopped', path: formatted.path, extensions: { code: 'LIMIT_EXCEEDED' } };
  }
  logger().error({ err: original, path: formatted.path }, 'unexpected error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
