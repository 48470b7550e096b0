import type { ApolloServerPlugin } from '@apollo/server';
import { databaseAvailability, isDatabaseUnreachable } from '../db/availability';
import { RETRY_AFTER_SECONDS } from '../kernel/errors';
import { ServiceUnavailableError } from '../kernel/errors';

/** `error` as the client should see it: a ServiceUnavailableError when it says the database cannot be reached. */
export function unavailableIfOutage(error: unknown): unknown {
  if (error instanceof ServiceUnavailableError || !isDatabaseUnreachable(error)) return error;
  databaseAvailability.markDown(error);
  return new ServiceUnavailableError();
}

/**
 * A GraphQL answer that carries SERVICE_UNAVAILABLE (the database went away while it ran) is sent
 * as HTTP 503 with Retry-After, as an HTTP client or proxy expects of a temporary outage.
 */
export function serviceUnavailablePlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          if (!response.body.singleResult.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
