import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RETRY_AFTER_SECONDS } from '../db/availability';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'LIMIT_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

// LIMIT_EXCEEDED is raised before execution (query cost), where Apollo would otherwise answer 500; an
// error may set its own `http` (a rate limit answers 429 with Retry-After).
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401, LIMIT_EXCEEDED: 400, SERVICE_UNAVAILABLE: 503 };

/** A domain error: a stable code in `extensions.code`, a message meant for the client. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    const status = HTTP_STATUS[code];
    super(message, { extensions: { code, ...(status ? { http: { status } } : {}), ...extra } });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in first: send Authorization: Bearer <token> from login') {
    super('UNAUTHENTICATED', message);
  }
}

/** Out of the caller's role or subtree; never says whether the target exists. */
export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed for this user') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} does not exist`);
  }
}

export class BadUserInputError extends AppError {
  constructor(
    readonly field: string,
    /** What is wrong, without the field's name (the message is `field: problem`). */
    readonly problem: string,
  ) {
    super('BAD_USER_INPUT', `${field}: ${problem}`, { field });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, field?: string) {
    super('CONFLICT', message, field ? { field } : {});
  }
}

export class LimitExceededError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super('LIMIT_EXCEEDED', message, extra);
  }
}

/**
 * The database cannot be reached: HTTP 503 with Retry-After. `outcome: UNKNOWN` marks a write whose
 * commit was sent but never answered: it may have been applied, so check before sending it again.
 */
export class ServiceUnavailableError extends AppError {
  constructor(outcome?: 'UNKNOWN') {
    super(
      'SERVICE_UNAVAILABLE',
      outcome
        ? 'The database connection was lost while this change was being committed: it may or may not have been applied'
        : 'The database is unreachable; try again shortly',
      { retryAfterSeconds: RETRY_AFTER_SECONDS, ...(outcome ? { outcome } : {}) },
    );
    const http = this.extensions.http as { status: number; headers?: HeaderMap };
    http.headers = new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]);
  }
}
