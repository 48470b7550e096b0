import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { logger } from '../config/logger';
import { databaseAvailability, isDatabaseUnreachable, POOL_TIMEOUT } from '../db/availability';
import { RETRY_AFTER_SECONDS } from '../kernel/errors';
import type { Context } from '../kernel/context';
import { AppError } from '../kernel/errors';
import { english, inLocale, text, type Locale, type Text } from '../kernel/messages';

const STATEMENT_TIMEOUT = '57014';

// The catalogue message each formatted error says, for the answer in the client's language (Apollo's
// formatError has no request context; errorLanguagePlugin has).
const said = new WeakMap<GraphQLFormattedError, Text>();

function saying(formatted: GraphQLFormattedError, message: Text | null): GraphQLFormattedError {
  if (message) said.set(formatted, message);
  return formatted;
}

/** Typed errors reach the client as they are; anything unexpected becomes a generic error here and a full log entry. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && code && code !== 'INTERNAL_SERVER_ERROR') {
    return saying(formatted, original instanceof AppError ? original.text : null);
  }
  if ((original as { code?: string } | null)?.code === STATEMENT_TIMEOUT) {
    return saying({ message: english(text('TOO_SLOW')), path: formatted.path, extensions: { code: 'LIMIT_EXCEEDED' } }, text('TOO_SLOW'));
  }
  // A failure while the context is made (signing the caller in) arrives wrapped by Apollo.
  const cause = original instanceof GraphQLError && original.originalError ? original.originalError : original;
  // The outage is logged once (availability), not once per failed request; unavailable.ts sets the 503.
  if (isDatabaseUnreachable(cause)) {
    databaseAvailability.markDown(cause);
    return saying(
      { message: english(text('DATABASE_UNREACHABLE')), path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: RETRY_AFTER_SECONDS } },
      text('DATABASE_UNREACHABLE'),
    );
  }
  if (cause instanceof Error && cause.message === POOL_TIMEOUT) {
    logger().warn({ path: formatted.path }, 'no database connection came free in time');
    return saying({ message: english(text('BUSY')), path: formatted.path, extensions: { code: 'LIMIT_EXCEEDED' } }, text('BUSY'));
  }
  logger().error({ err: original, path: formatted.path }, 'unexpected error');
  return saying({ message: english(text('INTERNAL')), path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, text('INTERNAL'));
}

/** The errors of a GraphQL answer in the language the request asked for (`ctx.locale`). */
export function errorLanguagePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.locale === 'en' || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors) result.errors = result.errors.map((error) => inLocale(error, said.get(error) ?? null, contextValue.locale));
        },
      };
    },
  };
}

/**
 * An error raised while a request's context is made, in the request's language: Apollo answers it
 * without running any plugin.
 */
export function errorInLocale(error: unknown, locale: Locale): unknown {
  if (locale === 'en' || !(error instanceof AppError)) return error;
  const spoken = inLocale({ message: error.message, extensions: error.extensions }, error.text, locale);
  return new GraphQLError(spoken.message, { extensions: spoken.extensions });
}
