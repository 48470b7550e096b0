import pino from 'pino';
import { config } from './index';

let instance: pino.Logger | null = null;
let toStderr = false;

/** JSON lines on stdout (stderr for a command, see logToStderr): one object per event, with a level, a time and a message. */
export function logger(): pino.Logger {
  instance ??= pino(
    {
      level: config().logLevel,
      base: { service: 'yiyang' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    toStderr ? pino.destination({ fd: 2, sync: true }) : undefined,
  );
  return instance;
}

/** For a command whose stdout is its JSON report: log lines go to stderr, beside its progress. */
export function logToStderr(): void {
  toStderr = true;
  instance = null;
}
