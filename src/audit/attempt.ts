import { GraphQLError } from 'graphql';
import { loader, type Context } from '../kernel/context';

/** What an attempt was aimed at, as its arguments name it. */
export interface NamedTarget {
  targetType: string;
  targetIds: string[];
}

/** The mutation under way in a request, and whether `mutation` took over its recording. */
export interface Attempt extends NamedTarget {
  action: string;
  claimed: boolean;
}

// Mutations of an operation run one after another, so a request has at most one under way.
export const attempts = (_ctx: Context): { current: Attempt | null } => ({ current: null });

/**
 * Tells the refusal recorder that `mutation` records the mutation under way, and returns the target
 * its arguments name (for a failure that never learned one), or null outside a mutation.
 */
export function claimAttempt(ctx: Context): NamedTarget | null {
  const attempt = loader(ctx, attempts).current;
  if (!attempt) return null;
  attempt.claimed = true;
  return { targetType: attempt.targetType, targetIds: attempt.targetIds };
}

/** The code and the client's message of an error a mutation ended in. */
export function errorOutcome(error: unknown): { code: string; message: string | null } {
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  // Only our own errors' messages are meant for the client; anything else stays in the log.
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR'
    ? { code, message: (error as GraphQLError).message }
    : { code: 'INTERNAL_SERVER_ERROR', message: null };
}

