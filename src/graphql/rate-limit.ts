import { HeaderMap } from '@apollo/server';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Context } from '../kernel/context';
import { LimitExceededError } from '../kernel/errors';
import { text } from '../kernel/messages';

/** Who a budget belongs to: the signed-in user, or else the client's address. */
export function callerKey(ctx: Pick<Context, 'actor' | 'clientAddress'>): string {
  return ctx.actor ? `user:${ctx.actor.userId}` : `address:${ctx.clientAddress}`;
}

/**
 * Each caller's budget of query cost per window (fixed windows, kept in this process's memory): every
 * operation that passes the cost limit is charged its estimated cost; once a caller has spent
 * `points` in the window, its operations are refused with HTTP 429, `Retry-After` and LIMIT_EXCEEDED
 * until the window ends. A refused operation is charged too, so a client that keeps sending keeps
 * being refused instead of taking the budget back at the start of every window.
 */
export function costBudget(points: number, windowSeconds: number): (ctx: Context, cost: number) => Promise<void> {
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  return async (ctx, cost) => {
    try {
      await limiter.consume(callerKey(ctx), cost);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new LimitExceededError(text('RATE_LIMIT', { points, windowSeconds, retryAfterSeconds }), {
        retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
      });
    }
  };
}
