import pino from 'pino';
import { config } from './index';

let instance: pino.Logger | null = null;
let through: ((line: string) => void) | null = null;

/** JSON lines on stdout (elsewhere for a command, see logThrough): one object per event, with a level, a time and a message. */
export function logger(): pino.Logger {
  instance ??= pino(
    {
      level: config().logLevel,
      base: { service: 'yiyang' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    through ? { write: through } : undefined,
  );
  return instance;
}

/** For a command whose stdout is its JSON report: each log line goes to `write` (its progress, on stderr). */
export function logThrough(write: (line: string) => void): void {
  through = write;
  instance = null;
}
