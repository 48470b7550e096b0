import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { english, text, type Text } from './messages';

/** Seconds a client is told to wait before trying again while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

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

/**
 * A domain error: a stable code in `extensions.code`, a message meant for the client. A message given
 * as a Text (an id from the catalogue of graphql/messages.ts) is answered in the client's language;
 * a plain English one is answered, in Chinese, by its code's generic message.
 */
export class AppError extends GraphQLError {
  /** The message by its id, when the catalogue has it. */
  readonly text: Text | null;

  constructor(
    readonly code: ErrorCode,
    message: string | Text,
    extra: Record<string, unknown> = {},
  ) {
    const status = HTTP_STATUS[code];
    super(typeof message === 'string' ? message : english(message), { extensions: { code, ...(status ? { http: { status } } : {}), ...extra } });
    this.text = typeof message === 'string' ? null : message;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message: string | Text = text('SIGN_IN_FIRST')) {
    super('UNAUTHENTICATED', message);
  }
}

/** Out of the caller's role or subtree; never says whether the target exists. */
export class ForbiddenError extends AppError {
  constructor(message: string | Text = text('NOT_ALLOWED')) {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string | Text) {
    super('NOT_FOUND', typeof what === 'string' ? `${what} does not exist` : text('DOES_NOT_EXIST', { what }));
  }
}

export class BadUserInputError extends AppError {
  /** What is wrong, without the field's name (the message is `field: problem`), in English. */
  readonly problem: string;

  constructor(
    readonly field: string,
    problem: string | Text,
  ) {
    super('BAD_USER_INPUT', typeof problem === 'string' ? `${field}: ${problem}` : text('FIELD_PROBLEM', { field, problem }), { field });
    this.problem = typeof problem === 'string' ? problem : english(problem);
  }
}

export class ConflictError extends AppError {
  constructor(message: string | Text, field?: string) {
    super('CONFLICT', message, field ? { field } : {});
  }
}

export class LimitExceededError extends AppError {
  constructor(message: string | Text, extra: Record<string, unknown> = {}) {
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
      text(outcome ? 'COMMIT_OUTCOME_UNKNOWN' : 'DATABASE_UNREACHABLE'),
      { retryAfterSeconds: RETRY_AFTER_SECONDS, ...(outcome ? { outcome } : {}) },
    );
    const http = this.extensions.http as { status: number; headers?: HeaderMap };
    http.headers = new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]);
  }
}
