import { logger } from '../config/logger';

// Socket failures that mean the server cannot be reached (or went away mid-conversation).
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE class 08 (connection exception) and the shutdown codes of class 57: admin_shutdown,
// crash_shutdown, cannot_connect_now (starting up, shutting down, in recovery).
const SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);
// node-postgres says these in words only.
const MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection terminated due to connection timeout',
];
// TypeORM releases a transaction's query runner when its connection fails; its next statement says so.
const RELEASED = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
// pg-pool's answer when no connection came free in time: the database is unreachable only when
// it is already known to be down (otherwise the pool is merely busy).
export const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

/** Thrown by a statement meant for a transaction whose connection has died. */
export class ConnectionLostError extends Error {
  constructor() {
    super("the transaction's database connection was lost");
  }
}

function causes(error: unknown): unknown[] {
  const seen: unknown[] = [];
  let current = error;
  while (current && typeof current === 'object' && !seen.includes(current) && seen.length < 8) {
    seen.push(current);
    const e = current as { originalError?: unknown; driverError?: unknown; cause?: unknown };
    current = e.originalError ?? e.driverError ?? e.cause;
  }
  return seen;
}

/** Whether `error` (or what it wraps) says the database cannot be reached, rather than that a statement failed. */
export function isDatabaseUnreachable(error: unknown): boolean {
  return causes(error).some((e) => {
    if (e instanceof ConnectionLostError || RELEASED.has((e as Error).name)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnreachable(inner))) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.has(code))) return true;
    if (typeof message !== 'string') return false;
    if (message === POOL_TIMEOUT) return databaseAvailability.isDown();
    return MESSAGES.some((m) => message.startsWith(m));
  });
}

const PROBE_EVERY_MS = 1000;

/**
 * Whether this process can reach its database: down from the first failure that says it cannot,
 * up again when a probe answers. One warning when an outage starts and one line when it ends,
 * however many requests fail in between.
 */
class DatabaseAvailability {
  private since: Date | null = null;
  private probe: (() => Promise<unknown>) | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** How to check that the database answers (a `SELECT 1` on the pool); probed every second while down. */
  probeWith(probe: (() => Promise<unknown>) | null): void {
    this.probe = probe;
    if (!probe) this.stopProbing();
    else if (this.since) this.startProbing();
  }

  isDown(): boolean {
    return this.since !== null;
  }

  downSince(): Date | null {
    return this.since;
  }

  /** Records that the database could not be reached; true when this error started the outage. */
  markDown(error: unknown): boolean {
    if (this.since) return false;
    this.since = new Date();
    const cause = causes(error).at(-1) as { code?: string; message?: string } | undefined;
    logger().warn({ code: cause?.code, reason: cause?.message }, 'database unreachable: requests are answered 503 until it is back');
    this.startProbing();
    return true;
  }

  markUp(): void {
    if (!this.since) return;
    const seconds = (Date.now() - this.since.getTime()) / 1000;
    this.since = null;
    this.stopProbing();
    logger().info({ downSeconds: seconds }, 'database reachable again');
  }

  /** Checks now; marks the state down or up from the answer. */
  async check(): Promise<boolean> {
    if (!this.probe) return !this.isDown();
    try {
      await this.probe();
      this.markUp();
      return true;
    } catch (error) {
      if (isDatabaseUnreachable(error)) this.markDown(error);
      return !this.isDown();
    }
  }

  private startProbing(): void {
    if (this.timer || !this.probe) return;
    const tick = async () => {
      await this.check();
      this.timer = this.since ? setTimeout(tick, PROBE_EVERY_MS).unref() : null;
    };
    this.timer = setTimeout(tick, PROBE_EVERY_MS).unref();
  }

  private stopProbing(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** This process's view of its database's reachability. */
export const databaseAvailability = new DatabaseAvailability();
